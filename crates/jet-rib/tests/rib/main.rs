//! jet-rib as a library: batch rules, ownership and purge, resolution, a model-based
//! property test, and a memory measurement.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod batches;
mod model;
mod purge;
mod resolve;
mod sources;

use jet_rib::{Batch, ClientIdx, Defaults, Gateway, Prefix, Rib, RouteSpec, TableRef};

/// An IPv4/IPv6 prefix from text (`10.0.0.0/8`).
pub fn pfx(s: &str) -> Prefix {
    let (a, l) = s.split_once('/').expect("a/len");
    Prefix::ip(a.parse().expect("address"), l.parse().expect("len")).expect("valid prefix")
}

/// A RIB with client `app` initialized on session 1.
pub fn rib_with_client() -> (Rib, ClientIdx) {
    let mut rib = Rib::new();
    let (c, _) = rib.clients.initialize("app", 1, Defaults::default());
    (rib, c)
}

/// Appends a route to `b` with the given gateways (addresses as text).
pub fn push(b: &mut Batch, table: &str, prefix: &str, gws: &[&str]) -> usize {
    push_spec(
        b,
        table,
        pfx(prefix),
        0,
        gws.iter()
            .map(|g| Gateway::via(g.parse().expect("gw")))
            .collect(),
    )
}

/// Appends a route with a cookie and explicit gateways.
pub fn push_spec(
    b: &mut Batch,
    table: &str,
    prefix: Prefix,
    cookie: u64,
    gws: Vec<Gateway>,
) -> usize {
    let t = b.table_index(TableRef::Name(table.into()));
    let start = b.gateways.len() as u32;
    let n = gws.len() as u16;
    b.gateways.extend(gws);
    b.routes.push(RouteSpec {
        cookie,
        ..RouteSpec::new(t, prefix, start, n)
    });
    b.routes.len() - 1
}
