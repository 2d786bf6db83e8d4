//! `routing.RoutingInterface`, the older generation's view of routing interfaces: the
//! same service as `jnx.jet.routing.interfaces.Interfaces` (`rt_interfaces.rs`), whose
//! calls it makes with the caller's connection and whose replies it rewrites.
//!
//! ```text
//!  routing.RoutingInterface/X ─► RtInterfacesSvc::interface_x (same client state,
//!                                 same snapshots and streams) ─► legacy reply
//! ```
//!
//! Both generations share the client's state: an initialization through either binds the
//! session, and a client has one notification stream whichever generation opened it.
//! The sub-codes have the same numbers in both generations (ALREADY_SUBSCRIBED is
//! ALREADY_REGISTERED, NOTIFICATION_NOT_SUBSCRIBED is NOTIFICATION_NOT_REGISTERED);
//! `code` is jnxBase.StatusCode (SUCCESS 0, FAILURE 1, as RpcStatus). The replies carry
//! no message: the reason of a refusal travels in the `openjet-message` metadata.

use std::pin::Pin;
use std::sync::Arc;

use futures::{Stream, StreamExt};
use jet_proto::jnx::jet::common::RpcStatus;
use jet_proto::jnx::jet::routing::interfaces as pb;
use jet_proto::routing as lg;
use jet_proto::routing::routing_interface_server::RoutingInterface;
use pb::interfaces_server::Interfaces;
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status};

use super::rt_interfaces::RtInterfacesSvc;
use crate::Shared;

pub(crate) struct LegacyRtInterfacesSvc {
    current: RtInterfacesSvc,
}

impl LegacyRtInterfacesSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        LegacyRtInterfacesSvc {
            current: RtInterfacesSvc::new(shared),
        }
    }
}

/// The same request (connection, metadata) carrying the current generation's message.
fn same_caller<T, U>(req: Request<T>, msg: impl FnOnce(T) -> U) -> Request<U> {
    let (meta, ext, m) = req.into_parts();
    Request::from_parts(meta, ext, msg(m))
}

/// `code` of a legacy reply, and the refusal's reason in the metadata of `r`.
fn code_and_message<T>(status: Option<&RpcStatus>) -> (i32, impl FnOnce(&mut Response<T>)) {
    let code = status.map_or(0, |s| s.code);
    let msg = status
        .filter(|s| s.code != 0 && !s.message.is_empty())
        .map(|s| legacy_names(&s.message).replace(['\r', '\n'], " "));
    (code, move |r: &mut Response<T>| {
        if let Some(v) = msg.and_then(|m| MetadataValue::try_from(m).ok()) {
            r.metadata_mut().insert("openjet-message", v);
        }
    })
}

/// A current-generation message with this generation's method and code names.
fn legacy_names(m: &str) -> String {
    [
        ("InterfaceInitialize", "RoutingInterfaceInitialize"),
        ("InterfaceGet", "RoutingInterfaceGet"),
        ("InterfaceSubscribe", "RoutingInterfaceNotificationRegister"),
        (
            "InterfaceUnsubscribe",
            "RoutingInterfaceNotificationUnregister",
        ),
        ("InterfaceRefresh", "RoutingInterfaceNotificationRefresh"),
        ("NOTIFICATION_NOT_SUBSCRIBED", "NOTIFICATION_NOT_REGISTERED"),
        ("already subscribed", "already registered"),
    ]
    .iter()
    .fold(m.to_owned(), |m, (from, to)| m.replace(from, to))
}

fn entry_out(e: pb::InterfaceEntry) -> lg::RoutingInterfaceEntry {
    lg::RoutingInterfaceEntry {
        name: e.name,
        index: e.index,
        // RT_INTF_CHANGED/UP/DOWN/DELETED: the same numbers in both generations.
        status: e.status,
        bandwidth: e.bandwidth,
        mtu: e.mtu,
        addresses: e
            .addresses
            .into_iter()
            .map(|a| lg::RoutingInterfaceAddress {
                address: a.address.map(jet_rib_wire::legacy::address_out),
                prefix_length: a.prefix_length,
                is_primary: a.is_primary,
            })
            .collect(),
    }
}

type NotifyStream =
    Pin<Box<dyn Stream<Item = Result<lg::RoutingInterfaceNotificationResponse, Status>> + Send>>;

#[tonic::async_trait]
impl RoutingInterface for LegacyRtInterfacesSvc {
    async fn routing_interface_initialize(
        &self,
        req: Request<lg::RoutingInterfaceInitializeRequest>,
    ) -> Result<Response<lg::RoutingInterfaceInitializeResponse>, Status> {
        let req = same_caller(req, |_| pb::InterfaceInitializeRequest {});
        let r = self.current.interface_initialize(req).await?.into_inner();
        let (code, message) = code_and_message(r.status.as_ref());
        let mut out = Response::new(lg::RoutingInterfaceInitializeResponse {
            code,
            sub_code: r.sub_code,
        });
        message(&mut out);
        Ok(out)
    }

    async fn routing_interface_get(
        &self,
        req: Request<lg::RoutingInterfaceGetRequest>,
    ) -> Result<Response<lg::RoutingInterfaceGetResponse>, Status> {
        use lg::routing_interface_get_request::Key as L;
        use pb::interface_get_request::Key as C;
        let req = same_caller(req, |r| pb::InterfaceGetRequest {
            // ADDRESS_STRING/ADDRESS_BYTES: the same numbers in both generations.
            address_format: r.address_format,
            key: r.key.map(|k| match k {
                L::Name(n) => C::Name(n),
                L::Index(i) => C::Index(i),
            }),
        });
        let r = self.current.interface_get(req).await?.into_inner();
        let (code, message) = code_and_message(r.status.as_ref());
        let mut out = Response::new(lg::RoutingInterfaceGetResponse {
            code,
            sub_code: r.sub_code,
            entry: r.entry.map(entry_out),
        });
        message(&mut out);
        Ok(out)
    }

    type RoutingInterfaceNotificationRegisterStream = NotifyStream;

    async fn routing_interface_notification_register(
        &self,
        req: Request<lg::RoutingInterfaceNotificationRegisterRequest>,
    ) -> Result<Response<NotifyStream>, Status> {
        let req = same_caller(req, |r| pb::InterfaceSubscribeRequest {
            address_format: r.address_format,
        });
        let s = self.current.interface_subscribe(req).await?.into_inner();
        // A refusal is a single message: its reason goes in the response metadata.
        let mut s = s.peekable();
        let first = match Pin::new(&mut s).peek().await {
            Some(Ok(m)) => m.status.clone(),
            _ => None,
        };
        let (_, message) = code_and_message(first.as_ref());
        let s = s.map(|m| {
            m.map(|m| lg::RoutingInterfaceNotificationResponse {
                code: m.status.as_ref().map_or(0, |s| s.code),
                sub_code: m.sub_code,
                entries: m.entries.into_iter().map(entry_out).collect(),
            })
        });
        let mut out = Response::new(Box::pin(s) as NotifyStream);
        message(&mut out);
        Ok(out)
    }

    async fn routing_interface_notification_unregister(
        &self,
        req: Request<lg::RoutingInterfaceNotificationUnregisterRequest>,
    ) -> Result<Response<lg::RoutingInterfaceNotificationUnregisterResponse>, Status> {
        let req = same_caller(req, |_| pb::InterfaceUnsubscribeRequest {});
        let r = self.current.interface_unsubscribe(req).await?.into_inner();
        let (code, message) = code_and_message(r.status.as_ref());
        let mut out = Response::new(lg::RoutingInterfaceNotificationUnregisterResponse {
            code,
            sub_code: r.sub_code,
        });
        message(&mut out);
        Ok(out)
    }

    async fn routing_interface_notification_refresh(
        &self,
        req: Request<lg::RoutingInterfaceNotificationRefreshRequest>,
    ) -> Result<Response<lg::RoutingInterfaceNotificationRefreshResponse>, Status> {
        let req = same_caller(req, |_| pb::InterfaceRefreshRequest {});
        let r = self.current.interface_refresh(req).await?.into_inner();
        let (code, message) = code_and_message(r.status.as_ref());
        let mut out = Response::new(lg::RoutingInterfaceNotificationRefreshResponse {
            code,
            sub_code: r.sub_code,
        });
        message(&mut out);
        Ok(out)
    }
}
