//! The Firewall API end to end: a real device with jsd on loopback, the generated
//! `jnx.jet.firewall.Firewall` client and the SDK's builders; packets and flows through
//! the device's forwarding plane.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops;
mod path;
mod purge;
mod rpcs;
mod traffic;

use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::firewall::firewall_client::FirewallClient;
use jet_sdk::JetClient;
use jet_testkit::TestDevice;
use tonic::transport::Channel;

/// Two routed units, a static route out of the second, and a configured input filter on
/// the first and output filter on the second.
pub const NET: &str = "interfaces { \
    ge-0/0/0 { unit 0 { family inet { filter { input cfg-in; } address 10.0.0.1/24; } } } \
    ge-0/0/1 { unit 0 { family inet { filter { output cfg-out; } address 10.1.0.1/24; } } } } \
    routing-options { static { route 192.0.2.0/24 next-hop 10.1.0.2; } } \
    firewall { family inet { \
      filter cfg-in { term web { from { protocol tcp; destination-port 80; } then { count cfg-web; discard; } } \
                      term rest { then { count cfg-rest; accept; } } } \
      filter cfg-out { term all { then { count cfg-out-all; accept; } } } } }";

/// A device with [`NET`].
pub async fn device() -> TestDevice {
    TestDevice::with_config(NET).await
}

/// A logged-in client and its Firewall client.
pub async fn firewall(dev: &TestDevice, id: &str) -> (JetClient, FirewallClient<Channel>) {
    let c = dev.admin(id).await;
    let fw = c.firewall();
    (c, fw)
}

/// Asserts a reply's status is SUCCESS with sub-code EOK.
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
