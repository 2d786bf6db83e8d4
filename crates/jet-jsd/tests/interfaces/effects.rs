//! API objects behave like configured ones: `show interfaces` (text, XML, JSON) marks
//! them, Direct/Local routes enter the RIB, interface events go out, the routing
//! Interfaces service sees them; they are never written into the configuration, and a
//! commit that configures the same attribute takes precedence.

use std::time::Duration;

use jet_device::ifd::{ChangeOp, InterfaceEvent};
use jet_device::DeviceEvent;
use jet_sdk::interfaces::{address, aggregate, arp, family, interface, unit, Af};
use jet_sdk::proto::jnx::jet::routing::interfaces::{
    self as rt, interface_get_request::Key, interfaces_client::InterfacesClient as RtClient,
};
use jet_sdk::OutputFormat;

use crate::{dcd, device, ok};

async fn wait_for(
    c: &jet_sdk::JetClient,
    cmd: &str,
    what: &str,
    cond: impl Fn(&str) -> bool,
) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let out = c.op_command(cmd, OutputFormat::Text).await.expect(cmd);
        if cond(&out) {
            return out;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}:\n{out}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn an_api_aggregate_shows_routes_and_events_like_a_configured_one() {
    let dev = device().await;
    let mut bus = dev.device().events().subscribe();
    let (c, mut i) = dcd(&dev, "lag-app").await;
    ok!(i.interface_add(
        aggregate("ae0", &["ge-0/0/1", "ge-0/0/2"])
            .integer("mtu", 9000)
            .add_request()
    ));
    ok!(i.interface_add(unit("ae0", 0).add_request()));
    ok!(i.interface_add(family("ae0", 0, Af::Inet).add_request()));
    ok!(i.interface_add(address("ae0", 0, "192.0.2.1/24").add_request()));
    ok!(i.interface_add(arp("ae0", 0, "192.0.2.1", "192.0.2.9", "00:11:22:33:44:55").add_request()));
    // A family and address on the public configured unit ge-0/0/0.0.
    ok!(i.interface_add(family("ge-0/0/0", 0, Af::Inet6).add_request()));
    ok!(i.interface_add(address("ge-0/0/0", 0, "2001:db8::1/64").add_request()));

    let show = wait_for(&c, "show interfaces ae0", "ae0", |o| o.contains("ae0.0")).await;
    assert!(
        show.contains("Physical interface: ae0, Enabled, Physical link is Up"),
        "{show}"
    );
    assert!(show.contains("MTU: 9000, Speed: 2000mbps"), "{show}");
    assert!(
        show.contains("Aggregate member links: ge-0/0/1, ge-0/0/2"),
        "{show}"
    );
    assert!(show.contains("  JET API client : lag-app\n"), "{show}");
    assert!(show.contains("    JET API client: lag-app\n"), "{show}");
    assert!(
        show.contains("Flags: Is-Preferred Is-Primary JET-API"),
        "{show}"
    );
    assert!(
        show.contains("Static ARP: 192.0.2.9 MAC 00:11:22:33:44:55 (JET API)"),
        "{show}"
    );
    let terse = c
        .op_command("show interfaces terse", OutputFormat::Text)
        .await
        .unwrap();
    assert!(terse.contains("ae0.0"), "{terse}");
    assert!(terse.contains("2001:db8::1/64"), "{terse}");
    let xml = c
        .op_command("show interfaces ae0", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(
        xml.contains("<jet-api-client>lag-app</jet-api-client>"),
        "{xml}"
    );
    assert!(
        xml.contains("<member-link-name>ge-0/0/1</member-link-name>"),
        "{xml}"
    );
    let json = c
        .op_command("show interfaces ae0", OutputFormat::Json)
        .await
        .unwrap();
    assert!(json.contains("\"jet-api-client\""), "{json}");
    assert!(json.contains("ifaf-jet-api"), "{json}");

    let routes = wait_for(&c, "show route", "direct and local routes", |o| {
        o.contains("192.0.2.0/24") && o.contains("2001:db8::/64")
    })
    .await;
    assert!(
        routes.contains("192.0.2.1/32") && routes.contains("Local"),
        "{routes}"
    );
    assert!(routes.contains("via ae0.0"), "{routes}");

    // The events of the new objects went out on the device bus (eventd publishes them).
    let mut seen = (false, false, false);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while seen != (true, true, true) {
        let e = tokio::time::timeout_at(deadline, bus.recv())
            .await
            .expect("events")
            .expect("bus");
        match &e.event {
            DeviceEvent::Interface(InterfaceEvent::Ifd(d))
                if d.name == "ae0" && d.op == ChangeOp::Add =>
            {
                seen.0 = true
            }
            DeviceEvent::Interface(InterfaceEvent::Ifl(l))
                if l.name == "ae0.0" && l.op == ChangeOp::Add =>
            {
                seen.1 = true
            }
            DeviceEvent::Interface(InterfaceEvent::Ifa(a))
                if a.name == "ae0.0" && a.op == ChangeOp::Add =>
            {
                seen.2 = true
            }
            _ => {}
        }
    }

    // The routing Interfaces service sees the API unit with its address.
    let mut r = RtClient::new(c.channel());
    r.interface_initialize(rt::InterfaceInitializeRequest {})
        .await
        .expect("init");
    let g = r
        .interface_get(rt::InterfaceGetRequest {
            key: Some(Key::Name("ae0.0".into())),
            address_format: 0,
        })
        .await
        .expect("get")
        .into_inner();
    let entry = g.entry.expect("ae0.0 entry");
    assert_eq!(entry.addresses.len(), 1, "{entry:?}");

    // Not in the configuration.
    let cfg = c
        .op_command("show configuration interfaces", OutputFormat::Text)
        .await
        .unwrap();
    assert!(
        !cfg.contains("ae0") && !cfg.contains("2001:db8::1"),
        "{cfg}"
    );

    // A member link going down: the bundle stays up on the other; both down: it goes down.
    dev.device().simulate_link("ge-0/0/1", false).await.unwrap();
    let show = wait_for(&c, "show interfaces ae0", "ae0 up", |o| {
        o.contains("Physical link is Up")
    })
    .await;
    assert!(
        show.contains("Speed: 2000mbps") || show.contains("Physical link is Up"),
        "{show}"
    );
    dev.device().simulate_link("ge-0/0/2", false).await.unwrap();
    wait_for(&c, "show interfaces ae0", "ae0 down", |o| {
        o.contains("Physical link is Down")
    })
    .await;
    wait_for(&c, "show route", "direct route withdrawn", |o| {
        !o.contains("192.0.2.0/24")
    })
    .await;
}

#[tokio::test]
async fn a_commit_that_configures_the_same_attribute_takes_precedence() {
    let dev = device().await;
    let (c, mut i) = dcd(&dev, "prec").await;
    ok!(i.interface_add(
        interface("ge-0/0/6")
            .integer("mtu", 2000)
            .string("mac", "02:00:00:00:00:66")
            .add_request()
    ));
    let show = wait_for(&c, "show interfaces ge-0/0/6", "api mtu", |o| {
        o.contains("MTU: 2000")
    })
    .await;
    assert!(
        show.contains("Current address: 02:00:00:00:00:66, Hardware address: 02:05:86:"),
        "{show}"
    );
    c.config_set_text(
        "interfaces { ge-0/0/6 { mtu 4000; } }",
        jet_sdk::proto::jnx::jet::management::ConfigLoadType::ConfigLoadMerge,
        "cfg wins",
    )
    .await
    .expect("commit");
    wait_for(&c, "show interfaces ge-0/0/6", "configured mtu", |o| {
        o.contains("MTU: 4000")
    })
    .await;
    // The API keeps its value; the configured one is in force while it is committed.
    let api = dev.device().interfaces_api_state().await.unwrap();
    assert_eq!(api.trees["ge-0/0/6"].mtu, Some(2000));
}
