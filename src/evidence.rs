//! Evidence checks: the report says when its own numbers cannot be trusted.
//!
//! Runs after scoring (small samples are found while scoring, because they
//! change a rule's status) and before the view is built. Each check returns
//! a [`Warning`] with the figures that triggered it; the SLA's `[evidence]`
//! table can make some of them gates, which fail the run here.

use crate::model::{Percentile, Run, SeriesPoint};
use crate::report::format as fmt;
use crate::sla::evidence::Policy;
use crate::sla::target::Metric;
use crate::sla::{Score, Sla};
use crate::stats::RunStats;
use crate::warnings::{Code, Severity, Warning};
use serde_json::json;

/// Tools whose users wait for each response before sending the next (closed model).
const CLOSED_MODEL_TOOLS: &[&str] = &["locust", "jmeter", "gatling", "k6"];

/// Seconds after the steady state starts before throughput drops are judged.
const SETTLE_S: f64 = 10.0;

/// Throughput between these shares of the closed-loop bound is "limited by the
/// test design". Well above the bound, run.toml's think time is not the one
/// the test used, and the bound says nothing.
const CLOSED_LOOP_SHARE: (f64, f64) = (0.8, 1.15);

/// All checks of one run, most severe first. Gates fail `score`.
pub fn check(run: &Run, stats: &RunStats, score: &mut Score, sla: &Sla) -> Vec<Warning> {
    let mut out = Vec::new();
    let meta = &run.meta;
    if meta.simulated {
        let reason = meta
            .simulated_reason
            .as_deref()
            .map_or(String::new(), |r| format!(" ({r})"));
        out.push(Warning::new(
            Code::Simulated,
            Severity::Critical,
            format!("Simulated run: the figures were not measured{reason}."),
            json!({ "reason": meta.simulated_reason }),
        ));
    }
    out.extend(endpoint_failures(stats, sla));
    out.extend(small_samples(score, sla));
    out.extend(expected_failures(stats, sla));
    let window = steady_window(&run.series);
    out.extend(short_run(run, window, sla));
    out.extend(ramp_up(run, window, sla));
    out.extend(closed_loop(run, stats, score, sla));
    out.extend(partial_run(run));
    out.extend(coordinated_omission(run, window));
    if meta.no_failure_data {
        out.push(Warning::new(
            Code::NoFailureData,
            Severity::Warning,
            format!(
                "{} does not record which requests failed: error-rate rules are INCONCLUSIVE.",
                meta.tool
            ),
            json!({ "tool": meta.tool }),
        ));
    }
    out.extend(clock(run));
    out.extend(regularity(run));
    if meta.skipped_rows > 0 {
        out.push(Warning::new(
            Code::BadRowsSkipped,
            Severity::Warning,
            format!(
                "{} malformed rows were skipped and are not in any figure (first: {}).",
                fmt::count(meta.skipped_rows),
                meta.skipped_examples.join("; ")
            ),
            json!({ "rows": meta.skipped_rows, "examples": meta.skipped_examples }),
        ));
    }
    for message in &meta.inputs_disagree {
        out.push(Warning::new(
            Code::InputsDisagree,
            Severity::Warning,
            message.clone(),
            json!({ "message": message }),
        ));
    }
    if let Some((files, why)) = &meta.shards {
        out.push(Warning::new(
            Code::ShardsMerged,
            Severity::Info,
            format!(
                "Read as one run from {} shards (one file per load generator): {why}.",
                fmt::count(*files as u64)
            ),
            json!({ "shards": files, "why": why }),
        ));
    }
    if let Some((names, more)) = meta.endpoints_folded {
        let kept = run
            .endpoints
            .iter()
            .filter(|e| !(e.method.is_empty() && e.name == crate::stats::samples::OTHER))
            .count();
        out.push(Warning::new(
            Code::EndpointsFolded,
            Severity::Warning,
            format!(
                "{}{} distinct endpoint names past the first {} (in file order) were folded into one endpoint named `{}`.",
                if more { "More than " } else { "" },
                fmt::count(names),
                fmt::count(kept as u64),
                crate::stats::samples::OTHER
            ),
            json!({ "folded_names": names, "more_than": more, "kept": kept, "into": crate::stats::samples::OTHER }),
        ));
    }
    let raised: u64 = run.exceptions.iter().map(|e| e.count).sum();
    if raised > 0 {
        let top = run
            .exceptions
            .iter()
            .max_by_key(|e| e.count)
            .map(|e| e.message.clone())
            .unwrap_or_default();
        out.push(Warning::new(
            Code::TestCodeExceptions,
            Severity::Warning,
            format!(
                "The test code raised {} exception{} (most often: {top}).",
                fmt::count(raised),
                if raised == 1 { "" } else { "s" }
            ),
            json!({ "exceptions": raised, "most_frequent": top }),
        ));
    }
    for w in out.iter().filter(|w| w.gate) {
        fail_gate(score, &format!("evidence:{}", w.code()));
    }
    // Stable order: severity, then a fixed order of codes (endpoint-all-failed first).
    out.sort_by_key(|w| (w.severity, w.code));
    out
}

/// Fails the run for gate `id`.
fn fail_gate(score: &mut Score, id: &str) {
    if !score.failed_gates.iter().any(|g| g == id) {
        score.failed_gates.push(id.to_string());
    }
    score.decide();
}

fn endpoint_failures(stats: &RunStats, sla: &Sla) -> Option<Warning> {
    let ratio = sla.evidence.endpoint_failure_ratio;
    let gate = sla.evidence.endpoint_all_failed == Policy::Gate;
    let failed: Vec<&crate::stats::Figures> = stats
        .endpoints
        .iter()
        .filter(|e| e.requests > 0 && e.error_rate.is_some_and(|r| r > ratio))
        .collect();
    if failed.is_empty() {
        return None;
    }
    let describe = |e: &crate::stats::Figures| {
        let unexpected = e.unexpected_failures();
        if unexpected == e.requests {
            format!(
                "{} failed every request ({} of {} unexpected failures)",
                e.label,
                fmt::count(unexpected),
                fmt::count(e.requests)
            )
        } else {
            format!(
                "{} failed {} of its requests ({} of {} unexpected failures)",
                e.label,
                fmt::percent(unexpected as f64 / e.requests as f64),
                fmt::count(unexpected),
                fmt::count(e.requests)
            )
        }
    };
    const SHOWN: usize = 5;
    let mut text = failed
        .iter()
        .take(SHOWN)
        .map(|e| describe(e))
        .collect::<Vec<_>>()
        .join("; ");
    if failed.len() > SHOWN {
        text.push_str(&format!(
            "; and {} more endpoints over {}",
            failed.len() - SHOWN,
            fmt::percent(ratio)
        ));
    }
    let data: Vec<_> = failed
        .iter()
        .map(|e| json!({ "endpoint": e.label, "requests": e.requests, "unexpected_failures": e.unexpected_failures() }))
        .collect();
    let mut w = Warning::new(
        Code::EndpointAllFailed,
        Severity::Critical,
        format!(
            "{text}{}.",
            if gate {
                "; the SLA makes this a gate"
            } else {
                ""
            }
        ),
        json!({ "threshold": ratio, "endpoints": data }),
    );
    w.gate = gate;
    Some(w)
}

fn small_samples(score: &Score, sla: &Sla) -> Vec<Warning> {
    let findings: Vec<(&str, &crate::sla::score::SmallSampleFinding)> = sla
        .rules
        .iter()
        .zip(&score.rules)
        .flat_map(|(r, res)| res.small_samples.iter().map(move |f| (r.id.as_str(), f)))
        .collect();
    if findings.is_empty() {
        return Vec::new();
    }
    let policy = sla.evidence.small_sample;
    let effect = match policy {
        crate::sla::evidence::SmallSample::Warn => {
            "scored anyway, as the SLA's [evidence] small_sample = \"warn\" asks"
        }
        crate::sla::evidence::SmallSample::Inconclusive => "the rule is INCONCLUSIVE",
        crate::sla::evidence::SmallSample::Gate => {
            "the rule is INCONCLUSIVE and the SLA makes this a gate"
        }
    };
    let parts: Vec<String> = findings
        .iter()
        .take(5)
        .map(|(id, f)| {
            format!(
                "rule {id}: {} of {} ({} requests, {} above it; needs {})",
                f.percentile,
                f.endpoint,
                fmt::count(f.requests),
                f.values_above,
                fmt::count(f.needed)
            )
        })
        .collect();
    let more = findings.len().saturating_sub(5);
    let message = format!(
        "Percentiles from too few requests: {}{} — {effect}.",
        parts.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    );
    let data: Vec<_> = findings
        .iter()
        .map(|(id, f)| json!({ "rule": id, "endpoint": f.endpoint, "percentile": f.percentile, "requests": f.requests, "needed": f.needed, "values_above": f.values_above }))
        .collect();
    vec![Warning::new(
        Code::SmallSample,
        Severity::Warning,
        message,
        json!(data),
    )]
}

fn expected_failures(stats: &RunStats, sla: &Sla) -> Option<Warning> {
    if stats.totals.expected_failures == 0 {
        return None;
    }
    let mut rules: Vec<String> = stats
        .failures
        .iter()
        .filter_map(|f| f.expected_by)
        .map(|i| {
            let e = &sla.expected_failures[i];
            format!("{} (SLA line {})", e.describe(), e.line)
        })
        .collect();
    rules.sort();
    rules.dedup();
    Some(Warning::new(
        Code::ExpectedFailures,
        Severity::Warning,
        format!(
            "{} failed requests were excluded as expected by the SLA file: {}. Error rate {} with them, {} without.",
            fmt::count(stats.totals.expected_failures),
            rules.join("; "),
            fmt::percent_opt(stats.totals.error_rate_all),
            fmt::percent_opt(stats.totals.error_rate),
        ),
        json!({ "excluded": stats.totals.expected_failures, "rules": rules, "error_rate_with": stats.totals.error_rate_all, "error_rate_without": stats.totals.error_rate }),
    ))
}

/// The steady state: from the first moment users reach their peak to the
/// last moment they are still at it, in seconds since the Unix epoch.
/// `None` when the input does not record users.
pub fn steady_window(series: &[SeriesPoint]) -> Option<(f64, f64)> {
    let peak = series.iter().filter_map(|p| p.users).max()?;
    let first = series.iter().find(|p| p.users == Some(peak))?.t_s;
    let last = series.iter().rev().find(|p| p.users == Some(peak))?.t_s;
    Some((first, last))
}

fn short_run(run: &Run, window: Option<(f64, f64)>, sla: &Sla) -> Option<Warning> {
    let steady = match (window, run.meta.duration_s) {
        (Some((a, b)), _) => b - a,
        (None, Some(d)) => d,
        (None, None) => return None,
    };
    let min = sla.evidence.min_duration_s;
    if steady >= min {
        return None;
    }
    let gate = sla.evidence.short_run == Policy::Gate;
    let what = if window.is_some() {
        "steady state (at peak users)"
    } else {
        "run"
    };
    let mut w = Warning::new(
        Code::ShortRun,
        Severity::Warning,
        format!(
            "The {what} lasted {}, under the SLA's minimum of {}{}.",
            fmt::duration(steady),
            fmt::duration(min),
            if gate {
                "; the SLA makes this a gate"
            } else {
                ""
            }
        ),
        json!({ "steady_state_s": steady, "min_duration_s": min }),
    );
    w.gate = gate;
    Some(w)
}

fn ramp_up(run: &Run, window: Option<(f64, f64)>, sla: &Sla) -> Option<Warning> {
    if let Some((from, to)) = run.meta.scored_window_s {
        // Read a second time with `exclude_ramp_up`: the data now is the steady state.
        return Some(Warning::new(
            Code::RampUp,
            Severity::Info,
            format!(
                "Users were still rising at the start: as the SLA asks (exclude_ramp_up), only the steady state from {} to {} ({}) was scored; {} requests outside it were left out of every figure.",
                fmt::timestamp(from),
                fmt::timestamp(to),
                fmt::duration(to - from),
                fmt::count(run.meta.outside_window)
            ),
            json!({ "scored_from": from, "scored_to": to, "requests_left_out": run.meta.outside_window }),
        ));
    }
    let (start, end) = window?;
    let t0 = run.series.first()?.t_s;
    let ramp = start - t0;
    let first_users = run.series.iter().find_map(|p| p.users.filter(|u| *u > 0))?;
    let peak = run.series.iter().filter_map(|p| p.users).max()?;
    if ramp <= 0.0 || first_users >= peak {
        return None;
    }
    let total = run.series.last()?.t_s - t0;
    let share = if total > 0.0 { ramp / total } else { 0.0 };
    let scored = if sla.evidence.exclude_ramp_up {
        "the SLA asks to score only the steady state, but this input holds only whole-run figures, so the whole run was scored"
    } else {
        "the whole run, ramp-up included, was scored (set [evidence] exclude_ramp_up = true to ask for the steady state)"
    };
    Some(Warning::new(
        Code::RampUp,
        if share >= 0.1 { Severity::Warning } else { Severity::Info },
        format!(
            "Users rose from {} to {} over the first {} of {} ({}); steady state from {} to {} after the start; {scored}.",
            fmt::count(first_users),
            fmt::count(peak),
            fmt::duration(ramp),
            fmt::duration(total),
            fmt::percent(share),
            fmt::duration(start - t0),
            fmt::duration(end - t0),
        ),
        json!({ "ramp_up_s": ramp, "run_s": total, "steady_from_s": start - t0, "steady_to_s": end - t0, "peak_users": peak }),
    ))
}

/// Mean think time in seconds from run.toml's `think_time` (`"2s"`, `"1s..5s"`).
fn think_time_s(text: &str) -> Option<f64> {
    let parse = crate::sla::evidence::parse_duration_s;
    match text.split_once("..") {
        Some((a, b)) => Some((parse(a)? + parse(b)?) / 2.0),
        None => parse(text),
    }
}

fn closed_loop(run: &Run, stats: &RunStats, score: &mut Score, sla: &Sla) -> Option<Warning> {
    let users = run.meta.users_planned.or(run.meta.users_recorded)? as f64;
    let think = think_time_s(run.meta.think_time.as_deref()?)?;
    let latency_s = stats.totals.latency.avg_ms? / 1000.0;
    let measured = stats.totals.throughput_rps?;
    let bound = users / (think + latency_s);
    let share = measured / bound;
    if share < CLOSED_LOOP_SHARE.0 || share > CLOSED_LOOP_SHARE.1 {
        return None;
    }
    let note = format!(
        "limited by the test design: {} users with {} think time can send at most {}",
        fmt::count(users as u64),
        run.meta.think_time.as_deref().unwrap_or_default(),
        fmt::rps(bound)
    );
    for (rule, res) in sla.rules.iter().zip(score.rules.iter_mut()) {
        if rule.metric == Metric::Throughput {
            res.note = Some(match res.note.take() {
                Some(n) => format!("{n}; {note}"),
                None => note.clone(),
            });
        }
    }
    Some(Warning::new(
        Code::ClosedLoopThroughput,
        Severity::Warning,
        format!(
            "Throughput {} is {} of the closed-loop bound {} (users ÷ (think time + mean response time), Little's law): it measures the test design, not the system's capacity.",
            fmt::rps(measured),
            fmt::percent(measured / bound),
            fmt::rps(bound)
        ),
        json!({ "throughput_rps": measured, "bound_rps": bound, "users": users, "think_time_s": think, "mean_latency_s": latency_s }),
    ))
}

fn partial_run(run: &Run) -> Option<Warning> {
    let meta = &run.meta;
    let mut reasons = Vec::new();
    if let (Some(planned), Some(recorded)) = (meta.duration_planned_s, meta.duration_s) {
        if recorded < 0.95 * planned {
            reasons.push(format!(
                "the data covers {} of the planned {}",
                fmt::duration(recorded),
                fmt::duration(planned)
            ));
        }
    }
    if let (Some(planned), Some(recorded)) = (meta.users_planned, meta.users_recorded) {
        if recorded < planned {
            reasons.push(format!(
                "users reached {} of the planned {}: the run stopped mid-ramp",
                fmt::count(recorded),
                fmt::count(planned)
            ));
        }
    }
    if let Some(r) = &meta.partial_reason {
        reasons.push(r.clone());
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Warning::new(
        Code::PartialRun,
        Severity::Warning,
        format!("The run stopped early: {}.", reasons.join("; ")),
        json!({ "planned_duration_s": meta.duration_planned_s, "recorded_duration_s": meta.duration_s, "planned_users": meta.users_planned, "recorded_users": meta.users_recorded, "reasons": reasons }),
    ))
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

fn coordinated_omission(run: &Run, window: Option<(f64, f64)>) -> Option<Warning> {
    if !CLOSED_MODEL_TOOLS.contains(&run.meta.tool.as_str()) {
        return None;
    }
    let (from, to) = window.unwrap_or((f64::MIN, f64::MAX));
    // Rolling-window figures (Locust averages over ~10 s) need time to settle
    // after the ramp; judging them earlier flags the ramp itself.
    let from = from + SETTLE_S;
    // The steady state without its last point (often a partial interval).
    let n = run.series.len();
    let points: Vec<&SeriesPoint> = run
        .series
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            *i + 1 < n && p.t_s >= from && p.t_s <= to && p.rps.is_some_and(|r| r > 0.0)
        })
        .map(|(_, p)| p)
        .collect();
    if points.len() < 5 {
        return None;
    }
    let rps = median(points.iter().filter_map(|p| p.rps).collect())?;
    let p99 = median(points.iter().filter_map(|p| p.p99_ms).collect())?;
    let t0 = run.series.first()?.t_s;
    let hit = points.iter().find(|p| {
        p.rps.is_some_and(|r| r <= 0.5 * rps)
            && p.p99_ms.is_some_and(|l| p99 > 0.0 && l >= 2.0 * p99)
    })?;
    Some(Warning::new(
        Code::CoordinatedOmission,
        Severity::Warning,
        format!(
            "At {} into the run throughput fell to {} (median {}) while P99 rose to {} (median {}): waiting users sent fewer requests, so the slow period is under-sampled. An open-model (fixed-rate) tool or a corrected measurement would show the real tail.",
            fmt::duration(hit.t_s - t0),
            fmt::opt(hit.rps, fmt::rps),
            fmt::rps(rps),
            fmt::opt(hit.p99_ms, fmt::ms),
            fmt::ms(p99)
        ),
        json!({ "at_s": hit.t_s - t0, "throughput_rps": hit.rps, "median_throughput_rps": rps, "p99_ms": hit.p99_ms, "median_p99_ms": p99 }),
    ))
}

fn clock(run: &Run) -> Option<Warning> {
    let meta = &run.meta;
    let mut problems = Vec::new();
    let mut data = serde_json::Map::new();
    if meta.clock_backwards > 0 {
        problems.push(format!(
            "history timestamps went backwards {} time(s)",
            fmt::count(meta.clock_backwards)
        ));
        data.insert("rows_backwards".into(), json!(meta.clock_backwards));
    }
    // The tool's own rate implies a duration; compare it with the recorded one.
    if let (Some(d), Some(rps), Some(src)) = (
        meta.duration_s,
        run.totals.throughput_rps,
        meta.duration_source.as_deref(),
    ) {
        if src != "requests ÷ requests/s" && rps > 0.0 && d > 0.0 && meta.series_bucket_s.is_none()
        {
            let implied = run.totals.requests as f64 / rps;
            if (implied - d).abs() / d > 0.05 {
                problems.push(format!(
                    "{} requests at {} imply {}, but the data spans {}",
                    fmt::count(run.totals.requests),
                    fmt::rps(rps),
                    fmt::duration(implied),
                    fmt::duration(d)
                ));
                data.insert("implied_duration_s".into(), json!(implied));
                data.insert("recorded_duration_s".into(), json!(d));
            }
        }
    }
    if problems.is_empty() {
        return None;
    }
    Some(Warning::new(
        Code::Clock,
        Severity::Warning,
        format!("Timestamps disagree: {}.", problems.join("; ")),
        serde_json::Value::Object(data),
    ))
}

/// A figure with no fractional part that is a multiple of 10.
fn round(v: f64) -> bool {
    v.fract() == 0.0 && (v as i64) % 10 == 0
}

fn regularity(run: &Run) -> Option<Warning> {
    let l = &run.totals.latency;
    let mut reasons = Vec::new();
    // Tools round percentiles (Locust to two significant digits), but never the
    // mean, minimum and maximum: all of them round at once is not measured data.
    let unrounded: Vec<f64> = [l.min_ms, l.avg_ms, l.max_ms]
        .into_iter()
        .flatten()
        .collect();
    let all: Vec<f64> = unrounded
        .iter()
        .copied()
        .chain(l.percentiles.values().copied())
        .collect();
    if !unrounded.is_empty() && all.len() >= 4 && all.iter().all(|v| round(*v)) {
        reasons.push(format!(
            "every latency figure is a round number ({})",
            all.iter()
                .map(|v| fmt::ms(*v))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let (Some(users), Some(rps)) = (
        run.meta.users_recorded.or(run.meta.users_planned),
        run.totals.throughput_rps,
    ) {
        let k = (rps / users as f64 * 100.0).round() / 100.0;
        if users > 1 && k > 0.0 && (rps - k * users as f64).abs() < 1e-9 {
            reasons.push(format!(
                "throughput {} is exactly {} users × {}",
                fmt::rps(rps),
                fmt::count(users),
                fmt::trim_number(k)
            ));
        }
    }
    let p = |q| l.percentile(q);
    if let (Some(p50), Some(p95), Some(p99)) =
        (p(Percentile::P50), p(Percentile::P95), p(Percentile::P99))
    {
        if p50 == p95
            && p95 == p99
            && run.totals.requests >= 100
            && l.max_ms.is_some_and(|m| m == p99)
        {
            reasons.push("P50, P95, P99 and max are all equal".to_string());
        }
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Warning::new(
        Code::SuspiciousRegularity,
        Severity::Warning,
        format!("Figures too regular to be measured: {}. The data may be simulated; check where it came from.", reasons.join("; ")),
        json!({ "reasons": reasons }),
    ))
}

/// Checks that need every run: identical error rates across runs.
pub fn across_runs(scored: &mut [crate::report::Scored]) {
    let rates: Vec<Option<f64>> = scored
        .iter()
        .map(|s| s.stats.totals.error_rate_all.filter(|r| *r > 0.0))
        .collect();
    for i in 0..scored.len() {
        let Some(r) = rates[i] else { continue };
        let same: Vec<String> = (0..scored.len())
            .filter(|j| {
                *j != i
                    && rates[*j] == Some(r)
                    && scored[*j].stats.totals.requests != scored[i].stats.totals.requests
            })
            .map(|j| scored[j].run.meta.name.clone())
            .collect();
        if !same.is_empty() {
            scored[i].warnings.push(Warning::new(
                Code::SuspiciousRegularity,
                Severity::Warning,
                format!(
                    "The error rate {} is exactly the same as in {} although the request counts differ: the data may be simulated; check where it came from.",
                    fmt::percent(r),
                    same.join(", ")
                ),
                json!({ "error_rate": r, "same_as": same }),
            ));
            scored[i].warnings.sort_by_key(|w| (w.severity, w.code));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: f64, users: u64, rps: f64, p99: f64) -> SeriesPoint {
        SeriesPoint {
            t_s: t,
            users: Some(users),
            rps: Some(rps),
            p99_ms: Some(p99),
            ..SeriesPoint::default()
        }
    }

    #[test]
    fn the_steady_state_is_the_time_at_peak_users() {
        let s = vec![
            point(0.0, 0, 0.0, 0.0),
            point(1.0, 10, 5.0, 9.0),
            point(3.0, 20, 9.0, 9.0),
            point(9.0, 20, 9.0, 9.0),
            point(10.0, 5, 1.0, 9.0),
        ];
        assert_eq!(steady_window(&s), Some((3.0, 9.0)));
        assert_eq!(steady_window(&[SeriesPoint::default()]), None);
    }

    #[test]
    fn think_times_average_ranges() {
        assert_eq!(think_time_s("1s..5s"), Some(3.0));
        assert_eq!(think_time_s("500ms"), Some(0.5));
        assert_eq!(think_time_s("often"), None);
    }

    #[test]
    fn round_means_whole_tens() {
        assert!(round(50.0) && round(1200.0) && !round(65.0) && !round(20.5));
    }
}
