//! JET clients of the RIB: identity (`client_id`), the sessions that initialized, route
//! defaults, route counts and the purge timer.
//!
//! Time is injected (milliseconds on any monotonic clock the caller chooses), so the
//! purge logic is tested without sleeping.

use std::collections::HashMap;

use crate::batch::{DEFAULT_PREFERENCE2, MIN_PREFERENCE};

/// Purge time when the client never set one (seconds).
pub const DEFAULT_PURGE_SECS: u32 = 120;
/// Valid purge times (seconds).
pub const PURGE_RANGE: std::ops::RangeInclusive<u32> = 1..=1000;

/// Index of a client (1-based; 0 means "a device source").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientIdx(pub u32);

/// What a client chose at RouteInitialize: preferences applied when a route omits them,
/// and how replies write IP addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    /// preference (at least 5).
    pub pref: u32,
    /// preference2.
    pub pref2: u32,
    /// `default_response_address_format` is ADDRESS_BYTES: replies carry addresses as
    /// 4 or 16 bytes (`addr_bytes`) instead of text (`addr_string`, the default).
    pub address_bytes: bool,
    /// Replies name tables by numeric id instead of by name (the BGP route service's
    /// `default_table_format` TABLE_ID).
    pub table_ids: bool,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            pref: MIN_PREFERENCE,
            pref2: DEFAULT_PREFERENCE2,
            address_bytes: false,
            table_ids: false,
        }
    }
}

impl Defaults {
    /// Defaults from RouteInitialize: preference below 5 or missing becomes 5, missing
    /// preference2 becomes 100; addresses in replies as text.
    pub fn from_request(pref: Option<u32>, pref2: Option<u32>) -> Defaults {
        Defaults {
            pref: pref.unwrap_or(MIN_PREFERENCE).max(MIN_PREFERENCE),
            pref2: pref2.unwrap_or(DEFAULT_PREFERENCE2),
            address_bytes: false,
            table_ids: false,
        }
    }

    /// The same defaults with replies naming tables by id (`true`) or by name.
    pub fn with_table_ids(self, table_ids: bool) -> Defaults {
        Defaults { table_ids, ..self }
    }

    /// The same defaults with replies writing addresses as bytes (`true`) or text.
    pub fn with_address_bytes(self, address_bytes: bool) -> Defaults {
        Defaults {
            address_bytes,
            ..self
        }
    }
}

/// One client id.
#[derive(Debug, Clone)]
pub struct Client {
    /// The `client_id` given at Login.
    pub name: String,
    /// Sessions (connections) that called RouteInitialize and are still open.
    pub sessions: Vec<u64>,
    /// Route defaults from the last RouteInitialize.
    pub defaults: Defaults,
    /// Purge time set by RoutePurgeTimerAdd (None = default).
    pub purge_secs: Option<u32>,
    /// When the routes go (ms), while disconnected.
    pub purge_at: Option<u64>,
    /// Programmed paths owned.
    pub routes: u64,
    /// Paths owned per table (index = table id).
    pub per_table: Vec<u64>,
}

impl Client {
    /// The purge time in force (seconds).
    pub fn purge_time(&self) -> u32 {
        self.purge_secs.unwrap_or(DEFAULT_PURGE_SECS)
    }

    pub(crate) fn count(&mut self, table: u32, delta: i64) {
        let t = table as usize;
        if self.per_table.len() <= t {
            self.per_table.resize(t + 1, 0);
        }
        self.per_table[t] = self.per_table[t].saturating_add_signed(delta);
        self.routes = self.routes.saturating_add_signed(delta);
    }
}

/// How RouteInitialize went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitOutcome {
    /// First initialization, nothing to rebind.
    Fresh,
    /// A reconnecting client found its routes (count given).
    Rebound(u64),
    /// This session had initialized already; defaults replaced (routes owned given).
    AlreadyInitialized(u64),
}

/// All client ids the RIB knows.
#[derive(Debug, Default)]
pub struct Clients {
    list: Vec<Client>,
    by_name: HashMap<String, ClientIdx>,
}

impl Clients {
    /// The index of `name`, if known.
    pub fn find(&self, name: &str) -> Option<ClientIdx> {
        self.by_name.get(name).copied()
    }

    /// The index of `name`, creating the client when new.
    pub fn find_or_add(&mut self, name: &str) -> ClientIdx {
        if let Some(i) = self.by_name.get(name) {
            return *i;
        }
        self.list.push(Client {
            name: name.to_owned(),
            sessions: Vec::new(),
            defaults: Defaults::default(),
            purge_secs: None,
            purge_at: None,
            routes: 0,
            per_table: Vec::new(),
        });
        let idx = ClientIdx(self.list.len() as u32);
        self.by_name.insert(name.to_owned(), idx);
        idx
    }

    /// The client behind an index.
    pub fn get(&self, i: ClientIdx) -> Option<&Client> {
        self.list.get((i.0 as usize).checked_sub(1)?)
    }

    pub(crate) fn get_mut(&mut self, i: ClientIdx) -> Option<&mut Client> {
        self.list.get_mut((i.0 as usize).checked_sub(1)?)
    }

    /// All clients with their indexes.
    pub fn iter(&self) -> impl Iterator<Item = (ClientIdx, &Client)> {
        self.list
            .iter()
            .enumerate()
            .map(|(i, c)| (ClientIdx(i as u32 + 1), c))
    }

    /// True when `name` asked at its last RouteInitialize for addresses as bytes in
    /// replies (false for unknown clients: text is the default).
    pub fn address_bytes(&self, name: &str) -> bool {
        self.find(name)
            .and_then(|i| self.get(i))
            .is_some_and(|c| c.defaults.address_bytes)
    }

    /// Sets (Some) or removes (None) the purge time of a client.
    pub fn set_purge_secs(&mut self, i: ClientIdx, secs: Option<u32>) {
        if let Some(c) = self.get_mut(i) {
            c.purge_secs = secs;
        }
    }

    /// True when `session` of `name` called RouteInitialize.
    pub fn is_initialized(&self, name: &str, session: u64) -> Option<ClientIdx> {
        let i = self.find(name)?;
        self.get(i)
            .filter(|c| c.sessions.contains(&session))
            .map(|_| i)
    }

    /// RouteInitialize from `session`.
    pub fn initialize(
        &mut self,
        name: &str,
        session: u64,
        defaults: Defaults,
    ) -> (ClientIdx, InitOutcome) {
        let i = self.find_or_add(name);
        let Some(c) = self.get_mut(i) else {
            return (i, InitOutcome::Fresh);
        };
        c.defaults = defaults;
        if c.sessions.contains(&session) {
            return (i, InitOutcome::AlreadyInitialized(c.routes));
        }
        c.sessions.push(session);
        c.purge_at = None;
        let outcome = if c.routes > 0 {
            InitOutcome::Rebound(c.routes)
        } else {
            InitOutcome::Fresh
        };
        (i, outcome)
    }

    /// A session of `name` ended at `now_ms`: when it was the client's last one and the
    /// client owns routes, the purge timer starts. Returns the deadline if one started.
    pub fn session_closed(&mut self, name: &str, session: u64, now_ms: u64) -> Option<u64> {
        let i = self.find(name)?;
        let c = self.get_mut(i)?;
        let before = c.sessions.len();
        c.sessions.retain(|s| *s != session);
        if c.sessions.len() == before || !c.sessions.is_empty() || c.routes == 0 {
            return None;
        }
        let at = now_ms + u64::from(c.purge_time()) * 1000;
        c.purge_at = Some(at);
        Some(at)
    }

    /// The earliest pending purge deadline.
    pub fn next_purge(&self) -> Option<u64> {
        self.list.iter().filter_map(|c| c.purge_at).min()
    }

    /// Clients whose purge deadline has passed; their deadlines are cleared.
    pub(crate) fn take_due(&mut self, now_ms: u64) -> Vec<ClientIdx> {
        let mut due = Vec::new();
        for (i, c) in self.list.iter_mut().enumerate() {
            if c.purge_at.is_some_and(|t| t <= now_ms) {
                c.purge_at = None;
                due.push(ClientIdx(i as u32 + 1));
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialize_reports_fresh_then_already_initialized_on_the_same_session() {
        let mut c = Clients::default();
        let (i, o) = c.initialize("app", 1, Defaults::default());
        assert_eq!(o, InitOutcome::Fresh);
        if let Some(x) = c.get_mut(i) {
            x.count(0, 3);
        }
        assert_eq!(
            c.initialize("app", 1, Defaults::default()).1,
            InitOutcome::AlreadyInitialized(3)
        );
        assert_eq!(
            c.initialize("app", 2, Defaults::default()).1,
            InitOutcome::Rebound(3)
        );
    }

    #[test]
    fn purge_starts_only_when_the_last_session_of_a_client_with_routes_closes() {
        let mut c = Clients::default();
        let (i, _) = c.initialize("app", 1, Defaults::default());
        c.initialize("app", 2, Defaults::default());
        if let Some(x) = c.get_mut(i) {
            x.count(0, 1);
            x.purge_secs = Some(30);
        }
        assert_eq!(c.session_closed("app", 1, 1_000), None);
        assert_eq!(c.session_closed("app", 2, 1_000), Some(31_000));
        assert_eq!(c.next_purge(), Some(31_000));
        assert!(c.take_due(30_999).is_empty());
        assert_eq!(c.take_due(31_000), vec![i]);
        assert_eq!(c.next_purge(), None);
    }

    #[test]
    fn initialize_defaults_raise_low_preferences_and_default_preference2() {
        assert_eq!(
            Defaults::from_request(Some(1), None),
            Defaults {
                pref: 5,
                pref2: 100,
                address_bytes: false,
                table_ids: false,
            }
        );
        assert_eq!(
            Defaults::from_request(Some(7), Some(3)),
            Defaults {
                pref: 7,
                pref2: 3,
                address_bytes: false,
                table_ids: false,
            }
        );
    }

    #[test]
    fn address_format_is_remembered_per_client_and_replaced_by_a_later_initialize() {
        let mut c = Clients::default();
        assert!(!c.address_bytes("app"), "unknown client: text");
        c.initialize("app", 1, Defaults::default().with_address_bytes(true));
        c.initialize("other", 2, Defaults::default());
        assert!(c.address_bytes("app"));
        assert!(!c.address_bytes("other"));
        // A repeated RouteInitialize updates the defaults, the format included.
        c.initialize("app", 1, Defaults::default());
        assert!(!c.address_bytes("app"));
        // So does one from another session of the same client id.
        c.initialize("app", 3, Defaults::default().with_address_bytes(true));
        assert!(c.address_bytes("app"));
    }
}
