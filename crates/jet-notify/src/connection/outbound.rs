//! Toward the client: queued messages moved into the write buffer within the in-flight
//! window, the closing packet, and the session's end (will, clean-session discard).

use std::time::Instant;

use super::{Close, Connection, Phase, PULL_BATCH};
use crate::codec::{
    encode_publish_with, ByteStr, Disconnect, Packet, PublishExtras, PublishHeader,
};
use crate::session::{Message, Ready};
use crate::stats::add;

impl Connection {
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

    pub(super) fn write_publish(&mut self, r: Ready, now: Instant) {
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
