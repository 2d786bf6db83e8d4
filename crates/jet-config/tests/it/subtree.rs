use crate::{full_text, parse};

#[test]
fn subtree_keeps_only_the_branch_with_its_ancestors() {
    let c = parse(&full_text());
    let s = c.subtree(&["system", "services"]).expect("present");
    let t = s.to_text();
    assert!(t.starts_with("system {\n    services {\n"), "{t}");
    assert!(!t.contains("host-name") && !t.contains("security"), "{t}");
}

#[test]
fn subtree_of_a_list_entry_holds_just_that_entry() {
    let c = parse(&full_text());
    let s = c
        .subtree(&["system", "login", "user", "noc"])
        .expect("present");
    assert_eq!(
        s.to_text(),
        "system {\n    login {\n        user noc {\n            uid 2001;\n            class read-only;\n        }\n    }\n}\n"
    );
    let json = serde_json::to_string(&s.to_json_value()).expect("json");
    assert_eq!(
        json,
        r#"{"system":{"login":{"user":[{"name":"noc","uid":2001,"class":"read-only"}]}}}"#
    );
}

#[test]
fn subtree_of_absent_or_unknown_paths_is_none() {
    let c = parse("system { host-name r1; }");
    assert!(c.subtree(&["security"]).is_none());
    assert!(c.subtree(&["system", "login", "user", "x"]).is_none());
    assert!(c.subtree(&["bogus"]).is_none());
    assert!(c.subtree(&["system", "host-name", "extra"]).is_none());
    assert!(c.to_text_at(&["system", "login"]).is_none());
}

#[test]
fn text_at_prints_the_contents_unindented() {
    let c = parse(&full_text());
    assert_eq!(
        c.to_text_at(&["security", "pki"]).as_deref(),
        Some("ca-profile lab-ca {\n    ca-identity lab-ca;\n}\n")
    );
    assert_eq!(
        c.to_text_at(&["system", "login", "user", "noc"]).as_deref(),
        Some("uid 2001;\nclass read-only;\n")
    );
    assert_eq!(
        c.to_text_at(&["system", "host-name"]).as_deref(),
        Some("host-name r1;\n")
    );
    let users = c.to_text_at(&["system", "login", "user"]).expect("list");
    assert!(
        users.starts_with("user admin {\n") && users.contains("user noc {\n"),
        "{users}"
    );
    assert_eq!(c.to_text_at(&[]), Some(c.to_text()));
}

#[test]
fn paths_into_bare_lists_take_the_key_where_junos_leaves_the_keyword_out() {
    let c = parse(
        "interfaces { ge-0/0/1 { gigether-options { 802.3ad ae0; } } \
         ae0 { unit 100 { vlan-id 100; } } } \
         routing-instances { A { instance-type vrf; interface ae0.100; } }",
    );
    // `show configuration interfaces ge-0/0/1` (the list keyword `interface` unwritten).
    assert_eq!(
        c.to_text_at(&["interfaces", "ge-0/0/1"]).as_deref(),
        Some("gigether-options {\n    802.3ad ae0;\n}\n")
    );
    assert_eq!(
        c.to_text_at(&["interfaces", "ae0", "unit", "100"])
            .as_deref(),
        Some("vlan-id 100;\n")
    );
    assert_eq!(
        c.to_text_at(&["routing-instances", "A", "instance-type"])
            .as_deref(),
        Some("instance-type vrf;\n")
    );
    let s = c.subtree(&["interfaces", "ae0"]).expect("present");
    assert_eq!(
        s.to_text(),
        "interfaces {\n    ae0 {\n        unit 100 {\n            vlan-id 100;\n        }\n    }\n}\n"
    );
    let json = serde_json::to_string(&s.to_json_value()).expect("json");
    assert!(json.contains(r#""interface":[{"name":"ae0""#), "{json}");
    // An interface that is not configured is nothing, not the whole list.
    assert!(c.to_text_at(&["interfaces", "ge-0/0/9"]).is_none());
    assert!(c.subtree(&["interfaces", "ge-0/0/9"]).is_none());
}
