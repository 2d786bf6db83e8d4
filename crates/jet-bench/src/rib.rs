//! `jet-bench rib`: programs N IPv4 /32 routes in `RouteAdd` batches of B from C clients
//! (each its own connection and `client_id`, up to `--inflight` batches in flight), then
//! optionally streams them back with `RouteGet`. Reports routes/s, batch latency
//! percentiles, the device's RSS before and after (`--pid`), and the RouteGet rate.
//!
//! Route `i` is `10.0.0.0 + i`/32 through 192.0.2.1 in `inet.0`, as
//! `shared/tools/ribbench` does, so the figures compare.

use std::time::Instant;

use anyhow::{bail, Context as _};
use futures::StreamExt as _;
use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress, StatusCode as Rpc};
use jet_sdk::proto::jnx::jet::routing::base::{
    network_address::Af, route_table::RouteTableFormat, NetworkAddress, RouteTable, RouteTableName,
};
use jet_sdk::proto::jnx::jet::routing::rib::{
    rib_client::RibClient, RouteEntry, RouteGateway, RouteGetRequest, RouteInitializeRequest,
    RouteMatch, RouteMatchType, RouteNexthop, RouteUpdateRequest,
};
use jet_sdk::proto::jnx_base as lbase;
use jet_sdk::proto::routing as lg;
use jet_sdk::{ConnectOptions, JetClient};

use crate::stats::{ms, pct};

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct RibArgs {
    pub(crate) target: String,
    pub(crate) user: String,
    pub(crate) password: String,
    pub(crate) routes: u32,
    pub(crate) batch: u32,
    pub(crate) clients: u32,
    pub(crate) inflight: usize,
    pub(crate) pid: Option<u32>,
    pub(crate) get: bool,
    pub(crate) get_decode: GetDecode,
    pub(crate) api: Api,
}

/// Which JET generation programs the routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Api {
    /// `jnx.jet.routing.rib.Rib/RouteAdd` after RouteInitialize.
    Current,
    /// The older generation's `routing.Rib/RouteAdd` (no initialization call).
    Legacy,
}

/// One RouteAdd request of either generation.
enum Add {
    Current(RouteUpdateRequest),
    Legacy(lg::RouteUpdateRequest),
}

impl Add {
    fn len(&self) -> usize {
        match self {
            Add::Current(r) => r.routes.len(),
            Add::Legacy(r) => r.routes.len(),
        }
    }
}

/// The same routes as [`request`], in the older generation's messages.
fn legacy_request(range: std::ops::Range<u32>) -> lg::RouteUpdateRequest {
    let addr = |a: u32| lg::NetworkAddress {
        af: Some(lg::network_address::Af::Inet(lbase::IpAddress {
            addr_format: Some(lbase::ip_address::AddrFormat::AddrString(
                std::net::Ipv4Addr::from(a).to_string(),
            )),
        })),
    };
    lg::RouteUpdateRequest {
        routes: range
            .map(|i| lg::RouteEntry {
                key: Some(lg::RouteMatchFields {
                    dest_prefix: Some(addr(0x0a00_0000 + i)),
                    dest_prefix_len: 32,
                    table: Some(lg::RouteTable {
                        rt_table_format: Some(lg::route_table::RtTableFormat::RttName(
                            lg::RouteTableName {
                                name: "inet.0".into(),
                            },
                        )),
                    }),
                    cookie: 0,
                }),
                nexthop: Some(lg::RouteNexthop {
                    gateways: vec![lg::RouteGateway {
                        gateway_address: Some(addr(0xc000_0201)),
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            })
            .collect(),
    }
}

/// How RouteGet replies are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum GetDecode {
    /// Walk the reply's bytes and count its routes.
    Count,
    /// Decode every route with prost.
    Prost,
}

fn v4(a: u32) -> NetworkAddress {
    NetworkAddress {
        af: Some(Af::Inet(IpAddress {
            addr_format: Some(AddrFormat::AddrString(
                std::net::Ipv4Addr::from(a).to_string(),
            )),
        })),
    }
}

fn inet0() -> Option<RouteTable> {
    Some(RouteTable {
        route_table_format: Some(RouteTableFormat::Name(RouteTableName {
            name: "inet.0".into(),
        })),
    })
}

fn request(range: std::ops::Range<u32>) -> RouteUpdateRequest {
    let gw = 0xc000_0201; // 192.0.2.1
    RouteUpdateRequest {
        routes: range
            .map(|i| RouteEntry {
                key: Some(RouteMatch {
                    dest_prefix: Some(v4(0x0a00_0000 + i)),
                    dest_prefix_len: 32,
                    table: inet0(),
                    cookie: 0,
                }),
                nexthop: Some(RouteNexthop {
                    gateways: vec![RouteGateway {
                        gateway_address: Some(v4(gw)),
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            })
            .collect(),
    }
}

/// `VmRSS` of a process in bytes.
pub(crate) fn rss(pid: u32) -> anyhow::Result<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    let kb: u64 = s
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .context("no VmRSS line")?;
    Ok(kb * 1024)
}

/// CIDR blocks covering exactly `[start, start + n)`.
pub(crate) fn covering(start: u32, n: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let (mut a, end) = (u64::from(start), u64::from(start) + u64::from(n));
    while a < end {
        let mut len = 32u32;
        while len > 0 {
            let size = 1u64 << (33 - len);
            if a % size != 0 || a + size > end {
                break;
            }
            len -= 1;
        }
        out.push((a as u32, len));
        a += 1u64 << (32 - len);
    }
    out
}

async fn setup(
    args: &RibArgs,
    n: u32,
) -> anyhow::Result<(JetClient, RibClient<tonic::transport::Channel>)> {
    let c = JetClient::connect(ConnectOptions::clear_text(args.target.clone())).await?;
    c.login(&args.user, &args.password, &format!("jet-bench-rib-{n}"))
        .await?;
    let mut rib = RibClient::new(c.channel()).max_decoding_message_size(64 << 20);
    if args.api == Api::Legacy {
        // The older generation has no RouteInitialize: the first RouteAdd initializes.
        return Ok((c, rib));
    }
    let r = rib
        .route_initialize(RouteInitializeRequest::default())
        .await?
        .into_inner();
    if r.status.map(|s| s.code) != Some(Rpc::Success as i32) {
        bail!("RouteInitialize failed for client {n}");
    }
    if r.num_client_routes > 0 {
        eprintln!(
            "warning: client {n} still owns {} routes from an earlier run",
            r.num_client_routes
        );
    }
    Ok((c, rib))
}

pub(crate) async fn run(args: RibArgs) -> anyhow::Result<()> {
    if args.routes == 0 || args.batch == 0 || args.batch > 1000 || args.clients == 0 {
        bail!("--routes and --clients must be at least 1, --batch 1 to 1000");
    }
    let mut sessions = Vec::new();
    for n in 0..args.clients {
        sessions.push(setup(&args, n).await?);
    }
    // Requests are built before the clock starts.
    let per = args.routes / args.clients;
    let mut work = Vec::new();
    for n in 0..args.clients {
        let lo = n * per + n.min(args.routes % args.clients);
        let hi = lo + per + u32::from(n < args.routes % args.clients);
        let reqs: Vec<Add> = (lo..hi)
            .step_by(args.batch as usize)
            .map(|s| match args.api {
                Api::Current => Add::Current(request(s..(s + args.batch).min(hi))),
                Api::Legacy => Add::Legacy(legacy_request(s..(s + args.batch).min(hi))),
            })
            .collect();
        work.push(reqs);
    }
    let before = args.pid.map(rss).transpose()?;
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for ((c, rib), reqs) in sessions.iter().zip(work) {
        let rib = rib.clone();
        let legacy = lg::rib_client::RibClient::new(c.channel());
        let inflight = args.inflight;
        tasks.push(tokio::spawn(async move {
            futures::stream::iter(reqs)
                .map(|r| {
                    let (mut rib, mut legacy) = (rib.clone(), legacy.clone());
                    async move {
                        let want = r.len() as u32;
                        let t = Instant::now();
                        let ok = match r {
                            Add::Current(r) => matches!(rib.route_add(r).await,
                                Ok(x) if x.get_ref().operations_completed == want
                                && x.get_ref().status.as_ref().map(|s| s.code) == Some(Rpc::Success as i32)),
                            Add::Legacy(r) => matches!(legacy.route_add(r).await,
                                Ok(x) if x.get_ref().operations_completed == want
                                && x.get_ref().status == lg::RouteOperStatus::Success as i32),
                        };
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
    println!(
        "jet-bench rib ({:?} API): {} routes into inet.0 from {} client(s), batch {}, {} in flight per client",
        args.api, args.routes, args.clients, args.batch, args.inflight
    );
    println!(
        "programmed: {done} routes in {:.3} s: {rate:.0} routes/s",
        wall.as_secs_f64()
    );
    println!(
        "batch latency: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms over {} batches",
        ms(pct(&lat, 50)),
        ms(pct(&lat, 90)),
        ms(pct(&lat, 99)),
        ms(pct(&lat, 100)),
        lat.len()
    );
    let per_route = match (before, after) {
        (Some(b), Some(a)) if done > 0 => {
            let per = (a as f64 - b as f64) / done as f64;
            println!(
                "memory: RSS {:.1} MiB -> {:.1} MiB, {per:.1} bytes/route",
                b as f64 / 1048576.0,
                a as f64 / 1048576.0
            );
            format!("{per:.1}")
        }
        _ => "-".into(),
    };
    let mut get_rate = "-".to_owned();
    if args.get {
        let mut rib = sessions[0].1.clone();
        let t = Instant::now();
        let mut got = 0u64;
        for (a, len) in covering(0x0a00_0000, args.routes) {
            let req = RouteGetRequest {
                key: Some(RouteMatch {
                    dest_prefix: Some(v4(a)),
                    dest_prefix_len: len,
                    table: inet0(),
                    cookie: 0,
                }),
                match_type: RouteMatchType::ExactOrLonger as i32,
                route_count: 1000,
                ..Default::default()
            };
            got += match args.get_decode {
                GetDecode::Prost => {
                    let mut n = 0u64;
                    let mut s = rib.route_get(req).await?.into_inner();
                    while let Some(m) = s.message().await? {
                        if m.status.as_ref().map(|s| s.code) != Some(Rpc::Success as i32) {
                            bail!("RouteGet failed: sub_code {}", m.sub_code);
                        }
                        if m.routes.is_empty() {
                            break;
                        }
                        n += m.routes.len() as u64;
                    }
                    n
                }
                GetDecode::Count => count_get(sessions[0].0.channel(), req).await?,
            };
        }
        let d = t.elapsed();
        let r = got as f64 / d.as_secs_f64();
        println!(
            "get: streamed {got} routes in {:.3} s: {r:.0} routes/s (expected {})",
            d.as_secs_f64(),
            args.routes
        );
        if got != u64::from(args.routes) {
            errors += 1;
        }
        get_rate = format!("{r:.0}");
    }
    println!(
        "jet-bench rib routes={} clients={} batch={} routes_per_s={rate:.0} p50_ms={:.3} p99_ms={:.3} bytes_per_route={per_route} get_routes_per_s={get_rate} errors={errors}",
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

/// One RouteGet, its replies counted without decoding the routes: each reply's status
/// and sub-code are read and its `routes` fields (3) counted; the stream must end with
/// the contract's empty message.
async fn count_get(
    channel: tonic::transport::Channel,
    req: RouteGetRequest,
) -> anyhow::Result<u64> {
    let mut grpc = tonic::client::Grpc::new(channel).max_decoding_message_size(64 << 20);
    grpc.ready().await?;
    let path = http::uri::PathAndQuery::from_static("/jnx.jet.routing.rib.Rib/RouteGet");
    let mut s = grpc
        .server_streaming(tonic::Request::new(req), path, crate::count::CountCodec)
        .await?
        .into_inner();
    let mut n = 0u64;
    while let Some(m) = s.message().await? {
        if m.status != Some(0) || m.sub_code != 0 {
            bail!(
                "RouteGet failed: status {:?}, sub_code {}",
                m.status,
                m.sub_code
            );
        }
        if m.routes == 0 {
            return Ok(n);
        }
        n += m.routes;
    }
    bail!("RouteGet stream ended without its empty last message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_blocks_tile_the_range_exactly() {
        assert_eq!(covering(0x0a00_0000, 1), vec![(0x0a00_0000, 32)]);
        assert_eq!(covering(0x0a00_0000, 1 << 24), vec![(0x0a00_0000, 8)]);
        let blocks = covering(0x0a00_0000, 1_000_000);
        let total: u64 = blocks.iter().map(|(_, l)| 1u64 << (32 - l)).sum();
        assert_eq!(total, 1_000_000);
        assert_eq!(blocks[0], (0x0a00_0000, 13));
    }

    #[test]
    fn requests_carry_one_gateway_and_host_routes() {
        let r = request(5..7);
        assert_eq!(r.routes.len(), 2);
        assert_eq!(
            r.routes[0].key.as_ref().map(|k| k.dest_prefix_len),
            Some(32)
        );
    }
}
