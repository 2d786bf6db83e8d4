//! Device sources changed by a delta ([`SourceDelta::between`] + `change_source`) end
//! where replacing the whole set ends: same paths, same next hops, same ages of the
//! untouched routes; and the delta carries only what changed.

use std::collections::BTreeMap;

use jet_rib::{NextHop, Prefix, Rib, Source, SourceDelta, SourceNh, SourceRoute};
use proptest::prelude::*;

fn route(table: u8, p: u8, cookie: u8, nh: u8) -> SourceRoute {
    SourceRoute {
        table: if table == 0 { "inet.0" } else { "inet6.0" }.into(),
        prefix: if table == 0 {
            crate::pfx(&format!("10.{p}.0.0/16"))
        } else {
            crate::pfx(&format!("2001:db8:{p:x}::/48"))
        },
        nh: match nh {
            0 => SourceNh::Discard,
            1 => SourceNh::Reject,
            n if table == 0 => {
                SourceNh::Gateways(vec![(format!("192.0.2.{n}").parse().unwrap(), None)])
            }
            n => SourceNh::Gateways(vec![(format!("2001:db8::{n}").parse().unwrap(), None)]),
        },
        pref: (cookie > 0).then_some(5 + u32::from(cookie)),
        cookie: u64::from(cookie),
    }
}

fn routes() -> impl Strategy<Value = Vec<SourceRoute>> {
    // Few prefixes and cookies, so keys repeat within a list and between lists.
    proptest::collection::vec((0u8..2, 0u8..12, 0u8..2, 0u8..5), 0..30).prop_map(|v| {
        v.into_iter()
            .map(|(t, p, c, n)| route(t, p, c, n))
            .collect()
    })
}

/// Every path of both tables: (table, prefix, cookie) → (preference, next hop, age).
type Dump = BTreeMap<(String, Prefix, u64), (u32, String, u32)>;

fn dump(rib: &Rib) -> Dump {
    let mut out = BTreeMap::new();
    for table in ["inet.0", "inet6.0"] {
        let t = rib.table_id(table).unwrap();
        rib.walk(t, None, usize::MAX, |v| {
            let nh = match &v.nh.nh {
                NextHop::Gateways(g) => {
                    format!("{:?}", g.iter().map(|g| g.addr).collect::<Vec<_>>())
                }
                other => format!("{other:?}"),
            };
            out.insert(
                (table.to_owned(), v.prefix, v.path.cookie),
                (v.path.pref, nh, v.path.since),
            );
        });
    }
    out
}

proptest! {
    #[test]
    fn a_delta_ends_where_replacing_the_whole_set_ends(
        steps in proptest::collection::vec(routes(), 1..6)
    ) {
        let (mut whole, mut delta) = (Rib::new(), Rib::new());
        let mut last: Vec<SourceRoute> = Vec::new();
        let mut ever_repeated = std::collections::BTreeSet::new();
        for (now, set) in steps.iter().enumerate() {
            let now = now as u32 + 1;
            let mut c1 = Vec::new();
            whole.replace_source(Source::Static, set, now, &mut c1).unwrap();
            let d = SourceDelta::between(&last, set);
            let mut c2 = Vec::new();
            delta.change_source(Source::Static, &d, now, &mut c2).unwrap();
            // Ages too, except where a key repeated in a set: replacing the whole set
            // then passes through the earlier copy and restarts the age of a route
            // that ends unchanged (the delta keeps it, as it should).
            for r in set {
                let k = (r.table.clone(), r.prefix, r.cookie);
                if set.iter().filter(|o| (&o.table, o.prefix, o.cookie) == (&k.0, k.1, k.2)).count() > 1 {
                    ever_repeated.insert(k);
                }
            }
            let repeated = |k: &(String, Prefix, u64)| ever_repeated.contains(k);
            let ageless = |d: Dump| -> Dump {
                d.into_iter()
                    .map(|(k, (p, nh, since))| {
                        let since = if repeated(&k) { 0 } else { since };
                        (k, (p, nh, since))
                    })
                    .collect()
            };
            prop_assert_eq!(ageless(dump(&whole)), ageless(dump(&delta)));
            // The same routes are announced as changed (order aside; a key repeated in
            // one set makes replace_source announce its intermediate copies too).
            let table = |c: &jet_rib::RouteChange| if c.table == whole.table_id("inet.0").unwrap() { "inet.0" } else { "inet6.0" };
            let plain = |c: &&jet_rib::RouteChange| !repeated(&(table(c).to_owned(), c.prefix, c.cookie));
            let key = |c: &jet_rib::RouteChange| format!("{:?}", (c.table, c.prefix, c.cookie));
            let k1: std::collections::BTreeSet<_> = c1.iter().filter(plain).map(key).collect();
            let k2: std::collections::BTreeSet<_> = c2.iter().filter(plain).map(key).collect();
            prop_assert_eq!(k1, k2);
            // Only changed keys travel.
            for r in &d.put {
                let before = last.iter().rev().find(|o| (o.table.as_str(), o.prefix, o.cookie) == (r.table.as_str(), r.prefix, r.cookie));
                prop_assert!(before != Some(r), "unchanged route put again: {:?}", r);
            }
            last = set.clone();
        }
    }
}

#[test]
fn a_route_appended_to_many_travels_alone() {
    let old: Vec<SourceRoute> = (0..200u8)
        .map(|i| route(0, i % 250, 0, 2 + i % 3))
        .collect();
    let mut new = old.clone();
    new.insert(100, route(1, 7, 1, 3));
    let d = SourceDelta::between(&old, &new);
    assert_eq!(d.put, vec![route(1, 7, 1, 3)]);
    assert!(d.gone.is_empty());
    let back = SourceDelta::between(&new, &old);
    assert!(back.put.is_empty());
    assert_eq!(
        back.gone,
        vec![("inet6.0".to_owned(), crate::pfx("2001:db8:7::/48"), 1)]
    );
    assert!(SourceDelta::between(&old, &old).is_empty());
}

#[test]
fn a_repeated_key_keeps_its_last_route_when_an_earlier_copy_goes() {
    // The same destination configured twice (`static` and `rib inet.0 static`): the
    // later one is in force; removing the later one brings the earlier one back.
    let a = route(0, 1, 0, 2);
    let b = route(0, 1, 0, 3);
    let old = vec![a.clone(), route(0, 2, 0, 2), b.clone()];
    let new = vec![a.clone(), route(0, 2, 0, 2)];
    let d = SourceDelta::between(&old, &new);
    assert_eq!(d.put, vec![a]);
    assert!(d.gone.is_empty());
}

#[test]
fn a_delta_naming_an_unknown_table_or_the_wrong_family_changes_nothing() {
    let mut rib = Rib::new();
    let kept = route(0, 1, 0, 2);
    rib.replace_source(
        Source::Static,
        std::slice::from_ref(&kept),
        1,
        &mut Vec::new(),
    )
    .unwrap();
    let before = dump(&rib);
    let mut unknown = route(0, 2, 0, 2);
    unknown.table = "nosuch.inet.0".into();
    let mut wrong_family = route(0, 3, 0, 2);
    wrong_family.table = "inet6.0".into();
    for bad in [unknown, wrong_family] {
        let delta = SourceDelta {
            gone: vec![("inet.0".into(), kept.prefix, 0)],
            put: vec![route(0, 4, 0, 3), bad.clone()],
        };
        let mut changes = Vec::new();
        let e = rib
            .change_source(Source::Static, &delta, 2, &mut changes)
            .expect_err("refused");
        assert!(e.to_string().contains(&bad.table), "{e}");
        assert!(changes.is_empty());
        assert_eq!(dump(&rib), before, "{bad:?}");
    }
}
