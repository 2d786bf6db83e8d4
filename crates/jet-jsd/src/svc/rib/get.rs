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

use jet_device::rib::jet_rib::{Prefix, RibCode};
use jet_device::rib::RibHandle;
use jet_proto::jnx::jet::routing::rib as pb;
use jet_rib_wire::{Encoded, GetQuery};
use prost::Message;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::EncodedStream;
use crate::svc::failure;

fn error(code: RibCode, msg: String) -> EncodedStream {
    let r = pb::RouteGetResponse {
        status: failure(msg),
        sub_code: code.jet(),
        routes: Vec::new(),
    };
    Box::pin(tokio_stream::iter([Ok(Encoded(r.encode_to_vec()))]))
}

pub(crate) fn route_get(
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
    let query = match rib.read(|r| GetQuery::from_pb(r, &req, address_bytes)) {
        Ok(q) => q,
        Err((c, m)) => return error(c, m),
    };
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let _permit = permit;
        let mut after: Option<Prefix> = None;
        loop {
            let (reply, next) = rib.read(|r| query.chunk(r, after));
            if reply.routes() > 0 && tx.send(Ok(reply.finish())).await.is_err() {
                return;
            }
            match next {
                Some(p) => after = Some(p),
                None => break,
            }
        }
        let _ = tx.send(Ok(GetQuery::end())).await;
    });
    Box::pin(ReceiverStream::new(rx))
}
