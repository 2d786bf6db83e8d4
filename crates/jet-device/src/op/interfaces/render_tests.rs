//! Golden renderings of `show interfaces` (literal expected output).

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::ifd::model::{AddressConf, FamilyConf, IfdConf, IflConf, Model};
use crate::ifd::FamilyKind;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 3, 30, 0)
        .single()
        .expect("time")
}

fn fam(kind: FamilyKind, addrs: &[&str]) -> FamilyConf {
    FamilyConf {
        kind,
        addresses: addrs
            .iter()
            .map(|p| {
                let (a, l) = p.split_once('/').expect("prefix");
                AddressConf {
                    local: a.parse().expect("ip"),
                    prefix_len: l.parse().expect("len"),
                    primary: false,
                    api: false,
                }
            })
            .collect(),
        input_filter: None,
        output_filter: None,
        neighbors: Vec::new(),
        nets: Vec::new(),
    }
}

/// ge-0/0/0 with a description and inet + mpls on unit 0, ge-0/0/1 link down, lo0.0 with
/// two host addresses.
fn sample() -> InterfacesSnapshot {
    let conf = vec![
        IfdConf {
            name: "ge-0/0/0".into(),
            description: Some("to-r2 core link".into()),
            units: vec![IflConf {
                unit: 0,
                description: Some("cust-a".into()),
                families: vec![
                    fam(FamilyKind::Inet, &["192.0.2.1/24"]),
                    fam(FamilyKind::Mpls, &[]),
                ],
                ..IflConf::default()
            }],
            ..IfdConf::default()
        },
        IfdConf {
            name: "lo0".into(),
            units: vec![IflConf {
                unit: 0,
                families: vec![fam(FamilyKind::Inet, &["10.255.0.1/32", "10.255.0.11/32"])],
                ..IflConf::default()
            }],
            ..IfdConf::default()
        },
    ];
    let mut m = Model::new(0xabcd, conf, t0());
    m.set_link("ge-0/0/1", false, t0()).expect("known");
    m.snapshot().clone()
}

fn show(name: Option<&str>, style: Style, format: Format) -> String {
    let q = InterfacesQuery {
        name: name.map(str::to_owned),
        style,
    };
    render(
        &sample(),
        &q,
        format,
        t0() + chrono::Duration::seconds(3723),
    )
    .expect("renders")
}

#[test]
fn terse_lists_every_interface_with_units_families_and_addresses() {
    assert_eq!(
        show(None, Style::Terse, Format::Text),
        r#"Interface               Admin Link Proto    Local                 Remote
ge-0/0/0                up    up
ge-0/0/0.0              up    up   inet     192.0.2.1/24
                                   mpls
ge-0/0/1                up    down
ge-0/0/2                up    up
ge-0/0/3                up    up
ge-0/0/4                up    up
ge-0/0/5                up    up
ge-0/0/6                up    up
ge-0/0/7                up    up
ge-0/0/8                up    up
ge-0/0/9                up    up
fxp0                    up    up
lo0                     up    up
lo0.0                   up    up   inet     10.255.0.1          --> 0/0
                                            10.255.0.11         --> 0/0
"#
    );
}

#[test]
fn terse_xml_of_one_interface_nests_units_and_marks_addresses_emit() {
    assert_eq!(
        show(Some("ge-0/0/0"), Style::Terse, Format::Xml),
        r#"<rpc-reply xmlns:junos="http://xml.juniper.net/junos/24.4R1/junos">
    <interface-information xmlns="http://xml.juniper.net/junos/24.4R0/junos-interface" junos:style="terse">
        <physical-interface>
            <name>ge-0/0/0</name>
            <admin-status>up</admin-status>
            <oper-status>up</oper-status>
            <logical-interface>
                <name>ge-0/0/0.0</name>
                <admin-status>up</admin-status>
                <oper-status>up</oper-status>
                <filter-information>
                </filter-information>
                <address-family>
                    <address-family-name>inet</address-family-name>
                    <interface-address>
                        <ifa-local junos:emit="emit">192.0.2.1/24</ifa-local>
                    </interface-address>
                </address-family>
                <address-family>
                    <address-family-name>mpls</address-family-name>
                </address-family>
            </logical-interface>
        </physical-interface>
    </interface-information>
    <cli>
        <banner></banner>
    </cli>
</rpc-reply>
"#
    );
}

#[test]
fn descriptions_list_only_described_interfaces_and_units() {
    assert_eq!(
        show(None, Style::Descriptions, Format::Text),
        r#"Interface       Admin Link Description
ge-0/0/0        up    up   to-r2 core link
ge-0/0/0.0      up    up   cust-a
"#
    );
}

#[test]
fn descriptions_xml_uses_the_description_style() {
    assert_eq!(
        show(None, Style::Descriptions, Format::Xml),
        r#"<rpc-reply xmlns:junos="http://xml.juniper.net/junos/24.4R1/junos">
    <interface-information xmlns="http://xml.juniper.net/junos/24.4R0/junos-interface" junos:style="description">
        <physical-interface>
            <name>ge-0/0/0</name>
            <admin-status>up</admin-status>
            <oper-status>up</oper-status>
            <description>to-r2 core link</description>
        </physical-interface>
        <logical-interface>
            <name>ge-0/0/0.0</name>
            <admin-status>up</admin-status>
            <oper-status>up</oper-status>
            <description>cust-a</description>
        </logical-interface>
    </interface-information>
    <cli>
        <banner></banner>
    </cli>
</rpc-reply>
"#
    );
}

#[test]
fn normal_shows_the_physical_block_then_each_unit() {
    assert_eq!(
        show(Some("ge-0/0/0"), Style::Normal, Format::Text),
        r#"Physical interface: ge-0/0/0, Enabled, Physical link is Up
  Interface index: 148, SNMP ifIndex: 513
  Description: to-r2 core link
  Link-level type: Ethernet, MTU: 1514, MRU: 1522, LAN-PHY mode, Speed: 1000mbps, BPDU Error: None,
  Loop Detect PDU Error: None, Ethernet-Switching Error: None, MAC-REWRITE Error: None, Loopback: Disabled,
  Source filtering: Disabled, Flow control: Enabled, Auto-negotiation: Enabled, Remote fault: Online
  Pad to minimum frame size: Disabled
  Device flags   : Present Running
  Interface flags: SNMP-Traps Internal: 0x4000
  Link flags     : None
  CoS queues     : 8 supported, 8 maximum usable queues
  Current address: 02:05:86:ab:cd:01, Hardware address: 02:05:86:ab:cd:01
  Last flapped   : 2026-11-24 03:30:00 UTC (01:02:03 ago)
  Input rate     : 0 bps (0 pps)
  Output rate    : 0 bps (0 pps)
  Active alarms  : None
  Active defects : None
  Interface transmit statistics: Disabled

  Logical interface ge-0/0/0.0 (Index 330) (SNMP ifIndex 540)
    Description: cust-a
    Flags: Up SNMP-Traps 0x4000 Encapsulation: ENET2
    Input packets : 0
    Output packets: 0
    Protocol inet, MTU: 1500
    Max nh cache: 75000, New hold nh limit: 75000, Curr nh cnt: 0, Curr new hold cnt: 0, NH drop cnt: 0
      Flags: Sendbcast-pkt-to-re
      Addresses, Flags: Is-Preferred Is-Primary
        Destination: 192.0.2/24, Local: 192.0.2.1, Broadcast: 192.0.2.255
    Protocol mpls, MTU: 1488, Maximum labels: 3
      Flags: Is-Primary
"#
    );
}

#[test]
fn a_port_without_link_shows_down_flags_and_a_link_alarm() {
    assert_eq!(
        show(Some("ge-0/0/1"), Style::Normal, Format::Text),
        r#"Physical interface: ge-0/0/1, Enabled, Physical link is Down
  Interface index: 149, SNMP ifIndex: 514
  Link-level type: Ethernet, MTU: 1514, MRU: 1522, LAN-PHY mode, Speed: 1000mbps, BPDU Error: None,
  Loop Detect PDU Error: None, Ethernet-Switching Error: None, MAC-REWRITE Error: None, Loopback: Disabled,
  Source filtering: Disabled, Flow control: Enabled, Auto-negotiation: Enabled, Remote fault: Online
  Pad to minimum frame size: Disabled
  Device flags   : Present Running Down
  Interface flags: Hardware-Down SNMP-Traps Internal: 0x0
  Link flags     : None
  CoS queues     : 8 supported, 8 maximum usable queues
  Current address: 02:05:86:ab:cd:02, Hardware address: 02:05:86:ab:cd:02
  Last flapped   : 2026-11-24 03:30:00 UTC (01:02:03 ago)
  Input rate     : 0 bps (0 pps)
  Output rate    : 0 bps (0 pps)
  Active alarms  : LINK
  Active defects : LINK
  Interface transmit statistics: Disabled
"#
    );
}

#[test]
fn loopback_addresses_have_no_destination() {
    assert_eq!(
        show(Some("lo0"), Style::Normal, Format::Text),
        r#"Physical interface: lo0, Enabled, Physical link is Up
  Interface index: 6, SNMP ifIndex: 6
  Type: Loopback, MTU: Unlimited
  Device flags   : Present Running Loopback
  Interface flags: SNMP-Traps
  Link type      : Unspecified
  Link flags     : None
  Last flapped   : 2026-11-24 03:30:00 UTC (01:02:03 ago)
  Input packets  : 0
  Output packets : 0

  Logical interface lo0.0 (Index 331) (SNMP ifIndex 16)
    Flags: Up SNMP-Traps 0x4000 Encapsulation: ENET2
    Input packets : 0
    Output packets: 0
    Protocol inet, MTU: Unlimited
    Max nh cache: 75000, New hold nh limit: 75000, Curr nh cnt: 0, Curr new hold cnt: 0, NH drop cnt: 0
      Flags: Sendbcast-pkt-to-re
      Addresses, Flags: Is-Default Is-Primary
        Local: 10.255.0.1
      Addresses, Flags: Is-Default
        Local: 10.255.0.11
"#
    );
}

#[test]
fn normal_xml_carries_indexes_flags_and_addresses() {
    assert_eq!(
        show(Some("ge-0/0/0"), Style::Normal, Format::Xml),
        r#"<rpc-reply xmlns:junos="http://xml.juniper.net/junos/24.4R1/junos">
    <interface-information xmlns="http://xml.juniper.net/junos/24.4R0/junos-interface" junos:style="normal">
        <physical-interface>
            <name>ge-0/0/0</name>
            <admin-status junos:format="Enabled">up</admin-status>
            <oper-status>up</oper-status>
            <local-index>148</local-index>
            <snmp-index>513</snmp-index>
            <description>to-r2 core link</description>
            <link-level-type>Ethernet</link-level-type>
            <mtu>1514</mtu>
            <speed>1000mbps</speed>
            <if-device-flags>
                <ifdf-present/>
                <ifdf-running/>
            </if-device-flags>
            <if-config-flags>
                <iff-snmp-traps/>
                <internal-flags>0x4000</internal-flags>
            </if-config-flags>
            <current-physical-address junos:format="MAC 02:05:86:ab:cd:01">02:05:86:ab:cd:01</current-physical-address>
            <hardware-physical-address junos:format="MAC 02:05:86:ab:cd:01">02:05:86:ab:cd:01</hardware-physical-address>
            <interface-flapped junos:seconds="3723">2026-11-24 03:30:00 UTC (01:02:03 ago)</interface-flapped>
            <traffic-statistics junos:style="brief">
                <input-bps>0</input-bps>
                <input-pps>0</input-pps>
                <output-bps>0</output-bps>
                <output-pps>0</output-pps>
            </traffic-statistics>
            <active-alarms>
                <interface-alarms>
                    <alarm-not-present/>
                </interface-alarms>
            </active-alarms>
            <active-defects>
                <interface-alarms>
                    <alarm-not-present/>
                </interface-alarms>
            </active-defects>
            <interface-transmit-statistics>Disabled</interface-transmit-statistics>
            <logical-interface>
                <name>ge-0/0/0.0</name>
                <local-index>330</local-index>
                <snmp-index>540</snmp-index>
                <description>cust-a</description>
                <if-config-flags>
                    <iff-up/>
                    <iff-snmp-traps/>
                    <internal-flags>0x4000</internal-flags>
                </if-config-flags>
                <encapsulation>ENET2</encapsulation>
                <traffic-statistics junos:style="brief">
                    <input-packets>0</input-packets>
                    <output-packets>0</output-packets>
                </traffic-statistics>
                <filter-information>
                </filter-information>
                <address-family>
                    <address-family-name>inet</address-family-name>
                    <mtu>1500</mtu>
                    <max-local-cache>75000</max-local-cache>
                    <new-hold-limit>75000</new-hold-limit>
                    <intf-curr-cnt>0</intf-curr-cnt>
                    <intf-unresolved-cnt>0</intf-unresolved-cnt>
                    <intf-dropcnt>0</intf-dropcnt>
                    <address-family-flags>
                        <ifff-sendbcast-pkt-to-re/>
                    </address-family-flags>
                    <interface-address>
                        <ifa-flags>
                            <ifaf-current-preferred/>
                            <ifaf-current-primary/>
                        </ifa-flags>
                        <ifa-destination>192.0.2/24</ifa-destination>
                        <ifa-local>192.0.2.1</ifa-local>
                        <ifa-broadcast>192.0.2.255</ifa-broadcast>
                    </interface-address>
                </address-family>
                <address-family>
                    <address-family-name>mpls</address-family-name>
                    <mtu>1488</mtu>
                    <address-family-flags>
                        <ifff-is-primary/>
                    </address-family-flags>
                </address-family>
            </logical-interface>
        </physical-interface>
    </interface-information>
    <cli>
        <banner></banner>
    </cli>
</rpc-reply>
"#
    );
}

#[test]
fn extensive_adds_generations_error_counters_and_carrier_transitions() {
    let out = show(Some("ge-0/0/0"), Style::Extensive, Format::Text);
    assert!(out.contains("  Interface index: 148, SNMP ifIndex: 513, Generation: 151\n"));
    assert!(out.contains("  Statistics last cleared: Never\n"));
    assert!(out.contains("   Input  bytes  :                    0                    0 bps\n"));
    assert!(out.contains("    Carrier transitions: 0, Errors: 0,"));
    assert!(out.contains(
        "  Logical interface ge-0/0/0.0 (Index 330) (SNMP ifIndex 540) (Generation 333)\n"
    ));
    let down = show(Some("ge-0/0/1"), Style::Extensive, Format::Text);
    assert!(
        down.contains("    Carrier transitions: 1, Errors: 0,"),
        "{down}"
    );
    let xml = show(Some("ge-0/0/1"), Style::Extensive, Format::Xml);
    assert!(xml.contains("<carrier-transitions>1</carrier-transitions>"));
    assert!(xml.contains("<ethernet-alarm-link-down/>"));
    assert!(xml.contains("<traffic-statistics junos:style=\"verbose\">"));
}

#[test]
fn a_unit_asked_by_name_is_the_root_child() {
    let json = show(Some("lo0.0"), Style::Terse, Format::Json);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let root = &v["interface-information"][0];
    assert_eq!(root["attributes"]["junos:style"], "terse");
    let ifl = &root["logical-interface"][0];
    assert_eq!(ifl["name"][0]["data"], "lo0.0");
    let addr = &ifl["address-family"][0]["interface-address"][1];
    assert_eq!(addr["ifa-local"][0]["data"], "10.255.0.11");
    assert_eq!(addr["ifa-destination"][0]["data"], "0/0");
    assert_eq!(
        addr["ifa-destination"][0]["attributes"]["junos:emit"],
        "emit"
    );
    let text = show(Some("lo0.0"), Style::Terse, Format::Text);
    assert_eq!(
        text,
        "Interface               Admin Link Proto    Local                 Remote
lo0.0                   up    up   inet     10.255.0.1          --> 0/0
                                            10.255.0.11         --> 0/0
"
    );
}

#[test]
fn an_unknown_interface_is_not_found() {
    let q = InterfacesQuery {
        name: Some("ge-0/0/99".into()),
        style: Style::Terse,
    };
    let e = render(&sample(), &q, Format::Text, t0()).expect_err("unknown");
    assert_eq!(e.to_string(), "error: device ge-0/0/99 not found");
}
