//! jsd end to end: a real device with jsd on loopback, real gRPC clients (the SDK and the
//! generated JET clients).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod echo_app;
mod legacy_registration;
mod listeners;
mod lockout;
mod login;
mod mgmt;
mod registration;
mod sessions;
mod tls;
mod version;

use std::time::Duration;

/// Polls `cond` every 20 ms for up to 10 s.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
