//! InterfaceAdd and InterfaceUpdate: checks, then the object written into a copy of the
//! state (a refusal half way leaves nothing changed).

use std::net::IpAddr;

use super::lookup::{family_of, host_len, in_subnet};
use super::{ApiAddress, ApiState, Configured};
use crate::ifd::api::check::{self, Change, MTU_RANGE, VLAN_RANGE};
use crate::ifd::api::types::{refuse, IfApiCode as C, IfApiError, IfApiReply, IfKey, IfObject};
use crate::vocab::interfaces::{FamilyKind, IfdKind, MacAddr};

impl ApiState {
    pub(super) fn upsert(
        &mut self,
        client: &str,
        obj: &IfObject,
        cfg: &Configured<'_>,
        update: bool,
    ) -> Result<IfApiReply, IfApiError> {
        let port = obj.key.port();
        let kind = self.port_kind(client, port, cfg)?;
        if obj.key.unit().is_some() {
            if let Some(ae) = self.bundle_of(port, cfg) {
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

    pub(super) fn put_interface(
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
            check::members_form(port, members, |m| {
                super::lookup::kind_of(m, cfg) == Some(IfdKind::Ethernet)
            })?;
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
    pub(super) fn member_free(
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
        if let Some(other) = self.bundle_of(m, cfg).filter(|o| o != ae) {
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
    pub(super) fn put_unit(
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

    #[allow(clippy::too_many_arguments)]
    pub(super) fn put_family(
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
    pub(super) fn put_address(
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
    pub(super) fn put_arp(
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
}
