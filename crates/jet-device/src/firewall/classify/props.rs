//! Property: an index never changes which terms match. For random filters of small,
//! heavily overlapping terms (nested and `except` prefixes, port and protocol ranges,
//! wildcards, `next-term`) and random packets, the classifier indexed on every field it
//! can use answers exactly as the linear walk: the same matching terms in the same
//! order, the same verdict.

use std::net::Ipv4Addr;

use proptest::prelude::*;

use super::super::model::{Actions, Terminating};
use super::*;

fn addr() -> impl Strategy<Value = Ipv4Addr> {
    (0u8..4, 0u8..4, 0u8..4).prop_map(|(a, b, c)| Ipv4Addr::new(10, a, b, c))
}

fn prefixes() -> impl Strategy<Value = Vec<PrefixMatch>> {
    prop::collection::vec(
        (
            addr(),
            prop::sample::select(vec![0u8, 8, 16, 24, 30, 32]),
            any::<bool>(),
        ),
        1..4,
    )
    .prop_map(|l| {
        l.into_iter()
            .map(|(a, len, except)| PrefixMatch {
                addr: a.into(),
                len,
                // Mostly plain prefixes, some excepts.
                except: except && len > 8,
            })
            .collect()
    })
}

fn ranges(max: u32) -> impl Strategy<Value = Vec<Range>> {
    prop::collection::vec((0..max, 0u32..20, prop::bool::weighted(0.2)), 1..3).prop_map(|l| {
        l.into_iter()
            .map(|(lo, w, except)| Range {
                lo,
                hi: lo + w,
                except,
            })
            .collect()
    })
}

prop_compose! {
    fn term()(
        dst in prop::option::weighted(0.7, prefixes()),
        src in prop::option::weighted(0.3, prefixes()),
        proto in prop::option::weighted(0.4, ranges(20)),
        dport in prop::option::weighted(0.5, ranges(100)),
        sport in prop::option::weighted(0.2, ranges(100)),
        either in prop::option::weighted(0.1, ranges(100)),
        next in prop::bool::weighted(0.2),
        end in 0u8..3,
    ) -> Term {
        let mut m = Matches::default();
        if let Some(l) = dst {
            m.addrs.push((AddrField::Dst, l));
        }
        if let Some(l) = src {
            m.addrs.push((AddrField::Src, l));
        }
        for (f, r) in [(Field::Protocol, proto), (Field::DstPort, dport), (Field::SrcPort, sport)] {
            if let Some(r) = r {
                m.ranges.push((f, r));
            }
        }
        m.either_port = either.unwrap_or_default();
        Term {
            name: String::new(),
            matches: m,
            actions: Actions {
                next_term: next,
                terminating: match end {
                    0 => Some(Terminating::Accept),
                    1 => Some(Terminating::Discard),
                    _ => None,
                },
                ..Actions::default()
            },
        }
    }
}

prop_compose! {
    fn packet()(dst in addr(), src in addr(), proto in 0u32..25, dport in 0u32..125, sport in 0u32..125) -> Packet {
        let mut p = Packet::new(FwFamily::Inet, "ge-0/0/0.0", src.into(), dst.into());
        p.set(Field::Protocol, proto).set(Field::DstPort, dport).set(Field::SrcPort, sport);
        p
    }
}

fn run(c: &Classifier, p: &Packet) -> (Vec<usize>, Verdict) {
    let mut hits = Vec::new();
    let v = c.classify(p, |t| hits.push(t));
    (hits, v)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn index_on_any_field_never_changes_which_terms_match(
        terms in prop::collection::vec(term(), 1..60),
        packets in prop::collection::vec(packet(), 1..40),
    ) {
        let cterms: Vec<CTerm> = terms.iter().map(|t| CTerm::new(&t.matches)).collect();
        let ends: Vec<bool> = terms.iter().map(|t| !t.actions.next_term).collect();
        let linear = Classifier {
            terms: cterms.clone(),
            ends: ends.clone(),
            index: Index::linear(terms.len()),
        };
        let mut indexed = vec![Classifier::new(&terms)];
        for dim in DIMS {
            if let Some(index) = Index::build(&cterms, dim) {
                indexed.push(Classifier { terms: cterms.clone(), ends: ends.clone(), index });
            }
        }
        for p in &packets {
            let want = run(&linear, p);
            for c in &indexed {
                prop_assert_eq!(run(c, p), want.clone(), "indexed on {:?}", c.indexed_on());
            }
        }
    }
}
