//! Builders for `jnx.jet.firewall` messages: terms, filters, policers and bindings
//! without spelling out the nested protobuf (the messages stay plain; every builder ends
//! in the generated type, so anything the builders do not cover can still be set).
//!
//! ```
//! use jet_sdk::firewall::{InetTerm, inet_filter, bind_interface, two_color_policer, Dir};
//! let add = inet_filter("protect", vec![
//!     InetTerm::new("web").dst("192.0.2.0/24").protocol(6).dst_port(80).count("web").accept(),
//!     InetTerm::new("flood").protocol(17).policer("lim").count("udp").accept(),
//!     InetTerm::new("rest").discard(),
//! ]);
//! assert_eq!(add.terms_list.len(), 3);
//! let bind = bind_interface("protect", "ge-0/0/0.0", Dir::Input);
//! let pol = two_color_policer("lim", 1_000_000, 15_000, true);
//! # let _ = (bind, pol);
//! ```

use crate::proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use crate::proto::jnx::jet::firewall::{
    self as pb, filter_bind_obj_point::BindPoint, filter_term::FilterTerm as T,
    filter_term_inet_terminating_action::TerminatingAction as Ta, policer_parameter::Parameter,
};

/// A binding direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Ingress.
    Input,
    /// Egress.
    Output,
}

impl Dir {
    fn wire(self) -> i32 {
        match self {
            Dir::Input => pb::FilterBindDirection::BindDirectionInput as i32,
            Dir::Output => pb::FilterBindDirection::BindDirectionOutput as i32,
        }
    }
}

fn addr(prefix: &str) -> pb::MatchIpAddress {
    let (a, len) = match prefix.split_once('/') {
        Some((a, l)) => (a, l.parse().unwrap_or(32)),
        None => (prefix, if prefix.contains(':') { 128 } else { 32 }),
    };
    pb::MatchIpAddress {
        addr: Some(IpAddress {
            addr_format: Some(AddrFormat::AddrString(a.to_owned())),
        }),
        prefix_length: len,
        operation: pb::MatchOperation::OpEqual as i32,
    }
}

fn port(lo: u32, hi: u32) -> pb::MatchPort {
    pb::MatchPort {
        min: lo,
        max: hi,
        operation: pb::MatchOperation::OpEqual as i32,
    }
}

/// An IPv4 (`family inet`) term.
#[derive(Debug, Clone, Default)]
pub struct InetTerm {
    term: pb::FilterInetTerm,
}

impl InetTerm {
    /// A term that matches everything and does nothing yet.
    pub fn new(name: &str) -> InetTerm {
        InetTerm {
            term: pb::FilterInetTerm {
                term_name: name.to_owned(),
                matches: Some(pb::FilterTermMatchInet::default()),
                actions: Some(pb::FilterTermInetAction {
                    actions_nt: Some(pb::FilterTermInetNonTerminatingAction::default()),
                    action_t: None,
                }),
                ..Default::default()
            },
        }
    }

    fn m(&mut self) -> &mut pb::FilterTermMatchInet {
        self.term.matches.get_or_insert_with(Default::default)
    }

    fn nt(&mut self) -> &mut pb::FilterTermInetNonTerminatingAction {
        self.term
            .actions
            .get_or_insert_with(Default::default)
            .actions_nt
            .get_or_insert_with(Default::default)
    }

    fn t(mut self, a: Ta) -> Self {
        self.term
            .actions
            .get_or_insert_with(Default::default)
            .action_t = Some(pb::FilterTermInetTerminatingAction {
            terminating_action: Some(a),
        });
        self
    }

    /// Match destination prefix `p` ("192.0.2.0/24").
    pub fn dst(mut self, p: &str) -> Self {
        self.m().ipv4_dst_addrs.push(addr(p));
        self
    }

    /// Match source prefix `p`.
    pub fn src(mut self, p: &str) -> Self {
        self.m().ipv4_src_addrs.push(addr(p));
        self
    }

    /// Match IP protocol `p` (6 = TCP, 17 = UDP, 1 = ICMP).
    pub fn protocol(mut self, p: u32) -> Self {
        self.m().protocols.push(pb::MatchProtocol {
            min: p,
            max: p,
            operation: pb::MatchOperation::OpEqual as i32,
        });
        self
    }

    /// Match destination port `p`.
    pub fn dst_port(mut self, p: u32) -> Self {
        self.m().dst_ports.push(port(p, p));
        self
    }

    /// Match destination ports `lo..=hi`.
    pub fn dst_ports(mut self, lo: u32, hi: u32) -> Self {
        self.m().dst_ports.push(port(lo, hi));
        self
    }

    /// Match source port `p`.
    pub fn src_port(mut self, p: u32) -> Self {
        self.m().src_ports.push(port(p, p));
        self
    }

    /// Match DSCP `d`.
    pub fn dscp(mut self, d: u32) -> Self {
        self.m().dscp_codes.push(pb::MatchDscpCode {
            min: d,
            max: d,
            operation: pb::MatchOperation::OpEqual as i32,
        });
        self
    }

    /// Count matches in counter `c`.
    pub fn count(mut self, c: &str) -> Self {
        self.nt().count = Some(pb::ActionCounter {
            counter_name: c.to_owned(),
        });
        self
    }

    /// Police matches with the (existing) two-color policer `p`.
    pub fn policer(mut self, p: &str) -> Self {
        self.nt().policer = Some(pb::ActionPolicer {
            policer: Some(pb::Policer {
                name: p.to_owned(),
                r#type: pb::PolicerType::TwoColorPolicer as i32,
                ..Default::default()
            }),
        });
        self
    }

    /// Log matches.
    pub fn log(mut self) -> Self {
        self.nt().log = true;
        self
    }

    /// Continue with the next term.
    pub fn next_term(mut self) -> Self {
        self.nt().next_term = true;
        self
    }

    /// Accept (terminating).
    pub fn accept(self) -> pb::FilterTerm {
        self.t(Ta::Accept(true)).build()
    }

    /// Discard (terminating).
    pub fn discard(self) -> pb::FilterTerm {
        self.t(Ta::Discard(true)).build()
    }

    /// Reject with ICMP administratively prohibited (terminating).
    pub fn reject(self) -> pb::FilterTerm {
        self.t(Ta::Reject(0)).build()
    }

    /// The term without a terminating action (implicit accept unless `next_term`).
    pub fn build(self) -> pb::FilterTerm {
        pb::FilterTerm {
            filter_term: Some(T::InetTerm(self.term)),
        }
    }

    /// For FilterModify: add the term after term `after` (`None`: at the end).
    pub fn add_after(self, after: Option<&str>) -> Self {
        self.op(pb::FilterTermOperation::TermOperationAdd, after)
    }

    /// For FilterModify: replace the term of the same name (in place).
    pub fn replace(self) -> Self {
        self.op(pb::FilterTermOperation::TermOperationReplace, None)
    }

    fn op(mut self, op: pb::FilterTermOperation, after: Option<&str>) -> Self {
        self.term.term_op = op as i32;
        self.term.adjacency = after.map(|a| pb::FilterAdjacency {
            r#type: pb::FilterAdjacencyType::TermAfter as i32,
            term_name: a.to_owned(),
        });
        self
    }
}

/// A FilterModify operation deleting term `name` of an inet filter.
pub fn delete_inet_term(name: &str) -> pb::FilterTerm {
    let mut t = InetTerm::new(name);
    t.term.term_op = pb::FilterTermOperation::TermOperationDelete as i32;
    t.build()
}

/// FilterAdd of an IPv4 filter.
pub fn inet_filter(name: &str, terms: Vec<pb::FilterTerm>) -> pb::FilterAddRequest {
    pb::FilterAddRequest {
        name: name.to_owned(),
        r#type: pb::FilterTypes::TypeClassic as i32,
        family: pb::FilterFamilies::FamilyInet as i32,
        flag: pb::FilterFlags::FlagsNone as i32,
        terms_list: terms,
    }
}

/// FilterModify of an IPv4 filter with per-term operations.
pub fn inet_filter_modify(name: &str, terms: Vec<pb::FilterTerm>) -> pb::FilterModifyRequest {
    pb::FilterModifyRequest {
        name: name.to_owned(),
        r#type: pb::FilterTypes::TypeClassic as i32,
        family: pb::FilterFamilies::FamilyInet as i32,
        flag: pb::FilterFlags::FlagsNone as i32,
        terms_list: terms,
    }
}

/// FilterDelete of an IPv4 filter.
pub fn inet_filter_delete(name: &str) -> pb::FilterDeleteRequest {
    pb::FilterDeleteRequest {
        name: name.to_owned(),
        family: pb::FilterFamilies::FamilyInet as i32,
    }
}

/// FilterBindAdd of IPv4 filter `filter` on interface unit `unit`.
pub fn bind_interface(filter: &str, unit: &str, dir: Dir) -> pb::FilterObjBindAddRequest {
    pb::FilterObjBindAddRequest {
        filter: Some(pb::Filter {
            name: filter.to_owned(),
            family: pb::FilterFamilies::FamilyInet as i32,
        }),
        obj_type: pb::FilterBindObjType::BindObjTypeInterface as i32,
        bind_object: Some(pb::FilterBindObjPoint {
            bind_point: Some(BindPoint::InterfaceName(unit.to_owned())),
        }),
        bind_direction: dir.wire(),
        bind_family: pb::FilterFamilies::FamilyInet as i32,
    }
}

/// FilterBindDelete matching [`bind_interface`].
pub fn unbind_interface(filter: &str, unit: &str, dir: Dir) -> pb::FilterObjBindDeleteRequest {
    let b = bind_interface(filter, unit, dir);
    pb::FilterObjBindDeleteRequest {
        filter: b.filter,
        obj_type: b.obj_type,
        bind_object: b.bind_object,
        bind_direction: b.bind_direction,
        bind_family: b.bind_family,
    }
}

/// PolicerAdd of a filter-specific two-color policer: `bps` bit/s, `burst` bytes,
/// out-of-spec packets dropped when `discard`.
pub fn two_color_policer(name: &str, bps: u64, burst: u64, discard: bool) -> pb::PolicerAddRequest {
    pb::PolicerAddRequest {
        name: name.to_owned(),
        r#type: pb::PolicerType::TwoColorPolicer as i32,
        flag: pb::PolicerFlag::FilterSpecific as i32,
        params: Some(pb::PolicerParameter {
            parameter: Some(Parameter::TwoColorParameter(pb::PolicerTwoColor {
                bandwidth: bps,
                burst_size: burst,
                discard,
                ..Default::default()
            })),
        }),
    }
}

/// FilterCounterGet of `counter` in `filter`.
pub fn counter(filter: &str, counter: &str) -> pb::FilterCounterGetRequest {
    pb::FilterCounterGetRequest {
        filter_name: filter.to_owned(),
        counter_name: counter.to_owned(),
    }
}
