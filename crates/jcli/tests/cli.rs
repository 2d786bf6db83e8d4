//! jcli end to end: the real binary against a real in-process device, through its
//! one-command mode and through a pseudo-terminal.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use jet_device::Transport;
use jet_testkit::TestDevice;
use rexpect::process::wait::WaitStatus;
use rexpect::session::PtySession;

const PROMPT: &str = "admin@testdev> ";

/// A jcli command with a clean environment: no JCLI_* variables, HOME in `home`.
fn jcli(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jcli"));
    cmd.args(args)
        .env_remove("JCLI_PASSWORD")
        .env_remove("JCLI_USER")
        .env("HOME", home);
    cmd
}

/// Runs to completion with stdin closed (no terminal), off the device's worker threads.
async fn output(mut cmd: Command) -> Output {
    cmd.stdin(Stdio::null());
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("jcli runs")
}

/// `jcli --host ADDR -c COMMAND` with the admin password in JCLI_PASSWORD.
async fn run_c(dev: &TestDevice, command: &str) -> Output {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = jcli(
        home.path(),
        &["--host", &dev.grpc_addr().to_string(), "-c", command],
    );
    cmd.env("JCLI_PASSWORD", &dev.admin_password);
    output(cmd).await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_command_prints_device_output_and_exits_0() {
    let dev = TestDevice::start().await;
    let out = run_c(&dev, "show version").await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        text(&out.stdout).starts_with("Hostname: testdev\n"),
        "{out:?}"
    );
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn display_xml_pipe_is_rendered_by_the_device() {
    let dev = TestDevice::start().await;
    let out = run_c(&dev, "show version | display xml").await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("<software-information>"), "{stdout}");
    assert!(
        stdout.contains("<host-name>testdev</host-name>"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn format_flag_asks_for_json() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let addr = dev.grpc_addr().to_string();
    let mut cmd = jcli(
        home.path(),
        &["--host", &addr, "--format", "json", "-c", "show version"],
    );
    cmd.env("JCLI_PASSWORD", &dev.admin_password);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        text(&out.stdout).contains("\"software-information\""),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_command_exits_1_with_the_device_error() {
    let dev = TestDevice::start().await;
    let out = run_c(&dev, "show bogus").await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("bogus"),
        "the device's message names the word: {stderr}"
    );
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_exits_2_saying_login_failed() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = jcli(
        home.path(),
        &["--host", &dev.grpc_addr().to_string(), "-c", "show version"],
    );
    cmd.env("JCLI_PASSWORD", "wrong-password");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains("login as 'admin' failed"),
        "{out:?}"
    );
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn user_comes_from_jcli_user() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = jcli(
        home.path(),
        &["--host", &dev.grpc_addr().to_string(), "-c", "show version"],
    );
    cmd.env("JCLI_PASSWORD", &dev.admin_password)
        .env("JCLI_USER", "nobody");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains("login as 'nobody' failed"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_and_no_terminal_exits_2_explaining_how() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let out = output(jcli(
        home.path(),
        &["--host", &dev.grpc_addr().to_string(), "-c", "show version"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(text(&out.stderr).contains("JCLI_PASSWORD"), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_device_exits_2() {
    let home = tempfile::tempdir().expect("tempdir");
    let addr = format!("127.0.0.1:{}", jet_testkit::free_port());
    let mut cmd = jcli(home.path(), &["--host", &addr, "-c", "show version"]);
    cmd.env("JCLI_PASSWORD", "x");
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        text(&out.stderr).contains(&addr),
        "the message names the address: {out:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_with_ca_and_client_certificate() {
    let port = jet_testkit::free_port();
    let extra = format!(
        "system {{ services {{ extension-service {{ request-response {{ grpc {{ ssl {{ \
         address 127.0.0.1; port {port}; local-certificate jsd; mutual-authentication {{ \
         certificate-authority jet-ca; client-certificate-request require-certificate-and-verify; }} \
         }} }} }} }} }} }} security {{ certificates {{ local jsd {{ load-key-file certs/server.pem; }} }} \
         pki {{ ca-profile jet-ca {{ ca-identity jet-ca; }} }} }}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let dev = TestDevice::in_dir(dir, &extra, |d| {
        jet_jsd::certs::generate(d, &[]).expect("certificates");
    })
    .await;
    dev.wait_listening(|l| l.iter().any(|x| x.transport == Transport::Tls))
        .await;
    let addr = dev
        .addr_of(Transport::Tls)
        .expect("TLS listener")
        .to_string();
    let certs = dev.dir.path().join("certs");
    let file = |f: &str| certs.join(f).to_string_lossy().into_owned();
    let home = tempfile::tempdir().expect("tempdir");
    let base = [
        "--host",
        &addr,
        "--ca",
        &file("ca.crt"),
        "--server-name",
        "localhost",
    ];

    let mut cmd = jcli(home.path(), &base);
    cmd.args([
        "--cert",
        &file("client.crt"),
        "--key",
        &file("client.key"),
        "-c",
        "show version",
    ]);
    cmd.env("JCLI_PASSWORD", &dev.admin_password);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(text(&out.stdout).contains("Hostname: testdev"), "{out:?}");

    // Without the client certificate the device refuses the connection.
    let mut cmd = jcli(home.path(), &base);
    cmd.args(["-c", "show version"])
        .env("JCLI_PASSWORD", &dev.admin_password);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// Types `keys` (rexpect buffers until flushed).
fn type_keys(p: &mut PtySession, keys: &str) {
    p.send(keys).expect("write to the pty");
    p.flush().expect("flush the pty");
}

/// Spawns jcli on a pseudo-terminal.
fn spawn_pty(cmd: Command) -> PtySession {
    rexpect::session::spawn_command(cmd, Some(20_000)).expect("jcli starts on a pty")
}

fn exit_code(p: &PtySession) -> Option<i32> {
    match p.process.wait() {
        Ok(WaitStatus::Exited(_, code)) => Some(code),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_mode_completes_helps_runs_and_exits() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = jcli(home.path(), &["--host", &dev.grpc_addr().to_string()]);
    cmd.env("JCLI_PASSWORD", &dev.admin_password)
        .env("TERM", "xterm");
    let history = home.path().join(".jcli_history");

    tokio::task::spawn_blocking(move || {
        let mut p = spawn_pty(cmd);
        p.exp_string(PROMPT)
            .expect("prompt with user and device host name");

        // TAB completes a unique prefix; Enter runs the completed command.
        type_keys(&mut p, "show ver\t");
        p.exp_string("show version")
            .expect("TAB completes 'ver' to 'version'");
        type_keys(&mut p, "\r");
        p.exp_string("Hostname: testdev")
            .expect("show version output");
        p.exp_string(PROMPT).expect("prompt after output");

        // `?` lists what may follow, with help, then shows the line again.
        type_keys(&mut p, "show ?");
        p.exp_string("Possible completions:").expect("help heading");
        let listed = p
            .exp_string("Show software process revision levels")
            .expect("help");
        assert!(listed.contains("version"), "{listed}");
        p.exp_string(&format!("{PROMPT}show "))
            .expect("line shown again after '?'");
        // Finishing the re-shown line runs `show version`.
        type_keys(&mut p, "version\r");
        p.exp_string("Hostname: testdev")
            .expect("re-shown line kept its text");
        p.exp_string(PROMPT).expect("prompt");

        // A device error is printed and the session goes on.
        type_keys(&mut p, "show bogus\r");
        p.exp_string("error: ").expect("device error shown");
        p.exp_string(PROMPT).expect("still running after an error");

        type_keys(&mut p, "exit\r");
        p.exp_eof().expect("exit leaves");
        assert_eq!(exit_code(&p), Some(0));
    })
    .await
    .expect("pty session");

    let saved = std::fs::read_to_string(&history).expect("history saved");
    assert!(saved.contains("show version"), "{saved}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_d_leaves_interactive_mode() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = jcli(home.path(), &["--host", &dev.grpc_addr().to_string()]);
    cmd.env("JCLI_PASSWORD", &dev.admin_password)
        .env("TERM", "xterm");
    tokio::task::spawn_blocking(move || {
        let mut p = spawn_pty(cmd);
        p.exp_string(PROMPT).expect("prompt");
        p.send_control('d').expect("ctrl-d");
        p.exp_eof().expect("Ctrl-D leaves");
        assert_eq!(exit_code(&p), Some(0));
    })
    .await
    .expect("pty session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_is_prompted_on_a_terminal() {
    let dev = TestDevice::start().await;
    let home = tempfile::tempdir().expect("tempdir");
    let addr = dev.grpc_addr().to_string();
    let cmd = jcli(home.path(), &["--host", &addr, "-c", "show version"]);
    let password = dev.admin_password.clone();
    tokio::task::spawn_blocking(move || {
        let mut p = spawn_pty(cmd);
        p.exp_string(&format!("admin@{addr}'s password: "))
            .expect("password prompt");
        type_keys(&mut p, &format!("{password}\r"));
        let out = p.exp_eof().expect("runs and exits");
        assert!(out.contains("Hostname: testdev"), "{out}");
        assert!(
            !out.contains(&password),
            "password must not be echoed: {out}"
        );
        assert_eq!(exit_code(&p), Some(0));
    })
    .await
    .expect("pty session");
}
