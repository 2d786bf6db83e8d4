//! The in-process link: how the device's own daemons (eventd, ...) publish, without TCP.
//! The only publisher allowed under `/junos/`.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::codec::{is_forwarded, ByteStr, Publish, QoS};
use crate::error::NotifyError;
use crate::session::Message;
use crate::shared::Shared;
use crate::stats::add;
use crate::topic;

/// A publisher inside the device. Cheap to clone. Publishing never blocks and never
/// waits for a subscriber: slow ones lose QoS 0 messages or are disconnected (their
/// queues are bounded), the link never slows down.
#[derive(Clone)]
pub struct Link {
    shared: Arc<Shared>,
}

impl Link {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Link { shared }
    }

    /// Publishes `payload` on `topic`. Returns the number of sessions it was offered to.
    pub fn publish(
        &self,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
    ) -> Result<usize, NotifyError> {
        let mut p = Publish::new(topic, qos, payload);
        p.retain = retain;
        self.publish_packet(p)
    }

    /// Publishes a full PUBLISH (v5 properties such as user properties, content type or
    /// Message Expiry Interval are forwarded; DUP and packet id are ignored).
    pub fn publish_packet(&self, mut p: Publish) -> Result<usize, NotifyError> {
        if !topic::valid_topic(p.topic.as_str()) {
            return Err(NotifyError::InvalidTopic(p.topic.as_str().to_owned()));
        }
        let now = tokio::time::Instant::now().into_std();
        let expires_at = p
            .props
            .message_expiry_interval()
            .map(|s| now + Duration::from_secs(u64::from(s)));
        p.props.0.retain(is_forwarded);
        p.pid = 0;
        p.dup = false;
        add(&self.shared.counters.link_messages, 1);
        let msg = Message {
            publish: p,
            expires_at,
            origin: 0,
        };
        Ok(self.shared.router().route(Arc::new(msg)))
    }

    /// Convenience for a topic that is already a [`ByteStr`].
    pub fn publish_bytes(
        &self,
        topic: ByteStr,
        payload: Bytes,
        qos: QoS,
    ) -> Result<usize, NotifyError> {
        self.publish_packet(Publish {
            topic,
            qos,
            payload,
            ..Default::default()
        })
    }
}
