use jet_sdk::{Error, OutputFormat};
use jet_testkit::TestDevice;

use crate::eventually;

#[tokio::test]
async fn ninth_session_is_refused_while_eight_work_and_a_freed_slot_is_reused() {
    let dev = TestDevice::start().await; // max-connections defaults to 8
    let mut clients = Vec::new();
    for i in 0..8 {
        clients.push(dev.admin(&format!("c{i}")).await);
    }
    assert_eq!(dev.device().sessions().len(), 8);

    let ninth = dev.client().await;
    match ninth.login("admin", &dev.admin_password, "c8").await {
        Err(Error::Rpc(s)) => {
            assert_eq!(s.code(), tonic::Code::ResourceExhausted);
            assert!(
                s.message()
                    .contains("maximum number of client sessions (8,"),
                "{}",
                s.message()
            );
        }
        other => panic!("expected RESOURCE_EXHAUSTED, got {other:?}"),
    }
    // The eight keep working.
    for c in &clients {
        let out = c
            .op_command("show version", OutputFormat::Text)
            .await
            .expect("still works");
        assert!(out.contains("Hostname:"));
    }
    assert_eq!(dev.device().sessions().len(), 8);

    // One closes; a new one gets in.
    drop(clients.pop());
    eventually("a session slot to free up", || {
        dev.device().sessions().len() == 7
    })
    .await;
    let newcomer = dev.admin("newcomer").await;
    let out = newcomer
        .op_command("show version", OutputFormat::Text)
        .await
        .expect("works");
    assert!(out.contains("Hostname:"));
}

#[tokio::test]
async fn closing_a_connection_ends_its_session_at_once() {
    let dev = TestDevice::start().await;
    let mut events = dev.device().events().subscribe();
    let c = dev.admin("short-lived").await;
    assert_eq!(dev.device().sessions().len(), 1);
    drop(c);
    eventually("the session to close", || {
        dev.device().sessions().is_empty()
    })
    .await;
    // The close event carries the client id (what purge timers key on).
    let mut closed = None;
    while let Ok(ev) = events.try_recv() {
        if let jet_device::DeviceEvent::Session(jet_device::SessionEvent::Closed(info)) = &ev.event
        {
            let info = info.clone();
            closed = info.login.map(|l| l.client_id);
        }
    }
    assert_eq!(closed.as_deref(), Some("short-lived"));
}

#[tokio::test]
async fn configured_max_connections_is_enforced() {
    let dev = TestDevice::with_config(
        "system { services { extension-service { request-response { grpc { max-connections 2; } } } } }",
    )
    .await;
    let _a = dev.admin("a").await;
    let _b = dev.admin("b").await;
    let c = dev.client().await;
    let err = c
        .login("admin", &dev.admin_password, "c")
        .await
        .expect_err("third refused");
    assert!(matches!(err, Error::Rpc(s) if s.code() == tonic::Code::ResourceExhausted));
}

#[tokio::test]
async fn sessions_run_calls_in_parallel() {
    let dev = TestDevice::start().await;
    let c = dev.admin("parallel").await;
    // Many concurrent calls on one session and across sessions all complete.
    let d = dev.admin("other").await;
    let mut tasks = Vec::new();
    for i in 0..32 {
        let client = if i % 2 == 0 { c.clone() } else { d.clone() };
        tasks.push(tokio::spawn(async move {
            client
                .op_command("show system uptime", OutputFormat::Text)
                .await
        }));
    }
    for t in tasks {
        let out = t.await.expect("task").expect("call");
        assert!(out.contains("System booted:"), "{out}");
    }
}
