use jet_sdk::proto::jnx::jet::routing::base::{
    base_client::BaseClient, RoutePurgeTimerAddRequest, RoutePurgeTimerDeleteRequest,
    RoutePurgeTimerGetRequest, RtSummaryGetRequest, StatusCode,
};
use jet_testkit::TestDevice;

use crate::{add, initialized, route};

#[tokio::test]
async fn purge_timer_is_set_read_and_deleted_per_client() {
    let dev = TestDevice::start().await;
    let c = dev.admin("timer").await;
    let mut b = BaseClient::new(c.channel());
    assert_eq!(
        b.route_purge_timer_get(RoutePurgeTimerGetRequest {})
            .await
            .unwrap()
            .into_inner()
            .time,
        120
    );
    let r = b
        .route_purge_timer_add(RoutePurgeTimerAddRequest { time: 0 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, StatusCode::InvalidParams as i32);
    let r = b
        .route_purge_timer_add(RoutePurgeTimerAddRequest { time: 1001 })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.sub_code, StatusCode::InvalidParams as i32);
    b.route_purge_timer_add(RoutePurgeTimerAddRequest { time: 30 })
        .await
        .unwrap();
    assert_eq!(
        b.route_purge_timer_get(RoutePurgeTimerGetRequest {})
            .await
            .unwrap()
            .into_inner()
            .time,
        30
    );
    b.route_purge_timer_delete(RoutePurgeTimerDeleteRequest {})
        .await
        .unwrap();
    assert_eq!(
        b.route_purge_timer_get(RoutePurgeTimerGetRequest {})
            .await
            .unwrap()
            .into_inner()
            .time,
        120
    );
}

#[tokio::test]
async fn route_summary_counts_the_callers_routes_or_every_clients() {
    let dev = TestDevice::start().await;
    let (a, mut ra) = initialized(&dev, "sa").await;
    let (_b, mut rb) = initialized(&dev, "sb").await;
    add(
        &mut ra,
        vec![route("10.0.0.0/8", &[]), route("10.1.0.0/16", &[])],
    )
    .await;
    add(&mut rb, vec![route("11.0.0.0/8", &[])]).await;
    let mut base = BaseClient::new(a.channel());
    let mine = base
        .route_summary_get(RtSummaryGetRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        mine.client_rt_summary.keys().collect::<Vec<_>>(),
        vec!["sa"]
    );
    let e = &mine.client_rt_summary["sa"].protocol_rt_summary["Static"].rt_summary[0];
    assert_eq!(
        (
            e.rt_tbl_name.as_ref().unwrap().name.as_str(),
            e.primary_rt_count
        ),
        ("inet.0", 2)
    );
    let all = base
        .route_summary_get(RtSummaryGetRequest {
            all_clients: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.client_rt_summary.len(), 2);
    let bad = base
        .route_summary_get(RtSummaryGetRequest {
            instance_name: "nosuch".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bad.sub_code, StatusCode::InvalidInstance as i32);
}
