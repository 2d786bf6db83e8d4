//! One routing table: destinations in a B-tree sorted by (address, length), each with
//! one or more paths.
//!
//! A path is 40 bytes and a destination with one path stores it inline (no extra
//! allocation), so a million single-path /32 routes cost the B-tree entries and nothing
//! else. Longest-prefix match probes only the prefix lengths present in the table (a
//! per-length count), longest first.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::nexthop::{NhId, NhTable};
use crate::prefix::{key4, key6, unkey4, unkey6, Family, Key6, Prefix};

/// Who put a path into the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Proto {
    /// Interface subnet.
    Direct,
    /// Interface address.
    Local,
    /// `routing-options static`.
    Static,
    /// Programmed through JET (protocol unspecified): a static route owned by a client.
    Jet,
    /// Programmed through JET with protocol BGP_STATIC.
    BgpStatic,
}

impl Proto {
    /// The name `show route` prints.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Direct => "Direct",
            Proto::Local => "Local",
            Proto::Static | Proto::Jet => "Static",
            Proto::BgpStatic => "Bgp-Static",
        }
    }

    /// Default preference (Junos): direct and local 0, static 5.
    pub fn default_preference(self) -> u32 {
        match self {
            Proto::Direct | Proto::Local => 0,
            Proto::Static | Proto::Jet | Proto::BgpStatic => 5,
        }
    }

    /// True for paths programmed by JET clients.
    pub fn is_programmed(self) -> bool {
        matches!(self, Proto::Jet | Proto::BgpStatic)
    }
}

/// Path flag: the route asked for statistics.
pub const FLAG_STATS: u8 = 1;
/// Path flag: programmed through the older JET generation (`routing.Rib`); only that
/// generation may change or remove it, and it only those of its own.
pub const FLAG_LEGACY: u8 = 2;

/// One path to a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Client tag telling several paths of one client apart.
    pub cookie: u64,
    /// Owning client ([`crate::ClientIdx`] number), 0 for device sources.
    pub owner: u32,
    /// Junos preference (lower wins).
    pub pref: u32,
    /// Junos preference2 (tie-break, lower wins).
    pub pref2: u32,
    /// Interned next hop.
    pub nh: NhId,
    /// When the path was installed or last changed (seconds on the RIB clock).
    pub since: u32,
    /// Source.
    pub proto: Proto,
    /// `FLAG_*` bits.
    pub flags: u8,
    /// Index+1 of tags/colors in the RIB's attribute slab (0 = none).
    pub attrs: u32,
    /// Id of the interned BGP attributes ([`crate::BgpAttrTable`], 0 = none).
    pub bgp: u32,
}

impl Path {
    /// Selection order: preference, preference2, source, owner, cookie (lowest first).
    pub(crate) fn rank(&self) -> (u32, u32, Proto, u32, u64) {
        (self.pref, self.pref2, self.proto, self.owner, self.cookie)
    }
}

/// A destination's paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    /// The common case, inline.
    One(Path),
    /// Several paths (several sources, clients or cookies).
    Many(Vec<Path>),
}

impl Dest {
    /// All paths.
    pub fn paths(&self) -> &[Path] {
        match self {
            Dest::One(p) => std::slice::from_ref(p),
            Dest::Many(v) => v,
        }
    }

    /// Index of the active path: the best-ranked path whose next hop is usable.
    pub fn active(&self, nhs: &NhTable) -> Option<usize> {
        match self {
            Dest::One(p) => nhs.get(p.nh).usable().then_some(0),
            Dest::Many(v) => v
                .iter()
                .enumerate()
                .filter(|(_, p)| nhs.get(p.nh).usable())
                .min_by_key(|(_, p)| p.rank())
                .map(|(i, _)| i),
        }
    }

    fn position(&self, proto_owned: bool, owner: u32, cookie: u64, proto: Proto) -> Option<usize> {
        self.paths().iter().position(|p| {
            if proto_owned {
                p.proto.is_programmed() && p.owner == owner && p.cookie == cookie
            } else {
                p.proto == proto && p.cookie == cookie
            }
        })
    }
}

/// Identifies a path inside a destination: a client's (owner, cookie), or a device
/// source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathKey {
    /// A programmed path.
    Client {
        /// Owner.
        owner: u32,
        /// Cookie.
        cookie: u64,
    },
    /// A path of a device source: one per source and destination, except for static
    /// routes whose qualified next hops have their own preference (told apart by the
    /// cookie, 0 for the route's own next hops).
    Source(Proto, u64),
}

impl PathKey {
    fn find(&self, d: &Dest) -> Option<usize> {
        match *self {
            PathKey::Client { owner, cookie } => d.position(true, owner, cookie, Proto::Jet),
            PathKey::Source(p, cookie) => d.position(false, 0, cookie, p),
        }
    }
}

#[derive(Debug)]
enum Map {
    V4(BTreeMap<u64, Dest>),
    V6(BTreeMap<Key6, Dest>),
    Mpls(BTreeMap<u32, Dest>),
}

/// Runs `$body` with `$m` bound to the family's map and `$k` to the key of `$p`;
/// evaluates to `None` when the prefix is of another family.
macro_rules! with_key {
    ($map:expr, $p:expr, |$m:ident, $k:ident| $body:expr) => {
        match ($map, $p) {
            (Map::V4($m), Prefix::V4(a, l)) => {
                let $k = key4(*a, *l);
                Some($body)
            }
            (Map::V6($m), Prefix::V6(a, l)) => {
                let $k = key6(*a, *l);
                Some($body)
            }
            (Map::Mpls($m), Prefix::Mpls(x)) => {
                let $k = *x;
                Some($body)
            }
            _ => None,
        }
    };
}

/// A routing table.
#[derive(Debug)]
pub struct Table {
    /// Junos name (`inet.0`, `vpn1.inet6.0`, `mpls.0`).
    pub name: String,
    /// Family.
    pub family: Family,
    /// Routing instance (`None` = master).
    pub instance: Option<String>,
    map: Map,
    /// Destinations per prefix length (drives longest-prefix match).
    per_len: Vec<u64>,
    paths: u64,
}

/// What replacing or inserting a path did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Put {
    Added,
    /// Replaced; the old path is returned (its next-hop reference must be released).
    Replaced(Path),
}

impl Table {
    /// An empty table.
    pub fn new(name: impl Into<String>, family: Family, instance: Option<String>) -> Table {
        let map = match family {
            Family::Inet => Map::V4(BTreeMap::new()),
            Family::Inet6 => Map::V6(BTreeMap::new()),
            Family::Mpls => Map::Mpls(BTreeMap::new()),
        };
        Table {
            name: name.into(),
            family,
            instance,
            map,
            per_len: vec![0; 129],
            paths: 0,
        }
    }

    /// Number of destinations.
    pub fn destinations(&self) -> u64 {
        self.per_len.iter().sum()
    }

    /// Number of paths.
    pub fn routes(&self) -> u64 {
        self.paths
    }

    /// The destination at exactly `p`.
    pub fn get(&self, p: &Prefix) -> Option<&Dest> {
        with_key!(&self.map, p, |m, k| m.get(&k)).flatten()
    }

    /// The path `key` at `p`.
    pub(crate) fn get_path(&self, p: &Prefix, key: PathKey) -> Option<&Path> {
        let d = self.get(p)?;
        key.find(d).map(|i| &d.paths()[i])
    }

    /// Inserts or replaces the path `key` at `p`.
    pub(crate) fn put(&mut self, p: &Prefix, key: PathKey, path: Path) -> Put {
        let len = p.len() as usize;
        let out = with_key!(&mut self.map, p, |m, k| {
            match m.entry(k) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(Dest::One(path));
                    (Put::Added, true)
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    let d = o.get_mut();
                    match key.find(d) {
                        Some(i) => {
                            let old = match d {
                                Dest::One(x) => std::mem::replace(x, path),
                                Dest::Many(v) => std::mem::replace(&mut v[i], path),
                            };
                            (Put::Replaced(old), false)
                        }
                        None => {
                            let many = match std::mem::replace(d, Dest::Many(Vec::new())) {
                                Dest::One(x) => vec![x, path],
                                Dest::Many(mut v) => {
                                    v.push(path);
                                    v
                                }
                            };
                            *d = Dest::Many(many);
                            (Put::Added, false)
                        }
                    }
                }
            }
        });
        match out {
            Some((put, new_dest)) => {
                if new_dest {
                    self.per_len[len.min(128)] += 1;
                }
                if put == Put::Added {
                    self.paths += 1;
                }
                put
            }
            // Family mismatch is checked by the caller; treat as nothing done.
            None => Put::Added,
        }
    }

    /// Removes the path `key` at `p`, returning it.
    pub(crate) fn remove(&mut self, p: &Prefix, key: PathKey) -> Option<Path> {
        let len = p.len() as usize;
        let (path, dest_gone) = with_key!(&mut self.map, p, |m, k| {
            let d = m.get_mut(&k)?;
            let i = key.find(d)?;
            match d {
                Dest::One(_) => match m.remove(&k) {
                    Some(Dest::One(x)) => Some((x, true)),
                    _ => None,
                },
                Dest::Many(v) => {
                    let x = v.remove(i);
                    if v.len() == 1 {
                        let last = v.pop();
                        if let Some(last) = last {
                            *d = Dest::One(last);
                        }
                    }
                    Some((x, false))
                }
            }
        })
        .flatten()?;
        if dest_gone {
            self.per_len[len.min(128)] -= 1;
        }
        self.paths -= 1;
        Some(path)
    }

    /// Removes every path matching `pred`, calling `gone` for each.
    pub(crate) fn remove_where(
        &mut self,
        mut pred: impl FnMut(&Path) -> bool,
        mut gone: impl FnMut(Prefix, Path),
    ) {
        let mut victims: Vec<(Prefix, PathKey)> = Vec::new();
        for (p, d) in self.iter() {
            for path in d.paths() {
                if pred(path) {
                    let key = if path.proto.is_programmed() {
                        PathKey::Client {
                            owner: path.owner,
                            cookie: path.cookie,
                        }
                    } else {
                        PathKey::Source(path.proto, path.cookie)
                    };
                    victims.push((p, key));
                }
            }
        }
        for (p, key) in victims {
            if let Some(path) = self.remove(&p, key) {
                gone(p, path);
            }
        }
    }

    /// Longest-prefix match of `p`'s address among destinations no longer than `p`,
    /// accepting only destinations for which `accept` says yes.
    pub fn lpm(
        &self,
        p: &Prefix,
        mut accept: impl FnMut(&Dest) -> bool,
    ) -> Option<(Prefix, &Dest)> {
        if let Prefix::Mpls(_) = p {
            return self.get(p).map(|d| (*p, d));
        }
        // Keys sort by address, then length: the greatest destination at or below `p`'s
        // own key, when it contains `p`, is the longest destination containing `p` (a
        // longer one would sort between the two). One descent of the tree instead of
        // one per prefix length in use; otherwise the walk over the lengths decides.
        let own = p.with_len(p.len());
        let below = match (&self.map, own) {
            (Map::V4(m), Prefix::V4(a, l)) => m
                .range(..=key4(a, l))
                .next_back()
                .map(|(k, d)| (unkey4(*k), d)),
            (Map::V6(m), Prefix::V6(a, l)) => m
                .range(..=key6(a, l))
                .next_back()
                .map(|(k, d)| (unkey6(*k), d)),
            _ => None,
        };
        if let Some((q, d)) = below {
            if q.len() <= own.len() && own.with_len(q.len()) == q && accept(d) {
                return Some((q, d));
            }
        }
        for len in (0..=p.len()).rev() {
            if self.per_len[len as usize] == 0 {
                continue;
            }
            let q = p.with_len(len);
            if let Some(d) = self.get(&q) {
                if accept(d) {
                    return Some((q, d));
                }
            }
        }
        None
    }

    /// Destinations in key order within the bounds.
    pub fn range(
        &self,
        from: Bound<Prefix>,
        to: Bound<Prefix>,
    ) -> Box<dyn Iterator<Item = (Prefix, &Dest)> + '_> {
        fn b<K: Copy>(x: Bound<Prefix>, f: impl Fn(&Prefix) -> Option<K>) -> Bound<K> {
            match x {
                Bound::Included(p) => f(&p).map_or(Bound::Unbounded, Bound::Included),
                Bound::Excluded(p) => f(&p).map_or(Bound::Unbounded, Bound::Excluded),
                Bound::Unbounded => Bound::Unbounded,
            }
        }
        match &self.map {
            Map::V4(m) => {
                let f = |p: &Prefix| match *p {
                    Prefix::V4(a, l) => Some(key4(a, l)),
                    _ => None,
                };
                Box::new(
                    m.range((b(from, f), b(to, f)))
                        .map(|(k, d)| (unkey4(*k), d)),
                )
            }
            Map::V6(m) => {
                let f = |p: &Prefix| match *p {
                    Prefix::V6(a, l) => Some(key6(a, l)),
                    _ => None,
                };
                Box::new(
                    m.range((b(from, f), b(to, f)))
                        .map(|(k, d)| (unkey6(*k), d)),
                )
            }
            Map::Mpls(m) => {
                let f = |p: &Prefix| match *p {
                    Prefix::Mpls(l) => Some(l),
                    _ => None,
                };
                Box::new(
                    m.range((b(from, f), b(to, f)))
                        .map(|(k, d)| (Prefix::Mpls(*k), d)),
                )
            }
        }
    }

    /// All destinations in key order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (Prefix, &Dest)> + '_> {
        self.range(Bound::Unbounded, Bound::Unbounded)
    }

    /// The destination `p` and every more specific one, in key order, starting after
    /// `after` when given (to resume a walk).
    pub fn longer(
        &self,
        p: &Prefix,
        after: Option<Prefix>,
    ) -> Box<dyn Iterator<Item = (Prefix, &Dest)> + '_> {
        let from = match after {
            Some(a) => Bound::Excluded(a),
            None => Bound::Included(*p),
        };
        let last = p.last_key();
        let p = *p;
        Box::new(
            self.range(from, Bound::Included(last))
                .filter(move |(q, _)| p.covers(q)),
        )
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn path(owner: u32, cookie: u64) -> Path {
        Path {
            cookie,
            owner,
            pref: 5,
            pref2: 100,
            nh: NhId(0),
            since: 0,
            proto: Proto::Jet,
            flags: 0,
            attrs: 0,
            bgp: 0,
        }
    }

    #[test]
    fn a_path_is_forty_bytes_and_a_single_path_destination_has_no_extra_allocation() {
        assert_eq!(std::mem::size_of::<Path>(), 40);
        assert_eq!(std::mem::size_of::<Dest>(), 40);
    }

    #[test]
    fn paths_are_told_apart_by_owner_and_cookie() {
        let mut t = Table::new("inet.0", Family::Inet, None);
        let p = Prefix::V4(0x0a00_0000, 8);
        let k = |o, c| PathKey::Client {
            owner: o,
            cookie: c,
        };
        assert_eq!(t.put(&p, k(1, 0), path(1, 0)), Put::Added);
        assert_eq!(t.put(&p, k(1, 1), path(1, 1)), Put::Added);
        assert_eq!(t.put(&p, k(2, 0), path(2, 0)), Put::Added);
        assert!(matches!(t.put(&p, k(1, 1), path(1, 1)), Put::Replaced(_)));
        assert_eq!((t.destinations(), t.routes()), (1, 3));
        assert!(t.remove(&p, k(3, 0)).is_none());
        assert!(t.remove(&p, k(1, 0)).is_some());
        assert!(t.remove(&p, k(1, 1)).is_some());
        assert!(matches!(t.get(&p), Some(Dest::One(_))));
        assert!(t.remove(&p, k(2, 0)).is_some());
        assert_eq!((t.destinations(), t.routes()), (0, 0));
    }

    /// The longest-match lookup answers as trying every length from the longest down,
    /// for nested IPv4 and IPv6 destinations, some of them refused by `accept`.
    mod lpm_props {
        use super::*;
        use proptest::prelude::*;

        fn slow<'a>(t: &'a Table, p: &Prefix, refuse: &[Prefix]) -> Option<(Prefix, &'a Dest)> {
            (0..=p.len())
                .rev()
                .map(|l| p.with_len(l))
                .find_map(|q| t.get(&q).filter(|_| !refuse.contains(&q)).map(|d| (q, d)))
        }

        fn check(t: &Table, p: &Prefix, refuse: &[Prefix]) -> Result<(), TestCaseError> {
            let fast = t.lpm(p, |d| {
                let q = refuse
                    .iter()
                    .find(|q| t.get(q).is_some_and(|x| std::ptr::eq(x, d)));
                q.is_none()
            });
            prop_assert_eq!(
                fast.map(|x| x.0),
                slow(t, p, refuse).map(|x| x.0),
                "{:?}",
                p
            );
            Ok(())
        }

        proptest! {
            #[test]
            fn lpm_equals_the_walk_over_every_length(
                v4 in prop::collection::vec((0u32..16, 0u8..=32), 0..40),
                v6 in prop::collection::vec((0u128..16, 0u8..=128), 0..40),
                refuse in prop::collection::vec(0usize..40, 0..5),
                hosts in prop::collection::vec((0u32..16, 0u8..=32), 1..30),
            ) {
                let k = PathKey::Client { owner: 1, cookie: 0 };
                let mut t4 = Table::new("inet.0", Family::Inet, None);
                let mut t6 = Table::new("inet6.0", Family::Inet6, None);
                // Addresses from a few bits spread over the word, so prefixes nest.
                let a4 = |x: u32| (x & 3) << 30 | (x & 12) << 6;
                let a6 = |x: u128| (x & 3) << 126 | (x & 12) << 10;
                let mut p4 = Vec::new();
                for (a, l) in &v4 {
                    let p = Prefix::V4(a4(*a), 32).with_len(*l);
                    t4.put(&p, k, path(1, 0));
                    p4.push(p);
                }
                let mut p6 = Vec::new();
                for (a, l) in &v6 {
                    let p = Prefix::V6(a6(*a), 128).with_len(*l);
                    t6.put(&p, k, path(1, 0));
                    p6.push(p);
                }
                let r4: Vec<Prefix> = refuse.iter().filter_map(|i| p4.get(*i).copied()).collect();
                let r6: Vec<Prefix> = refuse.iter().filter_map(|i| p6.get(*i).copied()).collect();
                for (h, l) in &hosts {
                    check(&t4, &Prefix::V4(a4(*h) | 0x10, 32).with_len(*l), &r4)?;
                    check(&t4, &Prefix::V4(a4(*h) | 0x10, 32), &r4)?;
                    check(&t6, &Prefix::V6(a6(u128::from(*h)) | 0x10, 128), &r6)?;
                    check(&t6, &Prefix::V6(a6(u128::from(*h)), 128).with_len(*l * 4), &r6)?;
                }
            }
        }
    }

    #[test]
    fn longest_prefix_match_and_longer_walks() {
        let mut t = Table::new("inet.0", Family::Inet, None);
        let k = PathKey::Client {
            owner: 1,
            cookie: 0,
        };
        for (a, l) in [
            (0u32, 0u8),
            (0x0a00_0000, 8),
            (0x0a01_0000, 16),
            (0x0b00_0000, 8),
        ] {
            t.put(&Prefix::V4(a, l), k, path(1, 0));
        }
        let host = Prefix::V4(0x0a01_0203, 32);
        assert_eq!(
            t.lpm(&host, |_| true).map(|x| x.0),
            Some(Prefix::V4(0x0a01_0000, 16))
        );
        let other = Prefix::V4(0x0c00_0001, 32);
        assert_eq!(t.lpm(&other, |_| true).map(|x| x.0), Some(Prefix::V4(0, 0)));
        let longer: Vec<Prefix> = t
            .longer(&Prefix::V4(0x0a00_0000, 8), None)
            .map(|x| x.0)
            .collect();
        assert_eq!(
            longer,
            vec![Prefix::V4(0x0a00_0000, 8), Prefix::V4(0x0a01_0000, 16)]
        );
        let resumed: Vec<Prefix> = t
            .longer(&Prefix::V4(0, 0), Some(Prefix::V4(0x0a00_0000, 8)))
            .map(|x| x.0)
            .collect();
        assert_eq!(
            resumed,
            vec![Prefix::V4(0x0a01_0000, 16), Prefix::V4(0x0b00_0000, 8)]
        );
    }
}
