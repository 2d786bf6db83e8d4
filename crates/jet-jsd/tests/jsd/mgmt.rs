use futures::StreamExt as _;
use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::management::{
    config_set_request, ConfigLoadType, ConfigSetRequest, OpCommandGetRequest,
};
use jet_sdk::proto::management as legacy;
use jet_sdk::{Error, OutputFormat};
use jet_testkit::TestDevice;

#[tokio::test]
async fn show_version_renders_as_text_xml_and_json() {
    let dev = TestDevice::start().await;
    let c = dev.admin("fmt").await;
    let text = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("text");
    assert!(
        text.starts_with("Hostname: testdev\nModel: vjet\nJunos: 24.4R1\n"),
        "{text}"
    );

    let xml = c
        .op_command("show version", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        xml.starts_with("<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/24.4R1/junos\">\n")
    );
    assert!(
        xml.contains("    <software-information>\n        <host-name>testdev</host-name>\n"),
        "{xml}"
    );
    assert!(xml.ends_with("    <cli>\n        <banner></banner>\n    </cli>\n</rpc-reply>\n"));

    let json = c
        .op_command("show version", OutputFormat::Json)
        .await
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(
        v["software-information"][0]["host-name"][0]["data"],
        "testdev"
    );
    assert_eq!(
        v["software-information"][0]["junos-version"][0]["data"],
        "24.4R1"
    );

    // A display pipe wins over the requested format, as on the CLI.
    let piped = c
        .op_command("show version | display xml", OutputFormat::Text)
        .await
        .expect("pipe");
    assert_eq!(piped, xml);
}

#[tokio::test]
async fn xml_rpcs_give_the_same_answers_as_cli_commands() {
    let dev = TestDevice::start().await;
    let c = dev.admin("xml").await;
    let by_rpc = c
        .op_xml_rpc("<get-software-information/>", OutputFormat::Xml)
        .await
        .expect("rpc");
    let by_cli = c
        .op_command("show version", OutputFormat::Xml)
        .await
        .expect("cli");
    assert_eq!(by_rpc, by_cli);
    let up = c
        .op_xml_rpc("<get-system-uptime-information/>", OutputFormat::Json)
        .await
        .expect("uptime");
    let v: serde_json::Value = serde_json::from_str(&up).expect("json");
    let info = &v["system-uptime-information"][0];
    assert!(
        info["system-booted-time"][0]["date-time"][0]["attributes"]["junos:seconds"].is_string()
    );
    assert_eq!(info["last-configured-time"][0]["user"][0]["data"], "root");
    let cfg = c
        .op_xml_rpc("<get-configuration/>", OutputFormat::Xml)
        .await
        .expect("config");
    assert!(cfg.contains("<host-name>testdev</host-name>"), "{cfg}");
}

#[tokio::test]
async fn show_system_uptime_text_has_the_junos_lines() {
    let dev = TestDevice::start().await;
    let c = dev.admin("up").await;
    let out = c
        .op_command("show system uptime", OutputFormat::Text)
        .await
        .expect("uptime");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("Current time: ") && lines[0].ends_with(" UTC"),
        "{out}"
    );
    assert_eq!(lines[1], "Time Source:  LOCAL CLOCK ");
    assert!(lines[2].starts_with("System booted: "));
    assert!(
        lines[4].starts_with("Last configured: ") && lines[4].ends_with(" by root"),
        "{out}"
    );
    assert!(
        lines[5].contains("  up ") && lines[5].contains(" 1 user, load averages: "),
        "{out}"
    );
}

#[tokio::test]
async fn show_configuration_in_every_format_and_by_path() {
    let dev = TestDevice::start().await;
    let c = dev.admin("cfg").await;
    let text = c
        .op_command("show configuration", OutputFormat::Text)
        .await
        .expect("text");
    assert!(text.starts_with("## Last commit: "), "{text}");
    assert!(text.contains("    host-name testdev;\n"), "{text}");
    assert!(text.contains(" ## SECRET-DATA"), "{text}");

    let sub = c
        .op_command("show configuration system host-name", OutputFormat::Text)
        .await
        .expect("path");
    assert_eq!(sub.trim(), "host-name testdev;");

    let set = c
        .op_command(
            "show configuration system | display set",
            OutputFormat::Text,
        )
        .await
        .expect("set");
    assert!(
        set.lines().any(|l| l == "set system host-name testdev"),
        "{set}"
    );

    let xml = c
        .op_command("show configuration", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        xml.contains("    <configuration junos:commit-seconds=\""),
        "{xml}"
    );
    assert!(xml.contains("\n            <system>\n"), "{xml}");

    let json = c
        .op_command("show configuration", OutputFormat::Json)
        .await
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["configuration"]["system"]["host-name"], "testdev");
    assert_eq!(v["configuration"]["@"]["junos:commit-user"], "root");
    assert_eq!(
        v["configuration"]["system"]["login"]["user"][0]["name"],
        "admin"
    );
}

#[tokio::test]
async fn client_information_lists_live_sessions() {
    let dev = TestDevice::start().await;
    let a = dev.admin("app-alpha").await;
    let _b = dev.admin("app-beta").await;
    let text = a
        .op_command(
            "show extension-service client information",
            OutputFormat::Text,
        )
        .await
        .expect("text");
    assert!(text.starts_with("Client ID "), "{text}");
    assert!(
        text.contains("app-alpha") && text.contains("app-beta"),
        "{text}"
    );
    assert!(text.contains("127.0.0.1:"), "{text}");
    let json = a
        .op_command(
            "show extension-service client information",
            OutputFormat::Json,
        )
        .await
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let clients = v["extension-service-client-information"][0]["client"]
        .as_array()
        .expect("clients");
    assert_eq!(clients.len(), 2);
    assert!(clients.iter().all(|c| c["user"][0]["data"] == "admin"));
}

#[tokio::test]
async fn bad_commands_fail_with_a_message_and_malformed_requests_are_invalid() {
    let dev = TestDevice::start().await;
    let c = dev.admin("bad").await;
    match c.op_command("show frobnicator", OutputFormat::Text).await {
        Err(Error::Failed(m)) => assert!(m.contains("frobnicator"), "{m}"),
        other => panic!("expected FAILURE, got {other:?}"),
    }
    match c
        .op_xml_rpc("<get-no-such-thing/>", OutputFormat::Xml)
        .await
    {
        Err(Error::Failed(m)) => assert!(m.contains("get-no-such-thing"), "{m}"),
        other => panic!("expected FAILURE, got {other:?}"),
    }
    let err = c
        .management()
        .op_command_get(OpCommandGetRequest {
            command: None,
            out_format: 0,
        })
        .await
        .expect_err("no command");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(err.message().contains("cli_command"), "{}", err.message());
    let err = c
        .management()
        .op_command_get(OpCommandGetRequest {
            command: Some(
                jet_sdk::proto::jnx::jet::management::op_command_get_request::Command::CliCommand(
                    "show version".into(),
                ),
            ),
            out_format: 7,
        })
        .await
        .expect_err("bad format");
    assert!(err.message().contains("out_format"), "{}", err.message());
}

#[tokio::test]
async fn config_set_merge_replace_override_and_set_commit() {
    let dev = TestDevice::start().await;
    let c = dev.admin("cfg").await;
    let host = || {
        dev.device()
            .committed()
            .config
            .host_name()
            .map(str::to_owned)
    };

    c.config_set_text(
        "system { host-name merged; }",
        ConfigLoadType::ConfigLoadMerge,
        "merge",
    )
    .await
    .expect("merge");
    assert_eq!(host().as_deref(), Some("merged"));
    assert_eq!(
        dev.device().committed().meta.comment.as_deref(),
        Some("merge")
    );
    assert_eq!(dev.device().committed().meta.user, "admin");

    c.config_set_text(
        "set system host-name by-set",
        ConfigLoadType::ConfigLoadSet,
        "set",
    )
    .await
    .expect("set");
    assert_eq!(host().as_deref(), Some("by-set"));

    // replace: swaps only the marked subtree
    let users_before = dev.device().committed().config.users();
    c.config_set_text(
        "system { replace: services { extension-service { request-response { grpc { clear-text { address 127.0.0.1; port PORT; } max-connections 5; } } } } }"
            .replace("PORT", &dev.grpc_addr().port().to_string())
            .as_str(),
        ConfigLoadType::ConfigLoadReplace,
        "replace",
    )
    .await
    .expect("replace");
    let cfg = dev.device().committed().config.clone();
    assert_eq!(cfg.jsd().max_connections, 5);
    assert_eq!(cfg.users(), users_before, "replace touched users");
    assert_eq!(cfg.host_name(), Some("by-set"));

    // override: the payload becomes the whole configuration
    let whole = dev
        .device()
        .committed()
        .config
        .to_text()
        .replace("host-name by-set;", "host-name overridden;");
    c.config_set_text(&whole, ConfigLoadType::ConfigLoadOverride, "override")
        .await
        .expect("override");
    assert_eq!(host().as_deref(), Some("overridden"));
}

#[tokio::test]
async fn a_rejected_configuration_names_the_problem_and_changes_nothing() {
    let dev = TestDevice::start().await;
    let c = dev.admin("cfg").await;
    let before = dev.device().committed();
    for (payload, mode, needle) in [
        (
            "system { host-name ok; bogus-statement 1; }",
            ConfigLoadType::ConfigLoadMerge,
            "bogus-statement",
        ),
        (
            "system { host-name ok; ",
            ConfigLoadType::ConfigLoadMerge,
            "line",
        ),
        (
            "set system services extension-service request-response grpc max-connections 5000",
            ConfigLoadType::ConfigLoadSet,
            "5000",
        ),
        (
            "set system login user bob uid 3000",
            ConfigLoadType::ConfigLoadSet,
            "class",
        ),
    ] {
        let err = c
            .config_set_text(payload, mode, "")
            .await
            .expect_err(payload);
        match &err {
            Error::Failed(m) => assert!(m.contains(needle), "{payload}: {m}"),
            other => panic!("expected FAILURE for {payload}, got {other}"),
        }
        let after = dev.device().committed();
        assert_eq!(
            after.config, before.config,
            "{payload} changed the configuration"
        );
        assert_eq!(after.meta.time, before.meta.time);
    }
    let err = c
        .management()
        .config_set(ConfigSetRequest {
            config: None,
            load_type: 0,
            commit: None,
        })
        .await
        .expect_err("no payload");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    let reply = c
        .management()
        .config_set(ConfigSetRequest {
            config: Some(config_set_request::Config::JsonConfig("{}".into())),
            load_type: 0,
            commit: None,
        })
        .await
        .expect("answers")
        .into_inner();
    // A JSON payload is answered with a JET status (loaded once jet-config parses JSON,
    // a FAILURE saying JSON is not supported before), never a gRPC error.
    let status = reply.status.expect("status");
    assert!(
        status.code == StatusCode::Success as i32 || status.message.contains("json"),
        "{}",
        status.message
    );
}

#[tokio::test]
async fn services_not_implemented_yet_say_so() {
    let dev = TestDevice::start().await;
    let c = dev.admin("mpls").await;
    let err = jet_sdk::proto::routing::mpls_api_client::MplsApiClient::new(c.channel())
        .lsp_ping_get_rsvp_info(jet_sdk::proto::routing::RsvpLspPingInfoRequest::default())
        .await
        .expect_err("not implemented");
    assert_eq!(err.code(), tonic::Code::Unimplemented);
    assert!(
        err.message()
            .contains("/routing.MplsApi/LspPingGetRsvpInfo"),
        "{}",
        err.message()
    );
}

#[tokio::test]
async fn legacy_management_runs_op_and_config_commands() {
    let dev = TestDevice::start().await;
    let c = dev.admin("legacy").await;
    let mut m = legacy::management_rpc_api_client::ManagementRpcApiClient::new(c.channel());
    let mut stream = m
        .execute_op_command(legacy::ExecuteOpCommandRequest {
            request_id: 42,
            command: Some(legacy::execute_op_command_request::Command::CliCommand(
                "show version".into(),
            )),
            out_format: legacy::OperationFormatType::OperationFormatCli as i32,
        })
        .await
        .expect("stream")
        .into_inner();
    let mut out = String::new();
    while let Some(msg) = stream.next().await {
        let msg = msg.expect("message");
        assert_eq!(msg.request_id, 42);
        assert_eq!(msg.status, legacy::JunosRpcResponseTypes::Success as i32);
        out.push_str(&msg.data);
    }
    assert!(out.contains("Hostname: testdev"), "{out}");

    // Legacy numbering: load_type 1 is MERGE (0 would be REPLACE).
    let reply = m
        .execute_cfg_command(legacy::ExecuteCfgCommandRequest {
            request_id: 7,
            config: Some(legacy::execute_cfg_command_request::Config::TextConfig(
                "system { host-name legacy-merged; }".into(),
            )),
            load_type: legacy::ConfigLoadType::ConfigLoadMerge as i32,
            commit: None,
        })
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(reply.request_id, 7);
    assert_eq!(
        reply.status,
        legacy::JunosRpcResponseTypes::Success as i32,
        "{}",
        reply.message
    );
    assert_eq!(
        dev.device().committed().config.host_name(),
        Some("legacy-merged")
    );

    let reply = m
        .execute_cfg_command(legacy::ExecuteCfgCommandRequest {
            request_id: 8,
            config: Some(legacy::execute_cfg_command_request::Config::TextConfig(
                "system { nonsense; }".into(),
            )),
            load_type: legacy::ConfigLoadType::ConfigLoadMerge as i32,
            commit: None,
        })
        .await
        .expect("answers")
        .into_inner();
    assert_eq!(
        reply.status,
        legacy::JunosRpcResponseTypes::InvalidConfiguration as i32
    );
    assert!(reply.message.contains("nonsense"), "{}", reply.message);
}

#[tokio::test]
async fn a_commit_is_announced_on_the_device_event_bus() {
    let dev = TestDevice::start().await;
    let mut events = dev.device().events().subscribe();
    let c = dev.admin("bus").await;
    c.config_set_text(
        "system { host-name evented; }",
        ConfigLoadType::ConfigLoadMerge,
        "why",
    )
    .await
    .expect("commit");
    let mut commit = None;
    while let Ok(ev) = events.try_recv() {
        if let jet_device::DeviceEvent::Commit(c) = &ev.event {
            commit = Some(c.clone());
        }
    }
    let commit = commit.expect("a commit event");
    assert_eq!(commit.user, "admin");
    assert_eq!(commit.client, "grpc");
    assert_eq!(commit.comment.as_deref(), Some("why"));
}
