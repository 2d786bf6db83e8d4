//! The notification service end to end: a real device, its MQTT broker, eventd, and a
//! real MQTT client (rumqttc).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_testkit::{free_port, TestDevice};
use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, QoS};
use serde_json::Value;

async fn subscriber(dev: &TestDevice, id: &str, filter: &str) -> (AsyncClient, EventLoop) {
    let addr = dev.mqtt_addr().expect("notification service listens");
    let mut opts = MqttOptions::new(id, addr.ip().to_string(), addr.port());
    opts.set_keep_alive(Duration::from_secs(30));
    let (client, mut ev) = AsyncClient::new(opts, 64);
    client
        .subscribe(filter, QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    // Wait for SUBACK so nothing published afterwards is missed.
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ev.poll()).await {
            Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => break,
            Ok(Ok(_)) => {}
            other => panic!("no SUBACK: {other:?}"),
        }
    }
    (client, ev)
}

/// Collects publishes until `done` says enough or 10 s pass.
async fn collect(
    ev: &mut EventLoop,
    mut done: impl FnMut(&[(String, Value)]) -> bool,
) -> Vec<(String, Value)> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(&got) {
        match tokio::time::timeout_at(deadline, ev.poll()).await {
            Ok(Ok(Event::Incoming(Packet::Publish(p)))) => {
                let v: Value = serde_json::from_slice(&p.payload).expect("jet-event JSON");
                got.push((p.topic.clone(), v));
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("MQTT error: {e}"),
            Err(_) => panic!(
                "timed out; got {:?}",
                got.iter().map(|g| &g.0).collect::<Vec<_>>()
            ),
        }
    }
    got
}

fn has(got: &[(String, Value)], topic: &str) -> bool {
    got.iter().any(|(t, _)| t == topic)
}

#[tokio::test]
async fn a_commit_publishes_config_update_and_ui_commit_completed_as_jet_events() {
    let dev = TestDevice::start().await;
    let (_c, mut ev) = subscriber(&dev, "commit-watch", "/junos/events/#").await;
    let jet = dev.admin("committer").await;
    jet.config_set_text(
        "system { host-name evented; }",
        ConfigLoadType::ConfigLoadMerge,
        "via mqtt",
    )
    .await
    .expect("commit");
    let got = collect(&mut ev, |g| {
        has(g, "/junos/events/genpub/config-update")
            && has(g, "/junos/events/syslog/UI_COMMIT_COMPLETED")
    })
    .await;
    let (_, done) = got
        .iter()
        .find(|(t, _)| t == "/junos/events/syslog/UI_COMMIT_COMPLETED")
        .expect("UI_COMMIT_COMPLETED");
    let e = &done["jet-event"];
    assert_eq!(e["event-id"], "UI_COMMIT_COMPLETED");
    assert_eq!(e["hostname"], "evented");
    assert!(e["time"].is_string() && e["severity"].is_string() && e["facility"].is_string());
    assert_eq!(e["attributes"]["username"], "admin");
    assert!(e["sequence"].as_u64().is_some_and(|s| s >= 1));
    let (_, update) = got
        .iter()
        .find(|(t, _)| t == "/junos/events/genpub/config-update")
        .expect("update");
    assert_eq!(update["jet-event"]["attributes"]["comment"], "via mqtt");
    // The login before the commit was published too.
    assert!(
        has(&got, "/junos/events/syslog/UI_LOGIN_EVENT"),
        "{:?}",
        got.iter().map(|g| &g.0).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_link_going_down_publishes_the_ifd_change_and_snmp_trap_link_down() {
    let dev = TestDevice::start().await;
    let (_c, mut ev) = subscriber(&dev, "link-watch", "/junos/events/#").await;
    dev.device()
        .simulate_link("ge-0/0/3", false)
        .await
        .expect("link down");
    let got = collect(&mut ev, |g| {
        has(g, "/junos/events/kernel/interfaces/ifd/change/ge-0/0/3")
            && has(g, "/junos/events/syslog/SNMP_TRAP_LINK_DOWN")
    })
    .await;
    let (_, ifd) = got
        .iter()
        .find(|(t, _)| t == "/junos/events/kernel/interfaces/ifd/change/ge-0/0/3")
        .expect("ifd change");
    let e = &ifd["jet-event"];
    assert_eq!(e["event-id"], "KERNEL_EVENT_IFD_CHANGE");
    assert_eq!(e["facility"], "KERNEL");
    assert_eq!(e["severity"], "info");
    assert_eq!(e["attributes"]["name"], "ge-0/0/3");
    // The latest event of each interface is retained: a late subscriber gets it at once.
    let (_late, mut late_ev) = subscriber(
        &dev,
        "late",
        "/junos/events/kernel/interfaces/ifd/+/ge-0/0/3",
    )
    .await;
    let late = collect(&mut late_ev, |g| !g.is_empty()).await;
    assert_eq!(
        late[0].0,
        "/junos/events/kernel/interfaces/ifd/change/ge-0/0/3"
    );
}

#[tokio::test]
async fn a_committed_notification_port_moves_the_broker_at_once() {
    let dev = TestDevice::start().await;
    let new_port = free_port();
    let jet = dev.admin("mover").await;
    jet.config_set_text(
        &format!("set system services extension-service notification port {new_port}"),
        ConfigLoadType::ConfigLoadSet,
        "move mqtt",
    )
    .await
    .expect("commit");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while dev.mqtt_addr().map(|a| a.port()) != Some(new_port) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "broker did not move: {:?}",
            dev.mqtt_addr()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_c, mut ev) = subscriber(&dev, "after-move", "/junos/events/syslog/#").await;
    jet.config_set_text(
        "system { host-name moved; }",
        ConfigLoadType::ConfigLoadMerge,
        "",
    )
    .await
    .expect("commit");
    let got = collect(&mut ev, |g| {
        has(g, "/junos/events/syslog/UI_COMMIT_COMPLETED")
    })
    .await;
    assert!(!got.is_empty());
}

#[tokio::test]
async fn apps_cannot_publish_under_junos_but_can_under_their_own_topics() {
    let dev = TestDevice::start().await;
    let (_c, mut ev) = subscriber(&dev, "watcher", "#").await;
    let addr = dev.mqtt_addr().expect("mqtt");
    let (app, mut app_ev) = AsyncClient::new(
        MqttOptions::new("app", addr.ip().to_string(), addr.port()),
        16,
    );
    tokio::spawn(async move { while app_ev.poll().await.is_ok() {} });
    app.publish("/junos/events/syslog/FAKE", QoS::AtMostOnce, false, "{}")
        .await
        .expect("queued");
    app.publish("/app/demo/status", QoS::AtMostOnce, false, "{\"ok\":true}")
        .await
        .expect("queued");
    let got = collect(&mut ev, |g| has(g, "/app/demo/status")).await;
    assert!(
        !has(&got, "/junos/events/syslog/FAKE"),
        "a network client published under /junos/"
    );
}

#[tokio::test]
async fn show_commands_list_mqtt_clients_and_statistics() {
    let dev = TestDevice::start().await;
    let (_c, _ev) = subscriber(&dev, "shown-client", "/junos/events/#").await;
    let jet = dev.admin("ops").await;
    let text = jet
        .op_command(
            "show extension-service notification clients",
            jet_sdk::OutputFormat::Text,
        )
        .await
        .expect("clients");
    assert!(text.contains("shown-client"), "{text}");
    assert!(text.contains("subscription: /junos/events/#"), "{text}");
    let json = jet
        .op_command(
            "show extension-service notification clients",
            jet_sdk::OutputFormat::Json,
        )
        .await
        .expect("clients json");
    let v: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        v["notification-client-information"][0]["client"][0]["client-id"][0]["data"],
        "shown-client"
    );
    let stats = jet
        .op_command(
            "show extension-service notification statistics",
            jet_sdk::OutputFormat::Text,
        )
        .await
        .expect("stats");
    let addr = dev.mqtt_addr().expect("mqtt").to_string();
    assert!(stats.contains(&addr), "{stats}");
    let subs_line = stats
        .lines()
        .find(|l| l.trim_start().starts_with("Subscriptions:"))
        .expect("line");
    assert!(subs_line.ends_with(" 1"), "{stats}");
    assert!(stats.contains("Device events:"), "{stats}");
}

fn mqtt_port_config(extra: &str) -> String {
    format!("system {{ services {{ extension-service {{ notification {{ {extra} }} }} }} }}")
}

#[tokio::test]
async fn deny_subscribe_filters_are_answered_with_suback_failure() {
    let dev = TestDevice::with_config(&mqtt_port_config(
        "deny-subscribe \"/junos/events/kernel/#\";",
    ))
    .await;
    let addr = dev.mqtt_addr().expect("mqtt");
    let (client, mut ev) = AsyncClient::new(
        MqttOptions::new("denied", addr.ip().to_string(), addr.port()),
        16,
    );
    client
        .subscribe("/junos/events/kernel/#", QoS::AtMostOnce)
        .await
        .expect("queued");
    client
        .subscribe("/junos/events/syslog/#", QoS::AtMostOnce)
        .await
        .expect("queued");
    let mut codes = Vec::new();
    while codes.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(10), ev.poll()).await {
            Ok(Ok(Event::Incoming(Packet::SubAck(a)))) => codes.extend(a.return_codes),
            Ok(Ok(_)) => {}
            other => panic!("no SUBACK: {other:?}"),
        }
    }
    assert_eq!(codes[0], rumqttc::SubscribeReasonCode::Failure);
    assert!(
        matches!(codes[1], rumqttc::SubscribeReasonCode::Success(_)),
        "{codes:?}"
    );
}

#[tokio::test]
async fn authentication_required_refuses_anonymous_clients_and_accepts_login_users() {
    let dev = TestDevice::with_config(&mqtt_port_config("authentication { required; }")).await;
    let addr = dev.mqtt_addr().expect("mqtt");
    let connack = |opts: MqttOptions| async move {
        let (_c, mut ev) = AsyncClient::new(opts, 4);
        loop {
            match tokio::time::timeout(Duration::from_secs(10), ev.poll()).await {
                Ok(Ok(Event::Incoming(Packet::ConnAck(a)))) => return Ok(a.code),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => panic!("no CONNACK"),
            }
        }
    };
    let anon = connack(MqttOptions::new("anon", addr.ip().to_string(), addr.port())).await;
    assert!(
        anon.is_err() || anon != Ok(rumqttc::ConnectReturnCode::Success),
        "{anon:?}"
    );
    let mut bad = MqttOptions::new("bad", addr.ip().to_string(), addr.port());
    bad.set_credentials("admin", "wrong-password");
    let bad = connack(bad).await;
    assert!(
        bad.is_err() || bad != Ok(rumqttc::ConnectReturnCode::Success),
        "{bad:?}"
    );
    let mut good = MqttOptions::new("good", addr.ip().to_string(), addr.port());
    good.set_credentials("admin", dev.admin_password.clone());
    assert_eq!(connack(good).await, Ok(rumqttc::ConnectReturnCode::Success));
}

/// A mosquitto broker on a free loopback port, stopped on drop.
struct Mosquitto {
    child: std::process::Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Mosquitto {
    fn start(port: u16) -> Mosquitto {
        let dir = tempfile::tempdir().expect("tempdir");
        let conf = dir.path().join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!("listener {port} 127.0.0.1\nallow_anonymous true\n"),
        )
        .expect("conf");
        let bin = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("mosquitto is installed (Debian package mosquitto)");
        let child = std::process::Command::new(bin)
            .arg("-c")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("mosquitto starts");
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "mosquitto did not listen"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Mosquitto {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn external_subscriber(port: u16) -> EventLoop {
    let (client, mut ev) = AsyncClient::new(MqttOptions::new("outside", "127.0.0.1", port), 64);
    client
        .subscribe("/junos/events/#", QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ev.poll()).await {
            Ok(Ok(Event::Incoming(Packet::SubAck(_)))) => return ev,
            Ok(Ok(_)) => {}
            other => panic!("no SUBACK from mosquitto: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_bridge_forwards_device_events_into_a_real_mosquitto() {
    let mosq = Mosquitto::start(free_port());
    let mut outside = external_subscriber(mosq.port).await;
    let dev = TestDevice::with_config(&mqtt_port_config(&format!(
        "bridge lab {{ address 127.0.0.1; port {}; topic /junos/events/syslog/#; }}",
        mosq.port
    )))
    .await;
    let jet = dev.admin("bridged").await;
    jet.config_set_text(
        "system { host-name bridged; }",
        ConfigLoadType::ConfigLoadMerge,
        "",
    )
    .await
    .expect("commit");
    let got = collect(&mut outside, |g| {
        has(g, "/junos/events/syslog/UI_COMMIT_COMPLETED")
    })
    .await;
    assert!(
        got.iter()
            .all(|(t, _)| t.starts_with("/junos/events/syslog/")),
        "only the configured topics are forwarded: {:?}",
        got.iter().map(|g| &g.0).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_bridge_buffers_events_until_its_broker_comes_up() {
    let port = free_port();
    let dev = TestDevice::with_config(&mqtt_port_config(&format!(
        "bridge late {{ address 127.0.0.1; port {port}; }}"
    )))
    .await;
    // An event while the external broker is down: it waits in the bridge's queue. Link
    // events are retained, so the outside subscriber gets it whenever it subscribes.
    dev.device()
        .simulate_link("ge-0/0/5", false)
        .await
        .expect("link down");
    let mosq = Mosquitto::start(port);
    let mut outside = external_subscriber(mosq.port).await;
    let got = collect(&mut outside, |g| {
        has(g, "/junos/events/kernel/interfaces/ifd/change/ge-0/0/5")
    })
    .await;
    let (_, ev) = got
        .iter()
        .find(|(t, _)| t == "/junos/events/kernel/interfaces/ifd/change/ge-0/0/5")
        .expect("buffered event delivered");
    assert_eq!(ev["jet-event"]["attributes"]["name"], "ge-0/0/5");
}

#[tokio::test]
async fn route_changes_are_published_on_the_kernel_route_topics() {
    let dev = TestDevice::start().await;
    let (_c, mut ev) = subscriber(&dev, "route-watch", "/junos/events/kernel/route/#").await;
    let jet = dev.admin("router").await;
    jet.config_set_text(
        "routing-options { static { route 198.51.100.0/24 discard; \
         route 203.0.113.0/24 next-hop [ 192.0.2.1 192.0.2.2 ]; } }",
        ConfigLoadType::ConfigLoadMerge,
        "",
    )
    .await
    .expect("commit");
    let topic = "/junos/events/kernel/route/add/inet/198.51.100.0/24";
    let via = "/junos/events/kernel/route/add/inet/203.0.113.0/24";
    let got = collect(&mut ev, |g| has(g, topic) && has(g, via)).await;
    let (_, r) = got.iter().find(|(t, _)| t == via).expect("route add");
    assert_eq!(
        r["jet-event"]["attributes"]["nexthop-address"],
        serde_json::json!(["192.0.2.1", "192.0.2.2"])
    );
    let (_, r) = got.iter().find(|(t, _)| t == topic).expect("route add");
    let e = &r["jet-event"];
    assert_eq!(e["event-id"], "KERNEL_EVENT_ROUTE_ADD");
    assert_eq!(e["facility"], "KERNEL");
    assert_eq!(e["attributes"]["table-name"], "inet.0");
    assert_eq!(e["attributes"]["route-type"], "Static");
    assert_eq!(e["attributes"]["route-prefix"], "198.51.100.0/24");
    assert_eq!(e["attributes"]["nexthop-address"], serde_json::json!([]));
    // And its withdrawal.
    jet.config_set_text(
        "delete routing-options static route 198.51.100.0/24",
        ConfigLoadType::ConfigLoadSet,
        "",
    )
    .await
    .expect("commit");
    let gone = "/junos/events/kernel/route/delete/inet/198.51.100.0/24";
    collect(&mut ev, |g| has(g, gone)).await;
}
