//! The router: the subscription trie, retained messages, the session registry and the
//! timers that outlive connections (will delay, session expiry). Plain data driven with
//! explicit time (`now`), so it is tested without sockets or clocks.
//!
//! ```text
//!  connection tasks / link ──lock──► Router::route ──► Session::enqueue (per subscriber)
//!  housekeeping task (1 s) ──lock──► Router::tick  ──► expired sessions, delayed wills
//! ```
//! Lock order: the router, then a session; never the other way round.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use tokio::sync::Notify;

use crate::acl;
use crate::codec::{ByteStr, ProtocolVersion, QoS, ReasonCode, RetainHandling, SubOptions};
use crate::config::Limits;
use crate::session::{Delivery, Enqueued, Message, Session, SubIds, SubRecord};
use crate::stats::{add, ClientInfo, Counters};
use crate::topic::{self, Found, Sub, SubscriptionTrie};

/// What the trie stores per subscription.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    session: Arc<Session>,
    opts: SubOptions,
    sub_id: Option<u32>,
}

/// One matched subscriber of the message being routed.
struct Hit {
    session: Arc<Session>,
    qos: QoS,
    retain_as_published: bool,
    sub_ids: SubIds,
}

struct PendingWill {
    session_id: u64,
    due: Instant,
    msg: Message,
}

/// A network publisher routing a message: its waker, where the router puts the
/// sessions whose full queue it must wait for, and the sessions to wake once the
/// publisher has handled everything it read (one wake per read instead of one per
/// message: the subscriber's task then writes many messages in one system call).
pub(crate) struct Waiting<'a> {
    pub(crate) waker: &'a Arc<Notify>,
    pub(crate) full: &'a mut Vec<Arc<Session>>,
    pub(crate) wake: &'a mut Vec<Arc<Session>>,
}

/// Result of opening a session for a CONNECT.
pub(crate) struct Opened {
    pub(crate) session: Arc<Session>,
    pub(crate) present: bool,
    /// The connection that held the session (or the client id) and must be kicked.
    pub(crate) previous_owner: Option<u64>,
}

pub(crate) struct Router {
    trie: SubscriptionTrie<Target>,
    sessions: HashMap<Arc<str>, Arc<Session>>,
    retained: HashMap<ByteStr, Arc<Message>>,
    /// Retained messages with an expiry (the tick scans the store only when non-zero).
    retained_expiring: usize,
    wills: Vec<PendingWill>,
    pub(crate) limits: Limits,
    /// deny-subscribe filters: messages on topics they match are delivered to nobody.
    pub(crate) deny: Vec<String>,
    next_session_id: u64,
    hits: Vec<Hit>,
    counters: Arc<Counters>,
}

impl Router {
    pub(crate) fn new(limits: Limits, counters: Arc<Counters>) -> Self {
        Router {
            trie: SubscriptionTrie::default(),
            sessions: HashMap::new(),
            retained: HashMap::new(),
            retained_expiring: 0,
            wills: Vec::new(),
            limits,
            deny: Vec::new(),
            next_session_id: 1,
            hits: Vec::new(),
            counters,
        }
    }

    /// Routes a message that must not wait (device event, will): a full queue drops it
    /// (counted). See [`Router::route_from`].
    pub(crate) fn route(&mut self, msg: Arc<Message>) -> usize {
        self.route_from(msg, None)
    }

    /// Routes a message to every matching subscription and stores or clears it as
    /// retained. Returns the number of sessions it was offered to. Never blocks. With a
    /// network publisher's `waiting`, every online subscriber takes the message and those
    /// whose queue is now at its bound are pushed to `waiting.full` (the publisher
    /// pauses until each wakes `waiting.waker`); without, a full queue drops it.
    pub(crate) fn route_from(
        &mut self,
        msg: Arc<Message>,
        mut waiting: Option<Waiting<'_>>,
    ) -> usize {
        if msg.publish.retain {
            self.retain(&msg);
        }
        if !self.deny.is_empty() && acl::topic_denied(&self.deny, msg.publish.topic.as_str()) {
            add(&self.counters.denied_messages, 1);
            return 0;
        }
        let Router { trie, hits, .. } = self;
        hits.clear();
        let origin = msg.origin;
        let collect = |hits: &mut Vec<Hit>, t: &Target, id: u64| {
            if t.opts.no_local && id == origin {
                return;
            }
            hits.push(Hit {
                session: t.session.clone(),
                qos: t.opts.qos.min(msg.publish.qos),
                retain_as_published: t.opts.retain_as_published,
                sub_ids: t.sub_id.map_or(SubIds::None, SubIds::One),
            });
        };
        trie.for_each_match(msg.publish.topic.as_bytes(), |found| match found {
            Found::Plain(s) => collect(hits, &s.data, s.id),
            Found::Group(g) => {
                // Round robin, preferring members that are online.
                let n = g.members.len();
                let pick = (0..n)
                    .map(|k| (g.next + k) % n)
                    .find(|&i| g.members[i].data.session.is_online())
                    .unwrap_or(g.next % n);
                g.next = pick + 1;
                let s = &g.members[pick];
                collect(hits, &s.data, s.id);
            }
        });
        if hits.len() > 1 {
            // One copy per session: the highest QoS and every subscription identifier.
            hits.sort_by_key(|h| h.session.id);
            let mut merged: Vec<Hit> = Vec::with_capacity(hits.len());
            for h in hits.drain(..) {
                match merged.last_mut() {
                    Some(m) if m.session.id == h.session.id => {
                        m.qos = m.qos.max(h.qos);
                        m.retain_as_published |= h.retain_as_published;
                        m.sub_ids.merge(&h.sub_ids);
                    }
                    _ => merged.push(h),
                }
            }
            *hits = merged;
        }
        let mut hits = std::mem::take(&mut self.hits);
        let n = hits.len();
        for h in hits.drain(..) {
            let d = Delivery {
                msg: msg.clone(),
                qos: h.qos,
                retain: h.retain_as_published && msg.publish.retain,
                sub_ids: h.sub_ids,
            };
            let waker = waiting.as_ref().map(|w| w.waker);
            let (full, wake) = self.deliver(&h.session, d, waker);
            match waiting.as_mut() {
                Some(w) => {
                    if full {
                        w.full.push(h.session.clone());
                    }
                    if wake {
                        w.wake.push(h.session.clone());
                    }
                }
                None if wake => h.session.notify.notify_one(),
                None => {}
            }
        }
        self.hits = hits;
        n
    }

    /// Offers `d` to `session`: whether a network publisher (`waker`) must pause, and
    /// whether the session's task must be woken (the caller wakes it).
    fn deliver(&self, session: &Session, d: Delivery, waker: Option<&Arc<Notify>>) -> (bool, bool) {
        let (qos, device) = (d.qos, d.msg.origin == 0);
        let outcome = session.lock().enqueue(d, &self.limits, waker);
        let mut wake = false;
        match outcome {
            Enqueued::Queued { wake: w } | Enqueued::QueuedFull { wake: w } => wake = w,
            Enqueued::Dropped => {
                if qos == QoS::AtMostOnce {
                    add(&self.counters.dropped_qos0, 1);
                } else {
                    add(&self.counters.dropped_queue_full, 1);
                }
                if device {
                    add(&self.counters.dropped_device_events, 1);
                }
            }
            Enqueued::Gone => {}
        }
        (matches!(outcome, Enqueued::QueuedFull { .. }), wake)
    }

    fn retain(&mut self, msg: &Message) {
        let topic = msg.publish.topic.clone();
        if msg.publish.payload.is_empty() {
            if let Some(old) = self.retained.remove(&topic) {
                self.retained_expiring -= usize::from(old.expires_at.is_some());
            }
            return;
        }
        if !self.retained.contains_key(&topic) && self.retained.len() >= self.limits.max_retained {
            return;
        }
        // Own copies: the message's bytes share a connection's read buffer, which a
        // long-lived retained message must not pin.
        let mut publish = msg.publish.clone();
        publish.topic = ByteStr::from(topic.as_str());
        publish.payload = Bytes::copy_from_slice(&msg.publish.payload);
        publish.retain = true;
        let stored = Message {
            publish,
            expires_at: msg.expires_at,
            origin: msg.origin,
        };
        self.retained.insert(topic, Arc::new(stored));
    }

    /// Finds or creates the session for a CONNECT from connection `conn`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn open_session(
        &mut self,
        client_id: &str,
        clean_start: bool,
        conn: u64,
        protocol: ProtocolVersion,
        addr: SocketAddr,
        expiry: u32,
        now: Instant,
    ) -> Opened {
        let mut previous_owner = None;
        let mut reuse = None;
        if let Some(existing) = self.sessions.get(client_id).cloned() {
            previous_owner = existing.lock().owner.take();
            existing.set_online(false);
            if clean_start {
                self.end_session(&existing, now);
            } else {
                reuse = Some(existing);
            }
        }
        let present = reuse.is_some();
        let session = match reuse {
            Some(s) => {
                // A new connection before the will delay ran out: no will.
                self.wills.retain(|w| w.session_id != s.id);
                s
            }
            None => {
                let id = self.next_session_id;
                self.next_session_id += 1;
                let s = Arc::new(Session::new(id, client_id.into(), protocol));
                self.sessions.insert(s.client_id.clone(), s.clone());
                s
            }
        };
        {
            let mut st = session.lock();
            st.owner = Some(conn);
            st.protocol = protocol;
            st.addr = Some(addr);
            st.since = SystemTime::now();
            st.expiry = expiry;
            st.offline_since = None;
            st.closing = false;
        }
        session.set_online(true);
        Opened {
            session,
            present,
            previous_owner,
        }
    }

    /// The connection `conn` ended. A session whose expiry is 0 ends now; others wait
    /// offline. Does nothing when another connection took the session over.
    pub(crate) fn detach(&mut self, session: &Arc<Session>, conn: u64, expiry: u32, now: Instant) {
        {
            let mut st = session.lock();
            if st.owner != Some(conn) {
                return;
            }
            st.owner = None;
            st.expiry = expiry;
            st.offline_since = Some(now);
            // QoS 0 messages are not kept for an offline client.
            st.went_offline();
        }
        session.set_online(false);
        if expiry == 0 {
            self.end_session(session, now);
        }
    }

    /// Removes a session: its subscriptions, its queue; its delayed will is published.
    fn end_session(&mut self, session: &Arc<Session>, now: Instant) {
        let subs = {
            let mut st = session.lock();
            st.ended = true;
            st.clear();
            std::mem::take(&mut st.subscriptions)
        };
        for filter in subs.keys() {
            self.trie_remove(filter, session.id);
        }
        if self
            .sessions
            .get(&session.client_id)
            .is_some_and(|s| Arc::ptr_eq(s, session))
        {
            self.sessions.remove(&session.client_id);
        }
        let (due, keep): (Vec<_>, Vec<_>) = self
            .wills
            .drain(..)
            .partition(|w| w.session_id == session.id);
        self.wills = keep;
        for w in due {
            self.route(Arc::new(w.msg));
        }
        let _ = now;
    }

    fn trie_remove(&mut self, filter: &str, id: u64) -> bool {
        match topic::parse_shared(filter) {
            Ok(Some((group, f))) => self.trie.remove(f, Some(group), id),
            _ => self.trie.remove(filter, None, id),
        }
    }

    /// Publishes a will now, or after `delay` seconds (bounded by the session's expiry).
    pub(crate) fn will(&mut self, session: &Session, msg: Message, delay: u32, now: Instant) {
        let expiry = session.lock().expiry;
        let wait = delay.min(expiry);
        if wait == 0 {
            self.route(Arc::new(msg));
        } else {
            let due = now + Duration::from_secs(u64::from(wait));
            self.wills.push(PendingWill {
                session_id: session.id,
                due,
                msg,
            });
        }
    }

    /// Subscribes; returns the granted QoS as a reason code. Queues matching retained
    /// messages per the retain-handling option (never for shared subscriptions).
    pub(crate) fn subscribe(
        &mut self,
        session: &Arc<Session>,
        filter: &str,
        opts: SubOptions,
        sub_id: Option<u32>,
        now: Instant,
    ) -> ReasonCode {
        let (group, plain) = match topic::parse_shared(filter) {
            Ok(Some((g, f))) => (Some(g), f),
            Ok(None) => (None, filter),
            Err(()) => return ReasonCode::TOPIC_FILTER_INVALID,
        };
        {
            let st = session.lock();
            if !st.subscriptions.contains_key(filter)
                && st.subscriptions.len() >= self.limits.max_subscriptions
            {
                return ReasonCode::QUOTA_EXCEEDED;
            }
        }
        let target = Target {
            session: session.clone(),
            opts,
            sub_id,
        };
        let new = self.trie.insert(
            plain,
            group,
            Sub {
                id: session.id,
                data: target,
            },
        );
        session
            .lock()
            .subscriptions
            .insert(filter.to_owned(), SubRecord { opts, sub_id });
        let send_retained = group.is_none()
            && match opts.retain_handling {
                RetainHandling::SendAtSubscribe => true,
                RetainHandling::SendIfNewSubscription => new,
                RetainHandling::DoNotSend => false,
            };
        if send_retained {
            let matching: Vec<Arc<Message>> = self
                .retained
                .values()
                .filter(|m| topic::matches(plain, m.publish.topic.as_str()))
                .filter(|m| m.remaining(now).is_some())
                .cloned()
                .collect();
            let before = matching.len();
            let matching: Vec<Arc<Message>> = matching
                .into_iter()
                .filter(|m| !acl::topic_denied(&self.deny, m.publish.topic.as_str()))
                .collect();
            add(
                &self.counters.denied_messages,
                (before - matching.len()) as u64,
            );
            for m in matching {
                let d = Delivery {
                    qos: opts.qos.min(m.publish.qos),
                    msg: m,
                    retain: true,
                    sub_ids: sub_id.map_or(SubIds::None, SubIds::One),
                };
                self.deliver(session, d, None);
            }
        }
        ReasonCode(opts.qos as u8)
    }

    /// True when the subscription existed.
    pub(crate) fn unsubscribe(&mut self, session: &Arc<Session>, filter: &str) -> bool {
        let existed = session.lock().subscriptions.remove(filter).is_some();
        self.trie_remove(filter, session.id);
        existed
    }

    /// Removes every subscription that `denied` now refuses (after a reconfiguration).
    pub(crate) fn drop_subscriptions(&mut self, denied: impl Fn(&str) -> bool) {
        let sessions: Vec<Arc<Session>> = self.sessions.values().cloned().collect();
        for s in sessions {
            let gone: Vec<String> = s
                .lock()
                .subscriptions
                .keys()
                .filter(|f| {
                    let plain = match topic::parse_shared(f) {
                        Ok(Some((_, p))) => p,
                        _ => f.as_str(),
                    };
                    denied(plain)
                })
                .cloned()
                .collect();
            for f in gone {
                self.unsubscribe(&s, &f);
            }
        }
    }

    /// Time passes: offline sessions past their expiry end, delayed wills fall due,
    /// expired retained messages go.
    pub(crate) fn tick(&mut self, now: Instant) {
        let expired: Vec<Arc<Session>> = self
            .sessions
            .values()
            .filter(|s| {
                let st = s.lock();
                match (st.owner, st.offline_since) {
                    (None, Some(since)) if st.expiry != u32::MAX => {
                        now >= since + Duration::from_secs(u64::from(st.expiry))
                    }
                    _ => false,
                }
            })
            .cloned()
            .collect();
        for s in expired {
            self.end_session(&s, now);
        }
        if self.wills.iter().any(|w| w.due <= now) {
            let (due, keep): (Vec<_>, Vec<_>) = self.wills.drain(..).partition(|w| w.due <= now);
            self.wills = keep;
            for w in due {
                self.route(Arc::new(w.msg));
            }
        }
        if self.retained_expiring > 0 {
            let before = self.retained.len();
            self.retained
                .retain(|_, m| m.expires_at.is_none() || m.remaining(now).is_some());
            self.retained_expiring -= before - self.retained.len();
        }
    }

    pub(crate) fn clients(&self) -> Vec<ClientInfo> {
        let mut v: Vec<ClientInfo> = self
            .sessions
            .values()
            .map(|s| {
                let st = s.lock();
                ClientInfo {
                    client_id: s.client_id.to_string(),
                    addr: if st.owner.is_some() { st.addr } else { None },
                    protocol: st.protocol,
                    subscriptions: st.subscriptions.keys().cloned().collect(),
                    queued: st.queued(),
                    inflight: st.inflight.len(),
                    dropped: st.dropped,
                    since: st.since,
                }
            })
            .collect();
        v.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        v
    }

    /// True when some session holds a subscription that can match a topic `filter`
    /// matches (shared subscriptions by their filter). No allocation.
    pub(crate) fn has_interest(&self, filter: &str) -> bool {
        self.sessions.values().any(|s| {
            s.lock().subscriptions.keys().any(|sub| {
                let f = topic::parse_shared(sub)
                    .ok()
                    .flatten()
                    .map_or(sub.as_str(), |(_, f)| f);
                topic::overlaps(f, filter)
            })
        })
    }

    pub(crate) fn session_count(&self) -> usize {
        self.sessions.len()
    }

    pub(crate) fn subscription_count(&self) -> usize {
        self.trie.len()
    }

    pub(crate) fn retained_count(&self) -> usize {
        self.retained.len()
    }
}

#[cfg(test)]
#[path = "router_tests.rs"]
mod tests;
