//! A stand-alone broker for benchmarks and the Python tests.
//!
//! usage: broker [PORT] [--bind ADDR] [--allow CIDR]... [--deny-subscribe FILTER]...
//!               [--user NAME:PASSWORD] [--max-connections N] [--max-queued N]
//!               [--max-queued-qos0 N] [--max-inflight N] [--publish-every-ms MS]
//!
//! Defaults: port 1883 on 127.0.0.1, allowing 127.0.0.1/32 and ::1/128. With
//! `--publish-every-ms`, an in-process link publishes a counter on
//! `/junos/events/test/tick` (retained), standing in for the device's daemons.
//! Prints `listening on ADDR` once ready. Stops on SIGINT/SIGTERM or when stdin closes
//! with `--stdin-lifeline`.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use jet_notify::{Broker, BrokerConfig, QoS};

fn parse_cidr(s: &str) -> (IpAddr, u8) {
    let (a, p) = s.split_once('/').unwrap_or((s, ""));
    let ip: IpAddr = a.parse().expect("an IP address");
    let len = p.parse().unwrap_or(if ip.is_ipv4() { 32 } else { 128 });
    (ip, len)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let mut args = std::env::args().skip(1);
    let mut port = 1883u16;
    let mut bind: IpAddr = "127.0.0.1".parse().expect("an address");
    let mut allow = Vec::new();
    let mut deny = Vec::new();
    let mut users: Vec<(String, String)> = Vec::new();
    let mut publish_every = None;
    let mut lifeline = false;
    let mut cfg = BrokerConfig::loopback(SocketAddr::new(bind, port));
    while let Some(a) = args.next() {
        let mut val = || args.next().expect("a value");
        match a.as_str() {
            "--bind" => bind = val().parse().expect("an address"),
            "--allow" => allow.push(parse_cidr(&val())),
            "--deny-subscribe" => deny.push(val()),
            "--user" => {
                let v = val();
                let (u, p) = v.split_once(':').expect("NAME:PASSWORD");
                users.push((u.into(), p.into()));
            }
            "--max-connections" => cfg.max_connections = val().parse().expect("a number"),
            "--max-queued" => cfg.limits.max_queued_messages = val().parse().expect("a number"),
            "--max-queued-bytes" => cfg.limits.max_queued_bytes = val().parse().expect("a number"),
            "--max-publisher-wait-ms" => {
                cfg.limits.max_publisher_wait =
                    Duration::from_millis(val().parse().expect("milliseconds"))
            }
            "--max-inflight" => cfg.limits.max_inflight = val().parse().expect("a number"),
            "--publish-every-ms" => publish_every = Some(val().parse::<u64>().expect("ms")),
            "--stdin-lifeline" => lifeline = true,
            p => port = p.parse().expect("a port"),
        }
    }
    cfg.listeners[0].addr = SocketAddr::new(bind, port);
    if !allow.is_empty() {
        cfg.allow_clients = allow;
    }
    cfg.deny_subscribe = deny;
    if !users.is_empty() {
        cfg.authenticator = Some(jet_notify::blocking_authenticator(
            move |u: &str, p: &[u8]| users.iter().any(|(n, pw)| n == u && pw.as_bytes() == p),
        ));
    }
    let broker = Broker::start(cfg).expect("broker starts");
    for a in broker.local_addrs() {
        println!("listening on {a}");
    }
    if let Some(ms) = publish_every {
        let link = broker.link();
        tokio::spawn(async move {
            let mut n = 0u64;
            loop {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                n += 1;
                let body = format!("{{\"tick\":{n}}}");
                let _ = link.publish(
                    "/junos/events/test/tick",
                    body.into(),
                    QoS::AtLeastOnce,
                    true,
                );
            }
        });
    }
    let stop = async {
        if lifeline {
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
                let _ = tx.send(());
            });
            let _ = rx.await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("signal handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
        _ = stop => {}
    }
    let s = broker.stats();
    eprintln!("stats: {s:?}");
    broker.shutdown().await;
}
