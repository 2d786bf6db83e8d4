//! Live commands (`openjet.appcommands.v1.AppCommands`): an app registers commands over
//! a stream and answers them; other sessions run them through OpCommandGet in the three
//! formats and see them in `show extension-service commands`; they go with the stream.

use std::time::{Duration, Instant};

use jet_sdk::app_commands::{serve, CommandSpec, Registration, Reply};
use jet_sdk::{Error, JetClient, OutputFormat};
use jet_testkit::TestDevice;

use super::{device_with_read_only_user, text};

async fn op(c: &JetClient, cmd: &str, f: OutputFormat) -> Result<String, String> {
    c.op_command(cmd, f).await.map_err(|e| e.to_string())
}

/// The gRPC status of a refused registration.
fn status(r: Result<jet_sdk::app_commands::LiveCommands, Error>) -> tonic::Status {
    match r {
        Err(Error::Rpc(s)) => s,
        Err(e) => panic!("not a gRPC status: {e}"),
        Ok(c) => panic!("registered {:?}", c.commands()),
    }
}

/// `management.ManagementRpcApi/ExecuteOpCommand` in JSON: the output.
async fn legacy_op(c: &JetClient, cmd: &str) -> String {
    use futures::StreamExt as _;
    use jet_sdk::proto::management as legacy;
    let mut m = legacy::management_rpc_api_client::ManagementRpcApiClient::new(c.channel());
    let mut stream = m
        .execute_op_command(legacy::ExecuteOpCommandRequest {
            request_id: 1,
            command: Some(legacy::execute_op_command_request::Command::CliCommand(
                cmd.into(),
            )),
            out_format: legacy::OperationFormatType::OperationFormatJson as i32,
        })
        .await
        .expect("stream")
        .into_inner();
    let mut out = String::new();
    while let Some(msg) = stream.next().await {
        let msg = msg.expect("message");
        assert_eq!(
            msg.status,
            legacy::JunosRpcResponseTypes::Success as i32,
            "{msg:?}"
        );
        out.push_str(&msg.data);
    }
    out
}

fn peers() -> CommandSpec {
    CommandSpec::new("show acme peers", "Show the peers of acme")
        .argument("peer", "Name of one peer", true)
        .flag("detail", "Display detailed output")
}

/// A handler answering `show acme peers` in text or XML, and failing `show acme fail`.
async fn answer(inv: jet_sdk::app_commands::Invocation) -> Reply {
    if inv.command == "show acme fail" {
        return Reply::Error("backend down".into());
    }
    let peer = inv.argument("peer").unwrap_or("?").to_owned();
    let detail = inv.argument("detail").is_some();
    match inv.format {
        OutputFormat::Text => Reply::Output(format!(
            "peer {peer} up{}\n",
            if detail { " (detail)" } else { "" }
        )),
        _ => Reply::Output(format!(
            "<acme-peers><peer><name>{peer}</name><state>up</state></peer></acme-peers>"
        )),
    }
}

#[tokio::test]
async fn app_registered_command_appears_and_disappears_with_its_app() {
    let d = TestDevice::start().await;
    let app = d.admin("acme-app").await;
    let user = d.admin("operator").await;
    let before = op(&user, "show acme peers peer p1", OutputFormat::Text)
        .await
        .expect_err("not a command yet");
    assert!(
        before.contains("syntax error: 'acme' is not valid after 'show'"),
        "{before}"
    );

    let served = app
        .serve_commands(
            vec![peers(), CommandSpec::new("show acme fail", "Always fails")],
            answer,
        )
        .await
        .expect("registers");
    assert_eq!(served.commands(), ["show acme peers", "show acme fail"]);
    assert_eq!(served.reply_timeout(), Duration::from_secs(30));

    // Text, with abbreviated words and options.
    let out = text(&user, "show acme peers peer p1 detail").await;
    assert_eq!(out, "peer p1 up (detail)\n");
    let out = text(&user, "sh acme pe pe p2").await;
    assert_eq!(out, "peer p2 up\n");
    // XML and JSON from the app's XML.
    let x = op(&user, "show acme peers peer p1", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        x.contains("<acme-peers>") && x.contains("<name>p1</name>"),
        "{x}"
    );
    let j = op(&user, "show acme peers peer p1", OutputFormat::Json)
        .await
        .expect("json");
    let v: serde_json::Value = serde_json::from_str(&j).expect("valid JSON");
    assert!(v.get("acme-peers").is_some(), "{j}");
    assert!(j.contains("p1"), "{j}");
    // The older generation's ExecuteOpCommand runs it too.
    let legacy_json = legacy_op(&user, "show acme peers peer p4").await;
    assert!(legacy_json.contains("p4"), "{legacy_json}");
    serde_json::from_str::<serde_json::Value>(&legacy_json).expect("valid JSON");
    // `| display xml` works as for every command.
    let x = text(&user, "show acme peers peer p3 | display xml").await;
    assert!(x.contains("<name>p3</name>"), "{x}");

    // A mandatory option missing is refused before the app hears of it; the app's own
    // error names the app.
    let e = op(&user, "show acme peers", OutputFormat::Text)
        .await
        .expect_err("peer missing");
    assert!(e.contains("needs the option 'peer'"), "{e}");
    let e = op(&user, "show acme fail", OutputFormat::Text)
        .await
        .expect_err("app's error");
    assert!(
        e.contains("command 'show acme fail' of live app acme-app: failed: backend down"),
        "{e}"
    );

    // Listed with its source and options (jcli's `?` and TAB read this list).
    let list = text(&user, "show extension-service commands").await;
    let line = list
        .lines()
        .find(|l| l.starts_with("show acme peers"))
        .unwrap_or_else(|| panic!("not listed: {list}"));
    assert!(line.contains("acme-app") && line.contains("live"), "{line}");
    assert!(line.contains("Show the peers of acme"), "{line}");
    let x = op(&user, "show extension-service commands", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(x.contains("<source>live</source>"), "{x}");
    assert!(
        x.contains("<name>peer</name>") && x.contains("<mandatory/>"),
        "{x}"
    );

    // The app goes: so do its commands, at once.
    drop(served);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list = text(&user, "show extension-service commands").await;
        if !list.contains("show acme") {
            break;
        }
        assert!(Instant::now() < deadline, "still listed: {list}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let after = op(&user, "show acme peers peer p1", OutputFormat::Text)
        .await
        .expect_err("gone");
    assert_eq!(after, before);
}

#[tokio::test]
async fn commands_of_the_device_or_another_app_are_refused() {
    let d = TestDevice::start().await;
    let a = d.admin("acme-a").await;
    let b = d.admin("acme-b").await;
    let _served = a
        .serve_commands(vec![peers()], answer)
        .await
        .expect("registers");

    let s = status(
        b.serve_commands(vec![CommandSpec::new("show version", "mine")], answer)
            .await,
    );
    assert_eq!(s.code(), tonic::Code::AlreadyExists, "{s:?}");
    assert_eq!(
        s.message(),
        "commands[0].cli: 'show version' is already a command of the device"
    );
    let s = status(
        b.serve_commands(
            vec![CommandSpec::new("show acme other", "x"), peers()],
            answer,
        )
        .await,
    );
    assert_eq!(s.code(), tonic::Code::AlreadyExists, "{s:?}");
    assert_eq!(
        s.message(),
        "commands[1].cli: 'show acme peers' is already registered by the live app acme-a"
    );
    let s = status(
        b.serve_commands(vec![CommandSpec::new("configure acme", "x")], answer)
            .await,
    );
    assert_eq!(s.code(), tonic::Code::InvalidArgument, "{s:?}");
    assert!(s.message().starts_with("commands[0].cli:"), "{s:?}");
    let many: Vec<CommandSpec> = (0..17)
        .map(|i| CommandSpec::new(&format!("show acme c{i}"), "x"))
        .collect();
    let s = status(b.serve_commands(many, answer).await);
    assert_eq!(s.code(), tonic::Code::InvalidArgument, "{s:?}");
    assert!(s.message().contains("at most 16"), "{s:?}");
    // Nothing of b's was registered.
    let list = text(&b, "show extension-service commands").await;
    assert!(!list.contains("acme-b"), "{list}");
}

#[tokio::test]
async fn an_unanswered_invocation_fails_naming_the_app() {
    let d = TestDevice::start().await;
    let app = d.admin("slow-app").await;
    let user = d.admin("operator").await;
    let _served = serve(
        &app,
        Registration {
            commands: vec![CommandSpec::new("show slow status", "Never answers")],
            reply_timeout: Some(Duration::from_secs(1)),
        },
        |_inv| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Reply::Output(String::new())
        },
    )
    .await
    .expect("registers");
    let t0 = Instant::now();
    let e = op(&user, "show slow status", OutputFormat::Text)
        .await
        .expect_err("times out");
    let took = t0.elapsed();
    assert!(
        e.contains("command 'show slow status' of live app slow-app: no answer within 1 s"),
        "{e}"
    );
    assert!(
        took >= Duration::from_secs(1) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[tokio::test]
async fn read_only_sessions_may_not_register_but_may_run_show_commands() {
    let d = device_with_read_only_user("password", "").await;
    let ro = d.client().await;
    ro.login("ro", "password", "ro-app")
        .await
        .expect("ro logs in");
    let s = status(ro.serve_commands(vec![peers()], answer).await);
    assert_eq!(s.code(), tonic::Code::PermissionDenied, "{s:?}");
    assert!(s.message().contains("read-only"), "{s:?}");

    let app = d.admin("acme-app").await;
    let _served = app
        .serve_commands(
            vec![peers(), CommandSpec::new("request acme reset", "Reset")],
            answer,
        )
        .await
        .expect("registers");
    assert_eq!(text(&ro, "show acme peers peer p9").await, "peer p9 up\n");
    let e = op(&ro, "request acme reset", OutputFormat::Text)
        .await
        .expect_err("read-only runs show commands only");
    assert!(e.contains("read-only"), "{e}");
}

/// The protocol by hand (no SDK): a reply over the size limit fails only that command;
/// a reply naming an id never sent ends the stream with INVALID_ARGUMENT, and the
/// commands go with it.
#[tokio::test]
async fn oversized_replies_fail_the_command_and_unknown_reply_ids_end_the_stream() {
    use jet_sdk::proto::openjet::appcommands::v1 as pb;
    let d = TestDevice::start().await;
    let app = d.admin("raw-app").await;
    let user = d.admin("operator").await;
    let (tx, rx) = tokio::sync::mpsc::channel::<pb::AppMessage>(4);
    tx.send(pb::AppMessage {
        kind: Some(pb::app_message::Kind::Register(pb::RegisterRequest {
            commands: vec![pb::CommandSpec {
                cli: "show raw big".into(),
                help: "Too much".into(),
                arguments: Vec::new(),
            }],
            reply_timeout_seconds: 5,
        })),
    })
    .await
    .expect("queued");
    let outbound =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|m| (m, rx)) });
    let mut inbound = pb::app_commands_client::AppCommandsClient::new(app.channel())
        .serve(outbound)
        .await
        .expect("registered")
        .into_inner();
    let first = inbound.message().await.expect("ok").expect("message");
    assert!(
        matches!(first.kind, Some(pb::device_message::Kind::Registered(ref r))
            if r.commands == ["show raw big"] && r.reply_timeout_seconds == 5),
        "{first:?}"
    );

    let run = {
        let user = user.clone();
        tokio::spawn(async move { op(&user, "show raw big", OutputFormat::Text).await })
    };
    let inv = match inbound.message().await.expect("ok").expect("message").kind {
        Some(pb::device_message::Kind::Invocation(i)) => i,
        other => panic!("not an invocation: {other:?}"),
    };
    assert_eq!((inv.id, inv.command.as_str()), (1, "show raw big"));
    assert_eq!(inv.format, pb::OutputFormat::Text as i32);
    tx.send(pb::AppMessage {
        kind: Some(pb::app_message::Kind::Reply(pb::InvocationReply {
            id: 1,
            output: "x".repeat((1 << 20) + 1),
            error: String::new(),
        })),
    })
    .await
    .expect("queued");
    let e = run.await.expect("joins").expect_err("too large");
    assert!(
        e.contains("its reply of 1048577 bytes is over the limit of 1048576 bytes"),
        "{e}"
    );

    tx.send(pb::AppMessage {
        kind: Some(pb::app_message::Kind::Reply(pb::InvocationReply {
            id: 9,
            output: "late".into(),
            error: String::new(),
        })),
    })
    .await
    .expect("queued");
    let s = inbound.message().await.expect_err("stream ends");
    assert_eq!(s.code(), tonic::Code::InvalidArgument, "{s:?}");
    assert!(s.message().starts_with("reply.id: 9 "), "{s:?}");
    let e = op(&user, "show raw big", OutputFormat::Text)
        .await
        .expect_err("gone with the stream");
    assert!(e.contains("syntax error"), "{e}");
}
