use jet_sdk::proto::jnx::jet::routing::base::RouteTableName;
use jet_sdk::proto::jnx::jet::routing::rib::{
    self as pb, RouteSubscribeOp, RouteSubscribeRouteOp as Op, StatusCode,
};
use jet_testkit::TestDevice;

use crate::{add, initialized, key, prefix_of, route};

fn sub_req(op: RouteSubscribeOp) -> pb::RouteSubscribeRequest {
    pb::RouteSubscribeRequest {
        table_name: Some(RouteTableName {
            name: "inet.0".into(),
        }),
        operation: op as i32,
        context: 42,
        route_count: 10,
        ..Default::default()
    }
}

/// Reads subscription entries until `n` were seen.
async fn entries(
    s: &mut tonic::Streaming<pb::RouteSubscribeResponse>,
    n: usize,
) -> Vec<(i32, Option<String>)> {
    let mut out = Vec::new();
    while out.len() < n {
        let m = tokio::time::timeout(std::time::Duration::from_secs(10), s.message())
            .await
            .expect("in time")
            .unwrap()
            .expect("open");
        assert_eq!(m.context, 42, "context is echoed");
        assert_eq!(m.sub_code, StatusCode::Success as i32);
        out.extend(
            m.routes
                .into_iter()
                .map(|e| (e.operation, e.route.as_ref().map(prefix_of))),
        );
    }
    out
}

#[tokio::test]
async fn subscribe_sends_the_table_then_end_of_table_then_changes() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "sub").await;
    add(
        &mut rib,
        vec![route("10.0.0.0/8", &[]), route("10.1.0.0/16", &[])],
    )
    .await;
    let mut s = rib
        .route_subscribe(sub_req(RouteSubscribeOp::SubscribeAdd))
        .await
        .unwrap()
        .into_inner();
    let first = entries(&mut s, 3).await;
    assert_eq!(
        first,
        vec![
            (Op::RouteSubscribeOpAdd as i32, Some("10.0.0.0/8".into())),
            (Op::RouteSubscribeOpAdd as i32, Some("10.1.0.0/16".into())),
            (Op::RouteSubscribeOpEndOfTable as i32, None),
        ]
    );
    add(&mut rib, vec![route("10.2.0.0/16", &[])]).await;
    assert_eq!(
        entries(&mut s, 1).await,
        vec![(Op::RouteSubscribeOpAdd as i32, Some("10.2.0.0/16".into()))]
    );
    rib.route_delete(pb::RouteDeleteRequest {
        keys: vec![key("10.0.0.0/8")],
    })
    .await
    .unwrap();
    assert_eq!(
        entries(&mut s, 1).await,
        vec![(Op::RouteSubscbibeOpDelete as i32, Some("10.0.0.0/8".into()))]
    );
}

#[tokio::test]
async fn a_new_subscription_for_the_same_table_ends_the_old_stream() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "resub").await;
    let mut old = rib
        .route_subscribe(sub_req(RouteSubscribeOp::SubscribeAdd))
        .await
        .unwrap()
        .into_inner();
    entries(&mut old, 1).await; // end of table
    let mut new = rib
        .route_subscribe(sub_req(RouteSubscribeOp::SubscribeAdd))
        .await
        .unwrap()
        .into_inner();
    entries(&mut new, 1).await;
    let end = tokio::time::timeout(std::time::Duration::from_secs(10), old.message())
        .await
        .expect("in time");
    assert!(matches!(end, Ok(None)), "old stream ended: {end:?}");
    add(&mut rib, vec![route("10.3.0.0/16", &[])]).await;
    assert_eq!(
        entries(&mut new, 1).await[0].1.as_deref(),
        Some("10.3.0.0/16")
    );
}

#[tokio::test]
async fn unsubscribing_a_table_never_subscribed_is_enoent() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "unsub").await;
    let mut s = rib
        .route_subscribe(sub_req(RouteSubscribeOp::SubscribeDelete))
        .await
        .unwrap()
        .into_inner();
    let m = s.message().await.unwrap().unwrap();
    assert_eq!(m.sub_code, StatusCode::RouteSubscribeEnoent as i32);
    let mut bad = sub_req(RouteSubscribeOp::SubscribeAdd);
    bad.operation = 7;
    let m = rib
        .route_subscribe(bad)
        .await
        .unwrap()
        .into_inner()
        .message()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        m.sub_code,
        StatusCode::RouteSubscribeOperationInvalid as i32
    );
}
