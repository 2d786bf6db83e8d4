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
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use tokio::sync::broadcast::error::RecvError;

use crate::device::Device;
use crate::events::{CommitEvent, DeviceEvent, Stamped};
use crate::ifd::InterfaceEvent;
use crate::rib::{RouteEvent, RouteTableEvent};
use crate::syslog::{self, SyslogEvent};
use jet_rib::{ChangeOp, RouteChange, TableId};

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

/// An event before rendering.
struct Ev {
    topic: String,
    id: String,
    severity: &'static str,
    facility: String,
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
        let mut evs = Vec::new();
        match &ev.event {
            DeviceEvent::Commit(c) => evs.push(config_update(c)),
            DeviceEvent::Interface(i) => evs.push(interface(i)),
            // Route changes need table names from the RIB: see `render_routes`.
            DeviceEvent::Route(_) => {}
            DeviceEvent::RouteTable(t) => evs.push(route_table(t)),
            DeviceEvent::Firewall(f) => evs.push(firewall_filter(f)),
            DeviceEvent::Session(_) | DeviceEvent::Syslog(_) => {}
        }
        // Every event that Junos logs also goes out as /junos/events/syslog/<EVENT_ID>, from
        // the same mapping the log files use.
        evs.extend(
            syslog::messages_for(&ev.event)
                .into_iter()
                .map(|m| syslog_event(&m)),
        );
        evs.into_iter()
            .map(|e| self.finish(e, ev.at, hostname))
            .collect()
    }

    /// One notification per route change of a batch
    /// (`/junos/events/kernel/route/{add,change,delete}/<family>/<address>/<plen>`).
    /// `table` names a table id (`inet.0`) for the attributes; `nexthops[i]` holds the
    /// gateway addresses of change `i` (empty for a delete or a route without gateways).
    pub fn render_routes(
        &mut self,
        ev: &RouteEvent,
        table: impl Fn(TableId) -> Option<String>,
        nexthops: &[Vec<IpAddr>],
        at: DateTime<Utc>,
        hostname: &str,
    ) -> Vec<Notification> {
        let mut names: HashMap<TableId, Option<String>> = HashMap::new();
        let mut out = Vec::with_capacity(ev.changes.len());
        for (i, c) in ev.changes.iter().enumerate() {
            let name = names
                .entry(c.table)
                .or_insert_with(|| table(c.table))
                .clone();
            let nh = nexthops.get(i).map_or(&[][..], Vec::as_slice);
            out.push(self.finish(
                route(c, name.as_deref().unwrap_or("unknown"), nh),
                at,
                hostname,
            ));
        }
        out
    }

    fn finish(&mut self, e: Ev, at: DateTime<Utc>, hostname: &str) -> Notification {
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

fn config_update(c: &CommitEvent) -> Ev {
    let mut attrs = Map::new();
    attrs.insert("username".into(), Value::String(c.user.clone()));
    attrs.insert("client".into(), Value::String(c.client.clone()));
    if let Some(comment) = &c.comment {
        attrs.insert("comment".into(), Value::String(comment.clone()));
    }
    Ev {
        topic: "/junos/events/genpub/config-update".into(),
        id: "CONFIG_UPDATE".into(),
        severity: "info",
        facility: "GENPUB".into(),
        attributes: Value::Object(attrs),
        retain: false,
    }
}

/// Kernel interface events: always severity info, facility KERNEL (as Junos); the latest
/// event of each interface object is retained for new subscribers.
fn interface(i: &InterfaceEvent) -> Ev {
    let attrs: Map<String, Value> = i
        .attributes()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::String(v)))
        .collect();
    Ev {
        topic: i.topic(),
        id: i.event_id(),
        severity: "info",
        facility: "KERNEL".into(),
        attributes: Value::Object(attrs),
        retain: true,
    }
}

fn route(c: &RouteChange, table: &str, nexthops: &[IpAddr]) -> Ev {
    let op = match c.op {
        ChangeOp::Add => "add",
        ChangeOp::Modify => "change",
        ChangeOp::Delete => "delete",
    };
    let family = c.prefix.family().as_str();
    let prefix = c.prefix.to_string();
    let (address, plen) = prefix.split_once('/').unwrap_or((prefix.as_str(), ""));
    let mut attrs = Map::new();
    for (k, v) in [
        ("table-name", table),
        ("logical-router-name", "default"),
        ("address-family", family),
        ("route-type", c.proto.name()),
        ("route-prefix", prefix.as_str()),
    ] {
        attrs.insert(k.into(), Value::String(v.to_owned()));
    }
    // The route's gateways as the table holds them after the change ([DOC-NOTIF]:
    // "array of nexthop-address"); a deleted route has none left.
    attrs.insert(
        "nexthop-address".into(),
        Value::Array(
            nexthops
                .iter()
                .map(|a| Value::String(a.to_string()))
                .collect(),
        ),
    );
    Ev {
        topic: format!("/junos/events/kernel/route/{op}/{family}/{address}/{plen}"),
        id: format!("KERNEL_EVENT_ROUTE_{}", op.to_ascii_uppercase()),
        severity: "info",
        facility: "KERNEL".into(),
        attributes: Value::Object(attrs),
        retain: false,
    }
}

/// `/junos/events/kernel/firewall/filter/{add,change,delete}/<filter>`: severity info,
/// facility KERNEL, as the other kernel events.
fn firewall_filter(f: &crate::vocab::firewall_events::FilterEvent) -> Ev {
    let attrs: Map<String, Value> = f
        .attributes()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Value::String(v)))
        .collect();
    Ev {
        topic: f.topic(),
        id: f.event_id(),
        severity: "info",
        facility: "KERNEL".into(),
        attributes: Value::Object(attrs),
        retain: false,
    }
}

fn route_table(t: &RouteTableEvent) -> Ev {
    let op = if t.added { "add" } else { "delete" };
    let mut attrs = Map::new();
    attrs.insert("name".into(), Value::String(t.table.clone()));
    attrs.insert(
        "logical-router-name".into(),
        Value::String("default".into()),
    );
    Ev {
        topic: format!("/junos/events/kernel/route-table/{op}/{}/default", t.table),
        id: format!("KERNEL_EVENT_ROUTE_TABLE_{}", op.to_ascii_uppercase()),
        severity: "info",
        facility: "KERNEL".into(),
        attributes: Value::Object(attrs),
        retain: false,
    }
}

fn syslog_event(m: &SyslogEvent) -> Ev {
    let mut attrs: Map<String, Value> = m
        .attributes
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    attrs.insert("message".into(), Value::String(m.message.clone()));
    Ev {
        topic: format!("/junos/events/syslog/{}", m.event_id),
        id: m.event_id.clone(),
        severity: m.severity.as_str(),
        facility: m.facility.as_str().to_ascii_uppercase(),
        attributes: Value::Object(attrs),
        retain: false,
    }
}

/// The gateway addresses of each changed path as the RIB holds it now (empty for deleted
/// paths and for next hops without gateways).
fn gateways_of(rib: &jet_rib::Rib, changes: &[RouteChange]) -> Vec<Vec<IpAddr>> {
    changes
        .iter()
        .map(|c| {
            let mut out = Vec::new();
            if c.op == ChangeOp::Delete {
                return out;
            }
            let Some(d) = rib.table(c.table).and_then(|t| t.get(&c.prefix)) else {
                return out;
            };
            rib.visit_dest(c.table, c.prefix, d, false, &mut |v| {
                let same =
                    v.path.owner == c.owner && v.path.cookie == c.cookie && v.path.proto == c.proto;
                if let (true, jet_rib::NextHop::Gateways(g)) = (same, &v.nh.nh) {
                    out.extend(g.iter().filter_map(|g| g.addr));
                }
            });
            out
        })
        .collect()
}

/// The topic filter every route notification falls under.
pub const ROUTE_TOPICS: &str = "/junos/events/kernel/route/#";

/// Runs eventd for `device` until the device goes away, handing every notification to
/// `sink` (which must not block). Route changes are rendered (one notification per route)
/// only while `wants(ROUTE_TOPICS)` says someone could receive them, so programming a
/// million routes with nobody listening costs one check per batch, not a JSON per route.
pub async fn run(
    device: Device,
    wants: impl Fn(&str) -> bool + Send,
    mut sink: impl FnMut(Notification) + Send,
) {
    let mut rx = device.events().subscribe();
    let mut renderer = EventRenderer::new();
    loop {
        match rx.recv().await {
            Ok(ev) => {
                let committed = device.committed();
                let host = committed.config.host_name().unwrap_or("jetd");
                if let DeviceEvent::Route(r) = &ev.event {
                    if wants(ROUTE_TOPICS) {
                        let rib = device.rib();
                        let name = |id| rib.read(|rib| rib.table(id).map(|t| t.name.clone()));
                        // One read of the RIB per batch, released before rendering.
                        let nexthops = rib.read(|rib| gateways_of(rib, &r.changes));
                        for n in renderer.render_routes(r, name, &nexthops, ev.at, host) {
                            sink(n);
                        }
                    }
                }
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
    use crate::sessions::{Login, SessionEvent, SessionInfo, Transport};

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
        assert!(
            topics.contains(&"/junos/events/genpub/config-update"),
            "{topics:?}"
        );
        let done = out
            .iter()
            .find(|n| n.topic == "/junos/events/syslog/UI_COMMIT_COMPLETED")
            .expect("UI_COMMIT_COMPLETED published");
        let v: Value = serde_json::from_str(&done.payload).expect("json");
        let e = &v["jet-event"];
        assert_eq!(e["event-id"], "UI_COMMIT_COMPLETED");
        assert_eq!(e["hostname"], "r1");
        assert_eq!(e["attributes"]["username"], "admin");
        assert!(e["time"].as_str().is_some_and(|t| t.ends_with(" UTC")));
        let update: Value = serde_json::from_str(&out[0].payload).expect("json");
        assert_eq!(update["jet-event"]["attributes"]["comment"], "why");
        assert_eq!(update["jet-event"]["sequence"], 1);
    }

    #[test]
    fn sequences_count_per_topic_root_and_jump_after_a_loss() {
        let mut r = EventRenderer::new();
        let seq = |n: &Notification| -> u64 {
            serde_json::from_str::<Value>(&n.payload).expect("json")["jet-event"]["sequence"]
                .as_u64()
                .expect("sequence")
        };
        let first = r.render(&stamped(commit_event()), "r1");
        let syslog_per_commit = first
            .iter()
            .filter(|n| n.topic.contains("/syslog/"))
            .count() as u64;
        let second = r.render(&stamped(commit_event()), "r1");
        assert_eq!(seq(&second[0]), 2, "genpub root");
        let last_syslog = second
            .iter()
            .rev()
            .find(|n| n.topic.contains("/syslog/"))
            .expect("syslog");
        assert_eq!(seq(last_syslog), 2 * syslog_per_commit, "syslog root");
        r.lost(5);
        let third = r.render(&stamped(commit_event()), "r1");
        assert_eq!(seq(&third[0]), 8, "genpub root after 5 lost");
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
