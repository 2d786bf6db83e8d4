//! Every statement of the generated Junos schema, one `set` command each: accepted,
//! printed and read back in all four formats exactly; values outside a statement's
//! range refused.

use std::collections::HashSet;

use jet_config::schema::{self, KeyForm, Kind, SchemaNode, NO_GEN};
use jet_config::value::ValueType;
use jet_config::Config;

/// A value `ty` accepts.
fn example(ty: ValueType) -> Option<String> {
    Some(match ty {
        ValueType::Text { .. } | ValueType::Name | ValueType::HostName => "x1".into(),
        ValueType::UserName => "ops".into(),
        ValueType::Uint { min, .. } => min.max(1).to_string(),
        ValueType::Enum(c) => (*c.first()?).to_owned(),
        ValueType::IpAddr | ValueType::Ipv4Addr => "192.0.2.1".into(),
        ValueType::IpPrefix | ValueType::Ipv4Prefix => "192.0.2.0/24".into(),
        ValueType::Ipv6Prefix => "2001:db8::/32".into(),
        ValueType::CryptHash => crate::hash(),
        ValueType::IfName => "ge-0/0/0".into(),
        ValueType::IflName => "ge-0/0/0.0".into(),
        ValueType::Bandwidth => "10m".into(),
        ValueType::PrefixLen => "/24".into(),
        ValueType::PrefixLenRange => "/16-/24".into(),
        ValueType::KeywordOrNumber { choices, .. } => (*choices.first()?).to_owned(),
        ValueType::Port => "ssh".into(),
        ValueType::TimeZone => "UTC".into(),
        ValueType::Gen(t) => t.example()?,
    })
}

fn word(v: &str) -> String {
    jet_config::value::quote(v)
}

/// Every statement reachable through distinct levels: (set words, statement).
fn statements() -> Vec<(Vec<String>, &'static SchemaNode)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<(Vec<String>, &'static [SchemaNode])> = vec![(Vec::new(), schema::root())];
    while let Some((path, level)) = stack.pop() {
        for sn in level {
            let mut here = path.clone();
            match sn.kind {
                Kind::Container { .. } => here.push(sn.name.to_owned()),
                Kind::List { key, .. } => {
                    if !sn.bare {
                        here.push(sn.name.to_owned());
                    }
                    if sn.keys.is_empty() {
                        let Some(k) = example(key) else { continue };
                        here.push(word(&k));
                    } else {
                        // Several keys: each as Junos types it (the first choice word
                        // of the facts takes no value).
                        let mut words = Vec::new();
                        let mut typed = true;
                        for k in sn.keys.iter().filter(|k| k.form != KeyForm::ChoiceValue) {
                            if k.form == KeyForm::Keyword {
                                words.push(k.name.to_owned());
                            }
                            match example(k.ty) {
                                Some(v) => words.push(word(&v)),
                                None => typed = false,
                            }
                        }
                        if !typed {
                            continue;
                        }
                        here.extend(words);
                    }
                }
                Kind::Leaf(t) | Kind::LeafList(t) => {
                    let Some(v) = example(t) else { continue };
                    here.push(sn.name.to_owned());
                    here.push(word(&v));
                }
                Kind::Flag => here.push(sn.name.to_owned()),
            }
            out.push((here.clone(), sn));
            let kids = sn.children();
            if !kids.is_empty() && seen.insert((sn.gen, kids.as_ptr() as usize)) {
                stack.push((here, kids));
            }
        }
    }
    out
}

#[test]
fn every_generated_statement_is_accepted_and_round_trips_in_all_formats() {
    let all = statements();
    assert!(all.len() > 30_000, "only {} statements reached", all.len());
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for (words, sn) in &all {
        if sn.gen == NO_GEN && !matches!(sn.kind, Kind::Leaf(_) | Kind::LeafList(_) | Kind::Flag) {
            continue;
        }
        let line = format!("set {}", words.join(" "));
        let cfg = match Config::parse_set(&line) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{line}: {e}"));
                continue;
            }
        };
        checked += 1;
        let text = cfg.to_text();
        let again = [
            ("text", Config::parse_text(&text)),
            ("set", Config::parse_set(&cfg.to_set())),
            ("xml", Config::parse_xml(&cfg.to_xml_document())),
            ("json", Config::parse_json(&cfg.to_json())),
        ];
        for (format, back) in again {
            match back {
                Ok(b) if b.to_text() == text => {}
                Ok(b) => failures.push(format!("{line}: {format} differs:\n{}", b.to_text())),
                Err(e) => failures.push(format!("{line}: {format} refused: {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} statements failed, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

#[test]
fn ordinary_junos_statements_the_hand_schema_lacks_are_accepted() {
    let lines = [
        "set system location building b1",
        "set protocols bgp group ibgp neighbor 192.0.2.9 peer-as 65000",
        "set snmp community public authorization read-only",
        "set system ntp server 192.0.2.1 version 4",
        "set system name-server 192.0.2.53",
        "set protocols lldp interface all",
        "set chassis aggregated-devices ethernet device-count 4",
        "set class-of-service interfaces ge-0/0/0 scheduler-map sm1",
        "set interfaces ae0 aggregated-ether-options lacp active",
        "set interfaces ge-0/0/1 gigether-options 802.3ad ae0",
        "set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 interface-type p2p",
    ];
    let text = lines.join("\n");
    let cfg = Config::parse_set(&text).expect("all accepted");
    let shown = cfg.to_text();
    for needle in [
        "building b1;",
        "peer-as 65000;",
        "authorization read-only;",
        "device-count 4;",
        "802.3ad ae0;",
        "interface-type p2p;",
    ] {
        assert!(shown.contains(needle), "{needle} missing from\n{shown}");
    }
    assert_eq!(Config::parse_text(&shown).expect("text").to_text(), shown);
    assert_eq!(
        Config::parse_set(&cfg.to_set()).expect("set").to_text(),
        shown
    );
    let xml = cfg.to_xml_document();
    assert!(
        xml.contains("<ieee-802.3ad>"),
        "XML uses the element name:\n{xml}"
    );
    assert_eq!(Config::parse_xml(&xml).expect("xml").to_text(), shown);
    let json = cfg.to_json();
    assert!(
        json.contains("\"ieee-802.3ad\""),
        "JSON uses the element name:\n{json}"
    );
    assert_eq!(Config::parse_json(&json).expect("json").to_text(), shown);
}

#[test]
fn generated_statements_refuse_values_outside_their_type() {
    for (line, why) in [
        ("set system ntp server 192.0.2.1 version 9", "1..4"),
        (
            "set chassis aggregated-devices ethernet device-count 4294967296",
            "out of range",
        ),
        ("set snmp community public authorization bogus", "read-only"),
        (
            "set protocols bgp group ibgp neighbor 192.0.2.9 peer-as x",
            "peer-as",
        ),
        (
            "set protocols bgp group ibgp neighbor 192.0.2.300",
            "192.0.2.300",
        ),
        ("set system location floor x", "floor"),
        (
            "set protocols ospf area 0.0.0.0 interface ge-0/0/0.0 interface-type bad",
            "p2p",
        ),
        ("set protocols bgpx group a", "bgpx"),
    ] {
        let err = Config::parse_set(line).expect_err(line).to_string();
        assert!(err.contains(why), "{line}: {err} (wanted {why})");
    }
}

#[test]
fn must_references_of_the_facts_are_checked_at_commit() {
    let cfg =
        Config::parse_set("set system ntp server 192.0.2.1 routing-instance MGMT").expect("parses");
    let errs = cfg.validation_errors();
    assert!(
        errs.iter().any(|e| e
            .message
            .contains("'MGMT' is not defined under [edit routing-instances]")),
        "{errs:?}"
    );
    let ok = Config::parse_set(
        "set system ntp server 192.0.2.1 routing-instance MGMT\nset routing-instances MGMT instance-type virtual-router",
    )
    .expect("parses");
    assert!(ok.validate().is_ok(), "{:?}", ok.validation_errors());
    assert_eq!(
        schema::must_reference("(\"firewall policer $$\")"),
        Some(&["firewall", "policer"][..])
    );
    assert_eq!(schema::must_reference("(!(\".. key\"))"), None);
}

#[test]
fn max_elements_of_the_facts_are_checked_at_commit() {
    // `system syslog file NAME match-strings`: at most 50 values.
    let mut lines = String::new();
    for i in 0..51 {
        lines.push_str(&format!("set system syslog file f match-strings m{i}\n"));
    }
    let cfg = Config::parse_set(&lines).expect("parses");
    let errs = cfg.validation_errors();
    assert!(
        errs.iter()
            .any(|e| e.message.contains("at most 50 entries (51 configured)")),
        "{errs:?}"
    );
    let ok = Config::parse_set("set system syslog file f match-strings m1").expect("parses");
    assert!(ok.validate().is_ok(), "{:?}", ok.validation_errors());
}
