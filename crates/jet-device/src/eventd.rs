//! eventd: turns device events into JET notifications (`jet-event` JSON on the
//! `/junos/events/...` topic tree).
//!
//! ```text
//!  EventBus ──► eventd::run ──► EventRenderer::render ──► sink (the broker's in-process link)
//! ```
//!
//! Payload, as Junos publishes it:
//! `{"jet-event": {"event-id", "hostname", "time", "severity", "facility", "attributes"}}`,
//! plus, beyond JET, `"sequence"`: a counter per topic root (`/junos/events/kernel`,
//! `/junos/events/syslog`, `/junos/events/genpub`, ...) that increases by one per event, so a
//! subscriber that sees a jump knows it missed events. The sink must not block: the broker
//! drops or queues per subscriber, never back-pressures the device.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use tokio::sync::broadcast::error::RecvError;

use crate::events::{CommitEvent, DeviceEvent, Stamped};
use crate::sessions::SessionEvent;
use crate::Device;

/// One MQTT message to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// Topic (`/junos/events/syslog/UI_COMMIT_COMPLETED`).
    pub topic: String,
    /// JSON payload.
    pub payload: String,
    /// Publish as retained (the latest event of each interface is kept for new
    /// subscribers).
    pub retain: bool,
}

/// The roots that carry their own sequence counter.
const ROOTS: &[&str] = &[
    "/junos/events/kernel",
    "/junos/events/syslog",
    "/junos/events/genpub",
];

/// Renders events; keeps the per-root sequence counters.
#[derive(Debug, Default)]
pub struct EventRenderer {
    seq: HashMap<&'static str, u64>,
}

/// A syslog-style event before rendering.
struct Ev<'a> {
    topic: String,
    id: &'a str,
    severity: &'a str,
    facility: &'a str,
    attributes: Value,
    retain: bool,
}

impl EventRenderer {
    /// A renderer with every counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `missed` events as lost: every root's counter jumps, so subscribers of any
    /// root see a gap (eventd cannot know which roots the lost events belonged to).
    pub fn lost(&mut self, missed: u64) {
        for root in ROOTS {
            *self.seq.entry(root).or_insert(0) += missed;
        }
    }

    /// The notifications for one device event (none for events JET does not publish).
    pub fn render(&mut self, ev: &Stamped, hostname: &str) -> Vec<Notification> {
        let evs = match &ev.event {
            DeviceEvent::Commit(c) => commit(c),
            DeviceEvent::Session(s) => session(s),
            // Interface and syslog events (crate::ifd, crate::syslog): not rendered yet.
            DeviceEvent::Interface(_) | DeviceEvent::Syslog(_) => Vec::new(),
            // Route events (crate::rib): coalesced per batch; not published on MQTT yet.
            DeviceEvent::Route(_) | DeviceEvent::RouteTable(_) => Vec::new(),
        };
        evs.into_iter()
            .map(|e| self.finish(e, ev.at, hostname))
            .collect()
    }

    fn finish(&mut self, e: Ev<'_>, at: DateTime<Utc>, hostname: &str) -> Notification {
        let root = ROOTS
            .iter()
            .copied()
            .find(|r| e.topic.starts_with(r))
            .unwrap_or(ROOTS[1]);
        let seq = self.seq.entry(root).or_insert(0);
        *seq += 1;
        let payload = json!({
            "jet-event": {
                "event-id": e.id,
                "hostname": hostname,
                "time": at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                "severity": e.severity,
                "facility": e.facility,
                "attributes": e.attributes,
                "sequence": *seq,
            }
        });
        Notification {
            topic: e.topic,
            payload: payload.to_string(),
            retain: e.retain,
        }
    }
}

fn syslog<'a>(id: &'a str, severity: &'a str, facility: &'a str, attributes: Value) -> Ev<'a> {
    Ev {
        topic: format!("/junos/events/syslog/{id}"),
        id,
        severity,
        facility,
        attributes,
        retain: false,
    }
}

fn commit(c: &CommitEvent) -> Vec<Ev<'static>> {
    let mut attrs = Map::new();
    attrs.insert("username".into(), Value::String(c.user.clone()));
    attrs.insert("client".into(), Value::String(c.client.clone()));
    if let Some(comment) = &c.comment {
        attrs.insert("comment".into(), Value::String(comment.clone()));
    }
    let attrs = Value::Object(attrs);
    vec![
        Ev {
            topic: "/junos/events/genpub/config-update".into(),
            id: "CONFIG_UPDATE",
            severity: "info",
            facility: "GENPUB",
            attributes: attrs.clone(),
            retain: false,
        },
        syslog(
            "UI_COMMIT_COMPLETED",
            "notice",
            "INTERACTIVE-COMMANDS",
            attrs,
        ),
    ]
}

fn session(s: &SessionEvent) -> Vec<Ev<'static>> {
    match s {
        SessionEvent::Opened(_) => Vec::new(),
        SessionEvent::LoggedIn(info) => {
            let Some(l) = &info.login else {
                return Vec::new();
            };
            vec![syslog(
                "UI_LOGIN_EVENT",
                "info",
                "INTERACTIVE-COMMANDS",
                json!({
                    "username": l.user,
                    "client-id": l.client_id,
                    "group-id": l.group_id,
                    "remote-address": info.peer.ip().to_string(),
                    "remote-port": info.peer.port().to_string(),
                    "transport": info.transport.as_str(),
                }),
            )]
        }
        SessionEvent::Closed(info) => {
            let Some(l) = &info.login else {
                return Vec::new();
            };
            vec![syslog(
                "UI_LOGOUT_EVENT",
                "info",
                "INTERACTIVE-COMMANDS",
                json!({
                    "username": l.user,
                    "client-id": l.client_id,
                    "remote-address": info.peer.ip().to_string(),
                }),
            )]
        }
    }
}

/// Runs eventd for `device` until the device goes away, handing every notification to
/// `sink` (which must not block).
pub async fn run(device: Device, mut sink: impl FnMut(Notification) + Send) {
    let mut rx = device.events().subscribe();
    let mut renderer = EventRenderer::new();
    loop {
        match rx.recv().await {
            Ok(ev) => {
                let committed = device.committed();
                let host = committed.config.host_name().unwrap_or("jetd");
                for n in renderer.render(&ev, host) {
                    sink(n);
                }
            }
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(
                    missed,
                    "eventd fell behind the device event bus; events lost"
                );
                renderer.lost(missed);
            }
            Err(RecvError::Closed) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::{Login, SessionInfo, Transport};

    fn stamped(event: DeviceEvent) -> Stamped {
        Stamped {
            seq: 1,
            at: Utc::now(),
            event,
        }
    }

    fn commit_event() -> DeviceEvent {
        DeviceEvent::Commit(CommitEvent {
            user: "admin".into(),
            client: "grpc".into(),
            comment: Some("why".into()),
            time: Utc::now(),
        })
    }

    #[test]
    fn a_commit_publishes_config_update_and_ui_commit_completed() {
        let mut r = EventRenderer::new();
        let out = r.render(&stamped(commit_event()), "r1");
        let topics: Vec<&str> = out.iter().map(|n| n.topic.as_str()).collect();
        assert_eq!(
            topics,
            vec![
                "/junos/events/genpub/config-update",
                "/junos/events/syslog/UI_COMMIT_COMPLETED"
            ]
        );
        let v: Value = serde_json::from_str(&out[1].payload).expect("json");
        let e = &v["jet-event"];
        assert_eq!(e["event-id"], "UI_COMMIT_COMPLETED");
        assert_eq!(e["hostname"], "r1");
        assert_eq!(e["attributes"]["username"], "admin");
        assert_eq!(e["attributes"]["comment"], "why");
        assert!(e["time"].as_str().is_some_and(|t| t.ends_with(" UTC")));
        assert_eq!(e["sequence"], 1);
    }

    #[test]
    fn sequences_count_per_topic_root_and_jump_after_a_loss() {
        let mut r = EventRenderer::new();
        r.render(&stamped(commit_event()), "r1");
        let second = r.render(&stamped(commit_event()), "r1");
        let seq = |n: &Notification| -> u64 {
            serde_json::from_str::<Value>(&n.payload).expect("json")["jet-event"]["sequence"]
                .as_u64()
                .expect("sequence")
        };
        assert_eq!(seq(&second[0]), 2, "genpub root");
        assert_eq!(seq(&second[1]), 2, "syslog root");
        r.lost(5);
        let third = r.render(&stamped(commit_event()), "r1");
        assert_eq!(seq(&third[1]), 8);
    }

    #[test]
    fn logins_and_logouts_are_syslog_events_but_anonymous_sessions_are_not() {
        let mut r = EventRenderer::new();
        let mut info = SessionInfo {
            id: 1,
            peer: "127.0.0.1:5000".parse().expect("addr"),
            transport: Transport::Tls,
            since: Utc::now(),
            login: None,
        };
        assert!(r
            .render(
                &stamped(DeviceEvent::Session(SessionEvent::Opened(info.clone()))),
                "r"
            )
            .is_empty());
        assert!(r
            .render(
                &stamped(DeviceEvent::Session(SessionEvent::Closed(info.clone()))),
                "r"
            )
            .is_empty());
        info.login = Some(Login {
            user: "admin".into(),
            class: jet_config::LoginClass::SuperUser,
            client_id: "app".into(),
            group_id: String::new(),
            at: Utc::now(),
        });
        let login = r.render(
            &stamped(DeviceEvent::Session(SessionEvent::LoggedIn(info.clone()))),
            "r",
        );
        assert_eq!(login[0].topic, "/junos/events/syslog/UI_LOGIN_EVENT");
        assert!(
            login[0].payload.contains("\"client-id\":\"app\""),
            "{}",
            login[0].payload
        );
        let logout = r.render(
            &stamped(DeviceEvent::Session(SessionEvent::Closed(info))),
            "r",
        );
        assert_eq!(logout[0].topic, "/junos/events/syslog/UI_LOGOUT_EVENT");
    }
}
