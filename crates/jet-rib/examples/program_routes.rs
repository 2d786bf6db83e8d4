//! Programs a million /24 routes (one gateway each, batches of 1,000, as the packet-walk
//! bench does) into a bare RIB and prints the time per route, the memory per route (RSS
//! before and after) and the longest-prefix lookups per second over them: a quick check
//! of the table's costs without a device (`cargo run --release -p jet-rib --example
//! program_routes [ROUTES]`).

use std::net::Ipv4Addr;
use std::time::Instant;

use jet_rib::{Batch, Defaults, Gateway, Prefix, Rib, RouteSpec, SetOp, TableRef};

fn rss_bytes() -> u64 {
    // Second field of /proc/self/statm: resident pages.
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn main() {
    let routes: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut rib = Rib::new();
    let (client, _) = rib.clients.initialize("bench", 1, Defaults::default());
    let before = rss_bytes();
    let start = Instant::now();
    let mut changes = Vec::new();
    for b in 0..routes.div_ceil(1000) {
        let mut batch = Batch::with_capacity(1000);
        let table = batch.table_index(TableRef::Name("inet.0".into()));
        for i in b * 1000..((b + 1) * 1000).min(routes) {
            let gw_start = batch.gateways.len() as u32;
            batch
                .gateways
                .push(Gateway::via("10.1.0.2".parse().expect("gw")));
            let net = Ipv4Addr::from(0x1000_0000 + (i << 8));
            batch.routes.push(RouteSpec::new(
                table,
                Prefix::v4(net, 24).expect("prefix"),
                gw_start,
                1,
            ));
        }
        let out = rib.apply(client, SetOp::Add, &mut batch, 0, &mut changes);
        assert!(out.error.is_none(), "{:?}", out.error);
        changes.clear();
    }
    let secs = start.elapsed().as_secs_f64();
    let after = rss_bytes();
    let tid = rib.table_id("inet.0").expect("inet.0");
    let table = rib.table(tid).expect("table");
    let lookups = 4_000_000u32;
    let t = Instant::now();
    let mut found = 0u32;
    for k in 0..lookups {
        let i = (k.wrapping_mul(7919)) % routes;
        let host = Prefix::host(Ipv4Addr::from(0x1000_0000 + (i << 8) + 1).into());
        found += u32::from(table.lpm(&host, |_| true).is_some());
    }
    let lsecs = t.elapsed().as_secs_f64();
    assert_eq!(found, lookups);
    println!(
        "{routes} routes: {:.0} ns/route ({:.2} M routes/s), {:.1} bytes/route (RSS), lpm {:.1} M lookups/s",
        secs * 1e9 / f64::from(routes),
        f64::from(routes) / secs / 1e6,
        after.saturating_sub(before) as f64 / f64::from(routes),
        f64::from(lookups) / lsecs / 1e6
    );
}
