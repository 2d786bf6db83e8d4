//! `jnx.jet.routing.interfaces.Interfaces`: rpd's read-only view of routing interfaces
//! (logical interfaces with their addresses), fed by the device's interfaces subsystem.
//!
//! ```text
//!  device.watch_interfaces() ──► per-subscription task ──► bounded mpsc ──► gRPC stream
//!                                   ▲ refresh requests (InterfaceRefresh)
//! ```
//!
//! State is kept per `client_id`: InterfaceInitialize binds the client to its session (a
//! new session of the same client id re-binds: SUCCESS_REBOUND); one notification stream
//! per client. Notifications are diffs between interface snapshots, so a burst of changes
//! to one interface collapses into one notification with its latest state (the contract's
//! compression rule) and a slow reader only delays its own stream.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use futures::Stream;
use jet_device::ifd::InterfacesSnapshot;
use jet_device::SessionId;
use jet_proto::jnx::jet::common::{ip_address::AddrFormat, AddressFormat, IpAddress};
use jet_proto::jnx::jet::routing::base::{network_address::Af, NetworkAddress};
use jet_proto::jnx::jet::routing::interfaces as pb;
use pb::interfaces_server::Interfaces;
use tokio::sync::mpsc;
use tonic::{Request, Response, Status};

use super::{caller, failure, ok_status};
use crate::Shared;

/// Notifications buffered per stream before the producer waits for the client.
const STREAM_QUEUE: usize = 64;

/// Per-client state, shared by every listener of one jsd.
#[derive(Debug, Default)]
pub(crate) struct RtIfClients {
    clients: Mutex<HashMap<String, ClientState>>,
}

#[derive(Debug)]
struct ClientState {
    session: SessionId,
    /// Refresh requests into the live subscription, if any.
    subscription: Option<mpsc::Sender<()>>,
}

impl RtIfClients {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, ClientState>> {
        self.clients.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A session ended: the state of its anonymous caller goes (no later session can
    /// reach its `session-N` key), and a named client bound to it loses its subscription
    /// but keeps its binding, so the client's next session is SUCCESS_REBOUND as before.
    pub(crate) fn session_ended(&self, session: SessionId) {
        let anonymous = format!("session-{session}");
        self.lock().retain(|key, c| {
            if c.session != session {
                return true;
            }
            c.subscription = None;
            *key != anonymous
        });
    }

    /// Follows the device's session ends (lossless, one per closed session) until the
    /// device or jsd goes away.
    pub(crate) async fn follow_session_ends(
        self: std::sync::Arc<Self>,
        mut ends: jet_device::SessionEnds,
    ) {
        while let Some(end) = ends.recv().await {
            self.session_ended(end.id);
        }
    }
}

pub(crate) struct RtInterfacesSvc {
    shared: Arc<Shared>,
}

impl RtInterfacesSvc {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        RtInterfacesSvc { shared }
    }

    /// The caller's client key: its client id, or the session for anonymous callers.
    fn client<T>(&self, req: &Request<T>) -> Result<(String, SessionId), Status> {
        let c = caller(req)?;
        Ok((c.client_key(), c.session))
    }

    /// True when `client` called InterfaceInitialize on `session`.
    fn initialized(&self, client: &str, session: SessionId) -> bool {
        self.shared
            .rt_interfaces
            .lock()
            .get(client)
            .is_some_and(|c| c.session == session)
    }
}

type SubStream = Pin<Box<dyn Stream<Item = Result<pb::InterfaceSubscribeResponse, Status>> + Send>>;

/// The routing interfaces of a snapshot: every logical interface with an inet or inet6
/// family, by name.
fn entries(snap: &InterfacesSnapshot, fmt: AddressFormat) -> BTreeMap<String, pb::InterfaceEntry> {
    let mut out = BTreeMap::new();
    for ifd in &snap.ifds {
        for ifl in &ifd.units {
            let mut addresses = Vec::new();
            for fam in &ifl.families {
                for a in &fam.addresses {
                    addresses.push(pb::InterfaceAddress {
                        address: Some(network_address(a.local, fmt)),
                        prefix_length: u32::from(a.prefix_len),
                        is_primary: a.primary,
                    });
                }
            }
            let up = ifl.is_up();
            out.insert(
                ifl.name.clone(),
                pb::InterfaceEntry {
                    name: ifl.name.clone(),
                    index: ifl.local_index,
                    status: if up {
                        pb::InterfaceStatus::RtIntfUp
                    } else {
                        pb::InterfaceStatus::RtIntfDown
                    } as i32,
                    bandwidth: ifd.speed.bps(),
                    mtu: match ifd.mtu {
                        jet_device::ifd::Mtu::Bytes(b) => b,
                        jet_device::ifd::Mtu::Unlimited => 0,
                    },
                    addresses,
                },
            );
        }
    }
    out
}

fn network_address(ip: IpAddr, fmt: AddressFormat) -> NetworkAddress {
    let addr = IpAddress {
        addr_format: Some(match fmt {
            AddressFormat::AddressBytes => AddrFormat::AddrBytes(match ip {
                IpAddr::V4(a) => a.octets().to_vec(),
                IpAddr::V6(a) => a.octets().to_vec(),
            }),
            AddressFormat::AddressString => AddrFormat::AddrString(ip.to_string()),
        }),
    };
    NetworkAddress {
        af: Some(if ip.is_ipv4() {
            Af::Inet(addr)
        } else {
            Af::Inet6(addr)
        }),
    }
}

/// Notifications turning `old` into `new`: UP/DOWN when the status flips, CHANGED when
/// attributes change, DELETED (name and status only) when an interface goes away.
fn diff(
    old: &BTreeMap<String, pb::InterfaceEntry>,
    new: &BTreeMap<String, pb::InterfaceEntry>,
) -> Vec<pb::InterfaceEntry> {
    let mut out = Vec::new();
    for (name, e) in new {
        match old.get(name) {
            None => out.push(e.clone()),
            Some(o) if o.status != e.status => {
                if e.status == pb::InterfaceStatus::RtIntfDown as i32 {
                    out.push(pb::InterfaceEntry {
                        name: name.clone(),
                        status: e.status,
                        ..Default::default()
                    });
                } else {
                    out.push(e.clone());
                }
            }
            Some(o) if o != e => out.push(pb::InterfaceEntry {
                status: pb::InterfaceStatus::RtIntfChanged as i32,
                ..e.clone()
            }),
            Some(_) => {}
        }
    }
    for name in old.keys() {
        if !new.contains_key(name) {
            out.push(pb::InterfaceEntry {
                name: name.clone(),
                status: pb::InterfaceStatus::RtIntfDeleted as i32,
                ..Default::default()
            });
        }
    }
    out
}

fn sub_reply(
    code: pb::interface_subscribe_response::StatusCode,
    entries: Vec<pb::InterfaceEntry>,
    message: &str,
) -> pb::InterfaceSubscribeResponse {
    let status = if code == pb::interface_subscribe_response::StatusCode::SuccessCompleted {
        ok_status()
    } else {
        failure(message)
    };
    pb::InterfaceSubscribeResponse {
        status,
        sub_code: code as i32,
        entries,
    }
}

#[tonic::async_trait]
impl Interfaces for RtInterfacesSvc {
    type InterfaceSubscribeStream = SubStream;

    async fn interface_initialize(
        &self,
        req: Request<pb::InterfaceInitializeRequest>,
    ) -> Result<Response<pb::InterfaceInitializeResponse>, Status> {
        use pb::interface_initialize_response::StatusCode as C;
        let (client, session) = self.client(&req)?;
        let mut clients = self.shared.rt_interfaces.lock();
        let code = match clients.get_mut(&client) {
            Some(c) if c.session == session => C::AlreadyInitialized,
            Some(c) => {
                c.session = session;
                C::SuccessRebound
            }
            None => {
                clients.insert(
                    client,
                    ClientState {
                        session,
                        subscription: None,
                    },
                );
                C::SuccessCompleted
            }
        };
        let status = if code == C::AlreadyInitialized {
            failure("InterfaceInitialize: this client is already initialized on this session")
        } else {
            ok_status()
        };
        Ok(Response::new(pb::InterfaceInitializeResponse {
            status,
            sub_code: code as i32,
        }))
    }

    async fn interface_get(
        &self,
        req: Request<pb::InterfaceGetRequest>,
    ) -> Result<Response<pb::InterfaceGetResponse>, Status> {
        use pb::interface_get_response::StatusCode as C;
        let (client, session) = self.client(&req)?;
        let r = req.into_inner();
        let reply = |code: C, entry: Option<pb::InterfaceEntry>, msg: String| {
            let status = if code == C::SuccessCompleted {
                ok_status()
            } else {
                failure(msg)
            };
            Ok(Response::new(pb::InterfaceGetResponse {
                status,
                sub_code: code as i32,
                entry,
            }))
        };
        if !self.initialized(&client, session) {
            return reply(
                C::NotInitialized,
                None,
                "InterfaceGet: call InterfaceInitialize first".into(),
            );
        }
        let fmt = AddressFormat::try_from(r.address_format).map_err(|_| {
            Status::invalid_argument(format!(
                "address_format: unknown value {}",
                r.address_format
            ))
        })?;
        let all = entries(&self.shared.device.interfaces(), fmt);
        use pb::interface_get_request::Key;
        let found = match &r.key {
            Some(Key::Name(n)) if !n.is_empty() => all.get(n).cloned(),
            Some(Key::Index(i)) if *i != 0 => all.values().find(|e| e.index == *i).cloned(),
            _ => {
                return reply(
                    C::InvalidIndexAndName,
                    None,
                    "InterfaceGet: give a non-empty name or a non-zero index".into(),
                )
            }
        };
        match found {
            Some(e) => reply(C::SuccessCompleted, Some(e), String::new()),
            None => reply(
                C::NotFound,
                None,
                format!("InterfaceGet: no routing interface {:?}", r.key),
            ),
        }
    }

    async fn interface_subscribe(
        &self,
        req: Request<pb::InterfaceSubscribeRequest>,
    ) -> Result<Response<SubStream>, Status> {
        use pb::interface_subscribe_response::StatusCode as C;
        let (client, session) = self.client(&req)?;
        let r = req.into_inner();
        let fmt = AddressFormat::try_from(r.address_format).map_err(|_| {
            Status::invalid_argument(format!(
                "address_format: unknown value {}",
                r.address_format
            ))
        })?;
        let single = |code: C, msg: &str| -> Result<Response<SubStream>, Status> {
            let one = sub_reply(code, Vec::new(), msg);
            Ok(Response::new(Box::pin(futures::stream::iter([Ok(one)]))))
        };
        let (refresh_tx, mut refresh_rx) = mpsc::channel::<()>(4);
        {
            let mut clients = self.shared.rt_interfaces.lock();
            match clients.get_mut(&client) {
                Some(c) if c.session == session => {
                    if c.subscription.as_ref().is_some_and(|s| !s.is_closed()) {
                        return single(
                            C::AlreadySubscribed,
                            "InterfaceSubscribe: already subscribed",
                        );
                    }
                    c.subscription = Some(refresh_tx);
                }
                _ => {
                    return single(
                        C::NotInitialized,
                        "InterfaceSubscribe: call InterfaceInitialize first",
                    )
                }
            }
        }
        let (tx, rx) = mpsc::channel(STREAM_QUEUE);
        let mut watch = self.shared.device.watch_interfaces();
        tokio::spawn(async move {
            let ok = |entries| Ok(sub_reply(C::SuccessCompleted, entries, ""));
            // Confirmation first, then the full dump, then changes.
            if tx.send(ok(Vec::new())).await.is_err() {
                return;
            }
            let mut current = entries(&watch.borrow_and_update(), fmt);
            if tx
                .send(ok(current.values().cloned().collect()))
                .await
                .is_err()
            {
                return;
            }
            loop {
                tokio::select! {
                    changed = watch.changed() => {
                        if changed.is_err() { break }
                        let next = entries(&watch.borrow_and_update(), fmt);
                        let changes = diff(&current, &next);
                        current = next;
                        if !changes.is_empty() && tx.send(ok(changes)).await.is_err() {
                            break;
                        }
                    }
                    refresh = refresh_rx.recv() => {
                        // None: unsubscribed (the sender was dropped).
                        if refresh.is_none() { break }
                        if tx.send(ok(current.values().cloned().collect())).await.is_err() {
                            break;
                        }
                    }
                    _ = tx.closed() => break,
                }
            }
        });
        Ok(Response::new(Box::pin(
            tokio_stream::wrappers::ReceiverStream::new(rx),
        )))
    }

    async fn interface_unsubscribe(
        &self,
        req: Request<pb::InterfaceUnsubscribeRequest>,
    ) -> Result<Response<pb::InterfaceUnsubscribeResponse>, Status> {
        use pb::interface_unsubscribe_response::StatusCode as C;
        let (client, session) = self.client(&req)?;
        let mut clients = self.shared.rt_interfaces.lock();
        let code = match clients.get_mut(&client) {
            Some(c) if c.session == session => match c.subscription.take() {
                Some(s) if !s.is_closed() => C::SuccessCompleted,
                _ => C::NotificationNotSubscribed,
            },
            _ => C::NotInitialized,
        };
        let status = if code == C::SuccessCompleted {
            ok_status()
        } else {
            failure(format!("InterfaceUnsubscribe: {}", code.as_str_name()))
        };
        Ok(Response::new(pb::InterfaceUnsubscribeResponse {
            status,
            sub_code: code as i32,
        }))
    }

    async fn interface_refresh(
        &self,
        req: Request<pb::InterfaceRefreshRequest>,
    ) -> Result<Response<pb::InterfaceRefreshResponse>, Status> {
        use pb::interface_refresh_response::StatusCode as C;
        let (client, session) = self.client(&req)?;
        let sender = {
            let clients = self.shared.rt_interfaces.lock();
            match clients.get(&client) {
                Some(c) if c.session == session => Ok(c.subscription.clone()),
                _ => Err(C::NotInitialized),
            }
        };
        let code = match sender {
            Err(c) => c,
            Ok(Some(s)) if s.send(()).await.is_ok() => C::SuccessCompleted,
            Ok(_) => C::NotificationNotSubscribed,
        };
        let status = if code == C::SuccessCompleted {
            ok_status()
        } else {
            failure(format!("InterfaceRefresh: {}", code.as_str_name()))
        };
        Ok(Response::new(pb::InterfaceRefreshResponse {
            status,
            sub_code: code as i32,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_end_drops_anonymous_state_and_subscriptions_but_keeps_named_bindings() {
        let clients = RtIfClients::default();
        let (tx, _rx) = mpsc::channel(1);
        for (key, session) in [("session-7", 7), ("app", 7), ("other", 8)] {
            clients.lock().insert(
                key.to_owned(),
                ClientState {
                    session,
                    subscription: Some(tx.clone()),
                },
            );
        }
        clients.session_ended(7);
        let map = clients.lock();
        assert!(!map.contains_key("session-7"));
        assert!(map
            .get("app")
            .is_some_and(|c| c.session == 7 && c.subscription.is_none()));
        assert!(map.get("other").is_some_and(|c| c.subscription.is_some()));
    }
}
