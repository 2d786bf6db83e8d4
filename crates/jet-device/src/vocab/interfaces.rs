//! The interface vocabulary: IFDs, IFLs, families, addresses and their state, as the
//! rest of the device (RIB, JET interface services, op commands) reads them.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, Utc};

/// A point-in-time view of every interface of the device. Cheap to share (`Arc`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterfacesSnapshot {
    /// Increases by one every time the interfaces change.
    pub generation: u64,
    /// Physical interfaces in Junos display order (`fxp0`, `ge-0/0/0` … `ge-0/0/9`,
    /// `lo0`).
    pub ifds: Vec<Ifd>,
}

impl InterfacesSnapshot {
    /// The physical interface `name`.
    pub fn ifd(&self, name: &str) -> Option<&Ifd> {
        self.ifds.iter().find(|d| d.name == name)
    }

    /// The logical interface `name` (`ge-0/0/0.0`) and its physical interface.
    pub fn ifl(&self, name: &str) -> Option<(&Ifd, &Ifl)> {
        let (ifd, _) = name.rsplit_once('.')?;
        let d = self.ifd(ifd)?;
        d.units.iter().find(|l| l.name == name).map(|l| (d, l))
    }

    /// Every configured address: `(ifl, family, address)`, in display order.
    pub fn addresses(&self) -> impl Iterator<Item = (&Ifl, &Family, &IfAddress)> + '_ {
        self.ifds.iter().flat_map(|d| {
            d.units.iter().flat_map(|l| {
                l.families
                    .iter()
                    .flat_map(move |f| f.addresses.iter().map(move |a| (l, f, a)))
            })
        })
    }
}

/// What kind of hardware an IFD simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfdKind {
    /// `ge-0/0/N`: Gigabit Ethernet ports.
    Ethernet,
    /// `fxp0`: the out-of-band management Ethernet.
    Management,
    /// `lo0`: the loopback.
    Loopback,
    /// `aeN`: an aggregated Ethernet bundle (created by configuration or through the
    /// JET Interfaces API); its link is up while one of its members is up.
    Aggregate,
    /// `ftiN`: a flexible tunnel interface; its units carry a tunnel encapsulation.
    FlexibleTunnel,
    /// `irb`: integrated routing and bridging (created by configuration); its units
    /// route for bridge domains, which the simulation takes as up.
    Irb,
}

/// A physical interface (IFD).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ifd {
    /// `ge-0/0/0`, `lo0`, `fxp0`.
    pub name: String,
    /// Hardware kind.
    pub kind: IfdKind,
    /// SNMP ifIndex (stable for the life of the device; see [`crate::ifd`]).
    pub snmp_index: u32,
    /// Kernel interface index (`Interface index:`).
    pub local_index: u32,
    /// Current MAC address: the hardware one unless an API client set `mac` (none for
    /// `lo0` and `ftiN`).
    pub mac: Option<MacAddr>,
    /// Hardware MAC address (none for `lo0` and `ftiN`).
    pub hardware_mac: Option<MacAddr>,
    /// Speed (configured or default).
    pub speed: Speed,
    /// Media MTU (configured or default).
    pub mtu: Mtu,
    /// `description`.
    pub description: Option<String>,
    /// Administratively up (not `disable`d).
    pub admin_up: bool,
    /// The (simulated) physical link has carrier.
    pub carrier: bool,
    /// When the operational state last changed (`None`: never).
    pub last_flapped: Option<DateTime<Utc>>,
    /// How many times the carrier changed (`Carrier transitions` counter).
    pub carrier_transitions: u64,
    /// Logical units, by unit number.
    pub units: Vec<Ifl>,
    /// Member links of an aggregate (`aeN`), in the order given.
    pub members: Vec<String>,
    /// The JET client that owns this interface's API-configured objects (the whole tree
    /// belongs to one client; see `crate::ifd::api`). `None`: configuration only.
    pub api_owner: Option<String>,
}

impl Ifd {
    /// Operationally up: administratively enabled and the link has carrier. A disabled
    /// port is down (Junos turns the transmitter off).
    pub fn oper_up(&self) -> bool {
        self.admin_up && self.carrier
    }
}

/// A logical interface (IFL, a unit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ifl {
    /// `ge-0/0/0.0`.
    pub name: String,
    /// Unit number.
    pub unit: u32,
    /// SNMP ifIndex.
    pub snmp_index: u32,
    /// Kernel interface index.
    pub local_index: u32,
    /// `description`.
    pub description: Option<String>,
    /// Administratively up (not `disable`d).
    pub admin_up: bool,
    /// Its physical interface is up (administratively and operationally): the IFL's
    /// link state.
    pub oper_up: bool,
    /// `vlan-id`.
    pub vlan_id: Option<u16>,
    /// Protocol families, in display order (inet, inet6, mpls).
    pub families: Vec<Family>,
    /// The JET client that created this unit through the Interfaces API (`None`: created
    /// by configuration — a "public" unit).
    pub api_owner: Option<String>,
    /// The tunnel of an FTI unit.
    pub tunnel: Option<Tunnel>,
}

/// A flexible tunnel interface unit's encapsulation (as configured through the API,
/// already checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnel {
    /// Encapsulation.
    pub encapsulation: TunnelEncap,
    /// Tunnel source.
    pub source: TunnelSource,
    /// Tunnel destination (none with tunnel termination).
    pub destination: Option<IpAddr>,
    /// VXLAN-GPE: VNI.
    pub vni: Option<u32>,
    /// VXLAN-GPE: destination UDP port.
    pub udp_port: Option<u16>,
    /// VXLAN-GPE: tunnel endpoint type (`vxlan`).
    pub tunnel_endpoint: Option<String>,
    /// Tunnel termination mode (`tunnel-termination`).
    pub terminate: bool,
    /// Bypass-loopback mode.
    pub bypass_loopback: bool,
    /// `allow-fragmentation`.
    pub allow_fragmentation: bool,
}

/// An FTI encapsulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunnelEncap {
    /// VXLAN-GPE.
    VxlanGpe,
    /// IP in IP.
    Ipip,
    /// UDP.
    Udp,
    /// GRE.
    Gre,
}

impl TunnelEncap {
    /// The Junos keyword (`vxlan-gpe`, `ipip`, `udp`, `gre`).
    pub fn as_str(self) -> &'static str {
        match self {
            TunnelEncap::VxlanGpe => "vxlan-gpe",
            TunnelEncap::Ipip => "ipip",
            TunnelEncap::Udp => "udp",
            TunnelEncap::Gre => "gre",
        }
    }
}

/// Where a tunnel starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TunnelSource {
    /// A local address.
    Address(IpAddr),
    /// A local interface (its primary address).
    Interface(String),
}

impl fmt::Display for TunnelSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TunnelSource::Address(a) => write!(f, "{a}"),
            TunnelSource::Interface(i) => f.write_str(i),
        }
    }
}

/// A static ARP (IPv4) or NDP (IPv6) entry under an interface address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticNeighbor {
    /// The interface address it hangs under.
    pub interface_address: IpAddr,
    /// The neighbour's IP address.
    pub neighbor: IpAddr,
    /// The neighbour's MAC address.
    pub mac: MacAddr,
    /// `receive` (traffic to the neighbour is received locally).
    pub receive: bool,
    /// `publish` (the router answers ARP/NS requests for the neighbour's address);
    /// configuration only, the API has no such attribute.
    pub publish: bool,
    /// Configured through the JET Interfaces API.
    pub api: bool,
}

impl Ifl {
    /// Usable for traffic: enabled and its IFD up.
    pub fn is_up(&self) -> bool {
        self.admin_up && self.oper_up
    }
}

/// A protocol family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum FamilyKind {
    /// IPv4.
    #[default]
    Inet,
    /// IPv6.
    Inet6,
    /// MPLS.
    Mpls,
    /// ISO (CLNS, IS-IS): addresses are network entity titles ([`Family::nets`]).
    Iso,
}

impl FamilyKind {
    /// The Junos keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            FamilyKind::Inet => "inet",
            FamilyKind::Inet6 => "inet6",
            FamilyKind::Mpls => "mpls",
            FamilyKind::Iso => "iso",
        }
    }

    /// The routing table its addresses go to in the default instance.
    pub fn table_name(self) -> &'static str {
        match self {
            FamilyKind::Inet => "inet.0",
            FamilyKind::Inet6 => "inet6.0",
            FamilyKind::Mpls => "mpls.0",
            FamilyKind::Iso => "iso.0",
        }
    }
}

impl fmt::Display for FamilyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A family configured on an IFL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// Which family.
    pub kind: FamilyKind,
    /// Protocol MTU (media MTU less the Ethernet header; `Unlimited` on lo0).
    pub mtu: Mtu,
    /// Addresses, in configuration order (inet/inet6 only).
    pub addresses: Vec<IfAddress>,
    /// `filter input`.
    pub input_filter: Option<String>,
    /// `filter output`.
    pub output_filter: Option<String>,
    /// Static ARP/NDP entries of its addresses.
    pub neighbors: Vec<StaticNeighbor>,
    /// ISO network entity titles (`family iso address`; iso only).
    pub nets: Vec<String>,
}

/// An interface address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfAddress {
    /// The local address.
    pub local: IpAddr,
    /// Prefix length of the subnet.
    pub prefix_len: u8,
    /// The family's primary address (`Is-Primary`).
    pub primary: bool,
    /// Configured through the JET Interfaces API (not in the configuration).
    pub api: bool,
}

impl IfAddress {
    /// The subnet address (host bits cleared).
    pub fn network(&self) -> IpAddr {
        match self.local {
            IpAddr::V4(a) => {
                let bits = u32::from(a);
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix_len.min(32)));
                IpAddr::V4(Ipv4Addr::from(bits & mask.unwrap_or(0)))
            }
            IpAddr::V6(a) => {
                let bits = u128::from(a);
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix_len.min(128)));
                IpAddr::V6(Ipv6Addr::from(bits & mask.unwrap_or(0)))
            }
        }
    }

    /// The IPv4 subnet broadcast address (none for IPv6 and for /31, /32).
    pub fn broadcast(&self) -> Option<Ipv4Addr> {
        match self.local {
            IpAddr::V4(a) if self.prefix_len < 31 => {
                let host = u32::MAX >> u32::from(self.prefix_len);
                Some(Ipv4Addr::from(u32::from(a) | host))
            }
            _ => None,
        }
    }

    /// A host address (/32 or /128): printed without a destination.
    pub fn is_host(&self) -> bool {
        matches!(
            (self.local, self.prefix_len),
            (IpAddr::V4(_), 32) | (IpAddr::V6(_), 128)
        )
    }

    /// The destination as Junos prints it: IPv4 in short form without trailing zero
    /// octets (`10.10.50/24`, `128/2`), IPv6 compressed (`2001:db8::/64`).
    pub fn destination(&self) -> String {
        match self.network() {
            IpAddr::V4(n) => {
                let o = n.octets();
                let mut keep = 4;
                while keep > 1 && o[keep - 1] == 0 {
                    keep -= 1;
                }
                let parts: Vec<String> = o[..keep].iter().map(|b| b.to_string()).collect();
                format!("{}/{}", parts.join("."), self.prefix_len)
            }
            IpAddr::V6(n) => format!("{n}/{}", self.prefix_len),
        }
    }
}

/// A MAC address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacAddr(pub [u8; 6]);

impl std::str::FromStr for MacAddr {
    type Err = String;

    /// `00:11:22:33:44:55` (also `-` separated, or `0011.2233.4455`), any case.
    fn from_str(s: &str) -> Result<MacAddr, String> {
        let hex: String = s
            .chars()
            .filter(|c| !matches!(c, ':' | '-' | '.'))
            .collect();
        let bad = || format!("'{s}' is not a MAC address (like 00:11:22:33:44:55)");
        if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let mut b = [0u8; 6];
        for (i, byte) in b.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(MacAddr(b))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4], b[5]
        )
    }
}

/// An MTU: a number of bytes or `Unlimited` (loopback).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mtu {
    /// Bytes.
    Bytes(u32),
    /// No limit.
    Unlimited,
}

impl fmt::Display for Mtu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mtu::Bytes(n) => write!(f, "{n}"),
            Mtu::Unlimited => f.write_str("Unlimited"),
        }
    }
}

/// A link speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speed {
    /// Megabits per second.
    Mbps(u32),
    /// Auto-negotiated (`speed auto`).
    Auto,
    /// No limit (loopback).
    Unlimited,
    /// Not known (an aggregate without members).
    Unspecified,
}

impl Speed {
    /// Bits per second (0 for `Auto`, `u64::MAX` for `Unlimited`), for bandwidth fields.
    pub fn bps(self) -> u64 {
        match self {
            Speed::Mbps(m) => u64::from(m) * 1_000_000,
            Speed::Auto | Speed::Unspecified => 0,
            Speed::Unlimited => u64::MAX,
        }
    }

    /// The speed for a configuration keyword (`100m`, `1g`, `10g`, `2.5g`, `auto`).
    pub fn from_keyword(s: &str) -> Option<Speed> {
        if s == "auto" {
            return Some(Speed::Auto);
        }
        if let Some(m) = s.strip_suffix('m') {
            return m.parse().ok().map(Speed::Mbps);
        }
        let g = s.strip_suffix('g')?;
        let gbps: f64 = g.parse().ok()?;
        let mbps = (gbps * 1000.0).round();
        (mbps > 0.0 && mbps < f64::from(u32::MAX)).then_some(Speed::Mbps(mbps as u32))
    }
}

impl fmt::Display for Speed {
    /// Junos form: `100mbps`, `1000mbps`, `2500mbps`, `10Gbps`, `Auto`, `Unlimited`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Speed::Mbps(m) if *m >= 10_000 && m % 1000 == 0 => write!(f, "{}Gbps", m / 1000),
            Speed::Mbps(m) => write!(f, "{m}mbps"),
            Speed::Auto => f.write_str("Auto"),
            Speed::Unlimited => f.write_str("Unlimited"),
            Speed::Unspecified => f.write_str("Unspecified"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str, len: u8) -> IfAddress {
        IfAddress {
            local: s.parse().expect("address"),
            prefix_len: len,
            primary: false,
            api: false,
        }
    }

    #[test]
    fn destinations_use_the_junos_short_form() {
        assert_eq!(addr("10.10.50.2", 24).destination(), "10.10.50/24");
        assert_eq!(addr("192.0.2.1", 30).destination(), "192.0.2/30");
        assert_eq!(addr("192.0.2.5", 30).destination(), "192.0.2.4/30");
        assert_eq!(addr("172.16.0.1", 12).destination(), "172.16/12");
        assert_eq!(addr("2001:db8::1", 64).destination(), "2001:db8::/64");
    }

    #[test]
    fn broadcast_only_for_ipv4_subnets_with_hosts() {
        assert_eq!(
            addr("192.0.2.1", 24).broadcast(),
            Some(Ipv4Addr::new(192, 0, 2, 255))
        );
        assert_eq!(addr("192.0.2.1", 31).broadcast(), None);
        assert_eq!(addr("2001:db8::1", 64).broadcast(), None);
        assert!(addr("10.0.0.1", 32).is_host());
    }

    #[test]
    fn speeds_print_like_junos() {
        assert_eq!(Speed::Mbps(1000).to_string(), "1000mbps");
        assert_eq!(Speed::Mbps(10_000).to_string(), "10Gbps");
        assert_eq!(Speed::from_keyword("2.5g"), Some(Speed::Mbps(2500)));
        assert_eq!(Speed::from_keyword("100m"), Some(Speed::Mbps(100)));
        assert_eq!(Speed::from_keyword("auto"), Some(Speed::Auto));
        assert_eq!(Speed::from_keyword("fast"), None);
        assert_eq!(Speed::Unlimited.to_string(), "Unlimited");
    }

    #[test]
    fn macs_print_lowercase_colon_separated() {
        assert_eq!(
            MacAddr([2, 5, 0x86, 0xab, 0, 1]).to_string(),
            "02:05:86:ab:00:01"
        );
    }
}
