//! The pure interface state machine: inputs (configuration, simulated carrier) in,
//! snapshot and change events out. No tasks, no clock: callers pass `now`.
//!
//! Every change rebuilds the whole snapshot from the inputs and diffs it against the
//! previous one; the diff is the event stream. With twelve IFDs this is both simple and
//! cheap, and it makes "the events describe exactly the difference" true by construction.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::error::DeviceError;
use crate::vocab::interface_events::{
    ChangeOp, IfFlags, IfaEvent, IfdEvent, IffEvent, IflEvent, InterfaceEvent,
};
use crate::vocab::interfaces::{
    Family, FamilyKind, IfAddress, Ifd, IfdKind, Ifl, InterfacesSnapshot, MacAddr, Mtu, Speed,
    StaticNeighbor, Tunnel,
};
use crate::vocab::syslog::{Facility, Severity, SyslogEvent};

pub(crate) use super::names::ifd_kind;
use super::names::{extra_port, ge_port, ifd_names, pseudo_ifd};
pub use super::names::{GE_PORTS, MAX_PSEUDO_IFD};

/// SNMP ifIndex of `fxp0` (as on Junos).
pub(crate) const SNMP_FXP0: u32 = 1;
/// SNMP ifIndex of `lo0` (as on Junos).
pub(crate) const SNMP_LO0: u32 = 6;
/// SNMP ifIndex of `ge-0/0/0`; port N has `SNMP_GE_BASE + N`.
pub(crate) const SNMP_GE_BASE: u32 = 513;
/// SNMP ifIndex of `fxp0.0` and `lo0.0` (as on Junos).
const SNMP_FXP0_0: u32 = 13;
const SNMP_LO0_0: u32 = 16;
/// First SNMP ifIndex handed to other logical units, in order of first appearance.
const SNMP_IFL_BASE: u32 = 540;
/// Kernel indexes: IFDs `ge-0/0/N` at 148 + N, IFLs from 330.
const LOCAL_GE_BASE: u32 = 148;
const LOCAL_IFL_BASE: u32 = 330;
/// Default media MTU of Ethernet ports.
const ETHERNET_MTU: u32 = 1514;
/// Ethernet header counted in the media MTU but not in the protocol MTU.
const ETHERNET_HEADER: u32 = 14;
/// MPLS's protocol MTU is 12 bytes (three labels) below inet's.
const MPLS_LABEL_ROOM: u32 = 12;
/// ISO's protocol MTU is 3 bytes (the 802.2 LLC header) below inet's (Junos: 1497).
const ISO_LLC_HEADER: u32 = 3;
/// Simulated PID of mib2d, which reports link traps.
const MIB2D_PID: u32 = 2270;
/// The MAC "port" byte of `aeN` is `AE_MAC_BASE + N`.
const AE_MAC_BASE: u8 = 0x80;
/// The IRB interface's name and MAC "port" byte.
const IRB: &str = "irb";
const IRB_MAC: u8 = 0x3f;
/// The MAC "port" byte of the Nth port the configuration adds (`xe-0/0/0`...) is
/// `EXTRA_MAC_BASE + N` (modulo 64), in order of first appearance.
const EXTRA_MAC_BASE: u8 = 0x40;

/// `interfaces NAME` as the subsystem needs it (built from the configuration view).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IfdConf {
    /// `ge-0/0/0`.
    pub name: String,
    /// `description`.
    pub description: Option<String>,
    /// `disable`.
    pub disabled: bool,
    /// `mtu`.
    pub mtu: Option<u32>,
    /// `speed` keyword (`1g`, `100m`, `auto`).
    pub speed: Option<String>,
    /// `vlan-tagging`.
    pub vlan_tagging: bool,
    /// `mac` (current MAC address; set through the JET Interfaces API).
    pub mac: Option<MacAddr>,
    /// Member links of an aggregate (`aeN`).
    pub members: Vec<String>,
    /// The JET client owning the interface's API objects (see `ifd::api`).
    pub api_owner: Option<String>,
    /// `unit N`.
    pub units: Vec<IflConf>,
}

/// `interfaces NAME unit N`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IflConf {
    /// Unit number.
    pub unit: u32,
    /// `description`.
    pub description: Option<String>,
    /// `disable`.
    pub disabled: bool,
    /// `vlan-id`.
    pub vlan_id: Option<u16>,
    /// `family ...`, at most one per kind.
    pub families: Vec<FamilyConf>,
    /// The JET client that created the unit (`None`: the configuration did).
    pub api_owner: Option<String>,
    /// Tunnel of an FTI unit.
    pub tunnel: Option<Tunnel>,
}

/// `family inet|inet6|mpls|iso`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FamilyConf {
    /// Which family.
    pub kind: FamilyKind,
    /// `address A/L [primary]`.
    pub addresses: Vec<AddressConf>,
    /// `filter input`.
    pub input_filter: Option<String>,
    /// `filter output`.
    pub output_filter: Option<String>,
    /// Static ARP/NDP entries.
    pub neighbors: Vec<StaticNeighbor>,
    /// ISO network entity titles (iso only).
    pub nets: Vec<String>,
}

/// `address A/L`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressConf {
    /// Local address.
    pub local: IpAddr,
    /// Prefix length.
    pub prefix_len: u8,
    /// `primary`.
    pub primary: bool,
    /// Configured through the JET Interfaces API.
    pub api: bool,
}

/// What one change produced.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    /// Interface events, parents before children on add, children first on delete.
    pub(crate) events: Vec<InterfaceEvent>,
    /// Syslog events (link traps).
    pub(crate) syslog: Vec<SyslogEvent>,
    /// The snapshot changed in a way no event describes (static ARP entries, API marks,
    /// aggregate members): it must be published all the same.
    pub(crate) quiet: bool,
}

impl Changes {
    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty() && self.syslog.is_empty() && !self.quiet
    }
}

/// The interface state of one device.
#[derive(Debug)]
pub(crate) struct Model {
    /// Two device-specific bytes of every MAC address.
    mac_seed: [u8; 2],
    config: Vec<IfdConf>,
    /// Simulated carrier per IFD (absent: up).
    carrier: BTreeMap<String, bool>,
    transitions: BTreeMap<String, u64>,
    flapped: BTreeMap<String, DateTime<Utc>>,
    /// IFL name → (SNMP ifIndex, kernel index); kept when a unit is deleted so that it
    /// gets the same indexes back, as snmpd's persistent indexes do.
    ifl_index: BTreeMap<String, (u32, u32)>,
    next_snmp: u32,
    next_local: u32,
    /// Ports the configuration added, in order of first appearance (their MAC bytes).
    extra_ports: Vec<String>,
    current: InterfacesSnapshot,
}

impl Model {
    /// The device's interfaces at boot: every IFD up since `now`, units per `config`.
    pub(crate) fn new(seed: u64, config: Vec<IfdConf>, now: DateTime<Utc>) -> Model {
        let mut m = Model {
            mac_seed: [(seed >> 8) as u8, seed as u8],
            config,
            carrier: BTreeMap::new(),
            transitions: BTreeMap::new(),
            flapped: BTreeMap::new(),
            ifl_index: BTreeMap::new(),
            next_snmp: SNMP_IFL_BASE,
            next_local: LOCAL_IFL_BASE,
            extra_ports: Vec::new(),
            current: InterfacesSnapshot::default(),
        };
        let configured = m.config.iter().map(|c| c.name.clone());
        for name in ifd_names().into_iter().chain(configured) {
            m.flapped.insert(name, now);
        }
        m.current = m.build(0);
        m
    }

    /// The current state.
    pub(crate) fn snapshot(&self) -> &InterfacesSnapshot {
        &self.current
    }

    /// Applies a new interface configuration.
    pub(crate) fn set_config(&mut self, config: Vec<IfdConf>, now: DateTime<Utc>) -> Changes {
        if config == self.config {
            return Changes::default();
        }
        self.config = config;
        self.rebuild(now)
    }

    /// Takes the simulated link of an IFD down or up. Setting the state it already has
    /// changes nothing.
    pub(crate) fn set_link(
        &mut self,
        name: &str,
        up: bool,
        now: DateTime<Utc>,
    ) -> Result<Changes, DeviceError> {
        if self.current.ifd(name).is_none() {
            return Err(DeviceError::UnknownInterface {
                name: name.to_owned(),
            });
        }
        let was = self.carrier.get(name).copied().unwrap_or(true);
        if was == up {
            return Ok(Changes::default());
        }
        self.carrier.insert(name.to_owned(), up);
        *self.transitions.entry(name.to_owned()).or_insert(0) += 1;
        Ok(self.rebuild(now))
    }

    fn rebuild(&mut self, now: DateTime<Utc>) -> Changes {
        let old_oper: BTreeMap<String, bool> = self
            .current
            .ifds
            .iter()
            .map(|d| (d.name.clone(), d.oper_up()))
            .collect();
        let mut next = self.build(self.current.generation + 1);
        let mut syslog = Vec::new();
        for d in &mut next.ifds {
            if old_oper.get(&d.name).copied() != Some(d.oper_up()) {
                self.flapped.insert(d.name.clone(), now);
                d.last_flapped = Some(now);
                syslog.push(link_trap(d));
            }
        }
        let events = diff(&self.current, &next);
        let quiet = events.is_empty() && syslog.is_empty() && next.ifds != self.current.ifds;
        if events.is_empty() && syslog.is_empty() && !quiet {
            return Changes::default();
        }
        self.current = next;
        Changes {
            events,
            syslog,
            quiet,
        }
    }

    /// Builds the snapshot the inputs describe: the hardware, then the aggregates and
    /// flexible tunnel interfaces the inputs name (an aggregate's state follows its
    /// members, so it is built after them).
    fn build(&mut self, generation: u64) -> InterfacesSnapshot {
        let mut ifds = Vec::new();
        let mut names = ifd_names();
        let mut pseudo: Vec<(u8, u32, String)> = self
            .config
            .iter()
            .filter_map(|c| match pseudo_ifd(&c.name) {
                Some((IfdKind::Aggregate, n)) => Some((0, n, c.name.clone())),
                Some((_, n)) => Some((1, n, c.name.clone())),
                None => None,
            })
            .collect();
        pseudo.sort();
        pseudo.dedup();
        let at = names.len().saturating_sub(2);
        names.splice(at..at, pseudo.into_iter().map(|(_, _, n)| n));
        // Ports the configuration names, after the built-in ones, in chassis order.
        let mut extra: Vec<((u32, u32, u32, u8), String)> = self
            .config
            .iter()
            .filter_map(|c| extra_port(&c.name).map(|(_, key)| (key, c.name.clone())))
            .collect();
        extra.sort();
        extra.dedup();
        let at = names
            .iter()
            .position(|n| ge_port(n).is_none())
            .unwrap_or(names.len());
        names.splice(at..at, extra.into_iter().map(|(_, n)| n));
        // `irb` when configured, between fxp0 and lo0 (Junos lists software interfaces
        // by name).
        if self.config.iter().any(|c| c.name == IRB) {
            let at = names.len().saturating_sub(1);
            names.insert(at, IRB.to_owned());
        }
        for name in names.iter().filter(|n| !n.starts_with("ae")) {
            let conf = self.config.iter().find(|c| &c.name == name).cloned();
            let d = self.build_ifd(name, conf.as_ref(), &[]);
            ifds.push(d);
        }
        for name in names.iter().filter(|n| n.starts_with("ae")) {
            let conf = self.config.iter().find(|c| &c.name == name).cloned();
            let d = self.build_ifd(name, conf.as_ref(), &ifds);
            ifds.push(d);
        }
        ifds.sort_by_key(|d| names.iter().position(|n| n == &d.name));
        InterfacesSnapshot { generation, ifds }
    }

    fn build_ifd(&mut self, name: &str, conf: Option<&IfdConf>, built: &[Ifd]) -> Ifd {
        let (kind, snmp_index, local_index, mac) = match (name, pseudo_ifd(name)) {
            ("fxp0", _) => (IfdKind::Management, SNMP_FXP0, 1, Some(self.mac(0))),
            ("lo0", _) => (IfdKind::Loopback, SNMP_LO0, 6, None),
            (IRB, _) => {
                let (snmp, local) = self.ifl_indexes(name);
                (IfdKind::Irb, snmp, local, Some(self.mac(IRB_MAC)))
            }
            (_, Some((kind, n))) => {
                let (snmp, local) = self.ifl_indexes(name);
                let mac = (kind == IfdKind::Aggregate)
                    .then(|| self.mac(AE_MAC_BASE.wrapping_add(n as u8)));
                (kind, snmp, local, mac)
            }
            _ => match ge_port(name) {
                Some(port) => (
                    IfdKind::Ethernet,
                    SNMP_GE_BASE + port,
                    LOCAL_GE_BASE + port,
                    Some(self.mac(port as u8 + 1)),
                ),
                // A port the configuration added: indexes in order of first appearance.
                None => {
                    let (snmp, local) = self.ifl_indexes(name);
                    let nth = match self.extra_ports.iter().position(|p| p == name) {
                        Some(i) => i,
                        None => {
                            self.extra_ports.push(name.to_owned());
                            self.extra_ports.len() - 1
                        }
                    };
                    let byte = EXTRA_MAC_BASE + (nth % 64) as u8;
                    (IfdKind::Ethernet, snmp, local, Some(self.mac(byte)))
                }
            },
        };
        let members: Vec<&Ifd> = conf
            .map(|c| {
                c.members
                    .iter()
                    .filter_map(|m| built.iter().find(|d| &d.name == m))
                    .collect()
            })
            .unwrap_or_default();
        let (default_speed, default_mtu) = match kind {
            IfdKind::Loopback | IfdKind::FlexibleTunnel => (Speed::Unlimited, Mtu::Unlimited),
            IfdKind::Irb => (Speed::Unspecified, Mtu::Bytes(ETHERNET_MTU)),
            IfdKind::Aggregate => {
                let mbps: u64 = members.iter().map(|d| d.speed.bps() / 1_000_000).sum();
                let speed = match u32::try_from(mbps) {
                    Ok(0) | Err(_) => Speed::Unspecified,
                    Ok(m) => Speed::Mbps(m),
                };
                (speed, Mtu::Bytes(ETHERNET_MTU))
            }
            _ => (
                extra_port(name).map_or(Speed::Mbps(1000), |(speed, _)| speed),
                Mtu::Bytes(ETHERNET_MTU),
            ),
        };
        let speed = conf
            .and_then(|c| c.speed.as_deref())
            .and_then(Speed::from_keyword)
            .filter(|_| matches!(kind, IfdKind::Ethernet | IfdKind::Management))
            .unwrap_or(default_speed);
        let mtu = match (kind, conf.and_then(|c| c.mtu)) {
            (IfdKind::Loopback | IfdKind::FlexibleTunnel, _) | (_, None) => default_mtu,
            (_, Some(m)) => Mtu::Bytes(m),
        };
        let admin_up = !conf.is_some_and(|c| c.disabled);
        let mut carrier = self.carrier.get(name).copied().unwrap_or(true);
        if kind == IfdKind::Aggregate {
            carrier = carrier && members.iter().any(|d| d.oper_up());
        }
        let current_mac = match (mac, conf.and_then(|c| c.mac)) {
            (Some(_), Some(set)) => Some(set),
            (m, _) => m,
        };
        let mut ifd = Ifd {
            name: name.to_owned(),
            kind,
            snmp_index,
            local_index,
            mac: current_mac,
            hardware_mac: mac,
            speed,
            mtu,
            description: conf.and_then(|c| c.description.clone()),
            admin_up,
            carrier,
            last_flapped: self.flapped.get(name).copied(),
            carrier_transitions: self.transitions.get(name).copied().unwrap_or(0),
            units: Vec::new(),
            members: conf.map(|c| c.members.clone()).unwrap_or_default(),
            api_owner: conf.and_then(|c| c.api_owner.clone()),
        };
        let mut units: Vec<&IflConf> = conf.map(|c| c.units.iter().collect()).unwrap_or_default();
        units.sort_by_key(|u| u.unit);
        units.dedup_by_key(|u| u.unit);
        for u in units {
            let ifl = self.build_ifl(&ifd, u);
            ifd.units.push(ifl);
        }
        ifd
    }

    fn build_ifl(&mut self, ifd: &Ifd, conf: &IflConf) -> Ifl {
        let name = format!("{}.{}", ifd.name, conf.unit);
        let (snmp_index, local_index) = self.ifl_indexes(&name);
        let mut families: Vec<Family> = Vec::new();
        // Junos's order (`show interfaces terse`): inet, iso, inet6, mpls.
        for kind in [
            FamilyKind::Inet,
            FamilyKind::Iso,
            FamilyKind::Inet6,
            FamilyKind::Mpls,
        ] {
            let Some(f) = conf.families.iter().find(|f| f.kind == kind) else {
                continue;
            };
            let addresses = addresses(kind, &f.addresses);
            let neighbors = f
                .neighbors
                .iter()
                .filter(|n| addresses.iter().any(|a| a.local == n.interface_address))
                .copied()
                .collect();
            families.push(Family {
                kind,
                mtu: family_mtu(ifd.mtu, kind),
                addresses,
                input_filter: f.input_filter.clone(),
                output_filter: f.output_filter.clone(),
                neighbors,
                nets: f.nets.clone(),
            });
        }
        Ifl {
            name,
            unit: conf.unit,
            snmp_index,
            local_index,
            description: conf.description.clone(),
            admin_up: !conf.disabled,
            oper_up: ifd.oper_up(),
            vlan_id: conf.vlan_id,
            families,
            api_owner: conf.api_owner.clone(),
            tunnel: conf.tunnel.clone(),
        }
    }

    fn ifl_indexes(&mut self, name: &str) -> (u32, u32) {
        if let Some(i) = self.ifl_index.get(name) {
            return *i;
        }
        let snmp = match name {
            "fxp0.0" => SNMP_FXP0_0,
            "lo0.0" => SNMP_LO0_0,
            _ => {
                let s = self.next_snmp;
                self.next_snmp += 1;
                s
            }
        };
        let local = self.next_local;
        self.next_local += 1;
        self.ifl_index.insert(name.to_owned(), (snmp, local));
        (snmp, local)
    }

    /// `02:05:86:SS:SS:PP`: Juniper's OUI with the locally-administered bit, two bytes
    /// of the device seed, and the port.
    fn mac(&self, port: u8) -> MacAddr {
        MacAddr([0x02, 0x05, 0x86, self.mac_seed[0], self.mac_seed[1], port])
    }
}

fn family_mtu(media: Mtu, kind: FamilyKind) -> Mtu {
    match media {
        Mtu::Unlimited => Mtu::Unlimited,
        Mtu::Bytes(m) => {
            let inet = m.saturating_sub(ETHERNET_HEADER);
            Mtu::Bytes(match kind {
                FamilyKind::Mpls => inet.saturating_sub(MPLS_LABEL_ROOM),
                FamilyKind::Iso => inet.saturating_sub(ISO_LLC_HEADER),
                _ => inet,
            })
        }
    }
}

/// Addresses of a family, deduplicated, with the primary chosen as Junos does: the one
/// marked `primary`, else the numerically lowest.
fn addresses(kind: FamilyKind, conf: &[AddressConf]) -> Vec<IfAddress> {
    if matches!(kind, FamilyKind::Mpls | FamilyKind::Iso) {
        return Vec::new();
    }
    let mut out: Vec<IfAddress> = Vec::new();
    for a in conf {
        let right_family = matches!(
            (kind, a.local),
            (FamilyKind::Inet, IpAddr::V4(_)) | (FamilyKind::Inet6, IpAddr::V6(_))
        );
        if right_family && !out.iter().any(|o| o.local == a.local) {
            out.push(IfAddress {
                local: a.local,
                prefix_len: a.prefix_len,
                primary: false,
                api: a.api,
            });
        }
    }
    let marked = conf
        .iter()
        .find(|a| a.primary)
        .and_then(|a| out.iter().position(|o| o.local == a.local));
    let lowest = out
        .iter()
        .enumerate()
        .min_by_key(|(_, a)| a.local)
        .map(|(i, _)| i);
    if let Some(i) = marked.or(lowest) {
        out[i].primary = true;
    }
    out
}

fn ifd_flags(d: &Ifd) -> IfFlags {
    IfFlags {
        admin_up: d.admin_up,
        oper_up: d.oper_up(),
    }
}

fn ifl_flags(l: &Ifl) -> IfFlags {
    IfFlags {
        admin_up: l.admin_up,
        oper_up: l.oper_up,
    }
}

fn link_trap(d: &Ifd) -> SyslogEvent {
    let (id, oper) = if d.oper_up() {
        ("SNMP_TRAP_LINK_UP", "up(1)")
    } else {
        ("SNMP_TRAP_LINK_DOWN", "down(2)")
    };
    let admin = if d.admin_up { "up(1)" } else { "down(2)" };
    SyslogEvent {
        event_id: id.into(),
        facility: Facility::Daemon,
        severity: if d.oper_up() {
            Severity::Notice
        } else {
            Severity::Warning
        },
        process: "mib2d".into(),
        pid: MIB2D_PID,
        message: format!(
            "ifIndex {}, ifAdminStatus {admin}, ifOperStatus {oper}, ifName {}",
            d.snmp_index, d.name
        ),
        attributes: vec![
            ("snmp-interface-index".into(), d.snmp_index.to_string()),
            ("admin-status".into(), admin.into()),
            ("operational-status".into(), oper.into()),
            ("interface-name".into(), d.name.clone()),
        ],
    }
}

/// The events that turn `old` into `new`.
pub(crate) fn diff(old: &InterfacesSnapshot, new: &InterfacesSnapshot) -> Vec<InterfaceEvent> {
    let mut ev = Vec::new();
    for nd in &new.ifds {
        let od = old.ifd(&nd.name);
        match od {
            None => ev.push(ifd_event(ChangeOp::Add, nd)),
            Some(od) if ifd_changed(od, nd) => ev.push(ifd_event(ChangeOp::Change, nd)),
            Some(_) => {}
        }
        let old_units: &[Ifl] = od.map_or(&[], |d| &d.units);
        for ol in old_units {
            if !nd.units.iter().any(|l| l.name == ol.name) {
                delete_ifl(&mut ev, ol);
            }
        }
        for nl in &nd.units {
            match old_units.iter().find(|l| l.name == nl.name) {
                None => add_ifl(&mut ev, nl),
                Some(ol) => change_ifl(&mut ev, ol, nl),
            }
        }
    }
    for od in &old.ifds {
        if new.ifd(&od.name).is_none() {
            for l in &od.units {
                delete_ifl(&mut ev, l);
            }
            ev.push(ifd_event(ChangeOp::Delete, od));
        }
    }
    ev
}

fn ifd_changed(a: &Ifd, b: &Ifd) -> bool {
    a.admin_up != b.admin_up
        || a.oper_up() != b.oper_up()
        || a.description != b.description
        || a.mtu != b.mtu
        || a.speed != b.speed
        || a.mac != b.mac
}

fn ifd_event(op: ChangeOp, d: &Ifd) -> InterfaceEvent {
    InterfaceEvent::Ifd(IfdEvent {
        op,
        name: d.name.clone(),
        snmp_id: d.snmp_index,
        flags: ifd_flags(d),
    })
}

fn ifl_event(op: ChangeOp, l: &Ifl) -> InterfaceEvent {
    InterfaceEvent::Ifl(IflEvent {
        op,
        name: l.name.clone(),
        subunit: l.unit,
        snmp_id: l.snmp_index,
        flags: ifl_flags(l),
    })
}

fn iff_event(op: ChangeOp, l: &Ifl, f: &Family) -> InterfaceEvent {
    InterfaceEvent::Iff(IffEvent {
        op,
        name: l.name.clone(),
        subunit: l.unit,
        family: f.kind,
        table_name: f.kind.table_name().into(),
        flags: ifl_flags(l),
    })
}

fn ifa_event(op: ChangeOp, l: &Ifl, f: &Family, a: &IfAddress) -> InterfaceEvent {
    InterfaceEvent::Ifa(IfaEvent {
        op,
        name: l.name.clone(),
        subunit: l.unit,
        family: f.kind,
        local_address: a.local,
        prefix_len: a.prefix_len,
        destination_address: (!a.is_host()).then(|| a.network()),
        broadcast_address: a.broadcast().map(IpAddr::V4),
        flags: ifl_flags(l),
    })
}

fn add_ifl(ev: &mut Vec<InterfaceEvent>, l: &Ifl) {
    ev.push(ifl_event(ChangeOp::Add, l));
    for f in &l.families {
        add_family(ev, l, f);
    }
}

fn add_family(ev: &mut Vec<InterfaceEvent>, l: &Ifl, f: &Family) {
    ev.push(iff_event(ChangeOp::Add, l, f));
    for a in &f.addresses {
        ev.push(ifa_event(ChangeOp::Add, l, f, a));
    }
}

fn delete_ifl(ev: &mut Vec<InterfaceEvent>, l: &Ifl) {
    for f in &l.families {
        delete_family(ev, l, f);
    }
    ev.push(ifl_event(ChangeOp::Delete, l));
}

fn delete_family(ev: &mut Vec<InterfaceEvent>, l: &Ifl, f: &Family) {
    for a in &f.addresses {
        ev.push(ifa_event(ChangeOp::Delete, l, f, a));
    }
    ev.push(iff_event(ChangeOp::Delete, l, f));
}

fn change_ifl(ev: &mut Vec<InterfaceEvent>, ol: &Ifl, nl: &Ifl) {
    if ol.admin_up != nl.admin_up
        || ol.oper_up != nl.oper_up
        || ol.description != nl.description
        || ol.vlan_id != nl.vlan_id
        || ol.tunnel != nl.tunnel
    {
        ev.push(ifl_event(ChangeOp::Change, nl));
    }
    for of in &ol.families {
        if !nl.families.iter().any(|f| f.kind == of.kind) {
            delete_family(ev, ol, of);
        }
    }
    for nf in &nl.families {
        let Some(of) = ol.families.iter().find(|f| f.kind == nf.kind) else {
            add_family(ev, nl, nf);
            continue;
        };
        if of.mtu != nf.mtu
            || of.input_filter != nf.input_filter
            || of.output_filter != nf.output_filter
        {
            ev.push(iff_event(ChangeOp::Change, nl, nf));
        }
        for oa in &of.addresses {
            if !nf
                .addresses
                .iter()
                .any(|a| a.local == oa.local && a.prefix_len == oa.prefix_len)
            {
                ev.push(ifa_event(ChangeOp::Delete, ol, of, oa));
            }
        }
        for na in &nf.addresses {
            match of
                .addresses
                .iter()
                .find(|a| a.local == na.local && a.prefix_len == na.prefix_len)
            {
                None => ev.push(ifa_event(ChangeOp::Add, nl, nf, na)),
                Some(oa) if oa.primary != na.primary => {
                    ev.push(ifa_event(ChangeOp::Change, nl, nf, na))
                }
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
