//! CONNECT: protocol and credential checks, the (possibly asynchronous) authentication,
//! session take-over or resumption, and the CONNACK.

use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::time::Instant;

use bytes::BytesMut;

use super::{Close, Connection, Phase};
use crate::acl;
use crate::codec::{ConnAck, Connect, Packet, Properties, Property, PubAck, ReasonCode};
use crate::config::AuthFuture;
use crate::session::{InflightState, Ready};
use crate::stats::add;
use crate::topic;

impl Connection {
    pub(super) fn refuse_connect(&mut self, code: ReasonCode) -> Result<(), Close> {
        self.reply(Packet::ConnAck(ConnAck {
            code,
            ..Default::default()
        }));
        Err(Close::refused())
    }

    pub(super) fn on_connect(&mut self, c: Connect, now: Instant) -> Result<(), Close> {
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

    pub(super) fn refuse_credentials(
        &mut self,
        c: &Connect,
        code: ReasonCode,
    ) -> Result<(), Close> {
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
    pub(super) fn accept(&mut self, c: Connect, now: Instant) -> Result<(), Close> {
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
}
