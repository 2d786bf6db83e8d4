//! Operational commands that apps add (package manifest `commands`), through the real
//! gRPC op-command API (`OpCommandGet` via the Rust SDK) on a real device with appd:
//! text, XML and JSON, arguments, a failing script, and the command going away with
//! its package.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use jet_apps::{AppService, AppServiceOptions};
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

const MAIN: &str = "exec sleep 300\n";
/// Text, with its arguments and whether it is its app's on the local socket.
const STATUS: &str = "#!/bin/sh\necho \"hello status: running\"\necho \"args: $*\"\necho \"app: $JET_APP_NAME command: $JET_COMMAND\"\n";
/// XML, naming its first argument.
const XML: &str = "#!/bin/sh\necho \"<hello-information><state>running</state><peer>${1:-none}</peer></hello-information>\"\n";
/// Fails, saying why on stderr.
const FAIL: &str = "#!/bin/sh\necho 'no such peer' >&2\nexit 4\n";

fn write(dir: &Path, name: &str, body: &str, exec: bool) {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    let mode = if exec { 0o755 } else { 0o644 };
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_commands_run_through_op_command_get_in_three_formats_and_go_with_their_package() {
    let work = tempfile::tempdir().unwrap();
    let key = jet_pkg::SigningKey::generate("acme").unwrap();
    let src = work.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    write(&src, "main.sh", MAIN, false);
    write(&src, "status.sh", STATUS, true);
    write(&src, "xml.sh", XML, true);
    write(&src, "fail.sh", FAIL, true);
    let spec: jet_pkg::AppSpec = serde_json::from_value(serde_json::json!({
        "name": "hello", "version": "1.0.0", "provider": "acme",
        "entry": "main.sh", "interpreter": "sh",
        "commands": [
            { "cli": "show hello status", "script": "status.sh", "help": "Hello's state" },
            { "cli": "show hello peer", "script": "xml.sh", "help": "One peer" },
            { "cli": "request hello fail", "script": "fail.sh" },
        ],
    }))
    .unwrap();
    let pkg = work.path().join("hello-1.0.0.tgz");
    jet_pkg::build(&src, &spec, &key, &pkg, &mut |_| {}).unwrap();

    let line = key.public().to_line();
    let td = TestDevice::in_dir(
        tempfile::tempdir().unwrap(),
        "system { extensions { providers acme; } }",
        move |data| {
            let d = data.join("certs/providers");
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("acme.pub"), line).unwrap();
        },
    )
    .await;
    let _apps = AppService::start(td.device().clone(), AppServiceOptions::default())
        .await
        .unwrap();
    let c = td.admin("cmds").await;

    // Before the package: no such command.
    let e = c
        .op_command("show hello status", OutputFormat::Text)
        .await
        .expect_err("not a command yet");
    assert!(e.to_string().contains("hello"), "{e}");

    let out = c
        .op_command(
            &format!("request system software add {}", pkg.display()),
            OutputFormat::Text,
        )
        .await
        .unwrap();
    assert!(out.contains("installed"), "{out}");

    let list = c
        .op_command("show extension-service commands", OutputFormat::Text)
        .await
        .unwrap();
    assert!(list.contains("show hello status"), "{list}");
    assert!(list.contains("Hello's state"), "{list}");
    let list = c
        .op_command("show extension-service commands", OutputFormat::Json)
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let cmds = &v["extension-service-command-information"][0]["command"];
    assert_eq!(cmds.as_array().unwrap().len(), 3, "{list}");

    // Text, abbreviated words, arguments after the command's words.
    let out = c
        .op_command("sh hel stat a1 b2", OutputFormat::Text)
        .await
        .unwrap();
    assert!(out.contains("hello status: running"), "{out}");
    assert!(out.contains("args: a1 b2"), "{out}");
    assert!(
        out.contains("app: hello command: show hello status"),
        "{out}"
    );
    // Text output as XML and JSON: wrapped in <output>.
    let out = c
        .op_command("show hello status", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(out.contains("<output>"), "{out}");
    assert!(out.contains("hello status: running"), "{out}");
    // XML the script prints: as XML, and as Junos JSON; pipes apply.
    let out = c
        .op_command("show hello peer 192.0.2.1", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(out.contains("<rpc-reply"), "{out}");
    assert!(out.contains("<peer>192.0.2.1</peer>"), "{out}");
    let out = c
        .op_command("show hello peer 192.0.2.1", OutputFormat::Json)
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["hello-information"][0]["peer"][0]["data"], "192.0.2.1",
        "{out}"
    );
    let out = c
        .op_command("show hello status | match args", OutputFormat::Text)
        .await
        .unwrap();
    assert_eq!(out.trim(), "args:", "{out}");

    // A failing script: the command fails with its exit and what it said.
    let e = c
        .op_command("request hello fail", OutputFormat::Text)
        .await
        .expect_err("fails");
    let msg = e.to_string();
    assert!(msg.contains("exit code 4"), "{msg}");
    assert!(msg.contains("no such peer"), "{msg}");
    assert!(msg.contains("request hello fail"), "{msg}");
    // Built-in commands are not shadowed.
    let v = c
        .op_command("show version", OutputFormat::Text)
        .await
        .unwrap();
    assert!(v.contains("JET app hello [1.0.0]"), "{v}");

    // The package goes, its commands go.
    c.op_command("request system software delete hello", OutputFormat::Text)
        .await
        .unwrap();
    let e = c
        .op_command("show hello status", OutputFormat::Text)
        .await
        .expect_err("gone with the package");
    assert!(e.to_string().contains("hello"), "{e}");
    let list = c
        .op_command("show extension-service commands", OutputFormat::Text)
        .await
        .unwrap();
    assert!(!list.contains("show hello status"), "{list}");
}
