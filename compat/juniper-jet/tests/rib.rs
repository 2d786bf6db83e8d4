//! The programmable RIB driven by juniper-jet (Juniper's own 23.1 IDL, prost 0.11): the
//! device reads these clients' RouteAdd/Delete bytes with its own protobuf reader and
//! writes RouteGet replies by hand, so this checks both against an independent
//! implementation of the same messages. Needs `$JETD_BIN`.

use compat_juniper_jet::Device;
use jet::junos_23_1::jnx::jet::{
    common::{ip_address::AddrFormat, IpAddress, StatusCode},
    routing::base::{
        network_address::Af, route_table::RouteTableFormat, NetworkAddress, RouteTable,
        RouteTableName,
    },
    routing::rib::{
        self, rib_client::RibClient, RouteDeleteRequest, RouteEntry, RouteGateway, RouteGetRequest,
        RouteInitializeRequest, RouteMatch, RouteMatchType, RouteNexthop, RouteSubscribeRequest,
        RouteUpdateRequest,
    },
};
use tonic::transport::Channel;

async fn rib_client(device: &Device, client_id: &str) -> RibClient<Channel> {
    let channel = device.session(client_id).await;
    let mut rib = RibClient::new(channel);
    let init = rib
        .route_initialize(RouteInitializeRequest::default())
        .await
        .expect("RouteInitialize")
        .into_inner();
    assert_eq!(init.sub_code(), rib::StatusCode::Success);
    rib
}

fn address(text: &str) -> NetworkAddress {
    let ip = IpAddress {
        addr_format: Some(AddrFormat::AddrString(text.into())),
    };
    NetworkAddress {
        af: Some(if text.contains(':') {
            Af::Inet6(ip)
        } else {
            Af::Inet(ip)
        }),
    }
}

fn key(prefix: &str, table: &str) -> RouteMatch {
    let (addr, len) = prefix.split_once('/').expect("prefix/len");
    RouteMatch {
        dest_prefix: Some(address(addr)),
        dest_prefix_len: len.parse().expect("length"),
        table: Some(RouteTable {
            route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                name: table.into(),
            })),
        }),
        cookie: 0,
    }
}

fn route(prefix: &str, table: &str, gateways: &[&str]) -> RouteEntry {
    RouteEntry {
        key: Some(key(prefix, table)),
        nexthop: Some(RouteNexthop {
            gateways: gateways
                .iter()
                .map(|g| RouteGateway {
                    gateway_address: Some(address(g)),
                    ..Default::default()
                })
                .collect(),
        }),
        ..Default::default()
    }
}

fn text_of(a: Option<&NetworkAddress>) -> String {
    match a.and_then(|a| a.af.as_ref()) {
        Some(Af::Inet(ip)) | Some(Af::Inet6(ip)) => match &ip.addr_format {
            Some(AddrFormat::AddrString(s)) => s.clone(),
            other => panic!("address not in text form: {other:?}"),
        },
        other => panic!("not an IP destination: {other:?}"),
    }
}

fn prefix_of(e: &RouteEntry) -> String {
    let k = e.key.as_ref().expect("key");
    format!("{}/{}", text_of(k.dest_prefix.as_ref()), k.dest_prefix_len)
}

/// Every message of one RouteGet, as (prefixes, route count per message).
async fn get(rib: &mut RibClient<Channel>, prefix: &str, table: &str) -> Vec<Vec<RouteEntry>> {
    let mut stream = rib
        .route_get(RouteGetRequest {
            key: Some(key(prefix, table)),
            match_type: RouteMatchType::ExactOrLonger.into(),
            route_count: 2,
            ..Default::default()
        })
        .await
        .expect("RouteGet")
        .into_inner();
    let mut messages = Vec::new();
    while let Some(m) = stream.message().await.expect("RouteGet stream") {
        assert_eq!(m.status.map(|s| s.code()), Some(StatusCode::Success));
        let last = m.routes.is_empty();
        messages.push(m.routes);
        if last {
            break;
        }
    }
    messages
}

#[tokio::test]
async fn routes_added_by_a_juniper_idl_client_read_back_field_for_field() {
    let device = Device::start();
    let mut rib = rib_client(&device, "compat-rib").await;
    let mut ecmp = route("10.1.0.0/16", "inet.0", &["192.0.2.1", "192.0.2.2"]);
    ecmp.attributes = Some(rib::RouteAttributes {
        preferences: [(0, 20)].into_iter().collect(),
        ..Default::default()
    });
    let added = rib
        .route_add(RouteUpdateRequest {
            routes: vec![
                route("10.0.0.1/32", "inet.0", &["192.0.2.1"]),
                ecmp,
                route("10.2.0.0/16", "inet.0", &[]),
                route("2001:db8:1::/48", "inet6.0", &["2001:db8::1"]),
            ],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(added.sub_code(), rib::StatusCode::Success);
    assert_eq!(added.operations_completed, 4);

    let messages = get(&mut rib, "10.0.0.0/8", "inet.0").await;
    let sizes: Vec<usize> = messages.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![2, 1, 0], "route_count 2, then the empty end");
    let routes: Vec<&RouteEntry> = messages.iter().flatten().collect();
    let prefixes: Vec<String> = routes.iter().map(|r| prefix_of(r)).collect();
    assert_eq!(prefixes, vec!["10.0.0.1/32", "10.1.0.0/16", "10.2.0.0/16"]);
    let table = routes[0].key.as_ref().and_then(|k| k.table.clone());
    assert_eq!(
        table.and_then(|t| t.route_table_format),
        Some(RouteTableFormat::Name(RouteTableName {
            name: "inet.0".into()
        }))
    );
    let gateways: Vec<String> = routes[1]
        .nexthop
        .as_ref()
        .expect("nexthop")
        .gateways
        .iter()
        .map(|g| text_of(g.gateway_address.as_ref()))
        .collect();
    assert_eq!(gateways, vec!["192.0.2.1", "192.0.2.2"]);
    let prefs = &routes[1]
        .attributes
        .as_ref()
        .expect("attributes")
        .preferences;
    assert_eq!((prefs.get(&0), prefs.get(&1)), (Some(&20), Some(&100)));
    let prefs = &routes[0]
        .attributes
        .as_ref()
        .expect("attributes")
        .preferences;
    assert_eq!(prefs.get(&0), Some(&5), "programmed routes default to 5");
    assert!(
        routes[2]
            .nexthop
            .as_ref()
            .expect("nexthop")
            .gateways
            .is_empty(),
        "no gateway: a blackhole: {:?}",
        routes[2]
    );

    let v6 = get(&mut rib, "2001:db8::/32", "inet6.0").await;
    let v6: Vec<String> = v6.iter().flatten().map(prefix_of).collect();
    assert_eq!(v6, vec!["2001:db8:1::/48"]);

    let deleted = rib
        .route_delete(RouteDeleteRequest {
            keys: vec![key("10.0.0.1/32", "inet.0"), key("10.2.0.0/16", "inet.0")],
        })
        .await
        .expect("RouteDelete")
        .into_inner();
    assert_eq!(deleted.operations_completed, 2);
    let left: Vec<String> = get(&mut rib, "10.0.0.0/8", "inet.0")
        .await
        .iter()
        .flatten()
        .map(prefix_of)
        .collect();
    assert_eq!(left, vec!["10.1.0.0/16"]);
}

#[tokio::test]
async fn a_bad_route_stops_the_batch_with_the_contracts_sub_code() {
    let device = Device::start();
    let mut rib = rib_client(&device, "compat-rib-bad").await;
    let reply = rib
        .route_add(RouteUpdateRequest {
            routes: vec![
                route("10.0.0.0/8", "inet.0", &[]),
                route("10.1.0.1/16", "inet.0", &[]),
                route("10.2.0.0/16", "inet.0", &[]),
            ],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(reply.sub_code(), rib::StatusCode::PrefixLenTooShort);
    assert_eq!(reply.operations_completed, 1);
    let status = reply.status.expect("status");
    assert_eq!(status.code(), StatusCode::Failure);
    assert!(status.message.contains("route 1"), "{}", status.message);
    let again = rib
        .route_add(RouteUpdateRequest {
            routes: vec![route("10.0.0.0/8", "inet.0", &[])],
        })
        .await
        .expect("RouteAdd")
        .into_inner();
    assert_eq!(again.sub_code(), rib::StatusCode::RouteExists);
    let left: Vec<String> = get(&mut rib, "10.0.0.0/8", "inet.0")
        .await
        .iter()
        .flatten()
        .map(prefix_of)
        .collect();
    assert_eq!(
        left,
        vec!["10.0.0.0/8"],
        "only the route before the bad one"
    );
}

#[tokio::test]
async fn a_subscription_streams_the_table_then_the_changes() {
    let device = Device::start();
    let mut rib = rib_client(&device, "compat-rib-sub").await;
    rib.route_add(RouteUpdateRequest {
        routes: vec![route("10.0.0.0/8", "inet.0", &[])],
    })
    .await
    .expect("RouteAdd");
    let mut stream = rib
        .route_subscribe(RouteSubscribeRequest {
            table_name: Some(RouteTableName {
                name: "inet.0".into(),
            }),
            operation: rib::RouteSubscribeOp::SubscribeAdd.into(),
            context: 9,
            route_count: 10,
            ..Default::default()
        })
        .await
        .expect("RouteSubscribe")
        .into_inner();
    let mut ops = Vec::new();
    while ops.len() < 3 {
        let m = stream
            .message()
            .await
            .expect("subscription")
            .expect("open stream");
        assert_eq!(m.context, 9);
        for e in m.routes {
            let prefix = e.route.as_ref().map(prefix_of);
            ops.push((e.operation, prefix));
        }
        if ops.len() == 2 {
            let mut other = rib_client(&device, "compat-rib-other").await;
            other
                .route_add(RouteUpdateRequest {
                    routes: vec![route("10.9.0.0/16", "inet.0", &["192.0.2.1"])],
                })
                .await
                .expect("RouteAdd");
        }
    }
    let add = rib::RouteSubscribeRouteOp::RouteSubscribeOpAdd as i32;
    let end = rib::RouteSubscribeRouteOp::RouteSubscribeOpEndOfTable as i32;
    assert_eq!(
        ops,
        vec![
            (add, Some("10.0.0.0/8".to_string())),
            (end, None),
            (add, Some("10.9.0.0/16".to_string())),
        ]
    );
}
