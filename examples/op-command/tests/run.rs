//! The example against a real in-process device, run as its real binary.

use std::process::{Command, Output, Stdio};

use jet_device::Transport;
use jet_testkit::TestDevice;

/// Runs the example with the JET_* variables given (all others removed).
async fn op_command(vars: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_op-command"));
    for v in [
        "JET_ADDRESS",
        "JET_USER",
        "JET_PASSWORD",
        "JET_CA",
        "JET_SERVER_NAME",
        "JET_SOCKET",
    ] {
        cmd.env_remove(v);
    }
    cmd.envs(vars.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    // The device runs on this runtime: wait for the child off its worker threads.
    tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("op-command runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prints_show_version_of_the_device() {
    let dev = TestDevice::start().await;
    let out = op_command(&[
        ("JET_ADDRESS", dev.grpc_addr().to_string()),
        ("JET_PASSWORD", dev.admin_password.clone()),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("Hostname: testdev"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_exits_1_with_a_message() {
    let dev = TestDevice::start().await;
    let out = op_command(&[
        ("JET_ADDRESS", dev.grpc_addr().to_string()),
        ("JET_PASSWORD", "not-the-password".into()),
    ])
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr.contains("login as 'admin' failed"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing printed on failure");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_password_exits_1_naming_the_variable() {
    let dev = TestDevice::start().await;
    let out = op_command(&[("JET_ADDRESS", dev.grpc_addr().to_string())]).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("JET_PASSWORD"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jet_ca_switches_to_tls() {
    let port = jet_testkit::free_port();
    let extra = format!(
        "system {{ services {{ extension-service {{ request-response {{ grpc {{ ssl {{ \
         address 127.0.0.1; port {port}; local-certificate jsd; }} }} }} }} }} }} \
         security {{ certificates {{ local jsd {{ load-key-file certs/server.pem; }} }} }}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let dev = TestDevice::in_dir(dir, &extra, |d| {
        jet_jsd::certs::generate(d, &[]).expect("certificates");
    })
    .await;
    dev.wait_listening(|l| l.iter().any(|x| x.transport == Transport::Tls))
        .await;
    let tls_addr = dev
        .addr_of(Transport::Tls)
        .expect("TLS listener")
        .to_string();
    let ca = dev
        .dir
        .path()
        .join("certs/ca.crt")
        .to_string_lossy()
        .into_owned();
    let vars = |server_name: &str| {
        vec![
            ("JET_ADDRESS", tls_addr.clone()),
            ("JET_PASSWORD", dev.admin_password.clone()),
            ("JET_CA", ca.clone()),
            ("JET_SERVER_NAME", server_name.to_string()),
        ]
    };

    let out = op_command(&vars("localhost")).await;
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Hostname: testdev"),
        "{out:?}"
    );

    // The certificate is checked: a name it does not carry is refused.
    let out = op_command(&vars("not-the-device.example")).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_box_it_runs_without_a_password_over_the_local_socket() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let scripts = dir.path().join("scripts/jet");
    std::fs::create_dir_all(&scripts).expect("scripts dir");
    std::fs::copy(env!("CARGO_BIN_EXE_op-command"), scripts.join("op-command")).expect("copy");
    std::fs::set_permissions(
        scripts.join("op-command"),
        std::fs::Permissions::from_mode(0o755),
    )
    .expect("chmod");
    let dev = TestDevice::in_dir(
        dir,
        "system { extensions { extension-service { application { \
         file op-command { username admin; } } } } }",
        |_| {},
    )
    .await;
    let device = dev.device().clone();
    let socket = device.data_dir().join(jet_jsd::local::LOCAL_SOCKET);
    let apps = jet_apps::AppService::start(
        device.clone(),
        jet_apps::AppServiceOptions {
            source: None,
            env: vec![("JET_SOCKET".into(), socket.into_os_string())],
        },
    )
    .await
    .expect("apps");
    let input = jet_device::op::OpInput::Cli("request extension-service start op-command");
    device
        .op_command(input, jet_device::Format::Text)
        .await
        .expect("start");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let log = device.read_log("op-command").await.unwrap_or_default();
        if log.contains("Hostname: testdev") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "log: {log}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // It exits by itself after printing.
    let row = loop {
        let rows = apps.status().await;
        if rows.iter().all(|r| r.state == jet_apps::AppState::Exited) {
            break rows;
        }
        assert!(std::time::Instant::now() < deadline, "{rows:?}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(
        row[0].last_exit.as_ref().map(|e| e.how.as_str()),
        Some("exit code 0"),
        "{row:?}"
    );
    apps.shutdown().await;
}
