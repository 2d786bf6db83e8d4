//! `jet-bench`: end-to-end measurements against a running `jetd` (or any JET device).
//!
//! `jet-bench session --target 127.0.0.1:32767 --user admin` (password from
//! `JET_PASSWORD`) measures, N times in a row, the full cost of a new JET session:
//! TCP + HTTP/2 connection setup, `Login`, and one `OpCommandGet show version`, and
//! prints the median and tail. Figures go to `docs/benchmarks.md`.
//!
//! `jet-bench rib --routes 1000000 --batch 1000 --clients 4 --pid PID --get` programs
//! routes through `jnx.jet.routing.rib.Rib` and streams them back (see `rib.rs`).
//!
//! `jet-bench config --base 100000 --change 10000 --runs 3` measures the end-to-end
//! commit of a change over `ConfigSet` (see `config.rs`).
//!
//! `jet-bench rpc --sessions 8 [--rate 1000]` measures unary calls per second from
//! several sessions, or their latency at a fixed rate (see `rpc.rs`).
//!
//! `jet-bench apps --data-dir DIR [--python python/] [--pid PID]` measures on-box app
//! start (commit -> the app's first action) and jetd's CPU with idle apps (see
//! `apps.rs`).
//!
//! `jet-bench proxy --sessions 8 --rounds 3` compares unary calls/s of an app API
//! registered with the device and called through jsd against direct calls to the app
//! (see `proxy.rs`).
//!
//! `jet-bench echo-app` serves that app in a process of its own, and `jet-bench
//! bare-relay --app ADDR` relays calls with nothing but `h2` (a yardstick for the proxy;
//! see `relay.rs`).
//!
//! `jet-bench firewall --setup --terms 10000 --pid PID --flows 100 --pps 1000000` measures
//! filter programming (terms/s), bind latency and the CPU of simulated flows (see
//! `firewall.rs`).

mod apps;
mod bgp;
mod config;
mod count;
mod events;
mod firewall;
mod proxy;
mod relay;
mod rib;
mod rpc;
mod stats;

use std::time::Instant;

use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};

use crate::stats::{ms, pct};

#[derive(Debug, Parser)]
#[command(name = "jet-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Firewall: FilterAdd/FilterModify terms/s, bind latency, CPU of simulated flows.
    Firewall {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Terms in the programmed filter.
        #[arg(long, default_value_t = 10_000)]
        terms: u32,
        /// FilterAdd + FilterModify runs.
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// FilterBindAdd + FilterBindDelete pairs timed.
        #[arg(long, default_value_t = 200)]
        binds: u32,
        /// Unit the filter is bound to and flows enter.
        #[arg(long, default_value = "ge-0/0/0.0")]
        interface: String,
        /// Simulated flows (with --pid).
        #[arg(long, default_value_t = 100)]
        flows: u32,
        /// Packets per second of each flow.
        #[arg(long, default_value_t = 1_000_000)]
        pps: u64,
        /// CPU measurement window, idle and with the flows.
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
        /// The device's process id: measure its CPU with and without the flows.
        #[arg(long)]
        pid: Option<u32>,
        /// Commit an address on --interface and a route for the flows first.
        #[arg(long)]
        setup: bool,
    },
    /// Connection setup + Login + OpCommandGet latency, one session after another.
    Session {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Number of sessions.
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Operational command run on each session.
        #[arg(long, default_value = "show version")]
        command: String,
    },
    /// Commit latency over ConfigSet: a change of N statements onto a base of M.
    Config {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Statements in the base configuration loaded first.
        #[arg(long, default_value_t = 100_000)]
        base: u32,
        /// Statements in each measured change.
        #[arg(long, default_value_t = 10_000)]
        change: u32,
        /// Measured commits.
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// Event latency: a link change acknowledged over gRPC -> its jet-event over MQTT.
    Events {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// `host:port` of the device's notification service (MQTT).
        #[arg(long, default_value = "127.0.0.1:1883")]
        mqtt: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Interface whose link is flapped.
        #[arg(long, default_value = "ge-0/0/9")]
        interface: String,
        /// Number of changes.
        #[arg(long, default_value_t = 5000)]
        count: usize,
        /// Changes per second.
        #[arg(long, default_value_t = 1000)]
        rate: u32,
    },
    /// Unary calls from S sessions: calls/s with a fixed number in flight, or latency at a
    /// fixed rate.
    Rpc {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Sessions (connections), each logged in with its own client id.
        #[arg(long, default_value_t = 8)]
        sessions: usize,
        /// Calls outstanding per session (throughput mode).
        #[arg(long, default_value_t = 16)]
        inflight: usize,
        /// How long to run.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Total calls per second over all sessions; 0 = as fast as possible.
        #[arg(long, default_value_t = 0)]
        rate: u32,
        /// Interface read by each InterfaceGet (it must have a configured unit).
        #[arg(long, default_value = "ge-0/0/0.0")]
        interface: String,
    },
    /// Registration proxy: an app API called through jsd against direct calls to the app.
    Proxy {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Sessions (connections) each way.
        #[arg(long, default_value_t = 8)]
        sessions: usize,
        /// Calls outstanding per session.
        #[arg(long, default_value_t = 16)]
        inflight: usize,
        /// Seconds of each run.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Direct/proxied run pairs (the medians are reported).
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Each run is cut into this many slices, direct and proxied alternating slice by
        /// slice, so that a machine whose speed drifts during a round affects both alike.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        slices: u16,
        /// Request (and reply) size in bytes.
        #[arg(long, default_value_t = 64)]
        payload: usize,
        /// `host:port` of an app server of the bench API (`openjet.bench.v1.Echo/Say`,
        /// bytes echoed; `scripts/bench-echo-app.py` is one in Python) to measure instead
        /// of the tool's own.
        #[arg(long)]
        app: Option<String>,
    },
    /// The bench app of `proxy` (`openjet.bench.v1.Echo/Say`) in a process of its own,
    /// as a Rust JET app runs; measure it with `proxy --app`.
    EchoApp {
        /// Address to listen on (port 0: a free one; the address is printed).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
    },
    /// A yardstick for `proxy`: relays calls with `h2` alone (no login, no checks), bench
    /// calls to the app over one connection, the rest to the device; point `proxy
    /// --target` at it.
    BareRelay {
        /// Address to listen on (port 0: a free one; the address is printed).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
        /// `host:port` of the bench app (`jet-bench echo-app`).
        #[arg(long)]
        app: String,
        /// `host:port` of the device's clear-text JET service (Login, ApiRegister).
        #[arg(long, default_value = "127.0.0.1:32767")]
        device: String,
    },
    /// Program N routes in RouteAdd batches from C clients; optionally stream them back.
    Rib {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Total IPv4 /32 routes (10.0.0.0 upwards).
        #[arg(long, default_value_t = 1_000_000)]
        routes: u32,
        /// Routes per RouteAdd (1-1000).
        #[arg(long, default_value_t = 1000)]
        batch: u32,
        /// Concurrent clients, each with its own connection and client id.
        #[arg(long, default_value_t = 1)]
        clients: u32,
        /// RouteAdd requests in flight per client.
        #[arg(long, default_value_t = 4)]
        inflight: usize,
        /// Process id of jetd, to report its RSS before and after.
        #[arg(long)]
        pid: Option<u32>,
        /// Stream the routes back with RouteGet and report the rate.
        #[arg(long)]
        get: bool,
        /// How the RouteGet replies are read: `count` walks each reply's bytes and counts
        /// its routes (the device's streaming rate), `prost` decodes every route into
        /// messages as a typical app does (the rate such an app sees).
        #[arg(long, value_enum, default_value_t = rib::GetDecode::Count)]
        get_decode: rib::GetDecode,
        /// Which generation programs the routes: `current` (jnx.jet.routing.rib.Rib) or
        /// `legacy` (the older routing.Rib).
        #[arg(long, value_enum, default_value_t = rib::Api::Current)]
        api: rib::Api,
    },
    /// On-box app start latency (commit -> app up) and jetd's CPU with idle apps.
    Apps {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// jetd's data directory (on this host): the apps are written to its scripts/jet.
        #[arg(long)]
        data_dir: std::path::PathBuf,
        /// Starts measured per kind of app.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// The OpenJET Python SDK directory (`python/`): also measure a Python app whose
        /// first action is a JET call over the local socket.
        #[arg(long)]
        python: Option<std::path::PathBuf>,
        /// Idle apps for the CPU measurement (needs --pid).
        #[arg(long, default_value_t = 50)]
        idle: usize,
        /// jetd's process id, to read its CPU time.
        #[arg(long)]
        pid: Option<u32>,
        /// Seconds of each CPU measurement window.
        #[arg(long, default_value_t = 20)]
        window: u64,
    },
    /// Program N BGP-static routes (with attributes) through the BGP route service.
    Bgp {
        /// `host:port` of the device's clear-text JET service.
        #[arg(long, default_value = "127.0.0.1:32767")]
        target: String,
        /// User to log in as (password from the JET_PASSWORD environment variable).
        #[arg(long, default_value = "admin")]
        user: String,
        /// Total IPv4 /32 routes (10.0.0.0 upwards).
        #[arg(long, default_value_t = 1_000_000)]
        routes: u32,
        /// Routes per RouteAdd (1-1000).
        #[arg(long, default_value_t = 1000)]
        batch: u32,
        /// Concurrent clients, each with its own connection and client id.
        #[arg(long, default_value_t = 1)]
        clients: u32,
        /// RouteAdd requests in flight per client.
        #[arg(long, default_value_t = 4)]
        inflight: usize,
        /// Process id of jetd, to report its RSS before and after.
        #[arg(long)]
        pid: Option<u32>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Firewall {
            target,
            user,
            terms,
            runs,
            binds,
            interface,
            flows,
            pps,
            seconds,
            pid,
            setup,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            firewall::run(firewall::FirewallArgs {
                target,
                user,
                password,
                terms,
                runs: runs.max(1),
                binds,
                interface,
                flows,
                pps,
                seconds,
                pid,
                setup,
            })
            .await
        }
        Cmd::Session {
            target,
            user,
            count,
            command,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            session(&target, &user, &password, count, &command).await
        }
        Cmd::Config {
            target,
            user,
            base,
            change,
            runs,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            config::run(config::ConfigArgs {
                target,
                user,
                password,
                base,
                change,
                runs,
            })
            .await
        }
        Cmd::Events {
            target,
            mqtt,
            user,
            interface,
            count,
            rate,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            events::run(events::EventArgs {
                target,
                mqtt,
                user,
                password,
                interface,
                count,
                rate,
            })
            .await
        }
        Cmd::Rpc {
            target,
            user,
            sessions,
            inflight,
            seconds,
            rate,
            interface,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            rpc::run(rpc::RpcArgs {
                target,
                user,
                password,
                sessions,
                inflight,
                seconds,
                rate,
                interface,
            })
            .await
        }
        Cmd::EchoApp { listen } => proxy::echo_app(&listen).await,
        Cmd::BareRelay {
            listen,
            app,
            device,
        } => relay::run(&listen, &app, &device).await,
        Cmd::Proxy {
            target,
            user,
            sessions,
            inflight,
            seconds,
            rounds,
            slices,
            payload,
            app,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            proxy::run(proxy::ProxyArgs {
                app,
                target,
                user,
                password,
                sessions,
                inflight,
                seconds,
                rounds,
                slices: usize::from(slices),
                payload,
            })
            .await
        }
        Cmd::Rib {
            target,
            user,
            routes,
            batch,
            clients,
            inflight,
            pid,
            get,
            get_decode,
            api,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            rib::run(rib::RibArgs {
                target,
                user,
                password,
                routes,
                batch,
                clients,
                inflight: inflight.max(1),
                pid,
                get,
                get_decode,
                api,
            })
            .await
        }
        Cmd::Apps {
            target,
            user,
            data_dir,
            runs,
            python,
            idle,
            pid,
            window,
        } => {
            let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
            apps::run(apps::AppsArgs {
                target,
                user,
                password,
                data_dir,
                runs,
                python,
                idle,
                pid,
                window: std::time::Duration::from_secs(window),
            })
            .await
        }
        Cmd::Bgp {
            target,
            user,
            routes,
            batch,
            clients,
            inflight,
            pid,
        } => bgp_cmd(target, user, routes, batch, clients, inflight, pid).await,
    }
}

/// `jet-bench bgp`.
async fn bgp_cmd(
    target: String,
    user: String,
    routes: u32,
    batch: u32,
    clients: u32,
    inflight: usize,
    pid: Option<u32>,
) -> anyhow::Result<()> {
    let password = std::env::var("JET_PASSWORD").context("set JET_PASSWORD")?;
    bgp::run(rib::RibArgs {
        target,
        user,
        password,
        routes,
        batch,
        clients,
        inflight: inflight.max(1),
        pid,
        get: false,
        api: rib::Api::Current,
        get_decode: rib::GetDecode::Count,
    })
    .await
}

async fn session(
    target: &str,
    user: &str,
    password: &str,
    count: usize,
    command: &str,
) -> anyhow::Result<()> {
    if count == 0 {
        bail!("--count must be at least 1");
    }
    let mut total = Vec::with_capacity(count);
    let mut connect = Vec::with_capacity(count);
    let mut login = Vec::with_capacity(count);
    let mut op = Vec::with_capacity(count);
    for i in 0..count {
        let t0 = Instant::now();
        let c = JetClient::connect(ConnectOptions::clear_text(target)).await?;
        let t1 = Instant::now();
        c.login(user, password, &format!("jet-bench-{i}")).await?;
        let t2 = Instant::now();
        let out = c.op_command(command, OutputFormat::Text).await?;
        let t3 = Instant::now();
        if out.is_empty() {
            bail!("empty output for '{command}'");
        }
        connect.push(t1 - t0);
        login.push(t2 - t1);
        op.push(t3 - t2);
        total.push(t3 - t0);
        // Close the session before the next one (max-connections is small by default).
        drop(c);
    }
    println!("jet-bench session: {count} sessions against {target}, command '{command}'");
    for (name, v) in [
        ("connect", &mut connect),
        ("login", &mut login),
        ("op-command", &mut op),
        ("total", &mut total),
    ] {
        v.sort();
        println!(
            "  {name:<11} median {:>8.3} ms   p90 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms",
            ms(pct(v, 50)),
            ms(pct(v, 90)),
            ms(pct(v, 99)),
            ms(pct(v, 100))
        );
    }
    Ok(())
}
