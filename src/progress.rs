//! The progress bar on stderr while a large file is read (over 50 MB, when
//! stderr is a terminal and `--quiet` is not given). Readers add the bytes
//! they consume with [`add`]; nothing is ever printed on stdout.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Files at least this large get a progress bar.
pub const MIN_BYTES: u64 = 50 * 1024 * 1024;

static ENABLED: AtomicBool = AtomicBool::new(false);
static POSITION: AtomicU64 = AtomicU64::new(0);

/// Allows progress bars (the command line did not say `--quiet`).
pub fn enable(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Counts `n` more bytes of the file being read.
#[inline]
pub fn add(n: u64) {
    POSITION.fetch_add(n, Ordering::Relaxed);
}

/// A bar for one file, redrawn from [`add`]'s count until dropped.
pub struct Bar {
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Bar {
    /// A bar for reading `path`, or `None` when the file is small, stderr is
    /// not a terminal or bars are not enabled.
    pub fn for_file(path: &Path) -> Option<Bar> {
        if !ENABLED.load(Ordering::Relaxed) || !std::io::stderr().is_terminal() {
            return None;
        }
        let size = std::fs::metadata(path).ok()?.len();
        if size < MIN_BYTES {
            return None;
        }
        let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        bar.set_message(format!("reading {name}"));
        POSITION.store(0, Ordering::Relaxed);
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let (bar, stop) = (bar.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    bar.set_position(POSITION.load(Ordering::Relaxed).min(size));
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            })
        };
        Some(Bar {
            bar,
            stop,
            ticker: Some(ticker),
        })
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}
