//! Typed errors for the failures a caller branches on: unreadable input, a bad
//! SLA file, bad usage. Each carries what a user needs to find the problem (the
//! file, and the line and column where there is one). `main` maps all of them
//! to exit code 2; everything else travels as `anyhow::Error` with context.

use std::fmt;
use std::path::PathBuf;

/// A position in a text file, 1-based, as editors count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line number, counting the header line of a CSV file.
    pub line: u64,
    /// Column number; for CSV files the 1-based field number.
    pub column: Option<u64>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "line {}, column {}", self.line, c),
            None => write!(f, "line {}", self.line),
        }
    }
}

/// An input file could not be read or understood.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", position.map(|p| format!(": {p}")).unwrap_or_default())]
pub struct InputError {
    /// The file (or directory) at fault.
    pub path: PathBuf,
    /// Where in the file, when the problem is one place.
    pub position: Option<Position>,
    /// What is wrong, phrased for the user.
    pub message: String,
}

impl InputError {
    /// An error about a whole file or directory.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            position: None,
            message: message.into(),
        }
    }

    /// An error at one place in a file.
    pub fn at(path: impl Into<PathBuf>, position: Position, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            position: Some(position),
            message: message.into(),
        }
    }
}

/// The SLA file is malformed or inconsistent.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(": line {l}")).unwrap_or_default())]
pub struct SlaFileError {
    /// The SLA file (or `<default SLA>` for the embedded one).
    pub path: PathBuf,
    /// The line of the offending key, when known.
    pub line: Option<u64>,
    /// What is wrong, naming the rule.
    pub message: String,
}

/// The command line asks for something impossible.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Longest excerpt of input (a cell, a value) an error message quotes.
pub const EXCERPT_CHARS: usize = 80;

/// `text` quoted for an error message: Rust string syntax (control
/// characters escaped), cut to [`EXCERPT_CHARS`] characters with the length
/// of the rest, so a 1 MB cell never becomes a 1 MB stderr line.
pub fn excerpt(text: &str) -> String {
    let total = text.chars().count();
    if total <= EXCERPT_CHARS {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(EXCERPT_CHARS).collect();
        format!("{head:?}… ({} characters in all)", total)
    }
}

/// A cell of input for an error message: in backticks, cut to
/// [`EXCERPT_CHARS`] characters with the length of the rest.
pub fn cell(text: &str) -> String {
    let total = text.chars().count();
    if total <= EXCERPT_CHARS {
        format!("`{text}`")
    } else {
        let head: String = text.chars().take(EXCERPT_CHARS).collect();
        format!("`{head}…` ({total} characters)")
    }
}

/// The 1-based line and column of byte `offset` in `text`.
pub fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    Position {
        line,
        column: Some(column),
    }
}
