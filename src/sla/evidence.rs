//! The SLA file's `[evidence]` table: how much data a figure needs before
//! it may be scored, and which evidence problems fail the run outright.
//!
//! ```toml
//! [evidence]
//! small_sample = "inconclusive"   # inconclusive (default) | warn | gate
//! min_tail_samples = 10           # a percentile needs this many requests above it
//! endpoint_all_failed = "gate"    # warn (default) | gate
//! endpoint_failure_ratio = 0.5    # an endpoint "failed" above this share of unexpected failures
//! short_run = "warn"              # warn (default) | gate
//! min_duration = "60s"            # steady state shorter than this is a short run
//! exclude_ramp_up = false         # score only the steady state where the input allows it
//! ```

use serde::Deserialize;

/// What a small sample does to a percentile rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmallSample {
    /// The rule is INCONCLUSIVE: no points, cannot pass a gate.
    #[default]
    Inconclusive,
    /// The rule is scored, with a warning.
    Warn,
    /// The rule is INCONCLUSIVE and the run fails.
    Gate,
}

/// Whether an evidence problem only warns or fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Shown as a warning.
    #[default]
    Warn,
    /// Shown, and the run fails.
    Gate,
}

/// The `[evidence]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EvidenceFile {
    small_sample: Option<SmallSample>,
    min_tail_samples: Option<u64>,
    endpoint_all_failed: Option<Policy>,
    endpoint_failure_ratio: Option<f64>,
    short_run: Option<Policy>,
    min_duration: Option<String>,
    exclude_ramp_up: Option<bool>,
}

/// Validated evidence settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// What a small sample does.
    pub small_sample: SmallSample,
    /// Requests needed above a percentile (p95 needs 10 / 0.05 = 200 requests).
    pub min_tail_samples: u64,
    /// What an endpoint that (mostly) failed does.
    pub endpoint_all_failed: Policy,
    /// Share of unexpected failures above which an endpoint counts as failed.
    pub endpoint_failure_ratio: f64,
    /// What a short run does.
    pub short_run: Policy,
    /// Minimum steady-state duration, seconds.
    pub min_duration_s: f64,
    /// Score only the steady state.
    pub exclude_ramp_up: bool,
}

impl Default for Evidence {
    fn default() -> Self {
        Evidence {
            small_sample: SmallSample::Inconclusive,
            min_tail_samples: 10,
            endpoint_all_failed: Policy::Warn,
            endpoint_failure_ratio: 0.5,
            short_run: Policy::Warn,
            min_duration_s: 60.0,
            exclude_ramp_up: false,
        }
    }
}

impl Evidence {
    /// Validates the table; errors are plain messages the caller places.
    pub(super) fn from_file(f: EvidenceFile) -> Result<Evidence, String> {
        let d = Evidence::default();
        let ratio = f.endpoint_failure_ratio.unwrap_or(d.endpoint_failure_ratio);
        if !(0.0..1.0).contains(&ratio) {
            return Err(format!(
                "[evidence] endpoint_failure_ratio {ratio} must be at least 0 and below 1"
            ));
        }
        let min_duration_s = match f.min_duration {
            Some(t) => parse_duration_s(&t).ok_or_else(|| {
                format!(
                    "[evidence] min_duration `{t}` is not a duration such as \"60s\" or \"10m\""
                )
            })?,
            None => d.min_duration_s,
        };
        Ok(Evidence {
            small_sample: f.small_sample.unwrap_or(d.small_sample),
            min_tail_samples: f.min_tail_samples.unwrap_or(d.min_tail_samples).max(1),
            endpoint_all_failed: f.endpoint_all_failed.unwrap_or(d.endpoint_all_failed),
            endpoint_failure_ratio: ratio,
            short_run: f.short_run.unwrap_or(d.short_run),
            min_duration_s,
            exclude_ramp_up: f.exclude_ramp_up.unwrap_or(d.exclude_ramp_up),
        })
    }

    /// Requests needed to score percentile `pct`: `min_tail_samples` above it.
    pub fn requests_needed(&self, pct: f64) -> u64 {
        if pct >= 100.0 {
            return self.min_tail_samples;
        }
        // In thousandths of a percent, so p99.9 needs exactly 10 / 0.001 = 10,000.
        let above = 100_000 - (pct * 1000.0).round() as u64;
        (self.min_tail_samples * 100_000).div_ceil(above)
    }
}

/// `45s`, `10m`, `1h`, `1h30m`, `90` (seconds) → seconds.
pub fn parse_duration_s(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(v) = t.parse::<f64>() {
        return (v >= 0.0).then_some(v);
    }
    let mut total = 0.0;
    let mut num = String::new();
    let mut any = false;
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
        } else {
            let v: f64 = num.parse().ok()?;
            num.clear();
            let (unit, step) = if c == 'm' && chars.get(i + 1) == Some(&'s') {
                (0.001, 2)
            } else {
                (
                    match c {
                        'h' => 3600.0,
                        'm' => 60.0,
                        's' => 1.0,
                        _ => return None,
                    },
                    1,
                )
            };
            total += v * unit;
            any = true;
            i += step;
            continue;
        }
        i += 1;
    }
    if !num.is_empty() {
        return None;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_need_ten_requests_above_them() {
        let e = Evidence::default();
        assert_eq!(e.requests_needed(95.0), 200);
        assert_eq!(e.requests_needed(99.0), 1000);
        assert_eq!(e.requests_needed(99.9), 10_000);
        assert_eq!(e.requests_needed(50.0), 20);
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration_s("45s"), Some(45.0));
        assert_eq!(parse_duration_s("10m"), Some(600.0));
        assert_eq!(parse_duration_s("1h30m"), Some(5400.0));
        assert_eq!(parse_duration_s("500ms"), Some(0.5));
        assert_eq!(parse_duration_s("90"), Some(90.0));
        assert_eq!(parse_duration_s("soon"), None);
        assert_eq!(parse_duration_s("10"), Some(10.0));
        assert_eq!(parse_duration_s("10x"), None);
    }
}
