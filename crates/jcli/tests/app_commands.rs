//! A command an app adds (package manifest `commands`), in the real jcli on a
//! pseudo-terminal: `?` lists it with its help, TAB completes it, Enter runs it through
//! the device (appd runs the script), and it leaves `?` when its package is deleted.

use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

use jet_apps::{AppService, AppServiceOptions};
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

const PROMPT: &str = "admin@testdev> ";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_command_is_offered_by_help_and_tab_runs_and_leaves_with_its_package() {
    let work = tempfile::tempdir().expect("tempdir");
    let key = jet_pkg::SigningKey::generate("acme").expect("key");
    let src = work.path().join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(src.join("main.sh"), "exec sleep 300\n").expect("write");
    let status = src.join("status.sh");
    std::fs::write(&status, "#!/bin/sh\necho \"widget status: spinning $*\"\n").expect("write");
    std::fs::set_permissions(&status, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let spec: jet_pkg::AppSpec = serde_json::from_value(serde_json::json!({
        "name": "widget", "version": "1.0.0", "provider": "acme",
        "entry": "main.sh", "interpreter": "sh",
        "commands": [ { "cli": "show widget status", "script": "status.sh",
                        "help": "Show the widget's spin" } ],
    }))
    .expect("spec");
    let pkg = work.path().join("widget-1.0.0.tgz");
    jet_pkg::build(&src, &spec, &key, &pkg, &mut |_| {}).expect("builds");
    let line = key.public().to_line();
    let dev = TestDevice::in_dir(
        tempfile::tempdir().expect("tempdir"),
        "system { extensions { providers acme; } }",
        move |data| {
            let d = data.join("certs/providers");
            std::fs::create_dir_all(&d).expect("mkdir");
            std::fs::write(d.join("acme.pub"), line).expect("write");
        },
    )
    .await;
    let _apps = AppService::start(dev.device().clone(), AppServiceOptions::default())
        .await
        .expect("appd");
    let admin = dev.admin("installer").await;
    let out = admin
        .op_command(
            &format!("request system software add {}", pkg.display()),
            OutputFormat::Text,
        )
        .await
        .expect("installs");
    assert!(out.contains("installed"), "{out}");

    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jcli"));
    cmd.args(["--host", &dev.grpc_addr().to_string()])
        .env_remove("JCLI_USER")
        .env("HOME", home.path())
        .env("JCLI_PASSWORD", &dev.admin_password)
        .env("TERM", "xterm");
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let pty = tokio::task::spawn_blocking(move || {
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("pty");
        p.exp_string(PROMPT).expect("prompt");
        // `?` after `show widget` lists the app's command with its help.
        p.send("show widget ?").expect("type");
        p.flush().expect("flush");
        p.exp_string("Possible completions:").expect("help");
        p.exp_string("Show the widget's spin")
            .expect("the app command's help");
        p.exp_string(&format!("{PROMPT}show widget "))
            .expect("line again");
        // TAB completes the word; Enter runs it, arguments included.
        p.send("sta\t").expect("type");
        p.flush().expect("flush");
        p.exp_string("status").expect("TAB completes 'sta'");
        p.send(" fast\r").expect("type");
        p.flush().expect("flush");
        p.exp_string("widget status: spinning fast")
            .expect("the script's output");
        p.exp_string(PROMPT).expect("prompt");
        // The package is deleted meanwhile: the next prompt no longer offers it.
        tx.send(()).expect("signal");
        done_rx.recv().expect("deleted");
        p.send("\r").expect("new prompt");
        p.flush().expect("flush");
        p.exp_string(PROMPT).expect("prompt");
        p.send("show widget ?").expect("type");
        p.flush().expect("flush");
        p.exp_string("syntax error").expect("gone from help");
        // The line comes back after the message: clear it only once it is there (a
        // Ctrl-U typed earlier clears nothing, and `exit` lands behind `show widget`).
        p.exp_string(&format!("{PROMPT}show widget "))
            .expect("line again after the error");
        p.send("\x15exit\r").expect("type");
        p.flush().expect("flush");
        p.exp_eof().expect("exit");
    });
    tokio::task::spawn_blocking(move || rx.recv())
        .await
        .expect("join")
        .expect("jcli ran the command");
    admin
        .op_command("request system software delete widget", OutputFormat::Text)
        .await
        .expect("deletes");
    done_tx.send(()).expect("go on");
    pty.await.expect("pty session");
}
