//! The probation of a staged upgrade, as a pure state machine (no clock, no I/O): time
//! and app exits are fed in, a verdict comes out.
//!
//! An upgrade of an installed app activates the new version at once and keeps the
//! previous one. If the new version crashes `max_crashes` times before the probation
//! window ends, the verdict is [`Verdict::RollBack`]; once the window ends with fewer
//! crashes, [`Verdict::Keep`] (the previous version may be removed).

use std::time::Duration;

use tokio::time::Instant;

/// How long an upgrade is on probation and how many crashes end it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbationPolicy {
    /// The probation window from activation.
    pub window: Duration,
    /// Crashes within the window that make a crash loop.
    pub max_crashes: u32,
}

impl Default for ProbationPolicy {
    fn default() -> Self {
        ProbationPolicy {
            window: Duration::from_secs(60),
            max_crashes: 3,
        }
    }
}

/// What to do with an upgrade on probation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No decision yet (or the exit was not of the version on probation).
    Undecided,
    /// Crash loop: restore and start `to`.
    RollBack {
        /// The version to restore.
        to: String,
    },
    /// The window passed: keep the new version.
    Keep,
}

/// One upgrade on probation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probation {
    /// The version that was replaced.
    pub from: String,
    /// The version on probation.
    pub to: String,
    /// When the window ends.
    pub deadline: Instant,
    /// Crashes of `to` so far.
    pub crashes: u32,
    max_crashes: u32,
}

impl Probation {
    /// Starts the probation of `to` (replacing `from`) at `now`.
    pub fn start(from: &str, to: &str, now: Instant, policy: ProbationPolicy) -> Probation {
        Probation {
            from: from.into(),
            to: to.into(),
            deadline: now + policy.window,
            crashes: 0,
            max_crashes: policy.max_crashes.max(1),
        }
    }

    /// An exit of the app's `version` at `now`; `crashed` for a non-zero exit or a
    /// signal.
    pub fn on_exit(&mut self, version: &str, crashed: bool, now: Instant) -> Verdict {
        if version != self.to || !crashed {
            return self.on_time(now);
        }
        if now >= self.deadline {
            return Verdict::Keep;
        }
        self.crashes += 1;
        if self.crashes >= self.max_crashes {
            Verdict::RollBack {
                to: self.from.clone(),
            }
        } else {
            Verdict::Undecided
        }
    }

    /// The verdict at `now` without an exit: [`Verdict::Keep`] once the window ended.
    pub fn on_time(&self, now: Instant) -> Verdict {
        if now >= self.deadline {
            Verdict::Keep
        } else {
            Verdict::Undecided
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ProbationPolicy {
        ProbationPolicy {
            window: Duration::from_secs(10),
            max_crashes: 3,
        }
    }

    #[test]
    fn crash_loop_within_window_rolls_back() {
        let t0 = Instant::now();
        let mut p = Probation::start("1.0", "2.0", t0, policy());
        assert_eq!(
            p.on_exit("2.0", true, t0 + Duration::from_secs(1)),
            Verdict::Undecided
        );
        assert_eq!(
            p.on_exit("2.0", true, t0 + Duration::from_secs(2)),
            Verdict::Undecided
        );
        assert_eq!(
            p.on_exit("2.0", true, t0 + Duration::from_secs(3)),
            Verdict::RollBack { to: "1.0".into() }
        );
    }

    #[test]
    fn healthy_upgrade_is_kept_after_window() {
        let t0 = Instant::now();
        let mut p = Probation::start("1.0", "2.0", t0, policy());
        assert_eq!(
            p.on_exit("2.0", true, t0 + Duration::from_secs(1)),
            Verdict::Undecided
        );
        assert_eq!(p.on_time(t0 + Duration::from_secs(9)), Verdict::Undecided);
        assert_eq!(p.on_time(t0 + Duration::from_secs(10)), Verdict::Keep);
        assert_eq!(
            p.on_exit("2.0", true, t0 + Duration::from_secs(11)),
            Verdict::Keep
        );
    }

    #[test]
    fn clean_exits_and_other_versions_do_not_count() {
        let t0 = Instant::now();
        let mut p = Probation::start("1.0", "2.0", t0, policy());
        for _ in 0..5 {
            assert_eq!(p.on_exit("2.0", false, t0), Verdict::Undecided);
            assert_eq!(p.on_exit("1.0", true, t0), Verdict::Undecided);
        }
        assert_eq!(p.crashes, 0);
    }
}
