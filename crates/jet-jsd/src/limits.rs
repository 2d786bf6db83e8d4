//! The session limit (`max-connections`) and per-source login throttling.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jet_device::{Device, SessionId};

/// Counts live sessions against `max-connections`.
///
/// A `std::sync::Mutex` around a counter: taken once per accepted or closed connection,
/// never across an `await`.
#[derive(Debug, Default)]
pub(crate) struct SessionLimiter {
    active: Mutex<usize>,
}

/// A taken session slot. Dropping it (when the connection ends) closes the session.
#[derive(Debug)]
pub(crate) struct Slot {
    limiter: Arc<SessionLimiter>,
    device: Device,
    session: SessionId,
}

impl SessionLimiter {
    /// Slots taken now.
    pub(crate) fn active(&self) -> usize {
        *self.active.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a slot if fewer than `max` sessions are live.
    pub(crate) fn try_take(
        self: &Arc<Self>,
        max: usize,
        device: &Device,
        session: SessionId,
    ) -> Option<Slot> {
        let mut active = self.active.lock().unwrap_or_else(|p| p.into_inner());
        if *active >= max {
            return None;
        }
        *active += 1;
        Some(Slot {
            limiter: self.clone(),
            device: device.clone(),
            session,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        {
            let mut active = self
                .limiter
                .active
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            *active = active.saturating_sub(1);
        }
        self.device.sessions().close(self.session);
        tracing::info!(session = self.session, "JET session closed");
    }
}

/// Failed logins tolerated from one source address before attempts are slowed down.
const FREE_FAILURES: u32 = 3;
/// First delay once slowing starts; doubles with every further failure.
const FIRST_DELAY: Duration = Duration::from_millis(500);
/// Longest delay.
const MAX_DELAY: Duration = Duration::from_secs(16);
/// A source with no failure for this long starts afresh.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Most source addresses tracked; the stalest is forgotten beyond it.
const MAX_TRACKED: usize = 4096;

/// Slows down password guessing per source address: after a few failures, every further
/// attempt from that address waits longer and longer before it is even checked.
#[derive(Debug, Default)]
pub(crate) struct LoginThrottle {
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl LoginThrottle {
    /// How long an attempt from `ip` must wait before it is checked.
    pub(crate) fn delay(&self, ip: IpAddr, now: Instant) -> Duration {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(&ip) {
            Some(&(n, last)) if now.duration_since(last) < FORGET_AFTER && n >= FREE_FAILURES => {
                let exp = (n - FREE_FAILURES).min(16);
                FIRST_DELAY.saturating_mul(1 << exp).min(MAX_DELAY)
            }
            _ => Duration::ZERO,
        }
    }

    /// Records a failed attempt; returns the number of recent failures from `ip`.
    pub(crate) fn failed(&self, ip: IpAddr, now: Instant) -> u32 {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_TRACKED && !map.contains_key(&ip) {
            map.retain(|_, (_, last)| now.duration_since(*last) < FORGET_AFTER);
            if map.len() >= MAX_TRACKED {
                if let Some(stalest) = map.iter().min_by_key(|(_, (_, t))| *t).map(|(k, _)| *k) {
                    map.remove(&stalest);
                }
            }
        }
        let e = map.entry(ip).or_insert((0, now));
        if now.duration_since(e.1) >= FORGET_AFTER {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = now;
        e.0
    }

    /// Forgets the failures of `ip` after a successful login.
    pub(crate) fn succeeded(&self, ip: IpAddr) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&ip);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn attempts_slow_down_after_three_failures_and_double() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.delay(A, now), Duration::ZERO);
            t.failed(A, now);
        }
        assert_eq!(t.delay(A, now), Duration::from_millis(500));
        t.failed(A, now);
        assert_eq!(t.delay(A, now), Duration::from_secs(1));
        for _ in 0..20 {
            t.failed(A, now);
        }
        assert_eq!(t.delay(A, now), MAX_DELAY);
        // Another source is not affected.
        assert_eq!(t.delay(B, now), Duration::ZERO);
    }

    #[test]
    fn success_and_time_forget_failures() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..5 {
            t.failed(A, now);
        }
        assert!(t.delay(A, now) > Duration::ZERO);
        assert_eq!(t.delay(A, now + FORGET_AFTER), Duration::ZERO);
        t.succeeded(A);
        assert_eq!(t.delay(A, now), Duration::ZERO);
    }

    #[test]
    fn tracked_sources_are_bounded() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 10) {
            t.failed(IpAddr::V4(std::net::Ipv4Addr::from(i)), now);
        }
        assert!(t.failures.lock().map(|m| m.len()).unwrap_or(0) <= MAX_TRACKED);
    }
}
