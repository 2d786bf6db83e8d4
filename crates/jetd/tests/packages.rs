//! App packages with a real `jetd` process: installed over gRPC, still installed and
//! listed after a restart, then removed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
use jet_testkit::{config_text, free_port, random_password, JetdProcess};

const JETD: &str = env!("CARGO_BIN_EXE_jetd");

#[test]
fn installed_package_survives_a_jetd_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = jet_pkg::SigningKey::generate("acme").expect("key");
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::write(app.join("main.sh"), "sleep 30\n").expect("write");
    let spec: jet_pkg::AppSpec = serde_json::from_value(serde_json::json!({
        "name": "hello", "version": "1.0.0", "provider": "acme",
        "entry": "main.sh", "interpreter": "sh",
    }))
    .expect("spec");
    let pkg = dir.path().join("hello-1.0.0.tgz");
    jet_pkg::build(&app, &spec, &key, &pkg, &mut |_| {}).expect("builds");

    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("certs/providers")).expect("mkdir");
    std::fs::write(
        data.join("certs/providers/acme.pub"),
        key.public().to_line(),
    )
    .expect("key");
    let password = random_password();
    let seed = dir.path().join("seed.conf");
    std::fs::write(
        &seed,
        config_text(
            &password,
            free_port(),
            "system { extensions { providers acme; } }",
        ),
    )
    .expect("seed");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let op = |p: &JetdProcess, cmd: String| {
        let addr = p.grpc_addr().to_string();
        let password = password.clone();
        rt.block_on(async move {
            let c = JetClient::connect(ConnectOptions::clear_text(addr))
                .await
                .expect("connect");
            c.login("admin", &password, "pkg-restart")
                .await
                .expect("login");
            c.op_command(&cmd, OutputFormat::Text).await
        })
    };

    let p = JetdProcess::spawn(
        Path::new(JETD),
        &data,
        &["--config", seed.to_str().expect("utf8")],
    );
    let out = op(&p, format!("request system software add {}", pkg.display())).expect("installs");
    assert!(out.contains("Package hello 1.0.0 installed"), "{out}");
    assert!(p.terminate().success());

    let p = JetdProcess::spawn(Path::new(JETD), &data, &[]);
    let v = op(&p, "show version".into()).expect("show version");
    assert!(v.contains("JET app hello [1.0.0]"), "{v}");
    assert!(data.join("scripts/jet/hello/main.sh").is_file());
    let out = op(&p, "request system software delete hello".into()).expect("deletes");
    assert!(out.contains("removed"), "{out}");
    assert!(!data.join("packages/hello").exists());
}
