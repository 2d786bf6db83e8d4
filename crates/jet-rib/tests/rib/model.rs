//! Random batches from two clients, checked against a plain map of (prefix, owner,
//! cookie) → (preference, gateways) with the same in-order, stop-at-first-error rules.

use std::collections::BTreeMap;

use jet_rib::{Batch, ClientIdx, DeleteBatch, KeySpec, MatchType, Prefix, Rib, RibCode, SetOp};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Op {
    Add,
    Modify,
    Update,
    Delete,
}

#[derive(Debug, Clone)]
struct Entry {
    prefix: u8,
    cookie: u8,
    pref: u8,
    /// Index into [`GATEWAY_SETS`].
    gws: u8,
}

/// The gateway lists routes get: none (blackhole), one, two (ECMP), and lists that are
/// prefixes of one another, so consecutive routes sharing or not sharing next hops are
/// both exercised. All resolve through the Direct route the test installs.
const GATEWAY_SETS: [&[&str]; 4] = [
    &[],
    &["192.0.2.1"],
    &["192.0.2.1", "192.0.2.2"],
    &["192.0.2.2"],
];

fn gateways(e: &Entry) -> Vec<String> {
    GATEWAY_SETS[usize::from(e.gws)]
        .iter()
        .map(|g| g.to_string())
        .collect()
}

fn prefix(i: u8) -> Prefix {
    // 16 destinations, nested so that lookups cross lengths.
    let len = [8u8, 16, 24, 32][usize::from(i % 4)];
    Prefix::masked(
        std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, i / 4, i / 4, 1)),
        len,
    )
}

type Model = BTreeMap<(Prefix, u32, u64), (u32, Vec<String>)>;

/// Applies one batch to the model; returns (completed, first error code).
fn model_apply(m: &mut Model, owner: u32, op: Op, entries: &[Entry]) -> (u32, Option<RibCode>) {
    for (i, e) in entries.iter().enumerate() {
        let k = (prefix(e.prefix), owner, u64::from(e.cookie));
        let exists = m.contains_key(&k);
        let pref = u32::from(e.pref).max(5);
        match op {
            Op::Add if exists => return (i as u32, Some(RibCode::RouteExists)),
            Op::Modify | Op::Delete if !exists => return (i as u32, Some(RibCode::RouteNotFound)),
            Op::Delete => {
                m.remove(&k);
            }
            _ => {
                m.insert(k, (pref, gateways(e)));
            }
        }
    }
    (entries.len() as u32, None)
}

fn rib_apply(rib: &mut Rib, c: ClientIdx, op: Op, entries: &[Entry]) -> (u32, Option<RibCode>) {
    let out = match op {
        Op::Delete => {
            let mut d = DeleteBatch::default();
            let t = d.table_name_index("inet.0");
            for e in entries {
                d.keys.push(KeySpec {
                    table: t,
                    prefix: prefix(e.prefix),
                    cookie: u64::from(e.cookie),
                });
            }
            rib.delete(c, &d, &mut Vec::new())
        }
        _ => {
            let mut b = Batch::default();
            for e in entries {
                let gws = gateways(e)
                    .iter()
                    .map(|g| jet_rib::Gateway::via(g.parse().expect("gateway")))
                    .collect();
                let i =
                    crate::push_spec(&mut b, "inet.0", prefix(e.prefix), u64::from(e.cookie), gws);
                b.routes[i].pref = Some(u32::from(e.pref));
            }
            let set = match op {
                Op::Add => SetOp::Add,
                Op::Modify => SetOp::Modify,
                _ => SetOp::Update,
            };
            rib.apply(c, set, &mut b, 0, &mut Vec::new())
        }
    };
    (out.completed, out.error.map(|e| e.code))
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Add),
        Just(Op::Modify),
        Just(Op::Update),
        Just(Op::Delete)
    ]
}

fn entry() -> impl Strategy<Value = Entry> {
    (0u8..16, 0u8..3, 0u8..20, 0u8..4).prop_map(|(prefix, cookie, pref, gws)| Entry {
        prefix,
        cookie,
        pref,
        gws,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_batches_match_the_model(
        batches in proptest::collection::vec((0u32..2, op(), proptest::collection::vec(entry(), 1..12)), 1..30)
    ) {
        let mut rib = Rib::new();
        // The subnet every gateway resolves through.
        rib.replace_source(
            jet_rib::Source::Direct,
            &[jet_rib::SourceRoute {
                table: "inet.0".into(),
                prefix: crate::pfx("192.0.2.0/24"),
                nh: jet_rib::SourceNh::Interface("ge-0/0/0.0".into()),
                pref: None,
                cookie: 0,
            }],
            0,
            &mut Vec::new(),
        )
        .unwrap();
        let (a, _) = rib.clients.initialize("a", 1, Default::default());
        let (b, _) = rib.clients.initialize("b", 2, Default::default());
        let mut model = Model::new();
        for (who, op, entries) in &batches {
            let (c, owner) = if *who == 0 { (a, a.0) } else { (b, b.0) };
            let want = model_apply(&mut model, owner, *op, entries);
            let got = rib_apply(&mut rib, c, *op, entries);
            prop_assert_eq!(got, want, "batch {:?} {:?}", op, entries);
        }
        // Same paths.
        let t = rib.table_id("inet.0").unwrap();
        let mut paths = Model::new();
        rib.walk(t, None, usize::MAX, |v| {
            if v.path.owner == 0 {
                return; // the Direct route
            }
            let gws = match &v.nh.nh {
                jet_rib::NextHop::Gateways(g) => {
                    g.iter().filter_map(|g| g.addr.map(|a| a.to_string())).collect()
                }
                _ => Vec::new(),
            };
            paths.insert((v.prefix, v.path.owner, v.path.cookie), (v.path.pref, gws));
        });
        prop_assert_eq!(&paths, &model);
        // Same active path per destination: lowest (preference, owner, cookie).
        for i in 0..16u8 {
            let p = prefix(i);
            let want = model.iter().filter(|(k, _)| k.0 == p).min_by_key(|(k, (pref, _))| (*pref, k.1, k.2)).map(|(k, _)| (k.1, k.2));
            let mut got = None;
            rib.get_routes(t, &p, MatchType::Exact, true, None, 10, |v| got = Some((v.path.owner, v.path.cookie)));
            prop_assert_eq!(got, want);
        }
        // Client counters agree with the paths.
        for c in [a, b] {
            let n = model.keys().filter(|k| k.1 == c.0).count() as u64;
            prop_assert_eq!(rib.clients.get(c).unwrap().routes, n);
        }
    }
}
