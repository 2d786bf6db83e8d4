//! The subcommands: each runs on one logged-in JET session (one connection) and talks to
//! the RIB service through the generated client that `JetClient::rib()` hands out. That
//! client is a cheap handle on the session's connection, so every call below, whichever
//! handle makes it, belongs to the same session (and so to the same login and client id).
//!
//! JET reports most failures *inside* a successful gRPC reply: a `status` of FAILURE with
//! a message, plus a service-specific `sub_code`. A gRPC error (`tonic::Status`) means
//! something else went wrong (not logged in, connection lost). Both end up here as an
//! error message for `main` to print.

use std::net::IpAddr;

use jet_sdk::proto::jnx::jet::common::{RpcStatus, StatusCode as JetStatus};
use jet_sdk::proto::jnx::jet::routing::base::{
    RoutePurgeTimerAddRequest, RouteTableName, StatusCode as BaseCode,
};
use jet_sdk::proto::jnx::jet::routing::rib::{
    self as pb, RouteMatchType, RouteSubscribeOp, RouteSubscribeRouteOp, StatusCode as RibCode,
};
use jet_sdk::JetClient;

use crate::routes::{self, Prefix};

/// The most routes one RouteAdd or RouteDelete may carry (the device answers
/// TOO_MANY_OPS beyond it), so longer lists go in several calls.
const MAX_BATCH: usize = 1000;

/// Routes per streamed RouteGet reply (1–1000; the device's default is 1, which means
/// one gRPC message per route).
const GET_ROUTE_COUNT: u32 = 1000;

/// A call the device answered with a gRPC error (`tonic::Status`) rather than a JET
/// status. The SDK converts it into its own error, so the app needs no tonic dependency.
fn rpc_error(call: &str, e: impl Into<jet_sdk::Error>) -> String {
    format!("{call} failed: {}", e.into())
}

/// True when a JET status says SUCCESS. A reply without a status is treated as a failure:
/// the contract always sends one.
fn succeeded(status: Option<&RpcStatus>) -> bool {
    status.is_some_and(|s| s.code == JetStatus::Success as i32)
}

/// `CALL failed: SUB_CODE: message`, the form every JET failure is reported in.
fn jet_failure(call: &str, sub_code: &str, status: Option<&RpcStatus>) -> String {
    let message = status.map_or("reply without a status", |s| s.message.as_str());
    format!("{call} failed: {sub_code}: {message}")
}

/// RouteInitialize: the first RIB call of every session, and the one that rebinds.
///
/// Routes belong to the *client id* given at Login, not to the connection. When a
/// connection closes, its client's routes stay for the purge time (120 s unless the app
/// set another with RoutePurgeTimerAdd). A new session that logs in with the same client
/// id and calls RouteInitialize within that time gets them back: the device answers
/// SUCCESS_REBOUND with how many routes the client still owns, and stops the purge
/// timer. An app that restarts (or crashes) therefore keeps its routes as long as it
/// comes back in time, and must not assume a fresh start.
pub(crate) async fn initialize(jet: &JetClient) -> Result<(), String> {
    let reply = jet
        .rib()
        .route_initialize(pb::RouteInitializeRequest::default())
        .await
        .map_err(|e| rpc_error("RouteInitialize", e))?
        .into_inner();
    if !succeeded(reply.status.as_ref()) {
        return Err(jet_failure(
            "RouteInitialize",
            &routes::rib_code_name(reply.sub_code),
            reply.status.as_ref(),
        ));
    }
    match RibCode::try_from(reply.sub_code) {
        Ok(RibCode::SuccessRebound) => println!("rebound {} routes", reply.num_client_routes),
        // Only possible when one connection initializes twice, which this app never does.
        Ok(RibCode::AlreadyInitialized) => {
            println!("initialized: already ({} routes)", reply.num_client_routes)
        }
        _ => println!("initialized: fresh"),
    }
    Ok(())
}

/// What `add` was asked to program.
pub(crate) struct AddArgs {
    pub(crate) prefixes: Vec<Prefix>,
    pub(crate) via: Vec<IpAddr>,
    pub(crate) table: String,
    pub(crate) preference: Option<u32>,
    pub(crate) purge_time: Option<u32>,
}

/// `add`: optional RoutePurgeTimerAdd, then RouteAdd in batches.
pub(crate) async fn add(jet: &JetClient, args: AddArgs) -> Result<(), String> {
    // The purge timer belongs to the client id too, and outlives this session: it says
    // how long the device keeps our routes after we disconnect (1–1000 s). Setting it
    // before adding routes means it is in force however this process ends.
    if let Some(secs) = args.purge_time {
        let reply = jet
            .routing_base()
            .route_purge_timer_add(RoutePurgeTimerAddRequest { time: secs })
            .await
            .map_err(|e| rpc_error("RoutePurgeTimerAdd", e))?
            .into_inner();
        if !succeeded(reply.status.as_ref()) {
            let code = BaseCode::try_from(reply.sub_code).map_or_else(
                |_| format!("sub-code {}", reply.sub_code),
                |c| c.as_str_name().into(),
            );
            return Err(jet_failure(
                "RoutePurgeTimerAdd",
                &code,
                reply.status.as_ref(),
            ));
        }
        println!("purge time: {secs} s");
    }

    let entries: Vec<pb::RouteEntry> = args
        .prefixes
        .iter()
        .map(|p| routes::route_entry(*p, &args.table, &args.via, args.preference))
        .collect();
    let total = entries.len();
    let mut added: u64 = 0;
    let mut rib = jet.rib();
    for batch in entries.chunks(MAX_BATCH) {
        // A batch is applied in order and stops at the first bad route: the reply says
        // how many went in before it (`operations_completed`). Those stay programmed;
        // an app that wants all-or-nothing has to delete them itself.
        let reply = rib
            .route_add(pb::RouteUpdateRequest {
                routes: batch.to_vec(),
            })
            .await
            .map_err(|e| rpc_error("RouteAdd", e))?
            .into_inner();
        added += u64::from(reply.operations_completed);
        if !succeeded(reply.status.as_ref()) {
            return Err(format!(
                "{} ({added} of {total} routes added)",
                jet_failure(
                    "RouteAdd",
                    &routes::rib_code_name(reply.sub_code),
                    reply.status.as_ref()
                )
            ));
        }
    }
    println!("added {added} routes");
    Ok(())
}

/// `get`: RouteGet EXACT_OR_LONGER, one line per route.
///
/// The reply is a stream: up to GET_ROUTE_COUNT routes per message, then a final
/// message with no routes that marks the end. The walk is not a snapshot: routes
/// changed meanwhile may or may not show.
pub(crate) async fn get(
    jet: &JetClient,
    prefix: Option<Prefix>,
    table: &str,
) -> Result<(), String> {
    let prefix = prefix.unwrap_or_else(|| Prefix::default_route(table));
    let request = pb::RouteGetRequest {
        key: Some(routes::route_match(prefix, table)),
        // EXACT_OR_LONGER from 0.0.0.0/0 is the whole table; BEST would be a longest-
        // prefix-match lookup and EXACT that one route only.
        match_type: RouteMatchType::ExactOrLonger as i32,
        route_count: GET_ROUTE_COUNT,
        ..Default::default()
    };
    let mut stream = jet
        .rib()
        .route_get(request)
        .await
        .map_err(|e| rpc_error("RouteGet", e))?
        .into_inner();
    while let Some(msg) = stream
        .message()
        .await
        .map_err(|e| rpc_error("RouteGet", e))?
    {
        if !succeeded(msg.status.as_ref()) {
            return Err(jet_failure(
                "RouteGet",
                &routes::rib_code_name(msg.sub_code),
                msg.status.as_ref(),
            ));
        }
        if msg.routes.is_empty() {
            break; // the terminating empty message
        }
        for route in &msg.routes {
            println!("{}", routes::describe(route));
        }
    }
    Ok(())
}

/// `watch`: RouteSubscribe, printing the table, END_OF_TABLE, then every change.
///
/// Returns after `count` changes (entries after END_OF_TABLE) when given; otherwise runs
/// until the device ends the stream (or `main` stops it on Ctrl-C). One subscription per
/// table and session: a second RouteSubscribe for the same table moves the events to the
/// new stream and ends this one.
pub(crate) async fn watch(jet: &JetClient, table: &str, count: Option<u64>) -> Result<(), String> {
    let request = pb::RouteSubscribeRequest {
        table_name: Some(RouteTableName { name: table.into() }),
        operation: RouteSubscribeOp::SubscribeAdd as i32,
        // Routes per message while the current table is sent.
        route_count: GET_ROUTE_COUNT,
        ..Default::default()
    };
    let mut stream = jet
        .rib()
        .route_subscribe(request)
        .await
        .map_err(|e| rpc_error("RouteSubscribe", e))?
        .into_inner();
    let mut in_table_dump = true;
    let mut changes: u64 = 0;
    while let Some(msg) = stream
        .message()
        .await
        .map_err(|e| rpc_error("RouteSubscribe", e))?
    {
        if !succeeded(msg.status.as_ref()) {
            return Err(jet_failure(
                "RouteSubscribe",
                &routes::rib_code_name(msg.sub_code),
                msg.status.as_ref(),
            ));
        }
        for entry in &msg.routes {
            if entry.operation == RouteSubscribeRouteOp::RouteSubscribeOpEndOfTable as i32 {
                // Everything before this was the table as it was; everything after is news.
                println!("END_OF_TABLE");
                in_table_dump = false;
                continue;
            }
            // A deleted route is reported by its key only: no next hop, no attributes.
            let route = match &entry.route {
                Some(r)
                    if entry.operation == RouteSubscribeRouteOp::RouteSubscbibeOpDelete as i32 =>
                {
                    routes::destination(r)
                }
                Some(r) => routes::describe(r),
                None => "?".to_string(),
            };
            println!("{} {route}", routes::event_name(entry.operation));
            if !in_table_dump {
                changes += 1;
                if count.is_some_and(|n| changes >= n) {
                    return Ok(());
                }
            }
        }
    }
    Err(format!(
        "the device ended the subscription to {table} (another RouteSubscribe for it, or shutdown)"
    ))
}

/// `delete`: RouteDelete in batches. Only the client id that added a route may delete it.
pub(crate) async fn delete(
    jet: &JetClient,
    prefixes: &[Prefix],
    table: &str,
) -> Result<(), String> {
    let keys: Vec<pb::RouteMatch> = prefixes
        .iter()
        .map(|p| routes::route_match(*p, table))
        .collect();
    let total = keys.len();
    let mut deleted: u64 = 0;
    let mut rib = jet.rib();
    for batch in keys.chunks(MAX_BATCH) {
        let reply = rib
            .route_delete(pb::RouteDeleteRequest {
                keys: batch.to_vec(),
            })
            .await
            .map_err(|e| rpc_error("RouteDelete", e))?
            .into_inner();
        deleted += u64::from(reply.operations_completed);
        if !succeeded(reply.status.as_ref()) {
            return Err(format!(
                "{} ({deleted} of {total} routes deleted)",
                jet_failure(
                    "RouteDelete",
                    &routes::rib_code_name(reply.sub_code),
                    reply.status.as_ref()
                )
            ));
        }
    }
    println!("deleted {deleted} routes");
    Ok(())
}

/// `cleanup`: RouteCleanup removes every route of this client id at once, without
/// waiting for the purge timer. The polite way for an app to leave for good.
pub(crate) async fn cleanup(jet: &JetClient, client_id: &str) -> Result<(), String> {
    let reply = jet
        .rib()
        .route_cleanup(pb::RouteCleanupRequest {})
        .await
        .map_err(|e| rpc_error("RouteCleanup", e))?
        .into_inner();
    if !succeeded(reply.status.as_ref()) {
        return Err(jet_failure(
            "RouteCleanup",
            &routes::rib_code_name(reply.sub_code),
            reply.status.as_ref(),
        ));
    }
    println!("removed every route of client '{client_id}'");
    Ok(())
}
