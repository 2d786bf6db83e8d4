//! The table of live JET client sessions (one per client connection).
//!
//! jsd opens a session when it accepts a connection, marks it authenticated on Login and
//! closes it the moment the connection ends. Everything else reads it: `show
//! extension-service client information`, the active-user count of `show system uptime`,
//! and (later) the purge timers of routes owned by a `client_id`, which listen to
//! [`SessionEvent`]s.
//!
//! The table is a plain `std::sync::Mutex` around a small map rather than an owner task:
//! every operation is a short, `await`-free insert/remove/clone, done once per connection
//! or login, so a lock is both simpler and faster than a channel round trip here.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use crate::events::{DeviceEvent, EventBus};
pub use crate::vocab::session::{Login, SessionEvent, SessionId, SessionInfo, Transport};
use chrono::Utc;

/// The live sessions of one device.
#[derive(Debug)]
pub struct SessionTable {
    sessions: Mutex<BTreeMap<SessionId, SessionInfo>>,
    events: EventBus,
}

impl SessionTable {
    /// An empty table that announces changes on `events`.
    pub fn new(events: EventBus) -> Self {
        SessionTable {
            sessions: Mutex::new(BTreeMap::new()),
            events,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<SessionId, SessionInfo>> {
        // A panic while holding this lock cannot leave the map inconsistent (every
        // operation is a single insert/remove), so a poisoned lock is still usable.
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a new connection.
    pub fn open(&self, id: SessionId, peer: SocketAddr, transport: Transport) {
        let info = SessionInfo {
            id,
            peer,
            transport,
            since: Utc::now(),
            login: None,
        };
        self.lock().insert(id, info.clone());
        self.events
            .emit(DeviceEvent::Session(SessionEvent::Opened(info)));
    }

    /// Records a successful Login on a connection. A second Login replaces the first.
    pub fn login(&self, id: SessionId, login: Login) {
        let info = {
            let mut map = self.lock();
            let Some(s) = map.get_mut(&id) else { return };
            s.login = Some(login);
            s.clone()
        };
        self.events
            .emit(DeviceEvent::Session(SessionEvent::LoggedIn(info)));
    }

    /// Removes a connection that ended.
    pub fn close(&self, id: SessionId) {
        let removed = self.lock().remove(&id);
        if let Some(info) = removed {
            self.events
                .emit(DeviceEvent::Session(SessionEvent::Closed(info)));
        }
    }

    /// The session with this id, if it is live.
    pub fn get(&self, id: SessionId) -> Option<SessionInfo> {
        self.lock().get(&id).cloned()
    }

    /// All live sessions, oldest first.
    pub fn list(&self) -> Vec<SessionInfo> {
        self.lock().values().cloned().collect()
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

    #[test]
    fn close_announces_the_last_state_of_the_session() {
        let bus = EventBus::new();
        let t = SessionTable::new(bus.clone());
        let mut rx = bus.subscribe();
        t.open(1, peer(), Transport::ClearText);
        t.login(
            1,
            Login {
                user: "admin".into(),
                class: LoginClass::SuperUser,
                client_id: "app".into(),
                group_id: String::new(),
                at: Utc::now(),
            },
        );
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
        t.login(
            9,
            Login {
                user: "u".into(),
                class: LoginClass::ReadOnly,
                client_id: String::new(),
                group_id: String::new(),
                at: Utc::now(),
            },
        );
        assert!(t.get(9).is_none());
    }
}
