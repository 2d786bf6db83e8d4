//! Lists with several keys (203 lists of the Junos facts): real statements read in all
//! four formats, printed as Junos does, round-tripped exactly, one entry deleted by its
//! full key, and bad keys refused with the key named.

use jet_config::{Config, ConfigErrorKind, LoadMode};

const LINES: &[&str] = &[
    "set protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1",
    "set protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.2",
    "set policy-options route-filter-list RFL 10.0.0.0/8 upto /24",
    "set policy-options route-filter-list RFL 10.0.0.0/8 exact",
    "set switch-options static-rvtep-mac mac 00:11:22:33:44:55 remote-vtep 192.0.2.7",
    "set class-of-service schedulers s1 drop-profile-map loss-priority low protocol any drop-profile d1",
    "set services nat pool p1 address-range low 192.0.2.1 high 192.0.2.9",
    "set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24 vrrp-group 1 track route 10.9.0.0/16 routing-instance default priority-cost 10",
    "set event-options policy p1 then upload filename f1 destination d1",
    "set routing-options martians 10.0.0.0/8 orlonger",
    "set policy-options policy-statement P1 from as-path-neighbors as-list AL1",
];

fn cfg() -> Config {
    match Config::parse_set(&LINES.join("\n")) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn multi_key_entries_print_as_junos_types_them() {
    let text = cfg().to_text();
    for needle in [
        "virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1;",
        "virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.2;",
        "10.0.0.0/8 upto /24;",
        "10.0.0.0/8 exact;",
        "mac 00:11:22:33:44:55 remote-vtep 192.0.2.7;",
        "drop-profile-map loss-priority low protocol any drop-profile d1;",
        "address-range low 192.0.2.1 high 192.0.2.9;",
        "route 10.9.0.0/16 routing-instance default priority-cost 10;",
        "upload filename f1 destination d1;",
        "10.0.0.0/8 orlonger;",
        "as-path-neighbors as-list AL1;",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    let set = cfg().to_set();
    for l in LINES {
        assert!(set.contains(l), "{l} missing from\n{set}");
    }
}

#[test]
fn multi_key_entries_round_trip_in_all_four_formats() {
    let c = cfg();
    let text = c.to_text();
    let xml = c.to_xml_document();
    assert!(
        xml.contains("<neighbor-id>192.0.2.1</neighbor-id>"),
        "{xml}"
    );
    assert!(
        xml.contains("<transit-area>0.0.0.2</transit-area>"),
        "{xml}"
    );
    assert!(xml.contains("<upto>/24</upto>"), "{xml}");
    assert!(xml.contains("<exact/>"), "{xml}");
    let json = c.to_json();
    assert!(json.contains("\"transit-area\": \"0.0.0.1\""), "{json}");
    assert!(json.contains("\"exact\": [\n"), "{json}");
    for (format, back) in [
        ("text", Config::parse_text(&text)),
        ("set", Config::parse_set(&c.to_set())),
        ("xml", Config::parse_xml(&xml)),
        ("json", Config::parse_json(&json)),
    ] {
        let back = back.unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(back.to_text(), text, "{format}");
        assert!(back == c, "{format}: trees differ");
    }
}

#[test]
fn delete_removes_the_entry_of_the_full_key_only() {
    let mut c = cfg();
    c.apply_set(
        "delete protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1\n\
         delete policy-options route-filter-list RFL 10.0.0.0/8 upto /24",
    )
    .expect("deleted");
    let text = c.to_text();
    assert!(!text.contains("transit-area 0.0.0.1;"), "{text}");
    assert!(text.contains("transit-area 0.0.0.2;"), "{text}");
    assert!(!text.contains("upto /24"), "{text}");
    assert!(text.contains("10.0.0.0/8 exact;"), "{text}");
    // Deleting an entry that is not there names it.
    let err = c
        .apply_set("delete protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.9 transit-area 0.0.0.1")
        .expect_err("absent");
    assert!(err.to_string().contains("192.0.2.9"), "{err}");
    // show | compare names the entry by its keys.
    let diff = cfg().compare(&c);
    assert!(
        diff.contains("-  virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1;"),
        "{diff}"
    );
    // XML delete of one entry.
    let xml = r#"<configuration><protocols><ospf><area><name>0.0.0.0</name>
        <virtual-link operation="delete"><neighbor-id>192.0.2.1</neighbor-id><transit-area>0.0.0.2</transit-area></virtual-link>
        </area></ospf></protocols></configuration>"#;
    let after = cfg().load_xml(xml, LoadMode::Merge).expect("xml delete");
    let t = after.to_text();
    assert!(
        t.contains("transit-area 0.0.0.1;") && !t.contains("transit-area 0.0.0.2;"),
        "{t}"
    );
}

#[test]
fn bad_keys_are_refused_naming_the_key() {
    for (line, kind, why) in [
        (
            "set protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.1",
            ConfigErrorKind::Syntax,
            "missing transit-area for 'virtual-link'",
        ),
        (
            "set protocols ospf area 0.0.0.0 virtual-link 192.0.2.1 transit-area 0.0.0.1",
            ConfigErrorKind::Syntax,
            "expected 'neighbor-id'",
        ),
        (
            "set switch-options static-rvtep-mac mac 00:11:22:33:44:55 remote-vtep 300.1.1.1",
            ConfigErrorKind::InvalidValue,
            "remote-vtep",
        ),
        (
            "set policy-options route-filter-list RFL 10.0.0.0/8 sideways",
            ConfigErrorKind::InvalidValue,
            "exact",
        ),
        (
            "set policy-options route-filter-list RFL 10.0.0.0/8 upto",
            ConfigErrorKind::Syntax,
            "missing choice-value",
        ),
    ] {
        let err = Config::parse_set(line).expect_err(line);
        assert_eq!(err.kind, kind, "{line}: {err}");
        assert!(
            err.to_string().contains(why),
            "{line}: {err} (wanted {why})"
        );
    }
    let err = Config::parse_text(
        "protocols {\n    ospf {\n        area 0.0.0.0 {\n            virtual-link neighbor-id 192.0.2.1 transit-area x;\n        }\n    }\n}\n",
    )
    .expect_err("bad transit-area");
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.to_string().contains("transit-area"), "{err}");
    let err = Config::parse_xml(
        "<configuration><protocols><ospf><area><name>0</name><virtual-link><neighbor-id>192.0.2.1</neighbor-id></virtual-link></area></ospf></protocols></configuration>",
    )
    .expect_err("xml without transit-area");
    assert!(err.to_string().contains("<transit-area>"), "{err}");
}
