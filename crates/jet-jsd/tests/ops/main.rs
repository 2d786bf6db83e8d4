//! Operational commands end to end: a device with jsd, driven over gRPC with the SDK —
//! interfaces (terse, normal, extensive, descriptions, simulated links), the syslog and
//! `show log messages`, `show system users|storage`, and the output pipes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod interfaces;
mod live_commands;
mod logs;
mod pipes;
mod system;

use std::sync::Arc;
use std::time::Duration;

use jet_device::{DeviceEvent, Stamped};
use jet_sdk::{JetClient, OutputFormat};
use jet_testkit::TestDevice;
use tokio::sync::broadcast;

/// Runs a CLI command as text and returns the output (panics on failure).
pub async fn text(c: &JetClient, cmd: &str) -> String {
    c.op_command(cmd, OutputFormat::Text)
        .await
        .unwrap_or_else(|e| panic!("'{cmd}' failed: {e}"))
}

/// Waits (up to 10 s) for an event on the bus that satisfies `pred`.
pub async fn next_event(
    rx: &mut broadcast::Receiver<Arc<Stamped>>,
    what: &str,
    mut pred: impl FnMut(&DeviceEvent) -> bool,
) -> DeviceEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(ev)) if pred(&ev.event) => return ev.event.clone(),
            Ok(Ok(_)) => {}
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
            Ok(Err(e)) => panic!("event bus closed while waiting for {what}: {e}"),
            Err(_) => panic!("timed out waiting for {what}"),
        }
    }
}

/// A device whose `ro` user (class read-only) has password `password`.
pub async fn device_with_read_only_user(password: &str, extra: &str) -> TestDevice {
    let hash = jet_device::factory::hash_password(password);
    TestDevice::with_config(&format!(
        "system {{ login {{ user ro {{ uid 2001; class read-only; authentication {{ \
         encrypted-password \"{hash}\"; }} }} }} }} {extra}"
    ))
    .await
}
