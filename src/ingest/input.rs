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

/// The longest line (or record) perfreport reads: 16 MiB. Past it, reading
/// stops with an error naming the line, so a file (or a gzip bomb) holding
/// one endless line cannot take memory in proportion to it.
pub const MAX_LINE: usize = 16 << 20;

/// The error for a line past [`MAX_LINE`] (`line` is 1-based).
pub fn line_too_long(line: u64) -> String {
    format!("line {line} {TOO_LONG}")
}

/// The same, for an error whose position already names the line (the
/// chunked readers count lines per chunk, and the merge re-bases the
/// position, not the text: a number in the text would contradict it).
pub const TOO_LONG: &str = "is longer than 16 MiB, the most perfreport reads of one line or record";

/// Opens `path` for reading, decompressing gzip transparently, with lines
/// capped at [`MAX_LINE`] (see [`LineCap`]).
pub fn open(path: &Path) -> Result<Box<dyn BufRead + Send>, InputError> {
    open_with(path, None)
}

/// [`open`], hashing the file's own bytes (compressed, for a gzip file) as
/// they are read: `digest` holds the BLAKE3 once the whole file went
/// through, so a reader that reads to the end needs no second pass for the
/// checksum.
pub fn open_hashing(path: &Path, digest: &Digest) -> Result<Box<dyn BufRead + Send>, InputError> {
    open_with(path, Some(digest.clone()))
}

/// The BLAKE3 of a file opened with [`open_hashing`], once read to its end.
#[derive(Clone, Default)]
pub struct Digest(std::sync::Arc<std::sync::Mutex<Option<String>>>);

impl Digest {
    /// The hex digest, if the file was read to its end.
    pub fn get(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn open_with(path: &Path, digest: Option<Digest>) -> Result<Box<dyn BufRead + Send>, InputError> {
    let file = File::open(path).map_err(|e| InputError::new(path, format!("cannot open: {e}")))?;
    let gz = is_gzip(path).map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    let file = Counted {
        file,
        read: 0,
        hash: digest.map(|d| (blake3::Hasher::new(), d)),
    };
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            LineCap::new(Gz(MultiGzDecoder::new(file))),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, LineCap::new(file)))
    })
}

/// A file that counts the bytes read from it, for the progress bar and for
/// the offset in gzip errors.
struct Counted {
    file: File,
    read: u64,
    /// With [`open_hashing`]: the hash so far, and where it goes at the end.
    hash: Option<(blake3::Hasher, Digest)>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        crate::progress::add(n as u64);
        self.read += n as u64;
        if let Some((hasher, digest)) = &mut self.hash {
            if n > 0 {
                hasher.update(&buf[..n]);
            } else if !buf.is_empty() {
                // The end of the file: every byte went through, in order.
                let hex = hasher.finalize().to_hex().to_string();
                *digest.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(hex);
            }
        }
        Ok(n)
    }
}

/// A gzip stream whose errors say how far into the compressed file they
/// happened ("stream ended early" alone does not help find the break).
struct Gz(MultiGzDecoder<Counted>);

impl Read for Gz {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            // The decoder reads ahead up to 32 KiB: the break is in the block before this offset.
            let at = self.0.get_ref().read;
            std::io::Error::new(
                e.kind(),
                format!("broken gzip data within the first {at} bytes of the compressed file: {e}"),
            )
        })
    }
}

/// Ends reading with an error once a line passes [`MAX_LINE`] bytes, and
/// adds the line to the errors of the reader below (gzip). After an error
/// every read fails the same way, so no caller can read past it.
pub struct LineCap<R> {
    inner: R,
    /// Newlines passed so far.
    newlines: u64,
    /// Bytes since the last newline.
    since_newline: usize,
    /// The error that ended reading.
    failed: Option<(std::io::ErrorKind, String)>,
}

impl<R: Read> LineCap<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        LineCap {
            inner,
            newlines: 0,
            since_newline: 0,
            failed: None,
        }
    }

    fn fail(&mut self, kind: std::io::ErrorKind, message: String) -> std::io::Error {
        self.failed = Some((kind, message.clone()));
        std::io::Error::new(kind, message)
    }
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some((kind, message)) = &self.failed {
            return Err(std::io::Error::new(*kind, message.clone()));
        }
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Err(e),
            Err(e) => {
                let line = self.newlines + 1;
                return Err(self.fail(e.kind(), format!("{e} (at line {line})")));
            }
        };
        let mut start = 0;
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            if self.since_newline + (i - start) > MAX_LINE {
                break;
            }
            self.newlines += 1;
            self.since_newline = 0;
            start = i + 1;
        }
        self.since_newline += n - start;
        if self.since_newline > MAX_LINE {
            let line = self.newlines + 1;
            return Err(self.fail(std::io::ErrorKind::InvalidData, line_too_long(line)));
        }
        Ok(n)
    }
}

/// The largest magnitude perfreport takes as a figure: 1e20. No measured
/// latency, count, rate, size or timestamp (nanoseconds since 1970 are
/// 1.7e18) comes near it; values past it (1e300, "Infinity") are data errors
/// that would otherwise overflow sums and axes.
pub const MAX_FIGURE: f64 = 1e20;

/// `v` when it is finite and within ±[`MAX_FIGURE`]; else what is wrong with it.
pub fn figure(v: f64) -> Result<f64, String> {
    if !v.is_finite() {
        Err(format!("`{v}` is not a finite number"))
    } else if v.abs() > MAX_FIGURE {
        Err(format!(
            "`{v:e}` is beyond ±1e20, larger than any measured figure"
        ))
    } else {
        Ok(v)
    }
}

/// Refuses a JSON document (or one NDJSON line, whose first line is
/// `first_line`) holding a number that is not a [`figure`] (`1e400`,
/// `-1e308`), naming its line and column: one check for every JSON reader,
/// on the bytes, before any field is taken as a figure.
pub fn check_json_numbers(path: &Path, json: &[u8], first_line: u64) -> Result<(), InputError> {
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'-' | b'0'..=b'9' => {
                let end = json[i..]
                    .iter()
                    .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .map_or(json.len(), |n| i + n);
                let token = std::str::from_utf8(&json[i..end]).unwrap_or("");
                if let Some(Err(why)) = token.parse::<f64>().ok().map(figure) {
                    let before = &json[..i];
                    let line = first_line + before.iter().filter(|&&c| c == b'\n').count() as u64;
                    let start = before
                        .iter()
                        .rposition(|&c| c == b'\n')
                        .map_or(0, |n| n + 1);
                    // Characters, not bytes, as editors count columns.
                    let column =
                        json[start..i].iter().filter(|&&c| c & 0xC0 != 0x80).count() as u64 + 1;
                    return Err(InputError::at(
                        path,
                        crate::error::Position {
                            line,
                            column: Some(column),
                        },
                        why,
                    ));
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The whole (decompressed) file as UTF-8 text, for the readers that parse
/// one JSON document; invalid UTF-8 is an error naming its line.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    open(path)?
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let column = (at
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)) as u64
            + 1;
        InputError::at(
            path,
            crate::error::Position {
                line,
                column: Some(column),
            },
            "the file is not UTF-8 text (invalid byte here; column counts bytes)",
        )
    })
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

    /// The error text of reading all of `r`.
    fn read_err(mut r: impl Read) -> String {
        let mut sink = Vec::new();
        r.read_to_end(&mut sink).expect_err("must fail").to_string()
    }

    #[test]
    fn a_line_past_the_cap_is_an_error_naming_it_and_stays_one() {
        // Lines 1 and 2 fine, line 3 one byte too long; MAX_LINE itself is fine.
        let mut data = b"a\nb\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', MAX_LINE + 1));
        let e = read_err(LineCap::new(&data[..]));
        assert_eq!(e, line_too_long(3));
        let mut ok = vec![b'x'; MAX_LINE];
        ok.push(b'\n');
        ok.extend(vec![b'y'; MAX_LINE]);
        let mut sink = Vec::new();
        LineCap::new(&ok[..]).read_to_end(&mut sink).unwrap();
        assert_eq!(sink.len(), 2 * MAX_LINE + 1);
        // After the error, no read gets past it.
        let mut r = LineCap::new(&data[..]);
        let mut buf = vec![0; 1 << 16];
        let mut failed = 0;
        for _ in 0..400 {
            if r.read(&mut buf).is_err() {
                failed += 1;
            }
        }
        assert!(failed > 100, "{failed}");
    }

    #[test]
    fn broken_gzip_says_where_and_on_which_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.jtl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        for i in 0..20000 {
            writeln!(enc, "{i},{},label {}", i * 7 % 13, i % 3).unwrap();
        }
        let mut gz = enc.finish().unwrap();
        let len = gz.len();
        gz.truncate(len / 2);
        std::fs::write(&p, &gz).unwrap();
        let e = read_err(open(&p).unwrap());
        assert!(e.contains("broken gzip data within the first"), "{e}");
        assert!(e.contains("bytes of the compressed file"), "{e}");
        assert!(e.contains("(at line "), "{e}");
    }

    #[test]
    fn invalid_utf8_names_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        std::fs::write(&p, b"[\n  {\"a\": 1},\n  {\"b\xff\": 2}\n]").unwrap();
        let e = read_text(&p).unwrap_err();
        assert_eq!(
            e.position,
            Some(crate::error::Position {
                line: 3,
                column: Some(6)
            }),
            "{e}"
        );
    }

    #[test]
    fn json_numbers_past_any_figure_are_refused_where_they_stand() {
        let p = Path::new("s.json");
        let at = |text: &str| {
            check_json_numbers(p, text.as_bytes(), 1).err().map(|e| {
                (
                    e.position.unwrap().line,
                    e.position.unwrap().column.unwrap(),
                    e.message,
                )
            })
        };
        assert_eq!(
            at("{\"a\": [1, -2.5e3, 0.001, 18446744073709551615]}"),
            None
        );
        // Numbers inside strings are text; escaped quotes do not end a string.
        assert_eq!(at(r#"{"a\"1e999": "1e999", "b": "x\\"}"#), None);
        let (line, column, why) = at("{\n  \"p95\": 1e308\n}").unwrap();
        assert_eq!((line, column), (2, 10));
        assert!(why.contains("beyond ±1e20"), "{why}");
        let (line, column, why) = at("[\"é\", -1e400]").unwrap();
        assert_eq!((line, column), (1, 7));
        assert!(why.contains("not a finite number"), "{why}");
        // NDJSON: the line number of the line given.
        assert_eq!(at("{}").map(|a| a.0), None);
        let e = check_json_numbers(p, b"{\"v\": 2e21}", 40).unwrap_err();
        assert_eq!(e.position.unwrap().line, 40);
    }

    #[test]
    fn figures_are_finite_and_within_1e20() {
        assert_eq!(figure(1e20), Ok(1e20));
        assert_eq!(figure(-3.5), Ok(-3.5));
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.0001e20,
            -1e308,
            f64::MAX,
        ] {
            assert!(figure(bad).is_err(), "{bad}");
        }
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
