//! RouteSubscribe streams (RouteGet is in `get.rs`).
//!
//! ```text
//!  RouteSubscribe:  producer task ── full walk (chunks) ───► mpsc(16) ──► gRPC stream
//!                        ▲ then Arc<[RouteChange]> batches from the RIB task (bounded)
//! ```
//!
//! The producer stops when the client goes away (the send fails). A slow reader
//! back-pressures it, and the producer back-pressures the
//! RIB task through the bounded subscription queue.

use std::pin::Pin;

use futures::Stream;
use jet_device::rib::jet_rib::{ChangeOp, RibCode, TableId};
use jet_device::rib::RibHandle;
use jet_proto::jnx::jet::routing::base::RouteTableName;
use jet_proto::jnx::jet::routing::rib as pb;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::convert;
use crate::svc::status::{rib_task, subscribe_refusal};
use crate::svc::{failure, ok_status};

const MAX_COUNT: usize = 1000;
/// Routes per subscription reply when the client gives no `route_count`.
const SUB_DEFAULT_COUNT: usize = 100;

type SubStream = Pin<Box<dyn Stream<Item = Result<pb::RouteSubscribeResponse, Status>> + Send>>;

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

pub(crate) async fn route_subscribe(
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
            let existed = rib.unsubscribe(&client, table).await.map_err(rib_task)?;
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
    // The policy must be configured (`policy-options policy-statement NAME`); the
    // stream keeps the policy as it is now, a later commit does not change it.
    let policy = match req.policy.as_ref().map(|p| p.policy.as_str()) {
        None | Some("") => None,
        Some(p) => match rib.subscription_policy(p) {
            Some(policy) => Some(policy),
            None => {
                return one(sub_msg(
                    RibCode::RouteSubscribePolicyInvalid,
                    format!("policy '{p}' is not configured (policy-options policy-statement {p})"),
                    context,
                    &name,
                ))
            }
        },
    };
    let count = match req.route_count as usize {
        0 => SUB_DEFAULT_COUNT,
        n => n,
    };
    let flags = req.flag.unwrap_or_default();
    // END_OF_TABLE is sent by default (as if request_eor were set); no_eor_to_client
    // suppresses it. A client setting both asked for it explicitly, so it is sent.
    let eor = flags.request_eor || !flags.no_eor_to_client;
    let withdrawals = !flags.request_no_withdrawal;
    // The address format in force when the subscription starts.
    let bytes = rib.reply_address_bytes(&client);
    let mut sub = match rib.subscribe(&client, table, count as u32).await {
        Ok(s) => s,
        Err(e) => {
            let (code, message) = subscribe_refusal(e, &name)?;
            return one(sub_msg(code, message, context, &name));
        }
    };
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
        let streams = |p: &jet_device::rib::jet_rib::Prefix, proto| {
            policy.as_ref().is_none_or(|pol| pol.accepts(p, proto))
        };
        // Full table first: `count` paths per read-lock hold; what the policy lets
        // through is sent `count` routes per message.
        let mut after = None;
        let mut pending = Vec::with_capacity(count);
        loop {
            let next = rib.read(|r| {
                let t = convert::table_pb(r, table, false);
                r.walk(table, after, count, |v| {
                    if streams(&v.prefix, v.path.proto) {
                        pending.push(pb::RouteSubscribeEntry {
                            operation: add,
                            route: Some(convert::entry(r, &v, &t, bytes)),
                        });
                    }
                })
            });
            while pending.len() >= count || (next.is_none() && !pending.is_empty()) {
                let rest = pending.split_off(count.min(pending.len()));
                let full = std::mem::replace(&mut pending, rest);
                if tx.send(Ok(msg(full))).await.is_err() {
                    return;
                }
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
        // Then changes, as the RIB applies them, until the subscription is replaced or
        // deleted (None) or the client goes away. Leaving drops `sub.rx`, which tells
        // the RIB task this subscription is no longer live.
        loop {
            let changes = tokio::select! {
                c = sub.rx.recv() => match c {
                    Some(c) => c,
                    None => return,
                },
                () = tx.closed() => return,
            };
            let entries = rib
                .read(|r| changed_entries(r, table, &changes, policy.as_ref(), withdrawals, bytes));
            for chunk in entries.chunks(count) {
                if tx.send(Ok(msg(chunk.to_vec()))).await.is_err() {
                    return;
                }
            }
        }
    });
    Ok(Box::pin(ReceiverStream::new(rx)))
}

/// Subscription entries for the changes of one batch in `table`: only routes `policy`
/// accepts, and no DELETE entries unless `withdrawals`. `bytes`: addresses as bytes.
fn changed_entries(
    r: &jet_device::rib::jet_rib::Rib,
    table: TableId,
    changes: &[jet_device::rib::jet_rib::RouteChange],
    policy: Option<&jet_device::rib::RoutePolicy>,
    withdrawals: bool,
    bytes: bool,
) -> Vec<pb::RouteSubscribeEntry> {
    let t = convert::table_pb(r, table, false);
    let mut out = Vec::new();
    let wanted = |c: &&jet_device::rib::jet_rib::RouteChange| {
        c.table == table
            && (withdrawals || c.op != ChangeOp::Delete)
            && policy.is_none_or(|p| p.accepts(&c.prefix, c.proto))
    };
    for c in changes.iter().filter(wanted) {
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
                            route: Some(convert::entry(r, &v, &t, bytes)),
                        });
                    }
                });
            }
            ChangeOp::Delete => out.push(pb::RouteSubscribeEntry {
                operation: pb::RouteSubscribeRouteOp::RouteSubscbibeOpDelete as i32,
                route: Some(pb::RouteEntry {
                    key: Some(pb::RouteMatch {
                        dest_prefix: Some(convert::network_address(&c.prefix, bytes)),
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
