//! Device route sources: Direct and Local routes from interface addresses (following the
//! interfaces' state), Static routes from `routing-options` (master and instances).
//!
//! ```text
//!  ifd snapshot (watch) ──┐
//!                          ├──► sources task ──► RibHandle::replace_source / change_source
//!  committed config (watch)┘    (recomputes; sends only what changed)
//!           └──────────────────────► RibHandle (subscription policies read it)
//! ```
//!
//! Junos rules kept here: an address of an interface that is up gives a Direct route for
//! its subnet (out of the interface) and a Local route for the address itself (received
//! locally); a host address (/32, /128, as on lo0) gives only the Direct host route.
//! Interfaces named under `routing-instances NAME interface` put their routes in
//! `NAME.inet.0` / `NAME.inet6.0`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use jet_config::{Config, StaticRouteAction};
use jet_rib::{Prefix, Source, SourceDelta, SourceNh, SourceRoute};
use tokio::sync::watch;

use crate::ifd::{FamilyKind, InterfacesSnapshot};
use crate::mgd::Committed;
use crate::rib::RibHandle;

/// The table of a family in an instance (`inet.0`, `R1.inet6.0`).
fn table(instance: Option<&str>, family: FamilyKind) -> Option<String> {
    let base = match family {
        FamilyKind::Inet => "inet.0",
        FamilyKind::Inet6 => "inet6.0",
        FamilyKind::Mpls | FamilyKind::Iso => return None,
    };
    Some(match instance {
        Some(i) => format!("{i}.{base}"),
        None => base.to_owned(),
    })
}

/// Direct and Local routes of the interfaces that are up.
pub(crate) fn interface_routes(
    snap: &InterfacesSnapshot,
    instance_of: &HashMap<String, String>,
) -> (Vec<SourceRoute>, Vec<SourceRoute>) {
    let mut direct = Vec::new();
    let mut local = Vec::new();
    for (ifl, family, addr) in snap.addresses() {
        if !ifl.is_up() {
            continue;
        }
        let Some(table) = table(instance_of.get(&ifl.name).map(String::as_str), family.kind) else {
            continue;
        };
        let full = if addr.local.is_ipv4() { 32 } else { 128 };
        direct.push(SourceRoute {
            table: table.clone(),
            prefix: Prefix::masked(addr.local, addr.prefix_len),
            nh: SourceNh::Interface(ifl.name.clone()),
            pref: None,
            cookie: 0,
        });
        if addr.prefix_len < full {
            local.push(SourceRoute {
                table,
                prefix: Prefix::host(addr.local),
                nh: SourceNh::Receive(ifl.name.clone()),
                pref: None,
                cookie: 0,
            });
        }
    }
    (direct, local)
}

/// A gateway of a source route: address and optional interface.
type Gw = (IpAddr, Option<String>);

/// Static routes of the configuration.
///
/// A route's `next-hop`s, and its `qualified-next-hop`s without a preference of their own
/// (or with the route's preference), form its path. Qualified next hops with another
/// preference are floating paths of the same destination, one per distinct preference
/// (cookies 1, 2, ... in preference order): Junos lists them as further `Static/N` paths
/// and uses one only when the better paths are unusable. They are not load-balanced
/// with the route's own next hops.
pub(crate) fn static_routes(cfg: &Config) -> Vec<SourceRoute> {
    let mut out = Vec::new();
    for r in cfg.static_routes() {
        let table = r.table;
        let prefix = Prefix::masked(r.prefix.addr, r.prefix.len);
        let own_pref = r
            .preference
            .unwrap_or(jet_rib::Proto::Static.default_preference());
        let nh = match r.action {
            StaticRouteAction::Discard => SourceNh::Discard,
            StaticRouteAction::Reject => SourceNh::Reject,
            StaticRouteAction::Forward => {
                let mut gws: Vec<Gw> = r.next_hops.iter().map(|a| (*a, None)).collect();
                let mut floating: Vec<(u32, Vec<Gw>)> = Vec::new();
                for q in &r.qualified_next_hops {
                    match q.preference.filter(|p| *p != own_pref) {
                        None => gws.push((q.address, None)),
                        Some(p) => match floating.iter_mut().find(|(fp, _)| *fp == p) {
                            Some((_, g)) => g.push((q.address, None)),
                            None => floating.push((p, vec![(q.address, None)])),
                        },
                    }
                }
                floating.sort_by_key(|(p, _)| *p);
                for (i, (p, g)) in floating.into_iter().enumerate() {
                    out.push(SourceRoute {
                        table: table.clone(),
                        prefix,
                        nh: SourceNh::Gateways(g),
                        pref: Some(p),
                        cookie: i as u64 + 1,
                    });
                }
                if gws.is_empty() {
                    // Only floating next hops: no path at the route's own preference.
                    continue;
                }
                SourceNh::Gateways(gws)
            }
        };
        out.push(SourceRoute {
            table,
            prefix,
            nh,
            pref: r.preference,
            cookie: 0,
        });
    }
    out
}

/// Interface → routing instance, from `routing-instances NAME interface IFL`.
fn instances(cfg: &Config) -> (Vec<String>, HashMap<String, String>) {
    let mut names = Vec::new();
    let mut of = HashMap::new();
    for ri in cfg.routing_instances() {
        for i in &ri.interfaces {
            of.insert(i.clone(), ri.name.clone());
        }
        names.push(ri.name);
    }
    (names, of)
}

/// Connects the RIB to the device's interfaces and committed configuration: returns the
/// task that keeps the RIB's device sources in line with them until either watch channel
/// closes (the device went away).
///
/// The RIB reads subscription policies from the same configuration. It is attached here,
/// before the task is returned rather than when it first runs, so that a RouteSubscribe
/// naming a policy never races the task's start.
pub(crate) fn run(
    rib: RibHandle,
    ifd: watch::Receiver<Arc<InterfacesSnapshot>>,
    config: watch::Receiver<Arc<Committed>>,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    rib.attach_config(config.clone());
    follow(rib, ifd, config)
}

async fn follow(
    rib: RibHandle,
    mut ifd: watch::Receiver<Arc<InterfacesSnapshot>>,
    mut config: watch::Receiver<Arc<Committed>>,
) {
    let mut last: [Option<Vec<SourceRoute>>; 3] = [None, None, None];
    let mut known_instances: Vec<String> = Vec::new();
    loop {
        let snap = ifd.borrow_and_update().clone();
        let committed = config.borrow_and_update().clone();
        let (names, instance_of) = instances(&committed.config);
        for name in &names {
            if !known_instances.contains(name) {
                match rib.add_instance(name).await {
                    Ok(()) => known_instances.push(name.clone()),
                    Err(e) => {
                        tracing::warn!(instance = %name, error = %e, "routing instance tables not created")
                    }
                }
            }
        }
        let (direct, local) = interface_routes(&snap, &instance_of);
        let wanted = [
            (Source::Direct, direct),
            (Source::Local, local),
            (Source::Static, static_routes(&committed.config)),
        ];
        for (i, (source, routes)) in wanted.into_iter().enumerate() {
            // After the first set, only what changed travels to the RIB task (a commit
            // adding routes to a large configuration costs the RIB the new routes).
            let res = match &last[i] {
                Some(old) => {
                    let delta = SourceDelta::between(old, &routes);
                    if delta.is_empty() {
                        continue;
                    }
                    rib.change_source(source, delta).await
                }
                None => rib.replace_source(source, routes.clone()).await,
            };
            match res {
                Ok(()) => last[i] = Some(routes),
                Err(e) => tracing::warn!(?source, error = %e, "device routes not installed"),
            }
        }
        tokio::select! {
            r = ifd.changed() => if r.is_err() { break },
            r = config.changed() => if r.is_err() { break },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(text: &str) -> Vec<SourceRoute> {
        let cfg = Config::parse_text(&format!("routing-options {{ static {{ {text} }} }}"))
            .expect("config parses");
        static_routes(&cfg)
    }

    fn gws(r: &SourceRoute) -> Vec<String> {
        match &r.nh {
            SourceNh::Gateways(g) => g.iter().map(|(a, _)| a.to_string()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn qualified_next_hops_join_the_route_or_float_by_preference() {
        let r = routes(
            "route 10.0.0.0/8 { next-hop 192.0.2.1; preference 6; \
             qualified-next-hop 192.0.2.2; qualified-next-hop 192.0.2.3 { preference 6; } \
             qualified-next-hop 192.0.2.4 { preference 9; } \
             qualified-next-hop 192.0.2.5 { preference 8; } \
             qualified-next-hop 192.0.2.6 { preference 9; } }",
        );
        let view: Vec<_> = r.iter().map(|r| (r.cookie, r.pref, gws(r))).collect();
        assert_eq!(
            view,
            vec![
                (1, Some(8), vec!["192.0.2.5".to_string()]),
                (2, Some(9), vec!["192.0.2.4".into(), "192.0.2.6".into()]),
                (
                    0,
                    Some(6),
                    vec!["192.0.2.1".into(), "192.0.2.2".into(), "192.0.2.3".into()]
                ),
            ]
        );
    }

    #[test]
    fn a_route_with_only_floating_next_hops_has_no_path_at_its_own_preference() {
        let r = routes("route 10.0.0.0/8 { qualified-next-hop 192.0.2.4 { preference 9; } }");
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].cookie, r[0].pref), (1, Some(9)));
    }
}
