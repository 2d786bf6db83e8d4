//! Connection admission: connections that never log in cannot lock anyone out.
//!
//! ```text
//!  accept ─► place among the unauthenticated (global cap, per-source cap) or close at once
//!         ─► TLS handshake + HTTP/2 preface by SETUP_DEADLINE, or closed
//!         ─► Login by LOGIN_DEADLINE (unless skip-authentication), or closed
//!         ─► Login succeeds ─► a max-connections session slot, or RESOURCE_EXHAUSTED
//! ```
//!
//! A connection holds a place among the *unauthenticated* from accept until it takes a
//! session slot: at Login, or at once under `skip-authentication` (every connection is
//! then a session, as before). Those places are bounded separately from sessions, so
//! any number of idle or half-open connections never take a `max-connections` slot, and
//! one source address cannot take every place. The figures show in `show
//! extension-service request-response statistics` ([`AdmissionStatus`]).
//!
//! Limits, chosen for an operator: a legitimate client finishes its handshake and logs in
//! within a second or two, so 10 s and 60 s leave generous room for slow links and a
//! throttled password check (at most 16 s) while an attacker holds a place for a minute at
//! most. 4,096 places cost at most 4,096 file descriptors and a few KiB each; the process
//! needs its descriptor limit above that (jetd under systemd: `LimitNOFILE`), or accepts
//! fail first (logged). 256 per source leaves room for a host running many apps (or a NAT)
//! while 16 sources are needed to fill every place.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jet_device::op::request_response::{RequestResponseStats, RequestResponseStatus};

use crate::limits::SessionLimiter;

/// Time from accept to the end of the TLS handshake and the client's HTTP/2 preface.
pub(crate) const SETUP_DEADLINE: Duration = Duration::from_secs(10);
/// Time from accept to a successful Login (not enforced under skip-authentication).
pub(crate) const LOGIN_DEADLINE: Duration = Duration::from_secs(60);
/// Most connections without a session slot at once.
pub(crate) const MAX_UNAUTHENTICATED: usize = 4096;
/// Most connections without a session slot at once from one source address.
pub(crate) const MAX_UNAUTHENTICATED_PER_SOURCE: usize = 256;
/// Sources listed by the show command.
const BUSIEST_SHOWN: usize = 5;

/// The places of connections that have not logged in, and the admission counters.
#[derive(Debug, Default)]
pub(crate) struct Admission {
    /// A `std::sync::Mutex`: taken once per accept and once per promotion or close, never
    /// across an `await`.
    places: Mutex<Places>,
    /// Indexed by [`Counter`], named by [`COUNTERS`].
    counters: [AtomicU64; COUNTERS.len()],
}

/// Why admission closed or refused a connection (index into [`Admission::counters`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    /// No TLS handshake and HTTP/2 preface within [`SETUP_DEADLINE`].
    ClosedSetup,
    /// No Login within [`LOGIN_DEADLINE`].
    ClosedLogin,
    /// Every place among the unauthenticated was taken.
    RefusedGlobal,
    /// Every place of the source was taken.
    RefusedSource,
    /// A Login (or skip-authentication connection) over `max-connections`.
    RefusedSession,
}

/// The counters' names in the show command (XML element, text label), in [`Counter`]
/// order.
const COUNTERS: [(&str, &str); 5] = [
    (
        "closed-setup-deadline",
        "Closed: no handshake/preface in time",
    ),
    ("closed-login-deadline", "Closed: no Login in time"),
    (
        "refused-unauthenticated-limit",
        "Refused: too many not logged in",
    ),
    ("refused-source-limit", "Refused: too many from one source"),
    ("refused-session-limit", "Refused: max-connections reached"),
];

#[derive(Debug, Default)]
struct Places {
    total: usize,
    per_source: HashMap<IpAddr, usize>,
}

/// A place among the unauthenticated connections; given back when dropped.
#[derive(Debug)]
pub(crate) struct Place {
    admission: Arc<Admission>,
    ip: IpAddr,
}

impl Admission {
    fn places(&self) -> std::sync::MutexGuard<'_, Places> {
        // Every update is a pair of counter changes done together: a poisoned lock still
        // guards consistent counts.
        self.places.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A place for a new connection from `ip`, or None (close it at once) when every
    /// place, or every place of that source, is taken.
    pub(crate) fn try_place(self: &Arc<Self>, ip: IpAddr) -> Option<Place> {
        let mut p = self.places();
        if p.total >= MAX_UNAUTHENTICATED {
            self.count(Counter::RefusedGlobal);
            return None;
        }
        let n = p.per_source.entry(ip).or_insert(0);
        if *n >= MAX_UNAUTHENTICATED_PER_SOURCE {
            self.count(Counter::RefusedSource);
            return None;
        }
        *n += 1;
        p.total += 1;
        Some(Place {
            admission: self.clone(),
            ip,
        })
    }

    /// Counts a connection closed or refused.
    pub(crate) fn count(&self, why: Counter) {
        self.counters[why as usize].fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut p = self.admission.places();
        p.total = p.total.saturating_sub(1);
        if let Some(n) = p.per_source.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                p.per_source.remove(&self.ip);
            }
        }
    }
}

/// The text of a refusal for `max-connections` (what a client sees, unchanged).
pub(crate) fn session_limit_message(max: usize) -> String {
    format!(
        "jsd: the maximum number of client sessions ({max}, system services extension-service \
         request-response grpc max-connections) is reached; connection refused"
    )
}

/// What the device's show command reads.
pub(crate) struct AdmissionStatus {
    pub(crate) admission: Arc<Admission>,
    pub(crate) limiter: Arc<SessionLimiter>,
}

impl RequestResponseStatus for AdmissionStatus {
    fn statistics(&self) -> RequestResponseStats {
        let a = &self.admission;
        let (unauthenticated, busiest_sources) = {
            let p = a.places();
            let mut by: Vec<(IpAddr, usize)> = p.per_source.iter().map(|(k, v)| (*k, *v)).collect();
            by.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
            by.truncate(BUSIEST_SHOWN);
            (p.total, by)
        };
        RequestResponseStats {
            setup_deadline: SETUP_DEADLINE,
            login_deadline: LOGIN_DEADLINE,
            unauthenticated,
            max_unauthenticated: MAX_UNAUTHENTICATED,
            max_unauthenticated_per_source: MAX_UNAUTHENTICATED_PER_SOURCE,
            busiest_sources,
            sessions: self.limiter.active(),
            counters: COUNTERS
                .iter()
                .zip(&a.counters)
                .map(|((name, label), c)| (*name, *label, c.load(Ordering::Relaxed)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    #[test]
    fn places_are_capped_per_source_and_given_back_on_drop() {
        let a = Arc::new(Admission::default());
        let mut held: Vec<Place> = (0..MAX_UNAUTHENTICATED_PER_SOURCE)
            .map(|_| a.try_place(A).expect("room"))
            .collect();
        assert!(a.try_place(A).is_none(), "source cap");
        let other = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));
        assert!(a.try_place(other).is_some(), "another source still gets in");
        held.pop();
        assert!(a.try_place(A).is_some(), "a freed place is reused");
        drop(held);
        assert_eq!(a.places().total, 0);
        assert!(a.places().per_source.is_empty());
        assert_eq!(
            a.counters[Counter::RefusedSource as usize].load(Ordering::Relaxed),
            1
        );
    }

    #[test]
    fn the_global_cap_holds_across_sources() {
        let a = Arc::new(Admission::default());
        let held: Vec<Place> = (0..MAX_UNAUTHENTICATED)
            .map(|i| {
                let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i as u32));
                a.try_place(ip).expect("room")
            })
            .collect();
        assert!(a
            .try_place(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1)))
            .is_none());
        assert_eq!(a.places().total, held.len());
    }
}
