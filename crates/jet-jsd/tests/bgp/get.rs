//! RouteGet: batches of `route_count`, the final empty message, matches.

use jet_sdk::proto::jnx::jet::routing::base::{Communities, Community};
use jet_sdk::proto::jnx::jet::routing::bgp::{self as pb, route_get_response::StatusCode as Code};

use crate::{add, dest, device, get, initialized, key, ok, rich, route};

#[tokio::test]
async fn route_get_streams_route_count_per_message_then_an_empty_one() {
    let dev = device().await;
    let (_c, mut bgp) = initialized(&dev, "getter").await;
    let routes = (0..25)
        .map(|i| route(&format!("10.0.{i}.0/24"), "192.0.2.1"))
        .collect();
    assert!(ok(&add(&mut bgp, routes).await));
    let (all, sizes, last) = get(
        &mut bgp,
        pb::RouteGetRequest {
            route_count: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(all.len(), 25);
    assert_eq!(sizes, vec![10, 10, 5, 0]);
    assert_eq!(last, Code::Success as i32);
    // Exact match, or longer.
    let (one, _, _) = get(
        &mut bgp,
        pb::RouteGetRequest {
            route: Some(key("10.0.3.0/24")),
            route_count: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        one.iter().map(dest).collect::<Vec<_>>(),
        vec!["10.0.3.0/24"]
    );
    let (longer, _, _) = get(
        &mut bgp,
        pb::RouteGetRequest {
            route: Some(key("10.0.0.0/16")),
            or_longer: true,
            route_count: 100,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(longer.len(), 25);
    // Nothing matches: ROUTE_NOT_FOUND in the only message.
    let (none, sizes, last) = get(
        &mut bgp,
        pb::RouteGetRequest {
            route: Some(key("99.0.0.0/8")),
            ..Default::default()
        },
    )
    .await;
    assert!(none.is_empty());
    assert_eq!(sizes, vec![0]);
    assert_eq!(last, Code::RouteNotFound as i32);
    // route_count above 1000.
    let (_, _, last) = get(
        &mut bgp,
        pb::RouteGetRequest {
            route_count: 1001,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(last, Code::RouteCountInvalid as i32);
}

#[tokio::test]
async fn route_get_filters_by_community_literal_or_regex_and_sees_other_clients() {
    let dev = device().await;
    let (_a, mut a) = initialized(&dev, "a").await;
    let (_b, mut b) = initialized(&dev, "b").await;
    assert!(ok(
        &add(&mut a, vec![rich("10.1.0.0/16", "192.0.2.1")]).await
    ));
    assert!(ok(
        &add(&mut b, vec![route("10.2.0.0/16", "192.0.2.1")]).await
    ));
    let (all, _, _) = get(
        &mut a,
        pb::RouteGetRequest {
            route_count: 10,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(all.len(), 2, "RouteGet sees every client's BGP routes");
    for c in ["65000:100", "65000:.*"] {
        let m = pb::RouteMatch {
            communities: Some(Communities {
                communities: vec![Community {
                    community: c.into(),
                }],
            }),
            ..Default::default()
        };
        let (hit, _, _) = get(
            &mut b,
            pb::RouteGetRequest {
                route: Some(m),
                route_count: 10,
                ..Default::default()
            },
        )
        .await;
        assert_eq!(
            hit.iter().map(dest).collect::<Vec<_>>(),
            vec!["10.1.0.0/16"],
            "{c}"
        );
    }
    let m = pb::RouteMatch {
        communities: Some(Communities {
            communities: vec![Community {
                community: "(".into(),
            }],
        }),
        ..Default::default()
    };
    let (_, _, last) = get(
        &mut b,
        pb::RouteGetRequest {
            route: Some(m),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(last, Code::CommunityListInvalid as i32);
    let mut m = key("10.0.0.0/8");
    m.protocol = jet_sdk::proto::jnx::jet::routing::base::RouteProtoType::ProtoStatic as i32;
    let (_, _, last) = get(
        &mut b,
        pb::RouteGetRequest {
            route: Some(m),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(last, Code::ProtocolInvalid as i32);
}
