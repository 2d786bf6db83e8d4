//! The codec's hot paths, per route: a 1000-route RouteAdd request read into a batch (RIB
//! service; BGP service by its reader and by prost + `set_batch`), and 1000 routes
//! written as a RouteGet reply.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use jet_proto::jnx::jet::routing::base::{
    network_address::Af, route_table::RouteTableFormat, NetworkAddress, RouteTable, RouteTableName,
};
use jet_proto::jnx::jet::routing::rib as pb;
use jet_rib::{Defaults, Rib, SetOp};
use jet_rib_wire::{bgp, convert, BgpSetRequest, GetReply, SetRequest, Style, TableName};
use prost::Message;

const ROUTES: usize = 1000;

fn v4(a: String) -> Option<NetworkAddress> {
    Some(NetworkAddress {
        af: Some(Af::Inet(IpAddress {
            addr_format: Some(AddrFormat::AddrString(a)),
        })),
    })
}

/// Route `i`: a /32 in inet.0 through one gateway, as a route injector sends it.
fn route(i: usize) -> pb::RouteEntry {
    pb::RouteEntry {
        key: Some(pb::RouteMatch {
            dest_prefix: v4(format!("10.{}.{}.{}", i >> 16 & 255, i >> 8 & 255, i & 255)),
            dest_prefix_len: 32,
            table: Some(RouteTable {
                route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                    name: "inet.0".into(),
                })),
            }),
            cookie: 0,
        }),
        nexthop: Some(pb::RouteNexthop {
            gateways: vec![pb::RouteGateway {
                gateway_address: v4("192.0.2.1".into()),
                interface_name: "ge-0/0/0.0".into(),
                ..Default::default()
            }],
        }),
        ..Default::default()
    }
}

fn request() -> pb::RouteUpdateRequest {
    pb::RouteUpdateRequest {
        routes: (0..ROUTES).map(route).collect(),
    }
}

fn decode(c: &mut Criterion) {
    let bytes = request().encode_to_vec();
    let mut g = c.benchmark_group("RouteAdd decode");
    g.throughput(Throughput::Elements(ROUTES as u64));
    g.bench_function("1000 routes into a batch", |b| {
        b.iter(|| {
            let r = SetRequest::decode(black_box(&bytes)).expect("a valid request");
            assert_eq!(r.batch.routes.len(), ROUTES);
            r
        })
    });
    g.finish();
}

/// BGP route `i` as `jet-bench bgp` sends it: a /32 in inet.0 with LOCAL_PREF, an AS
/// path, a community and a protocol next hop.
fn bgp_route(i: usize) -> jet_proto::jnx::jet::routing::bgp::RouteEntry {
    use jet_proto::jnx::jet::routing::base::{
        route_prefix::RoutePrefixAf, AsPath, Communities, Community, RoutePrefix,
    };
    use jet_proto::jnx::jet::routing::bgp as bpb;
    let ip = |s: String| IpAddress {
        addr_format: Some(AddrFormat::AddrString(s)),
    };
    bpb::RouteEntry {
        key: Some(bpb::RouteMatch {
            dest_prefix: Some(RoutePrefix {
                route_prefix_af: Some(RoutePrefixAf::Inet(ip(format!(
                    "10.{}.{}.{}",
                    i >> 16 & 255,
                    i >> 8 & 255,
                    i & 255
                )))),
            }),
            dest_prefix_len: 32,
            table: Some(RouteTable {
                route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                    name: "inet.0".into(),
                })),
            }),
            communities: Some(Communities {
                communities: vec![Community {
                    community: "65000:100".into(),
                }],
            }),
            ..Default::default()
        }),
        local_preference: Some(200),
        aspath: Some(AsPath {
            aspath: "65001 65002".into(),
        }),
        protocol_nexthops: vec![ip("192.0.2.1".into())],
        ..Default::default()
    }
}

fn bgp_decode(c: &mut Criterion) {
    use jet_proto::jnx::jet::routing::bgp as bpb;
    let bytes = bpb::RouteUpdateRequest {
        routes: (0..ROUTES).map(bgp_route).collect(),
    }
    .encode_to_vec();
    let mut g = c.benchmark_group("BGP RouteAdd decode");
    g.throughput(Throughput::Elements(ROUTES as u64));
    g.bench_function("1000 routes into a batch", |b| {
        b.iter(|| {
            let r = BgpSetRequest::decode(black_box(&bytes)).expect("a valid request");
            assert_eq!(r.batch.routes.len(), ROUTES);
            r
        })
    });
    g.bench_function("1000 routes through prost and set_batch", |b| {
        b.iter(|| {
            let r = bpb::RouteUpdateRequest::decode(black_box(bytes.as_slice()))
                .expect("a valid request");
            let (batch, form) = bgp::set_batch(&r.routes);
            assert!(form.is_none() && batch.routes.len() == ROUTES);
            batch
        })
    });
    g.finish();
}

fn encode(c: &mut Criterion) {
    let mut rib = Rib::new();
    let (client, _) = rib.clients.initialize("bench", 1, Defaults::default());
    let mut batch = convert::batch(&request().routes);
    let mut changes = Vec::new();
    let out = rib.apply(client, SetOp::Add, &mut batch, 0, &mut changes);
    assert_eq!(out.completed as usize, ROUTES, "{out:?}");
    let table = rib.table_id("inet.0").expect("inet.0 exists");
    let name = TableName::of(&rib, table, false);
    let mut g = c.benchmark_group("RouteGet encode");
    g.throughput(Throughput::Elements(ROUTES as u64));
    g.bench_function("1000 routes into a reply", |b| {
        b.iter(|| {
            let mut reply = GetReply::new(16 + ROUTES * 96);
            rib.walk(table, None, ROUTES, |v| {
                reply.push(&rib, &v, &name, Style::default())
            });
            assert_eq!(reply.routes(), ROUTES);
            reply.finish()
        })
    });
    g.finish();
}

criterion_group!(benches, decode, bgp_decode, encode);
criterion_main!(benches);
