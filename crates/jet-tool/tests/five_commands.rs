//! The README's developer journey as a script, with the real `jet` and `jetd` binaries:
//! `jet keygen`, `jet new`, `jet package`, `jet deploy` to a running `jetd`, then the
//! app runs (started by the device's app supervisor), answers `show hello status`
//! through the device's op-command API (what `jcli -c` sends), and `jet logs hello`
//! prints what it wrote.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
use jet_testkit::{config_text, free_port, random_password, JetdProcess};

const JET: &str = env!("CARGO_BIN_EXE_jet");

/// `jetd` next to `jet`: `cargo test --workspace` builds it; built here when it is
/// missing or older than a source file of the workspace's crates (`cargo test -p
/// jet-tool` alone leaves it missing or stale).
fn jetd() -> PathBuf {
    let path = Path::new(JET).with_file_name("jetd");
    let built = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if built.is_none_or(|b| newest_source(&crates).is_some_and(|s| s > b)) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = Command::new(cargo)
            .args(["build", "-p", "jetd", "--bin", "jetd"])
            .status()
            .expect("cargo runs");
        assert!(ok.success(), "building jetd failed");
    }
    path
}

/// The newest modification time of the `.rs`, `.toml` and `.proto` files under `dir`.
fn newest_source(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        let name = e.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        let t = if p.is_dir() {
            newest_source(&p)
        } else if p
            .extension()
            .is_some_and(|x| x == "rs" || x == "toml" || x == "proto")
        {
            e.metadata().and_then(|m| m.modified()).ok()
        } else {
            None
        };
        newest = newest.max(t);
    }
    newest
}

fn jet(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(JET)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("jet runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "jet {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn five_commands_from_nothing_to_an_app_answering_show_hello_status_on_jetd() {
    let ws = tempfile::tempdir().unwrap();
    let w = ws.path();
    // 1-3: keygen, new, package.
    jet(w, &["keygen", "acme"], &[]);
    jet(
        w,
        &["new", "hello", "--lang", "python", "--provider", "acme"],
        &[],
    );
    let out = jet(w, &["package", "hello", "--key", "acme.key"], &[]);
    assert!(out.contains("Built hello-1.0.0.tgz"), "{out}");

    // The device trusts acme once (the README's one-time step).
    let data = w.join("jetd-data");
    std::fs::create_dir_all(data.join("certs/providers")).unwrap();
    std::fs::copy(w.join("acme.pub"), data.join("certs/providers/acme.pub")).unwrap();
    let password = random_password();
    let seed = w.join("seed.conf");
    std::fs::write(
        &seed,
        config_text(
            &password,
            free_port(),
            "system { extensions { providers acme; } }",
        ),
    )
    .unwrap();
    let p = JetdProcess::spawn(&jetd(), &data, &["--config", seed.to_str().unwrap()]);
    let addr = p.grpc_addr().to_string();
    let env = [
        ("JET_ADDRESS", addr.as_str()),
        ("JET_USER", "admin"),
        ("JET_PASSWORD", password.as_str()),
    ];

    // 4: deploy.
    let out = jet(w, &["deploy", "hello-1.0.0.tgz"], &env);
    assert!(out.contains("Package hello 1.0.0 installed"), "{out}");
    assert!(out.contains("hello 1.0.0 runs from"), "{out}");

    // 5: the app runs and answers its command.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let c = rt.block_on(async {
        let c = JetClient::connect(ConnectOptions::clear_text(addr.clone()))
            .await
            .unwrap();
        c.login("admin", &password, "five").await.unwrap();
        c
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        // The supervisor follows the package set: it may take a moment after deploy.
        let show = rt
            .block_on(c.op_command(
                "show extension-service application hello",
                OutputFormat::Text,
            ))
            .unwrap_or_else(|e| e.to_string());
        if show.contains("running") {
            break;
        }
        assert!(Instant::now() < deadline, "hello never ran: {show}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = rt
        .block_on(c.op_command("show hello status", OutputFormat::Text))
        .unwrap();
    assert_eq!(status.trim(), "hello status: running");

    // `jet logs hello`: what the app printed, through `show log hello`.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let logs = jet(w, &["logs", "hello"], &env);
        if logs.contains("hello starting, device at") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no app output in jet logs: {logs}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let e = Command::new(JET)
        .args(["logs", "no-such-app"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(!e.status.success());
    let err = String::from_utf8_lossy(&e.stderr);
    assert!(err.contains("no-such-app"), "{err}");

    let out = jet(w, &["remove", "hello"], &env);
    assert!(out.contains("removed"), "{out}");
    assert!(p.terminate().success());
}
