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
    Ok(if gz {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(file)))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    })
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
}
