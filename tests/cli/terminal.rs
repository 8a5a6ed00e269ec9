//! The terminal and the CLI: colour only where it belongs, text that fits
//! 80 columns, completions and a man page, and every example shown in
//! `--help` and the README run as written.

use crate::common::{perfreport, root};
use std::path::Path;

fn has_escapes(s: &str) -> bool {
    s.contains('\u{1b}')
}

/// `build samples/` (two runs), stdout as captured by a pipe.
fn build_two_runs(envs: &[(&str, &str)], args: &[&str]) -> String {
    let (_t, out) = crate::common::out_dir();
    let mut cmd = perfreport();
    cmd.args([
        "build",
        "samples/locust-peak",
        "samples/locust-target",
        "-o",
    ])
    .arg(&out)
    .args(args)
    .env_remove("NO_COLOR")
    .env_remove("CLICOLOR_FORCE")
    .env_remove("CLICOLOR")
    .env_remove("COLUMNS");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn piped_output_is_plain_and_fits_80_columns_and_colour_is_on_request() {
    let plain = build_two_runs(&[], &[]);
    assert!(!has_escapes(&plain), "escape codes in piped output");
    for line in plain.lines() {
        let cols = line.chars().count();
        // Only a token longer than a line (a path) may stick out.
        let breakable =
            line.trim().contains(' ') && line.trim().split(' ').all(|w| w.chars().count() < 60);
        assert!(cols <= 80 || !breakable, "{cols} columns: {line}");
    }
    // Warnings wrap with a hanging indent.
    assert!(plain.contains("\n  WARNING [closed-loop-throughput] "));
    assert!(plain
        .lines()
        .any(|l| l.starts_with("      ") && !l.trim().is_empty()));
    // Several runs end with one overall line and the report to open.
    let tail: Vec<&str> = plain.lines().rev().take(2).collect();
    assert_eq!(tail[1], "Overall: FAIL: 2 of 2 runs failed");
    assert!(
        tail[0].contains("open ") && tail[0].ends_with("index.html"),
        "{}",
        tail[0]
    );

    let forced = build_two_runs(&[("CLICOLOR_FORCE", "1")], &[]);
    assert!(has_escapes(&forced));
    assert!(
        forced.contains("\u{1b}[1m\u{1b}[31mFAIL\u{1b}[0m"),
        "FAIL in bold red"
    );
    // The text is the same once the styles are taken out.
    let stripped = anstream::adapter::strip_str(&forced).to_string();
    let but_last = |s: &str| {
        s.lines()
            .rev()
            .skip(1)
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(but_last(&stripped), but_last(&plain));
    assert!(has_escapes(&build_two_runs(&[], &["--color", "always"])));
    assert!(!has_escapes(&build_two_runs(
        &[("CLICOLOR_FORCE", "1")],
        &["--color", "never"]
    )));
    assert!(!has_escapes(&build_two_runs(&[("NO_COLOR", "1")], &[])));
}

#[test]
fn a_folder_without_result_files_says_what_it_holds_and_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["a.txt", "b.txt", "notes.TXT", "shot.png"] {
        std::fs::write(dir.path().join(f), "not a result").unwrap();
    }
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/Makefile"), "all:").unwrap();
    let o = perfreport()
        .args(["build", dir.path().to_str().unwrap(), "-q", "-o"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("(5 files, none a result file: 3 .txt, 1 .png, 1 no extension)"),
        "{err}"
    );
    assert!(
        err.contains("perfreport reads Locust, Gatling, JMeter"),
        "{err}"
    );
    assert!(err.contains(&format!("`perfreport inspect {}`", dir.path().display())));
    assert!(err.len() < 600, "{} bytes: {err}", err.len());
}

#[test]
fn completions_for_every_shell_and_the_man_page_are_generated() {
    for (shell, marker) in [
        ("bash", "complete -F _perfreport"),
        ("zsh", "#compdef perfreport"),
        ("fish", "complete -c perfreport"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = perfreport().args(["completions", shell]).output().unwrap();
        assert!(o.status.success());
        let script = String::from_utf8(o.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: no {marker}");
        for sub in ["build", "compare", "check-sla", "inspect"] {
            assert!(script.contains(sub), "{shell}: no {sub}");
        }
        assert!(script.contains("baseline"), "{shell}: no build options");
    }
    let o = perfreport().arg("man").output().unwrap();
    assert!(o.status.success());
    let man = String::from_utf8(o.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH perfreport 1"),
        "{man}"
    );
    assert!(man.contains(".TH perfreport 1"));
    assert!(man.contains("check\\-sla"));
}

#[test]
fn check_sla_shows_scoring_parameters_grades_evidence_and_regression() {
    let o = perfreport()
        .args(["check-sla", "sla/peak.toml"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for want in [
        "Peak load (50 users): 5 rules, a run passes at a score of 70 or more",
        "Grades: EXCELLENT from 90, GOOD from 70, FAIR from 50, POOR below",
        "  p95: p95 < 100ms (total), weight 30",
        "zero_at = 250 ms",
        "  error-rate: error_rate < 1% (total), weight 30, gate",
        "(endpoint_all_failed)",
        "exclude_ramp_up = false",
        "Regression against a baseline: P95 +10%",
    ] {
        assert!(text.contains(want), "no {want:?} in:\n{text}");
    }
    let o = perfreport()
        .args(["check-sla", "sla/baseline.toml"])
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("0.9 credit at p10 = 50 ms, 0.5 at median = 150 ms"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

/// The command lines of a help text's or the README's examples, with `\`
/// continuations joined; `cargo run [--release] --` stands for `perfreport`.
fn commands(text: &str, fenced_only: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    let mut pending = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced_only && !fenced {
            continue;
        }
        let l = line.trim();
        if !pending.is_empty() {
            pending.push(' ');
            pending.push_str(l.trim_end_matches('\\').trim());
            if !l.ends_with('\\') {
                out.push(std::mem::take(&mut pending));
            }
            continue;
        }
        let l = l
            .replace("cargo run --release -- ", "perfreport ")
            .replace("cargo run -- ", "perfreport ");
        // A synopsis (`build PATH... [--sla FILE]`) is not an example.
        let synopsis = l.contains('[')
            || l.split_whitespace()
                .any(|w| w.len() > 2 && w.chars().all(|c| c.is_ascii_uppercase() || c == '.'));
        if l.starts_with("perfreport ") && !synopsis {
            let l = l.split("  #").next().unwrap().trim().to_string();
            if let Some(head) = l.strip_suffix('\\') {
                pending = head.trim().to_string();
            } else {
                out.push(l);
            }
        }
    }
    out
}

#[test]
fn every_example_in_help_and_the_readme_runs_as_written() {
    let work = tempfile::tempdir().unwrap();
    for dir in ["samples", "sla"] {
        copy_dir(&root().join(dir), &work.path().join(dir));
    }
    let mut examples = Vec::new();
    for sub in [
        "build",
        "compare",
        "check-sla",
        "inspect",
        "completions",
        "man",
    ] {
        let o = perfreport().args([sub, "--help"]).output().unwrap();
        let help = String::from_utf8(o.stdout).unwrap();
        let found = commands(&help, false);
        assert!(!found.is_empty(), "{sub} --help shows no example");
        examples.extend(found.into_iter().map(|c| (format!("{sub} --help"), c)));
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let from_readme = commands(&readme, true);
    assert!(from_readme.len() >= 3, "{from_readme:?}");
    examples.extend(from_readme.into_iter().map(|c| ("README".to_string(), c)));
    for (origin, example) in &examples {
        // A shell redirection or pipe after the command: run the command,
        // check it wrote something (its destination is the user's).
        let command = example.split(['>', '|']).next().unwrap().trim();
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let o = perfreport()
            .current_dir(work.path())
            .args(&args)
            .env("GITHUB_STEP_SUMMARY", work.path().join("step-summary.md"))
            .output()
            .unwrap();
        let code = o.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "{origin}: `{example}` exits {code}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            !o.stdout.is_empty() || args.contains(&"-q"),
            "{origin}: `{example}` printed nothing"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
