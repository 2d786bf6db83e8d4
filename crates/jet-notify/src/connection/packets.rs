//! Packets a client sends after CONNECT: PUBLISH (with its QoS handshakes and
//! back-pressure toward a network publisher), SUBSCRIBE (ACL and retained messages),
//! UNSUBSCRIBE and DISCONNECT.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{Close, Connection};
use crate::acl;
use crate::codec::{
    is_forwarded, ByteStr, Disconnect, Packet, Properties, Property, PubAck, Publish, QoS,
    ReasonCode, SubAck, Subscribe, UnsubAck, Unsubscribe,
};
use crate::router::Waiting;
use crate::session::Message;
use crate::stats::add;
use crate::topic;

impl Connection {
    pub(super) fn on_publish(&mut self, mut p: Publish, now: Instant) -> Result<(), Close> {
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

    pub(super) fn on_subscribe(&mut self, s: Subscribe, now: Instant) -> Result<(), Close> {
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

    pub(super) fn on_unsubscribe(&mut self, u: Unsubscribe) -> Result<(), Close> {
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

    pub(super) fn on_disconnect(&mut self, d: Disconnect) -> Result<(), Close> {
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
}
