//! The respawn policy, sans I/O: given the exits of an application so far (times passed
//! in), whether and when to start it again, or to give up.
//!
//! A crashing daemon is restarted after 0.2 s, then 0.4, 0.8, ... up to 30 s; a run that
//! lasted longer than [`STABLE_RUN`] resets the delay. [`MAX_EXITS`] exits within
//! [`EXIT_WINDOW`] mark it failed: it stays down until the configuration changes or an
//! operator starts it.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// First respawn delay.
pub const FIRST_DELAY: Duration = Duration::from_millis(200);
/// Longest respawn delay.
pub const MAX_DELAY: Duration = Duration::from_secs(30);
/// Exits within [`EXIT_WINDOW`] that mark an application failed.
pub const MAX_EXITS: usize = 5;
/// The window [`MAX_EXITS`] is counted in.
pub const EXIT_WINDOW: Duration = Duration::from_secs(60);
/// A run at least this long resets the delay to [`FIRST_DELAY`].
pub const STABLE_RUN: Duration = Duration::from_secs(60);

/// What to do after an exit that calls for a respawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Start again after this delay.
    RespawnAfter(Duration),
    /// Too many exits in the window: stop trying.
    Failed,
}

/// The exit history of one application.
#[derive(Debug, Default, Clone)]
pub struct Backoff {
    exits: VecDeque<Instant>,
    next: Option<Duration>,
}

impl Backoff {
    /// Records an exit at `now` of a run that started at `started`, and says what next.
    pub fn exited(&mut self, started: Instant, now: Instant) -> Verdict {
        while self
            .exits
            .front()
            .is_some_and(|t| now.duration_since(*t) > EXIT_WINDOW)
        {
            self.exits.pop_front();
        }
        self.exits.push_back(now);
        if self.exits.len() >= MAX_EXITS {
            return Verdict::Failed;
        }
        if now.duration_since(started) >= STABLE_RUN {
            self.next = None;
        }
        let delay = self.next.unwrap_or(FIRST_DELAY);
        self.next = Some((delay * 2).min(MAX_DELAY));
        Verdict::RespawnAfter(delay)
    }

    /// Forgets the history (new configuration, operator start).
    pub fn reset(&mut self) {
        *self = Backoff::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_a_fifth_of_a_second_up_to_thirty() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        let mut delays = Vec::new();
        // Exits spaced over a minute apart never fill the window.
        for i in 0..10u64 {
            let at = t0 + Duration::from_secs(61 * (i + 1));
            let started = at - Duration::from_secs(1);
            match b.exited(started, at) {
                Verdict::RespawnAfter(d) => delays.push(d.as_millis()),
                Verdict::Failed => panic!("failed at exit {i}"),
            }
        }
        assert_eq!(
            delays,
            vec![200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]
        );
    }

    #[test]
    fn five_exits_within_a_minute_mark_the_app_failed() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        for i in 0..4 {
            let at = t0 + Duration::from_secs(i);
            assert!(matches!(b.exited(at, at), Verdict::RespawnAfter(_)));
        }
        assert_eq!(b.exited(t0, t0 + Duration::from_secs(5)), Verdict::Failed);
    }

    #[test]
    fn a_long_run_resets_the_delay() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        assert_eq!(b.exited(t0, t0), Verdict::RespawnAfter(FIRST_DELAY));
        assert_eq!(
            b.exited(t0, t0 + Duration::from_secs(1)),
            Verdict::RespawnAfter(FIRST_DELAY * 2)
        );
        let later = t0 + Duration::from_secs(200);
        assert_eq!(
            b.exited(later - STABLE_RUN, later),
            Verdict::RespawnAfter(FIRST_DELAY)
        );
    }
}
