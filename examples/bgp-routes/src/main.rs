//! `bgp-routes`: an example JET app for a route reflector or a traffic-engineering
//! controller, programming BGP-static routes with attributes through
//! `jnx.jet.routing.bgp.Bgp`.
//!
//! ```text
//! bgp-routes add PREFIX... --nexthop ADDR [--local-pref N] [--as-path "65001 65002"]
//! bgp-routes list
//! bgp-routes delete PREFIX...
//! ```
//!
//! Connection from the environment (`JET_ADDRESS`, `JET_CA`, `JET_SERVER_NAME`, see
//! `jet_sdk::ConnectOptions::from_env`), `JET_USER` (default `admin`), `JET_PASSWORD`,
//! `JET_CLIENT_ID` (default `bgp-routes`). Every run is one JET session: it calls
//! Initialize first (rebinding to the routes this client id left behind), and its routes
//! stay for the purge timer after it exits.

use std::process::ExitCode;

use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress, StatusCode};
use jet_sdk::proto::jnx::jet::routing::base::{
    route_prefix::RoutePrefixAf, route_table::RouteTableFormat, AsPath, RoutePrefix, RouteTable,
    RouteTableName,
};
use jet_sdk::proto::jnx::jet::routing::bgp::{
    bgp_client::BgpClient, InitializeRequest, RouteDeleteRequest, RouteEntry, RouteGetRequest,
    RouteMatch, RouteUpdateRequest,
};
use jet_sdk::{ConnectOptions, JetClient};

type Result<T> = std::result::Result<T, String>;

fn ip(text: &str) -> IpAddress {
    IpAddress {
        addr_format: Some(AddrFormat::AddrString(text.into())),
    }
}

/// The key of `prefix` (`10.1.0.0/24` or `2001:db8::/48`) in inet.0 / inet6.0.
fn key(prefix: &str) -> Result<RouteMatch> {
    let (addr, len) = prefix
        .split_once('/')
        .ok_or_else(|| format!("'{prefix}' is not ADDRESS/LENGTH"))?;
    let len: u32 = len
        .parse()
        .map_err(|_| format!("'{prefix}': bad prefix length"))?;
    let v6 = addr.contains(':');
    let p = if v6 {
        RoutePrefixAf::Inet6(ip(addr))
    } else {
        RoutePrefixAf::Inet(ip(addr))
    };
    Ok(RouteMatch {
        dest_prefix: Some(RoutePrefix {
            route_prefix_af: Some(p),
        }),
        dest_prefix_len: len,
        table: Some(RouteTable {
            route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                name: if v6 { "inet6.0" } else { "inet.0" }.into(),
            })),
        }),
        ..Default::default()
    })
}

fn text(a: Option<&IpAddress>) -> String {
    match a.and_then(|a| a.addr_format.as_ref()) {
        Some(AddrFormat::AddrString(s)) => s.clone(),
        Some(AddrFormat::AddrBytes(b)) => format!("{b:?}"),
        None => "-".into(),
    }
}

fn prefix_text(k: &RouteMatch) -> String {
    let a = match k
        .dest_prefix
        .as_ref()
        .and_then(|p| p.route_prefix_af.as_ref())
    {
        Some(RoutePrefixAf::Inet(a)) | Some(RoutePrefixAf::Inet6(a)) => text(Some(a)),
        _ => "?".into(),
    };
    format!("{a}/{}", k.dest_prefix_len)
}

fn check(status: Option<&jet_sdk::proto::jnx::jet::common::RpcStatus>, what: &str) -> Result<()> {
    match status {
        Some(s) if s.code == StatusCode::Success as i32 => Ok(()),
        Some(s) => Err(format!("{what}: {}", s.message)),
        None => Err(format!("{what}: no status")),
    }
}

async fn run(args: Vec<String>) -> Result<()> {
    let var = |n: &str, d: &str| {
        std::env::var(n)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| d.into())
    };
    let opts = ConnectOptions::from_env().map_err(|e| e.to_string())?;
    let jet = JetClient::connect(opts).await.map_err(|e| e.to_string())?;
    jet.login(
        &var("JET_USER", "admin"),
        &var("JET_PASSWORD", ""),
        &var("JET_CLIENT_ID", "bgp-routes"),
    )
    .await
    .map_err(|e| e.to_string())?;
    let mut bgp = BgpClient::new(jet.channel());
    let init = bgp
        .initialize(InitializeRequest::default())
        .await
        .map_err(|e| e.to_string())?
        .into_inner();
    check(init.status.as_ref(), "Initialize")?;
    let (cmd, rest) = args
        .split_first()
        .ok_or("usage: bgp-routes add|list|delete ...")?;
    match cmd.as_str() {
        "add" => {
            let (mut prefixes, mut nexthop, mut lp, mut aspath) = (Vec::new(), None, None, None);
            let mut it = rest.iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--nexthop" => nexthop = it.next().cloned(),
                    "--local-pref" => {
                        lp = Some(
                            it.next()
                                .and_then(|v| v.parse::<u32>().ok())
                                .ok_or("--local-pref takes a number")?,
                        )
                    }
                    "--as-path" => aspath = it.next().cloned(),
                    p => prefixes.push(key(p)?),
                }
            }
            let nexthop = nexthop.ok_or("add needs --nexthop ADDR")?;
            let routes: Vec<RouteEntry> = prefixes
                .into_iter()
                .map(|k| RouteEntry {
                    key: Some(k),
                    local_preference: lp,
                    aspath: aspath.clone().map(|a| AsPath { aspath: a }),
                    protocol_nexthops: vec![ip(&nexthop)],
                    ..Default::default()
                })
                .collect();
            let r = bgp
                .route_add(RouteUpdateRequest { routes })
                .await
                .map_err(|e| e.to_string())?
                .into_inner();
            check(r.status.as_ref(), "RouteAdd")?;
            println!("added {} routes", r.operations_completed);
        }
        "delete" => {
            let routes = rest.iter().map(|p| key(p)).collect::<Result<Vec<_>>>()?;
            let r = bgp
                .route_delete(RouteDeleteRequest {
                    routes,
                    or_longer: false,
                })
                .await
                .map_err(|e| e.to_string())?
                .into_inner();
            check(r.status.as_ref(), "RouteDelete")?;
            println!("deleted {} routes", r.operations_completed);
        }
        "list" => {
            let mut s = bgp
                .route_get(RouteGetRequest::default())
                .await
                .map_err(|e| e.to_string())?
                .into_inner();
            while let Some(m) = s.message().await.map_err(|e| e.to_string())? {
                for r in &m.routes {
                    let Some(k) = &r.key else { continue };
                    println!(
                        "{} next-hop {} local-pref {} as-path {}",
                        prefix_text(k),
                        text(r.protocol_nexthops.first()),
                        r.local_preference.map_or("-".into(), |v| v.to_string()),
                        r.aspath.as_ref().map_or("-", |a| a.aspath.as_str())
                    );
                }
            }
        }
        other => return Err(format!("unknown command '{other}' (add, list, delete)")),
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bgp-routes: {e}");
            ExitCode::FAILURE
        }
    }
}
