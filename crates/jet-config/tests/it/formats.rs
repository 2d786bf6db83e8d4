//! XML and JSON parsing, load markers, `inactive` and annotations in every format.

use jet_config::{Config, ConfigErrorKind, LoadMode, PayloadFormat};

use crate::network::NET;
use crate::{full_text, parse};

#[test]
fn all_four_formats_round_trip_the_full_configurations() {
    for text in [full_text(), NET.to_owned()] {
        let c = parse(&text);
        assert_eq!(Config::parse_xml(&c.to_xml_document()).expect("xml"), c);
        assert_eq!(Config::parse_json(&c.to_json()).expect("json"), c);
        assert_eq!(Config::parse_set(&c.to_set()).expect("set"), c);
        assert_eq!(
            Config::from_json_value(&c.to_json_value()).expect("value"),
            c
        );
    }
}

#[test]
fn xml_keys_use_their_element_names() {
    let c = parse(NET);
    let x = c.to_xml(0);
    assert!(
        x.contains("<interface>\n        <name>ge-0/0/0</name>"),
        "{x}"
    );
    assert!(x.contains("<route-filter>\n"), "{x}");
    assert!(x.contains("<address>10.0.0.0/8</address>\n"), "{x}");
    assert!(x.contains("<contents>\n"), "{x}");
    assert!(
        x.contains("<name>any</name>\n                <notice/>"),
        "{x}"
    );
}

#[test]
fn xml_rpc_reply_wrapper_comments_and_entities_are_accepted() {
    let c = Config::parse_xml(
        "<?xml version=\"1.0\"?>\n<rpc-reply xmlns:junos=\"x\"><!-- c --><configuration junos:commit-seconds=\"1\">\n<system><host-name>r&#49;</host-name><login><user><name>a</name><full-name>A &amp; B</full-name><class>operator</class></user></login></system></configuration></rpc-reply>",
    )
    .expect("parses");
    assert_eq!(c.host_name(), Some("r1"));
    assert_eq!(c.users()[0].full_name.as_deref(), Some("A & B"));
}

#[test]
fn xml_errors_name_line_column_and_path() {
    let e = Config::parse_xml(
        "<configuration>\n  <system>\n    <bogus/>\n  </system>\n</configuration>",
    )
    .expect_err("unknown");
    assert_eq!(e.kind, ConfigErrorKind::UnknownStatement);
    assert_eq!(
        (e.line, e.column, e.path.as_str()),
        (Some(3), Some(5), "[edit system]")
    );
    let e = Config::parse_xml(
        "<configuration><system><host-name>a b</host-name></system></configuration>",
    )
    .expect_err("bad value");
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
    let e = Config::parse_xml("<configuration><system>").expect_err("truncated");
    assert_eq!(e.kind, ConfigErrorKind::Syntax);
    assert!(Config::parse_xml("<system/>").is_err());
}

fn base() -> Config {
    parse(
        "system { host-name r1; login { user a { class operator; } user b { class read-only; } } }",
    )
}

#[test]
fn xml_load_replace_and_delete_markers() {
    let new = base()
        .load_xml(
            r#"<configuration><system><login operation="replace"><user><name>c</name><class>super-user</class></user></login></system></configuration>"#,
            LoadMode::Replace,
        )
        .expect("loads");
    let names: Vec<String> = new.users().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["c"]);
    let new = base()
        .load_xml(
            r#"<configuration><system><host-name operation="delete"/><login><user operation="delete"><name>a</name></user></login></system></configuration>"#,
            LoadMode::Merge,
        )
        .expect("loads");
    assert_eq!(new.host_name(), None);
    assert_eq!(new.users().len(), 1);
    let merged = base()
        .load_xml(
            r#"<configuration><system><login replace="replace"><user><name>c</name><class>super-user</class></user></login></system></configuration>"#,
            LoadMode::Merge,
        )
        .expect("loads");
    assert_eq!(merged.users().len(), 3, "merge ignores replace markers");
}

#[test]
fn json_load_replace_and_delete_markers() {
    let new = base()
        .load_json(
            r#"{"configuration": {"system": {"login": {"@": {"operation": "replace"}, "user": [{"name": "c", "class": "super-user"}]}}}}"#,
            LoadMode::Replace,
        )
        .expect("loads");
    assert_eq!(new.users().len(), 1);
    let new = base()
        .load_json(
            r#"{"configuration": {"system": {"host-name": "x", "@host-name": {"operation": "delete"}, "login": {"user": [{"name": "b", "@": {"operation": "delete"}}]}}}}"#,
            LoadMode::Merge,
        )
        .expect("loads");
    assert_eq!(new.host_name(), None);
    assert_eq!(new.users().len(), 1);
    let e = base()
        .load_json(
            r#"{"configuration": {"system": {"host-name": true}}}"#,
            LoadMode::Merge,
        )
        .expect_err("bad value");
    assert_eq!(e.path, "[edit system]");
    assert!(Config::parse_json("{\"configuration\": [")
        .expect_err("syntax")
        .line
        .is_some());
}

#[test]
fn load_payload_checks_format_against_mode() {
    let e = base()
        .load_payload(
            "set system host-name x",
            PayloadFormat::Set,
            LoadMode::Merge,
        )
        .expect_err("set needs load set");
    assert!(
        e.message.contains("load merge does not take a set payload"),
        "{e}"
    );
    let c = base()
        .load_payload("<configuration/>", PayloadFormat::Xml, LoadMode::Override)
        .expect("empty override");
    assert!(c.is_empty());
    assert_eq!("json".parse::<PayloadFormat>(), Ok(PayloadFormat::Json));
}

const META: &str = "system {
    /* the name */
    inactive: host-name r1;
    login {
        /* ops team */
        inactive: user a {
            class operator;
        }
    }
}
";

#[test]
fn annotations_and_inactive_survive_every_format() {
    let c = parse(META);
    assert_eq!(c.to_text(), META);
    let set = c.to_set();
    assert!(set.contains("deactivate system host-name\n"), "{set}");
    assert!(
        set.contains("edit system login\nannotate user a \"ops team\"\ntop\n"),
        "{set}"
    );
    assert_eq!(Config::parse_set(&set).expect("set"), c);
    let xml = c.to_xml_document();
    assert!(
        xml.contains("<junos:comment>/* the name */</junos:comment>"),
        "{xml}"
    );
    assert!(
        xml.contains("<host-name inactive=\"inactive\">r1</host-name>"),
        "{xml}"
    );
    assert_eq!(Config::parse_xml(&xml).expect("xml"), c);
    let json = c.to_json();
    assert!(json.contains("\"@host-name\": {\n"), "{json}");
    assert_eq!(Config::parse_json(&json).expect("json"), c);
}

#[test]
fn inactive_statements_are_invisible_to_views_and_validation() {
    let c = parse(META);
    assert_eq!(c.host_name(), None);
    assert!(c.users().is_empty());
    let c = parse("system { login { inactive: user a { uid 2000; } } }");
    c.validate().expect("inactive user is not validated");
    let c = parse(
        "interfaces { ge-0/0/0 { unit 0 { family inet { inactive: filter { input F; } } } } }",
    );
    c.validate().expect("inactive reference is not validated");
}

#[test]
fn load_in_place_matches_load_and_is_all_or_nothing() {
    let payload = "system { host-name r9; login { user c { class operator; } } }";
    let mut c = base();
    c.load_in_place(payload, PayloadFormat::Text, LoadMode::Merge)
        .expect("loads");
    assert_eq!(c, base().load(payload, LoadMode::Merge).expect("loads"));
    let before = c.clone();
    let e = c
        .load_in_place("system { bogus; }", PayloadFormat::Text, LoadMode::Merge)
        .expect_err("unknown statement");
    assert_eq!(e.kind, ConfigErrorKind::UnknownStatement);
    assert_eq!(c, before);
    c.load_in_place(
        "set system host-name r10",
        PayloadFormat::Set,
        LoadMode::Set,
    )
    .expect("set");
    assert_eq!(c.host_name(), Some("r10"));
}

#[test]
fn a_comment_before_a_braced_list_annotates_its_first_entry() {
    // As in saved Junos files: a comment above `groups`. The list has no tags of its
    // own: the comment goes to its first entry.
    let c = parse("/* managed by automation */\ngroups {\n    g1 {\n        system {\n            host-name r1;\n        }\n    }\n}\n");
    assert_eq!(
        c.to_text(),
        "groups {\n    /* managed by automation */\n    g1 {\n        system {\n            host-name r1;\n        }\n    }\n}\n"
    );
    let set = c.to_set();
    assert_eq!(Config::parse_set(&set).expect("set"), c, "{set}");
    let xml = c.to_xml_document();
    assert_eq!(Config::parse_xml(&xml).expect("xml"), c, "{xml}");
    let json = c.to_json();
    assert_eq!(Config::parse_json(&json).expect("json"), c, "{json}");
    // Deactivating the whole list is still refused: its entries carry the tag.
    let e = Config::parse_text("inactive: groups { g1 { system { host-name r1; } } }")
        .expect_err("inactive list");
    assert!(e.message.contains("tag the entries"), "{e}");
}

#[test]
fn a_protect_tag_is_refused_naming_it() {
    let e = Config::parse_text("interfaces {\n    protect: lo0 {\n        unit 0;\n    }\n}\n")
        .expect_err("protect is not supported");
    assert!(e.message.contains("'protect:'"), "{e}");
    assert!(e.message.contains("not supported"), "{e}");
    assert_eq!(e.line, Some(2), "{e}");
}
