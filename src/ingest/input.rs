//! Opening input files: plain or gzip-compressed (recognised by the gzip
//! magic bytes, whatever the name), with the first bytes available for
//! format detection.

use crate::error::InputError;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// How many leading bytes (after decompression) detection looks at.
pub const HEAD_LEN: usize = 8192;

/// True when the file starts with the gzip magic bytes.
pub fn is_gzip(path: &Path) -> std::io::Result<bool> {
    let mut magic = [0u8; 2];
    let n = File::open(path)?.read(&mut magic)?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Opens `path` for reading, decompressing gzip transparently.
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, InputError> {
    let file = File::open(path).map_err(|e| InputError::new(path, format!("cannot open: {e}")))?;
    let gz = is_gzip(path).map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    let file = Counted(file);
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    })
}

/// A file that counts the bytes read from it for the progress bar.
struct Counted(File);

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        crate::progress::add(n as u64);
        Ok(n)
    }
}

/// Turns `\r\n` and lone `\r` line ends into `\n` while reading. The csv
/// crate counts a record that follows `\r\n` as starting on the line before
/// (it has not consumed the `\n` yet), so error and footnote line numbers
/// would be off by one in every CRLF file without this.
pub struct UnixLines<R> {
    inner: R,
    /// The last byte read was `\r`: drop a `\n` that follows it.
    after_cr: bool,
}

impl<R: Read> UnixLines<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        UnixLines {
            inner,
            after_cr: false,
        }
    }
}

impl<R: Read> Read for UnixLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut out = 0;
            for i in 0..n {
                let b = buf[i];
                match b {
                    b'\n' if self.after_cr => self.after_cr = false,
                    b'\r' => {
                        buf[out] = b'\n';
                        out += 1;
                        self.after_cr = true;
                    }
                    _ => {
                        buf[out] = b;
                        out += 1;
                        self.after_cr = false;
                    }
                }
            }
            if out > 0 {
                return Ok(out);
            }
        }
    }
}

/// Like [`open`], with line ends normalised by [`UnixLines`] (for CSV readers).
pub fn open_lines(path: &Path) -> Result<Box<dyn BufRead + Send>, InputError> {
    Ok(Box::new(BufReader::with_capacity(
        1 << 16,
        UnixLines::new(open(path)?),
    )))
}

/// The first [`HEAD_LEN`] bytes of the (decompressed) file.
pub fn head(path: &Path) -> Result<Vec<u8>, InputError> {
    let mut out = Vec::with_capacity(HEAD_LEN);
    open(path)?
        .take(HEAD_LEN as u64)
        .read_to_end(&mut out)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    Ok(out)
}

/// The most perfreport reads of a file that another input file names, or
/// of `run.toml` itself: 1 MiB.
pub const MAX_NAMED_FILE: u64 = 1 << 20;

/// What `meta` is, for errors about a path that is not a regular file
/// ("a FIFO (named pipe)", "a character device such as /dev/zero").
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device (such as /dev/zero)"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "a regular file"
    }
}

/// Reads the text file `rel` that a file in `dir` names (run.toml's
/// `notes`), under the rules for paths that come from input files: a
/// relative path without `..`, that resolves (symlinks followed) to a
/// regular file inside `dir`, of at most `limit` bytes, in UTF-8. The `Err`
/// says which rule was broken, for the caller to place in its file.
pub fn read_named_file(dir: &Path, rel: &str, limit: u64) -> Result<String, String> {
    let named = Path::new(rel);
    if rel.is_empty() {
        return Err("the path is empty".to_string());
    }
    if named.is_absolute() {
        return Err("is an absolute path; it must name a file inside the run's folder".into());
    }
    if named
        .components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err("contains `..`; it must name a file inside the run's folder".into());
    }
    let inside = dir
        .canonicalize()
        .map_err(|e| format!("cannot resolve the run's folder: {e}"))?;
    let target = dir
        .join(named)
        .canonicalize()
        .map_err(|e| format!("cannot read it: {e}"))?;
    if !target.starts_with(&inside) {
        return Err(format!(
            "resolves (through a symbolic link) to {}, outside the run's folder",
            target.display()
        ));
    }
    // Checked before opening: opening a FIFO would wait for a writer.
    let meta = std::fs::metadata(&target).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!("is {}, not a regular file", kind_of(&meta)));
    }
    let too_big = || format!("is larger than {} bytes (1 MiB), the limit", limit);
    if meta.len() > limit {
        return Err(too_big());
    }
    let file = File::open(&target).map_err(|e| format!("cannot read: {e}"))?;
    let mut bytes = Vec::new();
    // Bounded even if the file grows after the check.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("is not UTF-8 text (line {line})")
    })
}

/// The file name without a `.gz` suffix, for extension checks (`run.jtl.gz` → `run.jtl`).
pub fn logical_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(".gz").map(str::to_string).unwrap_or(name)
}

/// The lowercase extension of [`logical_name`] (`jtl`, `csv`, `json`), or empty.
pub fn extension(path: &Path) -> String {
    logical_name(path)
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_read_transparently_and_names_lose_gz() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("results.jtl.gz");
        let mut enc =
            flate2::write::GzEncoder::new(File::create(&p).unwrap(), flate2::Compression::fast());
        enc.write_all(b"timeStamp,elapsed,label\n1,2,a\n").unwrap();
        enc.finish().unwrap();
        assert!(is_gzip(&p).unwrap());
        assert_eq!(head(&p).unwrap(), b"timeStamp,elapsed,label\n1,2,a\n");
        assert_eq!(extension(&p), "jtl");
    }

    #[test]
    fn line_ends_become_unix_across_reads() {
        let mut out = String::new();
        // One byte at a time, so a \r\n pair is split between reads.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        UnixLines::new(Trickle(b"a\r\nb\rc\nd\r\r\ne"))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "a\nb\nc\nd\n\ne");
    }
}
