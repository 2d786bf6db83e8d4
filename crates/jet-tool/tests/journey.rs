//! The developer's journey with the real `jet` binary against a device with jsd on a
//! loopback port with appd: keygen → new → package → deploy → the app runs and answers
//! `show NAME status`, for Python and Rust.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

fn jet(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_jet"))
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

async fn device_trusting(pubkey: &Path) -> TestDevice {
    let line = std::fs::read_to_string(pubkey).expect("public key");
    TestDevice::in_dir(
        tempfile::tempdir().expect("tempdir"),
        "system { extensions { providers acme; } }",
        move |data| {
            let d = data.join("certs/providers");
            std::fs::create_dir_all(&d).expect("mkdir");
            std::fs::write(d.join("acme.pub"), line).expect("write");
        },
    )
    .await
}

async fn journey(lang: &str, name: &str, entry: &str) {
    let ws = tempfile::tempdir().expect("tempdir");
    let w = ws.path();
    let out = jet(w, &["keygen", "acme"], &[]);
    assert!(
        out.contains("set system extensions providers acme"),
        "{out}"
    );
    let out = jet(w, &["new", name, "--lang", lang, "--provider", "acme"], &[]);
    assert!(
        out.contains(&format!("Created {name}")) || out.contains("Created"),
        "{out}"
    );
    // A Rust app is built with the workspace's dependency versions into one target
    // directory shared by the runs, unoptimised: this test is about the journey, and a
    // release build of the SDK's dependencies would take minutes on a small machine.
    let shared_target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/journey-apps");
    let shared_target = shared_target.to_string_lossy().into_owned();
    let build_env: &[(&str, &str)] = if lang == "rust" {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock"),
            w.join(name).join("Cargo.lock"),
        )
        .expect("workspace Cargo.lock");
        &[
            ("CARGO_TARGET_DIR", shared_target.as_str()),
            ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"),
            ("CARGO_PROFILE_RELEASE_DEBUG", "false"),
            ("CARGO_PROFILE_RELEASE_LTO", "false"),
        ]
    } else {
        &[]
    };
    let out =
        tokio::task::block_in_place(|| jet(w, &["package", name, "--key", "acme.key"], build_env));
    assert!(out.contains("signed   manifest.json with key"), "{out}");
    assert!(out.contains(&format!("packed   {entry}")), "{out}");
    let pkg = format!("{name}-1.0.0.tgz");
    assert!(w.join(&pkg).is_file());

    let d = device_trusting(&w.join("acme.pub")).await;
    // Apps get jsd's local socket, as jetd gives it to them.
    let socket = d.local_socket().expect("jsd serves its local socket");
    let apps = jet_apps::AppService::start(
        d.device().clone(),
        jet_apps::AppServiceOptions {
            source: None,
            env: vec![("JET_SOCKET".to_owned(), socket.into_os_string())],
        },
    )
    .await
    .expect("appd");
    let addr = d.grpc_addr().to_string();
    let env = [
        ("JET_ADDRESS", addr.as_str()),
        ("JET_USER", "admin"),
        ("JET_PASSWORD", d.admin_password.as_str()),
    ];
    let out = tokio::task::block_in_place(|| jet(w, &["deploy", &pkg], &env));
    assert!(
        out.contains(&format!("Package {name} 1.0.0 installed")),
        "{out}"
    );
    assert!(out.contains(&format!("{name} 1.0.0 runs from")), "{out}");
    let installed = d.dir.path().join("scripts/jet").join(name);
    assert!(installed.join(entry).is_file(), "entry point installed");

    let c = d.admin("check").await;
    let v = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("show version");
    assert!(v.contains(&format!("JET app {name} [1.0.0]")), "{v}");
    // The device runs the app and answers the command it adds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !apps
        .status()
        .await
        .iter()
        .any(|r| r.spec.name == name && r.state == jet_apps::AppState::Running)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{name} never ran: {:?}",
            apps.status().await
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let status = c
        .op_command(&format!("show {name} status"), OutputFormat::Text)
        .await
        .expect("the app's command");
    assert_eq!(status.trim(), format!("{name} status: running"));
    if lang == "rust" {
        // The scaffolded Rust app connects with the SDK over the local socket, no password.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let log = tokio::task::block_in_place(|| jet(w, &["logs", name], &env));
            if log.contains(&format!("{name}: connected, ")) {
                break;
            }
            assert!(
                !log.contains("no JET session") && std::time::Instant::now() < deadline,
                "{name} did not connect: {log}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    let out = tokio::task::block_in_place(|| jet(w, &["remove", name], &env));
    assert!(
        out.contains(&format!("Package {name} version 1.0.0 removed")),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_app_from_jet_new_to_installed_on_the_device() {
    journey("python", "hello", "main.py").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_app_from_jet_new_to_installed_on_the_device() {
    journey("rust", "hello-rs", "bin/hello-rs").await;
}

#[test]
fn a_rust_app_without_the_sdk_is_refused_before_anything_is_written() {
    let ws = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_jet"))
        .args([
            "new",
            "nosdk",
            "--lang",
            "rust",
            "--sdk",
            "/nonexistent/jet-sdk",
        ])
        .current_dir(ws.path())
        .output()
        .expect("jet runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the Rust SDK is not at /nonexistent/jet-sdk (--sdk)"),
        "{err}"
    );
    assert!(!ws.path().join("nosdk").exists(), "nothing written");
}
