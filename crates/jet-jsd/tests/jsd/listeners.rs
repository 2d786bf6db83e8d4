use jet_device::Transport;
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
use jet_testkit::{free_port, TestDevice};

#[tokio::test]
async fn commit_moves_the_clear_text_listener_without_restart() {
    let dev = TestDevice::start().await;
    let old = dev.grpc_addr();
    let new_port = free_port();
    let c = dev.admin("mover").await;
    c.config_set_text(
        &format!("set system services extension-service request-response grpc clear-text port {new_port}"),
        ConfigLoadType::ConfigLoadSet,
        "move jsd",
    )
    .await
    .expect("commit");
    let now = dev
        .wait_listening(|l| {
            l.iter()
                .any(|x| x.addr.port() == new_port && x.transport == Transport::ClearText)
        })
        .await;
    assert!(
        !now.iter().any(|l| l.addr == old),
        "old listener still up: {now:?}"
    );
    let moved = JetClient::connect(ConnectOptions::clear_text(format!("127.0.0.1:{new_port}")))
        .await
        .expect("connects to the new port");
    moved
        .login("admin", &dev.admin_password, "after-move")
        .await
        .expect("login on new port");
    // The old port no longer accepts connections.
    assert!(
        tokio::net::TcpStream::connect(old).await.is_err(),
        "old port still accepts"
    );
}

#[tokio::test]
async fn sessions_on_an_unchanged_listener_survive_a_commit() {
    let dev = TestDevice::start().await;
    let c = dev.admin("survivor").await;
    let before = dev.device().sessions().list();
    c.config_set_text(
        "system { host-name renamed; }",
        ConfigLoadType::ConfigLoadMerge,
        "rename",
    )
    .await
    .expect("commit");
    c.config_set_text(
        "system { services { extension-service { request-response { grpc { max-connections 20; } } } } }",
        ConfigLoadType::ConfigLoadMerge,
        "more sessions",
    )
    .await
    .expect("commit");
    let out = c
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("same session works");
    assert!(out.contains("Hostname: renamed"), "{out}");
    let after = dev.device().sessions().list();
    assert_eq!(
        before.iter().map(|s| s.id).collect::<Vec<_>>(),
        after.iter().map(|s| s.id).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_commit_onto_a_port_in_use_is_refused_and_changes_nothing() {
    let dev = TestDevice::start().await;
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let busy_port = busy.local_addr().expect("addr").port();
    let c = dev.admin("x").await;
    let err = c
        .config_set_text(
            &format!("set system services extension-service request-response grpc clear-text port {busy_port}"),
            ConfigLoadType::ConfigLoadSet,
            "",
        )
        .await
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains(&format!("cannot listen on 127.0.0.1:{busy_port}")),
        "{err}"
    );
    let cfg = dev.device().committed().config.jsd();
    assert_ne!(cfg.clear_text.map(|l| l.port), Some(busy_port));
    assert_eq!(dev.grpc_addr(), dev.listening()[0].addr);
}

#[tokio::test]
async fn dropping_jsd_closes_its_port_and_ends_its_sessions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let password = jet_testkit::random_password();
    let (device, _) = jet_device::Device::start(jet_device::DeviceOptions {
        data_dir: dir.path().to_path_buf(),
        initial_config: Some(jet_testkit::config_text(&password, free_port(), "")),
    })
    .await
    .expect("device");
    let jsd = jet_jsd::Jsd::start(device.clone());
    let mut rx = jsd.watch_listening();
    let addr = rx.wait_for(|l| !l.is_empty()).await.expect("jsd listens")[0].addr;
    let c = JetClient::connect(ConnectOptions::clear_text(addr.to_string()))
        .await
        .expect("connects");
    c.login("admin", &password, "dropped").await.expect("login");
    assert_eq!(device.sessions().len(), 1);

    drop(jsd);
    crate::eventually("the port to close", || {
        std::net::TcpStream::connect(addr).is_err()
    })
    .await;
    crate::eventually("the session to end", || device.sessions().is_empty()).await;
}
