//! BGP path attributes of BGP-static routes (programmed through the BGP route service),
//! interned: routes that share their attributes (the common case for a controller
//! programming many prefixes toward one next hop) share one entry, and a path holds a
//! 4-byte id (`Path::bgp`, 0 = none), so the path stays 40 bytes.
//!
//! The BGP-only change rules (cookie 0, `or_longer`) are `rib/bgp_changes.rs`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// Default LOCAL_PREF of a BGP-static route.
pub const DEFAULT_LOCAL_PREF: u32 = 100;

/// How a BGP-static route forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BgpNhKind {
    /// Through its protocol next hop, resolved in the table.
    #[default]
    Resolve,
    /// `use_nexthop_reject`: installed with a reject next hop.
    Reject,
    /// `use_nexthop_fictitious`: installed with a fictitious (discard) next hop.
    Fictitious,
}

/// The BGP attributes of one path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct BgpAttrs {
    /// LOCAL_PREF (higher preferred).
    pub local_pref: u32,
    /// MULTI_EXIT_DISC, when given.
    pub med: Option<u32>,
    /// AIGP distance, when given.
    pub aigp: Option<u64>,
    /// AS path as given (`65001 65002`, empty = no non-local AS).
    pub as_path: String,
    /// Communities as given (`65000:100`, `no-export`).
    pub communities: Vec<String>,
    /// ORIGINATOR_ID, when given.
    pub originator_id: Option<u32>,
    /// CLUSTER_LIST.
    pub cluster_list: Vec<u32>,
    /// Cluster id, when given.
    pub cluster_id: Option<u32>,
    /// The BGP protocol next hop.
    pub protocol_nexthop: Option<IpAddr>,
    /// EBGP (true) or IBGP route.
    pub external: bool,
    /// `no_advertise` flag.
    pub no_advertise: bool,
    /// `no_export` flag.
    pub no_export: bool,
    /// Reject / fictitious next hop.
    pub nh_kind: BgpNhKind,
    /// Single VPN label, when given.
    pub label: Option<u32>,
}

impl BgpAttrs {
    /// preference2 that makes a higher LOCAL_PREF win (Junos prints `-(local_pref+1)`).
    pub fn pref2(&self) -> u32 {
        u32::MAX - self.local_pref
    }

    /// Communities with the flags' well-known ones appended, as `show route` lists them.
    pub fn all_communities(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.communities.iter().map(String::as_str).collect();
        if self.no_advertise {
            v.push("no-advertise");
        }
        if self.no_export {
            v.push("no-export");
        }
        v
    }
}

/// Interned attribute sets with reference counts.
#[derive(Debug, Default)]
pub struct BgpAttrTable {
    slots: Vec<Option<(Arc<BgpAttrs>, u32)>>,
    by_value: HashMap<Arc<BgpAttrs>, u32>,
    free: Vec<u32>,
}

impl BgpAttrTable {
    /// Interns `a` with one more reference; returns its id (never 0).
    pub(crate) fn intern(&mut self, a: &BgpAttrs) -> u32 {
        if let Some(&id) = self.by_value.get(a) {
            self.add_ref(id);
            return id;
        }
        let arc = Arc::new(a.clone());
        let id = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some((arc.clone(), 1));
                i + 1
            }
            None => {
                self.slots.push(Some((arc.clone(), 1)));
                self.slots.len() as u32
            }
        };
        self.by_value.insert(arc, id);
        id
    }

    pub(crate) fn add_ref(&mut self, id: u32) {
        if let Some(Some((_, n))) = self.slots.get_mut((id as usize).wrapping_sub(1)) {
            *n += 1;
        }
    }

    pub(crate) fn release(&mut self, id: u32) {
        let i = (id as usize).wrapping_sub(1);
        let gone = match self.slots.get_mut(i) {
            Some(Some((a, n))) => {
                *n -= 1;
                (*n == 0).then(|| a.clone())
            }
            _ => None,
        };
        if let Some(a) = gone {
            self.by_value.remove(&a);
            self.slots[i] = None;
            self.free.push(i as u32);
        }
    }

    /// The attributes behind an id (None for 0 or a released id).
    pub fn get(&self, id: u32) -> Option<&BgpAttrs> {
        self.slots
            .get((id as usize).checked_sub(1)?)?
            .as_ref()
            .map(|(a, _)| &**a)
    }

    /// Distinct attribute sets in use.
    pub fn len(&self) -> usize {
        self.by_value.len()
    }

    /// True when no attribute set is in use.
    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_attributes_are_shared_and_freed_with_their_last_path() {
        let mut t = BgpAttrTable::default();
        let a = BgpAttrs {
            local_pref: 200,
            as_path: "65001".into(),
            ..BgpAttrs::default()
        };
        let i = t.intern(&a);
        assert_eq!(t.intern(&a), i, "same attributes, same id");
        let b = BgpAttrs {
            med: Some(10),
            ..a.clone()
        };
        let j = t.intern(&b);
        assert_ne!(i, j);
        assert_eq!(t.len(), 2);
        t.release(i);
        assert_eq!(t.get(i), Some(&a), "one reference left");
        t.release(i);
        assert_eq!(t.get(i), None);
        assert_eq!(t.len(), 1);
        assert!(
            a.pref2() < BgpAttrs::default().pref2(),
            "higher LOCAL_PREF ranks first"
        );
    }
}
