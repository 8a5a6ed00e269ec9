//! Capacity across a load ladder: where the system stops coping.
//!
//! The **breaking point** is the first load step where the SLA fails, or
//! where throughput grows by less than 10 % over the previous step while
//! latency (P95) grows. It is stated between the two measured user counts
//! and never extrapolated past the data.

/// One rung of the ladder: a run's load and what it achieved.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Run name.
    pub name: String,
    /// Concurrent users.
    pub users: u64,
    /// Requests per second, when known.
    pub throughput_rps: Option<f64>,
    /// P95 in ms, when known.
    pub p95_ms: Option<f64>,
    /// No SLA rule of the run failed (INCONCLUSIVE ones do not count:
    /// too little data says nothing about capacity).
    pub passed: bool,
}

/// Minimum throughput growth per step that still counts as scaling.
pub const MIN_GROWTH: f64 = 0.10;

/// Where the ladder breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum BreakingPoint {
    /// Already the lowest step fails its SLA.
    AtOrBelow {
        /// Users of the lowest step.
        users: u64,
        /// Why.
        reason: String,
    },
    /// Between two measured steps.
    Between {
        /// The last step that held.
        from_users: u64,
        /// The first step that broke.
        to_users: u64,
        /// Why.
        reason: String,
    },
    /// No step broke.
    NotReached {
        /// The highest load tested.
        max_users: u64,
    },
}

impl BreakingPoint {
    /// One sentence for the reports.
    pub fn sentence(&self, count: impl Fn(u64) -> String) -> String {
        match self {
            BreakingPoint::AtOrBelow { users, reason } => {
                format!("The system breaks at or below {} users, the lowest load tested: {reason}.", count(*users))
            }
            BreakingPoint::Between { from_users, to_users, reason } => {
                format!("The breaking point is between {} and {} users: {reason}.", count(*from_users), count(*to_users))
            }
            BreakingPoint::NotReached { max_users } => format!(
                "No breaking point up to {} users, the highest load tested; where it lies beyond that is not in the data.",
                count(*max_users)
            ),
        }
    }
}

/// True when `steps` (ordered by users) form a load ladder: at least two
/// steps, each with more users than the one before. Runs that share a user
/// count are several runs at one load, not a ladder (issue #11).
pub fn is_ladder(steps: &[Step]) -> bool {
    steps.len() >= 2 && steps.windows(2).all(|w| w[0].users < w[1].users)
}

/// Finds the breaking point of `steps`, which must be ordered by users.
/// `None` when they are no ladder ([`is_ladder`]): one run, or runs that
/// share a user count.
pub fn breaking_point(steps: &[Step]) -> Option<BreakingPoint> {
    if !is_ladder(steps) {
        return None;
    }
    if !steps[0].passed {
        return Some(BreakingPoint::AtOrBelow {
            users: steps[0].users,
            reason: format!("{} misses its SLA", steps[0].name),
        });
    }
    for pair in steps.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let reason = if !b.passed {
            Some(format!("{} misses its SLA", b.name))
        } else {
            match (a.throughput_rps, b.throughput_rps, a.p95_ms, b.p95_ms) {
                (Some(ta), Some(tb), Some(la), Some(lb))
                    if ta > 0.0 && tb < ta * (1.0 + MIN_GROWTH) && lb > la =>
                {
                    Some(format!(
                    "throughput grew {:.1} % from {} to {} while P95 rose from {la} ms to {lb} ms",
                    (tb / ta - 1.0) * 100.0,
                    a.name,
                    b.name
                ))
                }
                _ => None,
            }
        };
        if let Some(reason) = reason {
            return Some(BreakingPoint::Between {
                from_users: a.users,
                to_users: b.users,
                reason,
            });
        }
    }
    Some(BreakingPoint::NotReached {
        max_users: steps.last().map_or(0, |s| s.users),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(users: u64, rps: f64, p95: f64, passed: bool) -> Step {
        Step {
            name: format!("{users}u"),
            users,
            throughput_rps: Some(rps),
            p95_ms: Some(p95),
            passed,
        }
    }

    #[test]
    fn a_failed_sla_marks_the_break() {
        let b = breaking_point(&[
            step(100, 50.0, 20.0, true),
            step(500, 240.0, 30.0, true),
            step(1000, 470.0, 90.0, false),
        ]);
        assert_eq!(
            b,
            Some(BreakingPoint::Between {
                from_users: 500,
                to_users: 1000,
                reason: "1000u misses its SLA".into()
            })
        );
    }

    #[test]
    fn flat_throughput_with_rising_latency_marks_the_break() {
        let b = breaking_point(&[
            step(10, 50.0, 20.0, true),
            step(20, 100.0, 21.0, true),
            step(40, 105.0, 45.0, true),
        ])
        .unwrap();
        assert!(
            matches!(
                b,
                BreakingPoint::Between {
                    from_users: 20,
                    to_users: 40,
                    ..
                }
            ),
            "{b:?}"
        );
        assert_eq!(b.sentence(|n| n.to_string()), "The breaking point is between 20 and 40 users: throughput grew 5.0 % from 20u to 40u while P95 rose from 21 ms to 45 ms.");
    }

    #[test]
    fn flat_throughput_with_flat_latency_is_not_a_break() {
        // Throughput limited by think time, latency unchanged: the system copes.
        let b = breaking_point(&[step(10, 50.0, 20.0, true), step(20, 52.0, 20.0, true)]);
        assert_eq!(b, Some(BreakingPoint::NotReached { max_users: 20 }));
    }

    #[test]
    fn runs_that_share_a_user_count_are_no_ladder() {
        // Issue #11: no "breaking point between 1 and 1 users".
        let steps = [step(1, 50.0, 20.0, true), step(1, 40.0, 90.0, false)];
        assert!(!is_ladder(&steps));
        assert_eq!(breaking_point(&steps), None);
        let steps = [step(1, 50.0, 20.0, true), step(5, 40.0, 90.0, false)];
        assert!(is_ladder(&steps));
    }

    #[test]
    fn never_extrapolates() {
        assert_eq!(breaking_point(&[step(10, 50.0, 20.0, true)]), None);
        let b = breaking_point(&[step(10, 50.0, 20.0, false), step(20, 100.0, 20.0, true)]);
        assert!(matches!(
            b,
            Some(BreakingPoint::AtOrBelow { users: 10, .. })
        ));
    }
}
