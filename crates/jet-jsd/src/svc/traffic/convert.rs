//! `openjet.traffic.v1` messages to and from the device's flow and packet types. A field
//! out of range is refused as [`FirewallError::Invalid`] with a message that starts with
//! the field's name (`packet_size: ...`, `source.first: ...`).

use std::fmt::Display;
use std::net::IpAddr;

use jet_device::firewall::flows::Flow;
use jet_device::firewall::{Disposition, Field, FirewallError, FlowSpec, FwFamily, Origin, Packet};
use jet_device::firewall::{FilterRun, Trace};
use jet_proto::openjet::traffic::v1 as pb;

/// Highest rate, packets per second (as `request interface simulate-traffic`).
pub(super) const MAX_PPS: u64 = 1_000_000_000;
/// Most consecutive addresses in a range.
pub(super) const MAX_ADDRESSES: u32 = 1 << 24;
/// Longest duration, seconds (a year).
pub(super) const MAX_DURATION: u64 = 86_400 * 365;
/// Packet sizes.
pub(super) const MIN_SIZE: u32 = 20;
pub(super) const MAX_SIZE: u32 = 65_535;
/// A flow's packet size when the request leaves it 0.
pub(super) const DEFAULT_SIZE: u32 = 512;
/// A flow's protocol, source and destination port when the request leaves them unset.
const DEFAULT_PROTOCOL: u32 = 17;
const DEFAULT_SRC_PORT: u32 = 1024;
const DEFAULT_DST_PORT: u32 = 80;

fn bad(field: &str, why: impl Display) -> FirewallError {
    FirewallError::Invalid(format!("{field}: {why}"))
}

fn at_most(field: &str, v: u32, max: u32) -> Result<u32, FirewallError> {
    if v > max {
        return Err(bad(field, format!("{v} is not 0-{max}")));
    }
    Ok(v)
}

fn interface(v: &str) -> Result<String, FirewallError> {
    if v.is_empty() {
        return Err(bad(
            "interface",
            "an interface unit (ge-0/0/0.0) is required",
        ));
    }
    Ok(v.to_owned())
}

fn address(field: &str, v: &str) -> Result<IpAddr, FirewallError> {
    if v.is_empty() {
        return Err(bad(field, "an IPv4 or IPv6 address is required"));
    }
    v.parse()
        .map_err(|_| bad(field, format!("'{v}' is not an IPv4 or IPv6 address")))
}

fn family(src: IpAddr, dst: IpAddr) -> Result<FwFamily, FirewallError> {
    match (src, dst) {
        (IpAddr::V4(_), IpAddr::V4(_)) => Ok(FwFamily::Inet),
        (IpAddr::V6(_), IpAddr::V6(_)) => Ok(FwFamily::Inet6),
        _ => Err(bad(
            "destination",
            format!("{dst} is not of the family of source {src}"),
        )),
    }
}

fn addresses(field: &str, r: Option<&pb::AddressRange>) -> Result<(IpAddr, u32), FirewallError> {
    let r = r.ok_or_else(|| bad(field, "an address range is required"))?;
    let first = address(&format!("{field}.first"), &r.first)?;
    let count = match r.count {
        0 => 1,
        n if n > MAX_ADDRESSES => {
            return Err(bad(
                &format!("{field}.count"),
                format!("{n} is not 1-{MAX_ADDRESSES}"),
            ))
        }
        n => n,
    };
    Ok((first, count))
}

fn ports(
    field: &str,
    r: Option<&pb::PortRange>,
    default: u32,
) -> Result<(u32, u32), FirewallError> {
    let Some(r) = r else {
        return Ok((default, default));
    };
    let low = at_most(&format!("{field}.low"), r.low, 65_535)?;
    let high = match r.high {
        0 => low,
        h => at_most(&format!("{field}.high"), h, 65_535)?,
    };
    if high < low {
        return Err(bad(
            &format!("{field}.high"),
            format!("{high} is below low {low}"),
        ));
    }
    Ok((low, high))
}

/// The flow a FlowStart asks for.
pub(super) fn flow_spec(r: &pb::FlowStartRequest) -> Result<FlowSpec, FirewallError> {
    use pb::flow_start_request::Rate;
    let interface = interface(&r.interface)?;
    let size = match r.packet_size {
        0 => DEFAULT_SIZE,
        s if (MIN_SIZE..=MAX_SIZE).contains(&s) => s,
        s => {
            return Err(bad(
                "packet_size",
                format!("{s} is not {MIN_SIZE}-{MAX_SIZE} bytes"),
            ))
        }
    };
    let src = addresses("source", r.source.as_ref())?;
    let dst = addresses("destination", r.destination.as_ref())?;
    let family = family(src.0, dst.0)?;
    let pps = match r.rate {
        None => return Err(bad("rate", "pps or bps is required")),
        Some(Rate::Pps(p)) if (1..=MAX_PPS).contains(&p) => p,
        Some(Rate::Pps(p)) => return Err(bad("pps", format!("{p} is not 1-{MAX_PPS}"))),
        Some(Rate::Bps(b)) => {
            let bits = u64::from(size) * 8;
            let p = (b + bits / 2) / bits;
            if !(1..=MAX_PPS).contains(&p) {
                return Err(bad(
                    "bps",
                    format!("{b} bit/s is {p} packets of {size} bytes per second, not 1-{MAX_PPS}"),
                ));
            }
            p
        }
    };
    let duration = match r.duration_seconds {
        0 => None,
        d if d <= MAX_DURATION => Some(d),
        d => {
            return Err(bad(
                "duration_seconds",
                format!("{d} is not 0-{MAX_DURATION}"),
            ))
        }
    };
    Ok(FlowSpec {
        interface,
        family,
        src,
        dst,
        protocol: at_most("protocol", r.protocol.unwrap_or(DEFAULT_PROTOCOL), 255)?,
        src_ports: ports("source_ports", r.source_ports.as_ref(), DEFAULT_SRC_PORT)?,
        dst_ports: ports(
            "destination_ports",
            r.destination_ports.as_ref(),
            DEFAULT_DST_PORT,
        )?,
        dscp: at_most("dscp", r.dscp, 63)?,
        size,
        pps,
        duration,
    })
}

/// The flow to stop: one id, or all (`None`).
pub(super) fn flow_stop(r: &pb::FlowStopRequest) -> Result<Option<u64>, FirewallError> {
    match (r.flow_id, r.all) {
        (0, true) => Ok(None),
        (id, false) if id > 0 => Ok(Some(id)),
        (_, true) => Err(bad("flow_id", "must be 0 when all is set")),
        _ => Err(bad("flow_id", "a flow id (or all) is required")),
    }
}

/// A running flow as FlowList reports it.
pub(super) fn flow(f: &Flow) -> pb::Flow {
    let s = &f.spec;
    let range = |(a, n): (IpAddr, u32)| pb::AddressRange {
        first: a.to_string(),
        count: n,
    };
    let ports = |(low, high): (u32, u32)| pb::PortRange { low, high };
    pb::Flow {
        flow_id: f.id,
        interface: s.interface.clone(),
        source: Some(range(s.src)),
        destination: Some(range(s.dst)),
        protocol: s.protocol,
        source_ports: Some(ports(s.src_ports)),
        destination_ports: Some(ports(s.dst_ports)),
        dscp: s.dscp,
        packet_size: s.size,
        pps: s.pps,
        bps: s.pps * u64::from(s.size) * 8,
        duration_seconds: s.duration.unwrap_or(0),
        sent_packets: f.sent.packets,
        sent_bytes: f.sent.bytes,
        delivered_packets: f.delivered.packets,
        delivered_bytes: f.delivered.bytes,
    }
}

/// The packet a PacketTest describes (fields as `test forwarding packet` sets them).
pub(super) fn packet(r: &pb::PacketTestRequest) -> Result<Packet, FirewallError> {
    let interface = interface(&r.interface)?;
    let src = address("source", &r.source)?;
    let dst = address("destination", &r.destination)?;
    let family = family(src, dst)?;
    let length = match r.length {
        None => 64,
        Some(l) if (MIN_SIZE..=MAX_SIZE).contains(&l) => l,
        Some(l) => {
            return Err(bad(
                "length",
                format!("{l} is not {MIN_SIZE}-{MAX_SIZE} bytes"),
            ))
        }
    };
    let dscp = at_most("dscp", r.dscp, 63)?;
    let mut p = Packet::new(family, &interface, src, dst);
    p.set(Field::Protocol, at_most("protocol", r.protocol, 255)?)
        .set(
            Field::SrcPort,
            at_most("source_port", r.source_port, 65_535)?,
        )
        .set(
            Field::DstPort,
            at_most("destination_port", r.destination_port, 65_535)?,
        )
        .set(Field::Dscp, dscp)
        .set(Field::TrafficClass, dscp)
        .set(Field::Precedence, dscp >> 3)
        .set(Field::PacketLength, length)
        .set(Field::Ttl, at_most("ttl", r.ttl.unwrap_or(64), 255)?)
        .set(Field::IcmpType, at_most("icmp_type", r.icmp_type, 255)?)
        .set(Field::IcmpCode, at_most("icmp_code", r.icmp_code, 255)?);
    Ok(p)
}

fn owner(o: &Origin) -> String {
    match o {
        Origin::Client(c) => format!("client {c}"),
        Origin::Config => "configuration".into(),
    }
}

fn disposition(d: &Disposition) -> pb::Disposition {
    match d {
        Disposition::Forwarded => pb::Disposition::Forwarded,
        Disposition::Local => pb::Disposition::Local,
        Disposition::Filtered { .. } => pb::Disposition::Filtered,
        Disposition::Policed { .. } => pb::Disposition::Policed,
        Disposition::NoRoute => pb::Disposition::NoRoute,
        Disposition::RouteDiscard => pb::Disposition::RouteDiscard,
        Disposition::Diverted(_) => pb::Disposition::Diverted,
    }
}

/// The filter counters a filter run moved (its terms' `count` actions).
fn counters(f: &FilterRun) -> impl Iterator<Item = pb::CounterRef> + '_ {
    f.terms
        .iter()
        .flat_map(|t| t.actions.iter())
        .filter_map(|a| a.strip_prefix("count "))
        .map(|c| pb::CounterRef {
            filter: f.filter.clone(),
            counter: c.to_owned(),
        })
}

/// What PacketTest answers for a packet's walk.
pub(super) fn trace(t: &Trace) -> pb::PacketTestResponse {
    pb::PacketTestResponse {
        ingress_interface: t.ingress.clone(),
        filters: t
            .filters
            .iter()
            .map(|f| pb::FilterResult {
                filter: f.filter.clone(),
                owner: owner(&f.origin),
                bind_point: f.at.clone(),
                terms: f
                    .terms
                    .iter()
                    .map(|t| pb::TermResult {
                        term: t.term.clone(),
                        actions: t.actions.clone(),
                    })
                    .collect(),
                result: f.result.clone(),
            })
            .collect(),
        route: t.route.as_ref().map(|r| pb::RouteUsed {
            table: r.table.clone(),
            destination: r.prefix.clone(),
            protocol: r.protocol.clone(),
            next_hop_type: r.next_hop_type.clone(),
            gateway: r.gateway.clone().unwrap_or_default(),
            ecmp_paths: u32::try_from(r.ecmp).unwrap_or(u32::MAX),
        }),
        egress_interface: t.egress.clone().unwrap_or_default(),
        disposition: disposition(&t.disposition) as i32,
        disposition_text: t.disposition.describe(),
        counters: t.filters.iter().flat_map(counters).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> pb::FlowStartRequest {
        pb::FlowStartRequest {
            interface: "ge-0/0/0.0".into(),
            rate: Some(pb::flow_start_request::Rate::Pps(100)),
            source: Some(pb::AddressRange {
                first: "10.0.0.2".into(),
                count: 0,
            }),
            destination: Some(pb::AddressRange {
                first: "192.0.2.1".into(),
                count: 4,
            }),
            ..Default::default()
        }
    }

    fn refused(r: pb::FlowStartRequest) -> String {
        match flow_spec(&r) {
            Err(FirewallError::Invalid(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn defaults_are_the_op_commands() {
        let s = flow_spec(&start()).expect("valid");
        assert_eq!(s.size, DEFAULT_SIZE);
        assert_eq!(s.protocol, 17);
        assert_eq!((s.src_ports, s.dst_ports), ((1024, 1024), (80, 80)));
        assert_eq!((s.src.1, s.dst.1), (1, 4));
        assert_eq!((s.pps, s.duration, s.family), (100, None, FwFamily::Inet));
    }

    #[test]
    fn bps_becomes_packets_of_the_size() {
        let mut r = start();
        r.packet_size = 1000;
        r.rate = Some(pb::flow_start_request::Rate::Bps(8_000_000));
        assert_eq!(flow_spec(&r).expect("valid").pps, 1000);
        r.rate = Some(pb::flow_start_request::Rate::Bps(100));
        assert!(refused(r).starts_with("bps: "));
    }

    #[test]
    fn each_bad_field_is_named() {
        type Spoil = fn(&mut pb::FlowStartRequest);
        let cases: Vec<(Spoil, &str)> = vec![
            (|r| r.interface.clear(), "interface: "),
            (|r| r.rate = None, "rate: "),
            (
                |r| r.rate = Some(pb::flow_start_request::Rate::Pps(0)),
                "pps: ",
            ),
            (|r| r.packet_size = 19, "packet_size: "),
            (|r| r.source = None, "source: "),
            (
                |r| r.source.as_mut().expect("source").first = "nope".into(),
                "source.first: ",
            ),
            (
                |r| r.destination.as_mut().expect("dst").count = MAX_ADDRESSES + 1,
                "destination.count: ",
            ),
            (
                |r| r.destination.as_mut().expect("dst").first = "2001:db8::1".into(),
                "destination: ",
            ),
            (|r| r.protocol = Some(256), "protocol: "),
            (
                |r| {
                    r.source_ports = Some(pb::PortRange {
                        low: 70_000,
                        high: 0,
                    })
                },
                "source_ports.low: ",
            ),
            (
                |r| r.destination_ports = Some(pb::PortRange { low: 90, high: 80 }),
                "destination_ports.high: ",
            ),
            (|r| r.dscp = 64, "dscp: "),
            (
                |r| r.duration_seconds = MAX_DURATION + 1,
                "duration_seconds: ",
            ),
        ];
        for (spoil, field) in cases {
            let mut r = start();
            spoil(&mut r);
            let m = refused(r);
            assert!(m.starts_with(field), "{m:?} should name {field:?}");
        }
    }

    #[test]
    fn stop_takes_one_id_or_all() {
        let stop = |flow_id, all| flow_stop(&pb::FlowStopRequest { flow_id, all });
        assert_eq!(stop(3, false), Ok(Some(3)));
        assert_eq!(stop(0, true), Ok(None));
        assert!(stop(0, false).is_err());
        assert!(stop(3, true).is_err());
    }

    #[test]
    fn packet_fields_are_checked_and_set() {
        let mut r = pb::PacketTestRequest {
            interface: "ge-0/0/0.0".into(),
            source: "10.0.0.2".into(),
            destination: "192.0.2.1".into(),
            protocol: 6,
            destination_port: 80,
            dscp: 46,
            ..Default::default()
        };
        let p = packet(&r).expect("valid");
        assert_eq!(
            (
                p.get(Field::Protocol),
                p.get(Field::DstPort),
                p.get(Field::Precedence),
                p.get(Field::PacketLength),
                p.get(Field::Ttl)
            ),
            (6, 80, 5, 64, 64)
        );
        r.destination_port = 65_536;
        match packet(&r) {
            Err(FirewallError::Invalid(m)) => assert!(m.starts_with("destination_port: "), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
