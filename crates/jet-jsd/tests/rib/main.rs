//! The programmable RIB end to end: a real device with jsd on loopback, generated JET
//! clients (`jnx.jet.routing.rib.Rib`, `jnx.jet.routing.base.Base`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod base;
mod batches;
mod flexible_tunnel;
mod get;
mod legacy_flexible_tunnel;
mod purge;
mod rt_interfaces;
mod show;
mod sources;
mod subscribe;
mod subscribe_options;
mod tunnel_routes;

use std::collections::HashMap;
use std::time::Duration;

use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress, StatusCode};
use jet_sdk::proto::jnx::jet::routing::base::{
    network_address::Af, route_table::RouteTableFormat, NetworkAddress, RouteTable, RouteTableName,
};
use jet_sdk::proto::jnx::jet::routing::rib::{
    self as pb, rib_client::RibClient, RouteEntry, RouteGateway, RouteMatch, RouteNexthop,
};
use jet_sdk::JetClient;
use jet_testkit::TestDevice;
use tonic::transport::Channel;

/// Polls `cond` every 20 ms for up to 10 s.
pub async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A logged-in client with an initialized RIB client.
pub async fn initialized(dev: &TestDevice, id: &str) -> (JetClient, RibClient<Channel>) {
    let c = dev.admin(id).await;
    let mut rib = RibClient::new(c.channel());
    let r = rib
        .route_initialize(pb::RouteInitializeRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.status.map(|s| s.code), Some(StatusCode::Success as i32));
    (c, rib)
}

pub fn v4(a: &str) -> NetworkAddress {
    NetworkAddress {
        af: Some(Af::Inet(IpAddress {
            addr_format: Some(AddrFormat::AddrString(a.into())),
        })),
    }
}

pub fn v6(a: &str) -> NetworkAddress {
    NetworkAddress {
        af: Some(Af::Inet6(IpAddress {
            addr_format: Some(AddrFormat::AddrString(a.into())),
        })),
    }
}

pub fn table(name: &str) -> Option<RouteTable> {
    Some(RouteTable {
        route_table_format: Some(RouteTableFormat::Name(RouteTableName { name: name.into() })),
    })
}

/// `a/len` in inet.0.
pub fn key(p: &str) -> RouteMatch {
    let (a, l) = p.split_once('/').unwrap();
    RouteMatch {
        dest_prefix: Some(v4(a)),
        dest_prefix_len: l.parse().unwrap(),
        table: table("inet.0"),
        cookie: 0,
    }
}

/// A route in inet.0 through the given gateways.
pub fn route(p: &str, gws: &[&str]) -> RouteEntry {
    RouteEntry {
        key: Some(key(p)),
        nexthop: Some(RouteNexthop {
            gateways: gws
                .iter()
                .map(|g| RouteGateway {
                    gateway_address: Some(v4(g)),
                    ..Default::default()
                })
                .collect(),
        }),
        ..Default::default()
    }
}

/// A route with preferences.
pub fn with_prefs(mut r: RouteEntry, prefs: &[(u32, u32)]) -> RouteEntry {
    r.attributes = Some(pb::RouteAttributes {
        preferences: prefs.iter().copied().collect::<HashMap<_, _>>(),
        ..Default::default()
    });
    r
}

pub async fn add(
    rib: &mut RibClient<Channel>,
    routes: Vec<RouteEntry>,
) -> pb::RouteSetOperResponse {
    rib.route_add(pb::RouteUpdateRequest { routes })
        .await
        .unwrap()
        .into_inner()
}

/// Every route streamed by a RouteGet, plus the sizes of the messages.
pub async fn get(
    rib: &mut RibClient<Channel>,
    req: pb::RouteGetRequest,
) -> (Vec<RouteEntry>, Vec<usize>) {
    let mut s = rib.route_get(req).await.unwrap().into_inner();
    let mut all = Vec::new();
    let mut sizes = Vec::new();
    while let Some(m) = s.message().await.unwrap() {
        assert_eq!(
            m.status.as_ref().map(|s| s.code),
            Some(StatusCode::Success as i32),
            "{:?}",
            m.status
        );
        sizes.push(m.routes.len());
        all.extend(m.routes);
    }
    (all, sizes)
}

pub fn prefix_of(r: &RouteEntry) -> String {
    let k = r.key.as_ref().unwrap();
    let a = match k.dest_prefix.as_ref().and_then(|a| a.af.as_ref()) {
        Some(Af::Inet(ip)) | Some(Af::Inet6(ip)) => match &ip.addr_format {
            Some(AddrFormat::AddrString(s)) => s.clone(),
            _ => "?".into(),
        },
        _ => "?".into(),
    };
    format!("{a}/{}", k.dest_prefix_len)
}
