//! `run.toml`: what the person who ran the test says about it (name, scenario,
//! planned users, whether the figures were measured at all).

use crate::error::InputError;
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
    notes: Option<String>,
    duration: Option<String>,
    timezone: Option<String>,
    shards: Option<ShardsSetting>,
}

/// run.toml `shards`: which files of the folder are shards of one run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ShardsSetting {
    /// `true` (the default): per-request files of one tool are one run;
    /// `false`: each file is a run of its own.
    Auto(bool),
    /// `"*.jtl"`: the files whose names match are one run.
    Glob(String),
}

impl Default for ShardsSetting {
    fn default() -> Self {
        ShardsSetting::Auto(true)
    }
}

/// What `dir/run.toml` says of shards (the default when there is no file or no key).
pub fn shards(dir: &Path) -> Result<ShardsSetting, InputError> {
    let path = dir.join("run.toml");
    if !path.is_file() {
        return Ok(ShardsSetting::default());
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| InputError::new(&path, format!("cannot read: {e}")))?;
    let raw: RunToml = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
    Ok(raw.shards.unwrap_or_default())
}

/// Reads `dir/run.toml` into a [`RunMeta`] (all defaults when there is none).
pub fn read(dir: &Path) -> Result<RunMeta, InputError> {
    let path = dir.join("run.toml");
    if !path.is_file() {
        return Ok(RunMeta::default());
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| InputError::new(&path, format!("cannot read: {e}")))?;
    let raw: RunToml = toml::from_str(&text).map_err(|e| toml_error(&path, &text, &e))?;
    let notes_markdown = match raw.notes {
        Some(rel) => {
            let notes = dir.join(&rel);
            Some(std::fs::read_to_string(&notes).map_err(|e| {
                InputError::new(
                    &path,
                    format!("`notes = \"{rel}\"`: cannot read {}: {e}", notes.display()),
                )
            })?)
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
