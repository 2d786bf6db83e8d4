//! `jnx.jet.firewall` messages → the device's firewall vocabulary. Refusals are
//! [`FirewallError`]s naming the filter, term and field (EINVALID_MESSAGE), or saying
//! what this device does not do (EUNSUPPORTED_OP); svc/status.rs maps them.

use std::fmt;
use std::net::IpAddr;

use jet_device::firewall::{
    Actions, AddrField, BindPoint, Binding, Direction, Field, FirewallError, FragmentFlag,
    FwFamily, Matches, Placement, Policer, PolicerKind, PrefixMatch, Range, Term, TermOp,
    Terminating,
};
use jet_proto::jnx::jet::common::{ip_address::AddrFormat, IpAddress};
use jet_proto::jnx::jet::firewall as pb;

fn invalid(m: String) -> FirewallError {
    FirewallError::Invalid(m)
}

fn unsupported(m: String) -> FirewallError {
    FirewallError::Unsupported(m)
}

/// Where in a request a value sits ("filter 'F' term 'T'"), formatted only when a message
/// is written: the conversion of a 10,000-term filter must not format 10,000 names.
#[derive(Clone, Copy)]
struct At<'a> {
    filter: &'a str,
    term: &'a str,
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "filter '{}' term '{}'", self.filter, self.term)
    }
}

/// A field under a place ("filter 'F' term 'T': dst_ports"), formatted lazily too.
#[derive(Clone, Copy)]
struct In<'a>(At<'a>, &'a str);

impl fmt::Display for In<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0, self.1)
    }
}

/// A filter family field.
pub(crate) fn family(field: &str, v: i32) -> Result<FwFamily, FirewallError> {
    use pb::FilterFamilies as F;
    match F::try_from(v) {
        Ok(F::FamilyInet) => Ok(FwFamily::Inet),
        Ok(F::FamilyInet6) => Ok(FwFamily::Inet6),
        Ok(F::FamilyMpls) => Ok(FwFamily::Mpls),
        Ok(f @ (F::FamilyEs | F::FamilyVpls | F::FamilyCcc | F::FamilyMultiservice)) => {
            Err(unsupported(format!(
                "{field}: {} filters are not supported: this device has no bridging or circuit cross-connects",
                f.as_str_name()
            )))
        }
        Ok(F::FamilyInvalid) => Err(invalid(format!("{field}: family is not set"))),
        Err(_) => Err(invalid(format!("{field}: family {v} is not a FilterFamilies value"))),
    }
}

/// FilterAdd's type and flag: TYPE_CLASSIC and FLAGS_NONE are the only values.
pub(crate) fn filter_type(
    name: &str,
    ty: i32,
    flag: i32,
    strict: bool,
) -> Result<(), FirewallError> {
    let ok_type = ty == pb::FilterTypes::TypeClassic as i32 || (!strict && ty == 0);
    if !ok_type {
        return Err(invalid(format!(
            "filter '{name}': type {ty} is not TYPE_CLASSIC (the only filter type)"
        )));
    }
    if flag != pb::FilterFlags::FlagsNone as i32 {
        return Err(invalid(format!(
            "filter '{name}': flag {flag} is not FLAGS_NONE (the only filter flag)"
        )));
    }
    Ok(())
}

fn ip(field: impl fmt::Display, a: Option<&IpAddress>) -> Result<IpAddr, FirewallError> {
    match a.and_then(|a| a.addr_format.as_ref()) {
        Some(AddrFormat::AddrString(s)) => s
            .parse()
            .map_err(|_| invalid(format!("{field}: '{s}' is not an IP address"))),
        Some(AddrFormat::AddrBytes(b)) => match b.len() {
            4 => Ok(IpAddr::from(
                <[u8; 4]>::try_from(&b[..]).unwrap_or_default(),
            )),
            16 => Ok(IpAddr::from(
                <[u8; 16]>::try_from(&b[..]).unwrap_or_default(),
            )),
            n => Err(invalid(format!(
                "{field}: {n} address bytes (want 4 or 16)"
            ))),
        },
        None => Err(invalid(format!("{field}: address is not set"))),
    }
}

fn except(field: impl fmt::Display, op: i32) -> Result<bool, FirewallError> {
    match pb::MatchOperation::try_from(op) {
        // OP_INVALID is "unset": the condition as given.
        Ok(pb::MatchOperation::OpInvalid | pb::MatchOperation::OpEqual) => Ok(false),
        Ok(pb::MatchOperation::OpNotEqual) => Ok(true),
        Err(_) => Err(invalid(format!(
            "{field}: operation {op} is not a MatchOperation value"
        ))),
    }
}

fn prefixes(
    at: At<'_>,
    field: &str,
    list: &[pb::MatchIpAddress],
) -> Result<Vec<PrefixMatch>, FirewallError> {
    list.iter()
        .map(|m| {
            let f = In(at, field);
            let addr = ip(f, m.addr.as_ref())?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            if m.prefix_length > max {
                return Err(invalid(format!(
                    "{f}: prefix length {} is out of range 0-{max}",
                    m.prefix_length
                )));
            }
            Ok(PrefixMatch {
                addr,
                len: m.prefix_length as u8,
                except: except(f, m.operation)?,
            })
        })
        .collect()
}

/// Every `Match*` range message: min, max, operation.
trait RangeMsg {
    fn parts(&self) -> (u32, u32, i32);
}

macro_rules! range_msg {
    ($($t:ty),*) => {$(
        impl RangeMsg for $t {
            fn parts(&self) -> (u32, u32, i32) {
                (self.min, self.max, self.operation)
            }
        }
    )*};
}
range_msg!(
    pb::MatchPort,
    pb::MatchTrafficClass,
    pb::MatchDscpCode,
    pb::MatchProtocol,
    pb::MatchIcmpType,
    pb::MatchIcmpCode,
    pb::MatchPacketLength,
    pb::MatchNextHeader,
    pb::MatchMplsLabel,
    pb::MatchTtl,
    pb::MatchFragmentOffset
);

impl RangeMsg for pb::MatchIpPrecedence {
    fn parts(&self) -> (u32, u32, i32) {
        (
            self.min.max(0) as u32,
            self.max.max(0) as u32,
            self.operation,
        )
    }
}

fn ranges<T: RangeMsg>(at: At<'_>, field: &str, list: &[T]) -> Result<Vec<Range>, FirewallError> {
    list.iter()
        .map(|m| {
            let (lo, hi, op) = m.parts();
            Ok(Range {
                lo,
                hi,
                except: except(In(at, field), op)?,
            })
        })
        .collect()
}

struct Builder<'a> {
    at: At<'a>,
    m: Matches,
}

impl Builder<'_> {
    fn addrs(
        &mut self,
        which: AddrField,
        field: &str,
        list: &[pb::MatchIpAddress],
    ) -> Result<(), FirewallError> {
        if !list.is_empty() {
            self.m.addrs.push((which, prefixes(self.at, field, list)?));
        }
        Ok(())
    }

    fn ranges<T: RangeMsg>(
        &mut self,
        f: Field,
        field: &str,
        list: &[T],
    ) -> Result<(), FirewallError> {
        if !list.is_empty() {
            let mut r = ranges(self.at, field, list)?;
            if let Some((_, have)) = self.m.ranges.iter_mut().find(|(g, _)| *g == f) {
                have.append(&mut r);
            } else {
                self.m.ranges.push((f, r));
            }
        }
        Ok(())
    }

    fn enums(&mut self, f: Field, field: &str, list: &[(i32, i32)]) -> Result<(), FirewallError> {
        let mut out = Vec::new();
        for &(v, op) in list {
            let v = u32::try_from(v)
                .map_err(|_| invalid(format!("{}: {field}: value {v} is invalid", self.at)))?;
            out.push(Range {
                lo: v,
                hi: v,
                except: except(In(self.at, field), op)?,
            });
        }
        if !out.is_empty() {
            self.m.ranges.push((f, out));
        }
        Ok(())
    }

    fn either_port(&mut self, list: &[pb::MatchPort]) -> Result<(), FirewallError> {
        self.m.either_port = ranges(self.at, "ports", list)?;
        Ok(())
    }

    fn fragment(&mut self, v: i32) -> Result<(), FirewallError> {
        use pb::FilterFragmentFlags as F;
        self.m.fragment = match F::try_from(v) {
            Ok(F::FragmentNone) => None,
            Ok(F::DontFragment) => Some(FragmentFlag::DontFragment),
            Ok(F::IsFragment) => Some(FragmentFlag::IsFragment),
            Ok(F::FirstFragment) => Some(FragmentFlag::FirstFragment),
            Ok(F::LastFragment) => Some(FragmentFlag::LastFragment),
            Err(_) => {
                return Err(invalid(format!(
                    "{}: fragment_flag {v} is not a FilterFragmentFlags value",
                    self.at
                )))
            }
        };
        Ok(())
    }

    fn interfaces(&mut self, list: &[pb::MatchInterfaceUnit]) -> Result<(), FirewallError> {
        use pb::match_interface_unit::Interface;
        for u in list {
            match &u.interface {
                Some(Interface::UnitName(n)) => self.m.interfaces.push(n.clone()),
                Some(Interface::UnitIndex(i)) => {
                    return Err(unsupported(format!(
                        "{}: interface_units: unit_index {i} is not supported; give unit_name",
                        self.at
                    )))
                }
                None => {
                    return Err(invalid(format!(
                        "{}: interface_units: neither unit_name nor unit_index is set",
                        self.at
                    )))
                }
            }
        }
        Ok(())
    }

    fn refuse(&self, field: &str, present: bool) -> Result<(), FirewallError> {
        if present {
            return Err(unsupported(format!(
                "{}: {field} matches are not supported by this device",
                self.at
            )));
        }
        Ok(())
    }
}

fn inet_matches(at: At<'_>, m: &pb::FilterTermMatchInet) -> Result<Matches, FirewallError> {
    let mut b = Builder {
        at,
        m: Matches::default(),
    };
    b.refuse("flex_range", m.flex_range.is_some())?;
    b.refuse("flex_mask", m.flex_mask.is_some())?;
    b.refuse("gtp_header", m.gtp_header.is_some())?;
    b.refuse("five_tuple_exact", !m.five_tuple_exact.is_empty())?;
    b.addrs(AddrField::Dst, "ipv4_dst_addrs", &m.ipv4_dst_addrs)?;
    b.addrs(AddrField::Src, "ipv4_src_addrs", &m.ipv4_src_addrs)?;
    b.addrs(AddrField::Either, "ipv4_addrs", &m.ipv4_addrs)?;
    b.ranges(Field::DstPort, "dst_ports", &m.dst_ports)?;
    b.ranges(Field::SrcPort, "src_ports", &m.src_ports)?;
    b.ranges(Field::Dscp, "dscp_codes", &m.dscp_codes)?;
    b.ranges(Field::Protocol, "protocols", &m.protocols)?;
    b.ranges(Field::IcmpType, "icmp_types", &m.icmp_types)?;
    b.ranges(Field::IcmpCode, "icmp_codes", &m.icmp_codes)?;
    b.ranges(Field::PacketLength, "packet_lengths", &m.packet_lengths)?;
    b.ranges(Field::Ttl, "ttls", &m.ttls)?;
    b.ranges(Field::FragmentOffset, "frag_offsets", &m.frag_offsets)?;
    b.ranges(Field::Precedence, "ip_precedences", &m.ip_precedences)?;
    b.either_port(&m.ports)?;
    b.fragment(m.fragment_flag)?;
    b.interfaces(&m.interface_units)?;
    Ok(b.m)
}

fn inet6_matches(at: At<'_>, m: &pb::FilterTermMatchInet6) -> Result<Matches, FirewallError> {
    let mut b = Builder {
        at,
        m: Matches::default(),
    };
    b.refuse("flex_range", m.flex_range.is_some())?;
    b.refuse("flex_mask", m.flex_mask.is_some())?;
    b.refuse("gtp_header", m.gtp_header.is_some())?;
    b.addrs(AddrField::Dst, "ipv6_dst_addrs", &m.ipv6_dst_addrs)?;
    b.addrs(AddrField::Src, "ipv6_src_addrs", &m.ipv6_src_addrs)?;
    b.addrs(AddrField::Either, "ipv6_addrs", &m.ipv6_addrs)?;
    b.ranges(Field::DstPort, "dst_ports", &m.dst_ports)?;
    b.ranges(Field::SrcPort, "src_ports", &m.src_ports)?;
    b.ranges(Field::Dscp, "dscp_codes", &m.dscp_codes)?;
    b.ranges(Field::Protocol, "payload_protocols", &m.payload_protocols)?;
    b.ranges(Field::Protocol, "ipv6_next_headers", &m.ipv6_next_headers)?;
    b.ranges(Field::IcmpType, "icmp_types", &m.icmp_types)?;
    b.ranges(Field::IcmpCode, "icmp_codes", &m.icmp_codes)?;
    b.ranges(Field::PacketLength, "packet_lengths", &m.packet_lengths)?;
    b.ranges(Field::TrafficClass, "traffic_classes", &m.traffic_classes)?;
    let lp: Vec<_> = m
        .loss_priorities
        .iter()
        .map(|l| (l.priority, l.operation))
        .collect();
    b.enums(Field::LossPriority, "loss_priorities", &lp)?;
    let fc: Vec<_> = m
        .forwarding_class
        .iter()
        .map(|l| (l.forwarding_class, l.operation))
        .collect();
    b.enums(Field::ForwardingClass, "forwarding_class", &fc)?;
    b.either_port(&m.ports)?;
    b.fragment(m.fragment_flag)?;
    b.interfaces(&m.interface_units)?;
    Ok(b.m)
}

fn mpls_matches(at: At<'_>, m: &pb::FilterTermMatchMpls) -> Result<Matches, FirewallError> {
    let mut b = Builder {
        at,
        m: Matches::default(),
    };
    b.refuse("flex_range", m.flex_range.is_some())?;
    b.refuse("flex_mask", m.flex_mask.is_some())?;
    b.ranges(Field::Label1, "labels1", &m.labels1)?;
    b.ranges(Field::Label2, "labels2", &m.labels2)?;
    b.ranges(Field::Label3, "labels3", &m.labels3)?;
    Ok(b.m)
}

fn policer_ref(p: &Option<pb::ActionPolicer>) -> Option<String> {
    p.as_ref()
        .and_then(|p| p.policer.as_ref())
        .map(|p| p.name.clone())
}

fn inet_actions(a: Option<&pb::FilterTermInetAction>) -> Actions {
    use pb::filter_term_inet_terminating_action::TerminatingAction as T;
    let mut out = Actions::default();
    let Some(a) = a else { return out };
    if let Some(nt) = &a.actions_nt {
        out.count = nt.count.as_ref().map(|c| c.counter_name.clone());
        out.log = nt.log;
        out.syslog = nt.syslog;
        out.policer = policer_ref(&nt.policer);
        out.sample = nt.sample;
        out.next_term = nt.next_term;
    }
    out.terminating = a
        .action_t
        .as_ref()
        .and_then(|t| t.terminating_action.as_ref())
        .and_then(|t| match t {
            T::Accept(true) => Some(Terminating::Accept),
            T::Discard(true) => Some(Terminating::Discard),
            T::Accept(false) | T::Discard(false) => None,
            T::Reject(r) => Some(Terminating::Reject(*r as u32)),
            T::RoutingInstanceName(n) => Some(Terminating::RoutingInstance(n.clone())),
        });
    out
}

fn inet6_actions(
    at: At<'_>,
    a: Option<&pb::FilterTermInet6Action>,
) -> Result<Actions, FirewallError> {
    use pb::filter_term_inet6_terminating_action::TerminatingAction as T;
    let mut out = Actions::default();
    let Some(a) = a else { return Ok(out) };
    if let Some(nt) = &a.actions_nt {
        out.count = nt.count.as_ref().map(|c| c.counter_name.clone());
        out.log = nt.log;
        out.syslog = nt.syslog;
        out.policer = policer_ref(&nt.policer);
        if out.policer.is_none() {
            out.policer = nt
                .policer_inst
                .as_ref()
                .and_then(|p| p.policer.as_ref())
                .map(|p| p.name.clone());
        }
        out.sample = nt.sample;
        out.next_term = nt.next_term;
        out.port_mirror = nt.port_mirror;
        out.loss_priority = nt.loss_priority.as_ref().map(|l| l.priority.max(0) as u32);
        out.forwarding_class = nt.forwarding_class.as_ref().map(|f| f.fc.max(0) as u32);
        out.forwarding_priority = nt.forwarding_priority.as_ref().map(|f| f.priority);
        out.dscp = nt.ip_dscp.as_ref().map(|d| d.dscp);
        out.copy_to_host = nt.copy_to_host.as_ref().map(|c| c.client_name.clone());
        if let Some(ni) = &nt.next_interface {
            use pb::action_interface_unit::Interface;
            out.next_interface = match ni.unit.as_ref().and_then(|u| u.interface.as_ref()) {
                Some(Interface::UnitName(n)) => Some(n.clone()),
                Some(Interface::UnitIndex(i)) => Some(format!("index {i}")),
                None => {
                    return Err(invalid(format!(
                        "{at}: next_interface: neither unit_name nor unit_index is set"
                    )))
                }
            };
        }
        if let Some(nip) = &nt.next_ip {
            out.next_ip = Some(ip(In(at, "next_ip"), nip.addr.as_ref())?);
        }
    }
    out.terminating = a
        .action_t
        .as_ref()
        .and_then(|t| t.terminating_action.as_ref())
        .and_then(|t| match t {
            T::Accept(true) => Some(Terminating::Accept),
            T::Discard(true) => Some(Terminating::Discard),
            T::SendToHost(true) => Some(Terminating::SendToHost),
            T::Accept(false) | T::Discard(false) | T::SendToHost(false) => None,
            T::Reject(r) => Some(Terminating::Reject(*r as u32)),
            T::RoutingInstanceName(n) => Some(Terminating::RoutingInstance(n.clone())),
            T::TopoRedirect(r) => Some(Terminating::TopologyRedirect {
                instance: r.routing_instance_name.clone(),
                topology: r.topology_name.clone(),
            }),
            T::SendToClient(c) => Some(Terminating::SendToClient(c.client_name.clone())),
            T::Nh(n) => Some(Terminating::NextHop(n.index)),
        });
    Ok(out)
}

fn mpls_actions(a: Option<&pb::FilterTermMplsAction>) -> Actions {
    use pb::filter_term_mpls_terminating_action::TerminatingAction as T;
    let mut out = Actions::default();
    let Some(a) = a else { return out };
    if let Some(nt) = &a.actions_nt {
        out.count = nt.count.as_ref().map(|c| c.counter_name.clone());
        out.policer = policer_ref(&nt.policer);
    }
    out.terminating = a
        .action_t
        .as_ref()
        .and_then(|t| t.terminating_action.as_ref())
        .and_then(|t| match t {
            T::Accept(true) => Some(Terminating::Accept),
            T::Discard(true) => Some(Terminating::Discard),
            _ => None,
        });
    out
}

/// One term of a FilterAdd/FilterModify with its per-term operation and adjacency.
pub(crate) struct WireTerm {
    pub(crate) term: Term,
    pub(crate) op: i32,
    pub(crate) adjacency: Option<pb::FilterAdjacency>,
}

/// A `FilterTerm` of filter `filter` (family `family`).
pub(crate) fn term(
    filter: &str,
    family: FwFamily,
    t: &pb::FilterTerm,
) -> Result<WireTerm, FirewallError> {
    use pb::filter_term::FilterTerm as T;
    let Some(inner) = &t.filter_term else {
        return Err(invalid(format!(
            "filter '{filter}': terms_list has a FilterTerm with no term set"
        )));
    };
    let (name, op, adjacency, kind) = match inner {
        T::InetTerm(x) => (&x.term_name, x.term_op, &x.adjacency, FwFamily::Inet),
        T::Inet6Term(x) => (&x.term_name, x.term_op, &x.adjacency, FwFamily::Inet6),
        T::MplsTerm(x) => (&x.term_name, x.term_op, &x.adjacency, FwFamily::Mpls),
        T::EsTerm(_) | T::VplsTerm(_) | T::CccTerm(_) | T::MserviceTerm(_) => {
            return Err(unsupported(format!(
                "filter '{filter}': ethernet-switching, vpls, ccc and multiservice terms are not supported"
            )))
        }
    };
    let at = At { filter, term: name };
    if kind != family {
        return Err(invalid(format!(
            "{at}: a family {} term in a family {} filter",
            kind.as_str(),
            family.as_str()
        )));
    }
    let (matches, actions) = match inner {
        T::InetTerm(x) => (
            x.matches
                .as_ref()
                .map(|m| inet_matches(at, m))
                .transpose()?
                .unwrap_or_default(),
            inet_actions(x.actions.as_ref()),
        ),
        T::Inet6Term(x) => (
            x.matches
                .as_ref()
                .map(|m| inet6_matches(at, m))
                .transpose()?
                .unwrap_or_default(),
            inet6_actions(at, x.actions.as_ref())?,
        ),
        T::MplsTerm(x) => (
            x.matches
                .as_ref()
                .map(|m| mpls_matches(at, m))
                .transpose()?
                .unwrap_or_default(),
            mpls_actions(x.actions.as_ref()),
        ),
        _ => unreachable_family(),
    };
    Ok(WireTerm {
        term: Term {
            name: name.clone(),
            matches,
            actions,
        },
        op,
        adjacency: adjacency.clone(),
    })
}

/// The other term kinds were refused above.
fn unreachable_family() -> (Matches, Actions) {
    (Matches::default(), Actions::default())
}

fn placement(a: Option<&pb::FilterAdjacency>) -> Placement {
    match a {
        Some(a) if !a.term_name.is_empty() => {
            if a.r#type == pb::FilterAdjacencyType::TermBefore as i32 {
                Placement::Before(a.term_name.clone())
            } else {
                Placement::After(a.term_name.clone())
            }
        }
        _ => Placement::End,
    }
}

/// FilterModify's terms as operations.
pub(crate) fn term_ops(
    filter: &str,
    family: FwFamily,
    list: &[pb::FilterTerm],
) -> Result<Vec<TermOp>, FirewallError> {
    use pb::FilterTermOperation as O;
    list.iter()
        .map(|t| {
            let w = term(filter, family, t)?;
            let p = placement(w.adjacency.as_ref());
            match O::try_from(w.op) {
                Ok(O::TermOperationAdd) => Ok(TermOp::Add(w.term, p)),
                Ok(O::TermOperationDelete) => Ok(TermOp::Delete(w.term.name)),
                Ok(O::TermOperationReplace) => Ok(TermOp::Replace(w.term, p)),
                _ => Err(invalid(format!(
                    "filter '{filter}' term '{}': term_op {} is not ADD, DELETE or REPLACE",
                    w.term.name, w.op
                ))),
            }
        })
        .collect()
}

/// FilterAdd's terms, in order (term_op and adjacency are ignored: the list is the order).
pub(crate) fn terms(
    filter: &str,
    family: FwFamily,
    list: &[pb::FilterTerm],
) -> Result<Vec<Term>, FirewallError> {
    list.iter()
        .map(|t| Ok(term(filter, family, t)?.term))
        .collect()
}

fn rate(p: &str, field: &str, v: u64, max: u64) -> Result<u64, FirewallError> {
    if !(1000..=max).contains(&v) {
        return Err(invalid(format!(
            "policer '{p}': {field} {v} is out of range 1000-{max} bits per second"
        )));
    }
    Ok(v)
}

fn burst(p: &str, field: &str, v: u64) -> Result<u64, FirewallError> {
    if !(1500..=100_000_000_000).contains(&v) {
        return Err(invalid(format!(
            "policer '{p}': {field} {v} is out of range 1500-100000000000 bytes"
        )));
    }
    Ok(v)
}

/// PolicerAdd / PolicerModify: type, flag and parameters (which must match the type).
pub(crate) fn policer(
    name: &str,
    ty: i32,
    flag: i32,
    params: Option<&pb::PolicerParameter>,
) -> Result<Policer, FirewallError> {
    use pb::policer_parameter::Parameter as P;
    use pb::PolicerType as Ty;
    const MAX: u64 = 12_500_000_000;
    let term_specific = match pb::PolicerFlag::try_from(flag) {
        Ok(pb::PolicerFlag::TermSpecific) => true,
        Ok(_) => false,
        Err(_) => {
            return Err(invalid(format!(
                "policer '{name}': flag {flag} is not a PolicerFlag value"
            )))
        }
    };
    let param = params.and_then(|p| p.parameter.as_ref());
    let color_aware = |m: i32| m == pb::PolicerColorModeType::ColorModeColorAware as i32;
    let kind = match (Ty::try_from(ty), param) {
        (Ok(Ty::TwoColorPolicer), Some(P::TwoColorParameter(p))) => PolicerKind::TwoColor {
            bandwidth: rate(name, "bandwidth", p.bandwidth, MAX)?,
            burst: burst(name, "burst_size", p.burst_size)?,
            discard: p.discard,
            loss_priority: p.loss_priority.max(0) as u32,
            forwarding_class: p.forwarding_class_name.clone(),
        },
        (Ok(Ty::SingleRateThreeColorPolicer), Some(P::SingleRateTricolorParameter(p))) => {
            PolicerKind::SingleRateThreeColor {
                cir: rate(name, "committed_rate", p.committed_rate, MAX)?,
                cbs: burst(name, "committed_burst_size", p.committed_burst_size)?,
                ebs: burst(name, "excess_burst_size", p.excess_burst_size)?,
                discard: p.discard,
                color_aware: color_aware(p.color_mode),
            }
        }
        (Ok(Ty::TwoRateThreeColorPolicer), Some(P::TwoRateTricolorParameter(p))) => {
            let cir = rate(name, "committed_rate", p.committed_rate, MAX)?;
            let pir = rate(name, "excess_rate", p.excess_rate, MAX)?;
            if pir < cir {
                return Err(invalid(format!(
                    "policer '{name}': excess_rate {pir} is below committed_rate {cir}"
                )));
            }
            PolicerKind::TwoRateThreeColor {
                cir,
                cbs: burst(name, "committed_burst_size", p.committed_burst_size)?,
                pir,
                pbs: burst(name, "excess_burst_size", p.excess_burst_size)?,
                discard: p.discard,
                color_aware: color_aware(p.color_mode),
            }
        }
        (Ok(Ty::HierarchicalPolicer), Some(P::HierarchicalParameter(p))) => {
            PolicerKind::Hierarchical {
                aggregate_rate: rate(name, "aggregate_rate", p.aggregate_rate, 10 * MAX)?,
                aggregate_burst: burst(name, "aggregate_burst_size", p.aggregate_burst_size)?,
                premium_rate: rate(name, "premium_rate", p.premium_rate, 10 * MAX)?,
                premium_burst: burst(name, "premium_burst_size", p.premium_burst_size)?,
                discard: p.discard,
            }
        }
        (Ok(Ty::PolicerInvalid) | Err(_), _) => {
            return Err(invalid(format!(
                "policer '{name}': type {ty} is not a policer type"
            )))
        }
        (Ok(t), _) => {
            return Err(invalid(format!(
                "policer '{name}': params do not hold the parameters of {}",
                t.as_str_name()
            )))
        }
    };
    Ok(Policer {
        name: name.to_owned(),
        kind,
        term_specific,
    })
}

/// FilterBindAdd / FilterBindDelete: the filter's family and the binding.
pub(crate) fn binding(
    filter: Option<&pb::Filter>,
    obj_type: i32,
    point: Option<&pb::FilterBindObjPoint>,
    direction: i32,
    bind_family: i32,
) -> Result<(String, FwFamily, Binding), FirewallError> {
    use pb::filter_bind_obj_point::BindPoint as B;
    let f = filter.ok_or_else(|| invalid("filter: not set".into()))?;
    let fam = family("filter.family", f.family)?;
    let bfam = family("bind_family", bind_family)?;
    let direction = match pb::FilterBindDirection::try_from(direction) {
        Ok(pb::FilterBindDirection::BindDirectionInput) => Direction::Input,
        Ok(pb::FilterBindDirection::BindDirectionOutput) => Direction::Output,
        _ => {
            return Err(invalid(format!(
                "filter '{}': bind_direction {direction} is not INPUT or OUTPUT",
                f.name
            )))
        }
    };
    let point = match point.and_then(|p| p.bind_point.as_ref()) {
        Some(B::InterfaceName(n)) => BindPoint::Interface(n.clone()),
        Some(B::ForwardingTable(t)) => BindPoint::ForwardingTable(t.clone()),
        Some(B::Vlan(v)) => BindPoint::Vlan {
            name: v.vlan_name.clone(),
            table: v.route_table.clone(),
        },
        Some(B::BridgeDomain(b)) => BindPoint::BridgeDomain {
            name: b.bridge_domain.clone(),
            table: b.route_table.clone(),
        },
        None => {
            return Err(invalid(format!(
                "filter '{}': bind_object is not set",
                f.name
            )))
        }
    };
    use pb::FilterBindObjType as O;
    let kind_ok = matches!(
        (O::try_from(obj_type), &point),
        (Ok(O::BindObjTypeInterface), BindPoint::Interface(_))
            | (Ok(O::BindObjTypeFwdTable), BindPoint::ForwardingTable(_))
            | (Ok(O::BindObjTypeVlan), BindPoint::Vlan { .. })
            | (Ok(O::BindObjTypeBrgDomain), BindPoint::BridgeDomain { .. })
    );
    if !kind_ok {
        return Err(invalid(format!(
            "filter '{}': obj_type {obj_type} does not match bind_object ({point})",
            f.name
        )));
    }
    Ok((
        f.name.clone(),
        fam,
        Binding {
            point,
            direction,
            family: bfam,
        },
    ))
}
