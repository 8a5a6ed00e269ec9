//! A CSV file read row by row, with every error naming the file, the line
//! (counting the header) and the column. Cells are read as bytes and decoded
//! lossily, so a name that is not valid UTF-8 is shown, not rejected.

use super::RunBuilder;
use crate::error::{InputError, Position};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// An open CSV file with its header row.
pub struct CsvFile {
    path: PathBuf,
    reader: csv::Reader<Box<dyn BufRead + Send>>,
    headers: Vec<String>,
    record: csv::ByteRecord,
    /// An I/O error ended reading: later rows cannot be read.
    broken: bool,
}

impl CsvFile {
    /// Opens `path` (gzip or plain) and reads its header row.
    pub fn open(path: &Path) -> Result<CsvFile, InputError> {
        Self::open_with(path, b',')
    }

    /// Like [`CsvFile::open`] with another delimiter (tab-separated JTL).
    pub fn open_with(path: &Path, delimiter: u8) -> Result<CsvFile, InputError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .delimiter(delimiter)
            .from_reader(super::input::open_lines(path)?);
        let headers = reader
            .byte_headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect::<Vec<_>>();
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(InputError::new(path, "the file is empty (no header row)"));
        }
        Ok(CsvFile {
            path: path.to_path_buf(),
            reader,
            headers,
            record: csv::ByteRecord::new(),
            broken: false,
        })
    }

    /// The header row as written.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The index of the first column whose name (trimmed, case-insensitive)
    /// is one of `names`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.headers.iter().position(|h| {
            let h = h.trim_start_matches('\u{feff}').trim();
            names.iter().any(|n| h.eq_ignore_ascii_case(n))
        })
    }

    /// Like [`CsvFile::column`], but a missing column is an error at line 1.
    pub fn require(&self, names: &[&str]) -> Result<usize, InputError> {
        self.column(names).ok_or_else(|| {
            InputError::at(
                &self.path,
                Position {
                    line: 1,
                    column: None,
                },
                format!("the header has no `{}` column", names[0]),
            )
        })
    }

    /// Calls `each` with every data row. A row that cannot be read, or that
    /// `each` refuses, is a bad row: skipped with `skip` (`--skip-bad-rows`)
    /// and counted, else it ends the reading with its error.
    pub fn each_row(
        &mut self,
        builder: &mut RunBuilder,
        skip: bool,
        mut each: impl FnMut(&Row<'_>, &mut RunBuilder) -> Result<(), InputError>,
    ) -> Result<(), InputError> {
        loop {
            let result = match self.next_row() {
                Ok(Some(row)) => each(&row, builder),
                Ok(None) => return Ok(()),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                // The file itself cannot be read on (a broken gzip stream, a
                // line past the cap): not a row to skip, or this would loop.
                if self.broken {
                    return Err(e);
                }
                builder.bad_row(e, skip)?;
            }
        }
    }

    /// The next data row, or `None` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, InputError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => Ok(Some(Row {
                path: &self.path,
                headers: &self.headers,
                line: self.record.position().map_or(0, |p| p.line()),
                record: &self.record,
            })),
            Err(e) => {
                self.broken |= matches!(e.kind(), csv::ErrorKind::Io(_));
                Err(csv_error(&self.path, e))
            }
        }
    }
}

fn csv_error(path: &Path, e: csv::Error) -> InputError {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => InputError::at(
            path,
            Position {
                line: pos.as_ref().map_or(0, |p| p.line()),
                column: None,
            },
            format!("the row has {len} fields but the header has {expected_len}"),
        ),
        csv::ErrorKind::Io(io) => InputError::new(path, format!("cannot read: {io}")),
        _ => {
            let line = e.position().map(|p| p.line());
            match line {
                Some(line) => InputError::at(path, Position { line, column: None }, e.to_string()),
                None => InputError::new(path, e.to_string()),
            }
        }
    }
}

/// One data row of a [`CsvFile`].
pub struct Row<'a> {
    path: &'a Path,
    headers: &'a [String],
    line: u64,
    record: &'a csv::ByteRecord,
}

impl<'a> Row<'a> {
    /// A row read some other way (the fast paths), for its errors and cells.
    pub fn new(
        path: &'a Path,
        headers: &'a [String],
        line: u64,
        record: &'a csv::ByteRecord,
    ) -> Row<'a> {
        Row {
            path,
            headers,
            line,
            record,
        }
    }

    /// `file.csv, line N`: where this row is, for footnotes.
    pub fn source(&self) -> String {
        let name = self
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        format!("{name}, line {}", self.line)
    }

    /// The cell as text (lossy UTF-8, trimmed); empty when the column is missing.
    pub fn text(&self, i: usize) -> String {
        self.record
            .get(i)
            .map(|b| String::from_utf8_lossy(b).trim().to_string())
            .unwrap_or_default()
    }

    /// An error at this row, in column `i` when given.
    pub fn error(&self, i: Option<usize>, message: impl Into<String>) -> InputError {
        InputError::at(
            self.path,
            Position {
                line: self.line,
                column: i.map(|i| i as u64 + 1),
            },
            message,
        )
    }

    fn number<T: std::str::FromStr>(&self, i: usize, what: &str) -> Result<Option<T>, InputError> {
        let t = self.text(i);
        if t.is_empty() || t.eq_ignore_ascii_case("n/a") {
            return Ok(None);
        }
        t.parse().map(Some).map_err(|_| {
            let column = self.headers.get(i).map(String::as_str).unwrap_or("?");
            self.error(
                Some(i),
                format!(
                    "{} in column `{}` is not {what}",
                    crate::error::cell(&t),
                    column.trim()
                ),
            )
        })
    }

    /// The cell as a number; `None` for an empty or `N/A` cell.
    pub fn f64(&self, i: usize) -> Result<Option<f64>, InputError> {
        match self.number::<f64>(i, "a number")? {
            Some(v) if super::input::figure(v).is_err() => {
                Err(self.error(Some(i), super::input::figure(v).err().unwrap_or_default()))
            }
            v => Ok(v),
        }
    }

    /// The cell as a count; `None` for an empty or `N/A` cell.
    pub fn u64(&self, i: usize) -> Result<Option<u64>, InputError> {
        self.number(i, "a whole number")
    }

    /// [`Row::f64`] of an optional column.
    pub fn opt_f64(&self, i: Option<usize>) -> Result<Option<f64>, InputError> {
        i.map_or(Ok(None), |i| self.f64(i))
    }

    /// [`Row::u64`] of an optional column.
    pub fn opt_u64(&self, i: Option<usize>) -> Result<Option<u64>, InputError> {
        i.map_or(Ok(None), |i| self.u64(i))
    }
}
