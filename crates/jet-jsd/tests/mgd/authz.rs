//! Authorization by login class, end to end for each class: read-only may only run show
//! commands, operator may run operational commands but not configure, super-user may
//! configure. Enforced by the device, so every API answers the same.

use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::proto::management as legacy;
use jet_sdk::proto::openjet::config::v1::ConfigMode;
use jet_sdk::OutputFormat;

use crate::{login, set_text, with_users, CfgSession};

#[tokio::test]
async fn read_only_may_only_run_show_commands() {
    let u = with_users().await;
    let c = login(&u.dev, "viewer", &u.viewer).await;
    assert!(c
        .op_command("show version", OutputFormat::Text)
        .await
        .is_ok());
    let e = c
        .op_command("request system reboot", OutputFormat::Text)
        .await
        .expect_err("refused");
    assert!(
        e.to_string()
            .contains("read-only may only run show commands"),
        "{e}"
    );
    let (ok, m) = set_text(
        &c,
        "system { host-name x; }",
        ConfigLoadType::ConfigLoadMerge,
    )
    .await;
    assert!(
        !ok && m.contains("permission denied") && m.contains("class read-only"),
        "{m}"
    );
    let e = CfgSession::try_open(&c, ConfigMode::Shared)
        .await
        .err()
        .expect("refused");
    assert!(e.contains("permission denied"), "{e}");
    assert_eq!(
        u.dev.device().committed().config.host_name(),
        Some("testdev")
    );
}

#[tokio::test]
async fn operator_may_run_operational_commands_but_not_configure() {
    let u = with_users().await;
    let c = login(&u.dev, "noc", &u.operator).await;
    assert!(c
        .op_command("show system uptime", OutputFormat::Text)
        .await
        .is_ok());
    // Non-show commands pass authorization (the device may still not know them).
    if let Err(e) = c
        .op_command("request system reboot", OutputFormat::Text)
        .await
    {
        assert!(!e.to_string().contains("permission denied"), "{e}");
    }
    let (ok, m) = set_text(
        &c,
        "system { host-name x; }",
        ConfigLoadType::ConfigLoadMerge,
    )
    .await;
    assert!(!ok && m.contains("class operator"), "{m}");
    let reply = legacy::management_rpc_api_client::ManagementRpcApiClient::new(c.channel())
        .execute_cfg_command(legacy::ExecuteCfgCommandRequest {
            request_id: 7,
            config: Some(legacy::execute_cfg_command_request::Config::TextConfig(
                "system { host-name x; }".into(),
            )),
            load_type: legacy::ConfigLoadType::ConfigLoadMerge as i32,
            commit: None,
        })
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(reply.request_id, 7);
    assert_ne!(reply.status, legacy::JunosRpcResponseTypes::Success as i32);
    assert!(
        reply.message.contains("permission denied"),
        "{}",
        reply.message
    );
    assert!(CfgSession::try_open(&c, ConfigMode::Private).await.is_err());
}

#[tokio::test]
async fn super_user_may_configure() {
    let u = with_users().await;
    let c = u.dev.admin("su").await;
    let (ok, m) = set_text(
        &c,
        "system { host-name allowed; }",
        ConfigLoadType::ConfigLoadMerge,
    )
    .await;
    assert!(ok, "{m}");
    assert_eq!(
        u.dev.device().committed().config.host_name(),
        Some("allowed")
    );
}
