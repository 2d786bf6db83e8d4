//! The device event bus: subsystems emit typed events; many consumers read them.
//!
//! ```text
//!  mgd (commits) ─┐
//!  sessions ──────┼──► EventBus (broadcast, bounded) ──► eventd (jet-event JSON → MQTT)
//!  (interfaces,   │                                   ├─► RIB / interface subscription streams
//!   routes, ...) ─┘                                   └─► syslog, tests
//! ```
//!
//! One event, one schema, many consumers. The bus is a bounded broadcast: a consumer that
//! falls more than [`EVENT_QUEUE`] events behind is told how many it missed
//! (`RecvError::Lagged`) instead of slowing the device down; every event carries a
//! sequence number so consumers downstream can detect gaps too. Because it can lose
//! events, no state cleanup may depend on it: session end reaches the owners of
//! per-client state through [`crate::sessions::SessionTable::watch_ends`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::broadcast;

use crate::vocab::firewall_events::FilterEvent;
use crate::vocab::interface_events::InterfaceEvent;
use crate::vocab::route::{RouteEvent, RouteTableEvent};
use crate::vocab::session::SessionEvent;
use crate::vocab::syslog::SyslogEvent;

/// Events buffered per consumer before it starts losing them.
pub const EVENT_QUEUE: usize = 8192;

/// Something that happened on the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceEvent {
    /// A configuration commit completed.
    Commit(CommitEvent),
    /// A JET session changed (opened, logged in, closed).
    Session(SessionEvent),
    /// Routes changed: one event per batch, cleanup, purge or source update.
    Route(RouteEvent),
    /// A routing table was created or removed.
    RouteTable(RouteTableEvent),
    /// An interface, unit, family or address was added, changed or deleted.
    Interface(InterfaceEvent),
    /// A syslog message (link traps, ...); see [`crate::syslog`].
    Syslog(SyslogEvent),
    /// A firewall filter was added, changed, bound, unbound or deleted.
    Firewall(FilterEvent),
}

/// A completed commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitEvent {
    /// Who committed.
    pub user: String,
    /// Through which interface (`grpc`, `cli`, `other`).
    pub client: String,
    /// The commit comment, if any.
    pub comment: Option<String>,
    /// When.
    pub time: DateTime<Utc>,
}

/// An event with its place in the device's event order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    /// Increases by one for every event the device emits (starting at 1).
    pub seq: u64,
    /// When it was emitted.
    pub at: DateTime<Utc>,
    /// The event.
    pub event: DeviceEvent,
}

/// The sending side of the bus, shared by every subsystem of one device.
#[derive(Debug, Clone)]
pub struct EventBus {
    inner: Arc<BusInner>,
}

#[derive(Debug)]
struct BusInner {
    tx: broadcast::Sender<Arc<Stamped>>,
    seq: AtomicU64,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    /// A new bus.
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(EVENT_QUEUE);
        EventBus {
            inner: Arc::new(BusInner {
                tx,
                seq: AtomicU64::new(0),
            }),
        }
    }

    /// Emits an event. Never blocks; with no consumer the event is simply not kept.
    pub fn emit(&self, event: DeviceEvent) {
        let seq = self.inner.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = self.inner.tx.send(Arc::new(Stamped {
            seq,
            at: Utc::now(),
            event,
        }));
    }

    /// A new consumer; it sees the events emitted from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Stamped>> {
        self.inner.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(user: &str) -> DeviceEvent {
        DeviceEvent::Commit(CommitEvent {
            user: user.into(),
            client: "grpc".into(),
            comment: None,
            time: Utc::now(),
        })
    }

    #[test]
    fn every_consumer_sees_every_event_in_order_with_sequence_numbers() {
        let bus = EventBus::new();
        let mut a = bus.subscribe();
        let mut b = bus.subscribe();
        bus.emit(commit("x"));
        bus.emit(commit("y"));
        for rx in [&mut a, &mut b] {
            let first = rx.try_recv().expect("first");
            let second = rx.try_recv().expect("second");
            assert_eq!(second.seq, first.seq + 1);
            assert_eq!(first.event, commit_user(&first.event, "x"));
        }
    }

    fn commit_user(e: &DeviceEvent, user: &str) -> DeviceEvent {
        match e {
            DeviceEvent::Commit(c) => DeviceEvent::Commit(CommitEvent {
                user: user.into(),
                ..c.clone()
            }),
            other => other.clone(),
        }
    }

    #[test]
    fn a_slow_consumer_is_told_how_many_events_it_missed() {
        let bus = EventBus::new();
        let mut rx = bus.subscribe();
        for _ in 0..(EVENT_QUEUE + 10) {
            bus.emit(commit("x"));
        }
        match rx.try_recv() {
            Err(broadcast::error::TryRecvError::Lagged(n)) => assert_eq!(n, 10),
            other => panic!("expected Lagged, got {other:?}"),
        }
    }
}
