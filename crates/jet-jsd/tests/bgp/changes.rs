//! Initialize, Cleanup and the change RPCs: order, abort at the first error,
//! `operations_completed`, every form refusal with its sub-code and a message naming
//! the field.

use jet_sdk::proto::jnx::jet::common::StatusCode;
use jet_sdk::proto::jnx::jet::routing::base::{AsPath, Communities, Community, LabelStack};
use jet_sdk::proto::jnx::jet::routing::bgp::{
    self as pb, bgp_client::BgpClient, route_entry::LabelInfo,
    route_oper_response::StatusCode as Code, RouteFlags,
};
use jet_testkit::TestDevice;

use crate::{add, device, get_all, initialized, ip, key, ok, rich, route};

#[tokio::test]
async fn initialize_without_bgp_configured_answers_bgp_not_ready() {
    let dev = TestDevice::start().await;
    let c = dev.admin("nobgp").await;
    let mut bgp = BgpClient::new(c.channel());
    let r = bgp
        .initialize(pb::InitializeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::initialize_response::StatusCode::BgpNotReady as i32
    );
    let st = r.status.unwrap();
    assert_eq!(st.code, StatusCode::Failure as i32);
    assert!(st.message.contains("protocols bgp"), "{}", st.message);
}

#[tokio::test]
async fn changes_before_initialize_are_not_initialized() {
    let dev = device().await;
    let c = dev.admin("early").await;
    let mut bgp = BgpClient::new(c.channel());
    let r = add(&mut bgp, vec![route("10.0.0.0/8", "192.0.2.1")]).await;
    assert_eq!(r.sub_code, Code::NotInitialized as i32);
    assert!(r.status.unwrap().message.contains("Initialize"));
    let r = bgp
        .cleanup(pb::CleanupRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::cleanup_response::StatusCode::NotInitialized as i32
    );
}

#[tokio::test]
async fn add_modify_update_delete_round_trip_with_attributes() {
    let dev = device().await;
    let (_c, mut bgp) = initialized(&dev, "ctl").await;
    let r = add(
        &mut bgp,
        vec![
            rich("10.1.0.0/16", "192.0.2.1"),
            route("2001:db8:1::/48", "2001:db8::1"),
        ],
    )
    .await;
    assert!(ok(&r), "{r:?}");
    assert_eq!(r.operations_completed, 2);
    let got = get_all(&mut bgp).await;
    assert_eq!(got.len(), 2);
    let e = &got[0];
    assert_eq!(e.route_preference, Some(5), "contract default preference");
    assert_eq!(e.local_preference, Some(200));
    assert_eq!(e.med, Some(50));
    assert_eq!(e.aspath.as_ref().unwrap().aspath, "65001 65002");
    assert_eq!(e.cluster_list, vec![1, 2]);
    assert_eq!(e.originator_id, Some(0xC000_0201));
    assert_eq!(
        e.key.as_ref().unwrap().protocol,
        jet_sdk::proto::jnx::jet::routing::base::RouteProtoType::ProtoBgpStatic as i32
    );
    assert_eq!(
        e.key
            .as_ref()
            .unwrap()
            .communities
            .as_ref()
            .unwrap()
            .communities[0]
            .community,
        "65000:100"
    );
    assert_eq!(got[1].local_preference, Some(100), "default LOCAL_PREF");
    // Add again: ROUTE_EXISTS at entry 0.
    let r = add(&mut bgp, vec![route("10.1.0.0/16", "192.0.2.1")]).await;
    assert_eq!(r.sub_code, Code::RouteExists as i32);
    assert_eq!(r.operations_completed, 0);
    // Modify changes attributes; modify of a missing route is ROUTE_NOT_FOUND after the
    // first entry was applied.
    let mut m = route("10.1.0.0/16", "192.0.2.1");
    m.local_preference = Some(50);
    let r = bgp
        .route_modify(pb::RouteUpdateRequest {
            routes: vec![m, route("10.9.0.0/16", "192.0.2.1")],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, Code::RouteNotFound as i32);
    assert_eq!(r.operations_completed, 1);
    let msg = r.status.unwrap().message;
    assert!(msg.contains("10.9.0.0/16"), "{msg}");
    let got = get_all(&mut bgp).await;
    assert_eq!(got[0].local_preference, Some(50), "first entry applied");
    // Update upserts.
    let r = bgp
        .route_update(pb::RouteUpdateRequest {
            routes: vec![route("10.9.0.0/16", "192.0.2.1")],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(ok(&r));
    assert_eq!(get_all(&mut bgp).await.len(), 3);
    // Delete one, then a missing one.
    let r = bgp
        .route_delete(pb::RouteDeleteRequest {
            or_longer: false,
            routes: vec![key("10.9.0.0/16"), key("10.9.0.0/16")],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, Code::RouteNotFound as i32);
    assert_eq!(r.operations_completed, 1);
    assert_eq!(get_all(&mut bgp).await.len(), 2);
}

#[tokio::test]
async fn delete_with_cookie_zero_or_longer_removes_every_matching_path() {
    let dev = device().await;
    let (_c, mut bgp) = initialized(&dev, "del").await;
    let mut routes = Vec::new();
    for (p, cookie) in [
        ("10.0.0.0/8", 1),
        ("10.0.0.0/8", 2),
        ("10.1.0.0/16", 0),
        ("10.1.2.0/24", 5),
    ] {
        let mut r = route(p, "192.0.2.1");
        r.key.as_mut().unwrap().cookie = cookie;
        routes.push(r);
    }
    routes.push(route("11.0.0.0/8", "192.0.2.1"));
    assert!(ok(&add(&mut bgp, routes).await));
    // Cookie 0: both paths of 10/8.
    let r = bgp
        .route_delete(pb::RouteDeleteRequest {
            or_longer: false,
            routes: vec![key("10.0.0.0/8")],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(ok(&r), "{r:?}");
    assert_eq!(r.operations_completed, 1, "keys, not paths");
    assert_eq!(get_all(&mut bgp).await.len(), 3);
    // or_longer from 10/8: 10.1/16 and 10.1.2/24, not 11/8.
    let r = bgp
        .route_delete(pb::RouteDeleteRequest {
            or_longer: true,
            routes: vec![key("10.0.0.0/8")],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(ok(&r), "{r:?}");
    let left = get_all(&mut bgp).await;
    assert_eq!(left.len(), 1);
    assert_eq!(crate::dest(&left[0]), "11.0.0.0/8");
}

/// One bad entry after a good one: the good one stays, `operations_completed` is 1,
/// the sub-code is the contract's, the message names the field.
async fn refused_at_second(
    bgp: &mut BgpClient<tonic::transport::Channel>,
    bad: pb::RouteEntry,
    code: Code,
    field: &str,
) {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let good = route(&format!("172.16.{n}.0/24"), "192.0.2.1");
    let r = add(bgp, vec![good, bad]).await;
    assert_eq!(r.sub_code, code as i32, "{field}: {r:?}");
    assert_eq!(r.operations_completed, 1, "{field}");
    let st = r.status.unwrap();
    assert_eq!(st.code, StatusCode::Failure as i32);
    assert!(st.message.contains(field), "{field}: {}", st.message);
    assert!(st.message.contains("routes[1]"), "{}", st.message);
}

#[tokio::test]
async fn each_form_refusal_has_its_sub_code_and_names_the_field() {
    let dev = device().await;
    let (_c, mut bgp) = initialized(&dev, "forms").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.key.as_mut().unwrap().protocol =
        jet_sdk::proto::jnx::jet::routing::base::RouteProtoType::ProtoStatic as i32;
    refused_at_second(&mut bgp, r, Code::ProtocolInvalid, "protocol").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.protocol_nexthops.push(ip("192.0.2.3"));
    refused_at_second(&mut bgp, r, Code::NexthopEcmpLimit, "protocol_nexthops").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.protocol_nexthops.clear();
    refused_at_second(&mut bgp, r, Code::NexthopInvalid, "protocol_nexthops").await;
    refused_at_second(
        &mut bgp,
        route("10.0.0.0/8", "2001:db8::1"),
        Code::NexthopAddressInvalid,
        "protocol_nexthops[0]",
    )
    .await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.route_flags = Some(RouteFlags {
        use_nexthop_reject: true,
        use_nexthop_fictitious: true,
        ..Default::default()
    });
    refused_at_second(
        &mut bgp,
        r,
        Code::MutuallyExclusiveRtFlagsAreSet,
        "use_nexthop_reject",
    )
    .await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.aspath = Some(AsPath {
        aspath: "65001 {65002".into(),
    });
    refused_at_second(&mut bgp, r, Code::AspathInvalid, "aspath").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.key.as_mut().unwrap().communities = Some(Communities {
        communities: vec![Community {
            community: "70000:1".into(),
        }],
    });
    refused_at_second(&mut bgp, r, Code::CommunityListInvalid, "communities[0]").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.route_type = 7;
    refused_at_second(&mut bgp, r, Code::PeerTypeInvalid, "route_type").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.label_info = Some(LabelInfo::Label(5));
    refused_at_second(&mut bgp, r, Code::LabelInfoInvalid, "label").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.label_info = Some(LabelInfo::Labels(LabelStack::default()));
    refused_at_second(&mut bgp, r, Code::RequestUnsupported, "labels").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.cluster_list = vec![0];
    refused_at_second(&mut bgp, r, Code::ClusterListInvalid, "cluster_list").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.key.as_mut().unwrap().dest_prefix_len = 33;
    refused_at_second(&mut bgp, r, Code::PrefixLenTooLong, "dest_prefix").await;
    let mut r = route("10.0.0.1/8", "192.0.2.1");
    r.key.as_mut().unwrap().dest_prefix_len = 8;
    refused_at_second(&mut bgp, r, Code::PrefixLenTooShort, "dest_prefix").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.key.as_mut().unwrap().table = crate::table("nosuch.inet.0");
    refused_at_second(&mut bgp, r, Code::TableInvalid, "nosuch.inet.0").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.key.as_mut().unwrap().table = None;
    refused_at_second(&mut bgp, r, Code::TableInvalid, "table").await;
    let mut r = route("10.0.0.0/8", "192.0.2.1");
    r.tunnel_attributes = Some(pb::TunnelEncapAttribute {
        tunnel_list: vec![],
    });
    refused_at_second(&mut bgp, r, Code::TunnelAttrListInvalid, "tunnel_list").await;
    // Whole-request refusals.
    let r = add(&mut bgp, vec![]).await;
    assert_eq!(r.sub_code, Code::NoOp as i32);
    let many = (0..1001)
        .map(|i| route(&format!("10.{}.{}.0/24", i / 256, i % 256), "192.0.2.1"))
        .collect();
    let r = add(&mut bgp, many).await;
    assert_eq!(r.sub_code, Code::TooManyOps as i32);
    assert_eq!(r.operations_completed, 0);
    assert!(r.status.unwrap().message.contains("1001"));
}

#[tokio::test]
async fn cleanup_removes_the_clients_bgp_routes_only() {
    let dev = device().await;
    let (_a, mut a) = initialized(&dev, "a").await;
    let (_b, mut b) = initialized(&dev, "b").await;
    assert!(ok(
        &add(&mut a, vec![route("10.0.0.0/8", "192.0.2.1")]).await
    ));
    assert!(ok(
        &add(&mut b, vec![route("11.0.0.0/8", "192.0.2.1")]).await
    ));
    // b cannot change a's route: its key is not b's.
    let r = b
        .route_modify(pb::RouteUpdateRequest {
            routes: vec![route("10.0.0.0/8", "192.0.2.1")],
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, Code::RouteNotFound as i32);
    let r = a.cleanup(pb::CleanupRequest {}).await.unwrap().into_inner();
    assert_eq!(r.sub_code, 0);
    let left = get_all(&mut b).await;
    assert_eq!(left.len(), 1, "b's route stays");
    assert_eq!(crate::dest(&left[0]), "11.0.0.0/8");
}

/// RouteAdd/Modify/Update bytes that are not a `RouteUpdateRequest` (cut short, a field
/// of the wrong wire type) are refused as gRPC INTERNAL with prost's reason, as the
/// generated server refused them; nothing is programmed and the connection still works.
#[tokio::test]
async fn malformed_change_requests_are_refused_with_the_decoders_reason() {
    let dev = device().await;
    let (c, mut bgp) = initialized(&dev, "bytes").await;
    let good = pb::RouteUpdateRequest {
        routes: vec![route("10.9.0.0/16", "192.0.2.1")],
    };
    let bytes = prost::Message::encode_to_vec(&good);
    let cut = bytes::Bytes::copy_from_slice(&bytes[..bytes.len() - 3]);
    // routes (1) as a varint.
    let wrong = bytes::Bytes::from_static(&[0x08, 0x01]);
    for method in ["RouteAdd", "RouteModify", "RouteUpdate"] {
        for body in [cut.clone(), wrong.clone()] {
            let mut g = tonic::client::Grpc::new(c.channel());
            g.ready().await.unwrap();
            let path = format!("/jnx.jet.routing.bgp.Bgp/{method}");
            let e = g
                .unary::<bytes::Bytes, bytes::Bytes, _>(
                    tonic::Request::new(body),
                    http::uri::PathAndQuery::try_from(path).unwrap(),
                    jet_sdk::raw::RawCodec,
                )
                .await
                .unwrap_err();
            assert_eq!(e.code(), tonic::Code::Internal, "{method}: {e:?}");
            assert!(
                e.message().contains("failed to decode Protobuf message"),
                "{method}: {}",
                e.message()
            );
        }
    }
    assert!(get_all(&mut bgp).await.is_empty());
    let r = add(&mut bgp, good.routes).await;
    assert!(ok(&r), "{r:?}");
}
