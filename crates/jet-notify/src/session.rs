//! A client's session: what survives its connection (subscriptions, the queue toward
//! the client, QoS 1/2 messages in flight both ways) and the bounded-queue policy.
//!
//! ```text
//!  publishers (any connection task, the link) ──enqueue──► SessionState.queue ──notify──►
//!      the owning connection task ──take_ready──► encode ──► socket
//! ```
//! Bounded queue (`SessionState::enqueue`): `max_queued_messages` and `max_queued_bytes`.
//! A network publisher's message is always queued for an online client; when it fills the
//! queue the publisher's waker is kept in `waiters` and the publisher pauses until
//! `take_ready` brings the queue down to three quarters (or the client goes offline).
//!
//! The state is a plain struct (tested directly); [`Session`] wraps it in a short,
//! await-free mutex: a publisher's task pushes straight into each subscriber's queue, one
//! hop instead of two through a router task, measured faster for fan-out.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::Notify;

use crate::codec::{
    is_forwarded, ByteStr, Properties, Property, ProtocolVersion, Publish, QoS, SubOptions, Will,
};
use crate::config::Limits;

/// A message as the broker keeps it: the publisher's PUBLISH (forwardable properties
/// only, no packet id), when it expires and who sent it (for No Local).
#[derive(Debug)]
pub(crate) struct Message {
    pub(crate) publish: Publish,
    pub(crate) expires_at: Option<Instant>,
    /// Session id of the publisher; 0 for the link.
    pub(crate) origin: u64,
}

impl Message {
    /// A client's will as a message: forwardable properties only (no Will Delay).
    pub(crate) fn from_will(w: Will, origin: u64, now: Instant) -> Message {
        let expires_at = w
            .props
            .message_expiry_interval()
            .map(|s| now + Duration::from_secs(u64::from(s)));
        let props: Vec<Property> = w
            .props
            .0
            .into_iter()
            .filter(|p| is_forwarded(p) && !matches!(p, Property::WillDelayInterval(_)))
            .collect();
        let publish = Publish {
            dup: false,
            qos: w.qos,
            retain: w.retain,
            topic: ByteStr::from(w.topic),
            pid: 0,
            props: Properties(props),
            payload: w.payload,
        };
        Message {
            publish,
            expires_at,
            origin,
        }
    }

    /// `None` when expired, else the remaining Message Expiry Interval to send (if any).
    pub(crate) fn remaining(&self, now: Instant) -> Option<Option<u32>> {
        match self.expires_at {
            None => Some(None),
            Some(t) if t <= now => None,
            Some(t) => {
                let secs = (t - now).as_secs_f64().ceil() as u32;
                Some(Some(secs.max(1)))
            }
        }
    }
}

/// Subscription identifiers attached to one delivery (usually none or one).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum SubIds {
    #[default]
    None,
    One(u32),
    Many(Box<[u32]>),
}

impl SubIds {
    pub(crate) fn as_slice(&self) -> &[u32] {
        match self {
            SubIds::None => &[],
            SubIds::One(x) => std::slice::from_ref(x),
            SubIds::Many(v) => v,
        }
    }

    pub(crate) fn merge(&mut self, other: &SubIds) {
        if other.as_slice().is_empty() {
            return;
        }
        let mut v: Vec<u32> = self.as_slice().to_vec();
        v.extend_from_slice(other.as_slice());
        *self = SubIds::Many(v.into());
    }
}

/// One message on its way to one client.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) msg: Arc<Message>,
    pub(crate) qos: QoS,
    pub(crate) retain: bool,
    pub(crate) sub_ids: SubIds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflightState {
    /// PUBLISH sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Published,
    /// PUBREL sent; waiting for PUBCOMP.
    Released,
}

#[derive(Debug, Clone)]
pub(crate) struct Inflight {
    pub(crate) pid: u16,
    pub(crate) delivery: Delivery,
    pub(crate) state: InflightState,
}

/// A subscription as the session remembers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SubRecord {
    pub(crate) opts: SubOptions,
    pub(crate) sub_id: Option<u32>,
}

/// What happened to a message offered to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enqueued {
    /// Queued; wake the connection when `wake`.
    Queued { wake: bool },
    /// Queued for a network publisher, and the queue is now at its bound: the
    /// publisher's waker is registered and it must pause until woken.
    QueuedFull { wake: bool },
    /// Dropped (and counted): a QoS 0 message to an offline client, or a message that
    /// must not wait (device event, will) to a full queue, or any to a full offline one.
    Dropped,
    /// The session has ended.
    Gone,
}

/// A message ready to be written by the connection.
#[derive(Debug)]
pub(crate) struct Ready {
    pub(crate) pid: u16,
    pub(crate) dup: bool,
    pub(crate) delivery: Delivery,
}

#[derive(Debug)]
pub(crate) struct SessionState {
    /// Connection id owning the session now.
    pub(crate) owner: Option<u64>,
    pub(crate) queue: VecDeque<Delivery>,
    /// Topic and payload bytes of the messages in `queue`.
    queued_bytes: usize,
    /// Network publishers paused because this queue reached its bound; woken when it
    /// is down to three quarters (or the client goes offline).
    waiters: Vec<Arc<Notify>>,
    pub(crate) inflight: VecDeque<Inflight>,
    next_pid: u16,
    /// QoS 2 packet ids received, PUBREL not yet.
    pub(crate) incoming_qos2: HashSet<u16>,
    pub(crate) subscriptions: BTreeMap<String, SubRecord>,
    pub(crate) dropped: u64,
    /// Disconnected for keeping a publisher waiting too long, and not yet gone: nobody
    /// waits for it any more (its messages are dropped at the bound meanwhile).
    pub(crate) closing: bool,
    pub(crate) protocol: ProtocolVersion,
    pub(crate) addr: Option<SocketAddr>,
    pub(crate) since: SystemTime,
    /// Session Expiry Interval in seconds (u32::MAX: never).
    pub(crate) expiry: u32,
    pub(crate) offline_since: Option<Instant>,
    pub(crate) ended: bool,
}

impl SessionState {
    pub(crate) fn new(protocol: ProtocolVersion) -> Self {
        SessionState {
            owner: None,
            queue: VecDeque::new(),
            queued_bytes: 0,
            waiters: Vec::new(),
            inflight: VecDeque::new(),
            next_pid: 0,
            incoming_qos2: HashSet::new(),
            subscriptions: BTreeMap::new(),
            dropped: 0,
            closing: false,
            protocol,
            addr: None,
            since: SystemTime::now(),
            expiry: 0,
            offline_since: None,
            ended: false,
        }
    }

    /// The bounded-queue policy. An online client's queue takes every message of a
    /// network publisher (`waiter` given): once the queue is at its bound the publisher
    /// is told to pause ([`Enqueued::QueuedFull`]), so the queue exceeds the bound by at
    /// most one message per publisher and no QoS 1/2 message is lost. Messages that
    /// must not wait (`waiter` none: device events, wills, retained messages) are
    /// dropped at the bound. An offline client keeps QoS 1/2 up to the bound, no QoS 0.
    pub(crate) fn enqueue(
        &mut self,
        d: Delivery,
        limits: &Limits,
        waiter: Option<&Arc<Notify>>,
    ) -> Enqueued {
        if self.ended {
            return Enqueued::Gone;
        }
        let online = self.owner.is_some();
        let waiter = waiter.filter(|_| online && !self.closing);
        if (!online && d.qos == QoS::AtMostOnce) || (waiter.is_none() && self.full(limits)) {
            self.dropped += 1;
            return Enqueued::Dropped;
        }
        let wake = online && self.queue.is_empty();
        self.queued_bytes += cost(&d);
        self.queue.push_back(d);
        match waiter {
            Some(w) if self.full(limits) => {
                if !self.waiters.iter().any(|x| Arc::ptr_eq(x, w)) {
                    self.waiters.push(w.clone());
                }
                Enqueued::QueuedFull { wake }
            }
            _ => Enqueued::Queued { wake },
        }
    }

    /// At the bound (messages or bytes): network publishers pause.
    pub(crate) fn full(&self, limits: &Limits) -> bool {
        self.queue.len() >= limits.max_queued_messages
            || self.queued_bytes >= limits.max_queued_bytes
    }

    /// Down to three quarters of the bound (messages and bytes): paused publishers go on.
    pub(crate) fn drained(&self, limits: &Limits) -> bool {
        self.queue.len() <= limits.max_queued_messages / 4 * 3
            && self.queued_bytes <= limits.max_queued_bytes / 4 * 3
    }

    /// Keeps `w` woken when the queue drains (a paused publisher checking again).
    pub(crate) fn add_waiter(&mut self, w: &Arc<Notify>) {
        if !self.waiters.iter().any(|x| Arc::ptr_eq(x, w)) {
            self.waiters.push(w.clone());
        }
    }

    /// Wakes every paused publisher (they check again why they wait).
    pub(crate) fn wake_waiters(&mut self) {
        for w in self.waiters.drain(..) {
            w.notify_one();
        }
    }

    /// The client went offline: QoS 0 messages are not kept; paused publishers go on.
    pub(crate) fn went_offline(&mut self) {
        self.queue.retain(|d| d.qos != QoS::AtMostOnce);
        self.queued_bytes = self.queue.iter().map(cost).sum();
        self.wake_waiters();
    }

    /// The session ended: nothing queued or in flight; paused publishers go on.
    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.queued_bytes = 0;
        self.inflight.clear();
        self.wake_waiters();
    }

    fn alloc_pid(&mut self) -> u16 {
        loop {
            self.next_pid = self.next_pid.wrapping_add(1).max(1);
            let p = self.next_pid;
            if !self.inflight.iter().any(|i| i.pid == p) {
                return p;
            }
        }
    }

    /// Moves up to `max` messages from the queue into `out`, QoS 1/2 ones only while
    /// fewer than `window` are in flight (order is kept: a QoS 0 message waits behind a
    /// blocked QoS 1 one). Expired messages are dropped; returns how many.
    pub(crate) fn take_ready(
        &mut self,
        window: usize,
        now: Instant,
        max: usize,
        limits: &Limits,
        out: &mut Vec<Ready>,
    ) -> u64 {
        let mut expired = 0;
        while out.len() < max {
            let Some(front) = self.queue.front() else {
                break;
            };
            if front.qos != QoS::AtMostOnce && self.inflight.len() >= window {
                break;
            }
            let Some(d) = self.queue.pop_front() else {
                break;
            };
            self.queued_bytes -= cost(&d);
            if d.msg.remaining(now).is_none() {
                expired += 1;
                continue;
            }
            let pid = if d.qos == QoS::AtMostOnce {
                0
            } else {
                let pid = self.alloc_pid();
                self.inflight.push_back(Inflight {
                    pid,
                    delivery: d.clone(),
                    state: InflightState::Published,
                });
                pid
            };
            out.push(Ready {
                pid,
                dup: false,
                delivery: d,
            });
        }
        self.dropped += expired;
        if !self.waiters.is_empty() && self.drained(limits) {
            self.wake_waiters();
        }
        expired
    }

    fn position(&self, pid: u16, state: InflightState) -> Option<usize> {
        self.inflight
            .iter()
            .position(|i| i.pid == pid && i.state == state)
    }

    /// PUBACK: true when `pid` was a QoS 1 message in flight.
    pub(crate) fn puback(&mut self, pid: u16) -> bool {
        match self.position(pid, InflightState::Published) {
            Some(i) if self.inflight[i].delivery.qos == QoS::AtLeastOnce => {
                self.inflight.remove(i);
                true
            }
            _ => false,
        }
    }

    /// PUBREC: true when `pid` was a QoS 2 message in flight (now released, or done when
    /// the receiver refused it with an error code).
    pub(crate) fn pubrec(&mut self, pid: u16, error: bool) -> bool {
        match self.position(pid, InflightState::Published) {
            Some(i) if self.inflight[i].delivery.qos == QoS::ExactlyOnce => {
                if error {
                    self.inflight.remove(i);
                } else {
                    self.inflight[i].state = InflightState::Released;
                }
                true
            }
            _ => false,
        }
    }

    /// PUBCOMP: true when `pid` was released.
    pub(crate) fn pubcomp(&mut self, pid: u16) -> bool {
        match self.position(pid, InflightState::Released) {
            Some(i) => {
                self.inflight.remove(i);
                true
            }
            None => false,
        }
    }

    /// Messages in flight to resend on a resumed session, oldest first: PUBLISH with DUP
    /// for those not acknowledged, PUBREL for those released.
    pub(crate) fn resend(&self) -> Vec<(u16, InflightState, Delivery)> {
        self.inflight
            .iter()
            .map(|i| (i.pid, i.state, i.delivery.clone()))
            .collect()
    }

    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }
}

/// What a queued message costs toward `max_queued_bytes`.
fn cost(d: &Delivery) -> usize {
    d.msg.publish.topic.len() + d.msg.publish.payload.len()
}

/// A session shared by its connection task and every publisher.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) id: u64,
    pub(crate) client_id: Arc<str>,
    state: Mutex<SessionState>,
    /// Wakes the owning connection when its queue becomes non-empty (or overflows).
    pub(crate) notify: Notify,
    /// Mirror of `state.owner.is_some()`, read without the lock when picking a member
    /// of a shared subscription.
    pub(crate) online: AtomicBool,
}

impl Session {
    pub(crate) fn new(id: u64, client_id: Arc<str>, protocol: ProtocolVersion) -> Self {
        Session {
            id,
            client_id,
            state: Mutex::new(SessionState::new(protocol)),
            notify: Notify::new(),
            online: AtomicBool::new(false),
        }
    }

    /// Locks the state. A poisoned lock (a panic elsewhere) is recovered: the state is
    /// plain data, always consistent between statements.
    pub(crate) fn lock(&self) -> MutexGuard<'_, SessionState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn is_online(&self) -> bool {
        self.online.load(Ordering::Relaxed)
    }

    pub(crate) fn set_online(&self, v: bool) {
        self.online.store(v, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn delivery(qos: QoS, expires_at: Option<Instant>) -> Delivery {
        Delivery {
            msg: Arc::new(Message {
                publish: Publish::new("t", qos, Bytes::from_static(b"x")),
                expires_at,
                origin: 0,
            }),
            qos,
            retain: false,
            sub_ids: SubIds::None,
        }
    }

    fn limits(messages: usize, bytes: usize) -> Limits {
        Limits {
            max_queued_messages: messages,
            max_queued_bytes: bytes,
            ..Limits::default()
        }
    }

    fn online() -> SessionState {
        let mut s = SessionState::new(ProtocolVersion::V5);
        s.owner = Some(1);
        s
    }

    #[test]
    fn device_messages_to_a_full_queue_are_dropped_and_counted() {
        let mut s = online();
        let l = limits(2, 1 << 20);
        assert_eq!(
            s.enqueue(delivery(QoS::AtMostOnce, None), &l, None),
            Enqueued::Queued { wake: true }
        );
        assert_eq!(
            s.enqueue(delivery(QoS::AtLeastOnce, None), &l, None),
            Enqueued::Queued { wake: false }
        );
        assert_eq!(
            s.enqueue(delivery(QoS::AtLeastOnce, None), &l, None),
            Enqueued::Dropped
        );
        assert_eq!((s.dropped, s.queue.len()), (1, 2));
    }

    #[test]
    fn a_network_publisher_is_told_to_pause_at_the_bound_and_woken_at_three_quarters() {
        let mut s = online();
        let l = limits(8, 1 << 20);
        let w = Arc::new(Notify::new());
        for _ in 0..7 {
            assert!(matches!(
                s.enqueue(delivery(QoS::AtLeastOnce, None), &l, Some(&w)),
                Enqueued::Queued { .. }
            ));
        }
        assert_eq!(
            s.enqueue(delivery(QoS::AtLeastOnce, None), &l, Some(&w)),
            Enqueued::QueuedFull { wake: false }
        );
        // Nothing is lost: a second publisher's message is queued too, beyond the bound.
        let w2 = Arc::new(Notify::new());
        assert_eq!(
            s.enqueue(delivery(QoS::AtLeastOnce, None), &l, Some(&w2)),
            Enqueued::QueuedFull { wake: false }
        );
        assert_eq!((s.queue.len(), s.dropped, s.waiters.len()), (9, 0, 2));
        let mut out = Vec::new();
        s.take_ready(2, Instant::now(), 2, &l, &mut out);
        assert_eq!(s.waiters.len(), 2, "7 queued: above three quarters of 8");
        out.clear();
        s.inflight.clear();
        s.take_ready(1, Instant::now(), 1, &l, &mut out);
        assert!(s.waiters.is_empty(), "6 queued: both publishers woken");
    }

    #[test]
    fn the_bound_counts_bytes_too() {
        let mut s = online();
        let l = limits(1000, 2);
        let w = Arc::new(Notify::new());
        // Each message costs its topic ("t") and payload ("x"): 2 bytes.
        assert_eq!(
            s.enqueue(delivery(QoS::AtMostOnce, None), &l, Some(&w)),
            Enqueued::QueuedFull { wake: true }
        );
        assert_eq!(
            s.enqueue(delivery(QoS::AtMostOnce, None), &l, None),
            Enqueued::Dropped
        );
        s.went_offline();
        assert_eq!((s.queue.len(), s.queued_bytes), (0, 0));
        assert!(s.waiters.is_empty(), "offline: paused publishers go on");
    }

    #[test]
    fn offline_sessions_queue_qos1_within_bounds_but_not_qos0() {
        let mut s = SessionState::new(ProtocolVersion::V3_1_1);
        let l = limits(1, 1 << 20);
        let w = Arc::new(Notify::new());
        assert_eq!(
            s.enqueue(delivery(QoS::AtMostOnce, None), &l, Some(&w)),
            Enqueued::Dropped
        );
        assert_eq!(
            s.enqueue(delivery(QoS::AtLeastOnce, None), &l, Some(&w)),
            Enqueued::Queued { wake: false }
        );
        assert_eq!(
            s.enqueue(delivery(QoS::AtLeastOnce, None), &l, Some(&w)),
            Enqueued::Dropped
        );
        assert!(s.waiters.is_empty(), "nobody waits for an offline client");
    }

    #[test]
    fn the_inflight_window_holds_back_qos1_and_keeps_order() {
        let mut s = online();
        let l = limits(10, 1 << 20);
        for q in [QoS::AtLeastOnce, QoS::AtLeastOnce, QoS::AtMostOnce] {
            s.enqueue(delivery(q, None), &l, None);
        }
        let now = Instant::now();
        let mut out = Vec::new();
        s.take_ready(1, now, 10, &l, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].pid, 1);
        assert!(s.puback(1));
        assert!(!s.puback(1));
        out.clear();
        s.take_ready(1, now, 10, &l, &mut out);
        // The QoS 0 message behind it needs no window.
        assert_eq!(out.iter().map(|r| r.pid).collect::<Vec<_>>(), vec![2, 0]);
        assert!(s.queue.is_empty());
    }

    #[test]
    fn qos2_goes_through_pubrec_then_pubcomp() {
        let mut s = online();
        let l = limits(10, 1 << 20);
        s.enqueue(delivery(QoS::ExactlyOnce, None), &l, None);
        let mut out = Vec::new();
        s.take_ready(10, Instant::now(), 10, &l, &mut out);
        assert!(!s.pubcomp(1), "PUBCOMP before PUBREC");
        assert!(s.pubrec(1, false));
        assert_eq!(s.resend()[0].1, InflightState::Released);
        assert!(s.pubcomp(1));
        assert!(s.inflight.is_empty());
    }

    #[test]
    fn expired_messages_are_dropped_at_delivery() {
        let mut s = online();
        let t0 = Instant::now();
        let l = limits(10, 1 << 20);
        s.enqueue(
            delivery(
                QoS::AtLeastOnce,
                Some(t0 + std::time::Duration::from_secs(5)),
            ),
            &l,
            None,
        );
        let mut out = Vec::new();
        assert_eq!(
            s.take_ready(10, t0 + std::time::Duration::from_secs(6), 10, &l, &mut out),
            1
        );
        assert!(out.is_empty());
        assert_eq!(s.dropped, 1);
    }

    #[test]
    fn packet_ids_skip_those_still_in_flight() {
        let mut s = online();
        s.next_pid = u16::MAX - 1;
        let l = limits(10, 1 << 20);
        for _ in 0..3 {
            s.enqueue(delivery(QoS::AtLeastOnce, None), &l, None);
        }
        let mut out = Vec::new();
        s.take_ready(10, Instant::now(), 10, &l, &mut out);
        assert_eq!(
            out.iter().map(|r| r.pid).collect::<Vec<_>>(),
            vec![65535, 1, 2]
        );
    }
}
