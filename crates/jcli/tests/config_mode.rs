//! jcli's configuration mode end to end: the real binary against a real in-process
//! device, non-interactively (repeated `-c`, commands piped on stdin) and through a
//! pseudo-terminal (prompts, `[edit]` banners, `?` help, TAB, the exit question).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use jet_testkit::TestDevice;
use rexpect::session::PtySession;

fn jcli(home: &Path, dev: &TestDevice, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jcli"));
    cmd.arg("--host")
        .arg(dev.grpc_addr().to_string())
        .args(args)
        .env_remove("JCLI_USER")
        .env("JCLI_PASSWORD", &dev.admin_password)
        .env("HOME", home);
    cmd
}

/// Runs to completion with `stdin` as standard input, off the device's worker threads.
async fn run(mut cmd: Command, stdin: &str) -> Output {
    let input = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("jcli starts");
        if let Some(mut i) = child.stdin.take() {
            let _ = i.write_all(input.as_bytes());
        }
        child.wait_with_output().expect("jcli runs")
    })
    .await
    .expect("join")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_c_runs_a_configuration_session_and_commits() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let cmd = jcli(
        home.path(),
        &dev,
        &[
            "-c",
            "configure private",
            "-c",
            "set system host-name viajcli",
            "-c",
            "show | compare",
            "-c",
            "commit comment \"from jcli\" and-quit",
            "-c",
            "show system commit",
        ],
    );
    let out = run(cmd, "").await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout.contains("Entering configuration mode\n"), "{stdout}");
    assert!(
        stdout.contains("[edit system]\n-  host-name testdev;\n+  host-name viajcli;"),
        "{stdout}"
    );
    assert!(
        stdout.contains("commit complete\nExiting configuration mode\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("by admin via cli\n    from jcli\n"),
        "{stdout}"
    );
    assert_eq!(dev.device().committed().config.host_name(), Some("viajcli"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_configuration_command_exits_1_with_the_junos_error() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let cmd = jcli(
        home.path(),
        &dev,
        &["-c", "configure", "-c", "set system bogus 1", "-c", "exit"],
    );
    let out = run(cmd, "").await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bogus"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_piped_on_stdin_edit_levels_banners_and_load_files() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let file = home.path().join("extra.conf");
    std::fs::write(&file, "system { domain-name fromfile.net; }\n").expect("file");
    let script = format!(
        "configure\nedit system\nset time-zone UTC\nshow time-zone\nup\nload merge {}\n\
         commit\nexit\nshow configuration system domain-name\nexit\n",
        file.display()
    );
    let out = run(jcli(home.path(), &dev, &[]), &script).await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout.contains("\n[edit]\n"), "{stdout}");
    assert!(stdout.contains("\n[edit system]\n"), "{stdout}");
    assert!(stdout.contains("time-zone UTC;\n"), "{stdout}");
    assert!(stdout.contains("load complete\n"), "{stdout}");
    assert!(stdout.contains("domain-name fromfile.net;"), "{stdout}");
    let cfg = dev.device().committed().config.to_text();
    assert!(cfg.contains("time-zone UTC;"), "{cfg}");
}

fn type_keys(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("write to the pty");
    p.flush().expect("flush the pty");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminal_session_shows_banners_helps_from_the_schema_and_asks_before_leaving() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = jcli(home.path(), &dev, &[]);
    cmd.env("TERM", "xterm");
    tokio::task::spawn_blocking(move || {
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("pty");
        p.exp_string("admin@testdev> ").expect("operational prompt");
        type_keys(&mut p, "configure\r");
        p.exp_string("Entering configuration mode")
            .expect("entering");
        p.exp_string("[edit]").expect("banner");
        p.exp_string("admin@testdev# ")
            .expect("configuration prompt");

        // `?` lists statements from the schema.
        type_keys(&mut p, "set system ?");
        p.exp_string("Possible completions:").expect("help");
        p.exp_string("host-name").expect("schema statement listed");
        p.exp_string("admin@testdev# set system ")
            .expect("line shown again");
        // TAB completes a unique statement prefix.
        type_keys(&mut p, "host\t");
        p.exp_string("host-name ").expect("TAB completes host-name");
        type_keys(&mut p, "ptyname\r");
        p.exp_string("[edit]").expect("banner after the command");

        type_keys(&mut p, "edit system login\r");
        p.exp_string("[edit system login]")
            .expect("edit level banner");
        type_keys(&mut p, "top\r");
        p.exp_string("[edit]").expect("back at the top");

        // Leaving with uncommitted changes asks; "no" stays.
        type_keys(&mut p, "exit\r");
        p.exp_string("The configuration has been changed but not committed")
            .expect("warning");
        p.exp_string("Exit with uncommitted changes? [yes,no] (yes) ")
            .expect("question");
        type_keys(&mut p, "no\r");
        p.exp_string("admin@testdev# ").expect("still configuring");
        type_keys(&mut p, "commit and-quit\r");
        p.exp_string("commit complete").expect("committed");
        p.exp_string("Exiting configuration mode").expect("left");
        p.exp_string("admin@testdev> ")
            .expect("operational prompt again");
        type_keys(&mut p, "exit\r");
        p.exp_eof().expect("jcli ends");
    })
    .await
    .expect("pty session");
    assert_eq!(dev.device().committed().config.host_name(), Some("ptyname"));
}
