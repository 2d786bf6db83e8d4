use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

use crate::text;

#[tokio::test]
async fn show_system_users_lists_logged_in_jet_sessions() {
    let dev = TestDevice::start().await;
    let c = dev.admin("users-app").await;
    let out = text(&c, "show system users").await;
    let mut lines = out.lines();
    let first = lines.next().expect("uptime line");
    assert!(
        first.contains("  up ") && first.contains("1 user,"),
        "{first}"
    );
    assert_eq!(
        lines.next(),
        Some("USER     TTY      FROM                              LOGIN@  IDLE WHAT")
    );
    let row = lines.next().expect("a user row");
    assert!(row.starts_with("admin    jsd/"), "{row}");
    assert!(row.contains(" 127.0.0.1 "), "{row}");
    assert!(row.ends_with("     - jet users-app"), "{row}");
    let json = c
        .op_command("show system users", OutputFormat::Json)
        .await
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid json");
    let entry = &v["system-users-information"][0]["uptime-information"][0]["user-table"][0]
        ["user-entry"][0];
    assert_eq!(entry["user"][0]["data"], "admin");
    assert_eq!(entry["command"][0]["data"], "jet users-app");
}

#[tokio::test]
async fn show_system_storage_measures_the_data_directory() {
    let dev = TestDevice::start().await;
    let c = dev.admin("storage").await;
    let out = text(&c, "show system storage").await;
    assert!(
        out.starts_with(
            "Filesystem              Size       Used      Avail  Capacity  Mounted on\n"
        ),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "{out}");
    let xml = c
        .op_xml_rpc("<get-system-storage/>", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(xml.contains("<total-blocks junos:format="), "{xml}");
    assert!(xml.contains("<mounted-on>"), "{xml}");
}

#[tokio::test]
async fn only_a_super_user_sees_secret_configuration_values() {
    let dev = crate::device_with_read_only_user(
        "Ro-pass-1",
        "system { radius-server { 192.0.2.10 secret \"$9$abcdefg\"; } }",
    )
    .await;
    let ro = dev.client().await;
    ro.login("ro", "Ro-pass-1", "ro-app").await.expect("login");
    let shown = crate::text(&ro, "show configuration system").await;
    assert!(
        shown.contains("encrypted-password /* SECRET-DATA */;"),
        "{shown}"
    );
    assert!(
        shown.contains("192.0.2.10 secret /* SECRET-DATA */;"),
        "{shown}"
    );
    assert!(!shown.contains("$6$") && !shown.contains("$9$"), "{shown}");
    for format in [OutputFormat::Xml, OutputFormat::Json] {
        let out = ro
            .op_command("show configuration system", format)
            .await
            .expect("shown");
        assert!(
            out.contains("/* SECRET-DATA */") && !out.contains("$9$"),
            "{out}"
        );
    }
    let set = crate::text(&ro, "show configuration system | display set").await;
    assert!(!set.contains("$6$") && !set.contains("$9$"), "{set}");
    // The administrator sees them.
    let admin = dev.admin("ops").await;
    let shown = crate::text(&admin, "show configuration system").await;
    assert!(
        shown.contains("encrypted-password \"$6$") && shown.contains("secret \"$9$abcdefg\""),
        "{shown}"
    );
}
