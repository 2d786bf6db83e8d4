//! The table of live JET client sessions, and the lossless delivery of their end.
//!
//! jsd creates one [`Session`] per client connection and hands the same `Arc<Session>`
//! to every call on it (the gate and the handlers read it; nobody looks it up again).
//! It registers the session here when the session takes a slot, records the login on
//! it, and closes it the moment the connection ends. Readers: `show extension-service
//! client information`, the active-user count of `show system uptime`, syslog/eventd
//! (through the [`SessionEvent`]s on the bus).
//!
//! ```text
//!  jsd ── open / login / close ──► SessionTable ──► EventBus: SessionEvent (lossy; for display)
//!                                      │
//!                                      └─ close ──► one unbounded mpsc per owner of per-client state
//!                                                   (RIB, mgd, routing interfaces, ...): lossless
//! ```
//!
//! Session end is never inferred from the bounded broadcast bus: every owner of
//! per-client state calls [`SessionTable::watch_ends`] once (one line per owner) and
//! receives exactly one [`SessionEnd`] per closed session on its own channel.
//!
//! The table is a plain `std::sync::Mutex` around a small map rather than an owner task:
//! every operation is a short, `await`-free insert/remove/clone, done once per connection
//! or login, so a lock is both simpler and faster than a channel round trip here.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use crate::events::{DeviceEvent, EventBus};
pub use crate::vocab::session::{Login, SessionEvent, SessionId, SessionInfo, Transport};
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

/// One JET client session: what jsd learned when the connection was set up, and the
/// login once it succeeds. Shared (`Arc`) by the connection, every call on it and the
/// table; the login sits behind a short, `await`-free lock (written once per Login, read
/// once per call).
#[derive(Debug)]
pub struct Session {
    /// Session (connection) id.
    pub id: SessionId,
    /// The client's socket address.
    pub peer: SocketAddr,
    /// Clear text or TLS.
    pub transport: Transport,
    /// When the connection was accepted.
    pub since: DateTime<Utc>,
    login: Mutex<Option<Arc<Login>>>,
    /// The on-box app (package name) this session belongs to, set once by whoever
    /// identified it (the app supervisor's local channel, from the peer's credentials).
    app: std::sync::OnceLock<String>,
}

impl Session {
    /// A session for a connection accepted now, not logged in.
    pub fn new(id: SessionId, peer: SocketAddr, transport: Transport) -> Arc<Session> {
        Arc::new(Session {
            id,
            peer,
            transport,
            since: Utc::now(),
            login: Mutex::new(None),
            app: std::sync::OnceLock::new(),
        })
    }

    /// Marks the session as app `name`'s: from then on jsd's gate lets it call only the
    /// gRPC methods its package declares. Set once; false if it was already set.
    pub fn set_app(&self, name: &str) -> bool {
        self.app.set(name.to_string()).is_ok()
    }

    /// The app this session belongs to, if it was identified as one.
    pub fn app(&self) -> Option<&str> {
        self.app.get().map(String::as_str)
    }

    /// Who logged in on this session, once Login succeeded.
    pub fn login(&self) -> Option<Arc<Login>> {
        // A panic cannot leave an `Option` half-written: a poisoned lock is still usable.
        self.login.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// True once Login succeeded.
    pub fn logged_in(&self) -> bool {
        self.login
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    fn set_login(&self, login: Login) {
        *self.login.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(login));
    }

    /// A snapshot for display and events.
    pub fn info(&self) -> SessionInfo {
        SessionInfo {
            id: self.id,
            peer: self.peer,
            transport: self.transport,
            since: self.since,
            login: self.login().map(|l| (*l).clone()),
        }
    }
}

/// The end of one session, as delivered to each owner of per-client state: its last
/// state (the login says which `client_id` it was).
pub type SessionEnd = Arc<SessionInfo>;

/// The receiving side of [`SessionTable::watch_ends`].
///
/// Unbounded by count on purpose: a send must never fail or wait while jsd closes a
/// connection (a full queue would either lose the end, leaking the client's state, or
/// stall the close). The queue is still bounded in practice: it holds one small message
/// per session closed and not yet handled by its owner, each session closes once, and
/// sessions are themselves bounded (`max-connections`, and the connection admission in
/// front of it), so an owner that keeps up holds at most a few; an owner that has
/// stopped has dropped its receiver, and sends to it are discarded.
pub type SessionEnds = mpsc::UnboundedReceiver<SessionEnd>;

/// The live sessions of one device.
#[derive(Debug)]
pub struct SessionTable {
    sessions: Mutex<BTreeMap<SessionId, Arc<Session>>>,
    /// Owners of per-client state, told of every session end.
    ends: Mutex<Vec<(&'static str, mpsc::UnboundedSender<SessionEnd>)>>,
    events: EventBus,
}

impl SessionTable {
    /// An empty table that announces changes on `events`.
    pub fn new(events: EventBus) -> Self {
        SessionTable {
            sessions: Mutex::new(BTreeMap::new()),
            ends: Mutex::new(Vec::new()),
            events,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<SessionId, Arc<Session>>> {
        // A panic while holding this lock cannot leave the map inconsistent (every
        // operation is a single insert/remove), so a poisoned lock is still usable.
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers an owner of per-client state (`owner` names it in logs): from now on
    /// every closed session is sent on the returned channel, exactly once.
    pub fn watch_ends(&self, owner: &'static str) -> SessionEnds {
        let (tx, rx) = mpsc::unbounded_channel();
        self.ends
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((owner, tx));
        rx
    }

    /// Registers a session (it now counts as live).
    pub fn open(&self, session: Arc<Session>) {
        let info = session.info();
        self.lock().insert(session.id, session);
        self.events
            .emit(DeviceEvent::Session(SessionEvent::Opened(info)));
    }

    /// Records a successful Login on a live session. A second Login replaces the first;
    /// a session that is not in the table (closed meanwhile) is left alone.
    pub fn login(&self, session: &Session, login: Login) {
        if !self.lock().contains_key(&session.id) {
            return;
        }
        session.set_login(login);
        self.events
            .emit(DeviceEvent::Session(SessionEvent::LoggedIn(session.info())));
    }

    /// Removes a session that ended and tells every owner of per-client state.
    pub fn close(&self, id: SessionId) {
        let Some(session) = self.lock().remove(&id) else {
            return;
        };
        let end: SessionEnd = Arc::new(session.info());
        self.ends
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(owner, tx)| {
                let delivered = tx.send(end.clone()).is_ok();
                if !delivered {
                    tracing::debug!(owner, "session-end listener gone");
                }
                delivered
            });
        self.events
            .emit(DeviceEvent::Session(SessionEvent::Closed((*end).clone())));
    }

    /// The session with this id, if it is live.
    pub fn get(&self, id: SessionId) -> Option<Arc<Session>> {
        self.lock().get(&id).cloned()
    }

    /// All live sessions, oldest first.
    pub fn list(&self) -> Vec<SessionInfo> {
        self.lock().values().map(|s| s.info()).collect()
    }

    /// Number of live sessions.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when no session is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jet_config::LoginClass;

    fn peer() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 5000))
    }

    fn login(client_id: &str) -> Login {
        Login {
            user: "admin".into(),
            class: LoginClass::SuperUser,
            client_id: client_id.into(),
            group_id: String::new(),
            at: Utc::now(),
        }
    }

    #[test]
    fn close_announces_the_last_state_of_the_session() {
        let bus = EventBus::new();
        let t = SessionTable::new(bus.clone());
        let mut rx = bus.subscribe();
        let s = Session::new(1, peer(), Transport::ClearText);
        t.open(s.clone());
        t.login(&s, login("app"));
        t.close(1);
        let mut next = || rx.try_recv().map(|s| s.event.clone());
        assert!(matches!(
            next(),
            Ok(DeviceEvent::Session(SessionEvent::Opened(_)))
        ));
        assert!(matches!(
            next(),
            Ok(DeviceEvent::Session(SessionEvent::LoggedIn(_)))
        ));
        match next() {
            Ok(DeviceEvent::Session(SessionEvent::Closed(info))) => {
                assert_eq!(info.login.map(|l| l.client_id), Some("app".to_owned()))
            }
            other => panic!("expected Closed, got {other:?}"),
        }
        assert!(t.is_empty());
    }

    #[test]
    fn login_on_unknown_session_is_ignored() {
        let t = SessionTable::new(EventBus::new());
        let s = Session::new(9, peer(), Transport::ClearText);
        t.login(&s, login(""));
        assert!(t.get(9).is_none());
        assert!(!s.logged_in());
    }

    #[test]
    fn every_watcher_gets_each_end_once_and_a_gone_watcher_is_forgotten() {
        let t = SessionTable::new(EventBus::new());
        let mut a = t.watch_ends("a");
        let b = t.watch_ends("b");
        drop(b);
        for id in 1..=3 {
            let s = Session::new(id, peer(), Transport::Tls);
            t.open(s.clone());
            t.login(&s, login(&format!("c{id}")));
        }
        t.close(2);
        t.close(2); // a second close of the same session is not a second end
        t.close(1);
        let got: Vec<_> = std::iter::from_fn(|| a.try_recv().ok())
            .map(|e| (e.id, e.login.as_ref().map(|l| l.client_id.clone())))
            .collect();
        assert_eq!(
            got,
            vec![(2, Some("c2".to_owned())), (1, Some("c1".to_owned()))]
        );
        assert_eq!(t.ends.lock().map(|v| v.len()).unwrap_or(0), 1);
        assert_eq!(t.len(), 1);
    }
}
