//! Static ARP/NDP entries as a router shows them: `show arp` and `show ipv6 neighbors`
//! list the configured entries (`arp A mac M [publish]`, `ndp A mac M`) and those added
//! through the API, in text, XML and JSON; the entries go with their unit.

use std::time::Duration;

use jet_sdk::interfaces::{address, arp, family, unit, Af};
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::{JetClient, OutputFormat};

use crate::{dcd, device, ok};

async fn wait_for(c: &JetClient, cmd: &str, what: &str, cond: impl Fn(&str) -> bool) -> String {
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

async fn set(c: &JetClient, lines: &str) {
    c.config_set_text(lines, ConfigLoadType::ConfigLoadSet, "static neighbors")
        .await
        .expect("commit");
}

#[tokio::test]
async fn configured_static_arp_and_ndp_entries_are_shown_and_leave_with_their_unit() {
    let dev = device().await;
    let c = dev.admin("ops").await;
    // One set line with the trailing `publish` flag.
    set(
        &c,
        "set interfaces ge-0/0/1 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.9 mac 00:11:22:33:44:55 publish\n\
         set interfaces ge-0/0/2 unit 0 family inet address 198.51.100.1/24 arp 198.51.100.7 mac 00:11:22:33:44:07\n\
         set interfaces ge-0/0/2 unit 0 family inet6 address 2001:db8::1/64 ndp 2001:db8::9 mac 00:11:22:33:44:99\n",
    )
    .await;
    let out = wait_for(&c, "show arp", "configured arp", |o| {
        o.contains("Total entries: 2")
    })
    .await;
    assert!(
        out.starts_with(
            "MAC Address       Address         Name                      Interface               Flags\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("00:11:22:33:44:55 192.0.2.9       192.0.2.9                 ge-0/0/1.0              permanent published\n"),
        "{out}"
    );
    assert!(
        out.contains("00:11:22:33:44:07 198.51.100.7    198.51.100.7              ge-0/0/2.0              permanent\n"),
        "{out}"
    );

    let xml = c
        .op_command("show arp no-resolve", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(xml.contains("junos:style=\"no-resolve\""), "{xml}");
    assert!(
        xml.contains("<interface-name>ge-0/0/1.0</interface-name>"),
        "{xml}"
    );
    assert!(xml.contains("<published/>"), "{xml}");
    assert!(
        xml.contains("<arp-entry-count>2</arp-entry-count>"),
        "{xml}"
    );
    let rpc = c
        .op_xml_rpc(
            "<get-arp-table-information><interface>ge-0/0/2.0</interface></get-arp-table-information>",
            OutputFormat::Xml,
        )
        .await
        .expect("rpc");
    assert!(
        rpc.contains("<arp-entry-count>1</arp-entry-count>"),
        "{rpc}"
    );
    assert!(rpc.contains("198.51.100.7"), "{rpc}");

    let only = c
        .op_command("show arp interface ge-0/0/1.0", OutputFormat::Text)
        .await
        .expect("filter");
    assert!(
        only.contains("192.0.2.9") && !only.contains("198.51.100.7"),
        "{only}"
    );
    assert!(only.ends_with("Total entries: 1\n"), "{only}");
    let host = c
        .op_command("show arp hostname 198.51.100.7", OutputFormat::Json)
        .await
        .expect("hostname");
    assert!(
        host.contains("198.51.100.7") && !host.contains("192.0.2.9"),
        "{host}"
    );

    let nd = c
        .op_command("show ipv6 neighbors", OutputFormat::Text)
        .await
        .expect("nd");
    assert!(
        nd.contains("2001:db8::9                   00:11:22:33:44:99  permanent   0     no   no      ge-0/0/2.0\n"),
        "{nd}"
    );
    assert!(nd.ends_with("Total entries: 1\n"), "{nd}");
    let ndx = c
        .op_command("show ipv6 neighbors", OutputFormat::Xml)
        .await
        .expect("nd xml");
    assert!(
        ndx.contains("<ipv6-nd-neighbor-address>2001:db8::9</ipv6-nd-neighbor-address>"),
        "{ndx}"
    );

    // Deleting the unit takes its entries away.
    set(&c, "delete interfaces ge-0/0/2 unit 0\n").await;
    let out = wait_for(&c, "show arp", "entries of ge-0/0/2.0 gone", |o| {
        o.contains("Total entries: 1")
    })
    .await;
    assert!(!out.contains("198.51.100.7"), "{out}");
    let nd = wait_for(&c, "show ipv6 neighbors", "ndp entry gone", |o| {
        o.contains("Total entries: 0")
    })
    .await;
    assert!(!nd.contains("2001:db8::9"), "{nd}");
}

#[tokio::test]
async fn api_entries_are_permanent_follow_updates_and_go_with_their_unit() {
    let dev = device().await;
    let (c, mut i) = dcd(&dev, "arp-app").await;
    // Under the configured (public) unit ge-0/0/0.0 and on an API unit of ge-0/0/3.
    ok!(i.interface_add(
        arp("ge-0/0/0", 0, "10.0.0.1", "10.0.0.9", "00:11:22:33:44:09").add_request()
    ));
    ok!(i.interface_add(unit("ge-0/0/3", 0).add_request()));
    ok!(i.interface_add(family("ge-0/0/3", 0, Af::Inet).add_request()));
    ok!(i.interface_add(family("ge-0/0/3", 0, Af::Inet6).add_request()));
    ok!(i.interface_add(address("ge-0/0/3", 0, "203.0.113.1/24").add_request()));
    ok!(i.interface_add(address("ge-0/0/3", 0, "2001:db8:3::1/64").add_request()));
    ok!(i.interface_add(
        arp(
            "ge-0/0/3",
            0,
            "203.0.113.1",
            "203.0.113.5",
            "00:11:22:33:44:05"
        )
        .add_request()
    ));
    ok!(i.interface_add(
        arp(
            "ge-0/0/3",
            0,
            "2001:db8:3::1",
            "2001:db8:3::5",
            "00:11:22:33:44:65"
        )
        .add_request()
    ));

    let out = wait_for(&c, "show arp", "api arp", |o| {
        o.contains("Total entries: 2")
    })
    .await;
    assert!(
        out.contains("00:11:22:33:44:09 10.0.0.9        10.0.0.9                  ge-0/0/0.0              permanent\n"),
        "{out}"
    );
    assert!(
        out.contains("00:11:22:33:44:05 203.0.113.5     203.0.113.5               ge-0/0/3.0              permanent\n"),
        "{out}"
    );
    let xml = c
        .op_command("show arp interface ge-0/0/3.0", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        xml.contains("<permanent/>") && !xml.contains("<published/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<arp-entry-count>1</arp-entry-count>"),
        "{xml}"
    );
    let nd = c
        .op_command("show ipv6 neighbors interface ge-0/0/3", OutputFormat::Text)
        .await
        .expect("nd");
    assert!(
        nd.contains("2001:db8:3::5") && nd.contains("00:11:22:33:44:65"),
        "{nd}"
    );

    // InterfaceUpdate changes the MAC shown.
    ok!(i.interface_update(
        arp(
            "ge-0/0/3",
            0,
            "203.0.113.1",
            "203.0.113.5",
            "00:11:22:33:44:aa"
        )
        .update_request()
    ));
    wait_for(&c, "show arp interface ge-0/0/3.0", "updated mac", |o| {
        o.contains("00:11:22:33:44:aa 203.0.113.5")
    })
    .await;

    // Deleting the API unit removes its entries; the one under the public unit stays.
    ok!(i.interface_delete(unit("ge-0/0/3", 0).delete_request()));
    let out = wait_for(&c, "show arp", "unit gone", |o| {
        o.contains("Total entries: 1")
    })
    .await;
    assert!(
        out.contains("10.0.0.9") && !out.contains("203.0.113.5"),
        "{out}"
    );
    let nd = wait_for(&c, "show ipv6 neighbors", "ndp gone", |o| {
        o.contains("Total entries: 0")
    })
    .await;
    assert!(!nd.contains("2001:db8:3::5"), "{nd}");
}
