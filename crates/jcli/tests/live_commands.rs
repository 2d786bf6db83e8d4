//! A live command (registered by a connected app over `openjet.appcommands.v1`) in the
//! real jcli on a pseudo-terminal: `?` offers it and its options while the app is
//! connected, Enter runs it, and once the app is gone the words are a syntax error again.

use std::process::Command;

use jet_sdk::app_commands::{CommandSpec, Reply};
use jet_testkit::TestDevice;

const PROMPT: &str = "admin@testdev> ";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_command_is_offered_by_help_runs_and_goes_with_its_app() {
    let dev = TestDevice::start().await;
    let app = dev.admin("acme-app").await;
    let served = app
        .serve_commands(
            vec![
                CommandSpec::new("show acme peers", "Show the peers of acme").argument(
                    "peer",
                    "Name of one peer",
                    false,
                ),
            ],
            |inv| async move {
                Reply::Output(format!(
                    "acme peer {} up\n",
                    inv.argument("peer").unwrap_or("all")
                ))
            },
        )
        .await
        .expect("registers");

    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jcli"));
    cmd.args(["--host", &dev.grpc_addr().to_string()])
        .env_remove("JCLI_USER")
        .env("HOME", home.path())
        .env("JCLI_PASSWORD", &dev.admin_password)
        .env("TERM", "xterm");
    let (gone_tx, gone_rx) = std::sync::mpsc::channel::<()>();
    let (drop_tx, drop_rx) = tokio::sync::oneshot::channel::<()>();
    let pty = tokio::task::spawn_blocking(move || {
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("pty");
        p.exp_string(PROMPT).expect("prompt");
        p.send("show acme ?").expect("type");
        p.flush().expect("flush");
        p.exp_string("Possible completions:").expect("help");
        p.exp_string("Show the peers of acme")
            .expect("the command's help");
        p.exp_string(&format!("{PROMPT}show acme "))
            .expect("line again");
        p.send("peers ?").expect("type");
        p.flush().expect("flush");
        p.exp_string("Name of one peer").expect("the option's help");
        p.exp_string(&format!("{PROMPT}show acme peers "))
            .expect("line again");
        p.send("peer p7\r").expect("type");
        p.flush().expect("flush");
        p.exp_string("acme peer p7 up").expect("the app's answer");
        p.exp_string(PROMPT).expect("prompt");
        // The app disconnects.
        drop_tx.send(()).expect("test alive");
        gone_rx.recv().expect("app gone");
        p.send("show acme peers peer p7\r").expect("type");
        p.flush().expect("flush");
        p.exp_string("syntax error")
            .expect("no such command any more");
        p.exp_string(PROMPT).expect("prompt");
        p.send("exit\r").expect("type");
        p.flush().expect("flush");
        p.exp_eof().expect("exit");
    });
    drop_rx.await.expect("pty asks");
    drop(served);
    // Wait until the device no longer lists it.
    let c = dev.admin("watcher").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let list = c
            .op_command(
                "show extension-service commands",
                jet_sdk::OutputFormat::Text,
            )
            .await
            .expect("list");
        if !list.contains("show acme peers") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still listed: {list}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    gone_tx.send(()).expect("pty alive");
    pty.await.expect("pty session");
}
