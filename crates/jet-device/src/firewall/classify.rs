//! A filter compiled for lookups: packets in, the terms they match out. Pure (no I/O, no
//! clock, no counters): the owner task and `test forwarding packet` call it, criterion
//! benches it (`benches/classify.rs`).
//!
//! A linear walk costs one full term check per term before the matching one (about
//! 6,500 lookups/s through 10,000 terms). Instead each filter is compiled once, when it
//! is added or modified, into an index on one packet field (the destination address,
//! source address, protocol or a port: whichever leaves the fewest terms without a
//! condition on it): the field's value space is cut into elementary intervals at every
//! bound any term names, and each interval lists, in filter order, the terms whose
//! condition on that field can hold inside it. A lookup is one binary search, then a
//! merge of that list with the terms that have no condition on the field, checking only
//! those candidates in order — the filter's first-match semantics are kept exactly.

use std::net::IpAddr;

use super::model::{
    AddrField, Field, FragmentFlag, FwFamily, Matches, PrefixMatch, Range, Term, FIELDS,
};

/// A packet as the filters see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Family (inet, inet6, mpls).
    pub family: FwFamily,
    /// Ingress interface unit.
    pub interface: String,
    /// Source address (inet/inet6).
    pub src: IpAddr,
    /// Destination address (inet/inet6).
    pub dst: IpAddr,
    /// Field values, indexed by [`Field`] as `usize`.
    pub fields: [u32; FIELDS],
    /// Fragment offset is non-zero or more-fragments set.
    pub more_fragments: bool,
    /// DF bit.
    pub dont_fragment: bool,
}

impl Packet {
    /// A packet of `family` on `interface` from `src` to `dst`, protocol 0, 64 bytes, TTL 64.
    pub fn new(family: FwFamily, interface: &str, src: IpAddr, dst: IpAddr) -> Packet {
        let mut fields = [0; FIELDS];
        fields[Field::PacketLength as usize] = 64;
        fields[Field::Ttl as usize] = 64;
        fields[Field::LossPriority as usize] = 4;
        fields[Field::ForwardingClass as usize] = 2;
        Packet {
            family,
            interface: interface.to_owned(),
            src,
            dst,
            fields,
            more_fragments: false,
            dont_fragment: false,
        }
    }

    /// The value of `f`.
    pub fn get(&self, f: Field) -> u32 {
        self.fields[f as usize]
    }

    /// Sets `f` to `v`.
    pub fn set(&mut self, f: Field, v: u32) -> &mut Packet {
        self.fields[f as usize] = v;
        self
    }

    /// Packet length in bytes.
    pub fn length(&self) -> u64 {
        u64::from(self.get(Field::PacketLength))
    }
}

fn addr_key(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

/// A prefix as an interval of [`addr_key`] values.
#[derive(Debug, Clone, Copy)]
struct CPrefix {
    lo: u128,
    hi: u128,
    len: u8,
    except: bool,
    v4: bool,
}

impl CPrefix {
    fn new(p: &PrefixMatch) -> CPrefix {
        let (bits, base) = match p.addr {
            IpAddr::V4(v) => (32u32, u128::from(u32::from(v))),
            IpAddr::V6(v) => (128u32, u128::from(v)),
        };
        let len = u32::from(p.len).min(bits);
        let host = bits - len;
        let mask: u128 = if host >= 128 {
            u128::MAX
        } else {
            (1u128 << host) - 1
        };
        CPrefix {
            lo: base & !mask,
            hi: (base & !mask) | mask,
            len: len as u8,
            except: p.except,
            v4: bits == 32,
        }
    }

    fn contains(&self, v: u128, v4: bool) -> bool {
        self.v4 == v4 && self.lo <= v && v <= self.hi
    }
}

/// Longest matching prefix decides; a list of only `except` prefixes matches what none
/// of them contains.
fn prefixes_match(list: &[CPrefix], v: u128, v4: bool) -> bool {
    let mut best: Option<&CPrefix> = None;
    for p in list {
        if p.contains(v, v4) && best.is_none_or(|b| p.len > b.len) {
            best = Some(p);
        }
    }
    match best {
        Some(p) => !p.except,
        None => list.iter().all(|p| p.except),
    }
}

/// In one of the ranges (or there are only `except` ranges) and in none of the `except` ones.
fn ranges_match(list: &[Range], v: u32) -> bool {
    let mut any_plain = false;
    let mut hit = false;
    for r in list {
        let inside = r.lo <= v && v <= r.hi;
        if r.except {
            if inside {
                return false;
            }
        } else {
            any_plain = true;
            hit |= inside;
        }
    }
    hit || !any_plain
}

/// A term's conditions in the form lookups check.
#[derive(Debug, Clone)]
struct CTerm {
    addrs: Vec<(AddrField, Vec<CPrefix>)>,
    ranges: Vec<(Field, Vec<Range>)>,
    either_port: Vec<Range>,
    fragment: Option<FragmentFlag>,
    interfaces: Vec<String>,
}

impl CTerm {
    fn new(m: &Matches) -> CTerm {
        CTerm {
            addrs: m
                .addrs
                .iter()
                .map(|(f, l)| (*f, l.iter().map(CPrefix::new).collect()))
                .collect(),
            ranges: m.ranges.clone(),
            either_port: m.either_port.clone(),
            fragment: m.fragment,
            interfaces: m.interfaces.clone(),
        }
    }

    fn matches(&self, p: &Packet, src: u128, dst: u128, v4: bool) -> bool {
        for (f, list) in &self.ranges {
            if !ranges_match(list, p.fields[*f as usize]) {
                return false;
            }
        }
        for (f, list) in &self.addrs {
            let ok = match f {
                AddrField::Src => prefixes_match(list, src, v4),
                AddrField::Dst => prefixes_match(list, dst, v4),
                AddrField::Either => prefixes_match(list, src, v4) || prefixes_match(list, dst, v4),
            };
            if !ok {
                return false;
            }
        }
        if !self.either_port.is_empty()
            && !ranges_match(&self.either_port, p.get(Field::SrcPort))
            && !ranges_match(&self.either_port, p.get(Field::DstPort))
        {
            return false;
        }
        if let Some(fl) = self.fragment {
            let offset = p.get(Field::FragmentOffset);
            let ok = match fl {
                FragmentFlag::DontFragment => p.dont_fragment,
                FragmentFlag::IsFragment => offset != 0 || p.more_fragments,
                FragmentFlag::FirstFragment => offset == 0 && p.more_fragments,
                FragmentFlag::LastFragment => offset != 0 && !p.more_fragments,
            };
            if !ok {
                return false;
            }
        }
        self.interfaces.is_empty() || self.interfaces.contains(&p.interface)
    }

    /// The intervals of `dim` this term's condition can hold in, or `None` when the term
    /// has no usable condition on it (it is a candidate for every value).
    fn intervals(&self, dim: Dim) -> Option<Vec<(u128, u128)>> {
        match dim {
            Dim::Addr(which) => {
                let (_, list) = self.addrs.iter().find(|(f, _)| *f == which)?;
                let plain: Vec<_> = list
                    .iter()
                    .filter(|p| !p.except)
                    .map(|p| (p.lo, p.hi, p.len))
                    .collect();
                if plain.is_empty() || plain.iter().any(|(_, _, len)| *len == 0) {
                    return None;
                }
                Some(plain.into_iter().map(|(lo, hi, _)| (lo, hi)).collect())
            }
            Dim::Field(field) => {
                let (_, list) = self.ranges.iter().find(|(f, _)| *f == field)?;
                let plain: Vec<_> = list
                    .iter()
                    .filter(|r| !r.except)
                    .map(|r| (u128::from(r.lo), u128::from(r.hi.max(r.lo))))
                    .collect();
                (!plain.is_empty()).then_some(plain)
            }
        }
    }
}

/// The packet field a classifier indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Addr(AddrField),
    Field(Field),
}

impl Dim {
    fn key(self, p: &Packet, src: u128, dst: u128) -> u128 {
        match self {
            Dim::Addr(AddrField::Src) => src,
            Dim::Addr(_) => dst,
            Dim::Field(f) => u128::from(p.fields[f as usize]),
        }
    }
}

const DIMS: [Dim; 5] = [
    Dim::Addr(AddrField::Dst),
    Dim::Addr(AddrField::Src),
    Dim::Field(Field::DstPort),
    Dim::Field(Field::Protocol),
    Dim::Field(Field::SrcPort),
];

/// Most term entries an index may hold (nested conditions repeat a term in every
/// interval they cover); beyond it the next field is tried, and at last a linear walk.
const MAX_INDEX_ENTRIES: usize = 8_000_000;

#[derive(Debug, Clone, Default)]
struct Index {
    dim: Option<Dim>,
    /// Start of each elementary interval, ascending.
    points: Vec<u128>,
    /// `items[offsets[i]..offsets[i + 1]]`: terms (ascending) of interval `i`.
    offsets: Vec<u32>,
    items: Vec<u32>,
    /// Terms with no condition on the field, ascending.
    wild: Vec<u32>,
    /// `skip[b]`: the first point at or above `b << shift` (one more entry at the end):
    /// the binary search then looks only among the few points of the key's slice
    /// instead of all of them (fewer steps and cache misses). Empty for small indexes.
    skip: Vec<u32>,
    shift: u32,
}

/// Indexes with fewer points search them all.
const MIN_POINTS_FOR_SKIP: usize = 256;

impl Index {
    fn build(terms: &[CTerm], dim: Dim) -> Option<Index> {
        let mut spans: Vec<(u32, u128, u128)> = Vec::new();
        let mut wild = Vec::new();
        for (i, t) in terms.iter().enumerate() {
            match t.intervals(dim) {
                Some(list) => spans.extend(list.into_iter().map(|(lo, hi)| (i as u32, lo, hi))),
                None => wild.push(i as u32),
            }
        }
        let mut points: Vec<u128> = Vec::with_capacity(spans.len() * 2);
        for &(_, lo, hi) in &spans {
            points.push(lo);
            if let Some(next) = hi.checked_add(1) {
                points.push(next);
            }
        }
        points.sort_unstable();
        points.dedup();
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); points.len()];
        let mut entries = 0usize;
        for &(t, lo, hi) in &spans {
            let start = points.partition_point(|p| *p < lo);
            let end = match hi.checked_add(1) {
                Some(next) => points.partition_point(|p| *p < next),
                None => points.len(),
            };
            entries += end - start;
            if entries > MAX_INDEX_ENTRIES {
                return None;
            }
            for l in &mut lists[start..end] {
                // A term with several intervals covering one elementary interval is
                // listed once (terms arrive in order, so the last entry is the check).
                if l.last() != Some(&t) {
                    l.push(t);
                }
            }
        }
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut items = Vec::with_capacity(entries);
        offsets.push(0);
        for l in lists {
            items.extend(l);
            offsets.push(u32::try_from(items.len()).ok()?);
        }
        let (skip, shift) = skip_table(&points);
        Some(Index {
            dim: Some(dim),
            points,
            offsets,
            items,
            wild,
            skip,
            shift,
        })
    }

    fn linear(n: usize) -> Index {
        Index {
            wild: (0..n as u32).collect(),
            ..Index::default()
        }
    }

    fn bucket(&self, key: u128) -> &[u32] {
        let i = self.position(key);
        if i == 0 {
            return &[];
        }
        let (a, b) = (self.offsets[i - 1] as usize, self.offsets[i] as usize);
        &self.items[a..b]
    }
}

impl Index {
    /// How many points are at or below `key`.
    fn position(&self, key: u128) -> usize {
        if self.skip.is_empty() {
            return self.points.partition_point(|p| *p <= key);
        }
        let slices = self.skip.len() - 1;
        let b = key >> self.shift;
        if b >= slices as u128 {
            // Above every slice: above every point.
            return self.points.len();
        }
        let b = b as usize;
        // Points before the slice are below its start (so <= key), points after it at
        // or above the next slice's start (so > key).
        let (lo, hi) = (self.skip[b] as usize, self.skip[b + 1] as usize);
        lo + self.points[lo..hi].partition_point(|p| *p <= key)
    }
}

/// The slice table of [`Index::skip`] for sorted `points`: about four points per slice,
/// a power of two of slices covering every point.
fn skip_table(points: &[u128]) -> (Vec<u32>, u32) {
    let Some(&max) = points.last() else {
        return (Vec::new(), 0);
    };
    if points.len() < MIN_POINTS_FOR_SKIP || u32::try_from(points.len()).is_err() {
        return (Vec::new(), 0);
    }
    let slices_log = (points.len() / 4).next_power_of_two().trailing_zeros();
    let max_bits = 128 - max.leading_zeros();
    let shift = max_bits.saturating_sub(slices_log);
    // Every point is below (max >> shift) + 1 slices.
    let slices = ((max >> shift) + 1) as usize;
    let mut skip = Vec::with_capacity(slices + 1);
    let mut i = 0usize;
    for b in 0..slices {
        // b <= max >> shift, so the start does not overflow.
        let start = (b as u128) << shift;
        while i < points.len() && points[i] < start {
            i += 1;
        }
        skip.push(i as u32);
    }
    skip.push(points.len() as u32);
    (skip, shift)
}

/// What a filter does with a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Term `n` ended processing: its terminating action, or (without one, and without
    /// `next-term`) an implicit accept.
    Term(usize),
    /// No term ended processing: the implicit discard at the end of every filter.
    EndOfFilter,
}

/// A compiled filter.
#[derive(Debug, Clone)]
pub struct Classifier {
    terms: Vec<CTerm>,
    /// Per term: ends processing when matched (no `next-term`).
    ends: Vec<bool>,
    index: Index,
}

impl Classifier {
    /// Compiles `terms` (in filter order).
    pub fn new(terms: &[Term]) -> Classifier {
        let cterms: Vec<CTerm> = terms.iter().map(|t| CTerm::new(&t.matches)).collect();
        let ends = terms.iter().map(|t| !t.actions.next_term).collect();
        let mut best: Option<(usize, Dim)> = None;
        for dim in DIMS {
            let wild = cterms.iter().filter(|t| t.intervals(dim).is_none()).count();
            if best.is_none_or(|(w, _)| wild < w) {
                best = Some((wild, dim));
            }
        }
        let mut index = None;
        if let Some((wild, dim)) = best {
            if wild < cterms.len() {
                index = Index::build(&cterms, dim);
            }
        }
        Classifier {
            index: index.unwrap_or_else(|| Index::linear(cterms.len())),
            terms: cterms,
            ends,
        }
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True for a filter without terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The field the classifier is indexed on (for `show` and tests), `None` if linear.
    pub fn indexed_on(&self) -> Option<&'static str> {
        self.index.dim.map(|d| match d {
            Dim::Addr(AddrField::Src) => "source-address",
            Dim::Addr(_) => "destination-address",
            Dim::Field(f) => f.keyword(),
        })
    }

    /// Runs `p` through the filter: `on_match` is called with every matching term, in
    /// order, until one ends processing.
    pub fn classify(&self, p: &Packet, mut on_match: impl FnMut(usize)) -> Verdict {
        let v4 = p.src.is_ipv4();
        let (src, dst) = (addr_key(p.src), addr_key(p.dst));
        let bucket = match self.index.dim {
            Some(d) => self.index.bucket(d.key(p, src, dst)),
            None => &[],
        };
        let wild = &self.index.wild;
        let (mut i, mut j) = (0, 0);
        loop {
            let t = match (bucket.get(i), wild.get(j)) {
                (Some(&a), Some(&b)) if a < b => {
                    i += 1;
                    a
                }
                (Some(&a), Some(&b)) if a == b => {
                    i += 1;
                    j += 1;
                    a
                }
                (_, Some(&b)) => {
                    j += 1;
                    b
                }
                (Some(&a), None) => {
                    i += 1;
                    a
                }
                (None, None) => return Verdict::EndOfFilter,
            } as usize;
            if self.terms[t].matches(p, src, dst, v4) {
                on_match(t);
                if self.ends[t] {
                    return Verdict::Term(t);
                }
            }
        }
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::super::model::{Actions, Terminating};
    use super::*;

    fn term(name: &str, m: Matches, t: Option<Terminating>, next: bool) -> Term {
        Term {
            name: name.into(),
            matches: m,
            actions: Actions {
                terminating: t,
                next_term: next,
                ..Actions::default()
            },
        }
    }

    fn dst(p: &str, len: u8, except: bool) -> (AddrField, Vec<PrefixMatch>) {
        (
            AddrField::Dst,
            vec![PrefixMatch {
                addr: p.parse().unwrap(),
                len,
                except,
            }],
        )
    }

    fn pkt(dst: &str, proto: u32, dport: u32) -> Packet {
        let mut p = Packet::new(
            FwFamily::Inet,
            "ge-0/0/0.0",
            "192.0.2.1".parse().unwrap(),
            dst.parse().unwrap(),
        );
        p.set(Field::Protocol, proto).set(Field::DstPort, dport);
        p
    }

    fn linear(terms: &[Term], p: &Packet) -> (Vec<usize>, Verdict) {
        let mut hits = Vec::new();
        let c = Classifier {
            terms: terms.iter().map(|t| CTerm::new(&t.matches)).collect(),
            ends: terms.iter().map(|t| !t.actions.next_term).collect(),
            index: Index::linear(terms.len()),
        };
        let v = c.classify(p, |t| hits.push(t));
        (hits, v)
    }

    #[test]
    fn first_matching_term_wins_and_next_term_continues() {
        let terms = vec![
            term(
                "count-all",
                Matches::default(),
                None,
                true, // next-term
            ),
            term(
                "web",
                Matches {
                    addrs: vec![dst("10.0.0.0", 8, false)],
                    ranges: vec![(
                        Field::DstPort,
                        vec![Range {
                            lo: 80,
                            hi: 80,
                            except: false,
                        }],
                    )],
                    ..Matches::default()
                },
                Some(Terminating::Discard),
                false,
            ),
            term("rest", Matches::default(), Some(Terminating::Accept), false),
        ];
        let c = Classifier::new(&terms);
        let mut hits = Vec::new();
        assert_eq!(
            c.classify(&pkt("10.1.2.3", 6, 80), |t| hits.push(t)),
            Verdict::Term(1)
        );
        assert_eq!(hits, vec![0, 1]);
        hits.clear();
        assert_eq!(
            c.classify(&pkt("10.1.2.3", 6, 443), |t| hits.push(t)),
            Verdict::Term(2)
        );
        assert_eq!(hits, vec![0, 2]);
    }

    #[test]
    fn unmatched_packet_meets_the_implicit_discard() {
        let terms = vec![term(
            "only",
            Matches {
                addrs: vec![dst("10.0.0.0", 8, false)],
                ..Matches::default()
            },
            Some(Terminating::Accept),
            false,
        )];
        let c = Classifier::new(&terms);
        assert_eq!(
            c.classify(&pkt("11.0.0.1", 6, 1), |_| {}),
            Verdict::EndOfFilter
        );
        assert_eq!(c.indexed_on(), Some("destination-address"));
    }

    #[test]
    fn except_prefix_inside_a_wider_one_is_excluded_by_longest_match() {
        let m = Matches {
            addrs: vec![(
                AddrField::Dst,
                vec![
                    PrefixMatch {
                        addr: "10.0.0.0".parse().unwrap(),
                        len: 8,
                        except: false,
                    },
                    PrefixMatch {
                        addr: "10.1.0.0".parse().unwrap(),
                        len: 16,
                        except: true,
                    },
                ],
            )],
            ..Matches::default()
        };
        let c = Classifier::new(&[term("t", m, Some(Terminating::Discard), false)]);
        assert_eq!(c.classify(&pkt("10.2.0.1", 6, 1), |_| {}), Verdict::Term(0));
        assert_eq!(
            c.classify(&pkt("10.1.0.1", 6, 1), |_| {}),
            Verdict::EndOfFilter
        );
    }

    #[test]
    fn except_range_matches_everything_else() {
        let m = Matches {
            ranges: vec![(
                Field::Protocol,
                vec![Range {
                    lo: 6,
                    hi: 6,
                    except: true,
                }],
            )],
            ..Matches::default()
        };
        let c = Classifier::new(&[term("t", m, Some(Terminating::Discard), false)]);
        assert_eq!(c.classify(&pkt("1.1.1.1", 17, 1), |_| {}), Verdict::Term(0));
        assert_eq!(
            c.classify(&pkt("1.1.1.1", 6, 1), |_| {}),
            Verdict::EndOfFilter
        );
    }

    /// The slice table finds the same place among the points as a search of them all,
    /// for IPv4-sized, port-sized and full 128-bit points, at and around every point.
    #[test]
    fn slice_table_finds_the_place_a_full_search_finds() {
        for (n, spread) in [
            (300u128, 1u128 << 20),
            (5000, 65_536 / 5000 + 1),
            (1000, u128::MAX / 1000),
        ] {
            let mut points: Vec<u128> = (0..n).map(|i| i * spread + (i * i) % 7).collect();
            points.push(u128::MAX);
            points.sort_unstable();
            points.dedup();
            let (skip, shift) = skip_table(&points);
            assert!(!skip.is_empty());
            let idx = Index {
                points: points.clone(),
                skip,
                shift,
                ..Index::default()
            };
            let mut keys = vec![0u128, 1, u128::MAX, u128::MAX - 1];
            for p in &points {
                keys.extend([*p, p.wrapping_sub(1), p.wrapping_add(1)]);
            }
            for k in keys {
                assert_eq!(
                    idx.position(k),
                    points.partition_point(|p| *p <= k),
                    "key {k}"
                );
            }
        }
    }

    /// The compiled classifier answers exactly as a linear walk over many overlapping
    /// terms (nested prefixes, port ranges, wildcards, next-term).
    #[test]
    fn compiled_classifier_agrees_with_a_linear_walk() {
        let mut terms = Vec::new();
        for i in 0..300u32 {
            let mut m = Matches::default();
            if i % 7 != 0 {
                let len = [8u8, 16, 24, 32][(i % 4) as usize];
                let a = std::net::Ipv4Addr::new(10, (i % 5) as u8, (i % 11) as u8, (i % 13) as u8);
                m.addrs.push(dst(&a.to_string(), len, i % 17 == 0));
            }
            if i % 3 == 0 {
                m.ranges.push((
                    Field::DstPort,
                    vec![Range {
                        lo: i * 10,
                        hi: i * 10 + 100,
                        except: i % 9 == 0,
                    }],
                ));
            }
            let t = match i % 4 {
                0 => Some(Terminating::Accept),
                1 => Some(Terminating::Discard),
                _ => None,
            };
            terms.push(term(&format!("t{i}"), m, t, i % 5 == 0));
        }
        let c = Classifier::new(&terms);
        assert!(c.indexed_on().is_some());
        for k in 0..2000u32 {
            let a = std::net::Ipv4Addr::new(10, (k % 6) as u8, (k % 12) as u8, (k % 14) as u8);
            let p = pkt(&a.to_string(), 6, (k * 37) % 3200);
            let mut hits = Vec::new();
            let v = c.classify(&p, |t| hits.push(t));
            assert_eq!((hits, v), linear(&terms, &p), "packet {k}");
        }
    }
}
