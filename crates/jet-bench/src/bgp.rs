//! `jet-bench bgp`: programs N BGP-static IPv4 /32 routes through
//! `jnx.jet.routing.bgp.Bgp/RouteAdd` in batches of B from C clients (each its own
//! connection and `client_id`, up to `--inflight` batches in flight), with LOCAL_PREF,
//! an AS path and a community on every route. Reports routes/s, batch latency
//! percentiles and, with `--pid`, the device's RSS growth per route: the BGP figures
//! that sit beside `jet-bench rib`'s.
//!
//! Route `i` is `10.0.0.0 + i`/32, protocol next hop 192.0.2.1, in `inet.0` (the device
//! needs `protocols bgp` configured).

use std::time::Instant;

use anyhow::bail;
use futures::StreamExt as _;
use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress, StatusCode as Rpc};
use jet_sdk::proto::jnx::jet::routing::base::{
    route_prefix::RoutePrefixAf, route_table::RouteTableFormat, AsPath, Communities, Community,
    RoutePrefix, RouteTable, RouteTableName,
};
use jet_sdk::proto::jnx::jet::routing::bgp::{
    bgp_client::BgpClient, InitializeRequest, RouteEntry, RouteMatch, RouteUpdateRequest,
};
use jet_sdk::{ConnectOptions, JetClient};

use crate::rib::{rss, RibArgs};
use crate::stats::{ms, pct};

fn ip(a: u32) -> IpAddress {
    IpAddress {
        addr_format: Some(AddrFormat::AddrString(
            std::net::Ipv4Addr::from(a).to_string(),
        )),
    }
}

fn request(range: std::ops::Range<u32>) -> RouteUpdateRequest {
    RouteUpdateRequest {
        routes: range
            .map(|i| RouteEntry {
                key: Some(RouteMatch {
                    dest_prefix: Some(RoutePrefix {
                        route_prefix_af: Some(RoutePrefixAf::Inet(ip(0x0a00_0000 + i))),
                    }),
                    dest_prefix_len: 32,
                    table: Some(RouteTable {
                        route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                            name: "inet.0".into(),
                        })),
                    }),
                    communities: Some(Communities {
                        communities: vec![Community {
                            community: "65000:100".into(),
                        }],
                    }),
                    ..Default::default()
                }),
                local_preference: Some(200),
                aspath: Some(AsPath {
                    aspath: "65001 65002".into(),
                }),
                protocol_nexthops: vec![ip(0xc000_0201)],
                ..Default::default()
            })
            .collect(),
    }
}

async fn setup(
    args: &RibArgs,
    n: u32,
) -> anyhow::Result<(JetClient, BgpClient<tonic::transport::Channel>)> {
    let c = JetClient::connect(ConnectOptions::clear_text(args.target.clone())).await?;
    c.login(&args.user, &args.password, &format!("jet-bench-bgp-{n}"))
        .await?;
    let mut bgp = BgpClient::new(c.channel());
    let r = bgp
        .initialize(InitializeRequest::default())
        .await?
        .into_inner();
    if r.status.as_ref().map(|s| s.code) != Some(Rpc::Success as i32) {
        bail!(
            "Initialize failed for client {n}: {:?} (is protocols bgp configured?)",
            r.status.map(|s| s.message)
        );
    }
    Ok((c, bgp))
}

pub(crate) async fn run(args: RibArgs) -> anyhow::Result<()> {
    if args.routes == 0 || args.batch == 0 || args.batch > 1000 || args.clients == 0 {
        bail!("--routes and --clients must be at least 1, --batch 1 to 1000");
    }
    let mut sessions = Vec::new();
    for n in 0..args.clients {
        sessions.push(setup(&args, n).await?);
    }
    let per = args.routes / args.clients;
    let mut work = Vec::new();
    for n in 0..args.clients {
        let lo = n * per + n.min(args.routes % args.clients);
        let hi = lo + per + u32::from(n < args.routes % args.clients);
        let reqs: Vec<RouteUpdateRequest> = (lo..hi)
            .step_by(args.batch as usize)
            .map(|s| request(s..(s + args.batch).min(hi)))
            .collect();
        work.push(reqs);
    }
    let before = args.pid.map(rss).transpose()?;
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for ((_, bgp), reqs) in sessions.iter().zip(work) {
        let bgp = bgp.clone();
        let inflight = args.inflight;
        tasks.push(tokio::spawn(async move {
            futures::stream::iter(reqs)
                .map(|r| {
                    let mut bgp = bgp.clone();
                    async move {
                        let want = r.routes.len() as u32;
                        let t = Instant::now();
                        let res = bgp.route_add(r).await;
                        let ok = matches!(&res, Ok(x) if x.get_ref().operations_completed == want
                            && x.get_ref().sub_code == 0);
                        (t.elapsed(), if ok { want } else { 0 }, ok)
                    }
                })
                .buffer_unordered(inflight)
                .collect::<Vec<_>>()
                .await
        }));
    }
    let mut lat = Vec::new();
    let (mut done, mut errors) = (0u64, 0u64);
    for t in tasks {
        for (d, n, ok) in t.await? {
            lat.push(d);
            done += u64::from(n);
            errors += u64::from(!ok);
        }
    }
    let wall = t0.elapsed();
    let after = args.pid.map(rss).transpose()?;
    lat.sort();
    let rate = done as f64 / wall.as_secs_f64();
    let per_route = match (before, after) {
        (Some(b), Some(a)) if done > 0 => format!("{:.1}", (a as f64 - b as f64) / done as f64),
        _ => "-".into(),
    };
    println!(
        "jet-bench bgp routes={} clients={} batch={} routes_per_s={rate:.0} p50_ms={:.3} p99_ms={:.3} bytes_per_route={per_route} errors={errors}",
        args.routes,
        args.clients,
        args.batch,
        ms(pct(&lat, 50)),
        ms(pct(&lat, 99)),
    );
    drop(sessions);
    if errors > 0 {
        bail!("{errors} errors");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn requests_carry_one_protocol_next_hop_and_attributes() {
        let r = super::request(0..3);
        assert_eq!(r.routes.len(), 3);
        assert_eq!(r.routes[2].protocol_nexthops.len(), 1);
        assert_eq!(r.routes[0].local_preference, Some(200));
    }
}
