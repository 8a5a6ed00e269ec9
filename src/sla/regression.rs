//! The SLA file's `[regression]` table: how much worse than the baseline a
//! figure may get before the change is a regression, and the significance
//! level of the noise test.
//!
//! ```toml
//! [regression]
//! p50 = "+10%"          # not checked unless given
//! p95 = "+10%"          # default "+10%"; also "+5ms"
//! p99 = "+10%"          # not checked unless given
//! error_rate = "+0.5pp" # default "+0.5pp" (percentage points)
//! throughput = "-10%"   # default "-10%"
//! significance = 0.01   # default 0.01
//! ```
//!
//! Every threshold can be turned off with `"off"`.

use serde::Deserialize;

/// How far a latency may grow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Growth {
    /// By this fraction of the baseline (`"+10%"` = 0.10).
    Relative(f64),
    /// By this many milliseconds (`"+5ms"`).
    AbsoluteMs(f64),
}

/// The `[regression]` table as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RegressionFile {
    p50: Option<String>,
    p95: Option<String>,
    p99: Option<String>,
    error_rate: Option<String>,
    throughput: Option<String>,
    significance: Option<f64>,
}

/// Validated regression thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    /// P50 growth that is a regression; `None`: not checked.
    pub p50: Option<Growth>,
    /// P95 growth that is a regression.
    pub p95: Option<Growth>,
    /// P99 growth that is a regression.
    pub p99: Option<Growth>,
    /// Error-rate growth in percentage points, as a fraction (`+0.5pp` = 0.005).
    pub error_rate_pp: Option<f64>,
    /// Throughput drop as a fraction of the baseline (`-10%` = 0.10).
    pub throughput_drop: Option<f64>,
    /// Significance level of the noise test (two-sided).
    pub significance: f64,
    /// The thresholds as written, for the reports (`p95 +10%`).
    pub text: Vec<(String, String)>,
}

impl Default for Regression {
    fn default() -> Self {
        Regression::from_file(RegressionFile::default()).expect("the defaults are valid")
    }
}

impl Regression {
    /// Validates the table; the error names the key.
    pub(super) fn from_file(f: RegressionFile) -> Result<Regression, String> {
        let latency = |key: &str, v: Option<String>, default: Option<&str>| {
            let text = v.or(default.map(str::to_string));
            match text {
                None => Ok((None, None)),
                Some(t) if t.trim().eq_ignore_ascii_case("off") => Ok((None, None)),
                Some(t) => parse_growth(&t)
                    .map(|g| (Some(g), Some(t.trim().to_string())))
                    .map_err(|m| format!("[regression] {key}: {m}")),
            }
        };
        let (p50, p50_text) = latency("p50", f.p50, None)?;
        let (p95, p95_text) = latency("p95", f.p95, Some("+10%"))?;
        let (p99, p99_text) = latency("p99", f.p99, None)?;
        let error_text = f.error_rate.unwrap_or_else(|| "+0.5pp".to_string());
        let error_rate_pp = if error_text.trim().eq_ignore_ascii_case("off") {
            None
        } else {
            Some(parse_pp(&error_text).map_err(|m| format!("[regression] error_rate: {m}"))?)
        };
        let thr_text = f.throughput.unwrap_or_else(|| "-10%".to_string());
        let throughput_drop = if thr_text.trim().eq_ignore_ascii_case("off") {
            None
        } else {
            Some(parse_drop(&thr_text).map_err(|m| format!("[regression] throughput: {m}"))?)
        };
        let significance = f.significance.unwrap_or(0.01);
        if !(significance > 0.0 && significance < 1.0) {
            return Err(format!(
                "[regression] significance {significance} must be between 0 and 1 (e.g. 0.01)"
            ));
        }
        let mut text = Vec::new();
        for (k, t) in [("P50", p50_text), ("P95", p95_text), ("P99", p99_text)] {
            if let Some(t) = t {
                text.push((k.to_string(), t));
            }
        }
        if error_rate_pp.is_some() {
            text.push(("Error rate".to_string(), error_text.trim().to_string()));
        }
        if throughput_drop.is_some() {
            text.push(("Throughput".to_string(), thr_text.trim().to_string()));
        }
        Ok(Regression {
            p50,
            p95,
            p99,
            error_rate_pp,
            throughput_drop,
            significance,
            text,
        })
    }
}

fn number(s: &str, what: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number {what}"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("`{s}` must be 0 or more"));
    }
    Ok(v)
}

/// `"+10%"` or `"+5ms"`.
fn parse_growth(t: &str) -> Result<Growth, String> {
    let s = t.trim();
    let body = s
        .strip_prefix('+')
        .ok_or_else(|| format!("`{t}` must start with + (how much slower is a regression)"))?;
    if let Some(p) = body.strip_suffix('%') {
        Ok(Growth::Relative(number(p, "of percent")? / 100.0))
    } else if let Some(ms) = body.strip_suffix("ms") {
        Ok(Growth::AbsoluteMs(number(ms, "of ms")?))
    } else {
        Err(format!("`{t}` must be like \"+10%\" or \"+5ms\""))
    }
}

/// `"+0.5pp"` (percentage points) as a fraction.
fn parse_pp(t: &str) -> Result<f64, String> {
    let s = t.trim();
    let body = s
        .strip_prefix('+')
        .and_then(|b| b.strip_suffix("pp"))
        .ok_or_else(|| format!("`{t}` must be like \"+0.5pp\" (percentage points)"))?;
    Ok(number(body, "of percentage points")? / 100.0)
}

/// `"-10%"` as a fraction.
fn parse_drop(t: &str) -> Result<f64, String> {
    let s = t.trim();
    let body = s
        .strip_prefix('-')
        .and_then(|b| b.strip_suffix('%'))
        .ok_or_else(|| format!("`{t}` must be like \"-10%\" (how much lower is a regression)"))?;
    let v = number(body, "of percent")? / 100.0;
    if v >= 1.0 {
        return Err(format!("`{t}`: a drop of 100 % or more can never happen"));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_p95_error_rate_and_throughput() {
        let r = Regression::default();
        assert_eq!(r.p95, Some(Growth::Relative(0.10)));
        assert_eq!(r.p50, None);
        assert_eq!(r.p99, None);
        assert!((r.error_rate_pp.unwrap() - 0.005).abs() < 1e-12);
        assert!((r.throughput_drop.unwrap() - 0.10).abs() < 1e-12);
        assert_eq!(r.significance, 0.01);
    }

    #[test]
    fn values_are_parsed_and_checked() {
        let f = RegressionFile {
            p99: Some("+5ms".into()),
            p95: Some("off".into()),
            ..Default::default()
        };
        let r = Regression::from_file(f).unwrap();
        assert_eq!(r.p99, Some(Growth::AbsoluteMs(5.0)));
        assert_eq!(r.p95, None);
        for (f, msg) in [
            (
                RegressionFile {
                    p95: Some("10%".into()),
                    ..Default::default()
                },
                "must start with +",
            ),
            (
                RegressionFile {
                    error_rate: Some("+0.5%".into()),
                    ..Default::default()
                },
                "percentage points",
            ),
            (
                RegressionFile {
                    throughput: Some("+10%".into()),
                    ..Default::default()
                },
                "-10%",
            ),
            (
                RegressionFile {
                    significance: Some(5.0),
                    ..Default::default()
                },
                "between 0 and 1",
            ),
        ] {
            let e = Regression::from_file(f).unwrap_err();
            assert!(e.contains(msg), "{e}");
        }
    }
}
