//! A batch walk ([`FirewallHandle::forward_many`]) is the same walk as one packet at a
//! time ([`FirewallHandle::forward`]): same outcomes and traces, same filter, policer
//! and unit counters, same `show firewall log`, with or without traces.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use jet_rib::{Batch, Defaults, Gateway, Prefix, RouteSpec, SetOp, TableRef};

use super::model::*;
use super::{Counters, Detail, FirewallHandle, FwOp, Packet, Trace};
use crate::{Device, DeviceOptions, Login, Session, Transport};

const ROUTES: u32 = 200;

const NET: &str = "interfaces { \
    ge-0/0/0 { unit 0 { family inet { filter { input cfg-in; } address 10.0.0.1/24; } } } \
    ge-0/0/1 { unit 0 { family inet { address 10.1.0.1/24; } } } } \
    firewall { family inet { filter cfg-in { term all { then { count cfg-all; accept; } } } } }";

fn route_net(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0x1000_0000 + (i << 8))
}

fn host(i: u32) -> std::net::IpAddr {
    Ipv4Addr::from(u32::from(route_net(i)) + 1).into()
}

fn term(name: String, m: Matches, a: Actions) -> Term {
    Term {
        name,
        matches: m,
        actions: a,
    }
}

fn range(f: Field, lo: u32, hi: u32) -> (Field, Vec<Range>) {
    (
        f,
        vec![Range {
            lo,
            hi,
            except: false,
        }],
    )
}

/// A 202-term filter: a `next-term` counter first, one term per route host (counted;
/// some discard, some police, some log), UDP last; TCP matching nothing falls to the
/// implicit discard.
fn big_filter() -> Vec<Term> {
    let mut terms = vec![term(
        "first".into(),
        Matches {
            addrs: vec![(
                AddrField::Dst,
                vec![PrefixMatch {
                    addr: "16.0.0.0".parse().expect("addr"),
                    len: 8,
                    except: false,
                }],
            )],
            ranges: vec![range(Field::DstPort, 7, 7)],
            ..Matches::default()
        },
        Actions {
            count: Some("seven".into()),
            next_term: true,
            ..Actions::default()
        },
    )];
    for i in 0..ROUTES {
        let mut a = Actions {
            count: Some(format!("c{i}")),
            terminating: Some(Terminating::Accept),
            ..Actions::default()
        };
        match i % 10 {
            0 => a.terminating = Some(Terminating::Discard),
            3 => a.policer = Some("p".into()),
            5 => a.log = true,
            _ => {}
        }
        let m = Matches {
            addrs: vec![(
                AddrField::Dst,
                vec![PrefixMatch {
                    addr: host(i),
                    len: 32,
                    except: false,
                }],
            )],
            ranges: vec![
                range(Field::Protocol, 6, 6),
                range(Field::DstPort, 1000 + i, 1000 + i),
            ],
            ..Matches::default()
        };
        terms.push(term(format!("t{i}"), m, a));
    }
    terms.push(term(
        "udp".into(),
        Matches {
            ranges: vec![range(Field::Protocol, 17, 17)],
            ..Matches::default()
        },
        Actions {
            count: Some("udp".into()),
            syslog: true,
            terminating: Some(Terminating::Accept),
            ..Actions::default()
        },
    ));
    terms
}

fn out_filter() -> Vec<Term> {
    vec![
        term(
            "drop".into(),
            Matches {
                ranges: vec![range(Field::DstPort, 1013, 1013)],
                ..Matches::default()
            },
            Actions {
                count: Some("dropped".into()),
                terminating: Some(Terminating::Discard),
                ..Actions::default()
            },
        ),
        term(
            "rest".into(),
            Matches::default(),
            Actions {
                count: Some("out".into()),
                ..Actions::default()
            },
        ),
    ]
}

fn packet(dst: std::net::IpAddr, proto: u32, port: u32, len: u32) -> Packet {
    let mut p = Packet::new(
        FwFamily::Inet,
        "ge-0/0/0.0",
        "10.0.0.2".parse().expect("addr"),
        dst,
    );
    p.set(Field::Protocol, proto)
        .set(Field::DstPort, port)
        .set(Field::PacketLength, len);
    p
}

/// Early and late terms, no term, discard, policed (600 bytes over a 500-byte burst) and
/// in spec, `next-term`, logging, no route, an output-filter discard, an unknown unit.
fn packets() -> Vec<Packet> {
    let mut v = Vec::new();
    for i in [1, 2, 3, 5, 10, 13, 33, 55, 150, 198, 199] {
        v.push(packet(host(i), 6, 1000 + i, 100));
        v.push(packet(host(i), 6, 1000 + i, 600));
    }
    v.push(packet(host(7), 6, 1, 100));
    v.push(packet(host(7), 6, 7, 100));
    v.push(packet(host(8), 17, 53, 200));
    v.push(packet("203.0.113.1".parse().expect("addr"), 17, 53, 80));
    let mut gone = packet(host(4), 6, 1004, 100);
    gone.interface = "ge-0/0/9.0".into();
    v.push(gone);
    // Again, so counters and policers see a second round.
    let again = v.clone();
    v.extend(again);
    v
}

async fn device(dir: &std::path::Path) -> Device {
    let (dev, _) = Device::start(DeviceOptions {
        data_dir: dir.to_path_buf(),
        initial_config: Some(NET.into()),
    })
    .await
    .expect("device");
    let s = Session::new(
        1,
        SocketAddr::from(([127, 0, 0, 1], 40000)),
        Transport::ClearText,
    );
    dev.sessions().open(s.clone());
    dev.sessions().login(
        &s,
        Login {
            user: "admin".into(),
            class: jet_config::LoginClass::SuperUser,
            client_id: "t".into(),
            group_id: String::new(),
            at: chrono::Utc::now(),
        },
    );
    let rib = dev.rib();
    rib.initialize("t", 1, Defaults::default())
        .await
        .expect("initialize");
    let mut batch = Batch::with_capacity(ROUTES as usize);
    let table = batch.table_index(TableRef::Name("inet.0".into()));
    for i in 0..ROUTES {
        let gw_start = batch.gateways.len() as u32;
        batch
            .gateways
            .push(Gateway::via("10.1.0.2".parse().expect("addr")));
        batch.routes.push(RouteSpec::new(
            table,
            Prefix::v4(route_net(i), 24).expect("prefix"),
            gw_start,
            1,
        ));
    }
    let out = rib.apply("t", 1, SetOp::Add, batch).await.expect("apply");
    assert!(out.error.is_none(), "{:?}", out.error);
    let fw = dev.firewall();
    fw.call(
        "t",
        1,
        FwOp::PolicerAdd(Policer {
            name: "p".into(),
            kind: PolicerKind::TwoColor {
                bandwidth: 1_000_000,
                burst: 500,
                discard: true,
                loss_priority: 0,
                forwarding_class: String::new(),
            },
            term_specific: true,
        }),
    )
    .await
    .expect("PolicerAdd");
    for (name, terms) in [("big", big_filter()), ("out", out_filter())] {
        fw.call(
            "t",
            1,
            FwOp::FilterAdd {
                name: name.into(),
                family: FwFamily::Inet,
                terms,
            },
        )
        .await
        .expect("FilterAdd");
    }
    for (name, unit, direction) in [
        ("big", "ge-0/0/0.0", Direction::Input),
        ("out", "ge-0/0/1.0", Direction::Output),
    ] {
        // The interfaces come up shortly after start.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let op = FwOp::BindAdd {
                name: name.into(),
                family: FwFamily::Inet,
                binding: Binding {
                    point: BindPoint::Interface(unit.into()),
                    direction,
                    family: FwFamily::Inet,
                },
            };
            match fw.call("t", 1, op).await {
                Ok(_) => break,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("bind {name}: {e}"),
            }
        }
    }
    dev
}

type FilterCounts = BTreeMap<String, (Counters, BTreeMap<String, Count>)>;

/// Every filter counter, policer counter, unit count and log entry (without its time).
#[derive(Debug, PartialEq)]
struct Counted {
    filters: FilterCounts,
    units: BTreeMap<String, (Count, Count)>,
    log: Vec<[String; 6]>,
}

fn counted(fw: &FirewallHandle) -> Counted {
    fw.read(|p| Counted {
        filters: p
            .fw
            .api
            .values()
            .chain(p.fw.config.values())
            .map(|f| {
                (
                    f.name.clone(),
                    (f.counters.clone(), f.policer_counters.clone()),
                )
            })
            .collect(),
        units: p
            .units
            .iter()
            .map(|(n, u)| (n.clone(), (u.input, u.output)))
            .collect(),
        log: p
            .log
            .iter()
            .map(|e| {
                [
                    e.filter.clone(),
                    e.action.clone(),
                    e.interface.clone(),
                    e.protocol.clone(),
                    e.src.clone(),
                    e.dst.clone(),
                ]
            })
            .collect(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_walk_equals_one_by_one_in_outcomes_traces_and_counters() {
    let dirs: Vec<_> = (0..3)
        .map(|_| tempfile::tempdir().expect("tempdir"))
        .collect();
    let one = device(dirs[0].path()).await;
    let traced = device(dirs[1].path()).await;
    let brief = device(dirs[2].path()).await;
    let pkts = packets();

    let mut singles: Vec<Result<Trace, String>> = Vec::new();
    for p in &pkts {
        singles.push(
            one.firewall()
                .forward(p.clone())
                .await
                .map_err(|e| e.to_string()),
        );
    }
    let batch_traced = traced
        .firewall()
        .forward_many(pkts.clone(), Detail::Trace)
        .await
        .expect("forward_many");
    let batch_brief = brief
        .firewall()
        .forward_many(pkts.clone(), Detail::Brief)
        .await
        .expect("forward_many");
    assert_eq!(batch_traced.len(), pkts.len());
    assert_eq!(batch_brief.len(), pkts.len());

    for (k, ((single, t), b)) in singles
        .iter()
        .zip(&batch_traced)
        .zip(&batch_brief)
        .enumerate()
    {
        match (single, t, b) {
            (Ok(single), Ok(t), Ok(b)) => {
                assert_eq!(t.trace.as_deref(), Some(single), "packet {k}");
                assert!(
                    b.trace.is_none(),
                    "packet {k}: a brief walk builds no trace"
                );
                for w in [t, b] {
                    assert_eq!(w.disposition, single.disposition, "packet {k}");
                    assert_eq!(w.egress, single.egress, "packet {k}");
                    assert_eq!(w.delivered_share, single.delivered_share, "packet {k}");
                }
                assert_eq!(t.logged, b.logged, "packet {k}");
            }
            (Err(s), Err(t), Err(b)) => {
                assert_eq!(s, &t.to_string(), "packet {k}");
                assert_eq!(s, &b.to_string(), "packet {k}");
            }
            other => panic!("packet {k}: {other:?}"),
        }
    }
    // The packets reached every kind of outcome.
    let words: std::collections::BTreeSet<String> = singles
        .iter()
        .map(|s| match s {
            Ok(t) => t.disposition.describe(),
            Err(e) => e.clone(),
        })
        .collect();
    for want in [
        "forwarded",
        "discarded by filter big term t10",
        "discarded by filter big (end of filter)",
        "discarded by policer p-t3 of filter big",
        "discarded: no route",
        "discarded by filter out term drop",
        "interface 'ge-0/0/9.0' does not exist",
    ] {
        assert!(words.contains(want), "no packet was {want}: {words:?}");
    }

    let want = counted(one.firewall());
    assert!(
        want.filters["big"].0.get("seven").map_or(0, |c| c.packets) > 0
            && want.filters["big"].1["p-t3"].packets > 0,
        "{want:?}"
    );
    assert!(!want.log.is_empty());
    assert_eq!(counted(traced.firewall()), want);
    assert_eq!(counted(brief.firewall()), want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forward_many_of_more_than_a_chunk_keeps_order_and_counts_every_packet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dev = device(dir.path()).await;
    let n = super::FORWARD_CHUNK * 2 + 3;
    let pkts: Vec<Packet> = (0..n)
        .map(|k| packet(host(1), 6, if k % 2 == 0 { 1001 } else { 1 }, 100))
        .collect();
    let out = dev
        .firewall()
        .forward_many(pkts, Detail::Brief)
        .await
        .expect("forward_many");
    assert_eq!(out.len(), n);
    for (k, w) in out.iter().enumerate() {
        let w = w.as_ref().expect("walk");
        assert_eq!(w.disposition.delivered(), k % 2 == 0, "packet {k}");
    }
    let c = counted(dev.firewall());
    assert_eq!(
        c.filters["big"].0.get("c1").map(|c| c.packets),
        Some((n as u64).div_ceil(2))
    );
    assert_eq!(c.units["ge-0/0/0.0"].0.packets, n as u64);
}
