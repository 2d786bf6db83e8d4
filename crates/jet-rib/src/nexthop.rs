//! Next hops: gateways with weights, bandwidths and label stacks, interned so that a
//! million routes through the same gateway share one entry (each path holds a 4-byte
//! [`NhId`] and a reference on it).
//!
//! An interned next hop also carries its resolution state: for each gateway, whether it
//! is usable and through which interface (direct, or recursively through the table).

use std::collections::HashMap;
use std::net::IpAddr;

/// Index of an interned interface name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IfId(pub u32);

/// Index of an interned next hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NhId(pub u32);

/// What to do with one label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LabelAction {
    /// Impose the label.
    Push,
    /// Remove the top label.
    Pop,
    /// Replace the top label.
    Swap,
}

impl LabelAction {
    /// As `show route` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelAction::Push => "Push",
            LabelAction::Pop => "Pop",
            LabelAction::Swap => "Swap",
        }
    }
}

/// One label-stack operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LabelOp {
    /// The operation.
    pub action: LabelAction,
    /// The label (ignored for Pop).
    pub label: u32,
}

/// One gateway of a programmed or static next hop.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gateway {
    /// Next-hop address (None only for tunnel-profile gateways).
    pub addr: Option<IpAddr>,
    /// Outgoing interface: a router next hop when set, otherwise an indirect one that is
    /// resolved through the table. In a [`crate::Batch`] this is an index into the
    /// batch's interface names until the RIB binds it.
    pub ifname: Option<IfId>,
    /// Local address used to choose the interface.
    pub local: Option<IpAddr>,
    /// Label operations in execution order (empty: none; no allocation then).
    pub labels: Box<[LabelOp]>,
    /// 0 = unset (treated as the most preferred), else 1–65535; lowest is primary.
    pub weight: u16,
    /// Bandwidth share as `f32::to_bits` (0 = unset), for unequal-cost balancing.
    pub bandwidth_bits: u32,
    /// The flexible tunnel profile the gateway names (JET `flexible_tunnel_profile`),
    /// interned with the interface names ([`crate::Rib::ifnames`]; in a
    /// [`crate::Batch`] an index into its names until the RIB binds it). The profile's
    /// FTI interface is in `ifname`: a gateway naming a profile without an interface
    /// has not been resolved and is refused (FLEXIBLE_TUNNEL_INVALID).
    pub tunnel: Option<IfId>,
}

impl Gateway {
    /// A plain gateway through `addr`.
    pub fn via(addr: IpAddr) -> Gateway {
        Gateway {
            addr: Some(addr),
            ifname: None,
            local: None,
            labels: Box::default(),
            weight: 0,
            bandwidth_bits: 0,
            tunnel: None,
        }
    }

    /// The bandwidth share as a float (0 when unset).
    pub fn bandwidth(&self) -> f32 {
        f32::from_bits(self.bandwidth_bits)
    }
}

/// A next hop.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NextHop {
    /// A programmed route without gateways: traffic is dropped silently.
    Blackhole,
    /// Static `discard`.
    Discard,
    /// Static `reject`.
    Reject,
    /// A local address of this interface (Local routes).
    Receive(IfId),
    /// The subnet of this interface (Direct routes).
    Interface(IfId),
    /// One or more gateways (ECMP/weighted).
    Gateways(Box<[Gateway]>),
}

impl NextHop {
    /// The Junos next-hop type word (`show route detail`, forwarding table).
    pub fn type_word(&self) -> &'static str {
        match self {
            NextHop::Blackhole | NextHop::Discard => "Discard",
            NextHop::Reject => "Reject",
            NextHop::Receive(_) => "Local",
            NextHop::Interface(_) => "Interface",
            NextHop::Gateways(g) if g.iter().all(|g| g.ifname.is_some()) => "Router",
            NextHop::Gateways(_) => "Indirect",
        }
    }
}

/// Resolution of one gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GwState {
    /// The gateway can forward (its interface is known or it resolved through the table).
    pub usable: bool,
    /// The interface it forwards through, when known.
    pub via: Option<IfId>,
}

/// An interned next hop with its users and resolution.
#[derive(Debug, Clone)]
pub struct NhEntry {
    /// The next hop.
    pub nh: NextHop,
    /// Paths using it.
    pub refs: u32,
    /// Routing instance whose tables resolve it (0 = master).
    pub inst: u32,
    /// Per gateway (same order as the gateways), for [`NextHop::Gateways`].
    pub state: Box<[GwState]>,
}

impl NhEntry {
    /// True when a route with this next hop can be active.
    pub fn usable(&self) -> bool {
        match &self.nh {
            NextHop::Gateways(_) => self.state.iter().any(|s| s.usable),
            _ => true,
        }
    }

    /// Indexes of the gateways that forward: the usable ones with the lowest weight
    /// (several = ECMP). Others are backups.
    pub fn selected(&self) -> impl Iterator<Item = usize> + '_ {
        let gws: &[Gateway] = match &self.nh {
            NextHop::Gateways(g) => g,
            _ => &[],
        };
        let best = gws
            .iter()
            .zip(self.state.iter())
            .filter(|(_, s)| s.usable)
            .map(|(g, _)| g.weight)
            .min();
        gws.iter()
            .enumerate()
            .filter(move |(i, g)| Some(g.weight) == best && self.state[*i].usable)
            .map(|(i, _)| i)
    }
}

/// The interned next hops of one RIB.
#[derive(Debug, Default)]
pub struct NhTable {
    entries: Vec<Option<NhEntry>>,
    free: Vec<u32>,
    /// Gateway lists per routing instance (resolution differs between instances).
    gateways: HashMap<u32, HashMap<Box<[Gateway]>, NhId>>,
    simple: HashMap<NextHop, NhId>,
}

impl NhTable {
    /// The entry behind an id. Ids held by paths are always live.
    pub fn get(&self, id: NhId) -> &NhEntry {
        match self.entries.get(id.0 as usize) {
            Some(Some(e)) => e,
            // A path never outlives its next-hop reference; this is a RIB bug.
            _ => unreachable!("dangling next-hop id {}", id.0),
        }
    }

    /// Looks a gateway list up without taking a reference.
    pub(crate) fn find_gateways(&self, inst: u32, gws: &[Gateway]) -> Option<NhId> {
        if gws.is_empty() {
            return self.simple.get(&NextHop::Blackhole).copied();
        }
        self.gateways.get(&inst)?.get(gws).copied()
    }

    /// Takes a reference on an existing entry.
    pub(crate) fn add_ref(&mut self, id: NhId) {
        if let Some(Some(e)) = self.entries.get_mut(id.0 as usize) {
            e.refs += 1;
        }
    }

    /// Interns `nh` (new entries start unresolved) and takes a reference. Returns the id
    /// and whether the entry is new (it then needs resolving).
    pub(crate) fn intern(&mut self, inst: u32, nh: NextHop) -> (NhId, bool) {
        let existing = match &nh {
            NextHop::Gateways(g) => self.gateways.get(&inst).and_then(|m| m.get(&**g)).copied(),
            other => self.simple.get(other).copied(),
        };
        if let Some(id) = existing {
            self.add_ref(id);
            return (id, false);
        }
        let n = match &nh {
            NextHop::Gateways(g) => g.len(),
            _ => 0,
        };
        let entry = NhEntry {
            nh: nh.clone(),
            refs: 1,
            inst,
            state: vec![GwState::default(); n].into_boxed_slice(),
        };
        let id = match self.free.pop() {
            Some(i) => {
                self.entries[i as usize] = Some(entry);
                NhId(i)
            }
            None => {
                self.entries.push(Some(entry));
                NhId(self.entries.len() as u32 - 1)
            }
        };
        match nh {
            NextHop::Gateways(g) => {
                self.gateways.entry(inst).or_default().insert(g, id);
            }
            other => {
                self.simple.insert(other, id);
            }
        }
        (id, true)
    }

    /// Drops a reference; the entry goes when nobody uses it (and is returned).
    pub(crate) fn release(&mut self, id: NhId) -> Option<NhEntry> {
        let slot = self.entries.get_mut(id.0 as usize)?;
        let e = slot.as_mut()?;
        e.refs = e.refs.saturating_sub(1);
        if e.refs > 0 {
            return None;
        }
        let e = slot.take()?;
        match &e.nh {
            NextHop::Gateways(g) => {
                if let Some(m) = self.gateways.get_mut(&e.inst) {
                    m.remove(g);
                }
            }
            other => {
                self.simple.remove(other);
            }
        }
        self.free.push(id.0);
        Some(e)
    }

    /// Sets the resolution state of an entry.
    pub(crate) fn set_state(&mut self, id: NhId, state: Box<[GwState]>) {
        if let Some(Some(e)) = self.entries.get_mut(id.0 as usize) {
            e.state = state;
        }
    }

    /// Live entries.
    pub fn iter(&self) -> impl Iterator<Item = (NhId, &NhEntry)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|e| (NhId(i as u32), e)))
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        self.entries.len() - self.free.len()
    }

    /// True when no next hop is interned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Interface names, interned.
#[derive(Debug, Default)]
pub struct IfNames {
    names: Vec<String>,
    index: HashMap<String, IfId>,
}

impl IfNames {
    /// The id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> IfId {
        if let Some(id) = self.index.get(name) {
            return *id;
        }
        let id = IfId(self.names.len() as u32);
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), id);
        id
    }

    /// The name behind an id.
    pub fn name(&self, id: IfId) -> &str {
        self.names.get(id.0 as usize).map_or("?", |s| s.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gw(a: &str, w: u16) -> Gateway {
        Gateway {
            weight: w,
            ..Gateway::via(a.parse().expect("ip"))
        }
    }

    #[test]
    fn equal_gateway_lists_share_one_entry_until_the_last_reference_goes() {
        let mut t = NhTable::default();
        let a: Box<[Gateway]> = vec![gw("192.0.2.1", 0)].into();
        let (x, new) = t.intern(0, NextHop::Gateways(a.clone()));
        assert!(new);
        let (y, new) = t.intern(0, NextHop::Gateways(a.clone()));
        assert!(!new);
        assert_eq!(x, y);
        assert_eq!(t.get(x).refs, 2);
        assert_eq!(t.find_gateways(0, &a), Some(x));
        assert_eq!(t.find_gateways(1, &a), None);
        t.release(x);
        t.release(x);
        assert!(t.is_empty());
        assert_eq!(t.find_gateways(0, &a), None);
    }

    #[test]
    fn lowest_weight_usable_gateways_are_selected() {
        let mut t = NhTable::default();
        let gws: Box<[Gateway]> = vec![
            gw("192.0.2.1", 10),
            gw("192.0.2.2", 5),
            gw("192.0.2.3", 5),
            gw("192.0.2.4", 1),
        ]
        .into();
        let (id, _) = t.intern(0, NextHop::Gateways(gws));
        let usable = GwState {
            usable: true,
            via: None,
        };
        t.set_state(
            id,
            vec![usable, usable, usable, GwState::default()].into_boxed_slice(),
        );
        let sel: Vec<usize> = t.get(id).selected().collect();
        assert_eq!(sel, vec![1, 2], "the weight-1 gateway is unusable");
        assert!(t.get(id).usable());
    }
}
