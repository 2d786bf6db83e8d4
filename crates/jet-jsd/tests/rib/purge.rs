//! Purge and rebind. The device runs in this test's runtime, so pausing tokio's clock
//! drives its purge timers: no sleeping for two minutes.

use std::time::Duration;

use jet_sdk::proto::jnx::jet::routing::base::{base_client::BaseClient, RoutePurgeTimerAddRequest};
use jet_sdk::proto::jnx::jet::routing::rib::{self as pb, StatusCode};
use jet_testkit::TestDevice;

use crate::{add, eventually, initialized, route};

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

/// Lets the RIB task run after a clock jump.
async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn routes_survive_the_purge_time_after_disconnect_and_then_go() {
    let dev = TestDevice::start().await;
    let (c, mut rib) = initialized(&dev, "purgeme").await;
    add(
        &mut rib,
        vec![route("10.0.0.0/8", &[]), route("10.1.0.0/16", &[])],
    )
    .await;
    drop(rib);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "purgeme")).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(119)).await;
    settle().await;
    assert_eq!(owned(&dev, "purgeme"), 2, "still there before 120 s");
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    assert_eq!(owned(&dev, "purgeme"), 0, "purged after 120 s");
    tokio::time::resume();
    let n = dev
        .device()
        .rib()
        .read(|r| r.table(r.table_id("inet.0").unwrap()).unwrap().routes());
    assert_eq!(n, 0);
}

#[tokio::test]
async fn reconnecting_within_the_purge_time_rebinds_the_routes() {
    let dev = TestDevice::start().await;
    let (c, mut rib) = initialized(&dev, "rebind").await;
    add(
        &mut rib,
        vec![
            route("10.0.0.0/8", &[]),
            route("10.1.0.0/16", &[]),
            route("10.2.0.0/16", &[]),
        ],
    )
    .await;
    drop(rib);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "rebind")).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(60)).await;
    settle().await;
    tokio::time::resume();
    let c = dev.admin("rebind").await;
    let mut rib = pb::rib_client::RibClient::new(c.channel());
    let r = rib
        .route_initialize(pb::RouteInitializeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, StatusCode::SuccessRebound as i32);
    assert_eq!(r.num_client_routes, 3);
    assert!(!purge_pending(&dev, "rebind"));
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(600)).await;
    settle().await;
    tokio::time::resume();
    assert_eq!(owned(&dev, "rebind"), 3, "rebound routes are not purged");
}

#[tokio::test]
async fn a_client_purge_timer_replaces_the_default() {
    let dev = TestDevice::start().await;
    let (c, mut rib) = initialized(&dev, "short").await;
    BaseClient::new(c.channel())
        .route_purge_timer_add(RoutePurgeTimerAddRequest { time: 5 })
        .await
        .unwrap();
    add(&mut rib, vec![route("10.0.0.0/8", &[])]).await;
    drop(rib);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "short")).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(6)).await;
    settle().await;
    tokio::time::resume();
    assert_eq!(owned(&dev, "short"), 0);
}

/// A legacy (`routing.Rib`) route to `p` in inet.0 with no gateway (discard).
fn legacy_route(p: &str) -> jet_sdk::proto::routing::RouteEntry {
    use jet_sdk::proto::jnx_base::{ip_address::AddrFormat, IpAddress};
    use jet_sdk::proto::routing::{
        network_address::Af, route_table::RtTableFormat, NetworkAddress, RouteEntry,
        RouteMatchFields, RouteNexthop, RouteTable, RouteTableName,
    };
    let (a, l) = p.split_once('/').expect("prefix/len");
    RouteEntry {
        key: Some(RouteMatchFields {
            dest_prefix: Some(NetworkAddress {
                af: Some(Af::Inet(IpAddress {
                    addr_format: Some(AddrFormat::AddrString(a.into())),
                })),
            }),
            dest_prefix_len: l.parse().expect("length"),
            table: Some(RouteTable {
                rt_table_format: Some(RtTableFormat::RttName(RouteTableName {
                    name: "inet.0".into(),
                })),
            }),
            ..Default::default()
        }),
        nexthop: Some(RouteNexthop::default()),
        ..Default::default()
    }
}

#[tokio::test]
async fn legacy_routes_are_rebound_within_the_purge_time_and_purged_after_it() {
    use jet_sdk::proto::routing::{rib_client::RibClient, RouteUpdateRequest};
    let dev = TestDevice::start().await;
    let c = dev.admin("legacy-purge").await;
    let mut rib = RibClient::new(c.channel());
    let r = rib
        .route_add(RouteUpdateRequest {
            routes: vec![legacy_route("10.0.0.0/8"), legacy_route("10.1.0.0/16")],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(r.operations_completed, 2, "{r:?}");
    drop(rib);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "legacy-purge")).await;

    // Back within the purge time: the first legacy call rebinds the routes.
    let c = dev.admin("legacy-purge").await;
    let mut rib = RibClient::new(c.channel());
    let r = rib
        .route_add(RouteUpdateRequest {
            routes: vec![legacy_route("10.2.0.0/16")],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(r.operations_completed, 1, "{r:?}");
    assert!(!purge_pending(&dev, "legacy-purge"), "rebound");
    assert_eq!(owned(&dev, "legacy-purge"), 3);

    // Gone again: kept for 120 s, then purged.
    drop(rib);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "legacy-purge")).await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(119)).await;
    settle().await;
    assert_eq!(owned(&dev, "legacy-purge"), 3, "still there before 120 s");
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    assert_eq!(owned(&dev, "legacy-purge"), 0, "purged after 120 s");
}
