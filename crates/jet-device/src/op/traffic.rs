//! Simulated traffic: `test forwarding packet ...` (one packet through filters, policers
//! and route lookup, with what happened), `request interface simulate-traffic ...`
//! (flows accounted in time) and `show simulated-traffic`.

use std::net::IpAddr;

use crate::device::Device;
use crate::error::DeviceError;
use crate::firewall::{Field, FlowSpec, FwFamily, Origin, Packet, Trace};
use crate::output::{Element, Format};

/// `request interface simulate-traffic ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TrafficCmd {
    /// Start a flow.
    Start(Box<FlowSpec>),
    /// Stop one flow or all.
    Stop(Option<u64>),
}

fn protocol(v: &str) -> Option<u32> {
    match v {
        "tcp" => Some(6),
        "udp" => Some(17),
        "icmp" => Some(1),
        "icmp6" => Some(58),
        "gre" => Some(47),
        "esp" => Some(50),
        "ospf" => Some(89),
        _ => v.parse().ok().filter(|n| *n <= 255),
    }
}

fn protocol_name(n: u32) -> String {
    match n {
        6 => "tcp".into(),
        17 => "udp".into(),
        1 => "icmp".into(),
        58 => "icmp6".into(),
        n => n.to_string(),
    }
}

fn num(cmd: &str, key: &str, v: &str, max: u64) -> Result<u64, DeviceError> {
    v.parse::<u64>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| DeviceError::syntax(format!("'{cmd}': {key} '{v}' is not a number 0-{max}")))
}

fn range(cmd: &str, key: &str, v: &str) -> Result<(u32, u32), DeviceError> {
    let (a, b) = v.split_once('-').unwrap_or((v, v));
    let lo = num(cmd, key, a, 65535)? as u32;
    let hi = num(cmd, key, b, 65535)? as u32;
    if lo > hi {
        return Err(DeviceError::syntax(format!(
            "'{cmd}': {key} range '{v}' is empty"
        )));
    }
    Ok((lo, hi))
}

fn addr(cmd: &str, key: &str, v: &str) -> Result<IpAddr, DeviceError> {
    v.parse()
        .map_err(|_| DeviceError::syntax(format!("'{cmd}': {key} '{v}' is not an IP address")))
}

fn pairs<'a>(cmd: &str, rest: &'a [&'a str]) -> Result<Vec<(&'a str, &'a str)>, DeviceError> {
    if rest.len() % 2 != 0 {
        return Err(DeviceError::syntax(format!(
            "'{cmd}': '{}' needs a value",
            rest[rest.len() - 1]
        )));
    }
    Ok(rest.chunks(2).map(|c| (c[0], c[1])).collect())
}

const PACKET: &str = "test forwarding packet";

/// `test forwarding packet interface U source A destination B [protocol P] [source-port N]
/// [destination-port N] [dscp N] [length N] [ttl N] [icmp-type N] [icmp-code N] [label N]`.
pub(super) fn parse_packet(rest: &[&str]) -> Result<Packet, DeviceError> {
    let mut iface = None;
    let (mut src, mut dst) = (None, None);
    let mut sets: Vec<(Field, u32)> = Vec::new();
    for (k, v) in pairs(PACKET, rest)? {
        match k {
            "interface" => iface = Some(v.to_owned()),
            "source" => src = Some(addr(PACKET, k, v)?),
            "destination" => dst = Some(addr(PACKET, k, v)?),
            "protocol" => sets.push((
                Field::Protocol,
                protocol(v).ok_or_else(|| {
                    DeviceError::syntax(format!("'{PACKET}': protocol '{v}' is unknown"))
                })?,
            )),
            "source-port" => sets.push((Field::SrcPort, num(PACKET, k, v, 65535)? as u32)),
            "destination-port" => sets.push((Field::DstPort, num(PACKET, k, v, 65535)? as u32)),
            "dscp" => {
                let d = num(PACKET, k, v, 63)? as u32;
                sets.push((Field::Dscp, d));
                sets.push((Field::TrafficClass, d));
                sets.push((Field::Precedence, d >> 3));
            }
            "length" => sets.push((Field::PacketLength, num(PACKET, k, v, 65535)? as u32)),
            "ttl" => sets.push((Field::Ttl, num(PACKET, k, v, 255)? as u32)),
            "icmp-type" => sets.push((Field::IcmpType, num(PACKET, k, v, 255)? as u32)),
            "icmp-code" => sets.push((Field::IcmpCode, num(PACKET, k, v, 255)? as u32)),
            "label" => sets.push((Field::Label1, num(PACKET, k, v, 1_048_575)? as u32)),
            other => {
                return Err(DeviceError::syntax(format!(
                    "'{PACKET}': unknown field '{other}'"
                )))
            }
        }
    }
    let usage = || {
        DeviceError::syntax(format!("usage: {PACKET} interface UNIT source ADDRESS destination ADDRESS [protocol P] [source-port N] [destination-port N] [dscp N] [length N] [ttl N]"))
    };
    let (Some(iface), Some(src), Some(dst)) = (iface, src, dst) else {
        return Err(usage());
    };
    let family = match (src, dst) {
        (IpAddr::V4(_), IpAddr::V4(_)) => FwFamily::Inet,
        (IpAddr::V6(_), IpAddr::V6(_)) => FwFamily::Inet6,
        _ => {
            return Err(DeviceError::syntax(format!(
                "'{PACKET}': source and destination are of different families"
            )))
        }
    };
    let mut p = Packet::new(family, &iface, src, dst);
    for (f, v) in sets {
        p.set(f, v);
    }
    Ok(p)
}

const TRAFFIC: &str = "request interface simulate-traffic";

/// `request interface simulate-traffic UNIT source A[/N] destination B[/N] rate PPS size
/// BYTES [protocol P] [source-port LO[-HI]] [destination-port LO[-HI]] [dscp N]
/// [duration SECONDS]`, or `... stop [ID]`.
pub(super) fn parse_traffic(rest: &[&str]) -> Result<TrafficCmd, DeviceError> {
    match rest {
        ["stop"] => return Ok(TrafficCmd::Stop(None)),
        ["stop", id] => return Ok(TrafficCmd::Stop(Some(num(TRAFFIC, "flow", id, u64::MAX)?))),
        [] => {
            return Err(DeviceError::syntax(format!(
                "usage: {TRAFFIC} UNIT source ADDRESS[/COUNT] destination ADDRESS[/COUNT] rate PPS size BYTES [protocol P] [source-port LO[-HI]] [destination-port LO[-HI]] [dscp N] [duration S] | stop [ID]"
            )))
        }
        _ => {}
    }
    let unit = rest[0];
    let mut spec = FlowSpec {
        interface: unit.to_owned(),
        family: FwFamily::Inet,
        src: ("0.0.0.0".parse().unwrap_or(IpAddr::from([0, 0, 0, 0])), 1),
        dst: (IpAddr::from([0, 0, 0, 0]), 1),
        protocol: 17,
        src_ports: (1024, 1024),
        dst_ports: (80, 80),
        dscp: 0,
        size: 512,
        pps: 0,
        duration: None,
    };
    let (mut have_src, mut have_dst) = (false, false);
    let with_count = |k: &str, v: &str| -> Result<(IpAddr, u32), DeviceError> {
        let (a, n) = v.split_once('/').unwrap_or((v, "1"));
        let n = num(TRAFFIC, k, n, 1 << 24)? as u32;
        Ok((addr(TRAFFIC, k, a)?, n.max(1)))
    };
    for (k, v) in pairs(TRAFFIC, &rest[1..])? {
        match k {
            "source" => {
                spec.src = with_count(k, v)?;
                have_src = true;
            }
            "destination" => {
                spec.dst = with_count(k, v)?;
                have_dst = true;
            }
            "rate" => spec.pps = num(TRAFFIC, k, v, 1_000_000_000)?,
            "size" => spec.size = num(TRAFFIC, k, v, 65535)?.max(20) as u32,
            "protocol" => {
                spec.protocol = protocol(v).ok_or_else(|| {
                    DeviceError::syntax(format!("'{TRAFFIC}': protocol '{v}' is unknown"))
                })?
            }
            "source-port" => spec.src_ports = range(TRAFFIC, k, v)?,
            "destination-port" => spec.dst_ports = range(TRAFFIC, k, v)?,
            "dscp" => spec.dscp = num(TRAFFIC, k, v, 63)? as u32,
            "duration" => spec.duration = Some(num(TRAFFIC, k, v, 86_400 * 365)?),
            other => {
                return Err(DeviceError::syntax(format!(
                    "'{TRAFFIC}': unknown field '{other}'"
                )))
            }
        }
    }
    if !have_src || !have_dst || spec.pps == 0 {
        return Err(DeviceError::syntax(format!(
            "'{TRAFFIC}': source, destination and a non-zero rate are required"
        )));
    }
    spec.family = match (spec.src.0, spec.dst.0) {
        (IpAddr::V4(_), IpAddr::V4(_)) => FwFamily::Inet,
        (IpAddr::V6(_), IpAddr::V6(_)) => FwFamily::Inet6,
        _ => {
            return Err(DeviceError::syntax(format!(
                "'{TRAFFIC}': source and destination are of different families"
            )))
        }
    };
    Ok(TrafficCmd::Start(Box::new(spec)))
}

fn fw_err(e: crate::firewall::FirewallError) -> DeviceError {
    DeviceError::syntax(e.to_string())
}

pub(super) async fn test_packet(
    dev: &Device,
    p: Packet,
    format: Format,
) -> Result<String, DeviceError> {
    let summary = format!(
        "{} {} -> {} protocol {} ports {} -> {} length {}",
        p.interface,
        p.src,
        p.dst,
        protocol_name(p.get(Field::Protocol)),
        p.get(Field::SrcPort),
        p.get(Field::DstPort),
        p.get(Field::PacketLength)
    );
    let t = dev.firewall().forward(p).await.map_err(fw_err)?;
    Ok(render_trace(&summary, &t, format))
}

fn render_trace(summary: &str, t: &Trace, format: Format) -> String {
    let mut root = Element::container("forwarding-test-results")
        .child(Element::leaf("packet", summary))
        .child(Element::leaf("ingress-interface", &t.ingress));
    for f in &t.filters {
        let mut fe = Element::container("filter-result")
            .child(Element::leaf("filter-name", &f.filter))
            .child(Element::leaf(
                "filter-owner",
                match &f.origin {
                    Origin::Client(c) => format!("client {c}"),
                    Origin::Config => "configuration".into(),
                },
            ))
            .child(Element::leaf("bind-point", &f.at));
        for term in &f.terms {
            let mut te =
                Element::container("term-result").child(Element::leaf("term-name", &term.term));
            for a in &term.actions {
                te.push(Element::leaf("action", a));
            }
            fe.push(te);
        }
        fe.push(Element::leaf("result", &f.result));
        root.push(fe);
    }
    if let Some(r) = &t.route {
        let mut re = Element::container("route-used")
            .child(Element::leaf("table-name", &r.table))
            .child(Element::leaf("destination", &r.prefix))
            .child(Element::leaf("protocol-name", &r.protocol))
            .child(Element::leaf("next-hop-type", &r.next_hop_type));
        if let Some(g) = &r.gateway {
            re.push(Element::leaf("gateway", g));
        }
        if r.ecmp > 1 {
            re.push(Element::leaf("ecmp-paths", r.ecmp.to_string()));
        }
        root.push(re);
    }
    if let Some(e) = &t.egress {
        root.push(Element::leaf("egress-interface", e));
    }
    root.push(Element::leaf("disposition", t.disposition.describe()));
    match format {
        Format::Xml => return root.to_cli_xml(),
        Format::Json => return root.to_json(),
        Format::Text => {}
    }
    let mut out = format!("Packet: {summary}\nIngress: {}\n", t.ingress);
    let filter_text = |out: &mut String, f: &crate::firewall::FilterRun| {
        let owner = match &f.origin {
            Origin::Client(c) => format!("client {c}"),
            Origin::Config => "configuration".into(),
        };
        out.push_str(&format!("Filter: {} ({owner}) at {}\n", f.filter, f.at));
        for term in &f.terms {
            out.push_str(&format!(
                "  Term {}: {}\n",
                term.term,
                term.actions.join(", ")
            ));
        }
        out.push_str(&format!("  Result: {}\n", f.result));
    };
    let (outputs, inputs): (Vec<_>, Vec<_>) =
        t.filters.iter().partition(|f| f.at.ends_with(" output"));
    for f in inputs {
        filter_text(&mut out, f);
    }
    if let Some(r) = &t.route {
        out.push_str(&format!(
            "Route: {} {} [{}] {}{}{}\n",
            r.table,
            r.prefix,
            r.protocol,
            r.next_hop_type,
            r.gateway
                .as_ref()
                .map(|g| format!(" via {g}"))
                .unwrap_or_default(),
            if r.ecmp > 1 {
                format!(" (ECMP, {} paths)", r.ecmp)
            } else {
                String::new()
            }
        ));
    }
    for f in outputs {
        filter_text(&mut out, f);
    }
    if let Some(e) = &t.egress {
        out.push_str(&format!("Egress: {e}\n"));
    }
    out.push_str(&format!("Disposition: {}\n", t.disposition.describe()));
    out
}

pub(super) async fn traffic(
    dev: &Device,
    cmd: TrafficCmd,
    format: Format,
) -> Result<String, DeviceError> {
    let (e, text) = match cmd {
        TrafficCmd::Start(spec) => {
            let unit = spec.interface.clone();
            let pps = spec.pps;
            let id = dev.firewall().flow_start(*spec).await.map_err(fw_err)?;
            (
                Element::container("simulate-traffic-results")
                    .child(Element::leaf("flow-id", id.to_string()))
                    .child(Element::leaf("interface-name", &unit))
                    .child(Element::leaf("packets-per-second", pps.to_string())),
                format!("Flow {id} started on {unit}: {pps} pps\n"),
            )
        }
        TrafficCmd::Stop(id) => {
            let n = dev.firewall().flow_stop(id).await.map_err(fw_err)?;
            (
                Element::container("simulate-traffic-results")
                    .child(Element::leaf("flows-stopped", n.to_string())),
                format!("{n} flow(s) stopped\n"),
            )
        }
    };
    Ok(match format {
        Format::Text => text,
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
    })
}

pub(super) fn show_flows(dev: &Device, format: Format) -> String {
    dev.firewall().read(|p| {
        let mut root = Element::container("simulated-traffic-information");
        let mut out = format!(
            "{:<5} {:<14} {:<34} {:>12} {:>6} {:>14} {:>14}\n",
            "Flow",
            "Interface",
            "Source -> Destination",
            "Rate (pps)",
            "Size",
            "Sent pkts",
            "Delivered pkts"
        );
        for f in p.flows.values() {
            let s = &f.spec;
            let tuple = format!("{}/{} -> {}/{}", s.src.0, s.src.1, s.dst.0, s.dst.1);
            root.push(
                Element::container("flow")
                    .child(Element::leaf("flow-id", f.id.to_string()))
                    .child(Element::leaf("interface-name", &s.interface))
                    .child(Element::leaf("source", format!("{}/{}", s.src.0, s.src.1)))
                    .child(Element::leaf(
                        "destination",
                        format!("{}/{}", s.dst.0, s.dst.1),
                    ))
                    .child(Element::leaf("protocol", protocol_name(s.protocol)))
                    .child(Element::leaf("packets-per-second", s.pps.to_string()))
                    .child(Element::leaf("packet-size", s.size.to_string()))
                    .child(Element::leaf("sent-packets", f.sent.packets.to_string()))
                    .child(Element::leaf(
                        "delivered-packets",
                        f.delivered.packets.to_string(),
                    )),
            );
            out.push_str(&format!(
                "{:<5} {:<14} {:<34} {:>12} {:>6} {:>14} {:>14}\n",
                f.id, s.interface, tuple, s.pps, s.size, f.sent.packets, f.delivered.packets
            ));
        }
        match format {
            Format::Text => out,
            Format::Xml => root.to_cli_xml(),
            Format::Json => root.to_json(),
        }
    })
}
