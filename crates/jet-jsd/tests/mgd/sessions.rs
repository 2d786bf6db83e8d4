//! Configuration sessions: shared, private and exclusive candidates, commit, commit
//! check, rollback, `show | compare`, history, and sessions bound to their connection.

use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::proto::openjet::config::v1::ConfigMode;
use jet_testkit::TestDevice;

use crate::{set_text, show, CfgSession};

#[tokio::test]
async fn shared_candidate_is_seen_by_every_shared_session_until_committed() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let b = dev.admin("b").await;
    let mut sa = CfgSession::open(&a, ConfigMode::Shared).await;
    assert!(
        sa.banner.contains("Entering configuration mode"),
        "{}",
        sa.banner
    );
    sa.ok("set system host-name shared1").await;
    let mut sb = CfgSession::open(&b, ConfigMode::Shared).await;
    assert!(
        sb.banner
            .contains("The configuration has been changed but not committed"),
        "{}",
        sb.banner
    );
    assert_eq!(sb.ok("show system host-name").await, "host-name shared1;\n");
    // Not committed yet: the device still runs the old name.
    assert_eq!(dev.device().committed().config.host_name(), Some("testdev"));
    let diff = sb.ok("show | compare").await;
    assert!(diff.contains("[edit system]"), "{diff}");
    assert!(diff.contains("-  host-name testdev;"), "{diff}");
    assert!(diff.contains("+  host-name shared1;"), "{diff}");
    assert_eq!(sb.ok("commit").await, "commit complete\n");
    assert_eq!(dev.device().committed().config.host_name(), Some("shared1"));
    assert_eq!(sa.ok("show | compare").await, "");
}

#[tokio::test]
async fn edit_levels_make_commands_relative_and_show_follows_them() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut s = CfgSession::open(&a, ConfigMode::Private).await;
    let r = s.run("edit system login").await;
    assert!(r.ok, "{}", r.error);
    assert_eq!(r.edit_path, vec!["system", "login"]);
    s.ok("set user bob class operator").await;
    s.ok("set user bob uid 2010").await;
    let shown = s.ok("show user bob").await;
    assert!(shown.contains("class operator;"), "{shown}");
    let r = s.run("up").await;
    assert_eq!(r.edit_path, vec!["system"]);
    let r = s.run("exit").await;
    assert!(r.edit_path.is_empty() && !r.exited);
    let r = s.run("edit nonsense").await;
    assert!(!r.ok && r.error.contains("nonsense"), "{}", r.error);
    let r = s.run("top").await;
    assert!(r.edit_path.is_empty());
    s.ok("commit and-quit").await;
    let users = dev.device().committed().config.users();
    assert!(users.iter().any(|u| u.name == "bob"));
}

#[tokio::test]
async fn private_session_is_refused_while_the_shared_candidate_is_modified() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let b = dev.admin("b").await;
    let mut shared = CfgSession::open(&a, ConfigMode::Shared).await;
    shared.ok("set system domain-name example.net").await;
    let e = CfgSession::try_open(&b, ConfigMode::Private)
        .await
        .err()
        .expect("refused");
    assert!(e.contains("shared configuration database modified"), "{e}");
    shared.ok("rollback 0").await;
    CfgSession::open(&b, ConfigMode::Private).await;
}

#[tokio::test]
async fn private_changes_are_merged_onto_what_others_committed_meanwhile() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut private = CfgSession::open(&a, ConfigMode::Private).await;
    private.ok("set system domain-name private.net").await;
    // Someone else commits in between.
    let (ok, m) = set_text(
        &a,
        "system { host-name other; }",
        ConfigLoadType::ConfigLoadMerge,
    )
    .await;
    assert!(ok, "{m}");
    private.ok("commit").await;
    let cfg = dev.device().committed().config.clone();
    assert_eq!(cfg.host_name(), Some("other"), "the other commit is kept");
    assert!(cfg.to_text().contains("domain-name private.net;"));
}

#[tokio::test]
async fn exclusive_lock_refuses_others_and_dies_with_its_connection() {
    let dev = TestDevice::start().await;
    let holder = dev.admin("holder").await;
    let other = dev.admin("other").await;
    let mut ex = CfgSession::open(&holder, ConfigMode::Exclusive).await;
    assert!(ex
        .banner
        .contains("uncommitted changes will be discarded on exit"));
    ex.ok("set system host-name locked").await;
    let (ok, m) = set_text(
        &other,
        "system { domain-name x.net; }",
        ConfigLoadType::ConfigLoadMerge,
    )
    .await;
    assert!(!ok && m.contains("locked"), "{m}");
    let e = CfgSession::try_open(&other, ConfigMode::Exclusive)
        .await
        .err()
        .expect("second exclusive refused");
    assert!(e.contains("locked"), "{e}");
    let mut shared = CfgSession::open(&other, ConfigMode::Shared).await;
    let e = shared.refused("set system domain-name y.net").await;
    assert!(e.contains("locked by: admin"), "{e}");
    drop(shared);

    // The holder's connection dies: the lock goes, its uncommitted change with it.
    drop(ex);
    drop(holder);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (ok, m) = set_text(
            &other,
            "system { domain-name x.net; }",
            ConfigLoadType::ConfigLoadMerge,
        )
        .await;
        if ok {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "lock never released: {m}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut s = CfgSession::open(&other, ConfigMode::Shared).await;
    assert_eq!(s.ok("show system host-name").await, "host-name testdev;\n");
}

#[tokio::test]
async fn a_session_token_only_works_on_its_own_connection() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let b = dev.admin("b").await;
    let s = CfgSession::open(&a, ConfigMode::Shared).await;
    let mut stolen = CfgSession::open(&b, ConfigMode::Shared).await;
    stolen.token = s.token.clone();
    let e = stolen.refused("show").await;
    assert!(e.contains("no such configuration session"), "{e}");
}

#[tokio::test]
async fn commit_check_validates_without_changing_anything() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut s = CfgSession::open(&a, ConfigMode::Private).await;
    let before = dev.device().commit_history().entries.len();
    s.ok("set system host-name checked").await;
    assert_eq!(s.ok("commit check").await, "configuration check succeeds\n");
    assert_eq!(dev.device().committed().config.host_name(), Some("testdev"));
    assert_eq!(dev.device().commit_history().entries.len(), before);
    // An invalid candidate: the error names the path and statement, Junos style.
    s.ok("set system login user nobody uid 3000").await;
    let e = s.refused("commit check").await;
    assert!(e.contains("[edit system login user nobody]"), "{e}");
    assert!(e.contains("'class'"), "{e}");
    assert!(e.contains("error: configuration check-out failed"), "{e}");
}

#[tokio::test]
async fn rollback_loads_an_older_configuration_into_the_candidate() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    for name in ["r1", "r2"] {
        let (ok, m) = set_text(
            &a,
            &format!("system {{ host-name {name}; }}"),
            ConfigLoadType::ConfigLoadMerge,
        )
        .await;
        assert!(ok, "{m}");
    }
    let mut s = CfgSession::open(&a, ConfigMode::Private).await;
    assert_eq!(s.ok("rollback 1").await, "load complete\n");
    assert_eq!(s.ok("show system host-name").await, "host-name r1;\n");
    let diff = s.ok("show | compare").await;
    assert!(
        diff.contains("-  host-name r2;") && diff.contains("+  host-name r1;"),
        "{diff}"
    );
    assert!(s.refused("rollback 49").await.contains("49"));
    assert!(!s.run("rollback 50").await.ok);
    s.ok("commit comment \"back to r1\"").await;
    assert_eq!(dev.device().committed().config.host_name(), Some("r1"));
    let text = show(&a, "show system rollback 1 compare 0").await;
    assert!(text.contains("host-name r2"), "{text}");
}

#[tokio::test]
async fn show_system_commit_lists_who_when_how_and_why() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut s = CfgSession::open(&a, ConfigMode::Private).await;
    s.ok("set system host-name h1").await;
    s.ok("commit comment \"first change\"").await;
    let (ok, m) = set_text(
        &a,
        "system { host-name h2; }",
        ConfigLoadType::ConfigLoadMerge,
    )
    .await;
    assert!(ok, "{m}");
    let text = show(&a, "show system commit").await;
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("0   ") && lines[0].ends_with(" UTC by admin via grpc"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("1   ") && lines[1].ends_with(" by admin via cli"),
        "{text}"
    );
    assert_eq!(lines[2], "    first change");
    assert!(
        lines[3].starts_with("2   ") && lines[3].contains("by root via other"),
        "{text}"
    );
    let xml = a
        .op_command("show system commit", jet_sdk::OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(xml.contains("<commit-information>"), "{xml}");
    assert!(
        xml.contains("<sequence-number>1</sequence-number>"),
        "{xml}"
    );
    assert!(xml.contains("<log>first change</log>"), "{xml}");
    let json = a
        .op_command("show system commit", jet_sdk::OutputFormat::Json)
        .await
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        v["commit-information"][0]["commit-history"][0]["client"][0]["data"],
        "grpc"
    );
}

#[tokio::test]
async fn load_terminal_merges_and_exit_warns_about_uncommitted_changes() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut s = CfgSession::open(&a, ConfigMode::Private).await;
    let r = s
        .run_with("load merge terminal", "system { domain-name loaded.net; }")
        .await;
    assert!(r.ok && r.output == "load complete\n", "{r:?}");
    let r = s
        .run_with("load set terminal", "set system host-name viaset\n")
        .await;
    assert!(r.ok, "{}", r.error);
    assert!(!s.run("load merge terminal").await.ok, "payload required");
    let r = s.run("exit").await;
    assert!(r.ok && r.confirm_exit && !r.exited, "{r:?}");
    assert!(r
        .output
        .contains("The configuration has been changed but not committed"));
    let r = s.run("exit configuration-mode").await;
    assert!(r.exited, "{r:?}");
    // Private changes are gone with the session.
    assert_eq!(dev.device().committed().config.host_name(), Some("testdev"));
    assert!(!s.run("show").await.ok, "session ended");
}

#[tokio::test]
async fn load_patch_applies_show_compare_output_from_another_session() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut first = CfgSession::open(&a, ConfigMode::Private).await;
    first.ok("set system domain-name old.net").await;
    first.ok("commit").await;
    first.ok("set system host-name patched").await;
    first.ok("set system location building b1").await;
    first.ok("delete system domain-name").await;
    let patch = first.ok("show | compare").await;
    assert!(patch.contains("[edit system]"), "{patch}");
    assert!(patch.contains("+  host-name patched;"), "{patch}");
    assert!(patch.contains("-  domain-name old.net;"), "{patch}");
    first.ok("exit configuration-mode").await;

    let mut second = CfgSession::open(&a, ConfigMode::Private).await;
    // A broken patch names its line and changes nothing.
    let r = second
        .run_with(
            "load patch terminal",
            "[edit system]\n+  host-name x;\n+  no-such-statement 1;\n",
        )
        .await;
    assert!(!r.ok, "{r:?}");
    assert!(r.error.contains("no-such-statement"), "{}", r.error);
    assert_eq!(second.ok("show | compare").await, "");
    let r = second.run_with("load patch terminal", &patch).await;
    assert!(r.ok && r.output == "load complete\n", "{r:?}");
    assert_eq!(second.ok("show | compare").await, patch);
    second.ok("commit").await;
    let committed = dev.device().committed().config.clone();
    assert_eq!(committed.host_name(), Some("patched"));
    assert!(committed.subtree(&["system", "domain-name"]).is_none());
    assert!(committed
        .to_set()
        .contains("set system location building b1"));
}

#[tokio::test]
async fn run_executes_operational_commands_from_configuration_mode() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut s = CfgSession::open(&a, ConfigMode::Shared).await;
    let out = s.ok("run show version").await;
    assert!(out.starts_with("Hostname: testdev"), "{out}");
}

#[tokio::test]
async fn deactivate_and_annotate_are_interpreted_by_the_configuration_database() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let mut s = CfgSession::open(&a, ConfigMode::Private).await;
    s.ok("set system domain-name inactive.net").await;
    s.ok("deactivate system domain-name").await;
    s.ok("annotate system \"managed by mgd tests\"").await;
    let shown = s.ok("show").await;
    assert!(
        shown.contains("inactive: domain-name inactive.net;"),
        "{shown}"
    );
    assert!(shown.contains("/* managed by mgd tests */"), "{shown}");
    s.ok("commit").await;
    let text = dev.device().committed().config.to_text();
    assert!(text.contains("inactive: domain-name"), "{text}");
}

#[tokio::test]
async fn named_ephemeral_instances_must_be_configured() {
    let dev = TestDevice::start().await;
    let a = dev.admin("a").await;
    let (ok, m) = set_text(
        &a,
        "system { configuration-database { ephemeral { instance eph1; } } }",
        ConfigLoadType::ConfigLoadMerge,
    )
    .await;
    assert!(ok, "{m}");
    let out = dev
        .device()
        .ephemeral_get("eph1", "/", false, jet_device::Format::Json)
        .expect("configured instance is readable");
    assert!(out.contains("configuration"), "{out}");
    assert!(dev
        .device()
        .ephemeral_get("eph2", "/", false, jet_device::Format::Json)
        .is_err());
}
