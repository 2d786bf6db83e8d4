//! RouteGet replies written straight from the RIB into protobuf bytes: the read hot path.
//!
//! `convert::entry` builds a `RouteEntry` per route (strings for every address and the
//! table name, a vector of gateways, a hash map of preferences) only for prost to
//! serialize it and drop it. Here each route is written once into the reply's buffer,
//! with no allocation per route. The bytes are those prost would produce for the same
//! `RouteEntry` (same fields, same order, defaults omitted); the `tests` module decodes
//! them with prost and compares with `convert::entry`.

use std::io::Write as _;
use std::net::IpAddr;

use jet_rib::{self, LabelAction, NextHop, Prefix, Rib, RouteView};

use crate::convert;

/// One encoded `RouteGetResponse`, handed to the gRPC layer as is.
#[derive(Debug, Clone)]
pub struct Encoded(pub Vec<u8>);

/// How addresses and tables are rendered in replies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Tables by numeric id rather than by name.
    pub table_by_id: bool,
    /// Addresses as 4/16 raw bytes (`addr_bytes`) rather than text (`addr_string`).
    pub address_bytes: bool,
}

const LEN: u32 = 2;
const VARINT: u32 = 0;
const FIXED32: u32 = 5;

/// A protobuf writer over one growing buffer. Nested messages get a one-byte length
/// placeholder that is widened in place in the rare case the message is 128 bytes or
/// longer, so no size pre-computation pass is needed.
struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty writer with room for `n` bytes.
    fn with_capacity(n: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }

    /// The bytes written.
    fn into_inner(self) -> Vec<u8> {
        self.buf
    }

    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn tag(&mut self, field: u32, wire: u32) {
        self.varint(u64::from(field << 3 | wire));
    }

    /// A scalar field; zero is the proto3 default and is not written.
    fn uint(&mut self, field: u32, v: u64) {
        if v != 0 {
            self.tag(field, VARINT);
            self.varint(v);
        }
    }

    fn bool(&mut self, field: u32, v: bool) {
        self.uint(field, u64::from(v));
    }

    fn float(&mut self, field: u32, v: f32) {
        if v != 0.0 {
            self.tag(field, FIXED32);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
    }

    fn bytes(&mut self, field: u32, v: &[u8]) {
        if !v.is_empty() {
            self.tag(field, LEN);
            self.varint(v.len() as u64);
            self.buf.extend_from_slice(v);
        }
    }

    /// A present message field (written even when empty, as prost does for `Some`).
    fn message(&mut self, field: u32, body: impl FnOnce(&mut Writer)) {
        self.tag(field, LEN);
        let at = self.buf.len();
        self.buf.push(0);
        body(self);
        let len = self.buf.len() - at - 1;
        if len < 0x80 {
            self.buf[at] = len as u8;
        } else {
            let mut prefix = [0u8; 10];
            let mut n = 0;
            let mut v = len as u64;
            while v >= 0x80 {
                prefix[n] = (v as u8) | 0x80;
                v >>= 7;
                n += 1;
            }
            prefix[n] = v as u8;
            self.buf.splice(at..at + 1, prefix[..=n].iter().copied());
        }
    }

    /// `jnx.jet.common.IpAddress`.
    fn ip(&mut self, field: u32, a: IpAddr, style: Style) {
        self.message(field, |w| match (a, style.address_bytes) {
            (IpAddr::V4(v), true) => w.bytes(2, &v.octets()),
            (IpAddr::V6(v), true) => w.bytes(2, &v.octets()),
            (a, false) => {
                let mut text = [0u8; 48];
                let n = ip_text(a, &mut text);
                w.bytes(1, &text[..n]);
            }
        });
    }

    /// `NetworkAddress` of a destination (`convert::network_address`).
    fn destination(&mut self, field: u32, p: &Prefix, style: Style) {
        self.message(field, |w| match (*p, p.addr()) {
            (Prefix::Mpls(l), _) => w.message(3, |w| w.uint(1, u64::from(l))),
            (Prefix::V6(..), Some(a)) => w.ip(2, a, style),
            (_, a) => w.ip(1, a.unwrap_or(IpAddr::from([0, 0, 0, 0])), style),
        });
    }

    /// `NetworkAddress` of a gateway or local address.
    fn address(&mut self, field: u32, a: IpAddr, style: Style) {
        self.message(field, |w| w.ip(if a.is_ipv6() { 2 } else { 1 }, a, style));
    }
}

/// Writes `a` as text into `out`, returning the length (at most 45 bytes for IPv6).
fn ip_text(a: IpAddr, out: &mut [u8; 48]) -> usize {
    match a {
        IpAddr::V4(v) => {
            let mut n = 0;
            for (i, o) in v.octets().into_iter().enumerate() {
                if i > 0 {
                    out[n] = b'.';
                    n += 1;
                }
                if o >= 100 {
                    out[n] = b'0' + o / 100;
                    n += 1;
                }
                if o >= 10 {
                    out[n] = b'0' + (o / 10) % 10;
                    n += 1;
                }
                out[n] = b'0' + o % 10;
                n += 1;
            }
            n
        }
        IpAddr::V6(v) => {
            let mut cur = std::io::Cursor::new(&mut out[..]);
            // 48 bytes hold the longest IPv6 text form (45), so this cannot fail.
            let _ = write!(cur, "{v}");
            cur.position() as usize
        }
    }
}

/// The table of a reply, as `convert::table_pb` renders it.
#[derive(Debug, Clone)]
pub enum TableName {
    /// By numeric id.
    Id(u32),
    /// By name.
    Name(String),
}

impl TableName {
    /// Table `t` of `rib`, by id or by name.
    pub fn of(rib: &Rib, t: jet_rib::TableId, by_id: bool) -> TableName {
        if by_id {
            TableName::Id(t.0)
        } else {
            TableName::Name(rib.table(t).map(|t| t.name.clone()).unwrap_or_default())
        }
    }

    fn write(&self, w: &mut Writer, field: u32) {
        w.message(field, |w| match self {
            TableName::Id(id) => w.message(1, |w| w.uint(1, u64::from(*id))),
            TableName::Name(n) => w.message(2, |w| w.bytes(1, n.as_bytes())),
        });
    }
}

/// A path as a `RouteEntry` message body (the same fields `convert::entry` fills).
fn route_entry(w: &mut Writer, rib: &Rib, v: &RouteView<'_>, table: &TableName, style: Style) {
    // key = 1: RouteMatch.
    w.message(1, |w| {
        w.destination(1, &v.prefix, style);
        w.uint(2, u64::from(v.prefix.len()));
        table.write(w, 3);
        w.uint(4, v.path.cookie);
    });
    // nexthop = 2: RouteNexthop{repeated RouteGateway gateways = 1}.
    w.message(2, |w| match &v.nh.nh {
        NextHop::Gateways(gs) => {
            for g in gs.iter() {
                w.message(1, |w| {
                    if let Some(a) = g.addr {
                        w.address(1, a, style);
                    }
                    if let Some(i) = g.ifname {
                        w.bytes(2, rib.ifnames.name(i).as_bytes());
                    }
                    if let Some(a) = g.local {
                        w.address(3, a, style);
                    }
                    if !g.labels.is_empty() {
                        w.message(4, |w| {
                            for l in g.labels.iter() {
                                w.message(1, |w| {
                                    let op = match l.action {
                                        LabelAction::Pop => 1,
                                        LabelAction::Push => 2,
                                        LabelAction::Swap => 3,
                                    };
                                    w.uint(1, op);
                                    w.message(2, |w| w.uint(1, u64::from(l.label)));
                                });
                            }
                        });
                    }
                    w.uint(5, u64::from(g.weight));
                    w.float(6, g.bandwidth());
                    // flexible_tunnel_profile = 7: FlexibleTunnelProfile{name = 1}.
                    if let Some(t) = g.tunnel {
                        w.message(7, |w| w.bytes(1, rib.ifnames.name(t).as_bytes()));
                    }
                });
            }
        }
        NextHop::Interface(i) | NextHop::Receive(i) => {
            w.message(1, |w| w.bytes(2, rib.ifnames.name(*i).as_bytes()));
        }
        NextHop::Blackhole | NextHop::Discard | NextHop::Reject => {}
    });
    // protocol = 3.
    w.uint(3, convert::proto_pb(v.path.proto) as u64);
    // attributes = 4: maps of UInt32Value, entries {key = 1, value = 2 {value = 1}}.
    let a = rib.attrs_of(v.path);
    w.message(4, |w| {
        let pref2 = (v.path.pref2 != u32::MAX).then_some(v.path.pref2);
        map(w, 1, [Some(v.path.pref), pref2]);
        map(w, 2, a.tags);
        map(w, 3, a.colors);
    });
    // enable_stats = 5.
    w.bool(5, v.path.flags & jet_rib::FLAG_STATS != 0);
}

fn map(w: &mut Writer, field: u32, values: [Option<u32>; 2]) {
    for (k, v) in values.into_iter().enumerate() {
        if let Some(v) = v {
            w.message(field, |w| {
                w.uint(1, k as u64);
                if v != 0 {
                    w.message(2, |w| w.uint(1, u64::from(v)));
                }
            });
        }
    }
}

/// A successful `RouteGetResponse{status = 1, sub_code = 2, routes = 3}` being filled.
pub struct GetReply {
    w: Writer,
    routes: usize,
}

impl GetReply {
    /// A reply with status SUCCESS and no routes yet, with room for `capacity` bytes.
    pub fn new(capacity: usize) -> Self {
        let mut w = Writer::with_capacity(capacity);
        // status = RpcStatus{code SUCCESS (0), message ""}: an empty message; sub_code
        // SUCCESS (0) is the default and not written.
        w.message(1, |_| {});
        GetReply { w, routes: 0 }
    }

    /// Appends route `v` of `rib` (in `table`) as a `RouteEntry`.
    pub fn push(&mut self, rib: &Rib, v: &RouteView<'_>, table: &TableName, style: Style) {
        self.w.message(3, |w| route_entry(w, rib, v, table, style));
        self.routes += 1;
    }

    /// Routes written so far.
    pub fn routes(&self) -> usize {
        self.routes
    }

    /// The encoded `RouteGetResponse`.
    pub fn finish(self) -> Encoded {
        Encoded(self.w.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
    use jet_proto::jnx::jet::routing::base::{
        network_address::Af, route_table::RouteTableFormat, LabelEntry, LabelStack,
        LabelStackEntry, NetworkAddress, RouteTable, RouteTableName,
    };
    use jet_proto::jnx::jet::routing::rib as pb;
    use jet_rib::{Defaults, SetOp, Source, SourceNh, SourceRoute};
    use prost::Message;

    fn addr(s: &str) -> Option<NetworkAddress> {
        let a: IpAddr = s.parse().unwrap();
        let ip = IpAddress {
            addr_format: Some(AddrFormat::AddrString(s.into())),
        };
        Some(NetworkAddress {
            af: Some(if a.is_ipv6() {
                Af::Inet6(ip)
            } else {
                Af::Inet(ip)
            }),
        })
    }

    fn route(table: &str, dest: &str, len: u32, gateways: Vec<pb::RouteGateway>) -> pb::RouteEntry {
        pb::RouteEntry {
            key: Some(pb::RouteMatch {
                dest_prefix: addr(dest),
                dest_prefix_len: len,
                table: Some(RouteTable {
                    route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                        name: table.into(),
                    })),
                }),
                cookie: 0,
            }),
            nexthop: Some(pb::RouteNexthop { gateways }),
            ..Default::default()
        }
    }

    fn gw(a: &str) -> pb::RouteGateway {
        pb::RouteGateway {
            gateway_address: addr(a),
            ..Default::default()
        }
    }

    /// A RIB holding every kind of path a reply can carry.
    fn rib() -> Rib {
        let mut rib = Rib::new();
        let mut changes = Vec::new();
        rib.replace_source(
            Source::Direct,
            &[SourceRoute {
                table: "inet.0".into(),
                prefix: Prefix::v4("192.0.2.0".parse().unwrap(), 24).unwrap(),
                nh: SourceNh::Interface("ge-0/0/0.0".into()),
                pref: None,
                cookie: 0,
            }],
            0,
            &mut changes,
        )
        .unwrap();
        rib.replace_source(
            Source::Static,
            &[SourceRoute {
                table: "inet.0".into(),
                prefix: Prefix::v4("198.51.100.0".parse().unwrap(), 24).unwrap(),
                nh: SourceNh::Discard,
                pref: None,
                cookie: 0,
            }],
            0,
            &mut changes,
        )
        .unwrap();
        let (client, _) = rib.clients.initialize("app", 1, Defaults::default());
        let mut routes = vec![
            route("inet.0", "10.0.0.1", 32, vec![gw("192.0.2.1")]),
            route("inet.0", "10.0.0.0", 8, vec![]),
            route("inet6.0", "2001:db8::", 32, vec![gw("2001:db8:ffff::1")]),
        ];
        // Weights, bandwidth, interface, local address, labels, many gateways (a
        // message over 127 bytes, so the length prefix widens).
        let mut wide: Vec<_> = (1..=6)
            .map(|i| pb::RouteGateway {
                gateway_address: addr(&format!("192.0.2.{i}")),
                interface_name: "ge-0/0/0.0".into(),
                local_address: addr("192.0.2.200"),
                weight: i,
                bandwidth: i as f32 * 1.5,
                ..Default::default()
            })
            .collect();
        wide[0].label_stack = Some(LabelStack {
            entries: vec![LabelStackEntry {
                opcode: 2,
                label_entry: Some(LabelEntry {
                    label: 1_000_000,
                    ..Default::default()
                }),
            }],
        });
        routes.push(route("inet.0", "172.16.0.0", 12, wide));
        let mut tagged = route("inet.0", "172.17.0.0", 16, vec![gw("192.0.2.9")]);
        tagged.key.as_mut().unwrap().cookie = 1 << 40;
        tagged.protocol = 27;
        tagged.enable_stats = true;
        tagged.attributes = Some(pb::RouteAttributes {
            preferences: [(0, 200), (1, 0)].into(),
            tags: [(1, 7)].into(),
            colors: [(0, 3)].into(),
        });
        routes.push(tagged);
        // Flexible tunnel profiles: inline (named) and by name.
        let profile = |name: &str, ifname: &str| pb::RouteGateway {
            flexible_tunnel_profile: Some(pb::FlexibleTunnelProfile {
                name: name.into(),
                interface_name: ifname.into(),
                attributes: (!ifname.is_empty()).then(pb::TunnelAttributes::default),
                ..Default::default()
            }),
            ..Default::default()
        };
        routes.push(route(
            "inet.0",
            "172.18.0.0",
            16,
            vec![profile("p1", ""), profile("inline", "fti0.2")],
        ));
        let mut batch = convert::batch(&routes);
        assert!(batch.invalid.is_none(), "{:?}", batch.invalid);
        crate::profiles::resolve(&mut batch, |n| (n == "p1").then(|| "fti0.1".into()));
        assert!(batch.invalid.is_none(), "{:?}", batch.invalid);
        let out = rib.apply(client, SetOp::Add, &mut batch, 0, &mut changes);
        assert_eq!(out.completed as usize, routes.len(), "{out:?}");
        rib
    }

    /// Every path of the RIB, in both table and address styles, encodes to bytes prost
    /// decodes into exactly the `RouteEntry` the general conversion builds.
    #[test]
    fn encoded_replies_decode_to_the_converted_entries() {
        let rib = rib();
        let mut seen = 0;
        for (by_id, bytes) in [(false, false), (true, false), (false, true), (true, true)] {
            let style = Style {
                table_by_id: by_id,
                address_bytes: bytes,
            };
            for name in ["inet.0", "inet6.0"] {
                let t = rib.table_id(name).unwrap();
                let tn = TableName::of(&rib, t, by_id);
                let tpb = convert::table_pb(&rib, t, by_id);
                let mut reply = GetReply::new(16);
                let mut want = Vec::new();
                rib.walk(t, None, usize::MAX, |v| {
                    reply.push(&rib, &v, &tn, style);
                    want.push(convert::entry(&rib, &v, &tpb, bytes));
                });
                assert_eq!(reply.routes(), want.len());
                seen += want.len();
                let got = pb::RouteGetResponse::decode(reply.finish().0.as_slice()).unwrap();
                assert_eq!(
                    got.status,
                    Some(jet_proto::jnx::jet::common::RpcStatus {
                        code: jet_proto::jnx::jet::common::StatusCode::Success as i32,
                        message: String::new(),
                    })
                );
                assert_eq!(got.sub_code, 0);
                assert_eq!(got.routes, want, "{name} by_id={by_id} bytes={bytes}");
            }
        }
        // Direct, Local-less static discard, 5 programmed in inet.0 + 1 in inet6.0.
        assert!(seen >= 4 * 7, "only {seen} routes encoded");
    }

    #[test]
    fn addresses_are_written_as_text_like_display() {
        let mut out = [0u8; 48];
        for a in [
            "0.0.0.0",
            "10.0.0.1",
            "255.255.255.255",
            "1.22.133.4",
            "2001:db8::1",
            "::",
        ] {
            let ip: IpAddr = a.parse().unwrap();
            let n = ip_text(ip, &mut out);
            assert_eq!(&out[..n], a.as_bytes());
        }
    }

    #[test]
    fn long_messages_get_a_wide_length_prefix() {
        for len in [0usize, 1, 126, 127, 128, 300, 20_000] {
            // Field 3 of a RouteMatch is its table.
            let mut w = Writer::with_capacity(0);
            TableName::Name("y".repeat(len)).write(&mut w, 3);
            let m = pb::RouteMatch::decode(&w.into_inner()[..]).unwrap();
            let want = RouteTable {
                route_table_format: Some(RouteTableFormat::Name(RouteTableName {
                    name: "y".repeat(len),
                })),
            };
            assert_eq!(m.table, Some(want), "len {len}");
        }
    }
}
