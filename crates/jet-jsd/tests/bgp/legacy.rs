//! The older generation's `routing.BgpRoute` over the same BGP state: rebind after a
//! reconnect, purge after the purge time (paused clock), and the monitor stream shared
//! with RouteSubscribe (one per client).

use std::time::Duration;

use jet_sdk::proto::jnx_base::{ip_address::AddrFormat, IpAddress};
use jet_sdk::proto::routing::{
    self as lg, bgp_route_client::BgpRouteClient, route_prefix::RoutePrefixAf,
    route_table::RtTableFormat,
};
use jet_testkit::TestDevice;
use tonic::transport::Channel;

use crate::device;

use lg::bgp_route_initialize_reply::BgpRouteInitializeStatus as Init;
use lg::bgp_route_oper_reply::BgpRouteOperStatus as Oper;

fn ip(a: &str) -> IpAddress {
    IpAddress {
        addr_format: Some(AddrFormat::AddrString(a.into())),
    }
}

fn entry(p: &str) -> lg::BgpRouteEntry {
    let (a, l) = p.split_once('/').unwrap();
    lg::BgpRouteEntry {
        dest_prefix: Some(lg::RoutePrefix {
            route_prefix_af: Some(RoutePrefixAf::Inet(ip(a))),
        }),
        dest_prefix_len: l.parse().unwrap(),
        table: Some(lg::RouteTable {
            rt_table_format: Some(RtTableFormat::RttName(lg::RouteTableName {
                name: "inet.0".into(),
            })),
        }),
        protocol_nexthops: vec![ip("192.0.2.1")],
        ..Default::default()
    }
}

async fn session(dev: &TestDevice, id: &str) -> (jet_sdk::JetClient, BgpRouteClient<Channel>) {
    let c = dev.admin(id).await;
    let bgp = BgpRouteClient::new(c.channel());
    (c, bgp)
}

async fn initialize(bgp: &mut BgpRouteClient<Channel>) -> lg::BgpRouteInitializeReply {
    bgp.bgp_route_initialize(lg::BgpRouteInitializeRequest {})
        .await
        .unwrap()
        .into_inner()
}

async fn add(bgp: &mut BgpRouteClient<Channel>, routes: &[&str]) -> lg::BgpRouteOperReply {
    bgp.bgp_route_add(lg::BgpRouteUpdateRequest {
        bgp_routes: routes.iter().map(|p| entry(p)).collect(),
    })
    .await
    .unwrap()
    .into_inner()
}

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

async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_legacy_client_reconnecting_before_the_purge_takes_its_routes_back() {
    let dev = device().await;
    let (c, mut bgp) = session(&dev, "legacy-rr").await;
    assert_eq!(initialize(&mut bgp).await.status(), Init::Success);
    let r = add(&mut bgp, &["10.0.0.0/8", "11.0.0.0/8"]).await;
    assert_eq!((r.status(), r.operations_completed), (Oper::Success, 2));
    assert_eq!(
        initialize(&mut bgp).await.status(),
        Init::AlreadyInitialized
    );
    drop(bgp);
    drop(c);
    eventually("purge timer armed", || purge_pending(&dev, "bgp/legacy-rr")).await;

    let (_c, mut bgp) = session(&dev, "legacy-rr").await;
    let early = add(&mut bgp, &["12.0.0.0/8"]).await;
    assert_eq!(
        early.status(),
        Oper::NotInitialized,
        "no implicit initialization"
    );
    assert_eq!(
        initialize(&mut bgp).await.status(),
        Init::SuccessStateRebound
    );
    assert!(!purge_pending(&dev, "bgp/legacy-rr"));
    assert_eq!(owned(&dev, "bgp/legacy-rr"), 2);
}

#[tokio::test]
async fn a_legacy_clients_bgp_routes_are_purged_after_the_purge_time() {
    let dev = device().await;
    let (c, mut bgp) = session(&dev, "legacy-gone").await;
    assert_eq!(initialize(&mut bgp).await.status(), Init::Success);
    assert_eq!(add(&mut bgp, &["10.0.0.0/8"]).await.status(), Oper::Success);
    drop(bgp);
    drop(c);
    eventually("purge timer armed", || {
        purge_pending(&dev, "bgp/legacy-gone")
    })
    .await;
    tokio::time::pause();
    tokio::time::advance(Duration::from_secs(119)).await;
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        owned(&dev, "bgp/legacy-gone"),
        1,
        "kept before the purge time"
    );
    tokio::time::advance(Duration::from_secs(2)).await;
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    assert_eq!(owned(&dev, "bgp/legacy-gone"), 0, "purged after 120 s");
}

#[tokio::test]
async fn monitor_register_and_route_subscribe_are_one_stream_per_client() {
    use jet_sdk::proto::jnx::jet::routing::bgp::{self as pb, bgp_client::BgpClient};
    use lg::bgp_route_monitor_register_reply::BgpRouteMonitorRegisterStatus as Mon;
    let dev = device().await;
    let (c, mut legacy) = session(&dev, "watch").await;
    assert_eq!(initialize(&mut legacy).await.status(), Init::Success);
    let mut s = legacy
        .bgp_route_monitor_register(lg::BgpRouteMonitorRegisterRequest::default())
        .await
        .unwrap()
        .into_inner();
    let first = s.message().await.unwrap().unwrap();
    assert_eq!(first.status(), Mon::Success);
    assert!(first.monitor_entries.is_empty());

    let mut current = BgpClient::new(c.channel());
    let mut dup = current
        .route_subscribe(pb::RouteSubscribeRequest::default())
        .await
        .unwrap()
        .into_inner();
    let refused = dup.message().await.unwrap().unwrap();
    assert_eq!(
        refused.sub_code,
        pb::route_subscribe_response::StatusCode::AlreadySubscribed as i32
    );
    let r = current
        .route_unsubscribe(pb::RouteUnsubscribeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, 0, "the new generation ends the legacy stream");
    let r = legacy
        .bgp_route_monitor_unregister(lg::BgpRouteMonitorUnregisterRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.status,
        lg::bgp_route_monitor_unregister_reply::BgpRouteMonitorUnregisterStatus::NotRegistered
            as i32
    );
}
