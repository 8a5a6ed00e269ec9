//! `run.toml`: what the person who ran the test says about it (name, scenario,
//! planned users, whether the figures were measured at all).

use crate::error::InputError;
use crate::ingest::input;
use crate::model::RunMeta;
use serde::Deserialize;
use std::path::Path;

/// The file as written. Unknown keys are errors, so a typo such as
/// `simualted = true` cannot silently drop a simulated label.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunToml {
    name: Option<String>,
    scenario: Option<String>,
    users: Option<u64>,
    spawn_rate: Option<f64>,
    think_time: Option<String>,
    environment: Option<String>,
    #[serde(default)]
    simulated: bool,
    simulated_reason: Option<String>,
    notes: Option<toml::Spanned<String>>,
    duration: Option<String>,
    timezone: Option<String>,
    shards: Option<ShardsSetting>,
}

/// run.toml `shards`: which files of the folder are shards of one run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ShardsSetting {
    /// `true`: per-request files of one tool are one run; `false` (the
    /// default): each file is a run of its own. Shards are declared, never
    /// guessed: a folder of separate runs of one tool (a JTL per test, as
    /// in many result folders) must not be read as one run.
    Auto(bool),
    /// `"*.jtl"`: the files whose names match are one run.
    Glob(String),
}

impl Default for ShardsSetting {
    fn default() -> Self {
        ShardsSetting::Auto(false)
    }
}

/// What `dir/run.toml` says of shards (the default when there is no file or no key).
pub fn shards(dir: &Path) -> Result<ShardsSetting, InputError> {
    let path = dir.join("run.toml");
    if !path.is_file() {
        return Ok(ShardsSetting::default());
    }
    // run.toml follows the rules for files an input names (inside the
    // folder, regular, bounded), as in `read`.
    let text = input::read_named_file(dir, "run.toml", input::MAX_NAMED_FILE)
        .map_err(|e| InputError::new(&path, e))?;
    let raw: RunToml = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
    Ok(raw.shards.unwrap_or_default())
}

/// Reads `dir/run.toml` into a [`RunMeta`] (all defaults when there is none).
pub fn read(dir: &Path) -> Result<RunMeta, InputError> {
    let path = dir.join("run.toml");
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(RunMeta::default());
    }
    // run.toml itself follows the rules for files an input names.
    let text = input::read_named_file(dir, "run.toml", input::MAX_NAMED_FILE)
        .map_err(|e| InputError::new(&path, e))?;
    let raw: RunToml = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
    let notes_markdown = match raw.notes {
        Some(rel) => {
            let at = crate::error::position_of(&text, rel.span().start);
            let rel = rel.into_inner();
            Some(
                input::read_named_file(dir, &rel, input::MAX_NAMED_FILE).map_err(|e| {
                    InputError::at(
                        &path,
                        at,
                        format!("`notes = {}`: {e}", crate::error::excerpt(&rel)),
                    )
                })?,
            )
        }
        None => None,
    };
    let duration_planned_s = match &raw.duration {
        Some(d) => Some(crate::sla::evidence::parse_duration_s(d).ok_or_else(|| {
            InputError::new(
                &path,
                format!("`duration = \"{d}\"` is not a duration such as \"10m\" or \"45s\""),
            )
        })?),
        None => None,
    };
    let timezone = match &raw.timezone {
        Some(z) => Some(
            parse_zone(z)
                .map_err(|m| InputError::new(&path, format!("`timezone = \"{z}\"`: {m}")))?,
        ),
        None => None,
    };
    Ok(RunMeta {
        timezone,
        duration_planned_s,
        name: raw.name.unwrap_or_default(),
        scenario: raw.scenario,
        users_planned: raw.users,
        spawn_rate: raw.spawn_rate,
        think_time: raw.think_time,
        environment: raw.environment,
        simulated: raw.simulated,
        simulated_reason: raw.simulated_reason,
        notes_markdown,
        ..RunMeta::default()
    })
}

/// A time zone given as a fixed offset from UTC: `UTC`, `Z`, `+01:00`, `-0500`, `+05`.
pub fn parse_zone(text: &str) -> Result<chrono::FixedOffset, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("gmt")
    {
        return Ok(chrono::FixedOffset::east_opt(0).expect("0 is a valid offset"));
    }
    let bad = || {
        format!(
            "`{t}` is not an offset from UTC such as `UTC`, `+01:00` or `-0500` (zone names \
             such as Europe/Paris are not read: give the offset that held during the test)"
        )
    };
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(bad()),
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return Err(bad());
    }
    let hours: i32 = digits[..2].parse().map_err(|_| bad())?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| bad())?
    } else {
        0
    };
    if hours > 14 || minutes > 59 {
        return Err(bad());
    }
    chrono::FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(bad)
}

/// A TOML parse error as an [`InputError`] with line and column.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> InputError {
    let message = e.message().to_string();
    match e.span() {
        Some(span) => InputError::at(path, crate::error::position_of(text, span.start), message),
        None => InputError::new(path, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A run folder holding `run.toml` with `notes = <notes>` on line 2.
    fn folder(notes: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let toml = format!("name = \"r\"\nnotes = {notes:?}\n");
        std::fs::write(dir.path().join("run.toml"), toml).unwrap();
        dir
    }

    /// The error reading the folder, as printed; it must name run.toml, line 2.
    fn refused(dir: &Path) -> String {
        let e = read(dir).expect_err("the notes must be refused");
        assert_eq!(e.path, dir.join("run.toml"));
        assert_eq!(e.position.map(|p| p.line), Some(2), "{e}");
        e.to_string()
    }

    #[test]
    fn notes_inside_the_folder_are_read() {
        let dir = folder("docs/notes.md");
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/notes.md"), "# Hi\n").unwrap();
        let meta = read(dir.path()).unwrap();
        assert_eq!(meta.notes_markdown.as_deref(), Some("# Hi\n"));
    }

    #[test]
    fn notes_outside_the_folder_are_refused() {
        for notes in ["/proc/self/environ", "/etc/passwd", "/dev/zero"] {
            let dir = folder(notes);
            let e = refused(dir.path());
            assert!(e.contains("absolute path"), "{e}");
        }
        let dir = folder("../../../etc/passwd");
        assert!(refused(dir.path()).contains("`..`"));
        let dir = folder("sub/../../x.md");
        assert!(refused(dir.path()).contains("`..`"));
    }

    #[test]
    fn notes_through_a_symlink_out_of_the_folder_are_refused() {
        for target in ["/proc/self/environ", "/dev/zero", "/etc/passwd"] {
            let dir = folder("notes.md");
            std::os::unix::fs::symlink(target, dir.path().join("notes.md")).unwrap();
            let e = refused(dir.path());
            assert!(e.contains("outside the run's folder"), "{e}");
        }
        // A symlinked folder is followed too.
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("n.md"), "secret").unwrap();
        let dir = folder("docs/n.md");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("docs")).unwrap();
        assert!(refused(dir.path()).contains("outside the run's folder"));
    }

    #[test]
    fn notes_that_are_not_a_regular_file_are_refused_without_blocking() {
        let dir = folder("pipe.md");
        let fifo: PathBuf = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        // Opening a FIFO blocks until a writer comes; the check must come first.
        let (tx, rx) = std::sync::mpsc::channel();
        let d = dir.path().to_path_buf();
        std::thread::spawn(move || tx.send(read(&d).map(|_| ()).map_err(|e| e.to_string())));
        let e = rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("reading notes from a FIFO blocked")
            .expect_err("a FIFO must be refused");
        assert!(e.contains("a FIFO (named pipe), not a regular file"), "{e}");

        let dir = folder("sub");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(refused(dir.path()).contains("a directory, not a regular file"));
    }

    #[test]
    fn notes_over_one_mib_are_refused_and_one_mib_is_read() {
        let dir = folder("notes.md");
        let limit = input::MAX_NAMED_FILE as usize;
        std::fs::write(dir.path().join("notes.md"), "a".repeat(limit)).unwrap();
        assert_eq!(
            read(dir.path()).unwrap().notes_markdown.unwrap().len(),
            limit
        );
        std::fs::write(dir.path().join("notes.md"), "a".repeat(limit + 1)).unwrap();
        assert!(refused(dir.path()).contains("1 MiB"));
    }

    #[test]
    fn a_long_notes_path_is_quoted_short() {
        let dir = folder(&"x".repeat(5000));
        let e = refused(dir.path());
        assert!(e.len() < 400, "{} bytes: {e}", e.len());
        assert!(e.contains("(5000 characters in all)"), "{e}");
    }

    #[test]
    fn run_toml_itself_must_be_a_regular_file_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", dir.path().join("run.toml")).unwrap();
        let e = read(dir.path()).expect_err("run.toml outside the folder");
        assert!(e.to_string().contains("outside the run's folder"), "{e}");
    }
}
