//! The whole packet path with the sizes: `test forwarding packet` lookups
//! through a 10,000-term client input filter, a configured input filter and a
//! 1,000,000-route RIB, in process, on a running device: both filters, the longest-match
//! route lookup and ECMP choice, the output filter, filter and unit counters. The
//! issue's target is 1,000,000 simulated packet lookups per second in process.
//!
//! - `..._batch`: [`FirewallHandle::forward_many`] of the 1,024 packets without traces
//!   (one visit to the firewall task per call): the figure.
//! - `..._one_by_one`: [`FirewallHandle::forward`] per packet, with its trace (a round
//!   trip to the firewall task each): what `test forwarding packet` costs.
//!
//! [`FirewallHandle::forward_many`]: jet_device::firewall::FirewallHandle::forward_many
//! [`FirewallHandle::forward`]: jet_device::firewall::FirewallHandle::forward

use std::net::{Ipv4Addr, SocketAddr};

/// The allocator `jetd` runs with (crates/jetd/src/main.rs): the device as users run it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use jet_device::firewall::{
    Actions, AddrField, BindPoint, Binding, Detail, Direction, Field, FwFamily, FwOp, Matches,
    Packet, PrefixMatch, Range, Term, Terminating,
};
use jet_device::rib::jet_rib::{Batch, Defaults, Gateway, Prefix, RouteSpec, SetOp, TableRef};
use jet_device::{Device, DeviceOptions, Login, Session, Transport};

const TERMS: u32 = 10_000;
const ROUTES: u32 = 1_000_000;
const BATCH: u32 = 1_000;

const NET: &str = "interfaces { \
    ge-0/0/0 { unit 0 { family inet { filter { input cfg-in; } address 10.0.0.1/24; } } } \
    ge-0/0/1 { unit 0 { family inet { address 10.1.0.1/24; } } } } \
    firewall { family inet { filter cfg-in { term all { then { count cfg-all; accept; } } } } }";

/// Route `i`: a /24 in 16.0.0.0/4, via 10.1.0.2 (resolved through ge-0/0/1.0).
fn route_net(i: u32) -> Ipv4Addr {
    Ipv4Addr::from(0x1000_0000 + (i << 8))
}

/// Term `i`: one host of route `i`'s /24, TCP to one port, counted and accepted.
fn term(i: u32) -> Term {
    Term {
        name: format!("t{i}"),
        matches: Matches {
            addrs: vec![(
                AddrField::Dst,
                vec![PrefixMatch {
                    addr: Ipv4Addr::from(u32::from(route_net(i * 97 % ROUTES)) + 1).into(),
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
            // Some hit a term, the others fall through to the implicit discard... unless
            // a catch-all accepts them: the last term below.
            let i = (k * 7919) % TERMS;
            let dst = Ipv4Addr::from(u32::from(route_net(i * 97 % ROUTES)) + 1 + k % 2);
            let mut p = Packet::new(
                FwFamily::Inet,
                "ge-0/0/0.0",
                "10.0.0.2".parse().unwrap(),
                dst.into(),
            );
            p.set(Field::Protocol, 6)
                .set(Field::DstPort, 1000 + i % 100)
                .set(Field::PacketLength, 500);
            p
        })
        .collect()
}

async fn device(dir: &std::path::Path) -> Device {
    let (dev, _) = Device::start(DeviceOptions {
        data_dir: dir.to_path_buf(),
        initial_config: Some(NET.into()),
    })
    .await
    .expect("device");
    // Routes, from a logged-in RIB client.
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
            client_id: "bench".into(),
            group_id: String::new(),
            at: chrono::Utc::now(),
        },
    );
    let rib = dev.rib();
    rib.initialize("bench", 1, Defaults::default())
        .await
        .expect("initialize");
    let t = Instant::now();
    for b in 0..ROUTES / BATCH {
        let mut batch = Batch::with_capacity(BATCH as usize);
        let table = batch.table_index(TableRef::Name("inet.0".into()));
        for i in b * BATCH..(b + 1) * BATCH {
            let gw_start = batch.gateways.len() as u32;
            batch
                .gateways
                .push(Gateway::via("10.1.0.2".parse().unwrap()));
            batch.routes.push(RouteSpec::new(
                table,
                Prefix::v4(route_net(i), 24).expect("prefix"),
                gw_start,
                1,
            ));
        }
        let out = rib
            .apply("bench", 1, SetOp::Add, batch)
            .await
            .expect("apply");
        assert!(out.error.is_none(), "{:?}", out.error);
    }
    eprintln!(
        "{ROUTES} routes programmed in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // The 10,000-term filter (plus a catch-all), bound to the input of ge-0/0/0.0.
    let fw = dev.firewall();
    let mut terms: Vec<Term> = (0..TERMS).map(term).collect();
    terms.push(Term {
        name: "rest".into(),
        matches: Matches::default(),
        actions: Actions {
            count: Some("rest".into()),
            terminating: Some(Terminating::Accept),
            ..Actions::default()
        },
    });
    fw.call(
        "bench",
        1,
        FwOp::FilterAdd {
            name: "big".into(),
            family: FwFamily::Inet,
            terms,
        },
    )
    .await
    .expect("FilterAdd");
    // The interfaces come up shortly after start: retry the bind until the unit exists.
    let binding = Binding {
        point: BindPoint::Interface("ge-0/0/0.0".into()),
        direction: Direction::Input,
        family: FwFamily::Inet,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let op = FwOp::BindAdd {
            name: "big".into(),
            family: FwFamily::Inet,
            binding: binding.clone(),
        };
        match fw.call("bench", 1, op).await {
            Ok(_) => break,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("bind: {e}"),
        }
    }
    dev
}

fn walk(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let dev = rt.block_on(device(dir.path()));
    let pkts = packets();
    // Every packet takes the filter, the route and leaves by ge-0/0/1.0.
    let t = rt
        .block_on(dev.firewall().forward(pkts[0].clone()))
        .expect("forward");
    assert_eq!(t.egress.as_deref(), Some("ge-0/0/1.0"), "{t:?}");
    let fw = dev.firewall().clone();
    // Every packet went through the big filter and hit a term or the catch-all (none
    // fell to the implicit discard), so each walk is a lookup through both.
    let out = rt
        .block_on(fw.forward_many(pkts.clone(), Detail::Brief))
        .expect("forward_many");
    assert!(
        out.iter()
            .all(|w| matches!(w, Ok(w) if w.egress.as_deref() == Some("ge-0/0/1.0"))),
        "every packet leaves by ge-0/0/1.0"
    );
    // Half of the packets hit one of the 10,000 terms, half the catch-all after them.
    let (hit, rest) = fw.read(|p| {
        let big = &p.fw.api["big"];
        let hit: u64 = big
            .counters
            .iter()
            .filter(|(n, _)| n.as_str() != "rest")
            .map(|(_, c)| c.packets)
            .sum();
        (hit, big.counters.get("rest").map_or(0, |c| c.packets))
    });
    assert!(hit >= 512 && rest >= 512, "terms {hit}, catch-all {rest}");
    let mut g = c.benchmark_group("packet_path");
    g.throughput(Throughput::Elements(pkts.len() as u64));
    g.bench_function(
        "test_forwarding_packet_10k_terms_1m_routes_x1024_batch",
        |b| {
            b.iter_batched(
                || pkts.clone(),
                |batch| {
                    rt.block_on(fw.forward_many(batch, Detail::Brief))
                        .expect("forward_many")
                },
                BatchSize::SmallInput,
            )
        },
    );
    g.bench_function(
        "test_forwarding_packet_10k_terms_1m_routes_x1024_one_by_one",
        |b| {
            b.iter(|| {
                rt.block_on(async {
                    for p in &pkts {
                        fw.forward(p.clone()).await.expect("forward");
                    }
                })
            })
        },
    );
    g.finish();
    drop(dev);
}

criterion_group!(benches, walk);
criterion_main!(benches);
