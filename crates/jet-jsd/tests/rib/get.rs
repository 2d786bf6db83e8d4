use jet_sdk::proto::jnx::jet::routing::rib::{self as pb, RouteMatchType, StatusCode};
use jet_testkit::TestDevice;

use crate::{add, get, initialized, key, prefix_of, route, with_prefs};

fn req(p: &str, how: RouteMatchType, count: u32) -> pb::RouteGetRequest {
    pb::RouteGetRequest {
        key: Some(key(p)),
        match_type: how as i32,
        route_count: count,
        ..Default::default()
    }
}

#[tokio::test]
async fn route_get_streams_route_count_per_message_and_ends_with_an_empty_one() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "get").await;
    add(
        &mut rib,
        vec![
            route("10.0.0.0/8", &[]),
            route("10.1.0.0/16", &[]),
            route("10.1.1.0/24", &[]),
            route("11.0.0.0/8", &[]),
        ],
    )
    .await;
    let (routes, sizes) = get(
        &mut rib,
        req("10.0.0.0/8", RouteMatchType::ExactOrLonger, 2),
    )
    .await;
    assert_eq!(sizes, vec![2, 1, 0]);
    let got: Vec<String> = routes.iter().map(prefix_of).collect();
    assert_eq!(got, vec!["10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24"]);
    let (routes, _) = get(&mut rib, req("10.1.1.9/32", RouteMatchType::Best, 10)).await;
    assert_eq!(
        routes.iter().map(prefix_of).collect::<Vec<_>>(),
        vec!["10.1.1.0/24"]
    );
    let (routes, sizes) = get(&mut rib, req("10.2.0.0/16", RouteMatchType::Exact, 10)).await;
    assert!(routes.is_empty());
    assert_eq!(sizes, vec![0], "only the end marker");
}

#[tokio::test]
async fn preferences_are_raised_to_five_and_preference2_defaults_to_100() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "pref").await;
    add(
        &mut rib,
        vec![with_prefs(route("10.0.0.0/8", &[]), &[(0, 1)])],
    )
    .await;
    let (routes, _) = get(&mut rib, req("10.0.0.0/8", RouteMatchType::Exact, 10)).await;
    let p = &routes[0].attributes.as_ref().unwrap().preferences;
    assert_eq!((p.get(&0), p.get(&1)), (Some(&5), Some(&100)));
}

#[tokio::test]
async fn initialize_defaults_apply_when_routes_omit_preferences() {
    let dev = TestDevice::start().await;
    let c = dev.admin("defaults").await;
    let mut rib = pb::rib_client::RibClient::new(c.channel());
    let init = pb::RouteInitializeRequest {
        default_preferences: [(0, 40)].into_iter().collect(),
        ..Default::default()
    };
    rib.route_initialize(init).await.unwrap();
    add(
        &mut rib,
        vec![with_prefs(route("10.0.0.0/8", &[]), &[(1, 7)])],
    )
    .await;
    let (routes, _) = get(&mut rib, req("10.0.0.0/8", RouteMatchType::Exact, 10)).await;
    let p = &routes[0].attributes.as_ref().unwrap().preferences;
    assert_eq!((p.get(&0), p.get(&1)), (Some(&40), Some(&7)));
}

#[tokio::test]
async fn active_only_drops_paths_that_lost_selection() {
    let dev = TestDevice::start().await;
    let (_c, mut rib) = initialized(&dev, "active").await;
    let mut a = with_prefs(route("10.0.0.0/8", &[]), &[(0, 10)]);
    a.key.as_mut().unwrap().cookie = 1;
    let mut b = with_prefs(route("10.0.0.0/8", &[]), &[(0, 20)]);
    b.key.as_mut().unwrap().cookie = 2;
    assert_eq!(
        add(&mut rib, vec![a, b]).await.sub_code,
        StatusCode::Success as i32
    );
    let (all, _) = get(&mut rib, req("10.0.0.0/8", RouteMatchType::Exact, 10)).await;
    assert_eq!(all.len(), 2);
    let mut r = req("10.0.0.0/8", RouteMatchType::Exact, 10);
    r.active_only = true;
    let (active, _) = get(&mut rib, r).await;
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].key.as_ref().unwrap().cookie, 1);
}

#[tokio::test]
async fn route_get_before_initialize_is_refused() {
    let dev = TestDevice::start().await;
    let c = dev.admin("getearly").await;
    let mut rib = pb::rib_client::RibClient::new(c.channel());
    let mut s = rib
        .route_get(req("10.0.0.0/8", RouteMatchType::Exact, 1))
        .await
        .unwrap()
        .into_inner();
    let m = s.message().await.unwrap().unwrap();
    assert_eq!(m.sub_code, StatusCode::NotInitialized as i32);
}

/// RouteGet replies are written straight from the RIB (not through prost messages):
/// they carry every field a client sees — gateways with interface, weight and
/// bandwidth, table by id, tags and colors — and follow the address format the client
/// chose at RouteInitialize.
#[tokio::test]
async fn route_get_replies_carry_every_field_in_the_chosen_address_format() {
    use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, AddressFormat};
    use jet_sdk::proto::jnx::jet::routing::base::{
        network_address::Af, route_table::RouteTableFormat, RouteTableFormat as Tf,
    };
    let dev = TestDevice::start().await;
    let c = dev.admin("bytes-get").await;
    let mut rib = pb::rib_client::RibClient::new(c.channel());
    rib.route_initialize(pb::RouteInitializeRequest {
        default_response_address_format: AddressFormat::AddressBytes as i32,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut r = route("10.9.0.0/16", &["192.0.2.1", "192.0.2.2"]);
    for (i, g) in r.nexthop.as_mut().unwrap().gateways.iter_mut().enumerate() {
        g.weight = 10 + i as u32;
        g.bandwidth = 2.5;
    }
    r.attributes = Some(pb::RouteAttributes {
        preferences: [(0, 12)].into(),
        tags: [(0, 77)].into(),
        colors: [(1, 5)].into(),
    });
    r.key.as_mut().unwrap().cookie = 42;
    r.enable_stats = true;
    add(&mut rib, vec![r]).await;
    let mut q = req("10.9.0.0/16", RouteMatchType::Exact, 10);
    q.reply_table_format = Tf::TableId as i32;
    let (routes, _) = get(&mut rib, q).await;
    assert_eq!(routes.len(), 1);
    let e = &routes[0];
    let k = e.key.as_ref().unwrap();
    let bytes = |a: Option<&jet_sdk::proto::jnx::jet::routing::base::NetworkAddress>| match a
        .and_then(|a| a.af.as_ref())
    {
        Some(Af::Inet(ip)) => match ip.addr_format.as_ref() {
            Some(AddrFormat::AddrBytes(b)) => b.clone(),
            other => panic!("not bytes: {other:?}"),
        },
        other => panic!("not inet: {other:?}"),
    };
    assert_eq!(bytes(k.dest_prefix.as_ref()), vec![10, 9, 0, 0]);
    assert_eq!(k.dest_prefix_len, 16);
    assert_eq!(k.cookie, 42);
    assert!(
        matches!(
            k.table.as_ref().and_then(|t| t.route_table_format.as_ref()),
            Some(RouteTableFormat::Id(_))
        ),
        "{:?}",
        k.table
    );
    let gws = &e.nexthop.as_ref().unwrap().gateways;
    assert_eq!(gws.len(), 2);
    assert_eq!(bytes(gws[1].gateway_address.as_ref()), vec![192, 0, 2, 2]);
    assert_eq!((gws[0].weight, gws[1].weight), (10, 11));
    assert_eq!(gws[0].bandwidth, 2.5);
    let a = e.attributes.as_ref().unwrap();
    assert_eq!(a.preferences.get(&0), Some(&12));
    assert_eq!(a.preferences.get(&1), Some(&100));
    assert_eq!(a.tags.get(&0), Some(&77));
    assert_eq!(a.colors.get(&1), Some(&5));
    assert!(e.enable_stats);
    assert_eq!(
        e.protocol, 11,
        "programmed routes read back as PROTO_STATIC"
    );
}
