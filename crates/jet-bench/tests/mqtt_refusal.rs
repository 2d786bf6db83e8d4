//! `jet-bench events` against a device whose notification service refuses it: the tool
//! exits at once with an error that says so, never waits forever (issue 16, item 5).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jet_testkit::TestDevice;

/// Guards against a hang only; a refused tool exits in well under a second.
const HANG: Duration = Duration::from_secs(60);

fn notification(extra: &str) -> String {
    format!("system {{ services {{ extension-service {{ notification {{ {extra} }} }} }} }}")
}

/// Runs `jet-bench events` against `dev` (off the runtime: the device serves meanwhile)
/// and returns its exit status and stderr.
async fn events(dev: &TestDevice) -> (std::process::ExitStatus, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jet-bench"));
    cmd.args([
        "events",
        "--target",
        &dev.grpc_addr().to_string(),
        "--mqtt",
        &dev.mqtt_addr().expect("MQTT listens").to_string(),
        "--count",
        "10",
        "--rate",
        "100",
    ])
    .env("JET_PASSWORD", &dev.admin_password)
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("jet-bench runs");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            return (status, err);
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            panic!("jet-bench events still running after {HANG:?}: it hangs on a refusal");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn assert_refused(status: std::process::ExitStatus, stderr: &str, says: &str) {
    assert!(!status.success(), "exit status {status}; stderr: {stderr}");
    assert!(
        stderr.contains(says),
        "stderr should say {says:?}; it is: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_exits_with_an_error_when_the_broker_is_full() {
    let dev = TestDevice::with_config(&notification("max-connections 1;")).await;
    // Another client holds the only slot.
    let addr = dev.mqtt_addr().expect("MQTT listens");
    let opts = rumqttc::MqttOptions::new("holder", addr.ip().to_string(), addr.port());
    let (_holder, mut el) = rumqttc::AsyncClient::new(opts, 10);
    loop {
        match el.poll().await.expect("the holder connects") {
            rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_)) => break,
            _ => continue,
        }
    }
    let _keep = tokio::spawn(async move { while el.poll().await.is_ok() {} });
    let (status, stderr) = events(&dev).await;
    assert_refused(
        status,
        &stderr,
        "refused the MQTT connection (ServiceUnavailable): server unavailable: its max-connections is reached",
    );
    assert_eq!(
        dev.notification()
            .expect("service")
            .broker()
            .stats()
            .refused_max_connections,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_exits_with_an_error_when_its_login_is_refused() {
    // The tool connects without MQTT credentials; the service requires them.
    let dev = TestDevice::with_config(&notification("authentication { required; }")).await;
    let (status, stderr) = events(&dev).await;
    assert_refused(
        status,
        &stderr,
        "refused the MQTT connection (NotAuthorized)",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_exits_with_an_error_when_its_subscription_is_refused() {
    let dev =
        TestDevice::with_config(&notification("deny-subscribe \"/junos/events/kernel/#\";")).await;
    let (status, stderr) = events(&dev).await;
    assert_refused(
        status,
        &stderr,
        "refused the subscription to /junos/events/kernel/interfaces/ifd/change/ge-0/0/9 (SUBACK 0x80)",
    );
}
