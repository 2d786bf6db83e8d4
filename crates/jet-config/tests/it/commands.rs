//! Configuration-mode commands beyond set/delete: deactivate, activate, annotate,
//! rename, copy, insert.

use jet_config::{Config, ConfigErrorKind};

fn apply(c: &mut Config, cmds: &str) {
    if let Err(e) = c.apply_set(cmds) {
        panic!("{e}\n--- commands ---\n{cmds}");
    }
}

fn base() -> Config {
    Config::parse_set(
        "set system host-name r1
set system login user a class operator
set system login user b class read-only
set firewall family inet filter F term one then accept
set firewall family inet filter F term two then discard
set firewall family inet filter F term three then reject",
    )
    .expect("parses")
}

fn terms(c: &Config) -> Vec<String> {
    c.firewall_filters()[0]
        .terms
        .iter()
        .map(|t| t.name.clone())
        .collect()
}

#[test]
fn deactivate_and_activate_toggle_the_inactive_tag() {
    let mut c = base();
    apply(
        &mut c,
        "deactivate system host-name\ndeactivate system login user b",
    );
    let t = c.to_text();
    assert!(t.contains("inactive: host-name r1;"), "{t}");
    assert!(t.contains("inactive: user b {"), "{t}");
    assert_eq!(c.host_name(), None);
    apply(
        &mut c,
        "edit system\nactivate host-name\ntop\nactivate system login user b",
    );
    assert_eq!(c, base());
    let e = c
        .apply_set("deactivate system login user zed")
        .expect_err("absent");
    assert_eq!(e.kind, ConfigErrorKind::NotFound);
}

#[test]
fn annotate_sets_and_clears_comments_at_the_edit_level() {
    let mut c = base();
    apply(&mut c, "edit system login\nannotate user a \"on call\"");
    assert!(
        c.to_text()
            .contains("        /* on call */\n        user a {"),
        "{}",
        c.to_text()
    );
    apply(&mut c, "edit system login\nannotate user a \"\"");
    assert_eq!(c, base());
    let e = c
        .apply_set("annotate system \"a */ b\"")
        .expect_err("bad comment");
    assert_eq!(e.kind, ConfigErrorKind::InvalidValue);
}

#[test]
fn rename_and_copy_work_on_list_entries() {
    let mut c = base();
    apply(
        &mut c,
        "rename system login user a to user alice\ncopy system login user b to user bob",
    );
    let names: Vec<String> = c.users().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["alice", "b", "bob"]);
    let e = c
        .apply_set("rename system login user b to user bob")
        .expect_err("taken");
    assert_eq!(e.kind, ConfigErrorKind::Conflict);
    let e = c
        .apply_set("rename system host-name to x")
        .expect_err("not an entry");
    assert_eq!(e.kind, ConfigErrorKind::Syntax);
}

#[test]
fn insert_reorders_ordered_lists() {
    let mut c = base();
    apply(
        &mut c,
        "edit firewall family inet filter F\ninsert term three before term one",
    );
    assert_eq!(terms(&c), ["three", "one", "two"]);
    apply(
        &mut c,
        "insert firewall family inet filter F term three after term two",
    );
    assert_eq!(terms(&c), ["one", "two", "three"]);
    let e = c
        .apply_set("insert firewall family inet filter F term one before term nine")
        .expect_err("no anchor");
    assert_eq!(e.kind, ConfigErrorKind::NotFound);
}
