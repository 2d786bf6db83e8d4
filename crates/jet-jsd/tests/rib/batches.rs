use jet_sdk::proto::jnx::jet::common::StatusCode as Rpc;
use jet_sdk::proto::jnx::jet::routing::base::{
    LabelEntry, LabelOperation, LabelStack, LabelStackEntry,
};
use jet_sdk::proto::jnx::jet::routing::rib::{self as pb, RouteGateway, StatusCode};
use jet_testkit::TestDevice;

use crate::{add, initialized, key, route, table, v4, v6};

#[tokio::test]
async fn route_add_before_route_initialize_is_not_initialized() {
    let dev = TestDevice::start().await;
    let c = dev.admin("early").await;
    let mut rib = pb::rib_client::RibClient::new(c.channel());
    let r = add(&mut rib, vec![route("10.0.0.0/24", &["192.0.2.1"])]).await;
    assert_eq!(r.sub_code, StatusCode::NotInitialized as i32);
    assert_eq!(r.status.map(|s| s.code), Some(Rpc::Failure as i32));
    assert_eq!(r.operations_completed, 0);
}

#[tokio::test]
async fn route_initialize_twice_on_one_connection_is_already_initialized() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "twice").await;
    let r = rib
        .route_initialize(pb::RouteInitializeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, StatusCode::AlreadyInitialized as i32);
    assert_eq!(r.status.map(|s| s.code), Some(Rpc::Success as i32));
}

#[tokio::test]
async fn a_batch_stops_at_the_first_error_and_reports_operations_completed() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "order").await;
    assert_eq!(
        add(&mut rib, vec![route("10.0.1.0/24", &["192.0.2.1"])])
            .await
            .operations_completed,
        1
    );
    let r = add(
        &mut rib,
        vec![
            route("10.0.0.0/24", &["192.0.2.1"]),
            route("10.0.1.0/24", &["192.0.2.1"]),
            route("10.0.2.0/24", &["192.0.2.1"]),
        ],
    )
    .await;
    assert_eq!(r.sub_code, StatusCode::RouteExists as i32);
    assert_eq!(r.operations_completed, 1);
    let msg = r.status.unwrap().message;
    assert!(msg.starts_with("route 1:"), "{msg}");
    // Entry 0 applied, entry 2 untouched.
    let d = dev.device().rib();
    let (has0, has2) = d.read(|r| {
        let t = r.table(r.table_id("inet.0").unwrap()).unwrap();
        let p = |s: &str| jet_device::rib::jet_rib::Prefix::ip(s.parse().unwrap(), 24).unwrap();
        (
            t.get(&p("10.0.0.0")).is_some(),
            t.get(&p("10.0.2.0")).is_some(),
        )
    });
    assert!(has0 && !has2);
}

/// One valid route then a bad one: the sub-code is the contract's, one operation completed,
/// and the message names entry 1.
async fn refused(
    rib: &mut pb::rib_client::RibClient<tonic::transport::Channel>,
    bad: pb::RouteEntry,
    n: &mut u32,
) -> i32 {
    *n += 1;
    let good = route(&format!("172.16.{n}.0/24"), &["192.0.2.1"]);
    let r = add(rib, vec![good, bad]).await;
    assert_eq!(r.operations_completed, 1, "{:?}", r.status);
    let msg = r.status.as_ref().unwrap().message.clone();
    assert!(msg.starts_with("route 1:"), "{msg}");
    r.sub_code
}

#[tokio::test]
async fn every_malformed_route_gets_its_sub_code() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "bad").await;
    let n = &mut 0;
    assert_eq!(
        refused(&mut rib, route("10.0.0.1/24", &[]), n).await,
        StatusCode::PrefixLenTooShort as i32
    );
    assert_eq!(
        refused(&mut rib, route("10.0.0.0/33", &[]), n).await,
        StatusCode::PrefixLenTooLong as i32
    );
    assert_eq!(
        refused(&mut rib, route("10.0.0/8", &[]), n).await,
        StatusCode::PrefixInvalid as i32
    );
    let mut no_key = route("10.0.0.0/8", &[]);
    no_key.key = None;
    assert_eq!(
        refused(&mut rib, no_key, n).await,
        StatusCode::PrefixInvalid as i32
    );
    let mut bad_table = route("10.0.0.0/8", &[]);
    bad_table.key.as_mut().unwrap().table = table("nosuch.inet.0");
    assert_eq!(
        refused(&mut rib, bad_table, n).await,
        StatusCode::TableInvalid as i32
    );
    let mut v6_in_v4 = route("10.0.0.0/8", &[]);
    v6_in_v4.key.as_mut().unwrap().dest_prefix = Some(v6("2001:db8::"));
    v6_in_v4.key.as_mut().unwrap().dest_prefix_len = 32;
    assert_eq!(
        refused(&mut rib, v6_in_v4, n).await,
        StatusCode::PrefixInvalid as i32
    );
    let mut wrong_gw = route("10.0.0.0/8", &[]);
    wrong_gw
        .nexthop
        .as_mut()
        .unwrap()
        .gateways
        .push(RouteGateway {
            gateway_address: Some(v6("2001:db8::1")),
            ..Default::default()
        });
    assert_eq!(
        refused(&mut rib, wrong_gw, n).await,
        StatusCode::NexthopAddressInvalid as i32
    );
    let many: Vec<String> = (0..65).map(|i| format!("192.0.2.{i}")).collect();
    let refs: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        refused(&mut rib, route("10.0.0.0/8", &refs), n).await,
        StatusCode::NexthopLimitExceed as i32
    );
    let mut proto = route("10.0.0.0/8", &[]);
    proto.protocol = 5; // OSPF
    assert_eq!(
        refused(&mut rib, proto, n).await,
        StatusCode::ProtocolInvalid as i32
    );
    let mut bw = route("10.0.0.0/8", &["192.0.2.1", "192.0.2.2"]);
    bw.nexthop.as_mut().unwrap().gateways[0].bandwidth = 10.0;
    assert_eq!(
        refused(&mut rib, bw, n).await,
        StatusCode::BandwidthUsageInvalid as i32
    );
    let mut weight = route("10.0.0.0/8", &["192.0.2.1"]);
    weight.nexthop.as_mut().unwrap().gateways[0].weight = 70_000;
    assert_eq!(
        refused(&mut rib, weight, n).await,
        StatusCode::NexthopInvalid as i32
    );
    let mut ifname = route("10.0.0.0/8", &["192.0.2.1"]);
    ifname.nexthop.as_mut().unwrap().gateways[0].interface_name = "ge 0/0/0".into();
    assert_eq!(
        refused(&mut rib, ifname, n).await,
        StatusCode::InterfaceInvalid as i32
    );
    let mut label = route("10.0.0.0/8", &["192.0.2.1"]);
    label.nexthop.as_mut().unwrap().gateways[0].label_stack = Some(LabelStack {
        entries: vec![LabelStackEntry {
            opcode: LabelOperation::Push as i32,
            label_entry: Some(LabelEntry {
                label: 7,
                ..Default::default()
            }),
        }],
    });
    assert_eq!(
        refused(&mut rib, label, n).await,
        StatusCode::MplsLabelInvalid as i32
    );
    let mut swap = route("10.0.0.0/8", &["192.0.2.1"]);
    swap.nexthop.as_mut().unwrap().gateways[0].label_stack = Some(LabelStack {
        entries: vec![LabelStackEntry {
            opcode: LabelOperation::Swap as i32,
            label_entry: Some(LabelEntry {
                label: 100,
                ..Default::default()
            }),
        }],
    });
    assert_eq!(
        refused(&mut rib, swap, n).await,
        StatusCode::MplsActionInvalid as i32
    );
    // 1001 routes: nothing applied.
    let big: Vec<_> = (0..1001)
        .map(|i| route(&format!("10.{}.{}.0/24", i / 256, i % 256), &[]))
        .collect();
    let r = add(&mut rib, big).await;
    assert_eq!(
        (r.sub_code, r.operations_completed),
        (StatusCode::TooManyOps as i32, 0)
    );
    let r = add(&mut rib, vec![]).await;
    assert_eq!(r.sub_code, StatusCode::NoOp as i32);
}

#[tokio::test]
async fn modify_update_and_delete_follow_their_rules() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "mud").await;
    let req = |r| pb::RouteUpdateRequest { routes: vec![r] };
    let m = rib
        .route_modify(req(route("10.9.0.0/16", &["192.0.2.1"])))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.sub_code, StatusCode::RouteNotFound as i32);
    let u = rib
        .route_update(req(route("10.9.0.0/16", &["192.0.2.1"])))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (u.sub_code, u.operations_completed),
        (StatusCode::Success as i32, 1)
    );
    let m = rib
        .route_modify(req(route("10.9.0.0/16", &["192.0.2.2"])))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.sub_code, StatusCode::Success as i32);
    let d = rib
        .route_delete(pb::RouteDeleteRequest {
            keys: vec![key("10.9.0.0/16"), key("10.9.0.0/16")],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (d.sub_code, d.operations_completed),
        (StatusCode::RouteNotFound as i32, 1)
    );
}

#[tokio::test]
async fn another_client_cannot_delete_a_route_it_does_not_own() {
    let dev = TestDevice::start().await;
    let (_a, mut owner) = initialized(&dev, "owner").await;
    let (_b, mut thief) = initialized(&dev, "thief").await;
    add(&mut owner, vec![route("10.7.0.0/16", &["192.0.2.1"])]).await;
    let d = thief
        .route_delete(pb::RouteDeleteRequest {
            keys: vec![key("10.7.0.0/16")],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(d.sub_code, StatusCode::RouteNotFound as i32);
    assert!(d
        .status
        .unwrap()
        .message
        .contains("belongs to client 'owner'"));
    let d = owner
        .route_delete(pb::RouteDeleteRequest {
            keys: vec![key("10.7.0.0/16")],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(d.sub_code, StatusCode::Success as i32);
}

#[tokio::test]
async fn route_cleanup_removes_all_of_the_callers_routes() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "clean").await;
    add(
        &mut rib,
        vec![route("10.1.0.0/16", &[]), route("10.2.0.0/16", &[])],
    )
    .await;
    let r = rib
        .route_cleanup(pb::RouteCleanupRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, StatusCode::Success as i32);
    let n = dev
        .device()
        .rib()
        .read(|r| r.table(r.table_id("inet.0").unwrap()).unwrap().routes());
    assert_eq!(n, 0);
    let _ = v4("0.0.0.0");
}
