//! [`RunBuilder`]: what readers feed, one call per endpoint row, history row or
//! failure group; `build` checks the pieces fit and returns the [`Run`].

use crate::model::{
    endpoint_label, EndpointStats, ExceptionGroup, FailureGroup, Percentile, Run, RunMeta,
    SeriesPoint, SourceFile,
};
use std::collections::BTreeMap;

/// Collects what the readers of one run find, in any order.
#[derive(Debug, Default)]
pub struct RunBuilder {
    totals: Option<EndpointStats>,
    endpoints: Vec<EndpointStats>,
    series: Vec<SeriesPoint>,
    failures: Vec<FailureGroup>,
    exceptions: Vec<ExceptionGroup>,
    sources: Vec<SourceFile>,
    tool: Option<String>,
    tool_version: Option<String>,
}

impl RunBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        RunBuilder::default()
    }

    /// Names the tool that wrote the files (the first reader to say so wins).
    pub fn tool(&mut self, tool: &str, version: Option<String>) {
        self.tool.get_or_insert_with(|| tool.to_string());
        if version.is_some() {
            self.tool_version = version;
        }
    }

    /// Adds an endpoint's pre-aggregated figures.
    pub fn endpoint(&mut self, stats: EndpointStats) {
        self.endpoints.push(stats);
    }

    /// Sets the whole-run figures (the tool's aggregated row).
    pub fn totals(&mut self, stats: EndpointStats) {
        self.totals = Some(stats);
    }

    /// Adds percentiles to an endpoint already given (Locust 0.x keeps them in
    /// a separate `*_distribution.csv`). `label` is the endpoint label or name,
    /// or `None` for the totals. Returns false when no such endpoint exists.
    pub fn percentiles(&mut self, label: Option<&str>, pcts: BTreeMap<Percentile, f64>) -> bool {
        let target = match label {
            None => self.totals.as_mut(),
            Some(l) => self
                .endpoints
                .iter_mut()
                .find(|e| e.label() == l || e.name == l),
        };
        match target {
            Some(e) => {
                e.latency.percentiles.extend(pcts);
                true
            }
            None => false,
        }
    }

    /// Adds one moment of the run's history.
    pub fn series(&mut self, point: SeriesPoint) {
        self.series.push(point);
    }

    /// Adds a group of failures; repeats of the same (method, name, error) add up.
    pub fn failure(&mut self, group: FailureGroup) {
        match self
            .failures
            .iter_mut()
            .find(|f| f.method == group.method && f.name == group.name && f.error == group.error)
        {
            Some(f) => f.occurrences += group.occurrences,
            None => self.failures.push(group),
        }
    }

    /// Adds a group of test-code exceptions.
    pub fn exception(&mut self, group: ExceptionGroup) {
        self.exceptions.push(group);
    }

    /// Records a file that belongs to the run (read or skipped).
    pub fn source(&mut self, source: SourceFile) {
        self.sources.push(source);
    }

    /// True once a reader has given the run's figures.
    pub fn has_figures(&self) -> bool {
        self.totals.is_some() || !self.endpoints.is_empty()
    }

    /// Finishes the run. `meta` brings what `run.toml` says; the builder adds
    /// what the data says (tool, users, start and duration). Fails when no file
    /// gave request figures.
    pub fn build(mut self, mut meta: RunMeta) -> Result<Run, String> {
        if !self.has_figures() {
            return Err(
                "no request figures: a stats file (e.g. Locust `*_stats.csv`) is needed; \
                 history, failures and exceptions files alone do not hold them"
                    .to_string(),
            );
        }
        let totals = match self.totals.take() {
            Some(t) => t,
            None => {
                return Err("the stats file has no `Aggregated` (or `Total`) row".to_string());
            }
        };
        self.series.sort_by(|a, b| {
            a.t_s
                .partial_cmp(&b.t_s)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        meta.tool = self.tool.unwrap_or_else(|| "unknown".to_string());
        meta.tool_version = self.tool_version;
        meta.users_recorded = self.series.iter().filter_map(|p| p.users).max();
        if let (Some(first), Some(last)) = (self.series.first(), self.series.last()) {
            meta.started_at_s = Some(first.t_s);
            if last.t_s > first.t_s {
                meta.duration_s = Some(last.t_s - first.t_s);
                meta.duration_source = Some("first to last history row".to_string());
            }
        }
        if meta.duration_s.is_none() {
            if let Some(rps) = totals.throughput_rps.filter(|r| *r > 0.0) {
                meta.duration_s = Some(totals.requests as f64 / rps);
                meta.duration_source = Some("requests ÷ requests/s".to_string());
            }
        }
        self.sources.sort();
        Ok(Run {
            meta,
            totals,
            endpoints: self.endpoints,
            series: self.series,
            failures: self.failures,
            exceptions: self.exceptions,
            sources: self.sources,
        })
    }
}

/// The label of a failure group, matching [`EndpointStats::label`].
pub fn failure_label(f: &FailureGroup) -> String {
    endpoint_label(&f.method, &f.name)
}
