//! The API-configured interface objects, their owners and the clients' purge deadlines
//! (pure: the ifd task passes the configured interfaces and the time in).
//!
//! This module holds the state and the client bookkeeping (sessions, purge) and
//! dispatches a request; the request kinds are in `upsert` (Add, Update), `delete`
//! (Delete, and pruning emptied placeholders) and `query` (Get, UnitPermissionsGet); the
//! lookups they share (what exists, in the configuration or through the API) in `lookup`.

mod delete;
mod lookup;
mod query;
mod upsert;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use super::types::{IfApiError, IfApiOp, IfApiReply, DEFAULT_PURGE_SECS, NEVER_PURGE};
use crate::ifd::model::{AddressConf, FamilyConf, IfdConf, IflConf};
use crate::sessions::SessionId;
use crate::vocab::interfaces::{FamilyKind, MacAddr, Tunnel};

/// Every API object of the device, by interface, and the clients that own them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiState {
    /// API objects per interface; the whole tree belongs to one client.
    pub trees: BTreeMap<String, ApiTree>,
    /// Clients that used the API.
    pub clients: HashMap<String, ApiClient>,
}

/// What the API knows of a client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiClient {
    /// Its live sessions that used the API.
    pub sessions: BTreeSet<SessionId>,
    /// The purge time it set (`None`: [`DEFAULT_PURGE_SECS`]).
    pub purge_secs: Option<u32>,
    /// When its objects are purged (ms on the ifd task's clock), while disconnected.
    pub purge_at: Option<u64>,
}

impl ApiClient {
    /// The purge time in force, seconds.
    pub fn purge_time(&self) -> u32 {
        self.purge_secs.unwrap_or(DEFAULT_PURGE_SECS)
    }
}

/// The API objects of one interface.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiTree {
    /// The client that owns them.
    pub owner: String,
    /// The interface object itself was added through the API (`aeN`/`ftiN`: created).
    pub created: bool,
    /// `mac` attribute.
    pub mac: Option<MacAddr>,
    /// `mtu` attribute.
    pub mtu: Option<u32>,
    /// Aggregate members.
    pub members: Option<Vec<String>>,
    /// Units (created, or holding API children of a configured unit).
    pub units: BTreeMap<u32, ApiUnit>,
}

/// The API side of a unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiUnit {
    /// Created through the API (false: a configured unit holding API children).
    pub created: bool,
    /// `vlan-id` attribute.
    pub vlan_id: Option<u16>,
    /// FTI tunnel.
    pub tunnel: Option<Tunnel>,
    /// Families.
    pub families: BTreeMap<FamilyKind, ApiFamily>,
}

/// The API side of a family.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiFamily {
    /// Created through the API.
    pub created: bool,
    /// Addresses.
    pub addresses: Vec<ApiAddress>,
}

/// The API side of an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiAddress {
    /// Created through the API (false: a configured address holding API ARP entries).
    pub created: bool,
    /// Local address.
    pub local: IpAddr,
    /// Prefix length.
    pub prefix_len: u8,
    /// `mac` attribute.
    pub mac: Option<MacAddr>,
    /// Static ARP/NDP entries: neighbour, MAC, `receive`.
    pub neighbors: Vec<(IpAddr, MacAddr, bool)>,
}

/// The configured interfaces, as the checks read them.
pub(crate) struct Configured<'a>(pub(crate) &'a [IfdConf]);

impl Configured<'_> {
    fn ifd(&self, port: &str) -> Option<&IfdConf> {
        self.0.iter().find(|d| d.name == port)
    }
    fn unit(&self, port: &str, unit: u32) -> Option<&IflConf> {
        self.ifd(port)?.units.iter().find(|u| u.unit == unit)
    }
    fn family(&self, port: &str, unit: u32, f: FamilyKind) -> Option<&FamilyConf> {
        self.unit(port, unit)?.families.iter().find(|x| x.kind == f)
    }
    fn address(&self, port: &str, unit: u32, f: FamilyKind, a: IpAddr) -> Option<&AddressConf> {
        self.family(port, unit, f)?
            .addresses
            .iter()
            .find(|x| x.local == a)
    }
}

impl ApiState {
    /// `client` calls on `session`: the session is live, a pending purge is cancelled.
    pub fn seen(&mut self, client: &str, session: SessionId) {
        let c = self.clients.entry(client.to_owned()).or_default();
        c.sessions.insert(session);
        c.purge_at = None;
    }

    /// True when `client` owns API objects.
    pub fn owns_anything(&self, client: &str) -> bool {
        self.trees.values().any(|t| t.owner == client)
    }

    /// `session` of `client` ended at `now_ms`: when it was the client's last session and
    /// the client owns objects, its purge deadline starts. Returns it.
    pub fn session_ended(&mut self, client: &str, session: SessionId, now_ms: u64) -> Option<u64> {
        let owns = self.owns_anything(client);
        let c = self.clients.get_mut(client)?;
        c.sessions.remove(&session);
        if !c.sessions.is_empty() || !owns {
            return None;
        }
        let secs = c.purge_time();
        if secs == NEVER_PURGE {
            return None;
        }
        let at = now_ms.saturating_add(u64::from(secs) * 1000);
        c.purge_at = Some(at);
        Some(at)
    }

    /// The earliest purge deadline.
    pub fn next_purge(&self) -> Option<u64> {
        self.clients.values().filter_map(|c| c.purge_at).min()
    }

    /// Removes the objects of every client whose deadline passed at `now_ms`. Returns the
    /// clients purged with the interfaces they had objects on.
    pub fn purge_due(&mut self, now_ms: u64) -> Vec<(String, Vec<String>)> {
        let due: Vec<String> = self
            .clients
            .iter()
            .filter(|(_, c)| c.purge_at.is_some_and(|at| at <= now_ms))
            .map(|(n, _)| n.clone())
            .collect();
        let mut out = Vec::new();
        for client in due {
            let ports: Vec<String> = self
                .trees
                .iter()
                .filter(|(_, t)| t.owner == client)
                .map(|(p, _)| p.clone())
                .collect();
            self.trees.retain(|_, t| t.owner != client);
            if let Some(c) = self.clients.get_mut(&client) {
                c.purge_at = None;
            }
            out.push((client, ports));
        }
        out
    }

    /// Runs one request of `client` against the configured interfaces `configured`.
    /// Nothing changes when it is refused.
    pub(crate) fn apply(
        &mut self,
        client: &str,
        op: IfApiOp,
        configured: &[IfdConf],
    ) -> Result<IfApiReply, IfApiError> {
        let cfg = Configured(configured);
        match op {
            IfApiOp::Add(obj) => self.upsert(client, &obj, &cfg, false),
            IfApiOp::Update(obj) => self.upsert(client, &obj, &cfg, true),
            IfApiOp::Delete(obj) => self.delete(client, &obj, &cfg),
            IfApiOp::Get(key) => self
                .get(&key, &cfg)
                .map(|o| IfApiReply::Object(Box::new(o))),
            IfApiOp::UnitPermissions { port, unit } => self
                .permissions(client, &port, unit, &cfg)
                .map(IfApiReply::Permissions),
            IfApiOp::SetPurgeTime(secs) => {
                self.clients
                    .entry(client.to_owned())
                    .or_default()
                    .purge_secs = secs;
                Ok(IfApiReply::Done)
            }
            IfApiOp::GetPurgeTime => Ok(IfApiReply::PurgeTime(
                self.clients
                    .get(client)
                    .map_or(DEFAULT_PURGE_SECS, ApiClient::purge_time),
            )),
        }
    }
}
