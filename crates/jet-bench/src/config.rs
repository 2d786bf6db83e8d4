//! `jet-bench config`: end-to-end commit latency over JET `ConfigSet`.
//!
//! Loads a base configuration of `--base` statements (static routes
//! `routing-options static route 10.x.y.z/32 next-hop 192.0.2.1`, one statement each),
//! then, `--runs` times, commits a change of `--change` new statements with one
//! `ConfigSet` (MERGE, curly-brace text) and measures the RPC from send to reply: load,
//! validation, every subsystem's prepare/apply and the durable write included. Prints
//! each run and the median.

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::time::Instant;

use anyhow::{bail, Context as _};
use jet_sdk::proto::jnx::jet::management::ConfigLoadType;
use jet_sdk::{ConnectOptions, JetClient};

use crate::stats::ms;

/// Statements per `ConfigSet` while loading the base (about 2 MiB of text).
const BASE_CHUNK: u32 = 40_000;

/// What `jet-bench config` was asked to do.
pub(crate) struct ConfigArgs {
    pub(crate) target: String,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) base: u32,
    pub(crate) change: u32,
    pub(crate) runs: u32,
}

/// Curly-brace text with `count` static routes starting at route number `first`.
fn routes(first: u32, count: u32) -> String {
    let mut s = String::with_capacity(count as usize * 56 + 64);
    s.push_str("routing-options {\n    static {\n");
    for i in first..first + count {
        let a = Ipv4Addr::from(0x0a00_0000u32 + i);
        let _ = writeln!(s, "        route {a}/32 {{ next-hop 192.0.2.1; }}");
    }
    s.push_str("    }\n}\n");
    s
}

pub(crate) async fn run(a: ConfigArgs) -> anyhow::Result<()> {
    if a.runs == 0 || a.change == 0 {
        bail!("--runs and --change must be at least 1");
    }
    let c = JetClient::connect(ConnectOptions::clear_text(&a.target))
        .await
        .with_context(|| format!("connecting to {}", a.target))?;
    c.login(&a.user, &a.password, "jet-bench-config").await?;

    // The base goes in chunks: one payload of 100,000 routes is over gRPC's default
    // 4 MiB message limit.
    let t = Instant::now();
    let mut loaded = 0;
    while loaded < a.base {
        let n = BASE_CHUNK.min(a.base - loaded);
        c.config_set_text(
            &routes(loaded, n),
            ConfigLoadType::ConfigLoadMerge,
            "jet-bench base",
        )
        .await
        .context("loading the base configuration")?;
        loaded += n;
    }
    println!(
        "base: {} statements committed in {:.1} ms",
        a.base,
        ms(t.elapsed())
    );

    let mut times = Vec::new();
    for run in 0..a.runs {
        let text = routes(a.base + run * a.change, a.change);
        let t = Instant::now();
        c.config_set_text(
            &text,
            ConfigLoadType::ConfigLoadMerge,
            &format!("jet-bench change {run}"),
        )
        .await
        .with_context(|| format!("run {run}"))?;
        let d = t.elapsed();
        println!(
            "run {run}: {} statements onto {} in {:.1} ms",
            a.change,
            a.base + run * a.change,
            ms(d)
        );
        times.push(d);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "median of {} runs: {:.1} ms per {}-statement commit",
        times.len(),
        ms(median),
        a.change
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_numbered_from_first_and_one_per_line() {
        let t = routes(256, 2);
        assert!(
            t.contains("route 10.0.1.0/32 { next-hop 192.0.2.1; }"),
            "{t}"
        );
        assert!(t.contains("route 10.0.1.1/32"), "{t}");
        assert_eq!(t.matches("route ").count(), 2);
    }
}
