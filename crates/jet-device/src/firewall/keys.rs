//! Borrowed lookups in the firewall's maps keyed by owned names: the binding at a bind
//! point ([`FirewallState::bound`]) and a configured filter ([`FirewallState::config`]).
//! The packet walk looks both up three times per packet; building an owned [`Binding`]
//! or `(family, name)` key for each cost an allocation and a copy of the name every time.
//!
//! The maps stay keyed by their owned types: each key type lends itself as a trait object
//! that exposes its parts by reference ([`Borrow`]), and the trait object is ordered as
//! the owned key is (derived orders compare variants, then fields, in declaration order;
//! `&str` orders as `String`). A test checks the two orders agree.
//!
//! [`FirewallState::bound`]: super::state::FirewallState::bound
//! [`FirewallState::config`]: super::state::FirewallState::config

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::model::{BindPoint, Binding, Direction, FwFamily};

/// A [`BindPoint`] by reference; variants and fields in the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PointRef<'a> {
    /// [`BindPoint::Interface`].
    Interface(&'a str),
    /// [`BindPoint::ForwardingTable`].
    ForwardingTable(&'a str),
    /// [`BindPoint::Vlan`].
    Vlan {
        /// VLAN name.
        name: &'a str,
        /// Routing instance.
        table: &'a str,
    },
    /// [`BindPoint::BridgeDomain`].
    BridgeDomain {
        /// Bridge domain name.
        name: &'a str,
        /// Routing instance.
        table: &'a str,
    },
}

impl BindPoint {
    /// The bind point by reference.
    pub(crate) fn as_ref(&self) -> PointRef<'_> {
        match self {
            BindPoint::Interface(n) => PointRef::Interface(n),
            BindPoint::ForwardingTable(n) => PointRef::ForwardingTable(n),
            BindPoint::Vlan { name, table } => PointRef::Vlan { name, table },
            BindPoint::BridgeDomain { name, table } => PointRef::BridgeDomain { name, table },
        }
    }
}

/// A binding's parts, in [`Binding`]'s field order.
pub(crate) trait BindingKey {
    /// (point, direction, family).
    fn parts(&self) -> (PointRef<'_>, Direction, FwFamily);
}

impl BindingKey for Binding {
    fn parts(&self) -> (PointRef<'_>, Direction, FwFamily) {
        (self.point.as_ref(), self.direction, self.family)
    }
}

impl BindingKey for (PointRef<'_>, Direction, FwFamily) {
    fn parts(&self) -> (PointRef<'_>, Direction, FwFamily) {
        *self
    }
}

impl<'a> Borrow<dyn BindingKey + 'a> for Binding {
    fn borrow(&self) -> &(dyn BindingKey + 'a) {
        self
    }
}

impl PartialEq for dyn BindingKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn BindingKey + '_ {}

impl PartialOrd for dyn BindingKey + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn BindingKey + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// The API filter bound at `point`/`direction`/`family`, without building a [`Binding`].
pub(crate) fn bound_at<'m>(
    bound: &'m BTreeMap<Binding, String>,
    point: PointRef<'_>,
    direction: Direction,
    family: FwFamily,
) -> Option<&'m String> {
    bound.get(&(point, direction, family) as &dyn BindingKey)
}

/// A configured filter's key parts, in the key's order.
pub(crate) trait CfgKey {
    /// (family, name).
    fn parts(&self) -> (FwFamily, &str);
}

impl CfgKey for (FwFamily, String) {
    fn parts(&self) -> (FwFamily, &str) {
        (self.0, &self.1)
    }
}

impl CfgKey for (FwFamily, &str) {
    fn parts(&self) -> (FwFamily, &str) {
        *self
    }
}

impl<'a> Borrow<dyn CfgKey + 'a> for (FwFamily, String) {
    fn borrow(&self) -> &(dyn CfgKey + 'a) {
        self
    }
}

impl PartialEq for dyn CfgKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn CfgKey + '_ {}

impl PartialOrd for dyn CfgKey + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn CfgKey + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// The configured filter `name` of `family`, to change, without building an owned key.
pub(crate) fn config_filter_mut<'m, V>(
    config: &'m mut BTreeMap<(FwFamily, String), V>,
    family: FwFamily,
    name: &str,
) -> Option<&'m mut V> {
    config.get_mut(&(family, name) as &dyn CfgKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> Vec<BindPoint> {
        let names = ["", "a", "ab", "b", "ge-0/0/0.0", "ge-0/0/0.1", "inet.0"];
        let mut v = Vec::new();
        for n in names {
            v.push(BindPoint::Interface(n.into()));
            v.push(BindPoint::ForwardingTable(n.into()));
            for t in ["", "x", "inet.0"] {
                v.push(BindPoint::Vlan {
                    name: n.into(),
                    table: t.into(),
                });
                v.push(BindPoint::BridgeDomain {
                    name: n.into(),
                    table: t.into(),
                });
            }
        }
        v
    }

    #[test]
    fn borrowed_binding_orders_as_the_owned_binding() {
        let mut all = Vec::new();
        for p in points() {
            for direction in [Direction::Input, Direction::Output] {
                for family in [FwFamily::Inet, FwFamily::Inet6, FwFamily::Mpls] {
                    all.push(Binding {
                        point: p.clone(),
                        direction,
                        family,
                    });
                }
            }
        }
        for a in &all {
            for b in &all {
                let (ka, kb): (&dyn BindingKey, &dyn BindingKey) = (a, b);
                assert_eq!(ka.cmp(kb), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
        // Every binding is found through its borrowed parts, and only it.
        let map: BTreeMap<Binding, String> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(i, b)| (b.clone(), i.to_string()))
            .collect();
        for (i, b) in all.iter().enumerate() {
            let got = bound_at(&map, b.point.as_ref(), b.direction, b.family);
            assert_eq!(got, (i % 2 == 0).then(|| i.to_string()).as_ref());
        }
    }

    #[test]
    fn borrowed_config_key_orders_as_the_owned_key_and_finds_it() {
        let names = ["", "a", "ab", "b", "cfg-in", "cfg-in2"];
        let mut keys = Vec::new();
        for family in [FwFamily::Inet, FwFamily::Inet6, FwFamily::Mpls] {
            for n in names {
                keys.push((family, n.to_owned()));
            }
        }
        for a in &keys {
            for b in &keys {
                let (ka, kb): (&dyn CfgKey, &dyn CfgKey) = (a, b);
                assert_eq!(ka.cmp(kb), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
        let mut map: BTreeMap<(FwFamily, String), usize> = keys
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, k)| (k, i))
            .collect();
        map.remove(&(FwFamily::Inet6, "ab".to_owned()));
        for (i, (f, n)) in keys.iter().enumerate() {
            let want = (!(*f == FwFamily::Inet6 && n == "ab")).then_some(i);
            assert_eq!(config_filter_mut(&mut map, *f, n).copied(), want);
        }
    }
}
