//! RouteAdd/Modify/Update/Delete requests read straight from protobuf bytes into a
//! [`Batch`]: the programming hot path.
//!
//! prost would first build a `RouteEntry` per route (four to six heap strings, a vector
//! and a hash map each), which [`convert::batch`] then turns into a [`RouteSpec`]. Here
//! the bytes are walked once and nothing is allocated per route: addresses are parsed from
//! borrowed slices, table and interface names are interned per batch.
//!
//! Only requests that are well formed and pass every form check take this path. On
//! anything else — a malformed message, a form error in some route, a field appearing
//! twice where protobuf would merge, a label stack or tunnel profile — the reader gives
//! up and the request is decoded again with prost and converted by [`convert`], so errors,
//! messages and rare features have exactly one implementation. The `tests` module
//! checks on random requests that both paths build the same batch.
//!
//! The cursor ([`Fields`]) and the readers of shared messages (addresses, tables) are
//! also [`crate::bgp_decode`]'s, which reads the BGP service's requests the same way.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use jet_rib::{
    Batch, DeleteBatch, Gateway, IfId, KeySpec, Prefix, RouteSpec, TableRef, MAX_BATCH,
    MAX_GATEWAYS,
};
use prost::Message;

use crate::convert;
use jet_proto::jnx::jet::routing::rib as pb;

/// A decoded RouteAdd/Modify/Update request.
#[derive(Debug)]
pub struct SetRequest {
    /// Entries in the request (may exceed [`MAX_BATCH`]: then `batch` is empty and the
    /// request is refused whole).
    pub entries: usize,
    /// The routes, converted up to the first one failing form checks.
    pub batch: Batch,
}

/// A decoded RouteDelete request.
#[derive(Debug)]
pub struct DeleteRequest {
    /// Keys in the request.
    pub entries: usize,
    /// The keys, converted up to the first one failing form checks.
    pub batch: DeleteBatch,
}

impl SetRequest {
    /// From a message prost decoded (the general path).
    pub fn from_pb(req: &pb::RouteUpdateRequest) -> SetRequest {
        let entries = req.routes.len();
        let batch = if entries > MAX_BATCH {
            Batch::default()
        } else {
            convert::batch(&req.routes)
        };
        SetRequest { entries, batch }
    }

    /// From the bytes of a `RouteUpdateRequest`.
    pub fn decode(bytes: &[u8]) -> Result<SetRequest, prost::DecodeError> {
        if let Some(r) = fast_set(bytes, Dialect::Current) {
            return Ok(r);
        }
        pb::RouteUpdateRequest::decode(bytes).map(|r| SetRequest::from_pb(&r))
    }
}

impl DeleteRequest {
    /// From a message prost decoded (the general path).
    pub fn from_pb(req: &pb::RouteDeleteRequest) -> DeleteRequest {
        let entries = req.keys.len();
        let batch = if entries > MAX_BATCH {
            DeleteBatch::default()
        } else {
            convert::delete_batch(&req.keys)
        };
        DeleteRequest { entries, batch }
    }

    /// From the bytes of a `RouteDeleteRequest`.
    pub fn decode(bytes: &[u8]) -> Result<DeleteRequest, prost::DecodeError> {
        if let Some(r) = fast_delete(bytes) {
            return Ok(r);
        }
        pb::RouteDeleteRequest::decode(bytes).map(|r| DeleteRequest::from_pb(&r))
    }
}

/// Checks the reader against prost on arbitrary bytes (unit tests and the `rib_wire`
/// fuzz target): whenever the fast path accepts a request, prost must decode it and the
/// general conversion must build the same batch; and `decode` as a whole must agree with
/// prost on success or failure.
pub fn check_against_prost(bytes: &[u8]) {
    // The same bytes read as the older generation's `routing.RouteUpdateRequest`.
    let fast = fast_set(bytes, Dialect::Legacy);
    let general =
        jet_proto::routing::RouteUpdateRequest::decode(bytes).map(|r| SetRequest::from_legacy(&r));
    match (&fast, &general) {
        (Some(f), Ok(g)) => {
            assert_eq!(f.entries, g.entries);
            assert!(same(&f.batch, &g.batch) && f.batch.legacy, "{f:?} vs {g:?}");
            assert!(g.batch.invalid.is_none());
        }
        (Some(f), Err(e)) => panic!("legacy fast path accepted what prost refuses ({e}): {f:?}"),
        (None, _) => {}
    }
    let fast = fast_set(bytes, Dialect::Current);
    let general = pb::RouteUpdateRequest::decode(bytes).map(|r| SetRequest::from_pb(&r));
    match (&fast, &general) {
        (Some(f), Ok(g)) => {
            assert_eq!(f.entries, g.entries);
            assert!(same(&f.batch, &g.batch), "{f:?} vs {g:?}");
            assert!(g.batch.invalid.is_none());
        }
        (Some(f), Err(e)) => panic!("fast path accepted what prost refuses ({e}): {f:?}"),
        (None, _) => {}
    }
    match (SetRequest::decode(bytes), general) {
        (Ok(a), Ok(b)) => assert!(a.entries == b.entries && same(&a.batch, &b.batch)),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("decode {a:?} but prost {b:?}"),
    }
    let fast = fast_delete(bytes);
    let general = pb::RouteDeleteRequest::decode(bytes).map(|r| DeleteRequest::from_pb(&r));
    match (fast, general) {
        (Some(f), Ok(g)) => {
            assert_eq!(f.entries, g.entries);
            assert_eq!(f.batch.tables, g.batch.tables);
            assert_eq!(f.batch.keys, g.batch.keys);
            assert!(g.batch.invalid.is_none());
        }
        (Some(f), Err(e)) => panic!("fast delete accepted what prost refuses ({e}): {f:?}"),
        (None, _) => {}
    }
}

fn same(a: &Batch, b: &Batch) -> bool {
    a.tables == b.tables
        && a.names == b.names
        && a.routes == b.routes
        && a.gateways == b.gateways
        && a.invalid == b.invalid
}

/// Which generation's `RouteUpdateRequest` the bytes are. They differ only inside
/// `RouteGateway` (current: weight = 5, flexible_tunnel_profile = 7; legacy:
/// flexible_tunnel_profile = 5, weight = 7, table = 8, enable_stats = 9) and in the legacy
/// `RouteAttributes.metrics` (5): the reader takes the legacy weight and leaves every
/// legacy-only field to the general path ([`crate::legacy`]), which refuses or ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Current,
    Legacy,
}

/// "Take the general path." Carries no reason: the general path finds and reports it.
pub(crate) struct Fallback;

pub(crate) type R<T> = Result<T, Fallback>;

/// One field's value as it is on the wire.
pub(crate) enum Value<'a> {
    Varint(u64),
    Fixed64,
    Len(&'a [u8]),
    Fixed32(u32),
}

/// A cursor over the fields of one message.
pub(crate) struct Fields<'a> {
    buf: &'a [u8],
}

impl<'a> Fields<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Fields { buf }
    }

    #[inline]
    fn varint(&mut self) -> R<u64> {
        let mut v: u64 = 0;
        for (i, &b) in self.buf.iter().enumerate().take(10) {
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                // A tenth byte may only carry the top bit (prost refuses more).
                if i == 9 && b > 1 {
                    return Err(Fallback);
                }
                self.buf = &self.buf[i + 1..];
                return Ok(v);
            }
        }
        Err(Fallback)
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        if n > self.buf.len() {
            return Err(Fallback);
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// The next field, or None at the end of the message.
    #[inline]
    pub(crate) fn next(&mut self) -> R<Option<(u32, Value<'a>)>> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        // A key is at most 32 bits (field numbers up to 2^29 - 1), as prost requires.
        let key = u32::try_from(key).map_err(|_| Fallback)?;
        let field = key >> 3;
        if field == 0 {
            return Err(Fallback);
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed64
            }
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| Fallback)?;
                Value::Len(self.take(n)?)
            }
            5 => {
                let b = self.take(4)?;
                Value::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            // Groups (3, 4) and reserved wire types.
            _ => return Err(Fallback),
        };
        Ok(Some((field, value)))
    }
}

/// Sets a singular message field seen once; a second occurrence would be merged by
/// protobuf, which only the general path does.
pub(crate) fn once<'a>(slot: &mut Option<&'a [u8]>, v: &Value<'a>) -> R<()> {
    match (slot.is_some(), v) {
        (false, Value::Len(b)) => {
            *slot = Some(b);
            Ok(())
        }
        _ => Err(Fallback),
    }
}

pub(crate) fn varint(v: &Value<'_>) -> R<u64> {
    match v {
        Value::Varint(x) => Ok(*x),
        _ => Err(Fallback),
    }
}

pub(crate) fn string<'a>(v: &Value<'a>) -> R<&'a str> {
    match v {
        Value::Len(b) => std::str::from_utf8(b).map_err(|_| Fallback),
        _ => Err(Fallback),
    }
}

/// `jnx.jet.common.IpAddress`: oneof addr_string = 1, addr_bytes = 2.
pub(crate) fn ip_address(b: &[u8]) -> R<IpAddr> {
    let mut f = Fields::new(b);
    let mut out = None;
    while let Some((n, v)) = f.next()? {
        match n {
            1 | 2 if out.is_some() => return Err(Fallback),
            1 => out = Some(string(&v)?.parse::<IpAddr>().map_err(|_| Fallback)?),
            2 => {
                let Value::Len(b) = v else {
                    return Err(Fallback);
                };
                out = Some(match b.len() {
                    4 => IpAddr::from(<[u8; 4]>::try_from(b).map_err(|_| Fallback)?),
                    16 => IpAddr::from(<[u8; 16]>::try_from(b).map_err(|_| Fallback)?),
                    _ => return Err(Fallback),
                })
            }
            _ => {}
        }
    }
    out.ok_or(Fallback)
}

/// `NetworkAddress`: oneof inet = 1, inet6 = 2 (IpAddress), mpls = 3 (MplsAddress).
enum Addr {
    V4(Ipv4Addr),
    V6(Ipv6Addr),
    Mpls(u32),
}

fn network_address(b: &[u8]) -> R<Addr> {
    let mut f = Fields::new(b);
    let mut out = None;
    while let Some((n, v)) = f.next()? {
        if matches!(n, 1..=3) && out.is_some() {
            return Err(Fallback);
        }
        let Value::Len(inner) = v else {
            if matches!(n, 1..=3) {
                return Err(Fallback);
            }
            continue;
        };
        match n {
            1 => match ip_address(inner)? {
                IpAddr::V4(a) => out = Some(Addr::V4(a)),
                IpAddr::V6(_) => return Err(Fallback),
            },
            2 => match ip_address(inner)? {
                IpAddr::V6(a) => out = Some(Addr::V6(a)),
                IpAddr::V4(_) => return Err(Fallback),
            },
            3 => {
                let mut label = 0u32;
                let mut m = Fields::new(inner);
                while let Some((n, v)) = m.next()? {
                    if n == 1 {
                        label = varint(&v)? as u32;
                    }
                }
                out = Some(Addr::Mpls(label));
            }
            _ => {}
        }
    }
    out.ok_or(Fallback)
}

/// `RouteTable`: oneof id = 1 (RouteTableId{id = 1}), name = 2 (RouteTableName{name = 1}).
pub(crate) enum Table<'a> {
    Id(u32),
    Name(&'a str),
}

pub(crate) fn table(b: &[u8]) -> R<Table<'_>> {
    let mut f = Fields::new(b);
    let mut out = None;
    while let Some((n, v)) = f.next()? {
        if matches!(n, 1 | 2) && out.is_some() {
            return Err(Fallback);
        }
        match (n, v) {
            (1, Value::Len(inner)) => {
                let mut id = 0u32;
                let mut m = Fields::new(inner);
                while let Some((n, v)) = m.next()? {
                    if n == 1 {
                        id = varint(&v)? as u32;
                    }
                }
                out = Some(Table::Id(id));
            }
            (2, Value::Len(inner)) => {
                let mut name = "";
                let mut m = Fields::new(inner);
                while let Some((n, v)) = m.next()? {
                    if n == 1 {
                        name = string(&v)?;
                    }
                }
                if name.is_empty() {
                    return Err(Fallback);
                }
                out = Some(Table::Name(name));
            }
            (1 | 2, _) => return Err(Fallback),
            _ => {}
        }
    }
    out.ok_or(Fallback)
}

/// `RouteMatch{dest_prefix = 1, dest_prefix_len = 2, table = 3, cookie = 4}`.
struct Key<'a> {
    table: Table<'a>,
    prefix: Prefix,
    cookie: u64,
}

fn key(b: &[u8]) -> R<Key<'_>> {
    let mut f = Fields::new(b);
    let (mut dest, mut tbl) = (None, None);
    let (mut len, mut cookie) = (0u32, 0u64);
    while let Some((n, v)) = f.next()? {
        match n {
            1 => once(&mut dest, &v)?,
            2 => len = varint(&v)? as u32,
            3 => once(&mut tbl, &v)?,
            4 => cookie = varint(&v)?,
            _ => {}
        }
    }
    let prefix = match network_address(dest.ok_or(Fallback)?)? {
        Addr::V4(a) => Prefix::v4(a, len),
        Addr::V6(a) => Prefix::v6(a, len),
        Addr::Mpls(l) => Prefix::mpls(l, len),
    }
    .map_err(|_| Fallback)?;
    Ok(Key {
        table: table(tbl.ok_or(Fallback)?)?,
        prefix,
        cookie,
    })
}

/// One `RouteGateway`; label stacks and tunnel profiles take the general path.
fn gateway(b: &mut Batch, bytes: &[u8], dialect: Dialect) -> R<(Gateway, bool)> {
    let weight_field = match dialect {
        Dialect::Current => 5,
        Dialect::Legacy => 7,
    };
    let mut f = Fields::new(bytes);
    let (mut addr, mut local) = (None, None);
    let mut ifname = "";
    let mut weight = 0u32;
    let mut bandwidth = 0f32;
    while let Some((n, v)) = f.next()? {
        match n {
            1 => once(&mut addr, &v)?,
            2 => ifname = string(&v)?,
            3 => once(&mut local, &v)?,
            n if n == weight_field => weight = varint(&v)? as u32,
            4 | 5 | 7 => return Err(Fallback),
            8 | 9 if dialect == Dialect::Legacy => return Err(Fallback),
            6 => match v {
                Value::Fixed32(x) => bandwidth = f32::from_bits(x),
                _ => return Err(Fallback),
            },
            _ => {}
        }
    }
    let ip = |a: Option<&[u8]>| -> R<Option<IpAddr>> {
        match a {
            None => Ok(None),
            Some(a) => match network_address(a)? {
                Addr::V4(x) => Ok(Some(IpAddr::V4(x))),
                Addr::V6(x) => Ok(Some(IpAddr::V6(x))),
                Addr::Mpls(_) => Err(Fallback),
            },
        }
    };
    let addr = ip(addr)?.ok_or(Fallback)?;
    let local = ip(local)?;
    if weight > 65_535 || (!ifname.is_empty() && !convert::interface_name_ok(ifname)) {
        return Err(Fallback);
    }
    let gw = Gateway {
        addr: Some(addr),
        ifname: (!ifname.is_empty()).then(|| IfId(b.name_index(ifname))),
        local,
        labels: Box::default(),
        weight: weight as u16,
        bandwidth_bits: bandwidth.max(0.0).to_bits(),
        tunnel: None,
    };
    Ok((gw, bandwidth != 0.0))
}

/// `map<uint32, google.protobuf.UInt32Value>` entry: key = 1, value = 2 (value = 1).
fn map_entry(b: &[u8]) -> R<(u32, u32)> {
    let mut f = Fields::new(b);
    let (mut k, mut val) = (0u32, 0u32);
    while let Some((n, v)) = f.next()? {
        match n {
            1 => k = varint(&v)? as u32,
            2 => {
                let Value::Len(inner) = v else {
                    return Err(Fallback);
                };
                let mut m = Fields::new(inner);
                while let Some((n, v)) = m.next()? {
                    if n == 1 {
                        val = varint(&v)? as u32;
                    }
                }
            }
            _ => {}
        }
    }
    Ok((k, val))
}

/// Indexes 0 and 1 of a `map<uint32, UInt32Value>` (index 0 = preference, tag or color,
/// 1 = preference2, tag2 or color2).
type Pair = [Option<u32>; 2];

/// `RouteAttributes`: preference, preference2, tags and colors (only indexes 0 and 1
/// matter; the last entry for an index wins, as in a protobuf map).
fn attributes(b: &[u8], dialect: Dialect) -> R<(Pair, Pair, Pair)> {
    let mut out = [[None; 2]; 3];
    let mut f = Fields::new(b);
    while let Some((n, v)) = f.next()? {
        // Legacy metrics are refused by the general path.
        if n == 5 && dialect == Dialect::Legacy {
            return Err(Fallback);
        }
        if let 1..=3 = n {
            let Value::Len(e) = v else {
                return Err(Fallback);
            };
            let (k, val) = map_entry(e)?;
            if let Some(slot) = out[n as usize - 1].get_mut(k as usize) {
                *slot = Some(val);
            }
        }
    }
    Ok((out[0], out[1], out[2]))
}

/// One `RouteEntry{key = 1, nexthop = 2, protocol = 3, attributes = 4, enable_stats = 5}`.
fn route(b: &mut Batch, bytes: &[u8], dialect: Dialect) -> R<RouteSpec> {
    let mut f = Fields::new(bytes);
    let (mut k, mut nh, mut attrs) = (None, None, None);
    let mut protocol = 0i32;
    let mut stats = false;
    while let Some((n, v)) = f.next()? {
        match n {
            1 => once(&mut k, &v)?,
            2 => once(&mut nh, &v)?,
            3 => protocol = varint(&v)? as i32,
            4 => once(&mut attrs, &v)?,
            5 => stats = varint(&v)? != 0,
            _ => {}
        }
    }
    // Only unspecified (PROTO_ANY) or BGP_STATIC may be programmed.
    let bgp_static = match protocol {
        0 => false,
        27 => true,
        _ => return Err(Fallback),
    };
    let k = key(k.ok_or(Fallback)?)?;
    let table = match k.table {
        Table::Name(n) => b.table_name_index(n),
        Table::Id(i) => b.table_index(TableRef::Id(i)),
    };
    let start = b.gateways.len();
    let mut with_bw = 0usize;
    if let Some(nh) = nh {
        let mut f = Fields::new(nh);
        while let Some((n, v)) = f.next()? {
            if n != 1 {
                continue;
            }
            let Value::Len(g) = v else {
                return Err(Fallback);
            };
            if b.gateways.len() - start == MAX_GATEWAYS {
                return Err(Fallback);
            }
            let (gw, bw) = gateway(b, g, dialect)?;
            with_bw += usize::from(bw);
            b.gateways.push(gw);
        }
    }
    let count = b.gateways.len() - start;
    if with_bw != 0 && with_bw != count {
        return Err(Fallback);
    }
    let (prefs, tags, colors) = match attrs {
        Some(a) => attributes(a, dialect)?,
        None => Default::default(),
    };
    Ok(RouteSpec {
        table,
        prefix: k.prefix,
        cookie: k.cookie,
        gw_start: start as u32,
        gw_len: count as u16,
        pref: prefs[0],
        pref2: prefs[1],
        bgp_static,
        stats,
        attrs: jet_rib::Attrs { tags, colors },
        bgp: 0,
    })
}

/// A whole `RouteUpdateRequest{repeated RouteEntry routes = 1}` whose routes all pass.
pub(crate) fn fast_set(bytes: &[u8], dialect: Dialect) -> Option<SetRequest> {
    let mut b = Batch::with_capacity(bytes.len() / 48);
    b.legacy = dialect == Dialect::Legacy;
    let mut f = Fields::new(bytes);
    loop {
        match f.next() {
            Ok(None) => break,
            Ok(Some((1, Value::Len(e)))) => {
                if b.routes.len() == MAX_BATCH {
                    return None;
                }
                let r = route(&mut b, e, dialect).ok()?;
                b.routes.push(r);
            }
            Ok(Some((1, _))) | Err(Fallback) => return None,
            Ok(Some(_)) => {}
        }
    }
    Some(SetRequest {
        entries: b.routes.len(),
        batch: b,
    })
}

/// A whole `RouteDeleteRequest{repeated RouteMatch keys = 1}` whose keys all pass.
fn fast_delete(bytes: &[u8]) -> Option<DeleteRequest> {
    let mut d = DeleteBatch::default();
    d.keys.reserve(bytes.len() / 32);
    let mut f = Fields::new(bytes);
    loop {
        match f.next() {
            Ok(None) => break,
            Ok(Some((1, Value::Len(e)))) => {
                if d.keys.len() == MAX_BATCH {
                    return None;
                }
                let k = key(e).ok()?;
                let table = match k.table {
                    Table::Name(n) => d.table_name_index(n),
                    Table::Id(i) => d.table_id_index(i),
                };
                d.keys.push(KeySpec {
                    table,
                    prefix: k.prefix,
                    cookie: k.cookie,
                });
            }
            Ok(Some((1, _))) | Err(Fallback) => return None,
            Ok(Some(_)) => {}
        }
    }
    Some(DeleteRequest {
        entries: d.keys.len(),
        batch: d,
    })
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
