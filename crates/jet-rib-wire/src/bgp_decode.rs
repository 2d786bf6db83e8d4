//! BGP RouteAdd/Modify/Update requests (`jnx.jet.routing.bgp.RouteUpdateRequest`) read
//! straight from protobuf bytes into a [`Batch`]: the BGP programming hot path.
//!
//! prost would first build a `RouteEntry` per route (its key, prefix, table name, AS path,
//! communities and next hop each a heap object), which [`bgp::set_batch`] then checks and
//! turns into a [`RouteSpec`] and a [`BgpAttrs`]. Here the bytes are walked once with the
//! RIB reader's pieces ([`crate::decode`]); nothing is allocated per route, and an entry
//! whose attribute fields are byte for byte those of the entry before it shares that
//! entry's attribute set without checking or building it again (the general path would
//! build an equal set and intern it onto the same one).
//!
//! Only requests whose every entry is well formed and passes every form check take this
//! path. On anything else — malformed bytes, a form error in some entry, a singular
//! field appearing twice where protobuf would merge, an unknown field, a label, tunnel
//! attributes — the reader gives up and the request is decoded again with prost and
//! checked by [`bgp::set_batch`], so refusals (sub-codes, messages naming the field, the
//! index of the first bad entry) have exactly one implementation.
//! [`check_bgp_against_prost`] proves on any bytes that both paths agree.

use std::net::IpAddr;

use jet_proto::jnx::jet::routing::bgp as pb;
use jet_rib::{
    Batch, BgpAttrs, BgpNhKind, Gateway, Prefix, RouteSpec, TableRef, DEFAULT_LOCAL_PREF, MAX_BATCH,
};
use prost::Message;

use crate::bgp::{self, FormError, DEFAULT_ROUTE_PREFERENCE};
use crate::decode::{ip_address, once, string, table, varint, Fallback, Fields, Table, Value, R};

/// A decoded BGP RouteAdd/Modify/Update request.
#[derive(Debug)]
pub struct BgpSetRequest {
    /// Entries in the request (0 or more than [`MAX_BATCH`]: `batch` is empty and the
    /// request is refused whole).
    pub entries: usize,
    /// The entries before the first one failing its form checks (all of them when none
    /// does).
    pub batch: Batch,
    /// The first entry failing its form checks: index, sub-code, message.
    pub form: Option<FormError>,
}

impl BgpSetRequest {
    /// From a message prost decoded (the general path).
    pub fn from_pb(req: &pb::RouteUpdateRequest) -> BgpSetRequest {
        let entries = req.routes.len();
        if entries > MAX_BATCH {
            return BgpSetRequest {
                entries,
                batch: Batch::default(),
                form: None,
            };
        }
        let (batch, form) = bgp::set_batch(&req.routes);
        BgpSetRequest {
            entries,
            batch,
            form,
        }
    }

    /// From the bytes of a `jnx.jet.routing.bgp.RouteUpdateRequest`.
    pub fn decode(bytes: &[u8]) -> Result<BgpSetRequest, prost::DecodeError> {
        if let Some(r) = fast_set(bytes) {
            return Ok(r);
        }
        pb::RouteUpdateRequest::decode(bytes).map(|r| BgpSetRequest::from_pb(&r))
    }
}

/// Checks the BGP reader against prost on arbitrary bytes (unit tests and the `bgp_wire`
/// fuzz target): whenever the fast path accepts a request, prost must decode it and the
/// general path must build the same batch with no form error; and `decode` as a whole
/// must agree with prost on success or failure, and with the general path on the batch
/// and the form error.
pub fn check_bgp_against_prost(bytes: &[u8]) {
    let fast = fast_set(bytes);
    let general = pb::RouteUpdateRequest::decode(bytes).map(|r| BgpSetRequest::from_pb(&r));
    match (&fast, &general) {
        (Some(f), Ok(g)) => {
            assert_eq!(f.entries, g.entries);
            assert!(same(&f.batch, &g.batch), "{f:?} vs {g:?}");
            assert!(f.form.is_none() && g.form.is_none(), "{g:?}");
        }
        (Some(f), Err(e)) => panic!("BGP fast path accepted what prost refuses ({e}): {f:?}"),
        (None, _) => {}
    }
    match (BgpSetRequest::decode(bytes), general) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.entries, b.entries);
            assert!(same(&a.batch, &b.batch), "{a:?} vs {b:?}");
            assert_eq!(a.form, b.form);
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!("decode {a:?} but prost {b:?}"),
    }
}

pub(crate) fn same(a: &Batch, b: &Batch) -> bool {
    a.tables == b.tables
        && a.names == b.names
        && a.routes == b.routes
        && a.gateways == b.gateways
        && a.bgp == b.bgp
        && a.invalid == b.invalid
        && a.legacy == b.legacy
}

/// A `google.protobuf.UInt32Value` / `UInt64Value` (value = 1), given once.
fn wrapped<T>(slot: &mut Option<T>, v: &Value<'_>, conv: fn(u64) -> T) -> R<()> {
    let (None, Value::Len(b)) = (&slot, v) else {
        return Err(Fallback);
    };
    let mut f = Fields::new(b);
    let mut x = 0u64;
    while let Some((n, v)) = f.next()? {
        match n {
            1 => x = varint(&v)?,
            _ => return Err(Fallback),
        }
    }
    *slot = Some(conv(x));
    Ok(())
}

/// A one-field message `{string s = 1}` (`AsPath`, `Community`, `RouteTableName`).
fn string_msg(b: &[u8]) -> R<&str> {
    let mut f = Fields::new(b);
    let mut s = "";
    while let Some((n, v)) = f.next()? {
        match n {
            1 => s = string(&v)?,
            _ => return Err(Fallback),
        }
    }
    Ok(s)
}

/// `RouteFlags{no_advertise = 1, no_export = 2, use_nexthop_reject = 3,
/// use_nexthop_fictitious = 4}`.
fn flags(b: &[u8]) -> R<[bool; 4]> {
    let mut out = [false; 4];
    let mut f = Fields::new(b);
    while let Some((n, v)) = f.next()? {
        match n {
            1..=4 => out[n as usize - 1] = varint(&v)? != 0,
            _ => return Err(Fallback),
        }
    }
    Ok(out)
}

/// `RoutePrefix`: only `inet = 1` and `inet6 = 2` (other families are refused by the
/// general path), given once.
fn route_prefix(b: &[u8], len: u32) -> R<Prefix> {
    let mut f = Fields::new(b);
    let mut out = None;
    while let Some((n, v)) = f.next()? {
        let (1 | 2, None, Value::Len(a)) = (n, &out, v) else {
            return Err(Fallback);
        };
        out = Some(match (n, ip_address(a)?) {
            (1, IpAddr::V4(a)) => Prefix::v4(a, len),
            (2, IpAddr::V6(a)) => Prefix::v6(a, len),
            _ => return Err(Fallback),
        });
    }
    out.ok_or(Fallback)?.map_err(|_| Fallback)
}

/// The fields of one entry that make its [`BgpAttrs`], as they are on the wire. Entries
/// with equal `AttrFields` (and equal cluster lists) have equal attribute sets.
#[derive(Clone, Copy, PartialEq, Default)]
struct AttrFields<'a> {
    local_pref: Option<u32>,
    med: Option<u32>,
    aigp: Option<u64>,
    /// The `AsPath` message.
    aspath: Option<&'a [u8]>,
    /// The key's `Communities` message.
    communities: Option<&'a [u8]>,
    originator_id: Option<u32>,
    cluster_id: Option<u32>,
    /// The (last) `protocol_nexthops` `IpAddress` message.
    nexthop: Option<&'a [u8]>,
    route_type: i32,
    /// no_advertise, no_export, use_nexthop_reject, use_nexthop_fictitious.
    flags: [bool; 4],
}

/// `RouteMatch{dest_prefix = 1, dest_prefix_len = 2, table = 3, protocol = 4, cookie = 5,
/// communities = 6}` of a change: prefix, table and cookie; communities go to `attrs`.
fn key<'a>(b: &'a [u8], attrs: &mut AttrFields<'a>) -> R<(Prefix, Table<'a>, u64)> {
    let mut f = Fields::new(b);
    let (mut dest, mut tbl) = (None, None);
    let (mut len, mut protocol, mut cookie) = (0u32, 0i32, 0u64);
    while let Some((n, v)) = f.next()? {
        match n {
            1 => once(&mut dest, &v)?,
            2 => len = varint(&v)? as u32,
            3 => once(&mut tbl, &v)?,
            4 => protocol = varint(&v)? as i32,
            5 => cookie = varint(&v)?,
            6 => once(&mut attrs.communities, &v)?,
            _ => return Err(Fallback),
        }
    }
    // PROTO_ANY or PROTO_BGP_STATIC.
    if protocol != 0 && protocol != 27 {
        return Err(Fallback);
    }
    let prefix = route_prefix(dest.ok_or(Fallback)?, len)?;
    Ok((prefix, table(tbl.ok_or(Fallback)?)?, cookie))
}

/// What [`entry`] returns besides the attribute fields: prefix, table, cookie, route
/// preference and protocol next hop.
type EntryKey<'a> = (Prefix, Table<'a>, u64, u32, IpAddr);

/// One `RouteEntry` (fields as in `jnx_routing_bgp_service.proto`): the entry's key,
/// route preference and protocol next hop, its attribute fields into `attrs` and its
/// cluster list into `clusters`. `nh_seen` is the last next hop parsed, with its bytes:
/// consecutive entries usually share it.
fn entry<'a>(
    bytes: &'a [u8],
    attrs: &mut AttrFields<'a>,
    clusters: &mut Vec<u32>,
    nh_seen: &mut Option<(&'a [u8], IpAddr)>,
) -> R<EntryKey<'a>> {
    *attrs = AttrFields::default();
    clusters.clear();
    let mut f = Fields::new(bytes);
    let (mut k, mut aspath, mut fl) = (None, None, None);
    let mut route_pref = None;
    let mut nexthops = 0;
    while let Some((n, v)) = f.next()? {
        match n {
            1 => once(&mut k, &v)?,
            2 => wrapped(&mut route_pref, &v, |x| x as u32)?,
            3 => wrapped(&mut attrs.local_pref, &v, |x| x as u32)?,
            4 => wrapped(&mut attrs.med, &v, |x| x as u32)?,
            5 => wrapped(&mut attrs.aigp, &v, |x| x)?,
            8 => once(&mut aspath, &v)?,
            9 => wrapped(&mut attrs.originator_id, &v, |x| x as u32)?,
            10 => {
                let mut c = None;
                wrapped(&mut c, &v, |x| x as u32)?;
                clusters.extend(c);
            }
            11 => wrapped(&mut attrs.cluster_id, &v, |x| x as u32)?,
            12 => {
                let Value::Len(a) = v else {
                    return Err(Fallback);
                };
                nexthops += 1;
                attrs.nexthop = Some(a);
            }
            13 => attrs.route_type = varint(&v)? as i32,
            14 => once(&mut fl, &v)?,
            // label, labels, addr_family_data, tunnel_attributes, peer_address and unknown
            // fields: the general path refuses or ignores them.
            _ => return Err(Fallback),
        }
    }
    attrs.aspath = aspath;
    if let Some(b) = fl {
        attrs.flags = flags(b)?;
    }
    let (prefix, table, cookie) = key(k.ok_or(Fallback)?, attrs)?;
    // Exactly one protocol next hop, of the prefix's family; IBGP or EBGP; reject and
    // fictitious not both.
    let raw = attrs.nexthop.ok_or(Fallback)?;
    let nh = match *nh_seen {
        Some((seen, nh)) if seen == raw => nh,
        _ => {
            let nh = ip_address(raw)?;
            *nh_seen = Some((raw, nh));
            nh
        }
    };
    if nexthops != 1
        || nh.is_ipv4() != prefix.addr().is_some_and(|x| x.is_ipv4())
        || !matches!(attrs.route_type, 0 | 1)
        || (attrs.flags[2] && attrs.flags[3])
    {
        return Err(Fallback);
    }
    let pref = route_pref.unwrap_or(DEFAULT_ROUTE_PREFERENCE);
    Ok((prefix, table, cookie, pref, nh))
}

/// The attribute set of fields that passed [`entry`]'s checks, after the checks of the
/// AS path, communities and cluster list.
fn build_attrs(a: &AttrFields<'_>, clusters: &[u32], nh: IpAddr) -> R<BgpAttrs> {
    let as_path = match a.aspath {
        None => String::new(),
        Some(b) => bgp::as_path(string_msg(b)?).map_err(|_| Fallback)?,
    };
    let mut communities = Vec::new();
    if let Some(b) = a.communities {
        let mut f = Fields::new(b);
        while let Some((n, v)) = f.next()? {
            let (1, Value::Len(c)) = (n, v) else {
                return Err(Fallback);
            };
            let c = string_msg(c)?;
            if !bgp::community_ok(c) {
                return Err(Fallback);
            }
            communities.push(c.to_owned());
        }
    }
    if clusters.contains(&0) {
        return Err(Fallback);
    }
    let [no_advertise, no_export, reject, fictitious] = a.flags;
    Ok(BgpAttrs {
        local_pref: a.local_pref.unwrap_or(DEFAULT_LOCAL_PREF),
        med: a.med,
        aigp: a.aigp,
        as_path,
        communities,
        originator_id: a.originator_id,
        cluster_list: clusters.to_vec(),
        cluster_id: a.cluster_id,
        protocol_nexthop: Some(nh),
        external: a.route_type == 1,
        no_advertise,
        no_export,
        nh_kind: if reject {
            BgpNhKind::Reject
        } else if fictitious {
            BgpNhKind::Fictitious
        } else {
            BgpNhKind::Resolve
        },
        label: None,
    })
}

/// A whole `RouteUpdateRequest{repeated RouteEntry routes = 1}` whose entries all pass.
pub(crate) fn fast_set(bytes: &[u8]) -> Option<BgpSetRequest> {
    let mut b = Batch::with_capacity(bytes.len() / 64);
    let mut f = Fields::new(bytes);
    let (mut attrs, mut prev) = (AttrFields::default(), None);
    let (mut clusters, mut prev_clusters) = (Vec::new(), Vec::new());
    let mut nh_seen = None;
    loop {
        let e = match f.next() {
            Ok(None) => break,
            Ok(Some((1, Value::Len(e)))) => e,
            Ok(Some(_)) | Err(Fallback) => return None,
        };
        if b.routes.len() == MAX_BATCH {
            return None;
        }
        let (prefix, table, cookie, pref, nh) =
            entry(e, &mut attrs, &mut clusters, &mut nh_seen).ok()?;
        if prev != Some(attrs) || prev_clusters != clusters {
            let a = build_attrs(&attrs, &clusters, nh).ok()?;
            // Interned onto the set before when equal, as the general path does.
            if b.bgp.last() != Some(&a) {
                b.bgp.push(a);
            }
            prev = Some(attrs);
            std::mem::swap(&mut prev_clusters, &mut clusters);
        }
        let table = match table {
            Table::Name(n) => b.table_name_index(n),
            Table::Id(i) => b.table_index(TableRef::Id(i)),
        };
        let gw_start = b.gateways.len() as u32;
        let resolve = !attrs.flags[2] && !attrs.flags[3];
        if resolve {
            b.gateways.push(Gateway::via(nh));
        }
        b.routes.push(RouteSpec {
            table,
            prefix,
            cookie,
            gw_start,
            gw_len: u16::from(resolve),
            pref: Some(pref),
            pref2: None,
            bgp_static: true,
            stats: false,
            attrs: jet_rib::Attrs::default(),
            bgp: b.bgp.len() as u32,
        });
    }
    Some(BgpSetRequest {
        entries: b.routes.len(),
        batch: b,
        form: None,
    })
}

#[cfg(test)]
#[path = "bgp_decode_tests.rs"]
mod tests;
