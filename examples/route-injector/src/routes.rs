//! Routes as text and as JET messages: the pure half of the app (no I/O, no device), so it
//! is unit-tested on its own.
//!
//! The app checks only the *syntax* of what you type (`10.1.0.0/24` is an address, a `/`
//! and a number). Whether that is a valid route (host bits set, length too long, unknown
//! table, unreachable gateway...) is the device's call: it answers with a JET status and a
//! `sub_code` such as `PREFIX_LEN_TOO_SHORT`, and a JET app should show that answer rather
//! than guess it in advance.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use jet_sdk::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use jet_sdk::proto::jnx::jet::routing::base::{
    network_address::Af, route_table::RouteTableFormat, NetworkAddress, RouteTable, RouteTableName,
};
use jet_sdk::proto::jnx::jet::routing::rib::{
    RouteAttributes, RouteEntry, RouteGateway, RouteMatch, RouteNexthop, RouteSubscribeRouteOp,
    StatusCode,
};

/// A destination typed on the command line: `ADDRESS/LENGTH`, IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prefix {
    /// The address as typed (host bits are *not* cleared: the device judges them).
    pub(crate) addr: IpAddr,
    /// The prefix length as typed (not range-checked here, for the same reason).
    pub(crate) len: u32,
}

impl Prefix {
    /// The default route of the address family a table holds: `::/0` for `inet6.0` and
    /// `<instance>.inet6.0`, `0.0.0.0/0` otherwise.
    pub(crate) fn default_route(table: &str) -> Prefix {
        let addr = if table == "inet6.0" || table.ends_with(".inet6.0") {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        } else {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        };
        Prefix { addr, len: 0 }
    }
}

impl FromStr for Prefix {
    type Err = String;

    fn from_str(s: &str) -> Result<Prefix, String> {
        let (addr, len) = s
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not ADDRESS/LENGTH (for example 10.1.0.0/24)"))?;
        let addr = addr
            .parse()
            .map_err(|_| format!("'{addr}' in '{s}' is not an IPv4 or IPv6 address"))?;
        let len = len
            .parse()
            .map_err(|_| format!("'{len}' in '{s}' is not a prefix length"))?;
        Ok(Prefix { addr, len })
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// A JET `NetworkAddress` in text form (the other form, network-order bytes, is what a
/// client gets back when it asks for it at RouteInitialize; we keep the default, text).
pub(crate) fn network_address(addr: IpAddr) -> NetworkAddress {
    let ip = IpAddress {
        addr_format: Some(AddrFormat::AddrString(addr.to_string())),
    };
    NetworkAddress {
        af: Some(match addr {
            IpAddr::V4(_) => Af::Inet(ip),
            IpAddr::V6(_) => Af::Inet6(ip),
        }),
    }
}

/// A routing table by its Junos name (`inet.0`, `inet6.0`, `<instance>.inet.0`).
pub(crate) fn table(name: &str) -> RouteTable {
    RouteTable {
        route_table_format: Some(RouteTableFormat::Name(RouteTableName { name: name.into() })),
    }
}

/// The key of one route: destination, length and table. The cookie (which tells apart
/// several paths a client programs to the same destination) stays 0: one path each.
pub(crate) fn route_match(prefix: Prefix, table_name: &str) -> RouteMatch {
    RouteMatch {
        dest_prefix: Some(network_address(prefix.addr)),
        dest_prefix_len: prefix.len,
        table: Some(table(table_name)),
        cookie: 0,
    }
}

/// A route to `prefix` through `gateways` (several gateways: ECMP).
///
/// `preference` is the admin distance (`preferences[0]`, the CLI's `preference`); when
/// absent the device applies the defaults given at RouteInitialize (5, the static
/// preference, since we give none). Gateways carry only an address, so the device builds
/// an indirect next hop and resolves it through its own routes.
pub(crate) fn route_entry(
    prefix: Prefix,
    table_name: &str,
    gateways: &[IpAddr],
    preference: Option<u32>,
) -> RouteEntry {
    RouteEntry {
        key: Some(route_match(prefix, table_name)),
        nexthop: Some(RouteNexthop {
            gateways: gateways
                .iter()
                .map(|g| RouteGateway {
                    gateway_address: Some(network_address(*g)),
                    ..Default::default()
                })
                .collect(),
        }),
        attributes: preference.map(|p| RouteAttributes {
            preferences: HashMap::from([(0, p)]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// `10.1.0.0/24 via 192.0.2.1 pref 5`: one route as the app prints it.
///
/// Several gateways are joined with commas; a route without gateways is a blackhole
/// (`via discard`); a gateway known only by its interface shows the interface name.
pub(crate) fn describe(route: &RouteEntry) -> String {
    let dest = destination(route);
    let gateways: Vec<String> = route
        .nexthop
        .iter()
        .flat_map(|nh| &nh.gateways)
        .map(|g| match &g.gateway_address {
            Some(a) => address_text(a),
            None if !g.interface_name.is_empty() => g.interface_name.clone(),
            None => "?".into(),
        })
        .collect();
    let via = if gateways.is_empty() {
        "discard".to_string()
    } else {
        gateways.join(",")
    };
    let pref = route
        .attributes
        .as_ref()
        .and_then(|a| a.preferences.get(&0))
        .map_or("-".to_string(), u32::to_string);
    format!("{dest} via {via} pref {pref}")
}

/// `10.1.0.0/24`: the destination of a route alone (a DELETE event carries only the key).
pub(crate) fn destination(route: &RouteEntry) -> String {
    match &route.key {
        Some(k) => format!(
            "{}/{}",
            k.dest_prefix.as_ref().map_or("?".into(), address_text),
            k.dest_prefix_len
        ),
        None => "?".into(),
    }
}

/// An address from the device in text, whichever form it came in.
fn address_text(a: &NetworkAddress) -> String {
    match &a.af {
        Some(Af::Inet(ip)) | Some(Af::Inet6(ip)) => match &ip.addr_format {
            Some(AddrFormat::AddrString(s)) => s.clone(),
            Some(AddrFormat::AddrBytes(b)) => match b.len() {
                4 => <[u8; 4]>::try_from(b.as_slice())
                    .map_or("?".into(), |o| Ipv4Addr::from(o).to_string()),
                16 => <[u8; 16]>::try_from(b.as_slice())
                    .map_or("?".into(), |o| Ipv6Addr::from(o).to_string()),
                _ => "?".into(),
            },
            None => "?".into(),
        },
        Some(Af::Mpls(m)) => format!("label {}", m.label),
        None => "?".into(),
    }
}

/// The name of a RIB `sub_code` (`PREFIX_LEN_TOO_SHORT`), or its number when this build
/// does not know it (a newer device may add codes).
pub(crate) fn rib_code_name(code: i32) -> String {
    StatusCode::try_from(code)
        .map_or_else(|_| format!("sub-code {code}"), |c| c.as_str_name().into())
}

/// The event of a subscription entry as the app prints it.
pub(crate) fn event_name(op: i32) -> &'static str {
    match RouteSubscribeRouteOp::try_from(op) {
        Ok(RouteSubscribeRouteOp::RouteSubscribeOpAdd) => "ADD",
        Ok(RouteSubscribeRouteOp::RouteSubscribeOpModify) => "MODIFY",
        // (sic) the IDL spells it SUBSCBIBE; the value is what matters.
        Ok(RouteSubscribeRouteOp::RouteSubscbibeOpDelete) => "DELETE",
        Ok(RouteSubscribeRouteOp::RouteSubscribeOpNoAdvertise) => "NO_ADVERTISE",
        Ok(RouteSubscribeRouteOp::RouteSubscribeOpEndOfTable) => "END_OF_TABLE",
        Ok(RouteSubscribeRouteOp::RouteSubscribeOpNone) | Err(_) => "NONE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_parses_v4_and_v6_and_keeps_host_bits_for_the_device_to_judge() {
        let p: Prefix = "10.1.0.1/24".parse().expect("parses");
        assert_eq!(p.addr, IpAddr::V4(Ipv4Addr::new(10, 1, 0, 1)));
        assert_eq!(p.len, 24);
        assert_eq!(p.to_string(), "10.1.0.1/24");
        let p: Prefix = "2001:db8::/32".parse().expect("parses");
        assert!(p.addr.is_ipv6());
        // Out of range, but that is the device's answer (PREFIX_LEN_TOO_LONG) to give.
        assert_eq!("10.0.0.0/40".parse::<Prefix>().map(|p| p.len), Ok(40));
    }

    #[test]
    fn prefix_refuses_bad_syntax_naming_the_value() {
        let e = "10.1.0.0".parse::<Prefix>().expect_err("no length");
        assert!(e.contains("'10.1.0.0'"), "{e}");
        let e = "10.1.0/24".parse::<Prefix>().expect_err("bad address");
        assert!(e.contains("'10.1.0'"), "{e}");
        let e = "10.1.0.0/x".parse::<Prefix>().expect_err("bad length");
        assert!(e.contains("'x'"), "{e}");
    }

    #[test]
    fn default_route_follows_the_table_family() {
        assert_eq!(Prefix::default_route("inet.0").to_string(), "0.0.0.0/0");
        assert_eq!(Prefix::default_route("inet6.0").to_string(), "::/0");
        assert_eq!(Prefix::default_route("red.inet6.0").to_string(), "::/0");
    }

    #[test]
    fn a_built_route_describes_itself_as_typed() {
        let p: Prefix = "10.1.0.0/24".parse().expect("parses");
        let gw: IpAddr = "192.0.2.1".parse().expect("parses");
        let r = route_entry(p, "inet.0", &[gw], Some(7));
        assert_eq!(describe(&r), "10.1.0.0/24 via 192.0.2.1 pref 7");
        let r = route_entry(p, "inet.0", &[], None);
        assert_eq!(describe(&r), "10.1.0.0/24 via discard pref -");
        assert_eq!(destination(&r), "10.1.0.0/24");
        let k = r.key.expect("key");
        assert_eq!(k.table, Some(table("inet.0")));
    }

    #[test]
    fn addresses_in_bytes_are_described_as_text() {
        let r = RouteEntry {
            key: Some(RouteMatch {
                dest_prefix: Some(NetworkAddress {
                    af: Some(Af::Inet(IpAddress {
                        addr_format: Some(AddrFormat::AddrBytes(vec![10, 2, 0, 0])),
                    })),
                }),
                dest_prefix_len: 16,
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(describe(&r), "10.2.0.0/16 via discard pref -");
    }

    #[test]
    fn sub_codes_and_events_have_their_idl_names() {
        assert_eq!(
            rib_code_name(StatusCode::PrefixLenTooShort as i32),
            "PREFIX_LEN_TOO_SHORT"
        );
        assert_eq!(rib_code_name(9999), "sub-code 9999");
        assert_eq!(
            event_name(RouteSubscribeRouteOp::RouteSubscbibeOpDelete as i32),
            "DELETE"
        );
        assert_eq!(
            event_name(RouteSubscribeRouteOp::RouteSubscribeOpEndOfTable as i32),
            "END_OF_TABLE"
        );
    }
}
