//! RouteGet of the BGP route service: a producer task walks the matching tables a chunk
//! at a time under the RIB's read lock, keeps BGP paths that pass the match, and sends
//! them `route_count` per message, then one final empty message.
//!
//! ```text
//!  producer task ── read lock per chunk ──► filter ──► mpsc(4) ──► gRPC stream
//! ```
//!
//! Shared with the subscribe stream: [`Filter`] (what a RouteMatch selects) and
//! [`walk`] (one chunk of BGP paths of a table).

use std::collections::VecDeque;

use jet_device::rib::jet_rib::{Prefix, Proto, Rib, RouteView, TableId};
use jet_device::rib::RibHandle;
use jet_proto::jnx::jet::routing::base::RouteProtoType;
use jet_proto::jnx::jet::routing::bgp as pb;
use jet_rib_wire::bgp::{self as wire, GetCode, OperCode};
use regex::Regex;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::{not_initialized_msg, GetStream};
use crate::svc::{failure, ok_status};

/// Most routes per message; `route_count` 0 means this many.
pub(super) const MAX_ROUTE_COUNT: u32 = 1000;
/// Routes per message when the request leaves `route_count` at 0 ("server chooses").
pub(super) const DEFAULT_ROUTE_COUNT: u32 = 100;
/// Paths looked at per read-lock hold.
const CHUNK: usize = 1000;

pub(super) fn error(code: GetCode, msg: String) -> GetStream {
    let r = pb::RouteGetResponse {
        status: failure(msg),
        sub_code: code as i32,
        routes: Vec::new(),
    };
    Box::pin(tokio_stream::iter([Ok(r)]))
}

/// One community of a match: a literal, or a regular expression over each community.
enum CommunityMatch {
    Literal(String),
    Regex(Regex),
}

/// What a RouteMatch selects among BGP paths.
pub(super) struct Filter {
    /// Tables to walk, in id order.
    pub(super) tables: Vec<TableId>,
    prefix: Option<Prefix>,
    or_longer: bool,
    cookie: u64,
    communities: Vec<CommunityMatch>,
    active_only: bool,
    /// Reply addresses as bytes.
    pub(super) bytes: bool,
    /// Reply tables by id.
    pub(super) table_ids: bool,
}

impl Filter {
    /// Every BGP path of every table (the subscribe stream).
    pub(super) fn all(rib: &Rib, bytes: bool, table_ids: bool) -> Filter {
        Filter {
            tables: rib.tables().map(|(t, _)| t).collect(),
            prefix: None,
            or_longer: false,
            cookie: 0,
            communities: Vec::new(),
            active_only: false,
            bytes,
            table_ids,
        }
    }

    fn from_request(
        rib: &Rib,
        req: &pb::RouteGetRequest,
        bytes: bool,
        table_ids: bool,
    ) -> Result<Filter, (GetCode, String)> {
        let mut f = Filter::all(rib, bytes, table_ids);
        f.or_longer = req.or_longer;
        f.active_only = req.active_only;
        let Some(m) = &req.route else { return Ok(f) };
        let p = m.protocol;
        if p != RouteProtoType::ProtoAny as i32
            && p != RouteProtoType::ProtoBgp as i32
            && p != RouteProtoType::ProtoBgpStatic as i32
        {
            return Err((
                GetCode::ProtocolInvalid,
                format!("route.protocol {p} is not PROTO_ANY, PROTO_BGP or PROTO_BGP_STATIC"),
            ));
        }
        f.cookie = m.cookie;
        if m.dest_prefix.is_some() {
            let prefix = wire::prefix(m.dest_prefix.as_ref(), m.dest_prefix_len)
                .map_err(|(c, msg)| (get_code(c), format!("route.{msg}")))?;
            f.tables
                .retain(|t| rib.table(*t).is_some_and(|t| t.family == prefix.family()));
            f.prefix = Some(prefix);
        }
        if m.table.is_some() {
            let t = wire::table_ref(m.table.as_ref())
                .and_then(|t| rib.resolve_table(&t).map(|id| (t, id)));
            let Some((tref, id)) = t else {
                return Err((
                    GetCode::TableInvalid,
                    "route.table names no routing table of this device".into(),
                ));
            };
            if !f.tables.contains(&id) {
                return Err((
                    GetCode::PrefixInvalid,
                    format!("route.dest_prefix is not of the family of table {tref}"),
                ));
            }
            f.tables = vec![id];
        }
        for (i, c) in m
            .communities
            .iter()
            .flat_map(|c| c.communities.iter())
            .enumerate()
        {
            let c = &c.community;
            if wire::community_ok(c) {
                f.communities.push(CommunityMatch::Literal(c.clone()));
            } else {
                let re = Regex::new(&format!("^(?:{c})$")).map_err(|_| {
                    (
                        GetCode::CommunityListInvalid,
                        format!(
                            "route.communities[{i}] '{c}' is neither a community nor a regular expression"
                        ),
                    )
                })?;
                f.communities.push(CommunityMatch::Regex(re));
            }
        }
        Ok(f)
    }

    /// True when path `v` passes the match (prefix and table are the walk's business).
    pub(super) fn accepts(&self, rib: &Rib, v: &RouteView<'_>) -> bool {
        if !matches!(v.path.proto, Proto::BgpStatic) {
            return false;
        }
        if self.active_only && !v.active {
            return false;
        }
        if self.cookie != 0 && v.path.cookie != self.cookie {
            return false;
        }
        if self.communities.is_empty() {
            return true;
        }
        let Some(a) = rib.bgp.get(v.path.bgp) else {
            return false;
        };
        let have = a.all_communities();
        self.communities.iter().all(|m| match m {
            CommunityMatch::Literal(l) => have.iter().any(|c| c == l),
            CommunityMatch::Regex(r) => have.iter().any(|c| r.is_match(c)),
        })
    }
}

fn get_code(c: OperCode) -> GetCode {
    match c {
        OperCode::PrefixLenTooShort => GetCode::PrefixLenTooShort,
        OperCode::PrefixLenTooLong => GetCode::PrefixLenTooLong,
        OperCode::RequestUnsupported => GetCode::RequestUnsupported,
        _ => GetCode::PrefixInvalid,
    }
}

/// Where a walk stands: the table (index into `Filter::tables`) and the last
/// destination done in it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Cursor {
    table: usize,
    after: Option<Prefix>,
}

/// One chunk of the walk: appends matching paths as entries to `out`; returns where to
/// go on, or None when done.
pub(super) fn walk(
    rib: &Rib,
    f: &Filter,
    mut at: Cursor,
    out: &mut VecDeque<pb::RouteEntry>,
) -> Option<Cursor> {
    let mut seen = 0;
    while let Some(&tid) = f.tables.get(at.table) {
        let Some(t) = rib.table(tid) else {
            at = Cursor {
                table: at.table + 1,
                after: None,
            };
            continue;
        };
        let table_pb = jet_rib_wire::convert::table_pb(rib, tid, f.table_ids);
        let from = match at.after {
            Some(p) => std::ops::Bound::Excluded(p),
            None => std::ops::Bound::Unbounded,
        };
        let dests: Box<dyn Iterator<Item = _>> = match f.prefix {
            None => t.range(from, std::ops::Bound::Unbounded),
            Some(p) if f.or_longer => t.longer(&p, at.after),
            Some(p) => Box::new(
                t.get(&p)
                    .filter(|_| at.after.is_none())
                    .map(|d| (p, d))
                    .into_iter(),
            ),
        };
        for (p, d) in dests {
            rib.visit_dest(tid, p, d, false, &mut |v| {
                seen += 1;
                if f.accepts(rib, &v) {
                    out.push_back(wire::entry(rib, &v, &table_pb, f.bytes));
                }
            });
            if seen >= CHUNK {
                return Some(Cursor {
                    table: at.table,
                    after: Some(p),
                });
            }
        }
        at = Cursor {
            table: at.table + 1,
            after: None,
        };
    }
    None
}

/// `formats`: the reply formats (addresses as bytes, tables by id) when the request
/// gives them (the older generation); None takes the client's Initialize defaults.
pub(super) fn route_get(
    rib: RibHandle,
    id: &str,
    client: &str,
    session: u64,
    req: pb::RouteGetRequest,
    formats: Option<(bool, bool)>,
) -> GetStream {
    if !rib.is_initialized(client, session) {
        return error(GetCode::NotInitialized, not_initialized_msg(id));
    }
    if req.route_count > MAX_ROUTE_COUNT {
        return error(
            GetCode::RouteCountInvalid,
            format!("route_count {} is above {MAX_ROUTE_COUNT}", req.route_count),
        );
    }
    let count = match req.route_count {
        0 => DEFAULT_ROUTE_COUNT,
        n => n,
    } as usize;
    let Some(permit) = rib.try_begin_get() else {
        return error(
            GetCode::TryAgain,
            "too many concurrent RouteGet calls; try again".into(),
        );
    };
    let filter = rib.read(|r| {
        let d = r
            .clients
            .find(client)
            .and_then(|i| r.clients.get(i))
            .map(|c| c.defaults)
            .unwrap_or_default();
        let (bytes, ids) = formats.unwrap_or((d.address_bytes, d.table_ids));
        Filter::from_request(r, &req, bytes, ids)
    });
    let filter = match filter {
        Ok(f) => f,
        Err((c, m)) => return error(c, m),
    };
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let _permit = permit;
        let mut at = Some(Cursor::default());
        let mut buf = VecDeque::new();
        let mut sent = 0usize;
        while let Some(c) = at {
            at = rib.read(|r| walk(r, &filter, c, &mut buf));
            while buf.len() >= count || (at.is_none() && !buf.is_empty()) {
                let n = count.min(buf.len());
                let routes: Vec<_> = buf.drain(..n).collect();
                sent += routes.len();
                let msg = pb::RouteGetResponse {
                    status: ok_status(),
                    sub_code: GetCode::Success as i32,
                    routes,
                };
                if tx.send(Ok(msg)).await.is_err() {
                    return;
                }
            }
        }
        let last = if sent == 0 {
            pb::RouteGetResponse {
                status: failure("no BGP route matches the request"),
                sub_code: GetCode::RouteNotFound as i32,
                routes: Vec::new(),
            }
        } else {
            pb::RouteGetResponse {
                status: ok_status(),
                sub_code: GetCode::Success as i32,
                routes: Vec::new(),
            }
        };
        let _ = tx.send(Ok(last)).await;
    });
    Box::pin(ReceiverStream::new(rx))
}
