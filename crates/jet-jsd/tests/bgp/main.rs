//! The BGP route service end to end: a real device with jsd on loopback, generated JET
//! clients (`jnx.jet.routing.bgp.Bgp`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod changes;
mod get;
mod legacy;
mod session;
mod show;
mod subscribe;

use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress, StatusCode};
use jet_sdk::proto::jnx::jet::routing::base::{
    route_prefix::RoutePrefixAf, route_table::RouteTableFormat, AsPath, Communities, Community,
    RoutePrefix, RouteTable, RouteTableName,
};
use jet_sdk::proto::jnx::jet::routing::bgp::{
    self as pb, bgp_client::BgpClient, RouteEntry, RouteMatch,
};
use jet_sdk::JetClient;
use jet_testkit::TestDevice;
use tonic::transport::Channel;

/// BGP configured, and an interface whose subnet resolves the protocol next hops.
pub const CONFIG: &str = "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.2/24; } \
     family inet6 { address 2001:db8::2/64; } } } } \
     routing-options { autonomous-system 65000; router-id 192.0.2.2; } \
     protocols { bgp { group rr { type internal; neighbor 192.0.2.1; } \
     group ext { type external; peer-as 65001; neighbor 198.51.100.1; } } }";

pub async fn device() -> TestDevice {
    TestDevice::with_config(CONFIG).await
}

pub fn ip(a: &str) -> IpAddress {
    IpAddress {
        addr_format: Some(AddrFormat::AddrString(a.into())),
    }
}

pub fn table(name: &str) -> Option<RouteTable> {
    Some(RouteTable {
        route_table_format: Some(RouteTableFormat::Name(RouteTableName { name: name.into() })),
    })
}

/// `a/len` in inet.0 (or inet6.0 for IPv6), cookie 0.
pub fn key(p: &str) -> RouteMatch {
    let (a, l) = p.split_once('/').unwrap();
    let (af, t) = if a.contains(':') {
        (RoutePrefixAf::Inet6(ip(a)), "inet6.0")
    } else {
        (RoutePrefixAf::Inet(ip(a)), "inet.0")
    };
    RouteMatch {
        dest_prefix: Some(RoutePrefix {
            route_prefix_af: Some(af),
        }),
        dest_prefix_len: l.parse().unwrap(),
        table: table(t),
        ..Default::default()
    }
}

/// A BGP-static route through `nh`.
pub fn route(p: &str, nh: &str) -> RouteEntry {
    RouteEntry {
        key: Some(key(p)),
        protocol_nexthops: vec![ip(nh)],
        ..Default::default()
    }
}

/// A route with the usual attributes set.
pub fn rich(p: &str, nh: &str) -> RouteEntry {
    let mut r = route(p, nh);
    r.local_preference = Some(200);
    r.med = Some(50);
    r.aspath = Some(AsPath {
        aspath: "65001 65002".into(),
    });
    r.originator_id = Some(0xC000_0201);
    r.cluster_list = vec![1, 2];
    if let Some(k) = r.key.as_mut() {
        k.communities = Some(Communities {
            communities: vec![Community {
                community: "65000:100".into(),
            }],
        });
    }
    r
}

/// A logged-in client whose BGP route service is initialized.
pub async fn initialized(dev: &TestDevice, id: &str) -> (JetClient, BgpClient<Channel>) {
    let c = dev.admin(id).await;
    let mut bgp = BgpClient::new(c.channel());
    let r = bgp
        .initialize(pb::InitializeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.status.map(|s| s.code), Some(StatusCode::Success as i32));
    (c, bgp)
}

pub async fn add(bgp: &mut BgpClient<Channel>, routes: Vec<RouteEntry>) -> pb::RouteOperResponse {
    bgp.route_add(pb::RouteUpdateRequest { routes })
        .await
        .unwrap()
        .into_inner()
}

pub fn ok(r: &pb::RouteOperResponse) -> bool {
    r.status.as_ref().map(|s| s.code) == Some(StatusCode::Success as i32)
        && r.sub_code == pb::route_oper_response::StatusCode::Success as i32
}

/// Every route of a RouteGet, the size of each message, and the last message's sub-code.
pub async fn get(
    bgp: &mut BgpClient<Channel>,
    req: pb::RouteGetRequest,
) -> (Vec<RouteEntry>, Vec<usize>, i32) {
    let mut s = bgp.route_get(req).await.unwrap().into_inner();
    let mut all = Vec::new();
    let mut sizes = Vec::new();
    let mut last = -1;
    while let Some(m) = s.message().await.unwrap() {
        sizes.push(m.routes.len());
        last = m.sub_code;
        all.extend(m.routes);
    }
    (all, sizes, last)
}

/// RouteGet of everything, 1000 per message.
pub async fn get_all(bgp: &mut BgpClient<Channel>) -> Vec<RouteEntry> {
    get(
        bgp,
        pb::RouteGetRequest {
            route_count: 1000,
            ..Default::default()
        },
    )
    .await
    .0
}

/// `a/len` of a returned entry.
pub fn dest(e: &RouteEntry) -> String {
    let k = e.key.as_ref().unwrap();
    let a = match k
        .dest_prefix
        .as_ref()
        .unwrap()
        .route_prefix_af
        .as_ref()
        .unwrap()
    {
        RoutePrefixAf::Inet(a) | RoutePrefixAf::Inet6(a) => match a.addr_format.as_ref().unwrap() {
            AddrFormat::AddrString(s) => s.clone(),
            AddrFormat::AddrBytes(b) => format!("{b:?}"),
        },
        other => panic!("unexpected family {other:?}"),
    };
    format!("{a}/{}", k.dest_prefix_len)
}
