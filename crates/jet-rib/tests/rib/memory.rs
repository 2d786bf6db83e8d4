//! Memory per programmed route, measured as RSS growth of this process. Run in release:
//! `cargo test -p jet-rib --release --test rib -- --ignored --nocapture memory`.

use jet_rib::{Batch, Gateway, Prefix, SetOp};

fn rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
#[ignore = "measurement; run in release with --nocapture"]
fn memory_per_route_for_a_million_slash_32_routes() {
    const N: u32 = 1_000_000;
    let (mut rib, c) = crate::rib_with_client();
    let before = rss_bytes().unwrap_or(0);
    let gw = Gateway::via("192.0.2.1".parse().unwrap());
    let mut changes = Vec::with_capacity(1000);
    for chunk in 0..(N / 1000) {
        let mut b = Batch::with_capacity(1000);
        for i in 0..1000u32 {
            let a = 0x0a00_0000 + chunk * 1000 + i;
            crate::push_spec(&mut b, "inet.0", Prefix::V4(a, 32), 0, vec![gw.clone()]);
        }
        changes.clear();
        let out = rib.apply(c, SetOp::Add, &mut b, 0, &mut changes);
        assert_eq!(out.error, None);
    }
    let after = rss_bytes().unwrap_or(0);
    let per = (after.saturating_sub(before)) as f64 / f64::from(N);
    println!("jet-rib memory: {N} routes, RSS {before} -> {after} bytes, {per:.1} bytes/route");
    assert_eq!(
        rib.table(rib.table_id("inet.0").unwrap()).unwrap().routes(),
        u64::from(N)
    );
}
