//! The BGP fast reader against prost and the general path, on generated requests.

use super::*;
use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use jet_proto::jnx::jet::routing::base::{
    route_prefix::RoutePrefixAf, route_table::RouteTableFormat, AsPath, Communities, Community,
    L3vpnAddress, LabelStack, RoutePrefix, RouteTable, RouteTableId, RouteTableName,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn addr(rng: &mut StdRng, v6: bool) -> IpAddress {
    let f = if v6 {
        let a = std::net::Ipv6Addr::from(rng.gen::<u128>() & !0xffff);
        match rng.gen_range(0..8) {
            0 => AddrFormat::AddrBytes(a.octets().to_vec()),
            1 => AddrFormat::AddrString("2001:db8::zz".into()),
            _ => AddrFormat::AddrString(a.to_string()),
        }
    } else {
        let a = std::net::Ipv4Addr::from(rng.gen::<u32>() & 0xffff_ff00);
        match rng.gen_range(0..10) {
            0 => AddrFormat::AddrBytes(a.octets().to_vec()),
            1 => AddrFormat::AddrBytes(vec![10, 0, 0]),
            2 => AddrFormat::AddrString("10.0.0".into()),
            _ => AddrFormat::AddrString(a.to_string()),
        }
    };
    IpAddress {
        addr_format: Some(f),
    }
}

/// A destination, mostly IPv4 (sometimes IPv6, a family this device refuses, or none).
fn prefix(rng: &mut StdRng) -> (Option<RoutePrefix>, bool) {
    let v6 = rng.gen_range(0..4) == 0;
    let af = match rng.gen_range(0..25) {
        0 => return (None, v6),
        1 => RoutePrefixAf::Inetvpn(L3vpnAddress::default()),
        2 => RoutePrefixAf::LabeledInet(addr(rng, false)),
        // The wrong family's address.
        3 => RoutePrefixAf::Inet(addr(rng, true)),
        _ if v6 => RoutePrefixAf::Inet6(addr(rng, true)),
        _ => RoutePrefixAf::Inet(addr(rng, false)),
    };
    (
        Some(RoutePrefix {
            route_prefix_af: Some(af),
        }),
        v6,
    )
}

fn table(rng: &mut StdRng) -> Option<RouteTable> {
    let f = match rng.gen_range(0..14) {
        0 => return None,
        1 => RouteTableFormat::Id(RouteTableId {
            id: rng.gen_range(0..4),
        }),
        2 => RouteTableFormat::Name(RouteTableName {
            name: String::new(),
        }),
        3 => RouteTableFormat::Name(RouteTableName {
            name: "inet6.0".into(),
        }),
        4 => RouteTableFormat::Name(RouteTableName {
            name: "red.inet.0".into(),
        }),
        _ => RouteTableFormat::Name(RouteTableName {
            name: "inet.0".into(),
        }),
    };
    Some(RouteTable {
        route_table_format: Some(f),
    })
}

fn communities(rng: &mut StdRng) -> Option<Communities> {
    let all = [
        "65000:100",
        "65000:200",
        "no-export",
        "large:1:2:3",
        "target:65000:1",
        "65536:1",
        "",
    ];
    // The last two are not communities: only in one set of ten.
    let n = if rng.gen_range(0..10) == 0 {
        all.len()
    } else {
        all.len() - 2
    };
    (rng.gen_range(0..3) != 0).then(|| Communities {
        communities: (0..rng.gen_range(0..3))
            .map(|_| Community {
                community: all[rng.gen_range(0..n)].into(),
            })
            .collect(),
    })
}

/// Mostly entries that pass, in runs sharing their attributes, with now and then each
/// kind of fault the form checks find.
fn entry(rng: &mut StdRng, shared: &pb::RouteEntry) -> pb::RouteEntry {
    let (dest_prefix, v6) = prefix(rng);
    let mut e = if rng.gen_range(0..3) != 0 {
        shared.clone()
    } else {
        attributes(rng)
    };
    let nh = |rng: &mut StdRng| {
        let wrong = rng.gen_range(0..30) == 0;
        addr(rng, v6 ^ wrong)
    };
    if rng.gen_range(0..4) == 0 || e.protocol_nexthops.is_empty() {
        e.protocol_nexthops = match rng.gen_range(0..30) {
            0 => Vec::new(),
            1 => vec![nh(rng), nh(rng)],
            _ => vec![nh(rng)],
        };
    }
    let max = if v6 { 128 } else { 32 };
    e.key = (rng.gen_range(0..40) != 0).then(|| pb::RouteMatch {
        dest_prefix,
        dest_prefix_len: if rng.gen_range(0..20) == 0 {
            rng.gen_range(0..140)
        } else {
            max - rng.gen_range(0..3).min(max)
        },
        table: table(rng),
        protocol: [0, 0, 0, 27, 11][rng.gen_range(0..5)],
        cookie: if rng.gen() { 0 } else { rng.gen() },
        communities: e.key.as_ref().and_then(|k| k.communities.clone()),
    });
    match rng.gen_range(0..60) {
        0 => e.label_info = Some(pb::route_entry::LabelInfo::Label(100)),
        1 => e.label_info = Some(pb::route_entry::LabelInfo::Labels(LabelStack::default())),
        2 => e.addr_family_data = Some(Default::default()),
        3 => e.tunnel_attributes = Some(Default::default()),
        4 => e.peer_address = Some(addr(rng, false)),
        _ => {}
    }
    e
}

/// An entry's attributes (its key only carrying communities).
fn attributes(rng: &mut StdRng) -> pb::RouteEntry {
    let paths = [
        "65001 65002",
        "65001  {65002 65003}",
        "",
        "65001 x",
        "(65001",
    ];
    let flags = [
        None,
        None,
        Some(pb::RouteFlags::default()),
        Some(pb::RouteFlags {
            no_advertise: true,
            no_export: true,
            ..Default::default()
        }),
        Some(pb::RouteFlags {
            use_nexthop_reject: true,
            ..Default::default()
        }),
        Some(pb::RouteFlags {
            use_nexthop_fictitious: true,
            ..Default::default()
        }),
        Some(pb::RouteFlags {
            use_nexthop_reject: true,
            use_nexthop_fictitious: true,
            ..Default::default()
        }),
    ];
    let some = |rng: &mut StdRng, v: u32| rng.gen::<bool>().then_some(v);
    // One set in five may carry a fault (the last choices of the lists below).
    let bad = rng.gen_range(0..5) == 0;
    let mut pick = |n: usize, faulty: usize| rng.gen_range(0..if bad { n } else { n - faulty });
    let (path, flag, clusters, route_type) = (pick(5, 2), pick(7, 1), pick(6, 1), pick(4, 1));
    let pref = rng.gen_range(0..300);
    pb::RouteEntry {
        key: Some(pb::RouteMatch {
            communities: communities(rng),
            ..Default::default()
        }),
        route_preference: some(rng, pref),
        local_preference: some(rng, 200),
        med: some(rng, 50),
        aigp_distance: rng.gen::<bool>().then_some(7),
        aspath: rng.gen::<bool>().then(|| AsPath {
            aspath: paths[path].into(),
        }),
        originator_id: some(rng, 0x0a00_0001),
        cluster_list: match clusters {
            0 => vec![1, 2],
            5 => vec![0],
            _ => Vec::new(),
        },
        cluster_id: some(rng, 9),
        route_type: [0, 0, 1, 5][route_type],
        route_flags: flags[flag],
        ..Default::default()
    }
}

/// A request of `n` entries; `shared` attributes change now and then.
fn request(rng: &mut StdRng, n: usize) -> pb::RouteUpdateRequest {
    let mut shared = attributes(rng);
    pb::RouteUpdateRequest {
        routes: (0..n)
            .map(|_| {
                if rng.gen_range(0..8) == 0 {
                    shared = attributes(rng);
                }
                entry(rng, &shared)
            })
            .collect(),
    }
}

/// Both readers agree, field by field, on random requests valid and not; the fast one is
/// taken for most valid ones.
#[test]
fn bgp_fast_reader_builds_what_prost_and_set_batch_build() {
    let mut rng = StdRng::seed_from_u64(0xb9b);
    let (mut fast, mut valid) = (0, 0);
    for case in 0..4000 {
        let n = match rng.gen_range(0..60) {
            0 => 0,
            1 => MAX_BATCH + 1,
            2 => rng.gen_range(20..60),
            _ => rng.gen_range(1..6),
        };
        let req = request(&mut rng, n);
        let bytes = req.encode_to_vec();
        let general = BgpSetRequest::from_pb(&req);
        let got = BgpSetRequest::decode(&bytes).expect("valid protobuf");
        assert_eq!(got.entries, general.entries, "case {case}");
        assert_eq!(got.form, general.form, "case {case}");
        assert!(same(&got.batch, &general.batch), "case {case}: {req:?}");
        if let Some(f) = fast_set(&bytes) {
            fast += 1;
            assert!(general.form.is_none(), "case {case}: {:?}", general.form);
            assert!(same(&f.batch, &general.batch), "case {case}: {req:?}");
        }
        valid += usize::from(general.form.is_none() && (1..=MAX_BATCH).contains(&n));
        check_bgp_against_prost(&bytes);
    }
    assert!(valid > 300, "only {valid} valid cases");
    assert!(
        fast * 10 >= valid * 9,
        "fast path taken {fast} times of {valid}"
    );
}

/// What `jet-bench bgp` sends: equal attributes on every route, one set in the batch.
#[test]
fn bench_requests_take_the_fast_path_with_one_attribute_set() {
    let entry = |i: u32| pb::RouteEntry {
        key: Some(pb::RouteMatch {
            dest_prefix: Some(RoutePrefix {
                route_prefix_af: Some(RoutePrefixAf::Inet(IpAddress {
                    addr_format: Some(AddrFormat::AddrString(
                        std::net::Ipv4Addr::from(0x0a00_0000 + i).to_string(),
                    )),
                })),
            }),
            dest_prefix_len: 32,
            table: table_named("inet.0"),
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
        protocol_nexthops: vec![IpAddress {
            addr_format: Some(AddrFormat::AddrString("192.0.2.1".into())),
        }],
        ..Default::default()
    };
    let req = pb::RouteUpdateRequest {
        routes: (0..1000).map(entry).collect(),
    };
    let bytes = req.encode_to_vec();
    let f = fast_set(&bytes).expect("fast path");
    let g = BgpSetRequest::from_pb(&req);
    assert!(same(&f.batch, &g.batch) && g.form.is_none());
    assert_eq!(
        (f.entries, f.batch.routes.len(), f.batch.bgp.len()),
        (1000, 1000, 1)
    );
    assert_eq!(f.batch.bgp[0].as_path, "65001 65002");
    assert!(f
        .batch
        .routes
        .iter()
        .all(|r| r.bgp == 1 && r.pref == Some(5)));
}

fn table_named(name: &str) -> Option<RouteTable> {
    Some(RouteTable {
        route_table_format: Some(RouteTableFormat::Name(RouteTableName { name: name.into() })),
    })
}

/// Damaged bytes: whatever prost says (error or a message), the reader says the same.
#[test]
fn damaged_bgp_requests_get_prosts_answer() {
    let mut rng = StdRng::seed_from_u64(4242);
    for _ in 0..4000 {
        let n = rng.gen_range(1..4);
        let mut bytes = request(&mut rng, n).encode_to_vec();
        for _ in 0..rng.gen_range(1..4) {
            let i = rng.gen_range(0..bytes.len());
            match rng.gen_range(0..3) {
                0 => bytes[i] = rng.gen(),
                1 => bytes.truncate(i),
                _ => bytes.insert(i, rng.gen()),
            }
            if bytes.is_empty() {
                break;
            }
        }
        check_bgp_against_prost(&bytes);
    }
}

fn one_route() -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(1);
    loop {
        let req = request(&mut rng, 1);
        let bytes = req.encode_to_vec();
        // One entry with a one-byte length, so tests can edit its body.
        if fast_set(&bytes).is_some() && bytes.len() < 120 {
            return bytes;
        }
    }
}

/// A request cut short anywhere is refused with prost's error naming what is missing,
/// never accepted in part and never a panic.
#[test]
fn truncated_bgp_requests_are_refused() {
    let bytes = one_route();
    for cut in 1..bytes.len() {
        let e = BgpSetRequest::decode(&bytes[..cut]).expect_err("truncated");
        let msg = e.to_string();
        assert!(msg.contains("failed to decode Protobuf message"), "{msg}");
        assert!(fast_set(&bytes[..cut]).is_none());
    }
}

/// A field with the wrong wire type is refused the way prost refuses it.
#[test]
fn wrong_wire_types_are_refused() {
    // routes (1) as a varint instead of a message.
    let e = BgpSetRequest::decode(&[0x08, 0x01]).expect_err("routes as varint");
    assert!(e.to_string().contains("invalid wire type"), "{e}");
    // An entry whose key (1) is a fixed32.
    let e = BgpSetRequest::decode(&[0x0a, 0x05, 0x0d, 1, 2, 3, 4]).expect_err("key as fixed32");
    assert!(e.to_string().contains("invalid wire type"), "{e}");
    // route_type (13) as a message.
    let mut body = vec![0x6a, 0x00];
    body.splice(0..0, one_route()[2..].iter().copied());
    let mut req = vec![0x0a, body.len() as u8];
    req.extend_from_slice(&body);
    let e = BgpSetRequest::decode(&req).expect_err("route_type as message");
    assert!(e.to_string().contains("invalid wire type"), "{e}");
    check_bgp_against_prost(&req);
}

/// Fields repeated where protobuf merges, and unknown fields, get prost's reading.
#[test]
fn merged_and_unknown_bgp_fields_match_prost() {
    let one = one_route();
    let body = &one[2..];
    // local_preference (3) given twice: protobuf merges the wrappers (the last wins).
    let mut twice = body.to_vec();
    twice.extend_from_slice(&[0x1a, 0x02, 0x08, 0x07, 0x1a, 0x02, 0x08, 0x09]);
    // An unknown varint field 99 and an unknown length-delimited field 100.
    let mut unknown = body.to_vec();
    unknown.extend_from_slice(&[0x98, 0x06, 0x01, 0xa2, 0x06, 0x01, 0x00]);
    for body in [body.to_vec(), twice, unknown] {
        let mut req = vec![0x0a, body.len() as u8];
        req.extend_from_slice(&body);
        let want = BgpSetRequest::from_pb(&pb::RouteUpdateRequest::decode(req.as_slice()).unwrap());
        let got = BgpSetRequest::decode(&req).unwrap();
        assert!(same(&want.batch, &got.batch), "{want:?} vs {got:?}");
        assert_eq!(want.form, got.form);
        check_bgp_against_prost(&req);
    }
}
