//! The `jetd` binary as an operator meets it: first start, restart, signals, certificates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
use jet_testkit::{config_text, free_port, random_password, JetdProcess};

const JETD: &str = env!("CARGO_BIN_EXE_jetd");

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn show_version(addr: std::net::SocketAddr, password: &str) -> String {
    let c = JetClient::connect(ConnectOptions::clear_text(addr.to_string()))
        .await
        .expect("connect");
    c.login("admin", password, "jetd-test")
        .await
        .expect("login");
    c.op_command("show version", OutputFormat::Text)
        .await
        .expect("show version")
}

#[test]
fn first_start_seeds_the_factory_configuration_with_a_printed_admin_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The factory configuration listens on the well-known port.
    if std::net::TcpListener::bind("127.0.0.1:32767").is_err() {
        panic!(
            "port 32767 is in use on this machine: stop the jetd that holds it to run this test"
        );
    }
    let p = JetdProcess::spawn(Path::new(JETD), dir.path(), &[]);
    let banner = p.banner.join("\n");
    let pw_line = p
        .banner
        .iter()
        .find(|l| l.contains("password: "))
        .expect("password printed");
    let password = pw_line
        .rsplit("password: ")
        .next()
        .expect("password")
        .trim()
        .to_owned();
    assert!(password.len() >= 16, "{banner}");
    let file = std::fs::read_to_string(dir.path().join("initial-admin-password")).expect("file");
    assert_eq!(file.trim(), password);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.path().join("initial-admin-password"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let addr = p.grpc_addr();
    assert!(
        addr.ip().is_loopback(),
        "factory listener not on loopback: {addr}"
    );
    assert_eq!(addr.port(), 32767);
    let out = runtime().block_on(show_version(addr, &password));
    assert!(out.contains("Hostname: jetd"), "{out}");
    let status = p.terminate();
    assert!(status.success(), "jetd exited with {status}");

    // Second start: same data directory, no new password, same configuration.
    let p = JetdProcess::spawn(Path::new(JETD), dir.path(), &[]);
    assert!(
        !p.banner.iter().any(|l| l.contains("password:")),
        "{:?}",
        p.banner
    );
    let out = runtime().block_on(show_version(p.grpc_addr(), &password));
    assert!(out.contains("Hostname: jetd"), "{out}");
}

#[test]
fn config_file_seeds_an_empty_data_dir_and_a_restart_resumes_from_the_data_dir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let password = random_password();
    let port = free_port();
    let cfg = dir.path().join("seed.conf");
    std::fs::write(
        &cfg,
        config_text(&password, port, "system { host-name seeded; }"),
    )
    .expect("write");
    let data = dir.path().join("data");
    let p = JetdProcess::spawn(
        Path::new(JETD),
        &data,
        &["--config", cfg.to_str().expect("utf8")],
    );
    assert_eq!(p.grpc_addr().port(), port);
    assert!(!p.banner.iter().any(|l| l.contains("password:")));
    // Change the configuration through the API, then restart without --config.
    runtime().block_on(async {
        let c = JetClient::connect(ConnectOptions::clear_text(p.grpc_addr().to_string()))
            .await
            .expect("connect");
        c.login("admin", &password, "t").await.expect("login");
        c.config_set_text(
            "system { host-name changed-by-api; }",
            jet_sdk::proto::jnx::jet::management::ConfigLoadType::ConfigLoadMerge,
            "rename",
        )
        .await
        .expect("commit");
    });
    let status = p.terminate();
    assert!(status.success(), "jetd exited with {status}");
    assert!(
        data.join("config/juniper.conf.1").exists(),
        "no rollback file kept"
    );
    let p = JetdProcess::spawn(Path::new(JETD), &data, &[]);
    let out = runtime().block_on(show_version(p.grpc_addr(), &password));
    assert!(out.contains("Hostname: changed-by-api"), "{out}");
    drop(p);

    // --config on a data directory that already has a configuration is ignored, and said so.
    let p = JetdProcess::spawn(
        Path::new(JETD),
        &data,
        &["--config", cfg.to_str().expect("utf8")],
    );
    assert!(
        p.banner.iter().any(|l| l.contains("--config ignored")),
        "{:?}",
        p.banner
    );
    let out = runtime().block_on(show_version(p.grpc_addr(), &password));
    assert!(out.contains("Hostname: changed-by-api"), "{out}");
}

#[test]
fn an_invalid_config_file_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("bad.conf");
    std::fs::write(&cfg, "system { host-name x; frobnicate; }\n").expect("write");
    let out = std::process::Command::new(JETD)
        .args([
            "--data-dir",
            dir.path().join("data").to_str().expect("utf8"),
            "--config",
        ])
        .arg(&cfg)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("frobnicate"), "{err}");
    assert!(
        !dir.path().join("data/config/juniper.conf").exists(),
        "bad config was committed"
    );
}

#[test]
fn certs_generate_writes_rsa_certificates_and_prints_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = std::process::Command::new(JETD)
        .args([
            "certs",
            "generate",
            "--data-dir",
            dir.path().to_str().expect("utf8"),
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("set security certificates local jsd load-key-file certs/server.pem"),
        "{text}"
    );
    let pem = std::fs::read_to_string(dir.path().join("certs/server.pem")).expect("server.pem");
    assert!(pem.contains("BEGIN PRIVATE KEY") && pem.contains("BEGIN CERTIFICATE"));
    for f in [
        "ca.crt",
        "client.crt",
        "client.key",
        "ca-profile/jet-ca.crt",
    ] {
        assert!(dir.path().join("certs").join(f).exists(), "{f} missing");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for f in ["server.pem", "client.key", "ca.key"] {
            let mode = std::fs::metadata(dir.path().join("certs").join(f))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{f} readable by others");
        }
    }
}

/// A stop request while the services are still coming up shuts jetd down cleanly: the
/// signal handlers are installed before anything starts (here SIGTERM follows the first
/// line jetd prints, before its listeners are up).
#[cfg(unix)]
#[test]
fn sigterm_during_start_up_is_a_clean_shutdown() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        // Free ports, so this runs beside the tests that use the factory ports.
        let conf = dir.path().join("seed.conf");
        std::fs::write(&conf, config_text(&random_password(), free_port(), "")).unwrap();
        let data = dir.path().join("data");
        let mut child = Command::new(JETD)
            .args([
                "--data-dir",
                data.to_str().unwrap(),
                "--config",
                conf.to_str().unwrap(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("jetd starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("a first line").expect("text");
        assert!(first.starts_with("jetd: data directory"), "{first}");
        // SIGTERM through kill(1): no unsafe libc call in the test.
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        let status = child.wait().expect("wait");
        assert!(
            status.success(),
            "jetd exited with {status}; printed {rest:?}"
        );
        assert!(rest.iter().any(|l| l == "jetd: shutting down"), "{rest:?}");
    }
}
