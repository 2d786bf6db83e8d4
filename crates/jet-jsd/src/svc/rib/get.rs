//! RouteGet: a producer task walks the RIB a chunk at a time under its read lock and
//! writes each chunk straight into an encoded `RouteGetResponse`.
//!
//! ```text
//!  producer task ── read lock per chunk ──► encode ──► mpsc(4) ──► gRPC stream
//! ```
//!
//! The producer stops when the client goes away (the send fails); a slow reader
//! back-pressures it through the bounded channel. At most `RibHandle::try_begin_get`
//! walks run at once; more get TRY_AGAIN.

use jet_device::rib::jet_rib::{MatchType, Prefix, RibCode};
use jet_device::rib::RibHandle;
use jet_proto::jnx::jet::routing::base::network_address::Af;
use jet_proto::jnx::jet::routing::rib as pb;
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::encode::{Encoded, GetReply, Style, TableName};
use super::{convert, EncodedStream};
use crate::svc::failure;

/// Routes per reply when the client leaves `route_count` at 0 (the contract's default
/// is 1).
const DEFAULT_COUNT: usize = 1;
/// Most routes per reply (larger requests are served 1000 at a time).
const MAX_COUNT: usize = 1000;

fn error(code: RibCode, msg: String) -> EncodedStream {
    let r = pb::RouteGetResponse {
        status: failure(msg),
        sub_code: code.jet(),
        routes: Vec::new(),
    };
    Box::pin(tokio_stream::iter([Ok(Encoded(r.encode_to_vec()))]))
}

pub(super) fn route_get(
    rib: RibHandle,
    client: String,
    session: u64,
    req: pb::RouteGetRequest,
    address_bytes: bool,
) -> EncodedStream {
    if !rib.is_initialized(&client, session) {
        return error(
            RibCode::NotInitialized,
            format!("client '{client}' must call RouteInitialize on this connection first"),
        );
    }
    let Some(permit) = rib.try_begin_get() else {
        return error(
            RibCode::TryAgain,
            "too many concurrent RouteGet calls; try again".into(),
        );
    };
    let count = match req.route_count as usize {
        0 => DEFAULT_COUNT,
        n => n.min(MAX_COUNT),
    };
    let how = match pb::RouteMatchType::try_from(req.match_type) {
        Ok(pb::RouteMatchType::Best) => MatchType::Best,
        Ok(pb::RouteMatchType::Exact) => MatchType::Exact,
        Ok(pb::RouteMatchType::ExactOrLonger) => MatchType::ExactOrLonger,
        Err(_) => {
            return error(
                RibCode::RequestInvalid,
                format!("match_type {} is invalid", req.match_type),
            )
        }
    };
    let Some(key) = req.key else {
        return error(RibCode::RequestInvalid, "RouteGet needs a key".into());
    };
    let table = match rib.read(|r| convert::resolve_table(r, key.table.as_ref())) {
        Ok(t) => t,
        Err((c, m)) => return error(c, m),
    };
    // MPLS: length 0 walks every label, 52 is an exact hit.
    let (key_prefix, how) = match key.dest_prefix.as_ref().and_then(|a| a.af.as_ref()) {
        Some(Af::Mpls(_)) if key.dest_prefix_len == 0 => (None, MatchType::ExactOrLonger),
        _ => match convert::prefix(key.dest_prefix.as_ref(), key.dest_prefix_len) {
            Ok(p) => (Some(p), how),
            Err((c, m)) => return error(c, m),
        },
    };
    let style = Style {
        table_by_id: req.reply_table_format
            == jet_proto::jnx::jet::routing::base::RouteTableFormat::TableId as i32,
        address_bytes,
    };
    let active_only = req.active_only;
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let _permit = permit;
        let mut after: Option<Prefix> = None;
        // Room for a chunk of typical routes, so the buffer rarely grows.
        let capacity = 16 + count * 96;
        loop {
            let (reply, next) = rib.read(|r| {
                let t = TableName::of(r, table, style.table_by_id);
                let mut reply = GetReply::new(capacity);
                let next = match key_prefix {
                    Some(p) => r.get_routes(table, &p, how, active_only, after, count, |v| {
                        reply.push(r, &v, &t, style)
                    }),
                    None => r.walk(table, after, count, |v| {
                        if !active_only || v.active {
                            reply.push(r, &v, &t, style)
                        }
                    }),
                };
                (reply, next)
            });
            if reply.routes() > 0 && tx.send(Ok(reply.finish())).await.is_err() {
                return;
            }
            match next {
                Some(p) => after = Some(p),
                None => break,
            }
        }
        // The contract's end marker: one successful message without routes.
        let _ = tx.send(Ok(GetReply::new(4).finish())).await;
    });
    Box::pin(ReceiverStream::new(rx))
}
