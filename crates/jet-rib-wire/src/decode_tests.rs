//! The fast reader against prost and the general path, on generated requests.

use super::*;
use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use jet_proto::jnx::jet::routing::base::{
    network_address::Af, route_table::RouteTableFormat, LabelEntry, LabelStack, LabelStackEntry,
    MplsAddress, NetworkAddress, RouteTable, RouteTableId, RouteTableName,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn same_batch(a: &Batch, b: &Batch) -> bool {
    a.tables == b.tables
        && a.names == b.names
        && a.routes == b.routes
        && a.gateways == b.gateways
        && a.invalid == b.invalid
}

fn addr(rng: &mut StdRng, v6: bool) -> IpAddress {
    let f = if v6 {
        let a = std::net::Ipv6Addr::from(rng.gen::<u128>() & !0xffff);
        match rng.gen_range(0..8) {
            0 => AddrFormat::AddrBytes(a.octets().to_vec()),
            1 => AddrFormat::AddrString("2001:db8::zz".into()),
            _ => AddrFormat::AddrString(a.to_string()),
        }
    } else {
        let a = Ipv4Addr::from(rng.gen::<u32>() & 0xffff_ff00);
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

fn network(rng: &mut StdRng) -> Option<NetworkAddress> {
    let af = match rng.gen_range(0..20) {
        0 => return None,
        1 => Af::Mpls(MplsAddress {
            label: rng.gen_range(0..2_000_000),
        }),
        2 => Af::Inet(addr(rng, true)),
        3..=5 => Af::Inet6(addr(rng, true)),
        _ => Af::Inet(addr(rng, false)),
    };
    Some(NetworkAddress { af: Some(af) })
}

fn table(rng: &mut StdRng) -> Option<RouteTable> {
    let f = match rng.gen_range(0..12) {
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

fn key(rng: &mut StdRng) -> pb::RouteMatch {
    let dest_prefix = network(rng);
    let max = match dest_prefix.as_ref().and_then(|a| a.af.as_ref()) {
        Some(Af::Inet6(_)) => 128,
        Some(Af::Mpls(_)) => 52,
        _ => 32,
    };
    pb::RouteMatch {
        dest_prefix,
        dest_prefix_len: if rng.gen_range(0..10) == 0 {
            rng.gen_range(0..140)
        } else {
            max - rng.gen_range(0..4).min(max)
        },
        table: table(rng),
        cookie: if rng.gen() { 0 } else { rng.gen() },
    }
}

fn gateway(rng: &mut StdRng) -> pb::RouteGateway {
    let names = ["", "", "ge-0/0/1.0", "lo0.0", "bad name"];
    pb::RouteGateway {
        gateway_address: network(rng),
        interface_name: names[rng.gen_range(0..names.len())].into(),
        local_address: if rng.gen_range(0..5) == 0 {
            network(rng)
        } else {
            None
        },
        label_stack: (rng.gen_range(0..15) == 0).then(|| LabelStack {
            entries: vec![LabelStackEntry {
                opcode: 2,
                label_entry: Some(LabelEntry {
                    label: 100,
                    ..Default::default()
                }),
            }],
        }),
        weight: [0, 0, 1, 10, 70_000][rng.gen_range(0..5)],
        bandwidth: [0.0, 0.0, 1.5, -1.0][rng.gen_range(0..4)],
        flexible_tunnel_profile: None,
    }
}

fn entry(rng: &mut StdRng) -> pb::RouteEntry {
    let gws = match rng.gen_range(0..30) {
        0 => 65,
        1..=5 => 0,
        n => n % 4,
    };
    let small = |rng: &mut StdRng| -> std::collections::HashMap<u32, u32> {
        (0..rng.gen_range(0..3))
            .map(|_| (rng.gen_range(0..3), rng.gen_range(0..300)))
            .collect()
    };
    pb::RouteEntry {
        key: (rng.gen_range(0..40) != 0).then(|| key(rng)),
        nexthop: (rng.gen_range(0..10) != 0).then(|| pb::RouteNexthop {
            gateways: (0..gws).map(|_| gateway(rng)).collect(),
        }),
        protocol: [0, 0, 0, 27, 11][rng.gen_range(0..5)],
        attributes: rng.gen::<bool>().then(|| pb::RouteAttributes {
            preferences: small(rng),
            tags: small(rng),
            colors: small(rng),
        }),
        enable_stats: rng.gen(),
    }
}

/// Both readers agree on random requests, valid and not; the fast one is taken for
/// most valid ones.
#[test]
fn fast_reader_builds_the_batch_prost_and_convert_build() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let (mut fast, mut valid, mut legacy_fast) = (0, 0, 0);
    for case in 0..4000 {
        let n = match rng.gen_range(0..50) {
            0 => 0,
            1 => MAX_BATCH + 1,
            _ => rng.gen_range(1..6),
        };
        let req = pb::RouteUpdateRequest {
            routes: (0..n).map(|_| entry(&mut rng)).collect(),
        };
        let bytes = req.encode_to_vec();
        let general = SetRequest::from_pb(&req);
        let got = SetRequest::decode(&bytes).expect("valid protobuf");
        assert_eq!(got.entries, general.entries, "case {case}");
        assert!(
            same_batch(&got.batch, &general.batch),
            "case {case}: {req:?}"
        );
        if let Some(f) = fast_set(&bytes, Dialect::Current) {
            fast += 1;
            assert!(general.batch.invalid.is_none(), "case {case}");
            assert!(same_batch(&f.batch, &general.batch), "case {case}: {req:?}");
        }
        valid += usize::from(general.batch.invalid.is_none() && n <= MAX_BATCH);
        // The same routes in the older generation's messages: both of its paths agree.
        let lreq = jet_proto::routing::RouteUpdateRequest {
            routes: req
                .routes
                .iter()
                .cloned()
                .map(crate::legacy::entry_out)
                .collect(),
        };
        let lbytes = lreq.encode_to_vec();
        let lgeneral = SetRequest::from_legacy(&lreq);
        let lgot = SetRequest::decode_legacy(&lbytes).expect("valid protobuf");
        assert!(lgot.batch.legacy && lgeneral.batch.legacy, "case {case}");
        assert_eq!(lgot.entries, lgeneral.entries, "case {case}");
        assert!(
            same_batch(&lgot.batch, &lgeneral.batch),
            "case {case}: {lreq:?}"
        );
        if let Some(f) = fast_set(&lbytes, Dialect::Legacy) {
            legacy_fast += 1;
            assert!(
                same_batch(&f.batch, &lgeneral.batch),
                "case {case}: {lreq:?}"
            );
        }
        check_against_prost(&lbytes);
    }
    assert!(
        legacy_fast * 10 >= fast * 7,
        "legacy fast path {legacy_fast} of {fast}"
    );
    // Valid requests without label stacks take the fast path.
    assert!(valid > 200, "only {valid} valid cases");
    assert!(
        fast * 10 >= valid * 7,
        "fast path taken {fast} times of {valid}"
    );
}

#[test]
fn fast_delete_reader_agrees_with_prost() {
    let mut rng = StdRng::seed_from_u64(7);
    let mut fast = 0;
    for case in 0..3000 {
        let req = pb::RouteDeleteRequest {
            keys: (0..rng.gen_range(0..5)).map(|_| key(&mut rng)).collect(),
        };
        let bytes = req.encode_to_vec();
        let general = DeleteRequest::from_pb(&req);
        let got = DeleteRequest::decode(&bytes).expect("valid protobuf");
        assert_eq!(got.entries, general.entries);
        assert_eq!(got.batch.tables, general.batch.tables, "case {case}");
        assert_eq!(got.batch.keys, general.batch.keys, "case {case}");
        assert_eq!(got.batch.invalid, general.batch.invalid, "case {case}");
        fast += usize::from(fast_delete(&bytes).is_some());
    }
    assert!(fast > 500, "fast path taken {fast} times");
}

/// Damaged bytes: whatever prost says (error or a message), the reader says the same.
#[test]
fn damaged_requests_get_prosts_answer() {
    let mut rng = StdRng::seed_from_u64(42);
    for case in 0..3000 {
        let req = pb::RouteUpdateRequest {
            routes: (0..rng.gen_range(1..4)).map(|_| entry(&mut rng)).collect(),
        };
        let mut bytes = req.encode_to_vec();
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
        let _ = case;
        check_against_prost(&bytes);
    }
}

/// Found by the `rib_wire` fuzz target: a field key over 32 bits is invalid for prost
/// (and so for us), even when the field number it would give fits.
#[test]
fn keys_over_32_bits_are_refused_like_prost_does() {
    // Key varint 0x5_0000_0005 (field 0x0A00_0000, wire type 5) then 4 bytes.
    let bytes = [0x85, 0x80, 0x80, 0x80, 0x50, 1, 2, 3, 4];
    assert!(fast_set(&bytes, Dialect::Current).is_none());
    assert!(SetRequest::decode(&bytes).is_err());
    check_against_prost(&bytes);
}

/// Fields repeated where protobuf merges, unknown fields and packed oddities.
#[test]
fn merged_and_unknown_fields_match_prost() {
    let route = pb::RouteEntry {
        key: Some(pb::RouteMatch {
            dest_prefix: Some(NetworkAddress {
                af: Some(Af::Inet(IpAddress {
                    addr_format: Some(AddrFormat::AddrString("10.1.0.0".into())),
                })),
            }),
            dest_prefix_len: 16,
            table: Some(RouteTable {
                route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                    name: "inet.0".into(),
                })),
            }),
            cookie: 9,
        }),
        ..Default::default()
    };
    let one = route.encode_to_vec();
    // The entry's key split in two: the second occurrence carries only the cookie,
    // which protobuf merges into the first.
    let mut split = one.clone();
    split.extend_from_slice(&[0x0a, 0x02, 0x20, 0x07]);
    // An unknown varint field 99 and an unknown length-delimited field 100.
    let mut unknown = one.clone();
    unknown.extend_from_slice(&[0x98, 0x06, 0x01, 0xa2, 0x06, 0x01, 0x00]);
    for body in [one, split, unknown] {
        let mut req = vec![0x0a];
        req.push(body.len() as u8);
        req.extend_from_slice(&body);
        let want = SetRequest::from_pb(&pb::RouteUpdateRequest::decode(req.as_slice()).unwrap());
        let got = SetRequest::decode(&req).unwrap();
        assert!(same_batch(&want.batch, &got.batch), "{want:?} vs {got:?}");
    }
}
