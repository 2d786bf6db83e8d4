//! RouteGet requests read into a RIB walk, and the walk written a chunk at a time into
//! encoded replies.
//!
//! The caller (jsd) owns the rest: that the client is initialized, how many walks run
//! at once, the lock around each [`GetQuery::chunk`] and the stream that carries the
//! replies.

use jet_proto::jnx::jet::routing::base::{network_address::Af, RouteTableFormat};
use jet_proto::jnx::jet::routing::rib as pb;
use jet_rib::{MatchType, Prefix, Rib, RibCode, TableId};

use crate::convert::{self, Refusal};
use crate::encode::{Encoded, GetReply, Style, TableName};

/// Routes per reply when the client leaves `route_count` at 0 (the contract's default
/// is 1).
const DEFAULT_COUNT: usize = 1;
/// Most routes per reply (larger requests are served 1000 at a time).
const MAX_COUNT: usize = 1000;

/// A checked RouteGet request: which routes, in which table, how many per reply, and
/// how to write them.
#[derive(Debug, Clone)]
pub struct GetQuery {
    table: TableId,
    /// `None`: walk every route of the table (MPLS with length 0).
    prefix: Option<Prefix>,
    how: MatchType,
    count: usize,
    active_only: bool,
    style: Style,
}

impl GetQuery {
    /// Checks `req` against `rib` (the table must exist). `address_bytes`: the address
    /// format the client chose at RouteInitialize. Refusals carry the contract's
    /// sub-code and message.
    pub fn from_pb(
        rib: &Rib,
        req: &pb::RouteGetRequest,
        address_bytes: bool,
    ) -> Result<GetQuery, Refusal> {
        let count = match req.route_count as usize {
            0 => DEFAULT_COUNT,
            n => n.min(MAX_COUNT),
        };
        let how = match pb::RouteMatchType::try_from(req.match_type) {
            Ok(pb::RouteMatchType::Best) => MatchType::Best,
            Ok(pb::RouteMatchType::Exact) => MatchType::Exact,
            Ok(pb::RouteMatchType::ExactOrLonger) => MatchType::ExactOrLonger,
            Err(_) => {
                return Err((
                    RibCode::RequestInvalid,
                    format!("match_type {} is invalid", req.match_type),
                ))
            }
        };
        let Some(key) = &req.key else {
            return Err((RibCode::RequestInvalid, "RouteGet needs a key".into()));
        };
        let table = convert::resolve_table(rib, key.table.as_ref())?;
        // MPLS: length 0 walks every label, 52 is an exact hit.
        let (prefix, how) = match key.dest_prefix.as_ref().and_then(|a| a.af.as_ref()) {
            Some(Af::Mpls(_)) if key.dest_prefix_len == 0 => (None, MatchType::ExactOrLonger),
            _ => (
                Some(convert::prefix(
                    key.dest_prefix.as_ref(),
                    key.dest_prefix_len,
                )?),
                how,
            ),
        };
        Ok(GetQuery {
            table,
            prefix,
            how,
            count,
            active_only: req.active_only,
            style: Style {
                table_by_id: req.reply_table_format == RouteTableFormat::TableId as i32,
                address_bytes,
            },
        })
    }

    /// The next reply: up to the requested count of routes after `after` (from the
    /// start when `None`), and where the following one starts (`None`: the walk is
    /// done). A reply may hold no routes (none left, or none active).
    pub fn chunk(&self, rib: &Rib, after: Option<Prefix>) -> (GetReply, Option<Prefix>) {
        let t = TableName::of(rib, self.table, self.style.table_by_id);
        // Room for a chunk of typical routes, so the buffer rarely grows.
        let mut reply = GetReply::new(16 + self.count * 96);
        let next = match self.prefix {
            Some(p) => rib.get_routes(
                self.table,
                &p,
                self.how,
                self.active_only,
                after,
                self.count,
                |v| reply.push(rib, &v, &t, self.style),
            ),
            None => rib.walk(self.table, after, self.count, |v| {
                if !self.active_only || v.active {
                    reply.push(rib, &v, &t, self.style)
                }
            }),
        };
        (reply, next)
    }

    /// The contract's end marker: one successful reply without routes.
    pub fn end() -> Encoded {
        GetReply::new(4).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
    use jet_proto::jnx::jet::routing::base::{
        network_address::Af, route_table::RouteTableFormat as Format, NetworkAddress, RouteTable,
        RouteTableName,
    };
    use jet_rib::{Defaults, SetOp};
    use prost::Message;

    fn v4(a: &str) -> Option<NetworkAddress> {
        Some(NetworkAddress {
            af: Some(Af::Inet(IpAddress {
                addr_format: Some(AddrFormat::AddrString(a.into())),
            })),
        })
    }

    fn key(table: &str, dest: &str, len: u32) -> pb::RouteMatch {
        pb::RouteMatch {
            dest_prefix: v4(dest),
            dest_prefix_len: len,
            table: Some(RouteTable {
                route_table_format: Some(Format::Name(RouteTableName { name: table.into() })),
            }),
            cookie: 0,
        }
    }

    /// inet.0 with 10.0.0.0/24 .. 10.0.4.0/24 (blackholes).
    fn rib() -> Rib {
        let mut rib = Rib::new();
        let (client, _) = rib.clients.initialize("app", 1, Defaults::default());
        let routes: Vec<_> = (0..5)
            .map(|i| pb::RouteEntry {
                key: Some(key("inet.0", &format!("10.0.{i}.0"), 24)),
                ..Default::default()
            })
            .collect();
        let mut batch = convert::batch(&routes);
        let out = rib.apply(client, SetOp::Add, &mut batch, 0, &mut Vec::new());
        assert_eq!(out.completed, 5, "{out:?}");
        rib
    }

    #[test]
    fn a_walk_in_chunks_returns_every_longer_route_once() {
        let rib = rib();
        let req = pb::RouteGetRequest {
            key: Some(key("inet.0", "10.0.0.0", 16)),
            match_type: pb::RouteMatchType::ExactOrLonger as i32,
            route_count: 2,
            ..Default::default()
        };
        let q = GetQuery::from_pb(&rib, &req, false).expect("valid request");
        let (mut after, mut seen) = (None, Vec::new());
        loop {
            let (reply, next) = q.chunk(&rib, after);
            assert!(reply.routes() <= 2);
            let got = pb::RouteGetResponse::decode(reply.finish().0.as_slice()).unwrap();
            seen.extend(got.routes.into_iter().map(|r| r.key.unwrap().dest_prefix));
            match next {
                Some(p) => after = Some(p),
                None => break,
            }
        }
        let want: Vec<_> = (0..5).map(|i| v4(&format!("10.0.{i}.0"))).collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn requests_are_refused_with_the_contracts_sub_codes() {
        let rib = rib();
        let no_key = pb::RouteGetRequest::default();
        let bad_match = pb::RouteGetRequest {
            match_type: 99,
            key: Some(key("inet.0", "10.0.0.0", 24)),
            ..Default::default()
        };
        let no_table = pb::RouteGetRequest {
            key: Some(key("nosuch.inet.0", "10.0.0.0", 24)),
            ..Default::default()
        };
        let code = |r: &pb::RouteGetRequest| GetQuery::from_pb(&rib, r, false).unwrap_err().0;
        assert_eq!(code(&no_key), RibCode::RequestInvalid);
        assert_eq!(code(&bad_match), RibCode::RequestInvalid);
        assert_eq!(code(&no_table), RibCode::TableInvalid);
    }
}
