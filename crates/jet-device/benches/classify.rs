//! The firewall's hot paths: a lookup through a compiled 10,000-term filter (the issue's
//! target is 1,000,000 simulated packet lookups per second in process), and programming
//! that filter (validation + compilation, target 100,000 terms per second).

use std::net::Ipv4Addr;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use jet_device::firewall::{
    Actions, AddrField, Classifier, Field, FirewallState, FwFamily, Limits, Matches, Packet,
    PrefixMatch, Range, Term, Terminating,
};

const TERMS: u32 = 10_000;

/// Term `i`: one customer /32, TCP to one port, counted and accepted, as a filter
/// programmed per subscriber looks.
fn term(i: u32) -> Term {
    Term {
        name: format!("t{i}"),
        matches: Matches {
            addrs: vec![(
                AddrField::Dst,
                vec![PrefixMatch {
                    addr: Ipv4Addr::from(0x0a00_0000 + i).into(),
                    len: 32,
                    except: false,
                }],
            )],
            ranges: vec![
                (
                    Field::Protocol,
                    vec![Range {
                        lo: 6,
                        hi: 6,
                        except: false,
                    }],
                ),
                (
                    Field::DstPort,
                    vec![Range {
                        lo: 1000 + i % 100,
                        hi: 1000 + i % 100,
                        except: false,
                    }],
                ),
            ],
            ..Matches::default()
        },
        actions: Actions {
            count: Some(format!("c{i}")),
            terminating: Some(Terminating::Accept),
            ..Actions::default()
        },
    }
}

fn packets() -> Vec<Packet> {
    (0..1024u32)
        .map(|k| {
            let i = (k * 7919) % (TERMS + 500); // some miss every term
            let mut p = Packet::new(
                FwFamily::Inet,
                "ge-0/0/0.0",
                "192.0.2.1".parse().unwrap(),
                Ipv4Addr::from(0x0a00_0000 + i).into(),
            );
            p.set(Field::Protocol, 6)
                .set(Field::DstPort, 1000 + i % 100);
            p
        })
        .collect()
}

fn lookups(c: &mut Criterion) {
    let terms: Vec<Term> = (0..TERMS).map(term).collect();
    let cl = Classifier::new(&terms);
    assert_eq!(cl.indexed_on(), Some("destination-address"));
    let pkts = packets();
    let mut g = c.benchmark_group("firewall");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.bench_function("lookup_10k_terms_x1024_packets", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for p in &pkts {
                cl.classify(black_box(p), |t| hits += t);
            }
            hits
        })
    });
    g.finish();
}

fn programming(c: &mut Criterion) {
    let terms: Vec<Term> = (0..TERMS).map(term).collect();
    let mut g = c.benchmark_group("firewall");
    g.sample_size(20);
    g.throughput(Throughput::Elements(u64::from(TERMS)));
    g.bench_function("filter_add_10k_terms", |b| {
        b.iter(|| {
            let mut st = FirewallState::new(Limits::default());
            st.filter_add("app", "big", FwFamily::Inet, terms.clone())
                .expect("valid filter");
            st
        })
    });
    g.finish();
}

criterion_group!(benches, lookups, programming);
criterion_main!(benches);
