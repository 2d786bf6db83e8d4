//! `jet-bench firewall`: the Firewall API's figures over gRPC, and the CPU cost of
//! simulated flows.
//!
//! - programming: FilterAdd of a `--terms`-term filter (one /32 + TCP port per term, as a
//!   per-subscriber filter looks), then FilterModify replacing every term, `--runs` times;
//!   terms/s of each (request encoding and the round trip included);
//! - bind latency: FilterBindAdd + FilterBindDelete of that filter on `--interface`,
//!   `--binds` times; median and p99 of each call;
//! - flows (with `--pid`): CPU of the device over `--seconds` with no flow, then with
//!   `--flows` simulated flows of `--pps` packets/s each through the bound filter (16
//!   sample packets per flow, walked once per second), from `/proc/PID/stat`, in % of one
//!   core.
//!
//! The device needs `--interface` (a unit with an address) and a route for the flows'
//! destination; `--setup` commits a minimal such configuration first.

use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use jet_sdk::firewall::{
    bind_interface, inet_filter, inet_filter_delete, inet_filter_modify, unbind_interface, Dir,
    InetTerm,
};
use jet_sdk::proto::jnx::jet::firewall::firewall_client::FirewallClient;
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
use tonic::transport::Channel;

use crate::stats::{ms, pct};

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct FirewallArgs {
    pub(crate) target: String,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) terms: u32,
    pub(crate) runs: u32,
    pub(crate) binds: u32,
    pub(crate) interface: String,
    pub(crate) flows: u32,
    pub(crate) pps: u64,
    pub(crate) seconds: f64,
    pub(crate) pid: Option<u32>,
    pub(crate) setup: bool,
}

const FILTER: &str = "jet-bench-fw";

fn terms(n: u32, port_base: u32) -> Vec<InetTerm> {
    (0..n)
        .map(|i| {
            let a = 0x0a00_0000u32 + i;
            let dst = format!(
                "{}.{}.{}.{}/32",
                a >> 24,
                (a >> 16) & 255,
                (a >> 8) & 255,
                a & 255
            );
            InetTerm::new(&format!("t{i}"))
                .dst(&dst)
                .protocol(6)
                .dst_port(port_base + i % 100)
                .count(&format!("c{i}"))
        })
        .collect()
}

fn check(
    what: &str,
    status: Option<&jet_sdk::proto::jnx::jet::common::RpcStatus>,
    sub: i32,
) -> anyhow::Result<()> {
    match status {
        Some(s) if s.code == 0 && sub == 0 => Ok(()),
        Some(s) => bail!("{what} refused: sub-code {sub}: {}", s.message),
        None => bail!("{what}: reply without a status"),
    }
}

async fn program(fw: &mut FirewallClient<Channel>, n: u32) -> anyhow::Result<(f64, f64)> {
    let add = inet_filter(
        FILTER,
        terms(n, 1000).into_iter().map(InetTerm::accept).collect(),
    );
    let t = Instant::now();
    let r = fw.filter_add(add).await?.into_inner();
    let add_s = t.elapsed().as_secs_f64();
    check("FilterAdd", r.status.as_ref(), r.sub_code)?;
    let ops = terms(n, 2000)
        .into_iter()
        .map(|t| t.replace().accept())
        .collect();
    let t = Instant::now();
    let r = fw
        .filter_modify(inet_filter_modify(FILTER, ops))
        .await?
        .into_inner();
    let modify_s = t.elapsed().as_secs_f64();
    check("FilterModify", r.status.as_ref(), r.sub_code)?;
    Ok((f64::from(n) / add_s, f64::from(n) / modify_s))
}

/// CPU seconds (user + system) used so far by `pid`.
fn cpu_seconds(pid: u32) -> anyhow::Result<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = s
        .rsplit_once(')')
        .map(|(_, r)| r)
        .context("malformed stat")?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // rest[0] is field 3 (state): utime is field 14, stime field 15.
    let utime: f64 = f.get(11).and_then(|v| v.parse().ok()).context("utime")?;
    let stime: f64 = f.get(12).and_then(|v| v.parse().ok()).context("stime")?;
    Ok((utime + stime) / 100.0) // USER_HZ is 100 on Linux
}

async fn cpu_share(pid: u32, secs: f64) -> anyhow::Result<f64> {
    let c0 = cpu_seconds(pid)?;
    let t = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    let used = cpu_seconds(pid)? - c0;
    Ok(100.0 * used / t.elapsed().as_secs_f64())
}

pub(crate) async fn run(a: FirewallArgs) -> anyhow::Result<()> {
    let c = JetClient::connect(ConnectOptions::clear_text(a.target.clone())).await?;
    c.login(&a.user, &a.password, "jet-bench-firewall").await?;
    if a.setup {
        let unit = a
            .interface
            .split_once('.')
            .context("--interface is a unit, like ge-0/0/0.0")?;
        let cfg = format!(
            "interfaces {{ {} {{ unit {} {{ family inet {{ address 10.255.0.1/24; }} }} }} \
             ge-0/0/9 {{ unit 0 {{ family inet {{ address 10.254.0.1/24; }} }} }} }} \
             routing-options {{ static {{ route 10.0.0.0/8 next-hop 10.254.0.2; }} }}",
            unit.0, unit.1
        );
        c.config_set_text(&cfg, ConfigLoadType::ConfigLoadMerge, "jet-bench firewall")
            .await?;
    }
    let mut fw = c.firewall();
    // A leftover of an interrupted run.
    let _ = fw.filter_delete(inet_filter_delete(FILTER)).await;

    println!(
        "# FilterAdd / FilterModify of a {}-term filter, {} runs",
        a.terms, a.runs
    );
    let (mut adds, mut mods) = (Vec::new(), Vec::new());
    for run in 0..a.runs {
        let (add, modify) = program(&mut fw, a.terms).await?;
        println!(
            "run {}: FilterAdd {add:.0} terms/s, FilterModify (replace all) {modify:.0} terms/s",
            run + 1
        );
        adds.push(add);
        mods.push(modify);
        if run + 1 < a.runs {
            let r = fw
                .filter_delete(inet_filter_delete(FILTER))
                .await?
                .into_inner();
            check("FilterDelete", r.status.as_ref(), r.sub_code)?;
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "median: FilterAdd {:.0} terms/s, FilterModify {:.0} terms/s",
        median(&mut adds),
        median(&mut mods)
    );

    let (mut bind, mut unbind) = (Vec::new(), Vec::new());
    for _ in 0..a.binds {
        let t = Instant::now();
        let r = fw
            .filter_bind_add(bind_interface(FILTER, &a.interface, Dir::Input))
            .await?
            .into_inner();
        bind.push(t.elapsed());
        check("FilterBindAdd", r.status.as_ref(), r.sub_code)?;
        let t = Instant::now();
        let r = fw
            .filter_bind_delete(unbind_interface(FILTER, &a.interface, Dir::Input))
            .await?
            .into_inner();
        unbind.push(t.elapsed());
        check("FilterBindDelete", r.status.as_ref(), r.sub_code)?;
    }
    bind.sort();
    unbind.sort();
    println!(
        "bind latency ({} binds of the {}-term filter): FilterBindAdd p50 {:.3} ms p99 {:.3} ms; \
         FilterBindDelete p50 {:.3} ms p99 {:.3} ms",
        a.binds,
        a.terms,
        ms(pct(&bind, 50)),
        ms(pct(&bind, 99)),
        ms(pct(&unbind, 50)),
        ms(pct(&unbind, 99))
    );

    if let Some(pid) = a.pid {
        let r = fw
            .filter_bind_add(bind_interface(FILTER, &a.interface, Dir::Input))
            .await?
            .into_inner();
        check("FilterBindAdd", r.status.as_ref(), r.sub_code)?;
        let idle = cpu_share(pid, a.seconds).await?;
        for i in 0..a.flows {
            // Each flow: 16 sources x 16 destinations inside the filter's /32s, TCP.
            let cmd = format!(
                "request interface simulate-traffic {} source 192.0.2.{}/16 destination 10.0.{}.0/16 \
                 rate {} size 500 protocol tcp source-port 1024-2047 destination-port 1000-1099",
                a.interface,
                i % 200 + 1,
                i % 39,
                a.pps
            );
            c.op_command(&cmd, OutputFormat::Text).await?;
        }
        // Let the first ticks pass before measuring.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let busy = cpu_share(pid, a.seconds).await?;
        c.op_command(
            "request interface simulate-traffic stop",
            OutputFormat::Text,
        )
        .await?;
        println!(
            "CPU of pid {pid} over {:.0} s: idle {idle:.2}% of a core; with {} flows of {} pps: \
             {busy:.2}% (flows cost {:.2}% of a core)",
            a.seconds,
            a.flows,
            a.pps,
            busy - idle
        );
        let r = fw
            .filter_bind_delete(unbind_interface(FILTER, &a.interface, Dir::Input))
            .await?
            .into_inner();
        check("FilterBindDelete", r.status.as_ref(), r.sub_code)?;
    }
    let r = fw
        .filter_delete(inet_filter_delete(FILTER))
        .await?
        .into_inner();
    check("FilterDelete", r.status.as_ref(), r.sub_code)?;
    Ok(())
}
