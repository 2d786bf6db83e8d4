//! Throughput of the configuration database on a realistic 100,000-statement
//! configuration (interfaces with units and addresses, static routes, a long firewall
//! filter, prefix lists):
//! - parse and print in each of the four formats (statements per second);
//! - a 10,000-statement change: load merge (text) + validate + durable `Store::commit`.

use std::fmt::Write as _;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use jet_config::{CommitMeta, Config, LoadMode, PayloadFormat, Store};

/// Interfaces, routes, terms and prefix lists adding up to about 100,000 statements.
fn big_text() -> String {
    let mut s = String::from("system {\n    host-name bench;\n    login {\n        user admin {\n            class super-user;\n        }\n    }\n}\ninterfaces {\n");
    for f in 0..10 {
        for p in 0..4 {
            for n in 0..50 {
                let i = f * 200 + p * 50 + n;
                let _ = write!(s, "    ge-{f}/{p}/{n} {{\n        description \"port {i}\";\n        mtu 9000;\n        vlan-tagging;\n");
                for u in 0..4 {
                    let _ = write!(
                        s,
                        "        unit {u} {{\n            description \"unit {u}\";\n            vlan-id {};\n            family inet {{\n                address 10.{}.{}.1/24;\n            }}\n            family inet6 {{\n                address 2001:db8:{:x}:{u}::1/64;\n            }}\n        }}\n",
                        u + 1,
                        i / 64,
                        (i % 64) * 4 + u,
                        i
                    );
                }
                s.push_str("    }\n");
            }
        }
    }
    s.push_str("}\nrouting-options {\n    router-id 10.255.0.1;\n    autonomous-system 65000;\n    static {\n");
    for r in 0..21_000u32 {
        let _ = write!(
            s,
            "        route 172.{}.{}.0/24 {{\n            next-hop 10.0.{}.254;\n            preference {};\n        }}\n",
            16 + r / 256,
            r % 256,
            r % 256,
            5 + r % 100
        );
    }
    s.push_str("    }\n}\npolicy-options {\n");
    for l in 0..100 {
        let _ = writeln!(s, "    prefix-list PL{l} {{");
        for p in 0..100 {
            let _ = writeln!(s, "        192.{l}.{p}.0/24;");
        }
        s.push_str("    }\n");
    }
    s.push_str("}\nfirewall {\n    family inet {\n        filter EDGE {\n");
    for t in 0..2_000 {
        let _ = write!(
            s,
            "            term t{t} {{\n                from {{\n                    source-address {{\n                        10.{}.{}.0/24;\n                    }}\n                    protocol tcp;\n                    destination-port {};\n                }}\n                then {{\n                    count c{t};\n                    accept;\n                }}\n            }}\n",
            t / 256,
            t % 256,
            1024 + t
        );
    }
    s.push_str("        }\n    }\n}\n");
    s
}

/// A 10,000-statement change: 3,500 new routes (next hop, preference) and 1,000
/// interfaces with a new description and a new unit (vlan-id, address).
fn change_text() -> String {
    let mut s = String::from("routing-options {\n    static {\n");
    for r in 0..3_500u32 {
        let _ = write!(
            s,
            "        route 100.{}.{}.0/24 {{\n            next-hop 10.1.{}.254;\n            preference 20;\n        }}\n",
            r / 256,
            r % 256,
            r % 256
        );
    }
    s.push_str("    }\n}\ninterfaces {\n");
    for i in 0..1_000 {
        let (f, p, n) = (i / 200, i / 50 % 4, i % 50);
        let _ = write!(
            s,
            "    ge-{f}/{p}/{n} {{\n        description \"changed {i}\";\n        unit 100 {{\n            vlan-id 100;\n            family inet {{\n                address 100.64.{}.{}/31;\n            }}\n        }}\n    }}\n",
            i / 128,
            (i % 128) * 2
        );
    }
    s.push_str("}\n");
    s
}

fn statements(c: &Config) -> u64 {
    c.to_set().lines().count() as u64
}

fn formats(c: &mut Criterion) {
    let cfg = Config::parse_text(&big_text()).expect("bench config parses");
    cfg.validate().expect("bench config is valid");
    let n = statements(&cfg);
    eprintln!("configuration: {n} statements");
    let text = cfg.to_text();
    let set = cfg.to_set();
    let xml = cfg.to_xml_document();
    let json = cfg.to_json();
    let mut g = c.benchmark_group("config_100k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    g.bench_function("parse_text", |b| b.iter(|| Config::parse_text(&text)));
    g.bench_function("print_text", |b| b.iter(|| cfg.to_text()));
    g.bench_function("parse_set", |b| b.iter(|| Config::parse_set(&set)));
    g.bench_function("print_set", |b| b.iter(|| cfg.to_set()));
    g.bench_function("parse_xml", |b| b.iter(|| Config::parse_xml(&xml)));
    g.bench_function("print_xml", |b| b.iter(|| cfg.to_xml_document()));
    g.bench_function("parse_json", |b| b.iter(|| Config::parse_json(&json)));
    g.bench_function("print_json", |b| b.iter(|| cfg.to_json()));
    g.bench_function("validate", |b| b.iter(|| cfg.validate()));
    g.finish();
}

fn commit(c: &mut Criterion) {
    let base = Config::parse_text(&big_text()).expect("bench config parses");
    let change = change_text();
    let delta = Config::parse_text(&change).expect("change parses");
    eprintln!("change: {} statements", statements(&delta));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path()).expect("store");
    let meta = CommitMeta {
        user: "bench".into(),
        client: "bench".into(),
        time: chrono::DateTime::default(),
        comment: None,
    };
    store.commit(&base, &meta).expect("first commit");
    let mut g = c.benchmark_group("commit_10k_onto_100k");
    g.sample_size(10);
    g.bench_function("load_merge", |b| {
        b.iter(|| base.load(&change, LoadMode::Merge).expect("loads"))
    });
    let merged = base.load(&change, LoadMode::Merge).expect("loads");
    g.bench_function("validate", |b| b.iter(|| merged.validate().expect("valid")));
    g.bench_function("store_commit", |b| {
        b.iter(|| store.commit(&merged, &meta).expect("commits"))
    });
    g.bench_function("load_validate_commit", |b| {
        b.iter(|| {
            let new = base.load(&change, LoadMode::Merge).expect("loads");
            new.validate().expect("valid");
            store.commit(&new, &meta).expect("commits");
        })
    });
    // The commit pipeline owns its candidate: load in place, no copy of the 100k.
    g.bench_function("load_in_place_validate_commit", |b| {
        b.iter_batched(
            || base.clone(),
            |mut candidate| {
                candidate
                    .load_in_place(&change, PayloadFormat::Text, LoadMode::Merge)
                    .expect("loads");
                candidate.validate().expect("valid");
                store.commit(&candidate, &meta).expect("commits");
                candidate
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, formats, commit);
criterion_main!(benches);
