use jet_config::Config;

use crate::{full_text, hash, parse};

#[test]
fn text_print_of_parse_is_identical_for_canonical_input() {
    let text = full_text();
    assert_eq!(parse(&text).to_text(), text);
}

#[test]
fn header_comments_and_secret_trailers_are_ignored_when_parsing() {
    let with_header = format!(
        "## Last commit: 2026-02-15 03:20:57 UTC by admin\n/* note */\n# hash comment\n{}",
        full_text()
    );
    assert_eq!(parse(&with_header), parse(&full_text()));
}

#[test]
fn set_print_of_parse_round_trips() {
    let c = parse(&full_text());
    let set = c.to_set();
    let back = Config::parse_set(&set).expect("set parses");
    assert_eq!(back, c);
    assert_eq!(back.to_set(), set);
    assert!(set.contains(&format!(
        "set system login user admin authentication encrypted-password \"{}\"\n",
        hash()
    )));
    assert!(set.contains("set system login user admin full-name \"Ad Min\"\n"));
}

#[test]
fn statements_are_printed_in_schema_order_whatever_the_input_order() {
    let c = parse("security { pki { ca-profile c; } } system { services { extension-service { notification { port 1; } } } host-name r1; } version 1;");
    assert_eq!(
        c.to_text(),
        "version 1;\nsystem {\n    host-name r1;\n    services {\n        extension-service {\n            notification {\n                port 1;\n            }\n        }\n    }\n}\nsecurity {\n    pki {\n        ca-profile c;\n    }\n}\n"
    );
}

#[test]
fn list_entries_keep_insertion_order() {
    let c = Config::parse_set(
        "set system login user zed class operator\nset system login user amy class operator\nset system login user mia class operator",
    )
    .expect("parses");
    let names: Vec<String> = c.users().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["zed", "amy", "mia"]);
    assert!(c
        .to_text()
        .find("user zed")
        .lt(&c.to_text().find("user amy")));
}

#[test]
fn single_leaf_list_value_prints_without_brackets() {
    let c = Config::parse_set(
        "set system services extension-service notification allow-clients address 127.0.0.1/32",
    )
    .expect("parses");
    assert!(
        c.to_text().contains("address 127.0.0.1/32;\n"),
        "{}",
        c.to_text()
    );
}

#[test]
fn values_are_canonicalised_when_parsed() {
    let c = parse("system { services { extension-service { request-response { grpc { clear-text { address 2001:DB8:0::1; port 0080; } } } } } }");
    let t = c.to_text();
    assert!(t.contains("address 2001:db8::1;"), "{t}");
    assert!(t.contains("port 80;"), "{t}");
}

#[test]
fn empty_containers_and_list_entries_survive_round_trips() {
    let c =
        Config::parse_set("set system services\nset security pki ca-profile lab").expect("parses");
    assert_eq!(
        c.to_text(),
        "system {\n    services;\n}\nsecurity {\n    pki {\n        ca-profile lab;\n    }\n}\n"
    );
    assert_eq!(
        c.to_set(),
        "set system services\nset security pki ca-profile lab\n"
    );
    assert_eq!(parse(&c.to_text()), c);
}

#[test]
fn repeated_statements_merge_like_junos() {
    let c = parse(
        "system { host-name a; } system { host-name b; login { user x { class operator; } } }",
    );
    assert_eq!(c.host_name(), Some("b"));
    assert_eq!(c.users().len(), 1);
}

#[test]
fn quoted_values_keep_specials_and_escapes() {
    let c = Config::parse_set(
        r#"set system login user bob full-name "Bob \"B\" {x}; #1"
set system login user bob class operator"#,
    )
    .expect("parses");
    assert_eq!(
        c.users()[0].full_name.as_deref(),
        Some(r#"Bob "B" {x}; #1"#)
    );
    assert!(
        c.to_text().contains(r#"full-name "Bob \"B\" {x}; #1";"#),
        "{}",
        c.to_text()
    );
    assert_eq!(parse(&c.to_text()), c);
}
