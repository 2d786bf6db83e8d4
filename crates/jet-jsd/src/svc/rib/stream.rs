//! RouteGet and RouteSubscribe streams.
//!
//! ```text
//!  RouteGet:        producer task ── read lock per chunk ──► mpsc(4) ──► gRPC stream
//!  RouteSubscribe:  producer task ── full walk (chunks) ───► mpsc(16) ──► gRPC stream
//!                        ▲ then Arc<[RouteChange]> batches from the RIB task (bounded)
//! ```
//!
//! Both producers stop when the client goes away (the send fails). A slow reader
//! back-pressures its producer, and for subscriptions the producer back-pressures the
//! RIB task through the bounded subscription queue.

use std::pin::Pin;

use futures::Stream;
use jet_device::rib::jet_rib::{ChangeOp, MatchType, Prefix, RibCode, TableId};
use jet_device::rib::RibHandle;
use jet_proto::jnx::jet::routing::base::RouteTableName;
use jet_proto::jnx::jet::routing::rib as pb;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::convert;
use crate::svc::{failure, ok_status};

/// Routes per RouteGet reply when the client leaves `route_count` at 0 (the contract's
/// default behaviour is 1).
const GET_DEFAULT_COUNT: usize = 1;
const MAX_COUNT: usize = 1000;
/// Routes per subscription reply when the client gives no `route_count`.
const SUB_DEFAULT_COUNT: usize = 100;

type GetStream = Pin<Box<dyn Stream<Item = Result<pb::RouteGetResponse, Status>> + Send>>;
type SubStream = Pin<Box<dyn Stream<Item = Result<pb::RouteSubscribeResponse, Status>> + Send>>;

fn get_error(code: RibCode, msg: String) -> GetStream {
    let r = pb::RouteGetResponse {
        status: failure(msg),
        sub_code: code.jet(),
        routes: Vec::new(),
    };
    Box::pin(tokio_stream::iter([Ok(r)]))
}

pub(super) fn route_get(
    rib: RibHandle,
    client: String,
    session: u64,
    req: pb::RouteGetRequest,
) -> GetStream {
    if !rib.is_initialized(&client, session) {
        return get_error(
            RibCode::NotInitialized,
            format!("client '{client}' must call RouteInitialize on this connection first"),
        );
    }
    let Some(permit) = rib.try_begin_get() else {
        return get_error(
            RibCode::TryAgain,
            "too many concurrent RouteGet calls; try again".into(),
        );
    };
    let count = match req.route_count as usize {
        0 => GET_DEFAULT_COUNT,
        n => n.min(MAX_COUNT),
    };
    let how = match pb::RouteMatchType::try_from(req.match_type) {
        Ok(pb::RouteMatchType::Best) => MatchType::Best,
        Ok(pb::RouteMatchType::Exact) => MatchType::Exact,
        Ok(pb::RouteMatchType::ExactOrLonger) => MatchType::ExactOrLonger,
        Err(_) => {
            return get_error(
                RibCode::RequestInvalid,
                format!("match_type {} is invalid", req.match_type),
            )
        }
    };
    let Some(key) = req.key else {
        return get_error(RibCode::RequestInvalid, "RouteGet needs a key".into());
    };
    let table = match rib.read(|r| convert::resolve_table(r, key.table.as_ref())) {
        Ok(t) => t,
        Err((c, m)) => return get_error(c, m),
    };
    // MPLS: length 0 walks every label, 52 is an exact hit.
    let (key_prefix, how) = match key.dest_prefix.as_ref().and_then(|a| a.af.as_ref()) {
        Some(jet_proto::jnx::jet::routing::base::network_address::Af::Mpls(_))
            if key.dest_prefix_len == 0 =>
        {
            (None, MatchType::ExactOrLonger)
        }
        _ => match convert::prefix(key.dest_prefix.as_ref(), key.dest_prefix_len) {
            Ok(p) => (Some(p), how),
            Err((c, m)) => return get_error(c, m),
        },
    };
    let by_id = req.reply_table_format
        == jet_proto::jnx::jet::routing::base::RouteTableFormat::TableId as i32;
    let active_only = req.active_only;
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let _permit = permit;
        let mut after: Option<Prefix> = None;
        loop {
            let (routes, next) = rib.read(|r| {
                let t = convert::table_pb(r, table, by_id);
                let mut out = Vec::with_capacity(count);
                let next = match key_prefix {
                    Some(p) => r.get_routes(table, &p, how, active_only, after, count, |v| {
                        out.push(convert::entry(r, &v, &t))
                    }),
                    None => r.walk(table, after, count, |v| {
                        if !active_only || v.active {
                            out.push(convert::entry(r, &v, &t))
                        }
                    }),
                };
                (out, next)
            });
            if !routes.is_empty() {
                let msg = pb::RouteGetResponse {
                    status: ok_status(),
                    sub_code: pb::StatusCode::Success as i32,
                    routes,
                };
                if tx.send(Ok(msg)).await.is_err() {
                    return;
                }
            }
            match next {
                Some(p) => after = Some(p),
                None => break,
            }
        }
        // The contract's end marker: one message without routes.
        let end = pb::RouteGetResponse {
            status: ok_status(),
            sub_code: pb::StatusCode::Success as i32,
            routes: Vec::new(),
        };
        let _ = tx.send(Ok(end)).await;
    });
    Box::pin(ReceiverStream::new(rx))
}

fn sub_msg(code: RibCode, msg: String, context: u32, table: &str) -> pb::RouteSubscribeResponse {
    pb::RouteSubscribeResponse {
        status: failure(msg),
        sub_code: code.jet(),
        context,
        table_name: Some(RouteTableName {
            name: table.to_owned(),
        }),
        routes: Vec::new(),
    }
}

pub(super) async fn route_subscribe(
    rib: RibHandle,
    client: String,
    session: u64,
    req: pb::RouteSubscribeRequest,
) -> Result<SubStream, Status> {
    let context = req.context;
    let name = req
        .table_name
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let one = |m: pb::RouteSubscribeResponse| -> Result<SubStream, Status> {
        Ok(Box::pin(tokio_stream::iter([Ok(m)])))
    };
    if !rib.is_initialized(&client, session) {
        return one(sub_msg(
            RibCode::NotInitialized,
            format!("client '{client}' must call RouteInitialize on this connection first"),
            context,
            &name,
        ));
    }
    let Some(table) = rib.read(|r| r.table_id(&name)) else {
        return one(sub_msg(
            RibCode::TableInvalid,
            format!("table '{name}' does not exist"),
            context,
            &name,
        ));
    };
    if req.policy.as_ref().is_some_and(|p| !p.policy.is_empty()) {
        return one(sub_msg(
            RibCode::RouteSubscribePolicyInvalid,
            "subscription policies are not configured on this device".into(),
            context,
            &name,
        ));
    }
    if req.route_count as usize > MAX_COUNT {
        return one(sub_msg(
            RibCode::RouteSubscribeResponseRouteCountInvalid,
            format!("route_count {} is above {MAX_COUNT}", req.route_count),
            context,
            &name,
        ));
    }
    match pb::RouteSubscribeOp::try_from(req.operation) {
        Ok(pb::RouteSubscribeOp::SubscribeAdd) => {}
        Ok(pb::RouteSubscribeOp::SubscribeDelete) => {
            let existed = rib
                .unsubscribe(&client, table)
                .await
                .map_err(|e| Status::unavailable(e.to_string()))?;
            return one(if existed {
                pb::RouteSubscribeResponse {
                    status: ok_status(),
                    sub_code: pb::StatusCode::Success as i32,
                    context,
                    table_name: Some(RouteTableName { name }),
                    routes: Vec::new(),
                }
            } else {
                sub_msg(
                    RibCode::RouteSubscribeEnoent,
                    format!("no subscription to table '{name}'"),
                    context,
                    &name,
                )
            });
        }
        _ => {
            return one(sub_msg(
                RibCode::RouteSubscribeOperationInvalid,
                format!(
                    "operation {} is not SUBSCRIBE_ADD or SUBSCRIBE_DELETE",
                    req.operation
                ),
                context,
                &name,
            ))
        }
    }
    let count = match req.route_count as usize {
        0 => SUB_DEFAULT_COUNT,
        n => n,
    };
    let eor = !req.flag.is_some_and(|f| f.no_eor_to_client);
    let mut sub = rib
        .subscribe(&client, table)
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        let msg = |routes: Vec<pb::RouteSubscribeEntry>| pb::RouteSubscribeResponse {
            status: ok_status(),
            sub_code: pb::StatusCode::Success as i32,
            context,
            table_name: Some(RouteTableName { name: name.clone() }),
            routes,
        };
        let add = pb::RouteSubscribeRouteOp::RouteSubscribeOpAdd as i32;
        // Full table first.
        let mut after = None;
        loop {
            let (entries, next) = rib.read(|r| {
                let t = convert::table_pb(r, table, false);
                let mut out = Vec::with_capacity(count);
                let next = r.walk(table, after, count, |v| {
                    out.push(pb::RouteSubscribeEntry {
                        operation: add,
                        route: Some(convert::entry(r, &v, &t)),
                    })
                });
                (out, next)
            });
            if !entries.is_empty() && tx.send(Ok(msg(entries))).await.is_err() {
                return;
            }
            match next {
                Some(p) => after = Some(p),
                None => break,
            }
        }
        if eor {
            let end = pb::RouteSubscribeEntry {
                operation: pb::RouteSubscribeRouteOp::RouteSubscribeOpEndOfTable as i32,
                route: None,
            };
            if tx.send(Ok(msg(vec![end]))).await.is_err() {
                return;
            }
        }
        // Then changes, as the RIB applies them.
        while let Some(changes) = sub.rx.recv().await {
            let entries = rib.read(|r| changed_entries(r, table, &changes));
            for chunk in entries.chunks(count) {
                if tx.send(Ok(msg(chunk.to_vec()))).await.is_err() {
                    return;
                }
            }
        }
    });
    Ok(Box::pin(ReceiverStream::new(rx)))
}

/// Subscription entries for the changes of one batch in `table`.
fn changed_entries(
    r: &jet_device::rib::jet_rib::Rib,
    table: TableId,
    changes: &[jet_device::rib::jet_rib::RouteChange],
) -> Vec<pb::RouteSubscribeEntry> {
    let t = convert::table_pb(r, table, false);
    let mut out = Vec::new();
    for c in changes.iter().filter(|c| c.table == table) {
        match c.op {
            ChangeOp::Add | ChangeOp::Modify => {
                let op = if c.op == ChangeOp::Add {
                    pb::RouteSubscribeRouteOp::RouteSubscribeOpAdd
                } else {
                    pb::RouteSubscribeRouteOp::RouteSubscribeOpModify
                };
                // The current state of the path (it may have changed again since).
                let Some(d) = r.table(table).and_then(|tb| tb.get(&c.prefix)) else {
                    continue;
                };
                r.visit_dest(table, c.prefix, d, false, &mut |v| {
                    if v.path.owner == c.owner
                        && v.path.cookie == c.cookie
                        && v.path.proto == c.proto
                    {
                        out.push(pb::RouteSubscribeEntry {
                            operation: op as i32,
                            route: Some(convert::entry(r, &v, &t)),
                        });
                    }
                });
            }
            ChangeOp::Delete => out.push(pb::RouteSubscribeEntry {
                operation: pb::RouteSubscribeRouteOp::RouteSubscbibeOpDelete as i32,
                route: Some(pb::RouteEntry {
                    key: Some(pb::RouteMatch {
                        dest_prefix: Some(convert::network_address(&c.prefix)),
                        dest_prefix_len: u32::from(c.prefix.len()),
                        table: Some(t.clone()),
                        cookie: c.cookie,
                    }),
                    protocol: convert::proto_pb(c.proto),
                    ..Default::default()
                }),
            }),
        }
    }
    out
}
