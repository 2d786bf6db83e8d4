//! RouteSubscribe: registration reply, full dump, END_OF_RIBS, incremental changes,
//! refresh, one stream per client, unsubscribe.

use std::time::Duration;

use jet_sdk::proto::jnx::jet::routing::bgp::{
    self as pb, route_subscribe_entry::RouteSubscribeOper as Oper,
    route_subscribe_response::StatusCode as Code,
};
use tonic::Streaming;

use crate::{add, dest, device, initialized, key, ok, route};

/// The next message's entries as (operation, destination).
async fn next(s: &mut Streaming<pb::RouteSubscribeResponse>) -> (i32, Vec<(i32, String)>) {
    let m = tokio::time::timeout(Duration::from_secs(10), s.message())
        .await
        .expect("a message in time")
        .unwrap()
        .expect("stream open");
    (
        m.sub_code,
        m.subscribe_entries
            .iter()
            .map(|e| (e.operation, e.route.as_ref().map(dest).unwrap_or_default()))
            .collect(),
    )
}

#[tokio::test]
async fn subscribe_dumps_then_streams_changes_and_refreshes() {
    let dev = device().await;
    let (_a, mut a) = initialized(&dev, "watcher").await;
    let (_b, mut b) = initialized(&dev, "ctl").await;
    assert!(ok(
        &add(&mut b, vec![route("10.0.0.0/8", "192.0.2.1")]).await
    ));
    let mut s = a
        .route_subscribe(pb::RouteSubscribeRequest { route_count: 10 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(next(&mut s).await, (Code::Success as i32, vec![]));
    assert_eq!(
        next(&mut s).await.1,
        vec![(Oper::RouteUpdate as i32, "10.0.0.0/8".to_string())]
    );
    assert_eq!(
        next(&mut s).await.1,
        vec![(Oper::EndOfRibs as i32, String::new())]
    );
    // A second subscription of the same client is refused.
    let mut again = a
        .route_subscribe(pb::RouteSubscribeRequest { route_count: 10 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(next(&mut again).await.0, Code::AlreadySubscribed as i32);
    // Changes by another client arrive.
    assert!(ok(
        &add(&mut b, vec![route("11.0.0.0/8", "192.0.2.1")]).await
    ));
    assert_eq!(
        next(&mut s).await.1,
        vec![(Oper::RouteUpdate as i32, "11.0.0.0/8".to_string())]
    );
    let r = b
        .route_delete(pb::RouteDeleteRequest {
            or_longer: false,
            routes: vec![key("11.0.0.0/8")],
        })
        .await
        .unwrap()
        .into_inner();
    assert!(ok(&r));
    assert_eq!(
        next(&mut s).await.1,
        vec![(Oper::RouteDelete as i32, "11.0.0.0/8".to_string())]
    );
    // Refresh: the full set again, then END_OF_RIBS.
    let r = a
        .route_refresh(pb::RouteRefreshRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, 0);
    assert_eq!(
        next(&mut s).await.1,
        vec![(Oper::RouteUpdate as i32, "10.0.0.0/8".to_string())]
    );
    assert_eq!(
        next(&mut s).await.1,
        vec![(Oper::EndOfRibs as i32, String::new())]
    );
    // Unsubscribe ends the stream; a second one has nothing to end.
    let r = a
        .route_unsubscribe(pb::RouteUnsubscribeRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, 0);
    let end = tokio::time::timeout(Duration::from_secs(10), s.message())
        .await
        .expect("ends in time")
        .unwrap();
    assert!(end.is_none(), "stream ended");
    let r = a
        .route_unsubscribe(pb::RouteUnsubscribeRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::route_unsubscribe_response::StatusCode::NotSubscribed as i32
    );
    let r = a
        .route_refresh(pb::RouteRefreshRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.sub_code,
        pb::route_refresh_response::StatusCode::NotSubscribed as i32
    );
    // route_count above 1000.
    let mut bad = a
        .route_subscribe(pb::RouteSubscribeRequest { route_count: 1001 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(next(&mut bad).await.0, Code::RouteCountInvalid as i32);
}
