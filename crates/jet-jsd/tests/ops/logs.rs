use std::time::Duration;

use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_testkit::TestDevice;

use crate::text;

#[tokio::test]
async fn link_traps_commits_and_logins_are_in_show_log_messages() {
    let dev = TestDevice::start().await;
    let c = dev.admin("log-app").await;
    c.config_set_text(
        "system { host-name logdev; }",
        ConfigLoadType::ConfigLoadMerge,
        "rename",
    )
    .await
    .expect("commit");
    text(&c, "request interface simulate-link ge-0/0/2 down").await;
    let log = text(&c, "show log messages").await;
    let trap = log
        .lines()
        .find(|l| l.contains("SNMP_TRAP_LINK_DOWN"))
        .unwrap_or_else(|| panic!("no link trap in:\n{log}"));
    assert!(
        trap.ends_with(
            "  logdev mib2d[2270]: SNMP_TRAP_LINK_DOWN: ifIndex 515, ifAdminStatus up(1), \
             ifOperStatus down(2), ifName ge-0/0/2"
        ),
        "{trap}"
    );
    assert!(
        log.contains("mgd[2262]: UI_COMMIT_COMPLETED: commit complete\n"),
        "{log}"
    );
    assert!(
        log.contains("UI_COMMIT: User 'admin' requested 'commit' operation (comment: rename)"),
        "{log}"
    );
    assert!(
        log.contains("jsd[2291]: UI_LOGIN_EVENT: User 'admin' login, class 'j-super-user'"),
        "{log}"
    );
    // The file is where the data directory says.
    let path = dev.dir.path().join("log").join("messages");
    let on_disk = std::fs::read_to_string(path).expect("log file");
    assert!(on_disk.contains("SNMP_TRAP_LINK_DOWN"));
}

#[tokio::test]
async fn a_logout_is_logged_when_the_connection_ends() {
    let dev = TestDevice::start().await;
    {
        let c = dev.admin("short-lived").await;
        text(&c, "show version").await;
    }
    let watcher = dev.admin("watcher").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let log = text(&watcher, "show log messages | match UI_LOGOUT_EVENT").await;
        if log.contains("client-id 'short-lived'") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no logout line:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn log_lines_use_the_junos_syslog_layout() {
    let dev = TestDevice::start().await;
    let c = dev.admin("layout").await;
    text(&c, "request interface simulate-link ge-0/0/4 down").await;
    let line = text(&c, "show log messages | match SNMP_TRAP | last 1").await;
    // `Mmm dd HH:MM:SS  host process[pid]: EVENT: text`, day space-padded.
    let re = regex_lite(&line);
    assert!(re, "{line:?}");
}

/// `Nov 24 03:30:00  testdev mib2d[2270]: SNMP_TRAP_LINK_DOWN: ...`
fn regex_lite(line: &str) -> bool {
    let b = line.as_bytes();
    line.len() > 17
        && b[3] == b' '
        && (b[4] == b' ' || b[4].is_ascii_digit())
        && b[5].is_ascii_digit()
        && &line[6..7] == " "
        && &line[9..10] == ":"
        && &line[15..17] == "  "
        && line[17..].starts_with("testdev mib2d[2270]: SNMP_TRAP_LINK_DOWN: ")
}

#[tokio::test]
async fn system_syslog_decides_what_is_written() {
    let dev = TestDevice::with_config(
        "system { syslog { file messages { any notice; authorization none; } } }",
    )
    .await;
    let c = dev.admin("quiet").await;
    text(&c, "request interface simulate-link ge-0/0/6 down").await;
    let log = text(&c, "show log messages").await;
    assert!(log.contains("SNMP_TRAP_LINK_DOWN"), "{log}");
    assert!(!log.contains("UI_LOGIN_EVENT"), "authorization none: {log}");
    let e = c
        .op_xml_rpc(
            "<get-log><filename>nonesuch</filename></get-log>",
            jet_sdk::OutputFormat::Text,
        )
        .await
        .expect_err("no such log file");
    assert_eq!(e.to_string(), "error: could not resolve file: nonesuch");
}
