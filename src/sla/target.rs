//! Metrics and targets of SLA rules: `p95` with `< 50ms`, `error_rate` with
//! `<= 1%`, `throughput` with `>= 10/s`, `consistency` with `< 2.0`.
//! Values are kept in one canonical unit per kind: milliseconds, fractions,
//! requests per second, plain ratios.

use crate::model::{Percentile, ResourceUnit};
use std::fmt;

/// What a rule measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// A response-time percentile (`p50`, `p99.9`; `median` is `p50`).
    Percentile(Percentile),
    /// Fastest response.
    Min,
    /// Slowest response.
    Max,
    /// Mean response time.
    Avg,
    /// Unexpected failures ÷ requests.
    ErrorRate,
    /// Requests per second.
    Throughput,
    /// p99 ÷ p95: how far the tail stretches beyond p95.
    Consistency,
    /// Apdex score with threshold T in ms.
    Apdex {
        /// Satisfied at or under this response time, ms.
        t_ms: f64,
    },
    /// A resource metric sampled during the run (`resource:cpu`,
    /// `resource:api:mem:avg`): by default its maximum over the run.
    Resource {
        /// The metric name as written, lowercased (interned so `Metric` stays `Copy`).
        name: &'static str,
        /// Which figure of the samples is scored.
        agg: ResourceAgg,
        /// The unit the target is written in (`%`, bytes, plain number);
        /// `None` until the target is parsed.
        unit: Option<ResourceUnit>,
    },
}

/// Which figure of a resource metric's samples a rule scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceAgg {
    /// The largest sample (the default).
    Max,
    /// The mean of the samples.
    Avg,
    /// The smallest sample.
    Min,
}

/// Interns a resource metric name for [`Metric::Resource`]: SLA files are read
/// once per process, so the few names live as long as the program.
fn intern(name: &str) -> &'static str {
    static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(n) = names.iter().find(|n| **n == name) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(leaked);
    leaked
}

/// The kind of value a metric has, which decides the units its target takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Milliseconds.
    Latency,
    /// A fraction (targets in %).
    Rate,
    /// Requests per second.
    Throughput,
    /// A plain number.
    Ratio,
    /// A resource metric: percent, bytes or a plain number, as its target is
    /// written (`None` accepts any of them).
    Resource(Option<ResourceUnit>),
}

/// Metric names accepted in an SLA file, for error messages.
pub const KNOWN_METRICS: &str =
    "p50 … p99.99 (any percentile), median, min, max, avg, error_rate, throughput, consistency, apdex, resource:NAME[:max|:avg|:min]";

impl Metric {
    /// Parses a metric name; `apdex` needs its `t` separately.
    pub fn parse(text: &str, apdex_t_ms: Option<f64>) -> Result<Metric, String> {
        let t = text.trim().to_ascii_lowercase();
        if let Some(rest) = t.strip_prefix("resource:") {
            let (name, agg) = match rest.rsplit_once(':') {
                Some((n, "max")) => (n, ResourceAgg::Max),
                Some((n, "avg" | "mean")) => (n, ResourceAgg::Avg),
                Some((n, "min")) => (n, ResourceAgg::Min),
                _ => (rest, ResourceAgg::Max),
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(format!(
                    "metric `{text}` needs a resource name, e.g. resource:cpu or resource:mem:avg"
                ));
            }
            return Ok(Metric::Resource {
                name: intern(name),
                agg,
                unit: None,
            });
        }
        Ok(match t.as_str() {
            "median" => Metric::Percentile(Percentile::P50),
            "min" => Metric::Min,
            "max" => Metric::Max,
            "avg" | "mean" => Metric::Avg,
            "error_rate" => Metric::ErrorRate,
            "throughput" => Metric::Throughput,
            "consistency" => Metric::Consistency,
            "apdex" => Metric::Apdex {
                t_ms: apdex_t_ms.ok_or("metric `apdex` needs `t`, e.g. t = \"500ms\"")?,
            },
            _ if t.starts_with('p') && t.len() > 1 => Metric::Percentile(
                t.parse()
                    .map_err(|_| format!("unknown metric `{text}`; known: {KNOWN_METRICS}"))?,
            ),
            _ => return Err(format!("unknown metric `{text}`; known: {KNOWN_METRICS}")),
        })
    }

    /// The kind of value this metric has.
    pub fn kind(self) -> Kind {
        match self {
            Metric::Percentile(_) | Metric::Min | Metric::Max | Metric::Avg => Kind::Latency,
            Metric::ErrorRate => Kind::Rate,
            Metric::Throughput => Kind::Throughput,
            Metric::Consistency | Metric::Apdex { .. } => Kind::Ratio,
            Metric::Resource { unit, .. } => Kind::Resource(unit),
        }
    }

    /// A resource metric takes the unit its target is written in (`< 80%`:
    /// percent; `< 512MiB`: bytes; `< 50`: a plain number). Other metrics
    /// are returned as they are.
    pub fn with_target_unit(self, target_text: &str) -> Metric {
        match self {
            Metric::Resource { name, agg, .. } => Metric::Resource {
                name,
                agg,
                unit: Some(resource_unit_of(target_text)),
            },
            m => m,
        }
    }
}

/// The unit a resource target is written in.
fn resource_unit_of(target_text: &str) -> ResourceUnit {
    let t = target_text
        .trim()
        .trim_start_matches(['<', '>', '='])
        .trim();
    let unit = t
        .trim_start_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')
        })
        .trim();
    if unit == "%" {
        ResourceUnit::Percent
    } else if unit.is_empty() {
        ResourceUnit::Count
    } else {
        ResourceUnit::Bytes
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Metric::Percentile(p) => write!(f, "{p}"),
            Metric::Min => f.write_str("min"),
            Metric::Max => f.write_str("max"),
            Metric::Avg => f.write_str("avg"),
            Metric::ErrorRate => f.write_str("error_rate"),
            Metric::Throughput => f.write_str("throughput"),
            Metric::Consistency => f.write_str("consistency"),
            Metric::Apdex { .. } => f.write_str("apdex"),
            Metric::Resource { name, agg, .. } => match agg {
                ResourceAgg::Max => write!(f, "resource:{name}"),
                ResourceAgg::Avg => write!(f, "resource:{name}:avg"),
                ResourceAgg::Min => write!(f, "resource:{name}:min"),
            },
        }
    }
}

/// Comparison of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Op {
    /// True when lower values are better (`<`, `<=`).
    pub fn lower_is_better(self) -> bool {
        matches!(self, Op::Lt | Op::Le)
    }
}

/// A target such as `< 50ms`, in the metric's canonical unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The comparison.
    pub op: Op,
    /// The bound in canonical units (ms, fraction, req/s, ratio).
    pub value: f64,
    /// The target as written, for the reports.
    pub text: String,
}

impl Target {
    /// Parses `text` for a metric of `kind`.
    pub fn parse(text: &str, kind: Kind) -> Result<Target, String> {
        let t = text.trim();
        let (op, rest) = if let Some(r) = t.strip_prefix("<=") {
            (Op::Le, r)
        } else if let Some(r) = t.strip_prefix(">=") {
            (Op::Ge, r)
        } else if let Some(r) = t.strip_prefix('<') {
            (Op::Lt, r)
        } else if let Some(r) = t.strip_prefix('>') {
            (Op::Gt, r)
        } else {
            return Err(format!(
                "target `{text}` must start with <, <=, > or >= (e.g. \"< 50ms\")"
            ));
        };
        let value = quantity(rest, kind).map_err(|e| format!("target `{text}`: {e}"))?;
        Ok(Target {
            op,
            value,
            text: t.to_string(),
        })
    }

    /// True when `v` meets the target.
    pub fn met_by(&self, v: f64) -> bool {
        match self.op {
            Op::Lt => v < self.value,
            Op::Le => v <= self.value,
            Op::Gt => v > self.value,
            Op::Ge => v >= self.value,
        }
    }
}

/// Parses a number with the unit `kind` requires into canonical units:
/// `50ms`/`0.5s` → ms, `1%` → 0.01, `10/s` → 10, `2.0` → 2.
pub fn quantity(text: &str, kind: Kind) -> Result<f64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| {
            !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')
        })
        .unwrap_or(t.len());
    // `e` may start a unit only in no unit we accept, so numbers like 1e3 parse.
    let (num, unit) = t.split_at(split);
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a number", num.trim()))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("`{t}` must be a non-negative number"));
    }
    let unit = unit.trim();
    let scaled = match (kind, unit) {
        (Kind::Latency, "ms") => v,
        (Kind::Latency, "s") => v * 1000.0,
        (Kind::Latency, "us" | "µs") => v / 1000.0,
        (Kind::Latency, _) => {
            return Err("a response time needs a unit: ms or s (e.g. 50ms)".into())
        }
        (Kind::Rate, "%") => v / 100.0,
        (Kind::Rate, _) => return Err("a rate needs %, e.g. 1%".into()),
        (Kind::Throughput, "/s" | "rps" | "req/s") => v,
        (Kind::Throughput, _) => return Err("a throughput needs /s, e.g. 10/s".into()),
        (Kind::Ratio, "") => v,
        (Kind::Ratio, u) => {
            return Err(format!(
                "this metric is a plain number; remove the unit `{u}`"
            ))
        }
        (Kind::Resource(want), u) => {
            let (got, scaled) = if u == "%" {
                (ResourceUnit::Percent, v)
            } else if u.is_empty() {
                (ResourceUnit::Count, v)
            } else {
                match crate::ingest::resources::byte_scale(u) {
                    Some(scale) => (ResourceUnit::Bytes, v * scale),
                    None => {
                        return Err(format!(
                        "a resource target is a percentage (80%), a size (512MB, 1.5GiB; kB/MB/GB are 1000ⁿ, KiB/MiB/GiB 1024ⁿ) or a plain number; `{u}` is none of them"
                    ))
                    }
                }
            };
            if want.is_some_and(|w| w != got) {
                return Err(format!("`{t}` is not in the unit of the rule's target"));
            }
            scaled
        }
    };
    Ok(scaled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_into_canonical_units() {
        let t = Target::parse("< 50ms", Kind::Latency).unwrap();
        assert_eq!((t.op, t.value), (Op::Lt, 50.0));
        assert_eq!(
            Target::parse("<= 0.5s", Kind::Latency).unwrap().value,
            500.0
        );
        assert_eq!(Target::parse("<= 1%", Kind::Rate).unwrap().value, 0.01);
        let t = Target::parse(">= 10/s", Kind::Throughput).unwrap();
        assert_eq!((t.op, t.value), (Op::Ge, 10.0));
        assert_eq!(Target::parse("< 2.0", Kind::Ratio).unwrap().value, 2.0);
    }

    #[test]
    fn malformed_targets_say_what_is_wrong() {
        assert!(Target::parse("50ms", Kind::Latency)
            .unwrap_err()
            .contains("must start with"));
        assert!(Target::parse("< 50", Kind::Latency)
            .unwrap_err()
            .contains("needs a unit"));
        assert!(Target::parse("< 1", Kind::Rate)
            .unwrap_err()
            .contains("needs %"));
        assert!(Target::parse("< abc", Kind::Ratio)
            .unwrap_err()
            .contains("not a number"));
        assert!(Target::parse("< 2x", Kind::Ratio)
            .unwrap_err()
            .contains("plain number"));
    }

    #[test]
    fn metrics_accept_any_percentile() {
        assert_eq!(Metric::parse("p99.9", None).unwrap().to_string(), "p99.9");
        assert_eq!(
            Metric::parse("median", None).unwrap(),
            Metric::Percentile(Percentile::P50)
        );
        assert!(Metric::parse("p95x", None)
            .unwrap_err()
            .contains("unknown metric"));
        assert!(Metric::parse("latency", None)
            .unwrap_err()
            .contains("unknown metric"));
        assert!(Metric::parse("apdex", None).is_err());
    }

    #[test]
    fn resource_metrics_take_their_unit_from_the_target() {
        let m = Metric::parse("resource:CPU", None).unwrap();
        assert_eq!(m.to_string(), "resource:cpu");
        let t = Target::parse("< 80%", m.kind()).unwrap();
        assert_eq!(t.value, 80.0);
        let m = m.with_target_unit(&t.text);
        assert_eq!(m.kind(), Kind::Resource(Some(ResourceUnit::Percent)));
        let m = Metric::parse("resource:api:rss:avg", None).unwrap();
        assert_eq!(m.to_string(), "resource:api:rss:avg");
        assert!(matches!(
            m,
            Metric::Resource {
                name: "api:rss",
                agg: ResourceAgg::Avg,
                ..
            }
        ));
        let t = Target::parse("<= 512MiB", m.kind()).unwrap();
        assert_eq!(t.value, 512.0 * 1024.0 * 1024.0);
        assert_eq!(Target::parse("< 1.5GB", m.kind()).unwrap().value, 1.5e9);
        let m = m.with_target_unit(&t.text);
        assert!(quantity("600MB", m.kind()).is_ok());
        assert!(quantity("60%", m.kind())
            .unwrap_err()
            .contains("unit of the rule's target"));
        assert!(Target::parse("< 5 parsecs", Kind::Resource(None))
            .unwrap_err()
            .contains("percentage"));
        let m = Metric::parse("resource:db_pool", None)
            .unwrap()
            .with_target_unit("< 50");
        assert_eq!(m.kind(), Kind::Resource(Some(ResourceUnit::Count)));
        assert!(Metric::parse("resource:", None).is_err());
    }

    #[test]
    fn comparisons_respect_strictness() {
        let lt = Target::parse("< 2.0", Kind::Ratio).unwrap();
        assert!(lt.met_by(1.99) && !lt.met_by(2.0));
        let ge = Target::parse(">= 10/s", Kind::Throughput).unwrap();
        assert!(ge.met_by(10.0) && !ge.met_by(9.99));
    }
}
