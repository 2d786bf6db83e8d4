//! One network connection's protocol state machine, sans I/O: bytes and time go in
//! ([`Connection::feed`], [`Connection::pull`], [`Connection::on_timer`]), bytes to write
//! come out in [`Connection::out`], and a [`Close`] says when and how to end. The tokio
//! task in `io.rs` only moves bytes and waits.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use tokio::sync::Notify;

use crate::acl;
use crate::codec::DecodeError;
use crate::codec::{
    self, encode_publish_with, is_forwarded, ByteStr, ConnAck, Connect, Disconnect, Packet,
    Properties, Property, ProtocolVersion, PubAck, Publish, PublishExtras, PublishHeader, QoS,
    ReasonCode, SubAck, Subscribe, UnsubAck, Unsubscribe, Will,
};
use crate::config::{AuthFuture, Limits};
use crate::router::Waiting;
use crate::session::{InflightState, Message, Ready, Session};
use crate::shared::Shared;
use crate::stats::add;
use crate::topic;

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
        for s in self.wake.drain(..) {
            s.notify.notify_one();
        }
        r
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

    fn refuse_connect(&mut self, code: ReasonCode) -> Result<(), Close> {
        self.reply(Packet::ConnAck(ConnAck {
            code,
            ..Default::default()
        }));
        Err(Close::refused())
    }

    fn on_connect(&mut self, c: Connect, now: Instant) -> Result<(), Close> {
        self.version = c.version;
        let cfg = self.shared.cfg();
        self.limits = cfg.limits.clone();
        let counters = self.shared.counters.clone();
        if c.props.authentication_method().is_some() {
            add(&counters.refused_bad_credentials, 1);
            return self.refuse_connect(ReasonCode::BAD_AUTHENTICATION_METHOD);
        }
        if let Some(auth) = &cfg.authenticator {
            match (&c.username, &c.password) {
                (Some(u), Some(p)) => {
                    // Checked off this task's path (see `io::run`); packets after the
                    // CONNECT wait in the read buffer until the verdict.
                    self.check = Some(auth(u.clone(), p.clone()));
                    self.checking = Some(Box::new(c));
                    return Ok(());
                }
                _ => return self.refuse_credentials(&c, ReasonCode::NOT_AUTHORIZED),
            }
        }
        self.accept(c, now)
    }

    fn refuse_credentials(&mut self, c: &Connect, code: ReasonCode) -> Result<(), Close> {
        add(&self.shared.counters.refused_bad_credentials, 1);
        tracing::info!(addr = %self.addr, user = ?c.username, "CONNECT refused: credentials");
        self.refuse_connect(code)
    }

    /// The check of a CONNECT's credentials, once, when one was started: the caller
    /// awaits it and hands the verdict to [`Connection::checked`].
    pub(crate) fn take_check(&mut self) -> Option<AuthFuture> {
        self.check.take()
    }

    /// Finishes the CONNECT whose credentials were checked, then handles the packets
    /// that arrived meanwhile.
    pub(crate) fn checked(
        &mut self,
        ok: bool,
        rbuf: &mut BytesMut,
        now: Instant,
    ) -> Result<(), Close> {
        let Some(c) = self.checking.take() else {
            return Ok(());
        };
        if !ok {
            return self.refuse_credentials(&c, ReasonCode::BAD_USER_NAME_OR_PASSWORD);
        }
        self.accept(*c, now)?;
        self.feed(rbuf, now)
    }

    /// The rest of CONNECT, once the client may come in.
    fn accept(&mut self, c: Connect, now: Instant) -> Result<(), Close> {
        let v5 = c.version.is_v5();
        let counters = self.shared.counters.clone();
        if let Some(w) = &c.will {
            if !topic::valid_topic(&w.topic) || acl::reserved_for_device(w.topic.as_bytes()) {
                add(&counters.refused_protocol, 1);
                let code = if topic::valid_topic(&w.topic) {
                    ReasonCode::NOT_AUTHORIZED
                } else {
                    ReasonCode::TOPIC_NAME_INVALID
                };
                return self.refuse_connect(code);
            }
        }
        let mut assigned = None;
        let client_id: Arc<str> = if c.client_id.is_empty() {
            if !v5 && !c.clean_start {
                add(&counters.refused_protocol, 1);
                return self.refuse_connect(ReasonCode::CLIENT_IDENTIFIER_NOT_VALID);
            }
            let id = format!("auto-{:016x}", RandomState::new().hash_one(self.id));
            assigned = Some(id.clone());
            id.into()
        } else {
            c.client_id.as_str().into()
        };

        let max_expiry = self.limits.max_session_expiry;
        let asked = if v5 {
            c.props.session_expiry_interval().unwrap_or(0)
        } else if c.clean_start {
            0
        } else {
            u32::MAX
        };
        self.expiry = asked.min(max_expiry);
        let mut keep_alive = c.keep_alive;
        let mut server_keep_alive = None;
        let max_ka = self.limits.max_keep_alive;
        if v5 && max_ka > 0 && (keep_alive == 0 || keep_alive > max_ka) {
            keep_alive = max_ka;
            server_keep_alive = Some(max_ka);
        }
        self.keep_alive = keep_alive;
        self.window = usize::from(
            c.props
                .receive_maximum()
                .unwrap_or(u16::MAX)
                .min(self.limits.max_inflight)
                .max(1),
        );
        self.client_max_packet = c
            .props
            .maximum_packet_size()
            .map_or(usize::MAX, |m| m as usize);
        self.alias_in_max = if v5 {
            self.limits.topic_alias_maximum
        } else {
            0
        };
        self.alias_out_max = c
            .props
            .topic_alias_maximum()
            .unwrap_or(0)
            .min(self.limits.server_topic_aliases);
        self.will = c.will;
        self.client_id = client_id.clone();

        let opened = self.shared.router().open_session(
            &client_id,
            c.clean_start,
            self.id,
            c.version,
            self.addr,
            self.expiry,
            now,
        );
        if let Some(old) = opened.previous_owner {
            self.shared.kick(old, ReasonCode::SESSION_TAKEN_OVER);
        }
        let session = opened.session;
        self.session = Some(session.clone());
        self.phase = Phase::Open;
        add(&counters.connections_total, 1);
        tracing::info!(
            client = %client_id, addr = %self.addr, protocol = %c.version,
            keep_alive, session_present = opened.present, "client connected"
        );

        let mut props = Properties::new();
        if v5 {
            if self.expiry != asked {
                props.push(Property::SessionExpiryInterval(self.expiry));
            }
            if self.limits.receive_maximum != u16::MAX {
                props.push(Property::ReceiveMaximum(self.limits.receive_maximum.max(1)));
            }
            props.push(Property::MaximumPacketSize(
                self.limits.max_packet_size.max(1),
            ));
            if self.alias_in_max > 0 {
                props.push(Property::TopicAliasMaximum(self.alias_in_max));
            }
            if let Some(id) = assigned {
                props.push(Property::AssignedClientIdentifier(id));
            }
            if let Some(ka) = server_keep_alive {
                props.push(Property::ServerKeepAlive(ka));
            }
        }
        let ack = ConnAck {
            session_present: opened.present,
            code: ReasonCode::SUCCESS,
            props,
        };
        self.reply(Packet::ConnAck(ack));

        // A resumed session: resend what was in flight, oldest first.
        if opened.present {
            let resend = session.lock().resend();
            for (pid, state, d) in resend {
                match state {
                    InflightState::Published => self.write_publish(
                        Ready {
                            pid,
                            dup: true,
                            delivery: d,
                        },
                        now,
                    ),
                    InflightState::Released => self.reply(Packet::PubRel(PubAck::new(pid))),
                }
            }
        }
        Ok(())
    }

    fn on_publish(&mut self, mut p: Publish, now: Instant) -> Result<(), Close> {
        self.msgs_in += 1;
        let v5 = self.version.is_v5();
        if v5 {
            if p.props.subscription_identifiers().next().is_some() {
                return Err(self.protocol_error("subscription identifier from a client"));
            }
            // MQTT-3.3.2-14: a Response Topic is a topic name, never a filter.
            if p.props
                .0
                .iter()
                .any(|x| matches!(x, Property::ResponseTopic(t) if !topic::valid_topic(t)))
            {
                return Err(self.protocol_error("Response Topic with a wildcard"));
            }
            if let Some(alias) = p.props.topic_alias() {
                if alias > self.alias_in_max {
                    add(&self.shared.counters.protocol_errors, 1);
                    return Err(Close::error(ReasonCode::TOPIC_ALIAS_INVALID));
                }
                if p.topic.is_empty() {
                    match self.aliases_in.get(&alias) {
                        Some(t) => p.topic = t.clone(),
                        None => return Err(self.protocol_error("unknown topic alias")),
                    }
                } else {
                    // An own copy: the frame's buffer must not be pinned by the map.
                    self.aliases_in
                        .insert(alias, ByteStr::from(p.topic.as_str()));
                }
            } else if p.topic.is_empty() {
                return Err(self.protocol_error("empty topic without alias"));
            }
        }
        let (qos, pid) = (p.qos, p.pid);
        let Some(session) = self.session.clone() else {
            return Ok(());
        };

        if acl::reserved_for_device(p.topic.as_bytes()) {
            add(&self.shared.counters.refused_publishes, 1);
            tracing::warn!(
                client = %self.client_id, addr = %self.addr, topic = %p.topic,
                "PUBLISH refused: only the device publishes under /junos/"
            );
            // v5: the reason code says so; 3.1.1 (§3.3.5): acknowledge normally, drop.
            let reason = if v5 {
                ReasonCode::NOT_AUTHORIZED
            } else {
                ReasonCode::SUCCESS
            };
            match qos {
                QoS::AtMostOnce => {}
                QoS::AtLeastOnce => self.reply(Packet::PubAck(PubAck::with_reason(pid, reason))),
                QoS::ExactlyOnce => {
                    if !v5 {
                        self.with_session(|s| s.incoming_qos2.insert(pid));
                    }
                    self.reply(Packet::PubRec(PubAck::with_reason(pid, reason)));
                }
            }
            return Ok(());
        }

        if qos == QoS::ExactlyOnce {
            let max = usize::from(self.limits.receive_maximum.max(1));
            let mut st = session.lock();
            if st.incoming_qos2.contains(&pid) {
                // A retransmission: already routed (method A), acknowledge again.
                drop(st);
                self.reply(Packet::PubRec(PubAck::new(pid)));
                return Ok(());
            }
            if st.incoming_qos2.len() + self.held_qos12 >= max {
                drop(st);
                add(&self.shared.counters.protocol_errors, 1);
                return Err(Close::error(ReasonCode::RECEIVE_MAXIMUM_EXCEEDED));
            }
            st.incoming_qos2.insert(pid);
        }

        let expires_at = p
            .props
            .message_expiry_interval()
            .map(|s| now + Duration::from_secs(u64::from(s)));
        if !p.props.is_empty() {
            p.props.0.retain(is_forwarded);
        }
        p.pid = 0;
        p.dup = false;
        let msg = Message {
            publish: p,
            expires_at,
            origin: session.id,
        };
        let matched = self.shared.router().route_from(
            Arc::new(msg),
            Some(Waiting {
                waker: &self.waker,
                full: &mut self.full,
                wake: &mut self.wake,
            }),
        );
        if !self.full.is_empty() {
            self.pause(now);
        }
        let reason = if v5 && matched == 0 {
            ReasonCode::NO_MATCHING_SUBSCRIBERS
        } else {
            ReasonCode::SUCCESS
        };
        match qos {
            QoS::AtMostOnce => {}
            QoS::AtLeastOnce => self.reply(Packet::PubAck(PubAck::with_reason(pid, reason))),
            QoS::ExactlyOnce => self.reply(Packet::PubRec(PubAck::with_reason(pid, reason))),
        }
        Ok(())
    }

    fn on_subscribe(&mut self, s: Subscribe, now: Instant) -> Result<(), Close> {
        let Some(session) = self.session.clone() else {
            return Ok(());
        };
        let cfg = self.shared.cfg();
        let v5 = self.version.is_v5();
        let sub_id = if v5 {
            s.props.subscription_identifiers().next()
        } else {
            None
        };
        let mut codes = Vec::with_capacity(s.filters.len());
        for (filter, opts) in &s.filters {
            let (shared, plain) = match topic::parse_shared(filter) {
                Ok(Some((_, f))) => (true, f),
                Ok(None) if topic::valid_filter(filter) => (false, filter.as_str()),
                _ => {
                    add(&self.shared.counters.refused_subscriptions, 1);
                    codes.push(ReasonCode::TOPIC_FILTER_INVALID);
                    continue;
                }
            };
            if shared && opts.no_local {
                return Err(self.protocol_error("No Local on a shared subscription"));
            }
            if acl::subscribe_denied(&cfg.deny_subscribe, plain) {
                add(&self.shared.counters.refused_subscriptions, 1);
                add(&self.shared.counters.denied_subscriptions, 1);
                tracing::info!(client = %self.client_id, filter, "SUBSCRIBE refused: deny-subscribe");
                // v5: Not authorized says why; 3.1.1 has only 0x80 Failure (the codec
                // writes every error code as 0x80 there).
                codes.push(ReasonCode::NOT_AUTHORIZED);
                continue;
            }
            let code = self
                .shared
                .router()
                .subscribe(&session, filter, *opts, sub_id, now);
            if code.is_error() {
                add(&self.shared.counters.refused_subscriptions, 1);
            }
            codes.push(code);
        }
        self.reply(Packet::SubAck(SubAck {
            pid: s.pid,
            props: Properties::new(),
            codes,
        }));
        Ok(())
    }

    fn on_unsubscribe(&mut self, u: Unsubscribe) -> Result<(), Close> {
        let Some(session) = self.session.clone() else {
            return Ok(());
        };
        let codes = {
            let mut router = self.shared.router();
            u.filters
                .iter()
                .map(|f| {
                    if router.unsubscribe(&session, f) {
                        ReasonCode::SUCCESS
                    } else {
                        ReasonCode::NO_SUBSCRIPTION_EXISTED
                    }
                })
                .collect()
        };
        self.reply(Packet::UnsubAck(UnsubAck {
            pid: u.pid,
            props: Properties::new(),
            codes,
        }));
        Ok(())
    }

    fn on_disconnect(&mut self, d: Disconnect) -> Result<(), Close> {
        if let Some(e) = d.props.session_expiry_interval() {
            if self.expiry == 0 && e != 0 {
                return Err(self.protocol_error("session expiry set on DISCONNECT after 0"));
            }
            self.expiry = e.min(self.limits.max_session_expiry);
        }
        let will = d.reason == ReasonCode::DISCONNECT_WITH_WILL;
        Err(Close {
            reason: d.reason,
            notify_client: false,
            will,
        })
    }

    /// Moves queued messages into [`Connection::out`] within the in-flight window.
    /// Returns how many messages were taken from the queue.
    pub(crate) fn pull(&mut self, now: Instant) -> Result<usize, Close> {
        if self.phase != Phase::Open {
            return Ok(0);
        }
        let Some(session) = self.session.clone() else {
            return Ok(0);
        };
        let mut ready = std::mem::take(&mut self.ready);
        let expired = {
            let mut st = session.lock();
            if st.owner != Some(self.id) {
                self.ready = ready;
                return Ok(0);
            }
            st.take_ready(self.window, now, PULL_BATCH, &self.limits, &mut ready)
        };
        add(&self.shared.counters.dropped_expired, expired);
        let taken = ready.len();
        let before = self.msgs_out;
        for r in ready.drain(..) {
            self.write_publish(r, now);
        }
        add(&self.shared.counters.messages_out, self.msgs_out - before);
        self.ready = ready;
        Ok(taken)
    }

    fn write_publish(&mut self, r: Ready, now: Instant) {
        let d = &r.delivery;
        let msg = &d.msg;
        let v5 = self.version.is_v5();
        let expiry = msg.remaining(now).flatten();
        let mut alias = None;
        let mut omit_topic = false;
        let mut new_alias = false;
        if v5 && self.alias_out_max > 0 {
            if let Some(&a) = self.aliases_out.get(&msg.publish.topic) {
                alias = Some(a);
                omit_topic = true;
            } else if self.aliases_out.len() < usize::from(self.alias_out_max) {
                let a = self.aliases_out.len() as u16 + 1;
                self.aliases_out
                    .insert(ByteStr::from(msg.publish.topic.as_str()), a);
                alias = Some(a);
                new_alias = true;
            }
        }
        let extras = PublishExtras {
            topic_alias: alias,
            omit_topic,
            message_expiry: expiry,
            subscription_ids: d.sub_ids.as_slice(),
            header: Some(PublishHeader {
                dup: r.dup,
                qos: d.qos,
                retain: d.retain,
                pid: r.pid,
            }),
        };
        let start = self.out.len();
        match encode_publish_with(&msg.publish, &extras, self.version, &mut self.out) {
            Ok(n) if n <= self.client_max_packet => {
                self.msgs_out += 1;
                add(&self.shared.counters.bytes_out, n as u64);
            }
            result => {
                // Too large for the client (v5 §3.1.2.11.4): dropped as if delivered.
                self.out.truncate(start);
                if new_alias {
                    self.aliases_out.remove(&msg.publish.topic);
                }
                if let Err(e) = result {
                    tracing::error!(error = %e, "cannot encode PUBLISH");
                }
                add(&self.shared.counters.dropped_too_large, 1);
                let pid = r.pid;
                self.with_session(|s| {
                    s.dropped += 1;
                    if pid != 0 {
                        s.inflight.retain(|i| i.pid != pid);
                    }
                });
            }
        }
    }

    /// Writes the DISCONNECT a v5 client is owed, if any.
    pub(crate) fn write_close(&mut self, close: &Close) {
        if close.notify_client && self.phase == Phase::Open && self.version.is_v5() {
            self.reply(Packet::Disconnect(Disconnect::new(close.reason)));
        }
    }

    /// Ends the connection: will, session detach, registry. Call once, last.
    pub(crate) fn finish(&mut self, close: &Close, now: Instant) {
        self.shared.unregister(self.id);
        let Some(session) = self.session.take() else {
            return;
        };
        let mut router = self.shared.router();
        let owned = session.lock().owner == Some(self.id);
        router.detach(&session, self.id, self.expiry, now);
        if let (true, Some(w)) = (close.will, self.will.take()) {
            let delay = w.props.will_delay_interval().unwrap_or(0);
            // Taken over by a new connection to the same session: a delayed will is
            // cancelled (v5 §3.1.3.2.2); an immediate one is published. A session that
            // has ended publishes its will at once.
            let ended = session.lock().ended;
            let resumed = !owned && !ended;
            if !(resumed && delay > 0) {
                let msg = Message::from_will(w, session.id, now);
                router.will(&session, msg, if resumed || ended { 0 } else { delay }, now);
            }
        }
        tracing::info!(client = %self.client_id, reason = %close.reason, "client disconnected");
    }
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
