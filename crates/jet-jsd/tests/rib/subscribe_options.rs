//! RouteSubscribe options: a filtering policy from the configuration, the
//! request_no_withdrawal flag, the fixed route_count of a live subscription, and the
//! address format chosen at RouteInitialize.

use std::time::Duration;

use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, AddressFormat};
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::proto::jnx::jet::routing::base::{
    network_address::Af, NetworkAddress, RouteTableName,
};
use jet_sdk::proto::jnx::jet::routing::rib::{
    self as pb, rib_client::RibClient, RouteSubscribeOp, RouteSubscribeRouteOp as Op, StatusCode,
};
use jet_testkit::TestDevice;
use tonic::transport::Channel;

use crate::{add, initialized, key, prefix_of, route};

/// Routes in 10/8 are accepted, everything else rejected.
const TEN_ONLY: &str = "policy-options { policy-statement TEN-ONLY { \
    term ten { from { route-filter 10.0.0.0/8 orlonger; } then accept; } \
    term rest { then reject; } } }";

const ADD: i32 = Op::RouteSubscribeOpAdd as i32;
const DELETE: i32 = Op::RouteSubscbibeOpDelete as i32;
const EOT: i32 = Op::RouteSubscribeOpEndOfTable as i32;

fn subscribe_req(route_count: u32) -> pb::RouteSubscribeRequest {
    pb::RouteSubscribeRequest {
        table_name: Some(RouteTableName {
            name: "inet.0".into(),
        }),
        operation: RouteSubscribeOp::SubscribeAdd as i32,
        context: 7,
        route_count,
        ..Default::default()
    }
}

fn with_policy(mut r: pb::RouteSubscribeRequest, name: &str) -> pb::RouteSubscribeRequest {
    r.policy = Some(pb::RouteSubscribePolicy {
        policy: name.into(),
    });
    r
}

async fn subscribe(
    rib: &mut RibClient<Channel>,
    req: pb::RouteSubscribeRequest,
) -> tonic::Streaming<pb::RouteSubscribeResponse> {
    rib.route_subscribe(req).await.unwrap().into_inner()
}

async fn next_message(
    s: &mut tonic::Streaming<pb::RouteSubscribeResponse>,
) -> pb::RouteSubscribeResponse {
    tokio::time::timeout(Duration::from_secs(10), s.message())
        .await
        .expect("a message in time")
        .unwrap()
        .expect("stream open")
}

/// Reads successful messages until `n` entries were seen: (operation, prefix text).
async fn entries(
    s: &mut tonic::Streaming<pb::RouteSubscribeResponse>,
    n: usize,
) -> Vec<(i32, Option<String>)> {
    let mut out = Vec::new();
    while out.len() < n {
        let m = next_message(s).await;
        assert_eq!(m.sub_code, StatusCode::Success as i32, "{:?}", m.status);
        out.extend(
            m.routes
                .iter()
                .map(|e| (e.operation, e.route.as_ref().map(prefix_of))),
        );
    }
    out
}

/// Nothing more arrives on `s` for a short while (for "was not sent" checks that
/// cannot be ordered behind a later event).
async fn quiet(s: &mut tonic::Streaming<pb::RouteSubscribeResponse>) {
    let r = tokio::time::timeout(Duration::from_millis(300), s.message()).await;
    assert!(r.is_err(), "unexpected message: {r:?}");
}

async fn delete(rib: &mut RibClient<Channel>, prefixes: &[&str]) {
    let r = rib
        .route_delete(pb::RouteDeleteRequest {
            keys: prefixes.iter().map(|p| key(p)).collect(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, StatusCode::Success as i32, "{:?}", r.status);
}

#[tokio::test]
async fn a_policy_subscription_streams_only_the_routes_the_policy_accepts() {
    let dev = TestDevice::with_config(TEN_ONLY).await;
    let (_c, mut rib) = initialized(&dev, "pol").await;
    add(
        &mut rib,
        vec![
            route("10.1.0.0/16", &[]),
            route("192.0.2.0/24", &[]),
            route("10.9.9.0/24", &[]),
        ],
    )
    .await;
    let mut s = subscribe(&mut rib, with_policy(subscribe_req(10), "TEN-ONLY")).await;
    assert_eq!(
        entries(&mut s, 3).await,
        vec![
            (ADD, Some("10.1.0.0/16".into())),
            (ADD, Some("10.9.9.0/24".into())),
            (EOT, None),
        ],
        "the initial dump leaves 192.0.2.0/24 out"
    );
    // A rejected route changes first, an accepted one after: the next entry streamed is
    // the accepted one.
    add(&mut rib, vec![route("198.51.100.0/24", &[])]).await;
    add(&mut rib, vec![route("10.2.0.0/16", &[])]).await;
    assert_eq!(
        entries(&mut s, 1).await,
        vec![(ADD, Some("10.2.0.0/16".into()))]
    );
    delete(&mut rib, &["192.0.2.0/24"]).await;
    delete(&mut rib, &["10.1.0.0/16"]).await;
    assert_eq!(
        entries(&mut s, 1).await,
        vec![(DELETE, Some("10.1.0.0/16".into()))]
    );
    // One batch mixing both: only the accepted half is streamed.
    add(
        &mut rib,
        vec![route("203.0.113.0/24", &[]), route("10.3.0.0/16", &[])],
    )
    .await;
    assert_eq!(
        entries(&mut s, 1).await,
        vec![(ADD, Some("10.3.0.0/16".into()))]
    );
    quiet(&mut s).await;
}

#[tokio::test]
async fn a_subscription_keeps_the_policy_it_started_with() {
    let dev = TestDevice::with_config(TEN_ONLY).await;
    let (c, mut rib) = initialized(&dev, "snap").await;
    let mut s = subscribe(&mut rib, with_policy(subscribe_req(10), "TEN-ONLY")).await;
    assert_eq!(entries(&mut s, 1).await, vec![(EOT, None)]);
    // The policy is changed to accept everything; the running stream does not follow.
    c.config_set_text(
        "set policy-options policy-statement TEN-ONLY term rest then accept",
        ConfigLoadType::ConfigLoadSet,
        "accept everything",
    )
    .await
    .expect("commit");
    add(&mut rib, vec![route("192.0.2.0/24", &[])]).await;
    add(&mut rib, vec![route("10.4.0.0/16", &[])]).await;
    assert_eq!(
        entries(&mut s, 1).await,
        vec![(ADD, Some("10.4.0.0/16".into()))]
    );
    // A new subscription uses the policy as committed now.
    let mut s2 = subscribe(&mut rib, with_policy(subscribe_req(10), "TEN-ONLY")).await;
    let got = entries(&mut s2, 3).await;
    assert!(got.contains(&(ADD, Some("192.0.2.0/24".into()))), "{got:?}");
}

#[tokio::test]
async fn a_policy_that_is_not_configured_is_refused_by_name() {
    let dev = TestDevice::with_config(TEN_ONLY).await;
    let (_c, mut rib) = initialized(&dev, "nopol").await;
    let mut s = subscribe(&mut rib, with_policy(subscribe_req(10), "NO-SUCH-POLICY")).await;
    let m = next_message(&mut s).await;
    assert_eq!(
        m.sub_code,
        StatusCode::RouteSubscribePolicyInvalid as i32,
        "{:?}",
        m.status
    );
    let msg = m.status.map(|s| s.message).unwrap_or_default();
    assert!(msg.contains("NO-SUCH-POLICY"), "{msg}");
    assert_eq!(m.context, 7);
    assert!(s.message().await.unwrap().is_none(), "the stream ends");
    // No subscription was made.
    let mut del = subscribe_req(10);
    del.operation = RouteSubscribeOp::SubscribeDelete as i32;
    let m = next_message(&mut subscribe(&mut rib, del).await).await;
    assert_eq!(m.sub_code, StatusCode::RouteSubscribeEnoent as i32);
}

#[tokio::test]
async fn request_no_withdrawal_leaves_deletes_out_of_the_stream() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "nowd").await;
    let mut req = subscribe_req(10);
    req.flag = Some(pb::RouteSubscribeFlags {
        request_no_withdrawal: true,
        ..Default::default()
    });
    let mut s = subscribe(&mut rib, req).await;
    assert_eq!(entries(&mut s, 1).await, vec![(EOT, None)]);
    add(&mut rib, vec![route("10.1.0.0/16", &[])]).await;
    delete(&mut rib, &["10.1.0.0/16"]).await;
    add(&mut rib, vec![route("10.2.0.0/16", &[])]).await;
    assert_eq!(
        entries(&mut s, 2).await,
        vec![
            (ADD, Some("10.1.0.0/16".into())),
            (ADD, Some("10.2.0.0/16".into())),
        ]
    );
}

#[tokio::test]
async fn no_eor_to_client_drops_end_of_table_unless_request_eor_asks_for_it() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "eor").await;
    add(&mut rib, vec![route("10.1.0.0/16", &[])]).await;
    let mut req = subscribe_req(10);
    req.flag = Some(pb::RouteSubscribeFlags {
        no_eor_to_client: true,
        ..Default::default()
    });
    let mut s = subscribe(&mut rib, req.clone()).await;
    assert_eq!(
        entries(&mut s, 1).await,
        vec![(ADD, Some("10.1.0.0/16".into()))]
    );
    quiet(&mut s).await;
    if let Some(f) = req.flag.as_mut() {
        f.request_eor = true;
    }
    let mut s = subscribe(&mut rib, req).await;
    assert_eq!(
        entries(&mut s, 2).await,
        vec![(ADD, Some("10.1.0.0/16".into())), (EOT, None)]
    );
}

#[tokio::test]
async fn changing_route_count_of_a_live_subscription_is_refused_and_the_old_stream_goes_on() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "count").await;
    let mut old = subscribe(&mut rib, subscribe_req(10)).await;
    assert_eq!(entries(&mut old, 1).await, vec![(EOT, None)]);
    let mut refused = subscribe(&mut rib, subscribe_req(5)).await;
    let m = next_message(&mut refused).await;
    assert_eq!(
        m.sub_code,
        StatusCode::RouteSubscribeResponseRouteCountInvalid as i32,
        "{:?}",
        m.status
    );
    assert!(refused.message().await.unwrap().is_none());
    add(&mut rib, vec![route("10.1.0.0/16", &[])]).await;
    assert_eq!(
        entries(&mut old, 1).await,
        vec![(ADD, Some("10.1.0.0/16".into()))],
        "the old stream still streams"
    );
    // Once the old stream is gone, another route_count is fine.
    drop(old);
    let mut new = None;
    for _ in 0..100 {
        let mut s = subscribe(&mut rib, subscribe_req(5)).await;
        let m = next_message(&mut s).await;
        if m.sub_code == StatusCode::Success as i32 {
            new = Some((s, m));
            break;
        }
        // The server notices the closed stream asynchronously.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_s, m) = new.expect("route_count 5 accepted after the old stream closed");
    assert_eq!(m.routes.len(), 1, "the dump starts: {m:?}");
}

fn bytes_of(a: Option<&NetworkAddress>) -> Option<Vec<u8>> {
    match a?.af.as_ref()? {
        Af::Inet(ip) | Af::Inet6(ip) => match ip.addr_format.as_ref()? {
            AddrFormat::AddrBytes(b) => Some(b.clone()),
            AddrFormat::AddrString(_) => None,
        },
        Af::Mpls(_) => None,
    }
}

#[tokio::test]
async fn address_bytes_at_initialize_gives_raw_addresses_in_subscription_output() {
    let dev = TestDevice::start().await;
    let c = dev.admin("bytes").await;
    let mut rib = RibClient::new(c.channel());
    let r = rib
        .route_initialize(pb::RouteInitializeRequest {
            default_response_address_format: AddressFormat::AddressBytes as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, StatusCode::Success as i32, "{:?}", r.status);
    add(&mut rib, vec![route("10.5.0.0/16", &["192.0.2.1"])]).await;
    let mut s = subscribe(&mut rib, subscribe_req(10)).await;
    let m = next_message(&mut s).await;
    let e = m
        .routes
        .first()
        .and_then(|e| e.route.as_ref())
        .expect("a route");
    let k = e.key.as_ref().expect("key");
    assert_eq!(bytes_of(k.dest_prefix.as_ref()), Some(vec![10, 5, 0, 0]));
    assert_eq!(k.dest_prefix_len, 16);
    let gw = e
        .nexthop
        .as_ref()
        .and_then(|n| n.gateways.first())
        .expect("a gateway");
    assert_eq!(
        bytes_of(gw.gateway_address.as_ref()),
        Some(vec![192, 0, 2, 1])
    );
    assert_eq!(entries(&mut s, 1).await, vec![(EOT, None)]);
    // Changes too, deletes included.
    delete(&mut rib, &["10.5.0.0/16"]).await;
    let m = next_message(&mut s).await;
    let e = &m.routes[0];
    assert_eq!(e.operation, DELETE);
    let k = e.route.as_ref().and_then(|r| r.key.as_ref()).expect("key");
    assert_eq!(bytes_of(k.dest_prefix.as_ref()), Some(vec![10, 5, 0, 0]));

    // A client that keeps the default gets text; an unknown format is refused.
    let (_c2, mut text) = initialized(&dev, "text").await;
    add(&mut text, vec![route("10.6.0.0/16", &[])]).await;
    let mut s = subscribe(&mut text, subscribe_req(10)).await;
    assert_eq!(
        entries(&mut s, 2).await,
        vec![(ADD, Some("10.6.0.0/16".into())), (EOT, None)]
    );
    let bad = text
        .route_initialize(pb::RouteInitializeRequest {
            default_response_address_format: 9,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bad.sub_code, StatusCode::RequestInvalid as i32);
}
