//! The `perfreport` binary: parse the command line, run, map the outcome to
//! an exit code (0 passed, 1 failed, 2 usage or input error).

use clap::Parser;
use perfreport::{cli::Cli, Outcome};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    perfreport::report::outdir::install_signal_cleanup();
    match perfreport::run(cli) {
        Ok(Outcome::Passed) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprint!("{}", error_text(&format!("perfreport: {e:#}")));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error as printed: wrapped to the terminal's width with a hanging
/// indent when stderr is a terminal, one line per paragraph otherwise (so a
/// script can grep it).
fn error_text(text: &str) -> String {
    let Some((w, _)) = terminal_size::terminal_size_of(std::io::stderr()) else {
        return format!("{text}\n");
    };
    let options = textwrap::Options::new(usize::from(w.0).max(40))
        .subsequent_indent("  ")
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    text.lines()
        .flat_map(|l| {
            textwrap::wrap(l, &options)
                .into_iter()
                .map(|c| c.into_owned() + "\n")
                .collect::<Vec<_>>()
        })
        .collect()
}
