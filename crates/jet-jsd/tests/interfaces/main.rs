//! The dcd Interfaces API (`jnx.jet.interfaces.Interfaces`) end to end: a real device with
//! jsd on loopback, the SDK's builders and the generated client; every sub-code, the
//! objects' effects (`show interfaces`, Direct/Local routes, interface events, the routing
//! Interfaces service), ownership between clients, purge and rebind with paused time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod effects;
mod legacy;
mod neighbors;
mod ownership;
mod rpcs;
mod tunnels;

use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::interfaces::interfaces_client::InterfacesClient;
use jet_sdk::JetClient;
use jet_testkit::TestDevice;
use tonic::transport::Channel;

/// A configured unit (public), a port with `vlan-tagging`.
pub const NET: &str = "interfaces { \
    ge-0/0/0 { mtu 9000; unit 0 { family inet { address 10.0.0.1/24; } } } \
    ge-0/0/5 { vlan-tagging; } }";

/// A device with [`NET`].
pub async fn device() -> TestDevice {
    TestDevice::with_config(NET).await
}

/// A logged-in client and its Interfaces client.
pub async fn dcd(dev: &TestDevice, id: &str) -> (JetClient, InterfacesClient<Channel>) {
    let c = dev.admin(id).await;
    let i = c.interfaces();
    (c, i)
}

/// Asserts a reply's status is SUCCESS with sub-code 0.
#[macro_export]
macro_rules! ok {
    ($reply:expr) => {{
        let r = $reply.await.expect("rpc").into_inner();
        assert_eq!(
            (r.status.as_ref().map(|s| s.code), r.sub_code),
            (Some($crate::SUCCESS), 0),
            "{:?}",
            r.status
        );
        r
    }};
}

/// Asserts a reply is FAILURE with `sub` and a message containing every `words`.
#[macro_export]
macro_rules! refused {
    ($reply:expr, $sub:expr, $($word:expr),+) => {{
        let r = $reply.await.expect("rpc").into_inner();
        let st = r.status.clone().expect("status");
        assert_eq!((st.code, r.sub_code), ($crate::FAILURE, $sub as i32), "{}", st.message);
        $( assert!(st.message.contains($word), "{:?} lacks {:?}", st.message, $word); )+
        r
    }};
}

pub const SUCCESS: i32 = StatusCode::Success as i32;
pub const FAILURE: i32 = StatusCode::Failure as i32;

/// Polls `cond` every 20 ms for up to 10 s.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
