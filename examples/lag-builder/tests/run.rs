//! The example against a real in-process device, run as its real binary.

use std::process::{Command, Stdio};

use jet_testkit::TestDevice;

fn lag_builder(dev: &TestDevice, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lag-builder"));
    cmd.args(args)
        .env("JET_ADDRESS", dev.grpc_addr().to_string())
        .env("JET_PASSWORD", dev.admin_password.clone())
        .env_remove("JET_CA")
        .env_remove("JET_SOCKET")
        .stdin(Stdio::null());
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builds_the_bundle_owned_by_the_app_and_refuses_a_bad_member() {
    let dev = TestDevice::start().await;
    let mut cmd = lag_builder(&dev, &["ae0", "192.0.2.1/24", "ge-0/0/1", "ge-0/0/2"]);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("lag-builder runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout.contains("ae0.0"), "{stdout}");
    assert!(stdout.contains("192.0.2.1/24"), "{stdout}");
    let ifd = dev.device().interfaces();
    let ae0 = ifd.ifd("ae0").expect("ae0 exists");
    assert_eq!(ae0.members, vec!["ge-0/0/1", "ge-0/0/2"]);
    assert_eq!(ae0.api_owner.as_deref(), Some("lag-builder"));

    // A member that does not exist is refused with a message naming it.
    let mut cmd = lag_builder(&dev, &["ae1", "198.51.100.1/24", "ge-0/0/99"]);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("lag-builder runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bundle: sub-code 24") && stderr.contains("ge-0/0/99"),
        "{stderr}"
    );
}
