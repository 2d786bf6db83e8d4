//! `delete:`, `replace:`, `active:` and `inactive:` tags in curly-brace loads, and
//! `load patch` of `show | compare` output.

use jet_config::{Config, ConfigErrorKind, LoadMode};

fn base() -> Config {
    Config::parse_set(
        "set system host-name r1\n\
         set system location building b1\n\
         set system name-server 192.0.2.53\n\
         set system name-server 192.0.2.54\n\
         set system login user bob class operator\n\
         set system login user eve class read-only\n\
         set snmp community public authorization read-only\n\
         set interfaces ge-0/0/0 description uplink\n\
         set interfaces ge-0/0/0 unit 0 family inet address 10.0.0.1/24\n\
         set interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24\n\
         set protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1\n\
         set policy-options prefix-list PL 10.0.0.0/8\n\
         deactivate snmp",
    )
    .expect("base parses")
}

#[test]
fn tags_in_curly_loads_delete_activate_deactivate_and_replace() {
    let payload = "system {\n    delete: location;\n    delete: host-name;\n    name-server {\n        delete: 192.0.2.54;\n    }\n    login {\n        delete: user eve;\n    }\n}\n\
                   active: snmp;\n\
                   interfaces {\n    ge-0/0/0 {\n        unit 0 {\n            family inet {\n                delete: address 10.0.1.1/24;\n            }\n        }\n    }\n}\n\
                   protocols {\n    ospf {\n        area 0.0.0.0 {\n            delete: virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1;\n        }\n    }\n}\n\
                   inactive: policy-options {\n    prefix-list PL {\n        10.0.0.0/8;\n    }\n}\n";
    let after = base().load(payload, LoadMode::Merge).expect("loads");
    let text = after.to_text();
    for gone in [
        "building b1",
        "host-name r1",
        "192.0.2.54",
        "user eve",
        "10.0.1.1/24",
        "virtual-link",
        "inactive: snmp",
    ] {
        assert!(!text.contains(gone), "{gone} still in\n{text}");
    }
    for kept in [
        "192.0.2.53;",
        "user bob",
        "10.0.0.1/24;",
        "\nsnmp {",
        "inactive: policy-options {",
    ] {
        assert!(text.contains(kept), "{kept} missing from\n{text}");
    }
    // `replace:` replaces in `load replace` and merges in `load merge`, as on Junos.
    let payload = "system {\n    replace: login {\n        user zed {\n            class operator;\n        }\n    }\n}\n";
    let replaced = base().load(payload, LoadMode::Replace).expect("replace");
    let t = replaced.to_text();
    assert!(t.contains("user zed") && !t.contains("user bob"), "{t}");
    let merged = base().load(payload, LoadMode::Merge).expect("merge");
    let t = merged.to_text();
    assert!(t.contains("user zed") && t.contains("user bob"), "{t}");
    // A bad tagged statement is refused and nothing changes.
    let err = base()
        .load("system {\n    delete: bogus;\n}\n", LoadMode::Merge)
        .expect_err("unknown");
    assert_eq!(err.kind, ConfigErrorKind::UnknownStatement, "{err}");
    assert_eq!(err.line, Some(2), "{err}");
}

#[test]
fn load_patch_applies_show_compare_output() {
    let old = base();
    let mut new = base();
    new.apply_set(
        "set system host-name r2\n\
         delete system location\n\
         delete system name-server 192.0.2.54\n\
         set system name-server 192.0.2.55\n\
         delete system login user eve\n\
         set system login user zed class super-user\n\
         activate snmp\n\
         deactivate system login user bob\n\
         delete interfaces ge-0/0/0 unit 0 family inet address 10.0.1.1/24\n\
         set interfaces ge-0/0/1 unit 0 family inet address 10.9.0.1/24\n\
         delete protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.1\n\
         set protocols ospf area 0.0.0.0 virtual-link neighbor-id 192.0.2.1 transit-area 0.0.0.2\n\
         delete policy-options",
    )
    .expect("changes");
    let patch = old.compare(&new);
    assert!(patch.contains("[edit system]"), "{patch}");
    let patched = old
        .load_patch(&patch)
        .unwrap_or_else(|e| panic!("{e}\n{patch}"));
    assert_eq!(patched.to_text(), new.to_text(), "patch:\n{patch}");
    assert!(patched.compare(&new).is_empty());
    // Applying it again to the result changes nothing more than Junos would: the
    // additions are there already and the deletions are gone.
    let twice = patched.load_patch(&patch).expect("again");
    assert_eq!(twice.to_text(), new.to_text());
}

#[test]
fn bad_patch_lines_are_refused_with_their_line() {
    let err = base()
        .load_patch("[edit system]\n+  host-name r2;\n*  nonsense\n")
        .expect_err("bad mark");
    assert_eq!(err.kind, ConfigErrorKind::Syntax, "{err}");
    assert_eq!(err.line, Some(3), "{err}");
    let err = base()
        .load_patch("[edit system]\n+  host-nam r2;\n")
        .expect_err("unknown statement");
    assert_eq!(err.kind, ConfigErrorKind::UnknownStatement, "{err}");
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.to_string().contains("host-nam"), "{err}");
}

#[test]
fn patch_is_a_load_mode_for_text_and_refused_for_xml_and_json() {
    let old = base();
    let mut new = base();
    new.apply_set("set system host-name r9\ndelete system location")
        .expect("changes");
    let patch = old.compare(&new);
    assert_eq!("patch".parse::<LoadMode>(), Ok(LoadMode::Patch));
    let loaded = old.load(&patch, LoadMode::Patch).expect("load patch");
    assert_eq!(loaded.to_text(), new.to_text());
    let mut in_place = old.clone();
    in_place
        .load_in_place(&patch, jet_config::PayloadFormat::Text, LoadMode::Patch)
        .expect("in place");
    assert_eq!(in_place.to_text(), new.to_text());
    let err = old
        .load_xml("<configuration/>", LoadMode::Patch)
        .expect_err("xml patch");
    assert!(err.to_string().contains("load patch"), "{err}");
    let err = old
        .load_json("{\"configuration\": {}}", LoadMode::Patch)
        .expect_err("json patch");
    assert!(err.to_string().contains("not a json payload"), "{err}");
}
