//! A table against a plain model: after random inserts and removes, exact lookups, the
//! ordered walk and longest-prefix match (the one descent, and the walk over the lengths
//! when it misses) answer as a sorted set of the destinations does.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

/// The table tests' path, owner 1.
fn path(cookie: u64) -> Path {
    super::tests::path(1, cookie)
}

/// The longest destination of `model` containing `p`, trying every length.
fn model_lpm(model: &BTreeSet<Prefix>, p: &Prefix) -> Option<Prefix> {
    (0..=p.len())
        .rev()
        .map(|l| p.with_len(l))
        .find(|q| model.contains(q))
}

fn check(t: &Table, model: &BTreeSet<Prefix>, hosts: &[Prefix]) -> Result<(), TestCaseError> {
    prop_assert_eq!(t.destinations(), model.len() as u64);
    let walked: Vec<Prefix> = t.iter().map(|(p, _)| p).collect();
    let want: Vec<Prefix> = model.iter().copied().collect();
    prop_assert_eq!(walked, want);
    for p in model {
        prop_assert!(t.get(p).is_some(), "{:?} missing", p);
    }
    for h in hosts {
        prop_assert_eq!(
            t.lpm(h, |_| true).map(|x| x.0),
            model_lpm(model, h),
            "{:?}",
            h
        );
        prop_assert_eq!(t.get(h).is_some(), model.contains(h));
    }
    Ok(())
}

proptest! {
    #[test]
    fn lookups_equal_a_sorted_set_after_inserts_and_removes(
        ops in prop::collection::vec((any::<bool>(), 0u32..64, 0u8..=32, 0u64..2), 1..120),
        hosts in prop::collection::vec((0u32..64, 0u8..=32), 1..20),
    ) {
        let k = |c| PathKey::Client { owner: 1, cookie: c };
        let mut t4 = Table::new("inet.0", Family::Inet, None);
        let mut t6 = Table::new("inet6.0", Family::Inet6, None);
        let mut m4 = BTreeSet::new();
        let mut m6 = BTreeSet::new();
        // A few address bits spread over the word, so that prefixes nest.
        let a4 = |x: u32| (x & 7) << 29 | (x & 56) << 5;
        let a6 = |x: u32| u128::from(x & 7) << 125 | u128::from(x & 56) << 40;
        for (add, a, l, cookie) in &ops {
            let p4 = Prefix::V4(a4(*a), 32).with_len(*l);
            let p6 = Prefix::V6(a6(*a), 128).with_len(*l * 4);
            if *add {
                t4.put(&p4, k(*cookie), path(*cookie));
                t6.put(&p6, k(*cookie), path(*cookie));
                m4.insert(p4);
                m6.insert(p6);
            } else {
                // Remove every path of the destination (both cookies).
                for c in 0..2 {
                    t4.remove(&p4, k(c));
                    t6.remove(&p6, k(c));
                }
                m4.remove(&p4);
                m6.remove(&p6);
            }
        }
        let h4: Vec<Prefix> = hosts
            .iter()
            .flat_map(|(a, l)| {
                let h = Prefix::V4(a4(*a) | 0x11, 32);
                [h, h.with_len(*l)]
            })
            .collect();
        let h6: Vec<Prefix> = hosts
            .iter()
            .flat_map(|(a, l)| {
                let h = Prefix::V6(a6(*a) | 0x11, 128);
                [h, h.with_len(*l * 4)]
            })
            .collect();
        check(&t4, &m4, &h4)?;
        check(&t6, &m6, &h6)?;
    }
}
