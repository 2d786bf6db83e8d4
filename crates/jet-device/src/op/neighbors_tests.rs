//! `show arp` and `show ipv6 neighbors` renderings and option parsing.

use chrono::{TimeZone, Utc};

use super::*;
use crate::ifd::api::{merge, ApiState, IfApiOp, IfKey, IfObject};
use crate::ifd::glue::interfaces_conf;
use crate::ifd::model::Model;

const CONFIG: &str = "\
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.9 mac 00:11:22:33:44:55 publish
set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24 arp 192.0.2.3 mac 00:11:22:33:44:03
set interfaces ge-0/0/1 unit 0 family inet address 198.51.100.1/24 arp 198.51.100.7 mac 00:11:22:33:44:07
set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8::1/64 ndp 2001:db8::9 mac 00:11:22:33:44:99
";

/// The interfaces of [`CONFIG`], plus an API ARP entry on ge-0/0/1.0 when `api`.
fn snap(api: bool) -> InterfacesSnapshot {
    let cfg = jet_config::Config::parse_set(CONFIG).expect("parses");
    let conf = interfaces_conf(&cfg);
    let mut state = ApiState::default();
    if api {
        let mut o = IfObject::new(IfKey::Arp {
            port: "ge-0/0/1".into(),
            unit: 0,
            family: FamilyKind::Inet,
            address: "198.51.100.1".parse().expect("ip"),
            neighbor: "198.51.100.8".parse().expect("ip"),
        });
        o.strings.push(("mac".into(), "00:aa:bb:cc:dd:08".into()));
        state
            .apply("app1", IfApiOp::Add(o), &conf)
            .expect("api arp added");
    }
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 24, 3, 30, 0)
        .single()
        .expect("time");
    let m = Model::new(0xabcd, merge(&conf, &state), t0);
    m.snapshot().clone()
}

fn show(words: &[&str], api: bool, format: Format) -> String {
    let q = match words {
        ["arp", rest @ ..] => parse_arp(rest),
        ["nd", rest @ ..] => parse_nd(rest),
        _ => panic!("arp or nd"),
    }
    .expect("parses");
    render(&snap(api), &q, format).expect("renders")
}

#[test]
fn show_arp_lists_static_entries_by_address_with_their_flags() {
    assert_eq!(
        show(&["arp"], false, Format::Text),
        "\
MAC Address       Address         Name                      Interface               Flags
00:11:22:33:44:03 192.0.2.3       192.0.2.3                 ge-0/0/0.0              permanent
00:11:22:33:44:55 192.0.2.9       192.0.2.9                 ge-0/0/0.0              permanent published
00:11:22:33:44:07 198.51.100.7    198.51.100.7              ge-0/0/1.0              permanent
Total entries: 3
"
    );
}

#[test]
fn show_arp_no_resolve_drops_the_name_column() {
    assert_eq!(
        show(
            &["arp", "no-resolve", "interface", "ge-0/0/1.0"],
            false,
            Format::Text
        ),
        "\
MAC Address       Address         Interface                Flags
00:11:22:33:44:07 198.51.100.7    ge-0/0/1.0               permanent
Total entries: 1
"
    );
}

#[test]
fn show_arp_xml_and_json_follow_junos() {
    let xml = show(&["arp", "hostname", "192.0.2.9"], false, Format::Xml);
    assert!(
        xml.contains("<arp-table-information xmlns=\"http://xml.juniper.net/junos/"),
        "{xml}"
    );
    assert!(xml.contains("junos:style=\"normal\""), "{xml}");
    assert!(
        xml.contains("<mac-address>00:11:22:33:44:55</mac-address>"),
        "{xml}"
    );
    assert!(xml.contains("<ip-address>192.0.2.9</ip-address>"), "{xml}");
    assert!(xml.contains("<hostname>192.0.2.9</hostname>"), "{xml}");
    assert!(
        xml.contains("<interface-name>ge-0/0/0.0</interface-name>"),
        "{xml}"
    );
    assert!(xml.contains("<permanent/>"), "{xml}");
    assert!(xml.contains("<published/>"), "{xml}");
    assert!(
        xml.contains("<arp-entry-count>1</arp-entry-count>"),
        "{xml}"
    );
    assert!(!xml.contains("192.0.2.3"), "{xml}");
    let nr = show(&["arp", "no-res"], false, Format::Xml);
    assert!(nr.contains("junos:style=\"no-resolve\""), "{nr}");
    assert!(!nr.contains("<hostname>"), "{nr}");
    let json = show(&["arp"], false, Format::Json);
    assert!(json.contains("\"arp-table-entry\""), "{json}");
    assert!(json.contains("\"arp-entry-count\""), "{json}");
}

#[test]
fn api_entries_are_permanent_like_configured_ones() {
    let out = show(&["arp", "interface", "ge-0/0/1"], true, Format::Text);
    assert!(
        out.contains(
            "00:aa:bb:cc:dd:08 198.51.100.8    198.51.100.8              ge-0/0/1.0              permanent\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("Total entries: 2\n"), "{out}");
}

#[test]
fn show_ipv6_neighbors_lists_ndp_entries() {
    assert_eq!(
        show(&["nd"], false, Format::Text),
        "\
IPv6 Address                  Linklayer Address  State       Exp   Rtr  Secure  Interface
2001:db8::9                   00:11:22:33:44:99  permanent   0     no   no      ge-0/0/1.0
Total entries: 1
"
    );
    let xml = show(&["nd", "2001:db8::9"], false, Format::Xml);
    assert!(
        xml.contains(
            "<ipv6-nd-neighbor-l2-address>00:11:22:33:44:99</ipv6-nd-neighbor-l2-address>"
        ),
        "{xml}"
    );
    assert!(xml.contains("<ipv6-nd-total>1</ipv6-nd-total>"), "{xml}");
    let none = show(&["nd", "interface", "ge-0/0/0.0"], false, Format::Text);
    assert!(none.ends_with("Total entries: 0\n"), "{none}");
}

#[test]
fn options_are_checked() {
    assert!(parse_arp(&["interface"]).is_err());
    assert!(parse_arp(&["bogus"]).is_err());
    assert!(parse_nd(&["no-resolve"]).is_err());
    let q = parse_arp(&["int", "ge-0/0/0.0", "no"]).expect("abbreviated");
    assert_eq!(q.interface.as_deref(), Some("ge-0/0/0.0"));
    assert!(q.no_resolve);
    let e = render(
        &snap(false),
        &parse_arp(&["interface", "ge-0/0/9.7"]).expect("parses"),
        Format::Text,
    )
    .expect_err("no such unit");
    assert!(e.to_string().contains("ge-0/0/9.7"), "{e}");
    let e = render(
        &snap(false),
        &parse_arp(&["hostname", "router-b"]).expect("parses"),
        Format::Text,
    )
    .expect_err("names are not resolved");
    assert!(e.to_string().contains("router-b"), "{e}");
}

#[test]
fn rpcs_carry_the_same_options() {
    let q = parse_arp_rpc(
        "<get-arp-table-information><no-resolve/><interface>ge-0/0/0.0</interface></get-arp-table-information>",
    );
    assert!(q.no_resolve);
    assert_eq!(q.interface.as_deref(), Some("ge-0/0/0.0"));
    let q =
        parse_nd_rpc("<get-ipv6-nd-information><host>2001:db8::9</host></get-ipv6-nd-information>");
    assert_eq!(q.family, FamilyKind::Inet6);
    assert_eq!(q.host.as_deref(), Some("2001:db8::9"));
}

#[test]
fn cli_words_and_rpcs_reach_the_commands() {
    use crate::op::{parse_cli, parse_xml_rpc, Command};
    let (c, _) = parse_cli("sh arp no-resolve interface ge-0/0/0.0").expect("parses");
    let Command::Neighbors(q) = c else {
        panic!("not show arp: {c:?}")
    };
    assert!(q.no_resolve && q.family == FamilyKind::Inet);
    let (c, _) = parse_cli("show ipv6 neighbors interface ge-0/0/1.0").expect("parses");
    assert!(
        matches!(c, Command::Neighbors(ref q) if q.family == FamilyKind::Inet6),
        "{c:?}"
    );
    let (c, _) = parse_xml_rpc("<get-arp-table-information/>").expect("parses");
    assert!(matches!(c, Command::Neighbors(_)), "{c:?}");
    let (c, _) = parse_xml_rpc("<get-ipv6-nd-information/>").expect("parses");
    assert!(matches!(c, Command::Neighbors(_)), "{c:?}");
}
