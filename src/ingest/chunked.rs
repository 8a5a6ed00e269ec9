//! Reading one plain (not gzip) line-based file on several threads.
//!
//! The data part of the file is cut into one range per thread at line
//! starts; each thread parses its range into its own [`ChunkSink`] (a
//! [`SampleStats`] plus the rows it skipped) with a [`ChunkParser`], and the
//! chunks are merged into the [`RunBuilder`] in file order, so the figures,
//! the first skipped rows and the first error are those of one sequential pass.
//!
//! A record may run past its range's end (a quoted CSV field holding a
//! newline): its thread reads on until the record ends, and when the next
//! range did not start where the previous one ended, that range and the rest
//! are parsed again, in one thread, from the right place. A parser that meets
//! something it does not handle says [`Stop::Unsupported`] and the caller
//! reads the whole file with its general reader instead.
//!
//! Line numbers: a parser numbers lines from 1 at the start of its range;
//! errors are moved to file lines when the chunks are merged.

use super::checksum::{self, Leaves};
use super::input::Digest;
use super::{ReadOptions, RunBuilder};
use crate::error::InputError;
use crate::model::Sample;
use crate::stats::samples::SampleStats;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes read at a time by each thread.
const BLOCK: usize = 1 << 19;
/// No thread gets less than this much of a file (tests split small fixtures too).
const MIN_CHUNK: u64 = 4096;

/// Where parsed requests and bad rows go: the run itself, or a chunk's own accumulator.
pub trait Sink {
    /// One request.
    fn record(&mut self, sample: &Sample<'_>);
    /// One transaction (a group of requests timed as one), kept apart from the requests.
    fn transaction(&mut self, sample: &Sample<'_>);
    /// Active users at a moment (Unix ms).
    fn users_at(&mut self, t_ms: f64, users: u32);
    /// A malformed row: skipped and counted with `skip`, else the error that stops reading.
    fn bad_row(&mut self, error: InputError, skip: bool) -> Result<(), InputError>;
}

impl Sink for RunBuilder {
    fn record(&mut self, sample: &Sample<'_>) {
        RunBuilder::record(self, sample);
    }
    fn transaction(&mut self, sample: &Sample<'_>) {
        RunBuilder::transaction(self, sample);
    }
    fn users_at(&mut self, t_ms: f64, users: u32) {
        RunBuilder::users_at(self, t_ms, users);
    }
    fn bad_row(&mut self, error: InputError, skip: bool) -> Result<(), InputError> {
        RunBuilder::bad_row(self, error, skip)
    }
}

/// What one chunk collected.
#[derive(Debug)]
pub struct ChunkSink {
    /// The chunk's statistics.
    pub stats: SampleStats,
    /// Its transactions' statistics (see [`Sink::transaction`]).
    pub transactions: SampleStats,
    /// Rows skipped (`--skip-bad-rows`).
    pub skipped: u64,
    /// The first three of them, with chunk-relative line numbers.
    pub examples: Vec<InputError>,
}

impl ChunkSink {
    /// An empty chunk with `stats` (from [`RunBuilder::new_samples`]).
    pub fn new(stats: SampleStats) -> Self {
        ChunkSink {
            transactions: stats.clone(),
            stats,
            skipped: 0,
            examples: Vec::new(),
        }
    }
}

impl Sink for ChunkSink {
    fn record(&mut self, sample: &Sample<'_>) {
        self.stats.record(sample);
    }
    fn transaction(&mut self, sample: &Sample<'_>) {
        self.transactions.record(sample);
    }
    fn users_at(&mut self, t_ms: f64, users: u32) {
        self.stats.users_at(t_ms, users);
    }
    fn bad_row(&mut self, error: InputError, skip: bool) -> Result<(), InputError> {
        if !skip {
            return Err(error);
        }
        self.skipped += 1;
        if self.examples.len() < 3 {
            self.examples.push(error);
        }
        Ok(())
    }
}

/// Why a chunk stopped early.
#[derive(Debug)]
pub enum Stop {
    /// The error that ends the build (chunk-relative line).
    Error(InputError),
    /// Something only the general reader handles: read the file with it.
    Unsupported,
}

impl From<InputError> for Stop {
    fn from(e: InputError) -> Self {
        Stop::Error(e)
    }
}

/// Parses the records of a range of lines.
pub trait ChunkParser: Send {
    /// Parses the whole records at the start of `buf` that begin before
    /// `limit`, and returns how many bytes they took (ending at a record end).
    /// A record not complete in `buf` waits for more bytes, unless `eof`
    /// says `buf` reaches the end of the file.
    fn parse(
        &mut self,
        buf: &[u8],
        limit: usize,
        eof: bool,
        sink: &mut ChunkSink,
    ) -> Result<usize, Stop>;

    /// Newlines in the bytes parsed so far (the range's first line is 1).
    fn newlines(&self) -> u64;

    /// Whether a range may begin at `line` (without its line end). A format
    /// whose rows can belong to the row before them (JMeter sub-results) says
    /// no for such rows, so a parent and its parts are always read by one thread.
    fn may_start_at(&self, _line: &[u8]) -> bool {
        true
    }
}

/// One parsed range.
pub struct Chunk<P> {
    /// The parser, with whatever it counted.
    pub parser: P,
    /// What it collected.
    pub sink: ChunkSink,
    /// Where its range began and where parsing ended (file offsets).
    pub start: u64,
    /// Where parsing ended.
    pub end: u64,
    /// The error that stopped it, if any (chunk-relative line).
    pub error: Option<InputError>,
    /// The file's BLAKE3 digest (on the first chunk, when the threads computed it).
    pub checksum: Option<String>,
    /// The BLAKE3 leaves of the piece of the file this thread hashed.
    leaves: Vec<blake3::hazmat::ChainingValue>,
}

/// [`parse_gzip`] for a gzip file, else [`parse_file`]: how every fast path
/// reads, whatever the compression.
pub fn parse_path<P: ChunkParser>(
    path: &Path,
    start: u64,
    opts: &ReadOptions,
    builder: &RunBuilder,
    make: impl Fn() -> P + Sync,
) -> Result<Option<Vec<Chunk<P>>>, InputError> {
    let gzip = super::input::is_gzip(path)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?;
    if gzip {
        parse_gzip(path, start, opts, builder, make)
    } else {
        parse_file(path, start, opts, builder, make)
    }
}

/// Parses `path` from byte `start` to its end on `opts.thread_count()`
/// threads; `None` when a parser met something only the general reader handles.
pub fn parse_file<P: ChunkParser>(
    path: &Path,
    start: u64,
    opts: &ReadOptions,
    builder: &RunBuilder,
    make: impl Fn() -> P + Sync,
) -> Result<Option<Vec<Chunk<P>>>, InputError> {
    let size = std::fs::metadata(path)
        .map_err(|e| InputError::new(path, format!("cannot read: {e}")))?
        .len();
    let data = size.saturating_sub(start);
    let n = (opts.thread_count() as u64).min((data / MIN_CHUNK).max(1));
    let mut bounds = vec![start];
    let probe = make();
    let may_start = |line: &[u8]| probe.may_start_at(line);
    for i in 1..n {
        let b = range_start_at_or_after(path, start + data * i / n, size, &may_start)?;
        if b > *bounds.last().expect("not empty") && b < size {
            bounds.push(b);
        }
    }
    bounds.push(size.max(start));
    // The chunks after the first keep the names past the cap apart, so that
    // one read is enough (`SampleStats::for_chunk`). The first folds them at
    // once: the first names of the file are the first names of its first chunk.
    let fresh = |k: usize| {
        let s = builder.new_samples();
        if k > 0 {
            s.for_chunk()
        } else {
            s
        }
    };
    // Each thread also hashes a piece of the file: from the BLAKE3 leaf
    // boundary after its range's start (the first from the file's start).
    let pieces: Option<Vec<(u64, u64)>> = (size > checksum::LEAF).then(|| {
        let n = bounds.len() - 1;
        (0..n)
            .map(|k| {
                let from = if k == 0 {
                    0
                } else {
                    checksum::boundary(bounds[k], size)
                };
                let to = if k + 1 == n {
                    size
                } else {
                    checksum::boundary(bounds[k + 1], size)
                };
                (from, to)
            })
            .collect()
    });
    let Some((mut chunks, leaves)) = parse_pass(path, size, &bounds, &make, &fresh, pieces)? else {
        return Ok(None);
    };
    if let Some(first) = chunks.first_mut() {
        first.checksum = checksum::root(&leaves, size);
    }
    // A chunk keeps the names past the cap apart, within bounds (see
    // `stats::samples`). Past them it folds names, and one of those may be
    // among the first ones of the whole file: only then is every chunk read
    // again, knowing the names the whole file keeps.
    let stats: Vec<&SampleStats> = chunks.iter().map(|c| &c.sink.stats).collect();
    match SampleStats::kept_in_file(&stats) {
        None => Ok(Some(chunks)),
        Some(kept) => {
            let digest = chunks.first_mut().and_then(|c| c.checksum.take());
            drop(chunks);
            let fixed = |_| builder.new_samples().keeping_only(&kept);
            Ok(
                parse_pass(path, size, &bounds, &make, &fixed, None)?.map(|(mut chunks, _)| {
                    if let Some(first) = chunks.first_mut() {
                        first.checksum = digest;
                    }
                    chunks
                }),
            )
        }
    }
}

/// The chunks of one pass, and the BLAKE3 leaves of the file in order.
type Pass<P> = (Vec<Chunk<P>>, Vec<blake3::hazmat::ChainingValue>);

/// One parallel pass over the ranges between `bounds`, the threads hashing
/// `pieces` of the file too (one per range) when given.
fn parse_pass<P: ChunkParser>(
    path: &Path,
    size: u64,
    bounds: &[u64],
    make: &(impl Fn() -> P + Sync),
    stats: &(impl Fn(usize) -> SampleStats + Sync),
    pieces: Option<Vec<(u64, u64)>>,
) -> Result<Option<Pass<P>>, InputError> {
    let results: Vec<Result<Chunk<P>, InputError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .windows(2)
            .enumerate()
            .map(|(k, w)| {
                let (from, to) = (w[0], w[1]);
                let piece = pieces.as_ref().map(|p| p[k]);
                scope.spawn(move || parse_range(path, from, to, size, make(), stats(k), piece))
            })
            .collect::<Vec<_>>();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(InputError::new(path, "a reading thread panicked")))
            })
            .collect()
    });
    let mut chunks = Vec::with_capacity(results.len());
    let mut leaves = Vec::new();
    for r in results {
        match r {
            Ok(mut c) => {
                leaves.append(&mut c.leaves);
                chunks.push(c);
            }
            Err(e) if e.message == UNSUPPORTED => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    // A chunk that did not start where the one before ended began inside a
    // record: parse from there to the end again, in one go.
    for k in 1..chunks.len() {
        let prev = &chunks[k - 1];
        if prev.error.is_some() {
            chunks.truncate(k);
            break;
        }
        if prev.end != chunks[k].start {
            let from = prev.end;
            chunks.truncate(k);
            if from < size {
                let again = parse_range(path, from, size, size, make(), stats(k), None);
                match again {
                    Ok(c) => chunks.push(c),
                    Err(e) if e.message == UNSUPPORTED => return Ok(None),
                    Err(e) => return Err(e),
                }
            }
            break;
        }
    }
    Ok(Some((chunks, leaves)))
}

/// The message of the internal error that stands for [`Stop::Unsupported`].
const UNSUPPORTED: &str = "\u{0}unsupported";

fn parse_range<P: ChunkParser>(
    path: &Path,
    from: u64,
    to: u64,
    size: u64,
    parser: P,
    stats: SampleStats,
    piece: Option<(u64, u64)>,
) -> Result<Chunk<P>, InputError> {
    let cannot = |e: std::io::Error| InputError::new(path, format!("cannot read: {e}"));
    let mut file =
        File::open(path).map_err(|e| InputError::new(path, format!("cannot open: {e}")))?;
    let mut leaves = piece.map(|(a, b)| Leaves::new(a, b));
    if let Some(l) = leaves.as_mut() {
        // The first piece starts before the data (at the header).
        let head_len = from.saturating_sub(l.wants());
        if head_len > 0 {
            let mut head = vec![0; head_len as usize];
            file.seek(SeekFrom::Start(l.wants())).map_err(cannot)?;
            file.read_exact(&mut head).map_err(cannot)?;
            l.feed(l.wants(), &head);
        }
    }
    file.seek(SeekFrom::Start(from)).map_err(cannot)?;
    let (mut chunk, mut buf, read_to) = parse_from(
        path,
        &mut file,
        from,
        to,
        Some(size),
        parser,
        stats,
        leaves.as_mut(),
    )?;
    // The piece to hash may reach past the range (to the next leaf boundary).
    // Even after an error: a range that began inside a quoted record errs,
    // is parsed again from the right place, and its piece still counts.
    if let Some(mut l) = leaves {
        let mut at = read_to;
        while !l.complete() {
            let n = file.read(&mut buf).map_err(cannot)?;
            if n == 0 {
                break;
            }
            l.feed(at, &buf[..n]);
            at += n as u64;
        }
        chunk.leaves = l.done;
    }
    Ok(chunk)
}

/// Parses what `src` yields from offset `from` on, the records that start
/// before `to`, to the end of `src` when `size` (of the whole input) is not
/// known; feeds `leaves` with every byte read. Returns the chunk, the read
/// buffer (for reuse) and the offset `src` has been read to.
#[allow(clippy::too_many_arguments)]
fn parse_from<P: ChunkParser>(
    path: &Path,
    src: &mut impl Read,
    from: u64,
    to: u64,
    size: Option<u64>,
    mut parser: P,
    stats: SampleStats,
    mut leaves: Option<&mut Leaves>,
) -> Result<(Chunk<P>, Vec<u8>, u64), InputError> {
    let cannot = |e: std::io::Error| InputError::new(path, format!("cannot read: {e}"));
    let mut sink = ChunkSink::new(stats);
    // buf[..have] holds bytes not parsed yet; the rest is room, zeroed once.
    let mut buf: Vec<u8> = vec![0; BLOCK * 2];
    let mut have = 0;
    let mut pos = from; // offset of buf[0]
    let mut error = None;
    loop {
        if have > super::input::MAX_LINE {
            // One record waiting for its end past the cap: stop before the buffer grows more.
            let line = parser.newlines() + 1;
            let at = crate::error::Position { line, column: None };
            error = Some(InputError::at(
                path,
                at,
                format!("the line {}", super::input::TOO_LONG),
            ));
            break;
        }
        // Never more than one byte past the cap in the buffer: a longer
        // line cannot end in it, so it is refused above, not parsed.
        let want = BLOCK.max(have).min(super::input::MAX_LINE + 1 - have);
        if buf.len() < have + want {
            buf.resize(have + want, 0);
        }
        let mut got = 0;
        while got < want {
            let n = src
                .read(&mut buf[have + got..have + want])
                .map_err(cannot)?;
            if n == 0 {
                break;
            }
            got += n;
        }
        if let Some(l) = leaves.as_deref_mut() {
            l.feed(pos + have as u64, &buf[have..have + got]);
        }
        have += got;
        let data = &buf[..have];
        let eof = got < want || size.is_some_and(|size| pos + have as u64 >= size);
        let limit = (to.saturating_sub(pos)).min(have as u64) as usize;
        match parser.parse(data, limit, eof, &mut sink) {
            Ok(used) => {
                pos += used as u64;
                if size.is_some() {
                    crate::progress::add(used as u64);
                }
                buf.copy_within(used..have, 0);
                have -= used;
            }
            Err(Stop::Error(e)) => {
                error = Some(e);
                break;
            }
            Err(Stop::Unsupported) => return Err(InputError::new(path, UNSUPPORTED)),
        }
        if pos >= to || (eof && have == 0) {
            break;
        }
        if eof && got == 0 {
            // The parser left bytes it cannot take even at the end of the input.
            return Err(InputError::new(path, UNSUPPORTED));
        }
    }
    let read_to = pos + have as u64;
    let chunk = Chunk {
        parser,
        sink,
        start: from,
        end: pos,
        error,
        checksum: None,
        leaves: Vec::new(),
    };
    Ok((chunk, buf, read_to))
}

/// Parses a gzip file with `make()`'s parser on this thread, from byte
/// `start` of the decompressed data, while another thread decompresses
/// (decompression is sequential, so this is the most a gzip file gets) —
/// or on this thread alone with `--threads 1`;
/// `None` when the parser met something only the general reader handles.
pub fn parse_gzip<P: ChunkParser>(
    path: &Path,
    start: u64,
    opts: &ReadOptions,
    builder: &RunBuilder,
    make: impl FnOnce() -> P,
) -> Result<Option<Vec<Chunk<P>>>, InputError> {
    let cannot = |e: std::io::Error| InputError::new(path, format!("cannot read: {e}"));
    // The decompressed text from `start` on, in one chunk, whichever source
    // decompresses it (this thread, or another one).
    let read = |mut src: &mut dyn Read| {
        std::io::copy(&mut (&mut src).take(start), &mut std::io::sink()).map_err(cannot)?;
        let parsed = parse_from(
            path,
            &mut src,
            start,
            u64::MAX,
            None,
            make(),
            builder.new_samples(),
            None,
        );
        match parsed {
            Ok((chunk, _, _)) => Ok(Some(vec![chunk])),
            Err(e) if e.message == UNSUPPORTED => Ok(None),
            Err(e) => Err(e),
        }
    };
    // The compressed bytes are hashed as they are read: the file's
    // checksum needs no second pass once the parse read to the end.
    let with_checksum = |parsed: Result<Option<Vec<Chunk<P>>>, InputError>, digest: &Digest| {
        parsed.map(|chunks| {
            chunks.map(|mut chunks| {
                if let Some(first) = chunks.first_mut() {
                    first.checksum = digest.get();
                }
                chunks
            })
        })
    };
    let digest = Digest::default();
    if opts.thread_count() == 1 {
        let mut src = super::input::open_hashing(path, &digest)?;
        return with_checksum(read(&mut src), &digest);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<u8>>>(4);
    // Blocks read come back to be filled again, so none is allocated twice.
    let (back_tx, back_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
    let parsed = std::thread::scope(|scope| {
        let digest = &digest;
        scope.spawn(move || {
            let mut src = match super::input::open_hashing(path, digest) {
                Ok(s) => s,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e.message)));
                    return;
                }
            };
            loop {
                let mut block = back_rx.try_recv().unwrap_or_default();
                block.resize(BLOCK, 0);
                let mut got = 0;
                let result = loop {
                    match src.read(&mut block[got..]) {
                        Ok(0) => break Ok(()),
                        Ok(n) => {
                            got += n;
                            if got == block.len() {
                                break Ok(());
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => break Err(e),
                    }
                };
                block.truncate(got);
                let last = got == 0 || result.is_err();
                let msg = result.map(|()| block);
                // The receiver hangs up when it stops early: nothing more to do.
                if tx.send(msg).is_err() || last {
                    return;
                }
            }
        });
        let mut src = Blocks {
            rx,
            back: back_tx,
            block: Vec::new(),
            at: 0,
        };
        let parsed = read(&mut src);
        drop(src); // hangs up, so the decompressing thread ends
        parsed
    });
    // The decompressing thread has ended: its digest is final.
    with_checksum(parsed, &digest)
}

/// Reads the blocks another thread sends.
struct Blocks {
    rx: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    back: std::sync::mpsc::SyncSender<Vec<u8>>,
    block: Vec<u8>,
    at: usize,
}

impl Read for Blocks {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.block.len() {
            match self.rx.recv() {
                Ok(Ok(b)) if b.is_empty() => return Ok(0),
                Ok(Ok(b)) => {
                    let used = std::mem::replace(&mut self.block, b);
                    self.at = 0;
                    // Full: the sender makes a new one instead.
                    let _ = self.back.try_send(used);
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
        let n = out.len().min(self.block.len() - self.at);
        out[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The offset of the first line that starts at or after `at`.
/// How far past its planned place a range start is looked for before the
/// range is given up (the range before it then reaches on).
const MAX_START_SCAN: u64 = 1 << 20;

/// The first line start at or after `at` where a range may begin
/// (`may_start`), within [`MAX_START_SCAN`] bytes; else `size`.
fn range_start_at_or_after(
    path: &Path,
    at: u64,
    size: u64,
    may_start: &dyn Fn(&[u8]) -> bool,
) -> Result<u64, InputError> {
    let first = line_start_at_or_after(path, at, size)?;
    if first >= size {
        return Ok(size);
    }
    let cannot = |e: std::io::Error| InputError::new(path, format!("cannot read: {e}"));
    let mut file =
        File::open(path).map_err(|e| InputError::new(path, format!("cannot open: {e}")))?;
    file.seek(SeekFrom::Start(first)).map_err(cannot)?;
    let want = MAX_START_SCAN.min(size - first) as usize;
    let mut buf = vec![0u8; want];
    file.read_exact(&mut buf).map_err(cannot)?;
    let mut from = 0;
    // Only whole lines are judged: a line cut by the end of the scan is not.
    while let Some(i) = memchr::memchr(b'\n', &buf[from..]) {
        let line = &buf[from..from + i];
        if may_start(line.strip_suffix(b"\r").unwrap_or(line)) {
            return Ok(first + from as u64);
        }
        from += i + 1;
    }
    Ok(size)
}

fn line_start_at_or_after(path: &Path, at: u64, size: u64) -> Result<u64, InputError> {
    if at == 0 {
        return Ok(0);
    }
    let cannot = |e: std::io::Error| InputError::new(path, format!("cannot read: {e}"));
    let mut file =
        File::open(path).map_err(|e| InputError::new(path, format!("cannot open: {e}")))?;
    let mut pos = at - 1;
    file.seek(SeekFrom::Start(pos)).map_err(cannot)?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(cannot)?;
        if n == 0 {
            return Ok(size);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
}

/// Moves a chunk-relative line number to the file line (`first_line` is the chunk's first).
fn shift(mut e: InputError, first_line: u64) -> InputError {
    if let Some(p) = e.position.as_mut() {
        p.line += first_line - 1;
    }
    e
}

/// Merges `chunks` into `builder` in file order; `first_line` is the file
/// line the first chunk starts on. Returns the first error, as one sequential
/// pass would have met it.
pub fn merge<P: ChunkParser>(
    chunks: Vec<Chunk<P>>,
    first_line: u64,
    builder: &mut RunBuilder,
) -> Result<Vec<P>, InputError> {
    let mut line = first_line;
    let mut parsers = Vec::with_capacity(chunks.len());
    for c in chunks {
        if let Some(hex) = c.checksum {
            builder.checksum(hex);
        }
        builder.merge_samples(c.sink.stats);
        builder.merge_transactions(c.sink.transactions);
        let examples = c
            .sink
            .examples
            .into_iter()
            .map(|e| shift(e, line).to_string())
            .collect();
        builder.skipped_rows(c.sink.skipped, examples);
        if let Some(e) = c.error {
            return Err(shift(e, line));
        }
        line += c.parser.newlines();
        parsers.push(c.parser);
    }
    Ok(parsers)
}

/// The line of `buf` starting at `at`, without its `\n`, and the offset
/// after it; a last line without `\n` counts only with `eof`.
pub fn next_line(buf: &[u8], at: usize, eof: bool) -> Option<(&[u8], usize)> {
    let rest = &buf[at..];
    match memchr::memchr(b'\n', rest) {
        Some(i) => Some((&rest[..i], at + i + 1)),
        None if eof && !rest.is_empty() => Some((rest, buf.len())),
        None => None,
    }
}

/// Delimiter positions [`scan_lines`] keeps per line; a wider line is `wide`.
const MAX_SEPS: usize = 128;

/// A line met by [`scan_lines`].
pub struct ScanLine<'b> {
    /// Where the line starts in the buffer.
    pub start: usize,
    /// The line without its `\n` (and a `\r` before it).
    pub bytes: &'b [u8],
    /// Where its delimiters are, in `bytes`; all of them unless `wide`.
    pub seps: &'b [u32],
    /// More than [`MAX_SEPS`] delimiters: split `bytes` yourself.
    pub wide: bool,
    /// False when the line holds a `"`, or a `\r` that does not end it.
    pub plain: bool,
    /// Where the next line starts.
    pub next: usize,
}

impl<'b> ScanLine<'b> {
    /// Whether the line ended with a `\n` (the last line of a file may not).
    #[inline]
    pub fn had_newline(&self, buf: &[u8]) -> bool {
        buf[self.next - 1] == b'\n'
    }
}

/// Raw names (labels, URLs) already met, with the endpoint index each
/// stands for. Most files have a handful of names: those are found by
/// comparing a few words before the bytes, the rest in a hash map.
#[derive(Default)]
pub struct Names {
    few: Vec<Known>,
    many: std::collections::HashMap<Vec<u8>, usize, crate::stats::samples::FxBuild>,
}

/// A name in [`Names::few`]: its length and first and last words, to rule
/// most others out before comparing bytes.
struct Known {
    len: usize,
    head: u64,
    tail: u64,
    bytes: Box<[u8]>,
    idx: usize,
}

/// Names kept in [`Names::few`].
const FEW: usize = 16;

impl Names {
    /// The index of `key`, if met before.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<usize> {
        let (head, tail) = words(key);
        for k in &self.few {
            if k.len == key.len() && k.head == head && k.tail == tail && *k.bytes == *key {
                return Some(k.idx);
            }
        }
        if self.few.len() < FEW {
            return None;
        }
        self.many.get(key).copied()
    }

    /// Remembers `key` as `idx`, unless `cap` names are remembered already.
    pub fn insert(&mut self, key: &[u8], idx: usize, cap: usize) {
        if self.few.len() < FEW {
            let (head, tail) = words(key);
            self.few.push(Known {
                len: key.len(),
                head,
                tail,
                bytes: key.into(),
                idx,
            });
        } else if self.many.len() + FEW < cap {
            self.many.insert(key.to_vec(), idx);
        }
    }
}

/// The first and the last eight bytes of `b` (zero-padded when shorter).
#[inline]
fn words(b: &[u8]) -> (u64, u64) {
    if b.len() >= 8 {
        let head = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
        let tail = u64::from_le_bytes(b[b.len() - 8..].try_into().expect("8 bytes"));
        (head, tail)
    } else {
        let mut w = [0u8; 8];
        w[..b.len()].copy_from_slice(b);
        (u64::from_le_bytes(w), 0)
    }
}

/// The fields of one record, by index.
pub trait Fields<'b> {
    /// How many fields the record has.
    fn count(&self) -> usize;
    /// Field `i` (below [`Fields::count`]).
    fn field(&self, i: usize) -> &'b [u8];
}

impl<'b> Fields<'b> for [&'b [u8]] {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn field(&self, i: usize) -> &'b [u8] {
        self[i]
    }
}

/// A plain line that is not `wide`: fields are cut where they are asked for.
impl<'b> Fields<'b> for ScanLine<'b> {
    #[inline]
    fn count(&self) -> usize {
        self.seps.len() + 1
    }
    #[inline]
    fn field(&self, i: usize) -> &'b [u8] {
        let from = if i == 0 {
            0
        } else {
            self.seps[i - 1] as usize + 1
        };
        let to = self.seps.get(i).map_or(self.bytes.len(), |&e| e as usize);
        &self.bytes[from..to]
    }
}

/// What [`scan_lines`] does after a line.
pub enum Step {
    /// Goes on with the next line.
    Next,
    /// Goes on from this offset (the caller read a record of several lines).
    Jump(usize),
    /// Stops before this line: it needs more bytes.
    Wait,
}

/// Calls `on_line` for each line of `buf` that starts before `limit`, with
/// where its `d` delimiters are; the last line counts without a `\n` only
/// with `eof`. Returns the offset of the first line not taken.
///
/// One pass over 64-byte blocks finds delimiters, line ends, quotes and CRs
/// at once as bit masks; a line's delimiters are the bits before its line
/// end, written out in a tight loop.
pub fn scan_lines<E>(
    buf: &[u8],
    limit: usize,
    eof: bool,
    d: u8,
    mut on_line: impl FnMut(&ScanLine<'_>) -> Result<Step, E>,
) -> Result<usize, E> {
    let mut seps = [0u32; MAX_SEPS + 64];
    let mut n = 0usize; // delimiters of the current line (may exceed MAX_SEPS)
    let mut at = 0;
    let mut pos = 0;
    let mut special = false;
    'blocks: while at < limit {
        if pos >= buf.len() {
            if eof && at < buf.len() {
                let b = &buf[at..];
                let line = ScanLine {
                    start: at,
                    bytes: b.strip_suffix(b"\r").unwrap_or(b),
                    seps: &seps[..n.min(MAX_SEPS)],
                    wide: n > MAX_SEPS,
                    plain: !special,
                    next: buf.len(),
                };
                match on_line(&line)? {
                    Step::Next => at = buf.len(),
                    Step::Jump(j) => {
                        (at, pos, special, n) = (j, j, false, 0);
                        continue 'blocks;
                    }
                    Step::Wait => {}
                }
            }
            break;
        }
        let m = masks64(&buf[pos..], d);
        // A CR is plain only right before a line end (or as the file's last byte).
        let after = pos + 64;
        let next_is_nl = match buf.get(after) {
            Some(c) => u64::from(*c == b'\n') << 63,
            None if eof && buf.len() > pos => 1u64 << (buf.len() - pos - 1),
            None => 0,
        };
        let mut odd = m.quote | (m.cr & !((m.nl >> 1) | next_is_nl));
        let mut delims = m.delim;
        let mut nls = m.nl;
        loop {
            let before = if nls == 0 {
                !0
            } else {
                (1u64 << nls.trailing_zeros()) - 1
            };
            let mut ds = delims & before;
            special |= odd & before != 0;
            if n + 64 <= MAX_SEPS + 64 {
                // The block may start before the line (its first bits were the line before).
                let base = pos.wrapping_sub(at);
                let mut k = n;
                while ds != 0 {
                    seps[k] = base.wrapping_add(ds.trailing_zeros() as usize) as u32;
                    k += 1;
                    ds &= ds - 1;
                }
                n = k;
            } else {
                n += ds.count_ones() as usize;
            }
            if nls == 0 {
                break;
            }
            let i = pos + nls.trailing_zeros() as usize;
            let end = if i > at && buf[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            let line = ScanLine {
                start: at,
                bytes: &buf[at..end],
                seps: &seps[..n.min(MAX_SEPS)],
                wide: n > MAX_SEPS,
                plain: !special,
                next: i + 1,
            };
            match on_line(&line)? {
                Step::Next => at = i + 1,
                Step::Jump(j) => {
                    (at, pos, special, n) = (j, j, false, 0);
                    continue 'blocks;
                }
                Step::Wait => return Ok(at),
            }
            (special, n) = (false, 0);
            if at >= limit {
                return Ok(at);
            }
            let done = !((before << 1) | 1);
            delims &= done;
            odd &= done;
            nls &= nls - 1;
        }
        pos = after;
    }
    Ok(at)
}

/// Where a 64-byte block holds each kind of byte [`scan_lines`] looks for.
struct Masks {
    delim: u64,
    nl: u64,
    quote: u64,
    cr: u64,
}

/// The masks of the first 64 bytes of `b` (fewer at its end).
#[inline]
fn masks64(b: &[u8], d: u8) -> Masks {
    if b.len() < 64 {
        let mut pad = [0u8; 64];
        pad[..b.len()].copy_from_slice(b);
        return masks64_full(&pad, d);
    }
    masks64_full(b[..64].try_into().expect("64 bytes"), d)
}

#[inline(always)]
fn masks64_full(b: &[u8; 64], d: u8) -> Masks {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of x86_64; each load is unaligned and reads 16
        // of the array's 64 bytes.
        unsafe {
            let (vd, vn) = (_mm_set1_epi8(d as i8), _mm_set1_epi8(b'\n' as i8));
            let (vq, vr) = (_mm_set1_epi8(b'"' as i8), _mm_set1_epi8(b'\r' as i8));
            let mut m = Masks {
                delim: 0,
                nl: 0,
                quote: 0,
                cr: 0,
            };
            for k in 0..4 {
                let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast());
                let bits = |x| u64::from(_mm_movemask_epi8(x) as u16) << (16 * k);
                m.delim |= bits(_mm_cmpeq_epi8(v, vd));
                m.nl |= bits(_mm_cmpeq_epi8(v, vn));
                m.quote |= bits(_mm_cmpeq_epi8(v, vq));
                m.cr |= bits(_mm_cmpeq_epi8(v, vr));
            }
            m
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = Masks {
            delim: 0,
            nl: 0,
            quote: 0,
            cr: 0,
        };
        for (i, &c) in b.iter().enumerate() {
            m.delim |= u64::from(c == d) << i;
            m.nl |= u64::from(c == b'\n') << i;
            m.quote |= u64::from(c == b'"') << i;
            m.cr |= u64::from(c == b'\r') << i;
        }
        m
    }
}

/// A number of whole ASCII digits (1 to 18 of them), else `None`.
#[inline]
pub fn digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// A plain decimal (`123`, `0.0556`: digits, at most one point, at most 15
/// digits in all) as the nearest f64, exactly as `str::parse` gives it (the
/// digits and the power of ten are both exact, and one IEEE division rounds
/// correctly); `None` for anything else.
#[inline]
pub fn decimal(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut v: u64 = 0;
    let mut frac: Option<usize> = None;
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' {
            if frac.is_some() || i == 0 || i + 1 == b.len() {
                return None;
            }
            frac = Some(b.len() - i - 1);
            continue;
        }
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
        n += 1;
    }
    if n > 15 {
        return None;
    }
    Some(v as f64 / POW10[frac.unwrap_or(0)])
}

/// Unix seconds and nanoseconds of `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`
/// with 1 to 9 fraction digits, exactly as chrono's `parse_from_rfc3339`
/// gives them (`timestamp()`, `timestamp_subsec_nanos()`); `None` for any
/// other form, including leap seconds, lowercase `t`/`z`, a space for `T`
/// and offsets past 23:59: the caller asks chrono then. Written by hand
/// because chrono's parser is most of the time a JSON-lines reader takes.
#[inline]
pub fn rfc3339(b: &[u8]) -> Option<(i64, u32)> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let d2 = |i: usize| -> Option<i64> {
        let (x, y) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
        // Lazily: `x * 10` of a non-digit overflows u8.
        (x < 10 && y < 10).then(|| i64::from(x * 10 + y))
    };
    let year = d2(0)? * 100 + d2(2)?;
    let (month, day, hour, min, sec) = (d2(5)?, d2(8)?, d2(11)?, d2(14)?, d2(17)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > days_in_month || hour > 23 || min > 59 || sec > 59 {
        return None;
    }
    let mut i = 19;
    let mut nanos: i64 = 0;
    if b[i] == b'.' {
        i += 1;
        let from = i;
        while i < b.len() && b[i].is_ascii_digit() {
            nanos = nanos * 10 + i64::from(b[i] - b'0');
            i += 1;
        }
        let n = i - from;
        if n == 0 || n > 9 {
            return None;
        }
        nanos *= 10_i64.pow((9 - n) as u32);
    }
    let offset_s = match b[i..] {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h1, h2, m1, m2) = (
                h1.wrapping_sub(b'0'),
                h2.wrapping_sub(b'0'),
                m1.wrapping_sub(b'0'),
                m2.wrapping_sub(b'0'),
            );
            if h1 > 9 || h2 > 9 || m1 > 9 || m2 > 9 {
                return None;
            }
            let (h, m) = (i64::from(h1 * 10 + h2), i64::from(m1 * 10 + m2));
            if h > 23 || m > 59 {
                return None;
            }
            if sign == b'-' {
                -(h * 3600 + m * 60)
            } else {
                h * 3600 + m * 60
            }
        }
        _ => return None,
    };
    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset_s;
    Some((secs, nanos as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_equal_the_standard_parser() {
        for t in [
            "0",
            "1",
            "0.0556",
            "0.0001",
            "12.5",
            "123456789012345",
            "0.12345678901234",
            "99.99",
            "0.1",
            "0.3",
            "2.675",
            "1.005",
        ] {
            assert_eq!(
                decimal(t.as_bytes()),
                Some(t.parse::<f64>().unwrap()),
                "{t}"
            );
        }
        for t in ["", ".5", "5.", "1.2.3", "-1", "1e3", "1234567890123456"] {
            assert_eq!(decimal(t.as_bytes()), None, "{t}");
        }
        for i in 0..100_000u64 {
            let t = format!("{}.{:04}", i / 10_000, i % 10_000);
            assert_eq!(
                decimal(t.as_bytes()),
                Some(t.parse::<f64>().unwrap()),
                "{t}"
            );
        }
    }

    type Scanned = (usize, Vec<u8>, Vec<u32>, bool, usize);

    /// What `scan_lines` should report, line by line, the plain way.
    fn naive(buf: &[u8], eof: bool) -> Vec<Scanned> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < buf.len() {
            let (body, next) = match buf[at..].iter().position(|&b| b == b'\n') {
                Some(i) => (&buf[at..at + i], at + i + 1),
                None if eof => (&buf[at..], buf.len()),
                None => break,
            };
            let line = body.strip_suffix(b"\r").unwrap_or(body);
            let plain = !line.contains(&b'"') && !line.contains(&b'\r');
            let seps = (0..line.len())
                .filter(|&i| line[i] == b',')
                .map(|i| i as u32)
                .collect();
            out.push((at, line.to_vec(), seps, plain, next));
            at = next;
        }
        out
    }

    #[test]
    fn scanned_lines_are_the_plain_split() {
        // Deterministic pseudo-random lines of every length across block edges.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"abc,,,,\r\n\n\"0123456789";
        for round in 0..400 {
            let len = (next() % 400) as usize;
            let buf: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            for eof in [false, true] {
                let mut got = Vec::new();
                let end = scan_lines::<()>(&buf, buf.len(), eof, b',', |l| {
                    got.push((l.start, l.bytes.to_vec(), l.seps.to_vec(), l.plain, l.next));
                    Ok(Step::Next)
                })
                .unwrap();
                let want = naive(&buf, eof);
                assert_eq!(
                    got,
                    want,
                    "round {round} eof {eof}: {:?}",
                    String::from_utf8_lossy(&buf)
                );
                assert_eq!(end, want.last().map_or(0, |w| w.4), "round {round}");
            }
        }
    }

    #[test]
    fn scanning_stops_at_the_limit_and_where_asked() {
        let buf = b"a,b\nc,d\ne,f\n";
        let mut starts = Vec::new();
        let end = scan_lines::<()>(buf, 5, true, b',', |l| {
            starts.push(l.start);
            Ok(Step::Next)
        })
        .unwrap();
        assert_eq!(
            (starts, end),
            (vec![0, 4], 8),
            "a line starting before the limit is read whole"
        );
        let end = scan_lines::<()>(buf, buf.len(), true, b',', |l| {
            Ok(if l.start == 4 { Step::Wait } else { Step::Next })
        })
        .unwrap();
        assert_eq!(end, 4);
        let mut starts = Vec::new();
        scan_lines::<()>(buf, buf.len(), true, b',', |l| {
            starts.push(l.start);
            Ok(if l.start == 0 {
                Step::Jump(8)
            } else {
                Step::Next
            })
        })
        .unwrap();
        assert_eq!(starts, vec![0, 8]);
        let wide = format!("{}\n", ",".repeat(200));
        scan_lines::<()>(wide.as_bytes(), wide.len(), true, b',', |l| {
            assert!(l.wide && l.seps.len() == MAX_SEPS && l.seps[MAX_SEPS - 1] == 127);
            Ok(Step::Next)
        })
        .unwrap();
    }

    #[test]
    fn names_find_each_key_and_only_it() {
        let mut keys: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"a".to_vec(),
            b"GET /a".to_vec(),
            b"12345678".to_vec(),
            b"GET /v1/items/aaaa/b".to_vec(),
            b"GET /v1/items/bbbb/b".to_vec(), // same first and last eight bytes
        ];
        keys.extend((0..100).map(|i| format!("label {i}").into_bytes()));
        let mut names = Names::default();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(names.get(k), None, "{i}");
            names.insert(k, i, 50);
        }
        for (i, k) in keys.iter().enumerate() {
            let want = (i < 50).then_some(i);
            assert_eq!(names.get(k), want, "{}", String::from_utf8_lossy(k));
        }
        assert_eq!(names.get(b"GET /v1/items/cccc/b"), None);
    }

    #[test]
    fn rfc3339_times_are_chrono_times_to_the_nanosecond() {
        let chrono_parts = |t: &str| {
            chrono::DateTime::parse_from_rfc3339(t)
                .ok()
                .map(|t| (t.timestamp(), t.timestamp_subsec_nanos()))
        };
        let mut times: Vec<String> = [
            "2025-02-16T20:42:22.2367821+03:00",
            "2026-11-23T11:30:00.000123456Z",
            "2026-11-23T14:30:00.5+03:00",
            "2024-01-01T00:00:00-00:00",
            "1969-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999+23:59",
            "2024-02-29T23:59:59-23:59",
            "2023-02-29T00:00:00Z",
            "2024-06-30T23:59:60Z",
            "2024-06-30T23:59:60.5Z",
            "2024-01-01t00:00:00z",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00.1234567891Z",
            "2024-01-01T00:00:00+24:00",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00Z ",
            " 2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00",
            "",
        ]
        .map(String::from)
        .to_vec();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..50_000 {
            let frac = match next(12) {
                0 | 11 => String::new(),
                n => format!(".{:0w$}", next(10u64.pow(n as u32)), w = n as usize),
            };
            let offset = match next(4) {
                0 => "Z".to_string(),
                1 => "z".to_string(),
                _ => format!(
                    "{}{:02}:{:02}",
                    ['+', '-'][next(2) as usize],
                    next(26),
                    next(62)
                ),
            };
            let sep = ["T", "T", "T", "t", " "][next(5) as usize];
            times.push(format!(
                "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}{frac}{offset}",
                next(10_000),
                next(14),
                next(33),
                next(25),
                next(61),
                next(62)
            ));
        }
        let mut read = 0;
        for t in &times {
            if let Some(parts) = rfc3339(t.as_bytes()) {
                assert_eq!(Some(parts), chrono_parts(t), "{t}");
                read += 1;
            }
        }
        // Most of the random times are valid and in the one form read.
        assert!(read > 10_000, "{read}");
    }

    #[test]
    fn digits_are_whole_ascii_numbers() {
        assert_eq!(digits(b"1795435200000"), Some(1_795_435_200_000));
        assert_eq!(digits(b""), None);
        assert_eq!(digits(b"+1"), None);
        assert_eq!(digits(b" 1"), None);
        assert_eq!(digits(b"1234567890123456789"), None);
    }
}
