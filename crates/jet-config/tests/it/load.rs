use jet_config::{Config, LoadMode};

use crate::parse;

fn base() -> Config {
    parse(
        "system {
    host-name r1;
    login {
        user a { class operator; }
        user b { class read-only; }
    }
    services {
        extension-service {
            request-response { grpc { clear-text { port 32767; } max-connections 4; } }
            notification { allow-clients { address 127.0.0.1/32; } }
        }
    }
}",
    )
}

#[test]
fn load_merge_adds_and_overwrites_but_keeps_the_rest() {
    let new = base()
        .load(
            "system { host-name r2; login { user c { class super-user; } } }",
            LoadMode::Merge,
        )
        .expect("loads");
    assert_eq!(new.host_name(), Some("r2"));
    let names: Vec<String> = new.users().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(new.jsd().max_connections, 4);
}

#[test]
fn load_merge_extends_leaf_lists() {
    let new = base()
        .load(
            "system { services { extension-service { notification { allow-clients { address [ 10.0.0.0/8 127.0.0.1/32 ]; } } } } }",
            LoadMode::Merge,
        )
        .expect("loads");
    let allow: Vec<String> = new
        .notification()
        .expect("notif")
        .allow_clients
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(allow, ["127.0.0.1/32", "10.0.0.0/8"]);
}

#[test]
fn load_replace_marker_replaces_only_that_subtree() {
    let new = base()
        .load(
            "system { replace: services { extension-service { request-response { grpc { ssl { local-certificate x; } } } } } }",
            LoadMode::Replace,
        )
        .expect("loads");
    let jsd = new.jsd();
    assert!(jsd.clear_text.is_none(), "clear-text was replaced away");
    assert!(jsd.ssl.is_some());
    assert_eq!(
        jsd.max_connections, 8,
        "max-connections was replaced away (default)"
    );
    assert!(new.notification().is_none());
    assert_eq!(new.host_name(), Some("r1"));
    assert_eq!(new.users().len(), 2);
}

#[test]
fn load_replace_on_a_list_entry_keeps_its_place() {
    let new = base()
        .load(
            "system { login { replace: user a { uid 3000; class super-user; } } }",
            LoadMode::Replace,
        )
        .expect("loads");
    let users = new.users();
    assert_eq!(users[0].name, "a");
    assert_eq!(users[0].uid, Some(3000));
    assert_eq!(users[1].name, "b");
}

#[test]
fn load_replace_at_top_level_replaces_the_whole_statement() {
    let new = base()
        .load("replace: system { host-name r9; }", LoadMode::Replace)
        .expect("loads");
    assert_eq!(new.to_text(), "system {\n    host-name r9;\n}\n");
}

#[test]
fn load_replace_without_markers_is_a_merge() {
    let payload = "system { host-name r3; }";
    assert_eq!(
        base().load(payload, LoadMode::Replace).expect("loads"),
        base().load(payload, LoadMode::Merge).expect("loads")
    );
}

#[test]
fn load_merge_ignores_replace_markers() {
    let new = base()
        .load(
            "system { replace: login { user z { class operator; } } }",
            LoadMode::Merge,
        )
        .expect("loads");
    assert_eq!(new.users().len(), 3);
}

#[test]
fn load_override_and_update_make_the_payload_the_whole_config() {
    for mode in [LoadMode::Override, LoadMode::Update] {
        let new = base()
            .load("system { host-name only; }", mode)
            .expect("loads");
        assert_eq!(new.to_text(), "system {\n    host-name only;\n}\n");
    }
}

#[test]
fn load_set_applies_sets_and_deletes_in_order() {
    let new = base()
        .load(
            "# comment\n\nset system host-name r5\ndelete system login user a\nset system login user d class operator\ndelete system services extension-service notification allow-clients address 127.0.0.1/32\n",
            LoadMode::Set,
        )
        .expect("loads");
    assert_eq!(new.host_name(), Some("r5"));
    let names: Vec<String> = new.users().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["b", "d"]);
    assert!(new.notification().expect("notif").allow_clients.is_empty());
}

#[test]
fn load_set_supports_edit_up_top_and_exit() {
    let new = Config::default()
        .load(
            "edit system services extension-service\nset request-response grpc clear-text port 4000\nup 2\nset host-name r7\nedit login user x\nset class operator\ntop\nset security pki ca-profile p\nedit system\nexit\nset version 1",
            LoadMode::Set,
        )
        .expect("loads");
    assert_eq!(new.jsd().clear_text.map(|l| l.port), Some(4000));
    assert_eq!(new.host_name(), Some("r7"));
    assert_eq!(new.users()[0].name, "x");
    assert_eq!(new.ca_profiles()[0].name, "p");
    assert!(new.to_text().starts_with("version 1;\n"));
}

#[test]
fn delete_removes_subtrees_leaves_flags_and_whole_lists() {
    let mut c = parse(&crate::full_text());
    c.apply_set(
        "delete system services extension-service request-response grpc skip-authentication",
    )
    .expect("flag");
    assert!(!c.jsd().skip_authentication);
    c.apply_set("delete system login user").expect("whole list");
    assert!(c.users().is_empty());
    c.apply_set("delete system host-name r1")
        .expect("leaf with matching value");
    assert_eq!(c.host_name(), None);
    c.apply_set("delete security").expect("subtree");
    assert!(c.local_certificates().is_empty());
    c.apply_set("edit system\ndelete")
        .expect("everything at a level");
    assert_eq!(c.to_text_at(&["system"]).as_deref(), Some(""));
}

#[test]
fn load_errors_leave_the_original_untouched() {
    let b = base();
    assert!(b
        .load("system { host-name r2; bogus; }", LoadMode::Merge)
        .is_err());
    assert!(b.load("set system bogus", LoadMode::Set).is_err());
    assert_eq!(b, base());
}

#[test]
fn load_mode_parses_from_its_keyword() {
    for m in [
        LoadMode::Merge,
        LoadMode::Replace,
        LoadMode::Override,
        LoadMode::Update,
        LoadMode::Set,
        LoadMode::Patch,
    ] {
        assert_eq!(m.as_str().parse::<LoadMode>(), Ok(m));
    }
    assert!("terminal".parse::<LoadMode>().is_err());
}

#[test]
fn configuration_text_and_set_wrappers_load_as_junos_takes_them() {
    use jet_config::PayloadFormat;
    let new = base()
        .load_payload(
            "<configuration-text>system { host-name wrapped; }</configuration-text>",
            PayloadFormat::Xml,
            LoadMode::Merge,
        )
        .expect("configuration-text");
    assert_eq!(new.host_name(), Some("wrapped"));
    let new = base()
        .load_payload(
            "<configuration-set>set system host-name viaset\nset system location building &quot;b 1&quot;</configuration-set>",
            PayloadFormat::Text,
            LoadMode::Set,
        )
        .expect("configuration-set");
    assert_eq!(new.host_name(), Some("viaset"));
    assert!(
        new.to_text().contains("building \"b 1\";"),
        "{}",
        new.to_text()
    );
    let mut inplace = base();
    inplace
        .load_in_place(
            "<configuration-text>system { host-name inplace; }</configuration-text>",
            PayloadFormat::Text,
            LoadMode::Merge,
        )
        .expect("in place");
    assert_eq!(inplace.host_name(), Some("inplace"));
}
