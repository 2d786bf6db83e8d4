use jet_rib::{Batch, ChangeOp, DeleteBatch, KeySpec, MatchType, RibCode, SetOp, TableRef};

use crate::{pfx, push, rib_with_client};

#[test]
fn add_stops_at_the_first_existing_route_and_keeps_earlier_ones() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &["192.0.2.1"]);
    let out = rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!((out.completed, out.error), (1, None));

    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.1.0/24", &["192.0.2.1"]);
    push(&mut b, "inet.0", "10.0.0.0/24", &["192.0.2.1"]);
    push(&mut b, "inet.0", "10.0.2.0/24", &["192.0.2.1"]);
    let mut changes = Vec::new();
    let out = rib.apply(c, SetOp::Add, &mut b, 0, &mut changes);
    assert_eq!(out.completed, 1);
    let e = out.error.expect("error");
    assert_eq!((e.index, e.code), (1, RibCode::RouteExists));
    assert!(e.to_string().starts_with("route 1:"), "{e}");
    let t = rib.table_id("inet.0").unwrap();
    let table = rib.table(t).unwrap();
    assert!(
        table.get(&pfx("10.0.1.0/24")).is_some(),
        "entry before the error stays"
    );
    assert!(
        table.get(&pfx("10.0.2.0/24")).is_none(),
        "entry after the error is untouched"
    );
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].op, ChangeOp::Add);
}

#[test]
fn modify_of_a_missing_route_is_route_not_found_and_update_upserts() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &["192.0.2.1"]);
    let out = rib.apply(c, SetOp::Modify, &mut b.clone(), 0, &mut Vec::new());
    assert_eq!(out.error.map(|e| e.code), Some(RibCode::RouteNotFound));
    let mut changes = Vec::new();
    assert_eq!(
        rib.apply(c, SetOp::Update, &mut b.clone(), 0, &mut changes)
            .error,
        None
    );
    assert_eq!(
        rib.apply(c, SetOp::Update, &mut b, 0, &mut changes).error,
        None
    );
    let ops: Vec<ChangeOp> = changes.iter().map(|c| c.op).collect();
    assert_eq!(ops, vec![ChangeOp::Add, ChangeOp::Modify]);
}

#[test]
fn unknown_table_and_family_mismatch_are_refused_with_their_codes() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "nosuch.inet.0", "10.0.0.0/24", &[]);
    let e = rib
        .apply(c, SetOp::Add, &mut b, 0, &mut Vec::new())
        .error
        .unwrap();
    assert_eq!(e.code, RibCode::TableInvalid);
    assert!(e.message.contains("nosuch.inet.0"), "{}", e.message);

    let mut b = Batch::default();
    push(&mut b, "inet6.0", "10.0.0.0/24", &[]);
    let e = rib
        .apply(c, SetOp::Add, &mut b, 0, &mut Vec::new())
        .error
        .unwrap();
    assert_eq!(e.code, RibCode::PrefixInvalid);

    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &["2001:db8::1"]);
    let e = rib
        .apply(c, SetOp::Add, &mut b, 0, &mut Vec::new())
        .error
        .unwrap();
    assert_eq!(e.code, RibCode::NexthopAddressInvalid);
}

#[test]
fn empty_and_oversized_batches_are_no_op_and_too_many_ops() {
    let (mut rib, c) = rib_with_client();
    let out = rib.apply(c, SetOp::Add, &mut Batch::default(), 0, &mut Vec::new());
    assert_eq!(
        (out.completed, out.error.map(|e| e.code)),
        (0, Some(RibCode::NoOp))
    );
    let mut b = Batch::default();
    for i in 0..1001u32 {
        let p = format!("10.{}.{}.0/24", i / 256, i % 256);
        push(&mut b, "inet.0", &p, &[]);
    }
    let out = rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!(
        (out.completed, out.error.map(|e| e.code)),
        (0, Some(RibCode::TooManyOps))
    );
    assert_eq!(
        rib.table(rib.table_id("inet.0").unwrap()).unwrap().routes(),
        0
    );
}

#[test]
fn a_form_error_found_by_the_adapter_is_reported_after_the_valid_prefix_applies() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &[]);
    push(&mut b, "inet.0", "10.0.1.0/24", &[]);
    b.refuse(RibCode::PrefixLenTooLong, "prefix length 33 is too long");
    let out = rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!(out.completed, 2);
    let e = out.error.unwrap();
    assert_eq!((e.index, e.code), (2, RibCode::PrefixLenTooLong));
}

#[test]
fn another_client_cannot_modify_or_delete_a_route_it_does_not_own() {
    let (mut rib, a) = rib_with_client();
    let (b_client, _) = rib.clients.initialize("other", 2, Default::default());
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &[]);
    assert_eq!(
        rib.apply(a, SetOp::Add, &mut b.clone(), 0, &mut Vec::new())
            .error,
        None
    );
    let e = rib
        .apply(b_client, SetOp::Modify, &mut b, 0, &mut Vec::new())
        .error
        .unwrap();
    assert_eq!(e.code, RibCode::RouteNotFound);
    assert!(
        e.message.contains("belongs to client 'app'"),
        "{}",
        e.message
    );
    let mut d = DeleteBatch::default();
    let t = d.table_name_index("inet.0");
    d.keys.push(KeySpec {
        table: t,
        prefix: pfx("10.0.0.0/24"),
        cookie: 0,
    });
    let out = rib.delete(b_client, &d, &mut Vec::new());
    assert_eq!(out.error.map(|e| e.code), Some(RibCode::RouteNotFound));
    let out = rib.delete(a, &d, &mut Vec::new());
    assert_eq!((out.completed, out.error), (1, None));
}

#[test]
fn cookies_make_separate_paths_and_preference_picks_the_active_one() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    crate::push_spec(&mut b, "inet.0", pfx("10.0.0.0/24"), 1, vec![]);
    crate::push_spec(&mut b, "inet.0", pfx("10.0.0.0/24"), 2, vec![]);
    b.routes[0].pref = Some(20);
    b.routes[1].pref = Some(1); // raised to 5
    assert_eq!(
        rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new()).error,
        None
    );
    let t = rib.table_id("inet.0").unwrap();
    let mut seen = Vec::new();
    rib.get_routes(
        t,
        &pfx("10.0.0.0/24"),
        MatchType::Exact,
        false,
        None,
        10,
        |v| seen.push((v.path.cookie, v.path.pref, v.path.pref2, v.active)),
    );
    seen.sort();
    assert_eq!(seen, vec![(1, 20, 100, false), (2, 5, 100, true)]);
    let mut active = Vec::new();
    rib.get_routes(
        t,
        &pfx("10.0.0.0/24"),
        MatchType::Exact,
        true,
        None,
        10,
        |v| active.push(v.path.cookie),
    );
    assert_eq!(active, vec![2]);
}

#[test]
fn client_defaults_apply_per_index_when_a_route_omits_preferences() {
    let mut rib = jet_rib::Rib::new();
    let (c, _) = rib
        .clients
        .initialize("app", 1, jet_rib::Defaults::from_request(Some(30), None));
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.0.0.0/24", &[]);
    b.routes[0].pref2 = Some(7);
    assert_eq!(
        rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new()).error,
        None
    );
    let t = rib.table_id("inet.0").unwrap();
    let d = rib.table(t).unwrap().get(&pfx("10.0.0.0/24")).unwrap();
    assert_eq!((d.paths()[0].pref, d.paths()[0].pref2), (30, 7));
}

#[test]
fn best_match_is_longest_prefix_and_exact_or_longer_walks_resume() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    for p in [
        "10.0.0.0/8",
        "10.1.0.0/16",
        "10.1.1.0/24",
        "10.2.0.0/16",
        "11.0.0.0/8",
    ] {
        push(&mut b, "inet.0", p, &[]);
    }
    assert_eq!(
        rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new()).error,
        None
    );
    let t = rib.table_id("inet.0").unwrap();
    let mut got = Vec::new();
    rib.get_routes(
        t,
        &pfx("10.1.1.7/32"),
        MatchType::Best,
        false,
        None,
        1,
        |v| got.push(v.prefix),
    );
    assert_eq!(got, vec![pfx("10.1.1.0/24")]);
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let mut chunk = Vec::new();
        after = rib.get_routes(
            t,
            &pfx("10.0.0.0/8"),
            MatchType::ExactOrLonger,
            false,
            after,
            2,
            |v| chunk.push(v.prefix),
        );
        all.extend(chunk);
        if after.is_none() {
            break;
        }
    }
    let want: Vec<_> = ["10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24", "10.2.0.0/16"]
        .iter()
        .map(|s| pfx(s))
        .collect();
    assert_eq!(all, want);
    let _ = TableRef::Id(0);
}

#[test]
fn mpls_routes_live_in_mpls_0_keyed_by_label() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    let mut gw = jet_rib::Gateway::via("192.0.2.1".parse().unwrap());
    gw.labels = vec![jet_rib::LabelOp {
        action: jet_rib::LabelAction::Swap,
        label: 2000,
    }]
    .into();
    crate::push_spec(
        &mut b,
        "mpls.0",
        jet_rib::Prefix::mpls(1000, 52).unwrap(),
        0,
        vec![gw.clone()],
    );
    assert_eq!(
        rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new()).error,
        None
    );
    // Swap is not allowed on an IP route.
    let mut b = Batch::default();
    crate::push_spec(&mut b, "inet.0", pfx("10.0.0.0/8"), 0, vec![gw]);
    let e = rib
        .apply(c, SetOp::Add, &mut b, 0, &mut Vec::new())
        .error
        .unwrap();
    assert_eq!(e.code, RibCode::MplsActionInvalid);
}

/// Consecutive routes of a batch share an interned next hop only when their gateways
/// are the same: a route with fewer gateways (a prefix of the last route's list, or
/// none at all) gets its own next hop, not the last route's.
#[test]
fn a_route_with_fewer_gateways_than_the_last_does_not_take_its_next_hop() {
    let (mut rib, c) = rib_with_client();
    let mut b = Batch::default();
    push(&mut b, "inet.0", "10.1.0.0/16", &["192.0.2.1", "192.0.2.2"]);
    push(&mut b, "inet.0", "10.2.0.0/16", &["192.0.2.1"]);
    push(&mut b, "inet.0", "10.3.0.0/16", &[]);
    push(&mut b, "inet.0", "10.4.0.0/16", &["192.0.2.1"]);
    push(&mut b, "inet.0", "10.5.0.0/16", &["192.0.2.1"]);
    let out = rib.apply(c, SetOp::Add, &mut b, 0, &mut Vec::new());
    assert_eq!(out.completed, 5);
    let t = rib.table_id("inet.0").unwrap();
    let mut seen = Vec::new();
    rib.walk(t, None, usize::MAX, |v| {
        let gws: Vec<String> = match &v.nh.nh {
            jet_rib::NextHop::Gateways(g) => g
                .iter()
                .filter_map(|g| g.addr.map(|a| a.to_string()))
                .collect(),
            jet_rib::NextHop::Blackhole => vec!["blackhole".into()],
            other => vec![format!("{other:?}")],
        };
        seen.push((v.prefix.to_string(), gws, v.path.nh));
    });
    let view: Vec<(String, Vec<String>)> = seen
        .iter()
        .map(|(p, g, _)| (p.clone(), g.clone()))
        .collect();
    assert_eq!(
        view,
        vec![
            (
                "10.1.0.0/16".into(),
                vec!["192.0.2.1".into(), "192.0.2.2".into()]
            ),
            ("10.2.0.0/16".into(), vec!["192.0.2.1".into()]),
            ("10.3.0.0/16".into(), vec!["blackhole".into()]),
            ("10.4.0.0/16".into(), vec!["192.0.2.1".into()]),
            ("10.5.0.0/16".into(), vec!["192.0.2.1".into()]),
        ]
    );
    // Routes with the same gateways still share one next hop.
    assert_eq!(seen[1].2, seen[3].2);
    assert_eq!(seen[3].2, seen[4].2);
}

#[test]
fn a_path_is_changed_and_removed_only_through_the_generation_that_programmed_it() {
    let (mut rib, c) = rib_with_client();
    let mut legacy = Batch {
        legacy: true,
        ..Batch::default()
    };
    push(&mut legacy, "inet.0", "10.9.0.0/24", &["192.0.2.1"]);
    let out = rib.apply(c, SetOp::Add, &mut legacy.clone(), 0, &mut Vec::new());
    assert_eq!((out.completed, out.error), (1, None));
    let t = rib.table_id("inet.0").unwrap();
    let flags = rib
        .table(t)
        .unwrap()
        .get(&pfx("10.9.0.0/24"))
        .unwrap()
        .paths()[0]
        .flags;
    assert_ne!(flags & jet_rib::FLAG_LEGACY, 0);

    // The new generation may neither update nor delete it.
    let mut current = Batch::default();
    push(&mut current, "inet.0", "10.9.0.0/24", &["192.0.2.2"]);
    let out = rib.apply(c, SetOp::Update, &mut current, 0, &mut Vec::new());
    let e = out.error.expect("mismatch");
    assert_eq!(
        (out.completed, e.code),
        (0, RibCode::RouteApiVersionMismatch)
    );
    assert!(e.message.contains("older routing.Rib"), "{e}");
    let key = |legacy| {
        let mut d = DeleteBatch {
            legacy,
            ..DeleteBatch::default()
        };
        let table = d.table_name_index("inet.0");
        d.keys.push(KeySpec {
            table,
            prefix: pfx("10.9.0.0/24"),
            cookie: 0,
        });
        d
    };
    let out = rib.delete(c, &key(false), &mut Vec::new());
    assert_eq!(
        out.error.map(|e| e.code),
        Some(RibCode::RouteApiVersionMismatch)
    );
    // Its own generation may.
    let out = rib.apply(c, SetOp::Update, &mut legacy, 0, &mut Vec::new());
    assert_eq!(out.error, None);
    let out = rib.delete(c, &key(true), &mut Vec::new());
    assert_eq!((out.completed, out.error), (1, None));
}
