use jet_device::ifd::{ChangeOp, InterfaceEvent};
use jet_device::DeviceEvent;
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

use crate::{device_with_read_only_user, next_event, text};

const GE0: &str = "interfaces { ge-0/0/0 { description \"to r2\"; unit 0 { \
                   family inet { address 192.0.2.1/24; } } } }";

#[tokio::test]
async fn interfaces_configured_at_start_show_in_terse() {
    let dev = TestDevice::with_config(GE0).await;
    let c = dev.admin("ops").await;
    assert_eq!(
        text(&c, "show interfaces terse ge-0/0/0").await,
        "Interface               Admin Link Proto    Local                 Remote
ge-0/0/0                up    up
ge-0/0/0.0              up    up   inet     192.0.2.1/24
"
    );
}

#[tokio::test]
async fn interfaces_configured_through_config_set_show_at_once() {
    let dev = TestDevice::start().await;
    let c = dev.admin("ops").await;
    let before = text(&c, "show interfaces terse").await;
    assert!(!before.contains("ge-0/0/3.0"), "{before}");
    c.config_set_text(
        "interfaces { ge-0/0/3 { unit 0 { family inet { address 198.51.100.1/31; } family mpls; } } \
         lo0 { unit 0 { family inet { address 10.255.0.1/32; } } } }",
        ConfigLoadType::ConfigLoadMerge,
        "interfaces",
    )
    .await
    .expect("commit");
    let out = text(&c, "show interfaces terse").await;
    assert!(
        out.contains(
            "ge-0/0/3.0              up    up   inet     198.51.100.1/31\n                                   mpls\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("lo0.0                   up    up   inet     10.255.0.1          --> 0/0\n"),
        "{out}"
    );
    // The snapshot API sees the same thing (RIB and interface services read it).
    let snap = dev.device().interfaces();
    let (_, ifl) = snap.ifl("ge-0/0/3.0").expect("unit exists");
    assert_eq!(
        ifl.families[0].addresses[0].local.to_string(),
        "198.51.100.1"
    );
}

#[tokio::test]
async fn simulated_link_down_shows_everywhere_and_up_restores_it() {
    let dev = TestDevice::with_config(GE0).await;
    let c = dev.admin("ops").await;
    let mut bus = dev.device().events().subscribe();
    assert_eq!(
        text(&c, "request interface simulate-link ge-0/0/0 down").await,
        "Interface ge-0/0/0: simulated link down\n"
    );
    let terse = text(&c, "show interfaces terse ge-0/0/0").await;
    assert!(
        terse.contains("ge-0/0/0                up    down\n"),
        "{terse}"
    );
    assert!(
        terse.contains("ge-0/0/0.0              up    down inet     192.0.2.1/24\n"),
        "{terse}"
    );
    let ext = text(&c, "show interfaces ge-0/0/0 extensive").await;
    assert!(
        ext.starts_with("Physical interface: ge-0/0/0, Enabled, Physical link is Down\n"),
        "{ext}"
    );
    assert!(ext.contains("    Carrier transitions: 1, "), "{ext}");
    assert!(ext.contains("  Active alarms  : LINK\n"), "{ext}");

    let ifd = next_event(
        &mut bus,
        "IFD change",
        |e| matches!(e, DeviceEvent::Interface(InterfaceEvent::Ifd(d)) if d.name == "ge-0/0/0"),
    )
    .await;
    match ifd {
        DeviceEvent::Interface(InterfaceEvent::Ifd(d)) => {
            assert_eq!(d.op, ChangeOp::Change);
            assert!(d.flags.admin_up && !d.flags.oper_up);
            assert_eq!(d.snmp_id, 513);
        }
        other => panic!("unexpected {other:?}"),
    }
    next_event(&mut bus, "IFL change", |e| {
        matches!(e, DeviceEvent::Interface(InterfaceEvent::Ifl(l)) if l.name == "ge-0/0/0.0" && !l.flags.oper_up)
    })
    .await;
    next_event(
        &mut bus,
        "SNMP_TRAP_LINK_DOWN",
        |e| matches!(e, DeviceEvent::Syslog(s) if s.event_id == "SNMP_TRAP_LINK_DOWN"),
    )
    .await;

    text(&c, "request interface simulate-link ge-0/0/0 up").await;
    let terse = text(&c, "show interfaces terse ge-0/0/0").await;
    assert!(
        terse.contains("ge-0/0/0                up    up\n"),
        "{terse}"
    );
    next_event(
        &mut bus,
        "SNMP_TRAP_LINK_UP",
        |e| matches!(e, DeviceEvent::Syslog(s) if s.event_id == "SNMP_TRAP_LINK_UP"),
    )
    .await;
}

#[tokio::test]
async fn device_api_simulates_links_too() {
    let dev = TestDevice::start().await;
    dev.device()
        .simulate_link("ge-0/0/5", false)
        .await
        .expect("known port");
    let snap = dev.device().interfaces();
    assert!(!snap.ifd("ge-0/0/5").expect("ge-0/0/5").oper_up());
    let e = dev
        .device()
        .simulate_link("ge-0/0/99", false)
        .await
        .expect_err("unknown port");
    assert_eq!(e.to_string(), "error: device ge-0/0/99 not found");
}

#[tokio::test]
async fn unknown_interfaces_are_not_found_like_junos() {
    let dev = TestDevice::start().await;
    let c = dev.admin("ops").await;
    let e = c
        .op_command("show interfaces ge-0/0/99", OutputFormat::Text)
        .await
        .expect_err("no such device");
    assert_eq!(e.to_string(), "error: device ge-0/0/99 not found");
}

#[tokio::test]
async fn descriptions_render_in_all_three_formats() {
    let dev = TestDevice::with_config(GE0).await;
    let c = dev.admin("ops").await;
    assert_eq!(
        text(&c, "show interfaces descriptions").await,
        "Interface       Admin Link Description\nge-0/0/0        up    up   to r2\n"
    );
    let xml = c
        .op_command("show interfaces descriptions", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        xml.contains("<interface-information xmlns=\"http://xml.juniper.net/junos/24.4R0/junos-interface\" junos:style=\"description\">"),
        "{xml}"
    );
    assert!(xml.contains("<description>to r2</description>"), "{xml}");
    let json = c
        .op_command("show interfaces descriptions", OutputFormat::Json)
        .await
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid json");
    assert_eq!(
        v["interface-information"][0]["physical-interface"][0]["description"][0]["data"],
        "to r2"
    );
}

#[tokio::test]
async fn the_xml_rpc_selects_style_and_interface() {
    let dev = TestDevice::with_config(GE0).await;
    let c = dev.admin("ops").await;
    let out = c
        .op_xml_rpc(
            "<get-interface-information><terse/><interface-name>ge-0/0/0</interface-name></get-interface-information>",
            OutputFormat::Xml,
        )
        .await
        .expect("rpc");
    assert!(out.contains("junos:style=\"terse\""), "{out}");
    assert!(
        out.contains("<ifa-local junos:emit=\"emit\">192.0.2.1/24</ifa-local>"),
        "{out}"
    );
    assert!(!out.contains("ge-0/0/1"), "{out}");
}

#[tokio::test]
async fn a_read_only_user_may_show_but_not_simulate_links() {
    let dev = device_with_read_only_user("Ro-pass-1", "").await;
    let c = dev.client().await;
    c.login("ro", "Ro-pass-1", "ro-app").await.expect("login");
    assert!(text(&c, "show interfaces terse").await.contains("ge-0/0/0"));
    let e = c
        .op_command(
            "request interface simulate-link ge-0/0/0 down",
            OutputFormat::Text,
        )
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("permission denied"), "{e}");
    assert!(dev
        .device()
        .interfaces()
        .ifd("ge-0/0/0")
        .expect("port")
        .oper_up());
}

#[tokio::test]
async fn an_aggregate_follows_the_member_links_its_configuration_names() {
    let dev = TestDevice::with_config(
        "interfaces { ge-0/0/1 { gigether-options { 802.3ad ae0; } } \
         ge-0/0/2 { gigether-options { 802.3ad ae0; } } \
         ae0 { flexible-vlan-tagging; aggregated-ether-options { lacp { active; } } \
         unit 100 { vlan-id 100; family inet { address 203.0.113.1/24; } } } }",
    )
    .await;
    let c = dev.admin("ops").await;
    let terse = text(&c, "show interfaces terse ae0").await;
    assert_eq!(
        terse,
        "Interface               Admin Link Proto    Local                 Remote
ae0                     up    up
ae0.100                 up    up   inet     203.0.113.1/24
"
    );
    let route = text(&c, "show route 203.0.113.0/24").await;
    assert!(route.contains("via ae0.100"), "{route}");
    // Member links list the bundle's units, as Junos does.
    assert_eq!(
        text(&c, "show interfaces terse ge-0/0/1").await,
        "Interface               Admin Link Proto    Local                 Remote
ge-0/0/1                up    up
ge-0/0/1.100            up    up   aenet    --> ae0.100
"
    );
    let xml = c
        .op_command("show interfaces terse ge-0/0/2", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        xml.contains("<ae-bundle-name>ae0.100</ae-bundle-name>"),
        "{xml}"
    );
    // The bundle stays up while one member link is up.
    text(&c, "request interface simulate-link ge-0/0/1 down").await;
    let terse = text(&c, "show interfaces terse ae0").await;
    assert!(
        terse.contains("ae0                     up    up\n"),
        "{terse}"
    );
    let member = text(&c, "show interfaces terse ge-0/0/1").await;
    assert!(
        member.contains("ge-0/0/1.100            up    down aenet    --> ae0.100\n"),
        "{member}"
    );
    text(&c, "request interface simulate-link ge-0/0/2 down").await;
    let terse = text(&c, "show interfaces terse ae0").await;
    assert!(
        terse.contains("ae0                     up    down\n"),
        "{terse}"
    );
    assert!(
        terse.contains("ae0.100                 up    down inet     203.0.113.1/24\n"),
        "{terse}"
    );
    // What the member link's configuration says, as Junos shows it.
    assert_eq!(
        text(&c, "show configuration interfaces ge-0/0/1").await,
        "gigether-options {\n    802.3ad ae0;\n}\n"
    );
}

#[tokio::test]
async fn ports_a_configuration_names_exist_like_the_built_in_ones() {
    let dev = TestDevice::with_config(
        "interfaces { et-0/0/2 { unit 0 { family inet { address 198.51.100.1/31; } } } \
         xe-1/0/0 { description core; unit 0 { family inet { address 10.1.12.2/30; } } } \
         xe-0/0/1 { description spare; } \
         xe-2/0/0:1 { unit 0 { family inet { address 10.9.9.1/30; } } } }",
    )
    .await;
    let c = dev.admin("ops").await;
    let terse = text(&c, "show interfaces terse").await;
    // A channel of a port (`:1`) is a port too.
    assert!(
        terse.contains("xe-2/0/0:1.0            up    up   inet     10.9.9.1/30\n"),
        "{terse}"
    );
    // After the built-in ports, in chassis order (FPC, PIC, port), before fxp0 and lo0.
    let order: Vec<&str> = terse
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| !n.contains('.'))
        .collect();
    let at = |n: &str| order.iter().position(|x| *x == n).expect(n);
    assert!(at("ge-0/0/9") < at("xe-0/0/1"), "{terse}");
    assert!(at("xe-0/0/1") < at("et-0/0/2"), "{terse}");
    assert!(at("et-0/0/2") < at("xe-1/0/0"), "{terse}");
    assert!(at("xe-1/0/0") < at("fxp0"), "{terse}");
    assert!(
        terse.contains("xe-1/0/0.0              up    up   inet     10.1.12.2/30\n"),
        "{terse}"
    );
    let ext = text(&c, "show interfaces xe-1/0/0 extensive").await;
    assert!(ext.contains("Speed: 10Gbps"), "{ext}");
    let route = text(&c, "show route 10.1.12.0/30").await;
    assert!(route.contains("via xe-1/0/0.0"), "{route}");
    text(&c, "request interface simulate-link xe-1/0/0 down").await;
    let terse = text(&c, "show interfaces terse xe-1/0/0").await;
    assert!(
        terse.contains("xe-1/0/0                up    down\n"),
        "{terse}"
    );
    // A port nobody configured is still not there.
    let err = c
        .op_command("show interfaces xe-3/0/0", OutputFormat::Text)
        .await
        .expect_err("no such port");
    assert!(err.to_string().contains("xe-3/0/0"), "{err}");
}

#[tokio::test]
async fn family_iso_shows_as_a_protocol_with_its_network_entity_title() {
    let dev = TestDevice::with_config(
        "interfaces { ge-0/0/0 { unit 0 { family inet { address 10.0.0.1/30; } \
         family iso; family mpls; } } \
         lo0 { unit 0 { family inet { address 10.255.0.1/32; } \
         family iso { address 49.0001.0102.5500.0001.00; } } } }",
    )
    .await;
    let c = dev.admin("ops").await;
    let terse = text(&c, "show interfaces terse").await;
    // Junos's order: inet, iso, inet6, mpls; the NET where an address would be.
    assert!(
        terse.contains(
            "ge-0/0/0.0              up    up   inet     10.0.0.1/30\n\
             \x20                                  iso\n\
             \x20                                  mpls\n"
        ),
        "{terse}"
    );
    assert!(
        terse.contains(
            "lo0.0                   up    up   inet     10.255.0.1          --> 0/0\n\
             \x20                                  iso      49.0001.0102.5500.0001.00\n"
        ),
        "{terse}"
    );
    let ext = text(&c, "show interfaces ge-0/0/0.0 extensive").await;
    assert!(ext.contains("Protocol iso, MTU: 1497"), "{ext}");
    let xml = c
        .op_command("show interfaces terse lo0", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        xml.contains("<address-family-name>iso</address-family-name>")
            && xml.contains("<ifa-local junos:emit=\"emit\">49.0001.0102.5500.0001.00</ifa-local>"),
        "{xml}"
    );
    // No route comes of an ISO address.
    let route = text(&c, "show route").await;
    assert!(!route.contains("49.0001"), "{route}");
}

#[tokio::test]
async fn an_irb_interface_exists_when_configured_and_routes_for_its_units() {
    let dev = TestDevice::start().await;
    let c = dev.admin("ops").await;
    let before = text(&c, "show interfaces terse").await;
    assert!(!before.contains("irb"), "{before}");
    c.config_set_text(
        "interfaces { irb { unit 200 { family inet { address 10.200.0.1/24; } } } }",
        ConfigLoadType::ConfigLoadMerge,
        "irb",
    )
    .await
    .expect("commit");
    let terse = text(&c, "show interfaces terse").await;
    assert!(
        terse.contains("irb                     up    up\nirb.200                 up    up   inet     10.200.0.1/24\n"),
        "{terse}"
    );
    // Between fxp0 and lo0, as Junos sorts software interfaces.
    let fxp0 = terse.find("\nfxp0 ").expect("fxp0");
    let irb = terse.find("\nirb ").expect("irb");
    let lo0 = terse.find("\nlo0 ").expect("lo0");
    assert!(fxp0 < irb && irb < lo0, "{terse}");
    let ext = text(&c, "show interfaces irb extensive").await;
    assert!(
        ext.contains("  Type: Ethernet, Link-level type: Ethernet, MTU: 1514\n"),
        "{ext}"
    );
    let route = text(&c, "show route 10.200.0.0/24").await;
    assert!(route.contains("via irb.200"), "{route}");
}

#[tokio::test]
async fn an_interface_range_brings_its_units_to_every_member() {
    let dev = TestDevice::with_config(
        "interfaces { interface-range EDGE { member-range ge-0/0/6 to ge-0/0/7; \
         description edge; unit 0 { family mpls; } } \
         ge-0/0/6 { unit 0 { family inet { address 10.6.0.1/24; } } } }",
    )
    .await;
    let c = dev.admin("ops").await;
    let terse = text(&c, "show interfaces terse").await;
    assert!(
        terse.contains(
            "ge-0/0/6.0              up    up   inet     10.6.0.1/24\n\
             \x20                                  mpls\n"
        ),
        "{terse}"
    );
    assert!(
        terse.contains("ge-0/0/7.0              up    up   mpls\n"),
        "{terse}"
    );
    let desc = text(&c, "show interfaces descriptions").await;
    assert!(desc.contains("ge-0/0/7") && desc.contains("edge"), "{desc}");
}
