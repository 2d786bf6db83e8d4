//! Rebind after reconnect, purge after the purge time (paused clock), and the BGP
//! client's routes apart from the same app's RIB-service routes.

use std::time::Duration;

use jet_sdk::proto::jnx::jet::routing::bgp::{self as pb, bgp_client::BgpClient};
use jet_testkit::TestDevice;

use crate::{add, device, get_all, initialized, ok, route};

fn owned(dev: &TestDevice, client: &str) -> u64 {
    dev.device().rib().read(|r| {
        r.clients
            .find(client)
            .and_then(|i| r.clients.get(i))
            .map_or(0, |c| c.routes)
    })
}

fn purge_pending(dev: &TestDevice, client: &str) -> bool {
    dev.device().rib().read(|r| {
        r.clients
            .find(client)
            .and_then(|i| r.clients.get(i))
            .is_some_and(|c| c.purge_at.is_some())
    })
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn reconnect_before_purge_rebinds_the_routes() {
    let dev = device().await;
    let (c, mut bgp) = initialized(&dev, "rr").await;
    assert!(ok(&add(
        &mut bgp,
        vec![
            route("10.0.0.0/8", "192.0.2.1"),
            route("11.0.0.0/8", "192.0.2.1")
        ]
    )
    .await));
    drop(bgp);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "bgp/rr")).await;
    let c = dev.admin("rr").await;
    let mut bgp = BgpClient::new(c.channel());
    let r = bgp
        .initialize(pb::InitializeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::initialize_response::StatusCode::SuccessStateRebound as i32
    );
    assert_eq!(r.num_client_routes, 2);
    assert!(!purge_pending(&dev, "bgp/rr"));
    // A second Initialize on the same connection updates defaults: SUCCESS.
    let r = bgp
        .initialize(pb::InitializeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::initialize_response::StatusCode::Success as i32
    );
    assert_eq!(get_all(&mut bgp).await.len(), 2);
}

#[tokio::test]
async fn bgp_routes_are_purged_after_the_purge_time() {
    let dev = device().await;
    let (c, mut bgp) = initialized(&dev, "gone").await;
    assert!(ok(
        &add(&mut bgp, vec![route("10.0.0.0/8", "192.0.2.1")]).await
    ));
    drop(bgp);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "bgp/gone")).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(119)).await;
    settle().await;
    assert_eq!(owned(&dev, "bgp/gone"), 1, "kept before the purge time");
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    assert_eq!(owned(&dev, "bgp/gone"), 0, "purged after 120 s");
}

#[tokio::test]
async fn rib_cleanup_leaves_the_same_apps_bgp_routes() {
    use jet_sdk::proto::jnx::jet::routing::rib::{self as rpb, rib_client::RibClient};
    let dev = device().await;
    let (c, mut bgp) = initialized(&dev, "both").await;
    assert!(ok(
        &add(&mut bgp, vec![route("10.0.0.0/8", "192.0.2.1")]).await
    ));
    let mut rib = RibClient::new(c.channel());
    rib.route_initialize(rpb::RouteInitializeRequest::default())
        .await
        .unwrap();
    let r = rib
        .route_cleanup(rpb::RouteCleanupRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, 0);
    assert_eq!(get_all(&mut bgp).await.len(), 1);
}
