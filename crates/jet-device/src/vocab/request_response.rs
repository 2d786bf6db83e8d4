//! What jsd (outside this crate) reports about its connection admission, for `show
//! extension-service request-response statistics`.

use std::net::IpAddr;
use std::time::Duration;

/// jsd's admission figures at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestResponseStats {
    /// Time a connection has to finish its TLS handshake and HTTP/2 preface.
    pub setup_deadline: Duration,
    /// Time a connection has to log in (not enforced under `skip-authentication`).
    pub login_deadline: Duration,
    /// Connections accepted that hold no session slot yet (not logged in).
    pub unauthenticated: usize,
    /// Most such connections at once.
    pub max_unauthenticated: usize,
    /// Most such connections at once from one source address.
    pub max_unauthenticated_per_source: usize,
    /// The sources with the most such connections, most first (a few at most).
    pub busiest_sources: Vec<(IpAddr, usize)>,
    /// Sessions holding a `max-connections` slot.
    pub sessions: usize,
    /// Named counters since jsd started, in display order, each with its text label.
    pub counters: Vec<(&'static str, &'static str, u64)>,
}

/// What jsd tells the device about its connection admission.
pub trait RequestResponseStatus: Send + Sync {
    /// The figures now.
    fn statistics(&self) -> RequestResponseStats;
}
