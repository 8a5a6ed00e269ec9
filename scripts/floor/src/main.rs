//! The floor issue #15 measures perfreport's JTL reading against: a minimal
//! program that does the same work and nothing else. memchr finds lines and
//! commas; 4 fields are read (timeStamp, elapsed, label, success) into a
//! per-label HDR histogram, failure count and per-second counts; BLAKE3
//! hashes the file. Two threads parse a half each, the hash runs on both
//! cores. No quoting, no checks, no report: a floor, not a reader.
//! `scripts/bench` builds and times it beside perfreport and `wc -l`.
use hdrhistogram::Histogram;
use std::collections::HashMap;

#[derive(Default)]
struct Acc {
    labels: HashMap<Vec<u8>, (Histogram<u64>, u64)>,
    per_second: HashMap<u64, u64>,
    rows: u64,
}

fn digits(b: &[u8]) -> u64 {
    b.iter().fold(0, |v, c| v * 10 + u64::from(c - b'0'))
}

fn parse(buf: &[u8]) -> Acc {
    let mut a = Acc::default();
    let mut at = 0;
    for nl in memchr::memchr_iter(b'\n', buf) {
        let line = &buf[at..nl];
        at = nl + 1;
        let mut commas = [0usize; 8];
        let mut n = 0;
        for c in memchr::memchr_iter(b',', line).take(8) {
            commas[n] = c;
            n += 1;
        }
        if n < 8 {
            continue;
        }
        let (ts, el, lb) = (&line[..commas[0]], &line[commas[0] + 1..commas[1]], &line[commas[1] + 1..commas[2]]);
        let ok = &line[commas[6] + 1..commas[7]];
        if ts.first().map_or(true, |c| !c.is_ascii_digit()) { continue; }
        let (t, e) = (digits(ts), digits(el));
        let entry = match a.labels.get_mut(lb) {
            Some(e) => e,
            None => a.labels.entry(lb.to_vec()).or_insert_with(|| (Histogram::new_with_bounds(1, 3_600_000_000, 3).unwrap(), 0)),
        };
        entry.0.record(e.max(1) * 1000).ok();
        entry.1 += u64::from(ok != b"true");
        *a.per_second.entry(t / 1000).or_default() += 1;
        a.rows += 1;
    }
    a
}

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let map = unsafe { memmap2::Mmap::map(&file).unwrap() };
    let mid = map.len() / 2 + memchr::memchr(b'\n', &map[map.len() / 2..]).unwrap() + 1;
    let (x, y) = std::thread::scope(|s| {
        let h = s.spawn(|| parse(&map[..mid]));
        let b = parse(&map[mid..]);
        (h.join().unwrap(), b)
    });
    let mut hasher = blake3::Hasher::new();
    hasher.update_rayon(&map);
    let mut all = x;
    for (k, (h, f)) in y.labels {
        let e = all.labels.entry(k).or_insert_with(|| (Histogram::new_from(&h), 0));
        e.0.add(&h).unwrap();
        e.1 += f;
    }
    for (k, n) in y.per_second { *all.per_second.entry(k).or_default() += n; }
    all.rows += y.rows;
    let mut labels: Vec<_> = all.labels.iter().collect();
    labels.sort_by(|a, b| a.0.cmp(b.0));
    for (k, (h, f)) in labels {
        println!("{} n={} fail={} p95={}us", String::from_utf8_lossy(k), h.len(), f, h.value_at_quantile(0.95));
    }
    println!("rows {} seconds {} blake3 {}", all.rows, all.per_second.len(), hasher.finalize());
}
