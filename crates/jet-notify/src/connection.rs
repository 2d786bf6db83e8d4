//! One network connection's protocol state machine, sans I/O: bytes and time go in
//! ([`Connection::feed`], [`Connection::pull`], [`Connection::on_timer`]), bytes to write
//! come out in [`Connection::out`], and a [`Close`] says when and how to end. The tokio
//! task in `io.rs` only moves bytes and waits.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use tokio::sync::Notify;

use crate::codec::DecodeError;
use crate::codec::{
    self, ByteStr, ConnAck, Connect, Packet, ProtocolVersion, PubAck, QoS, ReasonCode, Will,
};
use crate::config::{AuthFuture, Limits};
use crate::session::{Ready, Session};
use crate::shared::Shared;
use crate::stats::add;

mod connect;
mod outbound;
mod packets;

/// How a connection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Close {
    pub(crate) reason: ReasonCode,
    /// Tell a v5 client with a DISCONNECT first.
    pub(crate) notify_client: bool,
    /// Publish the will (any end but a normal DISCONNECT or a broker shutdown).
    pub(crate) will: bool,
}

impl Close {
    pub(crate) fn error(reason: ReasonCode) -> Self {
        Close {
            reason,
            notify_client: true,
            will: true,
        }
    }

    /// The peer closed the socket (or it failed) without DISCONNECT.
    pub(crate) fn peer_gone() -> Self {
        Close {
            reason: ReasonCode::SUCCESS,
            notify_client: false,
            will: true,
        }
    }

    /// Closed before a session existed (refused CONNECT, timeout).
    fn refused() -> Self {
        Close {
            reason: ReasonCode::SUCCESS,
            notify_client: false,
            will: false,
        }
    }

    /// The broker asks the connection to close (takeover, ACL change, shutdown).
    pub(crate) fn kicked(reason: ReasonCode) -> Self {
        Close {
            reason,
            notify_client: true,
            will: reason != ReasonCode::SERVER_SHUTTING_DOWN,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Connecting,
    Open,
}

/// Deliveries taken from the session per pull; bounds the time the session is locked.
const PULL_BATCH: usize = 256;
/// Bytes of packets decoded and held back while the publisher is paused; beyond it the
/// socket is not read until the pause ends.
const HOLD_LIMIT: usize = 64 * 1024;

pub(crate) struct Connection {
    shared: Arc<Shared>,
    pub(crate) id: u64,
    addr: SocketAddr,
    version: ProtocolVersion,
    phase: Phase,
    limits: Limits,
    session: Option<Arc<Session>>,
    client_id: Arc<str>,
    keep_alive: u16,
    last_rx: Instant,
    connect_deadline: Instant,
    /// QoS 1/2 messages in flight toward the client at most.
    window: usize,
    client_max_packet: usize,
    alias_in_max: u16,
    aliases_in: HashMap<u16, ByteStr>,
    alias_out_max: u16,
    aliases_out: HashMap<ByteStr, u16>,
    will: Option<Will>,
    expiry: u32,
    /// A CONNECT waiting for the verdict on its credentials, and (until taken) the check.
    checking: Option<Box<Connect>>,
    check: Option<AuthFuture>,
    /// Bytes to write to the socket.
    pub(crate) out: BytesMut,
    ready: Vec<Ready>,
    msgs_in: u64,
    msgs_out: u64,
    /// Back-pressure (see `pause`): subscribers whose full queue this publisher waits
    /// for, since when, the waker they hold, and the packets held back meanwhile.
    paused_on: Vec<Arc<Session>>,
    paused_since: Option<Instant>,
    waker: Arc<Notify>,
    held: VecDeque<(Packet, usize)>,
    held_bytes: usize,
    /// QoS 1/2 PUBLISH packets among `held` (not acknowledged: they count toward our
    /// Receive Maximum).
    held_qos12: usize,
    full: Vec<Arc<Session>>,
    /// Subscribers' sessions that received messages from this publisher and are woken
    /// when what was read has been handled (see `router::Waiting`).
    wake: Vec<Arc<Session>>,
    /// The last `feed` woke subscribers (the task lets them write first, see `io.rs`).
    woke: bool,
    /// The last `feed` handled a PUBLISH (only then is a quick ACK worth a system call).
    fed_publish: bool,
}

impl Connection {
    pub(crate) fn new(shared: Arc<Shared>, id: u64, addr: SocketAddr, now: Instant) -> Self {
        let limits = shared.cfg().limits.clone();
        Connection {
            shared,
            id,
            addr,
            version: ProtocolVersion::V5,
            phase: Phase::Connecting,
            connect_deadline: now + limits.connect_timeout,
            limits,
            session: None,
            client_id: Arc::from(""),
            keep_alive: 0,
            last_rx: now,
            window: 1,
            client_max_packet: usize::MAX,
            alias_in_max: 0,
            aliases_in: HashMap::new(),
            alias_out_max: 0,
            aliases_out: HashMap::new(),
            will: None,
            expiry: 0,
            checking: None,
            check: None,
            out: BytesMut::with_capacity(8 * 1024),
            ready: Vec::new(),
            msgs_in: 0,
            msgs_out: 0,
            paused_on: Vec::new(),
            paused_since: None,
            waker: Arc::new(Notify::new()),
            held: VecDeque::new(),
            held_bytes: 0,
            held_qos12: 0,
            full: Vec::new(),
            wake: Vec::new(),
            woke: false,
            fed_publish: false,
        }
    }

    pub(crate) fn session(&self) -> Option<&Arc<Session>> {
        self.session.as_ref()
    }

    /// When [`Connection::on_timer`] must run next.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        match self.phase {
            Phase::Connecting => Some(self.connect_deadline),
            // Paused, the broker is the one not reading: no keep-alive, only the wait.
            Phase::Open if self.paused_since.is_some() => self
                .paused_since
                .map(|t| t + self.limits.max_publisher_wait),
            Phase::Open if self.keep_alive > 0 => {
                Some(self.last_rx + Duration::from_millis(u64::from(self.keep_alive) * 1500))
            }
            Phase::Open => None,
        }
    }

    /// Keep-alive: no packet for 1.5 × the keep-alive interval closes the connection.
    /// A publisher paused longer than `max_publisher_wait` goes on, and the subscribers
    /// still holding it are disconnected (Quota exceeded).
    pub(crate) fn on_timer(&mut self, now: Instant) -> Result<(), Close> {
        match self.deadline() {
            Some(d) if now >= d && self.paused_since.is_some() => {
                self.give_up_waiting();
                Ok(())
            }
            Some(d) if now >= d => {
                if self.phase == Phase::Connecting {
                    add(&self.shared.counters.refused_protocol, 1);
                    return Err(Close::refused());
                }
                add(&self.shared.counters.keepalive_disconnects, 1);
                tracing::info!(client = %self.client_id, "keep-alive timeout");
                Err(Close::error(ReasonCode::KEEP_ALIVE_TIMEOUT))
            }
            _ => Ok(()),
        }
    }

    /// Decodes and handles every complete packet in `rbuf` (leaving a partial one).
    /// While paused, acknowledgements and pings are handled and the rest is held back
    /// (in order) up to [`HOLD_LIMIT`] bytes; held packets go first once the pause ends.
    pub(crate) fn feed(&mut self, rbuf: &mut BytesMut, now: Instant) -> Result<(), Close> {
        let before = self.msgs_in;
        let r = self.run_held(now).and_then(|()| self.feed_inner(rbuf, now));
        add(&self.shared.counters.messages_in, self.msgs_in - before);
        self.fed_publish = self.msgs_in != before;
        self.woke = !self.wake.is_empty();
        for s in self.wake.drain(..) {
            s.notify.notify_one();
        }
        r
    }

    /// Whether the last [`Connection::feed`] woke subscribers' tasks.
    pub(crate) fn woke(&self) -> bool {
        self.woke
    }

    /// Whether the last [`Connection::feed`] handled a PUBLISH from the client.
    pub(crate) fn fed_publish(&self) -> bool {
        self.fed_publish
    }

    fn run_held(&mut self, now: Instant) -> Result<(), Close> {
        while !self.paused() {
            let Some((p, n)) = self.held.pop_front() else {
                break;
            };
            self.held_bytes -= n;
            if matches!(&p, Packet::Publish(p) if p.qos != QoS::AtMostOnce) {
                self.held_qos12 -= 1;
            }
            self.handle(p, now)?;
        }
        Ok(())
    }

    fn feed_inner(&mut self, rbuf: &mut BytesMut, now: Instant) -> Result<(), Close> {
        let max = self.limits.max_packet_size as usize;
        loop {
            if self.checking.is_some() || !self.wants_read() {
                return Ok(());
            }
            let n = match codec::frame_len(rbuf, max) {
                Ok(None) => return Ok(()),
                Ok(Some(n)) => n,
                Err(e) => return Err(self.decode_error(e)),
            };
            add(&self.shared.counters.bytes_in, n as u64);
            let frame = rbuf.split_to(n).freeze();
            let packet = codec::decode(frame, self.version).map_err(|e| self.decode_error(e))?;
            self.last_rx = now;
            let ack = matches!(
                packet,
                Packet::PubAck(_)
                    | Packet::PubRec(_)
                    | Packet::PubRel(_)
                    | Packet::PubComp(_)
                    | Packet::PingReq
            );
            if self.paused() && !ack {
                if matches!(&packet, Packet::Publish(p) if p.qos != QoS::AtMostOnce) {
                    self.held_qos12 += 1;
                    self.check_receive_maximum()?;
                }
                self.held_bytes += n;
                self.held.push_back((packet, n));
                continue;
            }
            self.handle(packet, now)?;
        }
    }

    /// QoS 1/2 PUBLISH packets we have not acknowledged (held back, or QoS 2 before
    /// PUBREL) beyond our Receive Maximum: v5 DISCONNECT 0x93 (MQTT-3.3.4-7/-8). A
    /// 3.1.1 client, told no maximum, is only bounded by [`HOLD_LIMIT`].
    fn check_receive_maximum(&self) -> Result<(), Close> {
        if !self.version.is_v5() {
            return Ok(());
        }
        let pending = self.with_session(|s| s.incoming_qos2.len()) + self.held_qos12;
        if pending > usize::from(self.limits.receive_maximum.max(1)) {
            add(&self.shared.counters.protocol_errors, 1);
            tracing::info!(client = %self.client_id, pending, "Receive Maximum exceeded");
            return Err(Close::error(ReasonCode::RECEIVE_MAXIMUM_EXCEEDED));
        }
        Ok(())
    }

    /// Waiting for some subscriber's queue to drain (see `pause`).
    pub(crate) fn paused(&self) -> bool {
        !self.paused_on.is_empty()
    }

    /// False while paused with [`HOLD_LIMIT`] bytes of packets held back: the socket
    /// is not read (TCP then slows the publisher down).
    pub(crate) fn wants_read(&self) -> bool {
        !(self.paused() && self.held_bytes >= HOLD_LIMIT)
    }

    /// What paused subscribers wake when their queue drains.
    pub(crate) fn waker(&self) -> Arc<Notify> {
        self.waker.clone()
    }

    /// Back-pressure: a message of ours filled these subscribers' queues, so we stop
    /// taking messages from this client until each is down to three quarters of its
    /// bound, goes offline, or `max_publisher_wait` runs out.
    fn pause(&mut self, now: Instant) {
        for s in self.full.drain(..) {
            if !self.paused_on.iter().any(|p| Arc::ptr_eq(p, &s)) {
                self.paused_on.push(s);
            }
        }
        if self.paused_since.is_none() && !self.paused_on.is_empty() {
            self.paused_since = Some(now);
            add(&self.shared.counters.publisher_pauses, 1);
        }
    }

    /// Woken by a subscriber: checks every queue we wait for again. Call
    /// [`Connection::feed`] after it when no longer paused.
    pub(crate) fn resume_check(&mut self, now: Instant) {
        let limits = &self.limits;
        let waker = &self.waker;
        self.paused_on.retain(|s| {
            let mut st = s.lock();
            let wait = st.owner.is_some() && !st.ended && !st.closing && !st.drained(limits);
            if wait {
                st.add_waiter(waker);
            }
            wait
        });
        if self.paused_on.is_empty() && self.paused_since.take().is_some() {
            // Packets may have waited unread: the keep-alive starts afresh.
            self.last_rx = now;
        }
    }

    /// Paused for `max_publisher_wait`: the subscribers still full are disconnected
    /// (Quota exceeded) and this publisher goes on.
    fn give_up_waiting(&mut self) {
        for s in std::mem::take(&mut self.paused_on) {
            let (owner, stuck) = {
                let mut st = s.lock();
                let stuck = !st.drained(&self.limits) && !st.closing;
                st.closing |= stuck;
                (st.owner, stuck)
            };
            if let (Some(owner), true) = (owner, stuck) {
                add(&self.shared.counters.quota_disconnects, 1);
                tracing::warn!(
                    client = %s.client_id, publisher = %self.client_id,
                    wait = ?self.limits.max_publisher_wait,
                    "subscriber too slow: disconnecting (quota exceeded)"
                );
                self.shared.kick(owner, ReasonCode::QUOTA_EXCEEDED);
            }
        }
        self.paused_since = None;
    }

    fn decode_error(&mut self, e: DecodeError) -> Close {
        tracing::debug!(addr = %self.addr, client = %self.client_id, error = %e, "bad packet");
        if self.phase == Phase::Connecting {
            add(&self.shared.counters.refused_protocol, 1);
            if let DecodeError::UnsupportedProtocol { .. } = e {
                // 3.1.1 §3.2.2.3: answer return code 1, then close.
                let ack = ConnAck {
                    code: e.reason_code(),
                    ..Default::default()
                };
                self.send(&Packet::ConnAck(ack), ProtocolVersion::V3_1_1);
            }
            return Close::refused();
        }
        add(&self.shared.counters.protocol_errors, 1);
        Close::error(e.reason_code())
    }

    fn send(&mut self, p: &Packet, version: ProtocolVersion) {
        if let Err(e) = codec::encode(p, version, &mut self.out) {
            tracing::error!(error = %e, packet = p.name(), "cannot encode");
        }
    }

    fn reply(&mut self, p: Packet) {
        self.send(&p, self.version);
    }

    fn protocol_error(&self, what: &str) -> Close {
        tracing::debug!(client = %self.client_id, "protocol error: {what}");
        add(&self.shared.counters.protocol_errors, 1);
        Close::error(ReasonCode::PROTOCOL_ERROR)
    }

    pub(crate) fn handle(&mut self, p: Packet, now: Instant) -> Result<(), Close> {
        if self.phase == Phase::Connecting {
            return match p {
                Packet::Connect(c) => self.on_connect(*c, now),
                _ => {
                    add(&self.shared.counters.refused_protocol, 1);
                    Err(Close::refused())
                }
            };
        }
        match p {
            Packet::Publish(p) => self.on_publish(p, now),
            Packet::PubAck(a) => {
                self.with_session(|s| s.puback(a.pid));
                Ok(())
            }
            Packet::PubRec(a) => {
                let known = self.with_session(|s| s.pubrec(a.pid, a.reason.is_error()));
                if !a.reason.is_error() {
                    let reason = if known || !self.version.is_v5() {
                        ReasonCode::SUCCESS
                    } else {
                        ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
                    };
                    self.reply(Packet::PubRel(PubAck::with_reason(a.pid, reason)));
                }
                Ok(())
            }
            Packet::PubComp(a) => {
                self.with_session(|s| s.pubcomp(a.pid));
                Ok(())
            }
            Packet::PubRel(a) => {
                let known = self.with_session(|s| s.incoming_qos2.remove(&a.pid));
                let reason = if known || !self.version.is_v5() {
                    ReasonCode::SUCCESS
                } else {
                    ReasonCode::PACKET_IDENTIFIER_NOT_FOUND
                };
                self.reply(Packet::PubComp(PubAck::with_reason(a.pid, reason)));
                Ok(())
            }
            Packet::Subscribe(s) => self.on_subscribe(s, now),
            Packet::Unsubscribe(u) => self.on_unsubscribe(u),
            Packet::PingReq => {
                self.reply(Packet::PingResp);
                Ok(())
            }
            Packet::Disconnect(d) => self.on_disconnect(d),
            Packet::Connect(_) => Err(self.protocol_error("second CONNECT")),
            Packet::Auth(_) => Err(self.protocol_error("AUTH without an authentication method")),
            other => Err(self.protocol_error(other.name())),
        }
    }

    fn with_session<T: Default>(
        &self,
        f: impl FnOnce(&mut crate::session::SessionState) -> T,
    ) -> T {
        match &self.session {
            Some(s) => {
                let mut st = s.lock();
                if st.owner == Some(self.id) {
                    f(&mut st)
                } else {
                    T::default()
                }
            }
            None => T::default(),
        }
    }
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
