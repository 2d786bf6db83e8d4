//! The API-configured interface objects, their owners and the clients' purge deadlines
//! (pure: the ifd task passes the configured interfaces and the time in).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use super::check::{self, Change, MTU_RANGE, VLAN_RANGE};
use super::{
    refuse, EncapRequest, IfApiCode as C, IfApiError, IfApiOp, IfApiReply, IfKey, IfObject,
    NetRequest, SourceRequest, TunnelRequest, UnitPermissions, DEFAULT_PURGE_SECS, NEVER_PURGE,
};
use crate::ifd::model::{ifd_kind, AddressConf, FamilyConf, IfdConf, IflConf};
use crate::sessions::SessionId;
use crate::vocab::interfaces::{FamilyKind, IfdKind, MacAddr, Tunnel, TunnelSource};

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

fn host_len(a: IpAddr) -> u8 {
    if a.is_ipv4() {
        32
    } else {
        128
    }
}

fn family_of(a: IpAddr) -> FamilyKind {
    if a.is_ipv4() {
        FamilyKind::Inet
    } else {
        FamilyKind::Inet6
    }
}

fn in_subnet(a: IpAddr, net: IpAddr, len: u8) -> bool {
    let probe = crate::vocab::interfaces::IfAddress {
        local: net,
        prefix_len: len,
        primary: false,
        api: false,
    };
    let other = crate::vocab::interfaces::IfAddress { local: a, ..probe };
    a.is_ipv4() == net.is_ipv4() && probe.network() == other.network()
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

    fn upsert(
        &mut self,
        client: &str,
        obj: &IfObject,
        cfg: &Configured<'_>,
        update: bool,
    ) -> Result<IfApiReply, IfApiError> {
        let port = obj.key.port();
        let kind = self.port_kind(client, port)?;
        if obj.key.unit().is_some() {
            if let Some(ae) = self.aggregate_of(port) {
                return Err(refuse(
                    C::OperationFailed,
                    format!(
                        "{}: {port} is a member link of {ae}; configure units on {ae}",
                        obj.key
                    ),
                ));
            }
        }
        // Work on a copy: a refusal half way leaves nothing changed.
        let mut next = self.clone();
        match &obj.key {
            IfKey::Interface { .. } => next.put_interface(client, obj, kind, cfg, update)?,
            IfKey::Unit { unit, .. } => next.put_unit(client, obj, kind, *unit, cfg, update)?,
            IfKey::Family { unit, family, .. } => {
                next.put_family(client, obj, *unit, *family, cfg, update)?
            }
            IfKey::Address {
                unit,
                family,
                address,
                prefix_len,
                ..
            } => next.put_address(
                client,
                obj,
                *unit,
                *family,
                *address,
                *prefix_len,
                cfg,
                update,
            )?,
            IfKey::Arp {
                unit,
                family,
                address,
                neighbor,
                ..
            } => next.put_arp(
                client, obj, *unit, *family, *address, *neighbor, cfg, update,
            )?,
        }
        next.prune();
        *self = next;
        Ok(IfApiReply::Done)
    }

    /// The interface's kind, after the name and owner checks.
    fn port_kind(&self, client: &str, port: &str) -> Result<IfdKind, IfApiError> {
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        let Some(kind) = ifd_kind(port) else {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "interface '{port}' does not exist on this device (it has ge-0/0/0 to ge-0/0/9, fxp0 and lo0, and creates ae0 to ae127 and fti0 to fti127)"
                ),
            ));
        };
        self.owner_check(client, port)?;
        Ok(kind)
    }

    fn owner_check(&self, client: &str, port: &str) -> Result<(), IfApiError> {
        match self.trees.get(port) {
            Some(t) if t.owner != client => Err(refuse(
                C::NotOwnerOfObject,
                format!(
                    "interface {port} is owned by JET client '{}'; only it can change objects under {port}",
                    t.owner
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The aggregate `port` is a member of.
    fn aggregate_of(&self, port: &str) -> Option<&str> {
        self.trees
            .iter()
            .find(|(_, t)| {
                t.members
                    .as_ref()
                    .is_some_and(|m| m.iter().any(|x| x == port))
            })
            .map(|(n, _)| n.as_str())
    }

    fn tree(&mut self, client: &str, port: &str) -> &mut ApiTree {
        self.trees
            .entry(port.to_owned())
            .or_insert_with(|| ApiTree {
                owner: client.to_owned(),
                ..ApiTree::default()
            })
    }

    fn ifd_exists(&self, port: &str, cfg: &Configured<'_>) -> bool {
        match ifd_kind(port) {
            Some(IfdKind::Aggregate | IfdKind::FlexibleTunnel) => {
                cfg.ifd(port).is_some() || self.trees.get(port).is_some_and(|t| t.created)
            }
            Some(_) => true,
            None => false,
        }
    }

    fn api_unit(&self, port: &str, unit: u32) -> Option<&ApiUnit> {
        self.trees.get(port)?.units.get(&unit)
    }

    fn api_family(&self, port: &str, unit: u32, f: FamilyKind) -> Option<&ApiFamily> {
        self.api_unit(port, unit)?.families.get(&f)
    }

    fn api_address(&self, port: &str, unit: u32, f: FamilyKind, a: IpAddr) -> Option<&ApiAddress> {
        self.api_family(port, unit, f)?
            .addresses
            .iter()
            .find(|x| x.local == a)
    }

    fn unit_exists(&self, port: &str, unit: u32, cfg: &Configured<'_>) -> bool {
        cfg.unit(port, unit).is_some() || self.api_unit(port, unit).is_some_and(|u| u.created)
    }

    fn family_exists(&self, port: &str, unit: u32, f: FamilyKind, cfg: &Configured<'_>) -> bool {
        cfg.family(port, unit, f).is_some()
            || self.api_family(port, unit, f).is_some_and(|x| x.created)
    }

    /// The prefix length of an existing address (configured or API).
    fn address_len(
        &self,
        port: &str,
        unit: u32,
        f: FamilyKind,
        a: IpAddr,
        cfg: &Configured<'_>,
    ) -> Option<u8> {
        cfg.address(port, unit, f, a)
            .map(|x| x.prefix_len)
            .or_else(|| {
                self.api_address(port, unit, f, a)
                    .filter(|x| x.created)
                    .map(|x| x.prefix_len)
            })
    }

    /// Where else `a` is configured (`ge-0/0/0.0`), other than on `here`.
    fn address_elsewhere(&self, a: IpAddr, here: &str, cfg: &Configured<'_>) -> Option<String> {
        for d in cfg.0 {
            for u in &d.units {
                let name = format!("{}.{}", d.name, u.unit);
                if name != here
                    && u.families
                        .iter()
                        .any(|f| f.addresses.iter().any(|x| x.local == a))
                {
                    return Some(name);
                }
            }
        }
        for (port, t) in &self.trees {
            for (n, u) in &t.units {
                let name = format!("{port}.{n}");
                if name != here
                    && u.families
                        .values()
                        .any(|f| f.addresses.iter().any(|x| x.created && x.local == a))
                {
                    return Some(name);
                }
            }
        }
        None
    }

    fn put_interface(
        &mut self,
        client: &str,
        obj: &IfObject,
        kind: IfdKind,
        cfg: &Configured<'_>,
        update: bool,
    ) -> Result<(), IfApiError> {
        let port = obj.key.port();
        check::known_keys(obj, "interface")?;
        let mac = check::mac_attr(obj, "mac", update)?;
        let mtu = check::int_attr(obj, "mtu", MTU_RANGE, update)?;
        if matches!(kind, IfdKind::Loopback | IfdKind::FlexibleTunnel) {
            for (name, given) in [("mac", mac != Change::Keep), ("mtu", mtu != Change::Keep)] {
                if given {
                    return Err(refuse(
                        C::InterfacePortMismatch,
                        format!(
                            "interface {port}: attribute '{name}' does not apply to this interface"
                        ),
                    ));
                }
            }
        }
        if obj.members.is_some() && kind != IfdKind::Aggregate {
            return Err(refuse(
                C::InterfacePortMismatch,
                format!(
                    "interface {port}: aggregate_options apply to aggregate interfaces (aeN) only"
                ),
            ));
        }
        if !update && self.trees.get(port).is_some_and(|t| t.created) {
            return Err(refuse(
                C::OperationFailed,
                format!("interface {port} exists already (added through the API); use InterfaceUpdate to change it"),
            ));
        }
        if mtu.set().is_some() && cfg.ifd(port).is_some_and(|d| d.mtu.is_some()) {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "interface {port}: mtu is set by the configuration, which takes precedence"
                ),
            ));
        }
        if let Some(members) = &obj.members {
            check::members_form(port, members)?;
            for m in members {
                self.member_free(client, port, m, cfg)?;
            }
        }
        let t = self.tree(client, port);
        t.created = true;
        mac.apply(&mut t.mac);
        mtu.apply(&mut t.mtu);
        if let Some(m) = &obj.members {
            t.members = (!m.is_empty()).then(|| m.clone());
        }
        Ok(())
    }

    /// A port may join aggregate `ae`: no units, in no other bundle, not another client's.
    fn member_free(
        &self,
        client: &str,
        ae: &str,
        m: &str,
        cfg: &Configured<'_>,
    ) -> Result<(), IfApiError> {
        let busy = |why: String| {
            Err(refuse(
                C::OperationFailed,
                format!("interface {ae}: aggregate_members: {m} {why}"),
            ))
        };
        if let Some(other) = self.aggregate_of(m).filter(|o| *o != ae) {
            return busy(format!("is a member of {other} already"));
        }
        if cfg.ifd(m).is_some_and(|d| !d.units.is_empty()) {
            return busy("has units in the configuration".into());
        }
        match self.trees.get(m) {
            Some(t) if t.owner != client => busy(format!("is owned by JET client '{}'", t.owner)),
            Some(t) if !t.units.is_empty() => busy("has units configured through the API".into()),
            _ => Ok(()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn put_unit(
        &mut self,
        client: &str,
        obj: &IfObject,
        kind: IfdKind,
        unit: u32,
        cfg: &Configured<'_>,
        update: bool,
    ) -> Result<(), IfApiError> {
        let port = obj.key.port();
        let name = format!("{port}.{unit}");
        check::known_keys(obj, "unit")?;
        let vlan = check::int_attr(obj, "vlan-id", VLAN_RANGE, update)?;
        if !self.ifd_exists(port, cfg) {
            return Err(refuse(
                C::OperationFailed,
                format!("unit {name}: interface {port} does not exist; add it first"),
            ));
        }
        let configured = cfg.unit(port, unit);
        let api_created = self.api_unit(port, unit).is_some_and(|u| u.created);
        if !update && api_created {
            return Err(refuse(
                C::OperationFailed,
                format!("unit {name} exists already (added through the API); use InterfaceUpdate to change it"),
            ));
        }
        if !update && configured.is_some() {
            return Err(refuse(
                C::OperationFailed,
                format!("unit {name} is configured by the CLI (a public unit); add families and addresses to it instead"),
            ));
        }
        if vlan.set().is_some() {
            if !cfg.ifd(port).is_some_and(|d| d.vlan_tagging) {
                return Err(refuse(
                    C::InterfacePortMismatch,
                    format!(
                        "unit {name}: vlan-id needs vlan-tagging configured on interface {port}"
                    ),
                ));
            }
            if configured.is_some_and(|u| u.vlan_id.is_some()) {
                return Err(refuse(
                    C::OperationFailed,
                    format!(
                        "unit {name}: vlan-id is set by the configuration, which takes precedence"
                    ),
                ));
            }
        }
        let fti = kind == IfdKind::FlexibleTunnel;
        let tunnel = match &obj.tunnel {
            Some(t) => Some(check::tunnel(&name, fti, t, |n| {
                self.interface_name_exists(n, cfg)
            })?),
            None => None,
        };
        let has_tunnel = self
            .api_unit(port, unit)
            .is_some_and(|u| u.tunnel.is_some());
        if fti && tunnel.is_none() && !has_tunnel && configured.is_none() {
            return Err(refuse(
                C::TunnelNotSpecified,
                format!("unit {name}: a flexible tunnel interface unit needs tunnel settings"),
            ));
        }
        let t = self.tree(client, port);
        let u = t.units.entry(unit).or_default();
        u.created |= configured.is_none();
        let mut v = u.vlan_id.map(u32::from);
        vlan.apply(&mut v);
        u.vlan_id = v.and_then(|v| u16::try_from(v).ok());
        if tunnel.is_some() {
            u.tunnel = tunnel;
        }
        Ok(())
    }

    /// An interface (`ge-0/0/0`) or unit (`lo0.0`) name that exists.
    fn interface_name_exists(&self, name: &str, cfg: &Configured<'_>) -> bool {
        match name.rsplit_once('.') {
            Some((port, unit)) => unit
                .parse::<u32>()
                .is_ok_and(|u| self.unit_exists(port, u, cfg)),
            None => self.ifd_exists(name, cfg),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn put_family(
        &mut self,
        client: &str,
        obj: &IfObject,
        unit: u32,
        family: FamilyKind,
        cfg: &Configured<'_>,
        update: bool,
    ) -> Result<(), IfApiError> {
        let port = obj.key.port();
        check::known_keys(obj, "family")?;
        if !self.unit_exists(port, unit, cfg) {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "{}: unit {port}.{unit} does not exist; add it first",
                    obj.key
                ),
            ));
        }
        if self.family_exists(port, unit, family, cfg) {
            if update {
                return Ok(());
            }
            let by = if cfg.family(port, unit, family).is_some() {
                "is configured by the CLI"
            } else {
                "exists already (added through the API)"
            };
            return Err(refuse(C::OperationFailed, format!("{} {by}", obj.key)));
        }
        let t = self.tree(client, port);
        let u = t.units.entry(unit).or_default();
        u.families.entry(family).or_default().created = true;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn put_address(
        &mut self,
        client: &str,
        obj: &IfObject,
        unit: u32,
        family: FamilyKind,
        address: IpAddr,
        prefix_len: Option<u8>,
        cfg: &Configured<'_>,
        update: bool,
    ) -> Result<(), IfApiError> {
        let port = obj.key.port();
        let here = format!("{port}.{unit}");
        check::known_keys(obj, "address")?;
        let mac = check::mac_attr(obj, "mac", update)?;
        if family == FamilyKind::Mpls || family_of(address) != family {
            return Err(refuse(
                C::InterfaceFamilyMismatch,
                format!(
                    "{}: the address does not belong to family {family}",
                    obj.key
                ),
            ));
        }
        let max = host_len(address);
        let len = prefix_len.unwrap_or(max);
        if len > max || len == 0 {
            return Err(refuse(
                C::OperationFailed,
                format!("{}: prefix length {len} is out of range 1-{max}", obj.key),
            ));
        }
        if !self.family_exists(port, unit, family, cfg) {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "{}: family {family} of {here} does not exist; add it first",
                    obj.key
                ),
            ));
        }
        if let Some(other) = self.address_elsewhere(address, &here, cfg) {
            return Err(refuse(
                C::OperationFailed,
                format!("{}: {address} is already configured on {other}", obj.key),
            ));
        }
        let in_cfg = cfg.address(port, unit, family, address);
        let api = self
            .api_address(port, unit, family, address)
            .filter(|a| a.created);
        if !update && (in_cfg.is_some() || api.is_some()) {
            let by = if in_cfg.is_some() {
                "is configured by the CLI"
            } else {
                "exists already (added through the API); use InterfaceUpdate to change it"
            };
            return Err(refuse(C::OperationFailed, format!("{} {by}", obj.key)));
        }
        if let (Some(c), Some(l)) = (in_cfg, prefix_len) {
            if c.prefix_len != l {
                return Err(refuse(
                    C::OperationFailed,
                    format!(
                        "{}: the configuration has it as /{}, which takes precedence",
                        obj.key, c.prefix_len
                    ),
                ));
            }
        }
        let created = in_cfg.is_none();
        let t = self.tree(client, port);
        let f = t
            .units
            .entry(unit)
            .or_default()
            .families
            .entry(family)
            .or_default();
        let a = match f.addresses.iter().position(|a| a.local == address) {
            Some(i) => &mut f.addresses[i],
            None => {
                f.addresses.push(ApiAddress {
                    created,
                    local: address,
                    prefix_len: len,
                    mac: None,
                    neighbors: Vec::new(),
                });
                let last = f.addresses.len() - 1;
                &mut f.addresses[last]
            }
        };
        a.created |= created;
        if created && prefix_len.is_some() {
            a.prefix_len = len;
        }
        mac.apply(&mut a.mac);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn put_arp(
        &mut self,
        client: &str,
        obj: &IfObject,
        unit: u32,
        family: FamilyKind,
        address: IpAddr,
        neighbor: IpAddr,
        cfg: &Configured<'_>,
        update: bool,
    ) -> Result<(), IfApiError> {
        let port = obj.key.port();
        check::known_keys(obj, "arp")?;
        if family == FamilyKind::Mpls
            || family_of(address) != family
            || family_of(neighbor) != family
        {
            return Err(refuse(
                C::InterfaceFamilyMismatch,
                format!("{}: addresses must belong to family {family}", obj.key),
            ));
        }
        let Some(len) = self.address_len(port, unit, family, address, cfg) else {
            return Err(refuse(
                C::OperationFailed,
                format!("{}: address {address} is not configured on {port}.{unit} family {family}; add it first", obj.key),
            ));
        };
        if !in_subnet(neighbor, address, len) || neighbor == address {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "{}: neighbor {neighbor} is not another host of subnet {address}/{len}",
                    obj.key
                ),
            ));
        }
        let existing = self
            .api_address(port, unit, family, address)
            .and_then(|a| a.neighbors.iter().find(|n| n.0 == neighbor).copied());
        if !update && existing.is_some() {
            return Err(refuse(
                C::OperationFailed,
                format!(
                    "{} exists already; use InterfaceUpdate to change it",
                    obj.key
                ),
            ));
        }
        let mac = match (obj.string("mac"), existing) {
            (None, Some((_, m, _))) => m,
            (None | Some(""), _) => {
                return Err(refuse(
                    C::ArpMacNotSpecified,
                    format!(
                        "{}: string attribute 'mac' (the neighbor's MAC address) is required",
                        obj.key
                    ),
                ))
            }
            (Some(v), _) => v
                .parse::<MacAddr>()
                .map_err(|e| refuse(C::OperationFailed, format!("{}: mac: {e}", obj.key)))?,
        };
        let mut receive = existing.map(|e| u32::from(e.2));
        check::int_attr(obj, "receive", 0..=1, update)?.apply(&mut receive);
        let in_cfg = cfg.address(port, unit, family, address).is_some();
        let t = self.tree(client, port);
        let f = t
            .units
            .entry(unit)
            .or_default()
            .families
            .entry(family)
            .or_default();
        let i = match f.addresses.iter().position(|a| a.local == address) {
            Some(i) => i,
            None => {
                f.addresses.push(ApiAddress {
                    created: !in_cfg,
                    local: address,
                    prefix_len: len,
                    mac: None,
                    neighbors: Vec::new(),
                });
                f.addresses.len() - 1
            }
        };
        let ns = &mut f.addresses[i].neighbors;
        let entry = (neighbor, mac, receive == Some(1));
        match ns.iter().position(|n| n.0 == neighbor) {
            Some(j) => ns[j] = entry,
            None => ns.push(entry),
        }
        Ok(())
    }

    fn delete(
        &mut self,
        client: &str,
        obj: &IfObject,
        cfg: &Configured<'_>,
    ) -> Result<IfApiReply, IfApiError> {
        let key = &obj.key;
        let port = key.port();
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        let not_found = || refuse(C::ObjectNotFound, format!("{key} is not configured"));
        if ifd_kind(port).is_none() {
            return Err(not_found());
        }
        self.owner_check(client, port)?;
        let cli = || {
            refuse(
                C::NotOwnerOfObject,
                format!("{key} is configured by the CLI, not through the API; it cannot be deleted through the API"),
            )
        };
        let mut next = self.clone();
        let removed = match key {
            IfKey::Interface { .. } => next.trees.remove(port).is_some(),
            IfKey::Unit { unit, .. } => next
                .trees
                .get_mut(port)
                .is_some_and(|t| t.units.remove(unit).is_some()),
            IfKey::Family { unit, family, .. } => next
                .trees
                .get_mut(port)
                .and_then(|t| t.units.get_mut(unit))
                .is_some_and(|u| u.families.remove(family).is_some()),
            IfKey::Address {
                unit,
                family,
                address,
                ..
            } => next
                .trees
                .get_mut(port)
                .and_then(|t| t.units.get_mut(unit))
                .and_then(|u| u.families.get_mut(family))
                .is_some_and(|f| {
                    let before = f.addresses.len();
                    f.addresses.retain(|a| a.local != *address);
                    f.addresses.len() != before
                }),
            IfKey::Arp {
                unit,
                family,
                address,
                neighbor,
                ..
            } => {
                let mac = match obj.string("mac") {
                    None | Some("") => {
                        return Err(refuse(
                            C::ArpMacNotSpecified,
                            format!("{key}: string attribute 'mac' is required"),
                        ))
                    }
                    Some(v) => v
                        .parse::<MacAddr>()
                        .map_err(|e| refuse(C::ArpMacNotSpecified, format!("{key}: mac: {e}")))?,
                };
                let a = next
                    .trees
                    .get_mut(port)
                    .and_then(|t| t.units.get_mut(unit))
                    .and_then(|u| u.families.get_mut(family))
                    .and_then(|f| f.addresses.iter_mut().find(|a| a.local == *address));
                match a {
                    Some(a) => {
                        let before = a.neighbors.len();
                        a.neighbors.retain(|n| !(n.0 == *neighbor && n.1 == mac));
                        a.neighbors.len() != before
                    }
                    None => false,
                }
            }
        };
        if !removed {
            let in_cfg = match key {
                IfKey::Interface { .. } => cfg.ifd(port).is_some(),
                IfKey::Unit { unit, .. } => cfg.unit(port, *unit).is_some(),
                IfKey::Family { unit, family, .. } => cfg.family(port, *unit, *family).is_some(),
                IfKey::Address {
                    unit,
                    family,
                    address,
                    ..
                } => cfg.address(port, *unit, *family, *address).is_some(),
                IfKey::Arp { .. } => false,
            };
            return Err(if in_cfg { cli() } else { not_found() });
        }
        next.prune();
        *self = next;
        Ok(IfApiReply::Done)
    }

    /// Drops API placeholders left without content, and trees left empty (released).
    fn prune(&mut self) {
        for t in self.trees.values_mut() {
            for u in t.units.values_mut() {
                for f in u.families.values_mut() {
                    f.addresses
                        .retain(|a| a.created || a.mac.is_some() || !a.neighbors.is_empty());
                }
                u.families
                    .retain(|_, f| f.created || !f.addresses.is_empty());
            }
            t.units.retain(|_, u| {
                u.created || u.vlan_id.is_some() || u.tunnel.is_some() || !u.families.is_empty()
            });
        }
        self.trees.retain(|_, t| {
            t.created
                || t.mac.is_some()
                || t.mtu.is_some()
                || t.members.is_some()
                || !t.units.is_empty()
        });
    }

    fn get(&self, key: &IfKey, cfg: &Configured<'_>) -> Result<IfObject, IfApiError> {
        let port = key.port();
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        let not_found = || refuse(C::ObjectNotFound, format!("{key} is not configured"));
        let tree = self.trees.get(port);
        let mut out = IfObject::new(key.clone());
        match key {
            IfKey::Interface { .. } => {
                if !self.ifd_exists(port, cfg) {
                    return Err(not_found());
                }
                let mtu = cfg
                    .ifd(port)
                    .and_then(|d| d.mtu)
                    .or(tree.and_then(|t| t.mtu));
                if let Some(m) = tree.and_then(|t| t.mac) {
                    out.strings.push(("mac".into(), m.to_string()));
                }
                if let Some(m) = mtu {
                    out.integers.push(("mtu".into(), m));
                }
                if ifd_kind(port) == Some(IfdKind::Aggregate) {
                    out.members = Some(tree.and_then(|t| t.members.clone()).unwrap_or_default());
                }
            }
            IfKey::Unit { unit, .. } => {
                if !self.unit_exists(port, *unit, cfg) {
                    return Err(not_found());
                }
                let api = self.api_unit(port, *unit);
                let vlan = cfg
                    .unit(port, *unit)
                    .and_then(|u| u.vlan_id)
                    .or(api.and_then(|u| u.vlan_id));
                if let Some(v) = vlan {
                    out.integers.push(("vlan-id".into(), u32::from(v)));
                }
                out.tunnel = api
                    .and_then(|u| u.tunnel.as_ref())
                    .map(|t| Box::new(tunnel_request(t)));
            }
            IfKey::Family { unit, family, .. } => {
                if !self.family_exists(port, *unit, *family, cfg) {
                    return Err(not_found());
                }
            }
            IfKey::Address {
                unit,
                family,
                address,
                ..
            } => {
                let Some(len) = self.address_len(port, *unit, *family, *address, cfg) else {
                    return Err(not_found());
                };
                out.key = IfKey::Address {
                    port: port.to_owned(),
                    unit: *unit,
                    family: *family,
                    address: *address,
                    prefix_len: Some(len),
                };
                if let Some(m) = self
                    .api_address(port, *unit, *family, *address)
                    .and_then(|a| a.mac)
                {
                    out.strings.push(("mac".into(), m.to_string()));
                }
            }
            IfKey::Arp {
                unit,
                family,
                address,
                neighbor,
                ..
            } => {
                let Some(n) = self
                    .api_address(port, *unit, *family, *address)
                    .and_then(|a| a.neighbors.iter().find(|n| n.0 == *neighbor))
                else {
                    return Err(not_found());
                };
                out.strings.push(("mac".into(), n.1.to_string()));
                out.integers.push(("receive".into(), u32::from(n.2)));
            }
        }
        Ok(out)
    }

    fn permissions(
        &self,
        client: &str,
        port: &str,
        unit: u32,
        cfg: &Configured<'_>,
    ) -> Result<UnitPermissions, IfApiError> {
        if port.is_empty() {
            return Err(refuse(
                C::PortNameNotSpecified,
                "port_name is required".into(),
            ));
        }
        if let (Some(t), true) = (
            self.trees.get(port),
            self.api_unit(port, unit).is_some_and(|u| u.created),
        ) {
            return Ok(UnitPermissions {
                is_owner: t.owner == client,
                client_created_unit: true,
                client_name: t.owner.clone(),
            });
        }
        if cfg.unit(port, unit).is_some() {
            return Ok(UnitPermissions {
                is_owner: false,
                client_created_unit: false,
                client_name: String::new(),
            });
        }
        Err(refuse(
            C::ObjectNotFound,
            format!("unit {port}.{unit} is not configured"),
        ))
    }
}

/// A checked tunnel as Get returns it.
fn tunnel_request(t: &Tunnel) -> TunnelRequest {
    let mut e = EncapRequest::new(t.encapsulation);
    e.source = Some(match &t.source {
        TunnelSource::Address(a) => SourceRequest::Address(NetRequest {
            addr: *a,
            prefix_len: 0,
        }),
        TunnelSource::Interface(i) => SourceRequest::Interface(i.clone()),
    });
    e.destination = t.destination.map(|a| {
        Some(NetRequest {
            addr: a,
            prefix_len: 0,
        })
    });
    e.vni = t.vni.unwrap_or(0);
    e.udp_port = t.udp_port.map_or(0, u32::from);
    e.tunnel_endpoint = t.tunnel_endpoint.clone().unwrap_or_default();
    e.terminate = t.terminate;
    e.bypass_loopback = t.bypass_loopback;
    TunnelRequest {
        encapsulation: Some(e),
        fragmentation: u32::from(t.allow_fragmentation),
    }
}
