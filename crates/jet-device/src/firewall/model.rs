//! The firewall's vocabulary: filters, terms (match conditions and actions), policers and
//! bind points, as the device holds them. Built by jsd from the JET protobuf messages and
//! by [`super::config`] from `firewall family inet filter ...`; no protobuf here.

use std::net::IpAddr;

/// A filter's family. The JET API also names ethernet-switching, VPLS, CCC and
/// multiservice; this device has no bridging, so jsd refuses those with
/// `EUNSUPPORTED_OP` before they get here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FwFamily {
    /// IPv4.
    Inet,
    /// IPv6.
    Inet6,
    /// MPLS.
    Mpls,
}

impl FwFamily {
    /// The Junos keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            FwFamily::Inet => "inet",
            FwFamily::Inet6 => "inet6",
            FwFamily::Mpls => "mpls",
        }
    }

    /// Longest prefix length of the family's addresses.
    pub fn max_prefix(self) -> u8 {
        match self {
            FwFamily::Inet => 32,
            FwFamily::Inet6 => 128,
            FwFamily::Mpls => 0,
        }
    }
}

/// A numeric packet field a term can match with ranges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// IP protocol (inet) or payload protocol / next header (inet6).
    Protocol,
    /// TCP/UDP source port.
    SrcPort,
    /// TCP/UDP destination port.
    DstPort,
    /// DSCP (0-63).
    Dscp,
    /// ICMP type.
    IcmpType,
    /// ICMP code.
    IcmpCode,
    /// Packet length in bytes.
    PacketLength,
    /// TTL / hop limit.
    Ttl,
    /// Fragment offset (8-byte units).
    FragmentOffset,
    /// IP precedence (0-7, the top three bits of the ToS byte).
    Precedence,
    /// IPv6 traffic class (the contract's 0-63 range: the DSCP part).
    TrafficClass,
    /// Loss priority (1 high .. 4 low, as the JET enum numbers them).
    LossPriority,
    /// Forwarding class (JET enum number).
    ForwardingClass,
    /// First (top) MPLS label.
    Label1,
    /// Second MPLS label.
    Label2,
    /// Third MPLS label.
    Label3,
}

/// Number of [`Field`]s (size of a packet key).
pub const FIELDS: usize = 16;

impl Field {
    /// The Junos `from` keyword (used in messages and `show` output).
    pub fn keyword(self) -> &'static str {
        match self {
            Field::Protocol => "protocol",
            Field::SrcPort => "source-port",
            Field::DstPort => "destination-port",
            Field::Dscp => "dscp",
            Field::IcmpType => "icmp-type",
            Field::IcmpCode => "icmp-code",
            Field::PacketLength => "packet-length",
            Field::Ttl => "ttl",
            Field::FragmentOffset => "fragment-offset",
            Field::Precedence => "precedence",
            Field::TrafficClass => "traffic-class",
            Field::LossPriority => "loss-priority",
            Field::ForwardingClass => "forwarding-class",
            Field::Label1 => "label1",
            Field::Label2 => "label2",
            Field::Label3 => "label3",
        }
    }

    /// Largest value the field can take.
    pub fn max_value(self) -> u32 {
        match self {
            Field::Protocol | Field::IcmpType | Field::IcmpCode | Field::Ttl => 255,
            Field::SrcPort | Field::DstPort | Field::PacketLength => 65535,
            Field::Dscp | Field::TrafficClass => 63,
            Field::FragmentOffset => 8191,
            Field::Precedence => 7,
            Field::LossPriority | Field::ForwardingClass => 4,
            Field::Label1 | Field::Label2 | Field::Label3 => 1_048_575,
        }
    }
}

/// One inclusive range of a field's values; `except` inverts it (Junos `-except`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Lower bound, inclusive.
    pub lo: u32,
    /// Upper bound, inclusive.
    pub hi: u32,
    /// Match everything but this range.
    pub except: bool,
}

/// One address prefix of a condition; `except` excludes it (Junos `except`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrefixMatch {
    /// The address (host bits are ignored).
    pub addr: IpAddr,
    /// Prefix length.
    pub len: u8,
    /// Exclude this prefix.
    pub except: bool,
}

/// Which address a prefix condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrField {
    /// Source address.
    Src,
    /// Destination address.
    Dst,
    /// Either (Junos `address`).
    Either,
}

/// IP fragment conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentFlag {
    /// DF set.
    DontFragment,
    /// Any fragment.
    IsFragment,
    /// Offset 0 with more-fragments set.
    FirstFragment,
    /// Non-zero offset with more-fragments clear.
    LastFragment,
}

/// The match conditions of a term: all must match (an empty list matches everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    /// Address conditions, each a list of prefixes (longest matching prefix decides).
    pub addrs: Vec<(AddrField, Vec<PrefixMatch>)>,
    /// Range conditions, each a list of ranges of one field.
    pub ranges: Vec<(Field, Vec<Range>)>,
    /// Source-or-destination port ranges (Junos `port`).
    pub either_port: Vec<Range>,
    /// Fragment condition.
    pub fragment: Option<FragmentFlag>,
    /// Input interface units (any of them).
    pub interfaces: Vec<String>,
}

/// The terminating action of a term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Terminating {
    /// Accept.
    Accept,
    /// Drop silently.
    Discard,
    /// Drop and send an ICMP/ICMPv6 message (the JET reason number).
    Reject(u32),
    /// Forward using another routing instance's table.
    RoutingInstance(String),
    /// Forward using a topology of a routing instance.
    TopologyRedirect {
        /// Routing instance ("" = default).
        instance: String,
        /// Topology.
        topology: String,
    },
    /// Deliver to the named client.
    SendToClient(String),
    /// Deliver to the host (RE).
    SendToHost,
    /// Forward via a next-hop index.
    NextHop(u32),
}

impl Terminating {
    /// The Junos `then` keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            Terminating::Accept => "accept",
            Terminating::Discard => "discard",
            Terminating::Reject(_) => "reject",
            Terminating::RoutingInstance(_) => "routing-instance",
            Terminating::TopologyRedirect { .. } => "topology",
            Terminating::SendToClient(_) => "send-to-client",
            Terminating::SendToHost => "send-to-host",
            Terminating::NextHop(_) => "next-hop",
        }
    }

    /// True when the packet goes on (is not dropped).
    pub fn forwards(&self) -> bool {
        !matches!(self, Terminating::Discard | Terminating::Reject(_))
    }
}

/// The actions of a term: any number of non-terminating ones, at most one terminating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions {
    /// Count in this counter.
    pub count: Option<String>,
    /// Log the packet (`show firewall log`).
    pub log: bool,
    /// Send to syslog.
    pub syslog: bool,
    /// Sample.
    pub sample: bool,
    /// Port-mirror.
    pub port_mirror: bool,
    /// Police with this policer (by name).
    pub policer: Option<String>,
    /// Continue with the next term.
    pub next_term: bool,
    /// Set loss priority (JET enum number).
    pub loss_priority: Option<u32>,
    /// Set forwarding class (JET enum number).
    pub forwarding_class: Option<u32>,
    /// Set forwarding priority.
    pub forwarding_priority: Option<u32>,
    /// Rewrite DSCP.
    pub dscp: Option<u32>,
    /// Forward out of this interface unit.
    pub next_interface: Option<String>,
    /// Forward toward this address.
    pub next_ip: Option<IpAddr>,
    /// Copy to this host client.
    pub copy_to_host: Option<String>,
    /// The terminating action.
    pub terminating: Option<Terminating>,
}

/// One term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Name, unique in its filter.
    pub name: String,
    /// Conditions.
    pub matches: Matches,
    /// Actions.
    pub actions: Actions,
}

/// Where a term goes in FilterModify, relative to another term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// At the end.
    End,
    /// Before the named term.
    Before(String),
    /// After the named term.
    After(String),
}

/// One FilterModify operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermOp {
    /// Add a term.
    Add(Term, Placement),
    /// Delete a term by name.
    Delete(String),
    /// Replace a term (by name), optionally moving it.
    Replace(Term, Placement),
}

/// A policer's algorithm and parameters (rates in bit/s, bursts in bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicerKind {
    /// Single-rate two-color.
    TwoColor {
        /// Bandwidth limit.
        bandwidth: u64,
        /// Burst size limit.
        burst: u64,
        /// Drop out-of-spec packets (else re-mark).
        discard: bool,
        /// Loss priority for out-of-spec packets (JET enum number, 0 = unset).
        loss_priority: u32,
        /// Forwarding class for out-of-spec packets.
        forwarding_class: String,
    },
    /// Single-rate three-color (srTCM).
    SingleRateThreeColor {
        /// Committed information rate.
        cir: u64,
        /// Committed burst size.
        cbs: u64,
        /// Excess burst size.
        ebs: u64,
        /// Drop red packets.
        discard: bool,
        /// Color-aware (else color-blind).
        color_aware: bool,
    },
    /// Two-rate three-color (trTCM).
    TwoRateThreeColor {
        /// Committed information rate.
        cir: u64,
        /// Committed burst size.
        cbs: u64,
        /// Peak information rate.
        pir: u64,
        /// Peak burst size.
        pbs: u64,
        /// Drop red packets.
        discard: bool,
        /// Color-aware.
        color_aware: bool,
    },
    /// Hierarchical (aggregate + premium).
    Hierarchical {
        /// Aggregate rate.
        aggregate_rate: u64,
        /// Aggregate burst.
        aggregate_burst: u64,
        /// Premium rate.
        premium_rate: u64,
        /// Premium burst.
        premium_burst: u64,
        /// Drop out-of-spec packets.
        discard: bool,
    },
}

impl PolicerKind {
    /// The rate above which traffic is out of spec (red for three-color policers).
    pub fn limit_bps(&self) -> u64 {
        match self {
            PolicerKind::TwoColor { bandwidth, .. } => *bandwidth,
            PolicerKind::SingleRateThreeColor { cir, .. } => *cir,
            PolicerKind::TwoRateThreeColor { pir, .. } => *pir,
            PolicerKind::Hierarchical { aggregate_rate, .. } => *aggregate_rate,
        }
    }

    /// The burst, in bytes, a single packet may not exceed to be in spec.
    pub fn burst_bytes(&self) -> u64 {
        match self {
            PolicerKind::TwoColor { burst, .. } => *burst,
            PolicerKind::SingleRateThreeColor { cbs, ebs, .. } => cbs.saturating_add(*ebs),
            PolicerKind::TwoRateThreeColor { pbs, .. } => *pbs,
            PolicerKind::Hierarchical {
                aggregate_burst, ..
            } => *aggregate_burst,
        }
    }

    /// True when out-of-spec traffic is dropped.
    pub fn discards(&self) -> bool {
        match self {
            PolicerKind::TwoColor { discard, .. }
            | PolicerKind::SingleRateThreeColor { discard, .. }
            | PolicerKind::TwoRateThreeColor { discard, .. }
            | PolicerKind::Hierarchical { discard, .. } => *discard,
        }
    }

    /// The Junos word for the policer type.
    pub fn type_word(&self) -> &'static str {
        match self {
            PolicerKind::TwoColor { .. } => "two-color",
            PolicerKind::SingleRateThreeColor { .. } => "single-rate-three-color",
            PolicerKind::TwoRateThreeColor { .. } => "two-rate-three-color",
            PolicerKind::Hierarchical { .. } => "hierarchical",
        }
    }
}

/// A policer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policer {
    /// Name.
    pub name: String,
    /// Algorithm and parameters.
    pub kind: PolicerKind,
    /// One instance per referencing term (`<policer>-<term>` counters), else one per filter.
    pub term_specific: bool,
}

/// A direction of a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// Ingress.
    Input,
    /// Egress.
    Output,
}

impl Direction {
    /// The Junos keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Input => "input",
            Direction::Output => "output",
        }
    }
}

/// Where a filter is bound.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BindPoint {
    /// An interface unit ("ge-0/0/0.0").
    Interface(String),
    /// A forwarding table ("inet.0", "VRF.inet.0").
    ForwardingTable(String),
    /// A VLAN of a routing instance.
    Vlan {
        /// VLAN name.
        name: String,
        /// Routing instance.
        table: String,
    },
    /// A bridge domain of a routing instance.
    BridgeDomain {
        /// Bridge domain name.
        name: String,
        /// Routing instance.
        table: String,
    },
}

impl std::fmt::Display for BindPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindPoint::Interface(n) => write!(f, "interface {n}"),
            BindPoint::ForwardingTable(n) => write!(f, "forwarding-table {n}"),
            BindPoint::Vlan { name, table } => write!(f, "vlan {name} ({table})"),
            BindPoint::BridgeDomain { name, table } => write!(f, "bridge-domain {name} ({table})"),
        }
    }
}

/// One binding of a filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Binding {
    /// The bind point.
    pub point: BindPoint,
    /// Direction.
    pub direction: Direction,
    /// Family on the bind point (equals the filter's).
    pub family: FwFamily,
}

/// A packet and byte count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Packets.
    pub packets: u64,
    /// Bytes.
    pub bytes: u64,
}

impl Count {
    /// Adds `packets` packets totalling `bytes` bytes.
    pub fn add(&mut self, packets: u64, bytes: u64) {
        self.packets = self.packets.saturating_add(packets);
        self.bytes = self.bytes.saturating_add(bytes);
    }
}
