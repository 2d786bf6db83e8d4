//! `show interfaces [NAME] [extensive]`: the normal and extensive styles
//! (`spec/junos-output.md` section 4.3). Text and XML are built in one pass per object
//! so that they always agree. Traffic counters and rates come from the forwarding plane
//! (`test forwarding packet`, simulated flows); error counters are zeros; `Carrier
//! transitions` counts simulated link flaps.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::common::{root, up_down, Selection};
use crate::firewall::UnitTraffic;
use crate::output::{Element, Format};
use crate::vocab::interfaces::{Family, FamilyKind, IfAddress, Ifd, IfdKind, Ifl, Mtu};

/// Next-hop cache figures Junos prints for inet/inet6.
const MAX_NH_CACHE: u32 = 75_000;

/// Per-unit traffic (from `test forwarding packet` and simulated flows), by unit name.
pub(super) type Traffic = std::collections::BTreeMap<String, UnitTraffic>;

/// The traffic of a physical interface: the sum of its units'.
fn ifd_traffic(d: &Ifd, traffic: &Traffic) -> UnitTraffic {
    let mut sum = UnitTraffic::default();
    for u in d.units.iter().filter_map(|l| traffic.get(&l.name)) {
        sum.input.add(u.input.packets, u.input.bytes);
        sum.output.add(u.output.packets, u.output.bytes);
        sum.input_pps += u.input_pps;
        sum.input_bps += u.input_bps;
        sum.output_pps += u.output_pps;
        sum.output_bps += u.output_bps;
    }
    sum
}

pub(super) fn render(
    sel: &Selection<'_>,
    format: Format,
    extensive: bool,
    now: DateTime<Utc>,
    traffic: &Traffic,
) -> String {
    let mut rootel = root("normal");
    let mut text = String::new();
    match sel {
        Selection::Ifds(ifds) => {
            for (i, d) in ifds.iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                rootel.push(physical(d, extensive, now, &mut text, traffic));
            }
        }
        Selection::Ifl(d, l) => {
            let tr = traffic.get(&l.name).copied().unwrap_or_default();
            rootel.push(logical(d, l, extensive, &mut text, "", &tr));
        }
    }
    match format {
        Format::Text => text,
        Format::Xml => rootel.to_cli_xml(),
        Format::Json => rootel.to_json(),
    }
}

fn generation(index: u32) -> u32 {
    index + 3
}

fn flags(name: &str, words: &[&str]) -> Element {
    let mut e = Element::container(name);
    for w in words {
        e.push(Element::flag(*w));
    }
    e
}

fn physical(
    d: &Ifd,
    extensive: bool,
    now: DateTime<Utc>,
    t: &mut String,
    traffic: &Traffic,
) -> Element {
    let tr = &ifd_traffic(d, traffic);
    let oper = d.oper_up();
    let admin_text = if d.admin_up {
        "Enabled"
    } else {
        "Administratively down"
    };
    let _ = writeln!(
        t,
        "Physical interface: {}, {admin_text}, Physical link is {}",
        d.name,
        if oper { "Up" } else { "Down" }
    );
    let mut e = Element::container("physical-interface")
        .child(Element::leaf("name", &d.name))
        .child(Element::leaf("admin-status", up_down(d.admin_up)).attr(
            "junos:format",
            if d.admin_up { "Enabled" } else { "Disabled" },
        ))
        .child(Element::leaf("oper-status", up_down(oper)))
        .child(Element::leaf("local-index", d.local_index.to_string()))
        .child(Element::leaf("snmp-index", d.snmp_index.to_string()));
    let _ = write!(
        t,
        "  Interface index: {}, SNMP ifIndex: {}",
        d.local_index, d.snmp_index
    );
    if extensive {
        let _ = write!(t, ", Generation: {}", generation(d.local_index));
        e.push(Element::leaf(
            "generation",
            generation(d.local_index).to_string(),
        ));
    }
    t.push('\n');
    if let Some(desc) = &d.description {
        let _ = writeln!(t, "  Description: {desc}");
        e.push(Element::leaf("description", desc));
    }
    let carrier_down = !d.carrier;
    let mut dev_flags = vec!["Present", "Running"];
    let mut dev_flag_el = vec!["ifdf-present", "ifdf-running"];
    if d.kind == IfdKind::Loopback {
        dev_flags.push("Loopback");
        dev_flag_el.push("ifdf-loopback");
    }
    if !oper {
        dev_flags.push("Down");
        dev_flag_el.push("ifdf-down");
    }
    let mut if_flags = Vec::new();
    let mut if_flag_el = Vec::new();
    if !d.admin_up {
        if_flags.push("Down");
        if_flag_el.push("iff-down");
    }
    if carrier_down {
        if_flags.push("Hardware-Down");
        if_flag_el.push("iff-hardware-down");
    }
    if_flags.push("SNMP-Traps");
    if_flag_el.push("iff-snmp-traps");
    let internal = if d.kind == IfdKind::Ethernet {
        if oper {
            "0x4000"
        } else {
            "0x0"
        }
    } else {
        ""
    };
    match d.kind {
        IfdKind::Ethernet => {
            let mru = match d.mtu {
                Mtu::Bytes(m) => (m + 8).to_string(),
                Mtu::Unlimited => "Unlimited".into(),
            };
            let _ = writeln!(
                t,
                "  Link-level type: Ethernet, MTU: {}, MRU: {mru}, LAN-PHY mode, Speed: {}, BPDU Error: None,\n  \
                 Loop Detect PDU Error: None, Ethernet-Switching Error: None, MAC-REWRITE Error: None, Loopback: Disabled,\n  \
                 Source filtering: Disabled, Flow control: Enabled, Auto-negotiation: Enabled, Remote fault: Online\n  \
                 Pad to minimum frame size: Disabled",
                d.mtu, d.speed
            );
            e.push(Element::leaf("link-level-type", "Ethernet"));
            e.push(Element::leaf("mtu", d.mtu.to_string()));
            e.push(Element::leaf("speed", d.speed.to_string()));
        }
        IfdKind::Management => {
            let _ = writeln!(
                t,
                "  Type: Ethernet, Link-level type: Ethernet, MTU: {}, Speed: {}",
                d.mtu, d.speed
            );
            e.push(Element::leaf("if-type", "Ethernet"));
            e.push(Element::leaf("link-level-type", "Ethernet"));
            e.push(Element::leaf("mtu", d.mtu.to_string()));
            e.push(Element::leaf("speed", d.speed.to_string()));
        }
        IfdKind::Loopback => {
            let _ = writeln!(t, "  Type: Loopback, MTU: {}", d.mtu);
            e.push(Element::leaf("if-type", "Loopback"));
            e.push(Element::leaf("mtu", d.mtu.to_string()));
            e.push(Element::leaf("speed", d.speed.to_string()));
        }
        IfdKind::Aggregate => {
            let _ = writeln!(
                t,
                "  Link-level type: Ethernet, MTU: {}, Speed: {}, BPDU Error: None, \
                 Ethernet-Switching Error: None, MAC-REWRITE Error: None, Loopback: Disabled,\n  \
                 Source filtering: Disabled, Flow control: Disabled\n  \
                 Pad to minimum frame size: Disabled\n  \
                 Minimum links needed: 1, Minimum bandwidth needed: 1bps",
                d.mtu, d.speed
            );
            e.push(Element::leaf("link-level-type", "Ethernet"));
            e.push(Element::leaf("mtu", d.mtu.to_string()));
            e.push(Element::leaf("speed", d.speed.to_string()));
            e.push(Element::leaf("minimum-links-in-aggregate", "1"));
        }
        IfdKind::Irb => {
            let _ = writeln!(
                t,
                "  Type: Ethernet, Link-level type: Ethernet, MTU: {}",
                d.mtu
            );
            e.push(Element::leaf("if-type", "Ethernet"));
            e.push(Element::leaf("link-level-type", "Ethernet"));
            e.push(Element::leaf("mtu", d.mtu.to_string()));
        }
        IfdKind::FlexibleTunnel => {
            let _ = writeln!(
                t,
                "  Type: FTI, Link-level type: Flexible-tunnel-Interface, MTU: {}, Speed: {}",
                d.mtu, d.speed
            );
            e.push(Element::leaf("if-type", "FTI"));
            e.push(Element::leaf(
                "link-level-type",
                "Flexible-tunnel-Interface",
            ));
            e.push(Element::leaf("mtu", d.mtu.to_string()));
            e.push(Element::leaf("speed", d.speed.to_string()));
        }
    }
    if !d.members.is_empty() {
        let _ = writeln!(t, "  Aggregate member links: {}", d.members.join(", "));
        let mut m = Element::container("aggregate-member-links");
        for name in &d.members {
            m.push(Element::leaf("member-link-name", name));
        }
        e.push(m);
    }
    if let Some(owner) = &d.api_owner {
        let _ = writeln!(t, "  JET API client : {owner}");
        e.push(Element::leaf("jet-api-client", owner));
    }
    let _ = writeln!(t, "  Device flags   : {}", dev_flags.join(" "));
    let mut if_line = format!("  Interface flags: {}", if_flags.join(" "));
    if !internal.is_empty() {
        let _ = write!(if_line, " Internal: {internal}");
    }
    let _ = writeln!(t, "{if_line}");
    e.push(flags("if-device-flags", &dev_flag_el));
    let mut cfg_flags = flags("if-config-flags", &if_flag_el);
    if !internal.is_empty() {
        cfg_flags.push(Element::leaf("internal-flags", internal));
    }
    e.push(cfg_flags);
    if d.kind == IfdKind::Loopback {
        t.push_str("  Link type      : Unspecified\n");
    }
    t.push_str("  Link flags     : None\n");
    if d.kind == IfdKind::Ethernet {
        t.push_str("  CoS queues     : 8 supported, 8 maximum usable queues\n");
    }
    if extensive && d.kind == IfdKind::Ethernet {
        t.push_str("  Hold-times     : Up 0 ms, Down 0 ms\n");
        t.push_str(
            "  Damping        : half-life: 0 sec, max-suppress: 0 sec, reuse: 0, suppress: 0, state: unsuppressed\n",
        );
    }
    if let (Some(mac), Some(hw)) = (d.mac, d.hardware_mac) {
        let _ = writeln!(t, "  Current address: {mac}, Hardware address: {hw}");
        e.push(
            Element::leaf("current-physical-address", mac.to_string())
                .attr("junos:format", format!("MAC {mac}")),
        );
        e.push(
            Element::leaf("hardware-physical-address", hw.to_string())
                .attr("junos:format", format!("MAC {hw}")),
        );
    }
    let (flapped_text, flapped_secs) = match d.last_flapped {
        Some(at) => {
            let secs = (now - at).num_seconds().max(0);
            (
                format!(
                    "{} ({} ago)",
                    at.format("%Y-%m-%d %H:%M:%S UTC"),
                    crate::output::time_length(secs)
                ),
                secs,
            )
        }
        None => ("Never".to_owned(), 0),
    };
    let _ = writeln!(t, "  Last flapped   : {flapped_text}");
    e.push(
        Element::leaf("interface-flapped", &flapped_text)
            .attr("junos:seconds", flapped_secs.to_string()),
    );
    if extensive {
        t.push_str("  Statistics last cleared: Never\n");
        e.push(Element::leaf("statistics-cleared", "Never"));
        let (ibps, obps) = (tr.input_bps.round() as u64, tr.output_bps.round() as u64);
        let (ipps, opps) = (tr.input_pps.round() as u64, tr.output_pps.round() as u64);
        let _ = write!(
            t,
            "  Traffic statistics:\n   \
             Input  bytes  : {:>20} {:>20} bps\n   \
             Output bytes  : {:>20} {:>20} bps\n   \
             Input  packets: {:>20} {:>20} pps\n   \
             Output packets: {:>20} {:>20} pps\n",
            tr.input.bytes,
            ibps,
            tr.output.bytes,
            obps,
            tr.input.packets,
            ipps,
            tr.output.packets,
            opps
        );
        let mut ts = Element::container("traffic-statistics").attr("junos:style", "verbose");
        for (name, v) in [
            ("input-bytes", tr.input.bytes),
            ("input-bps", ibps),
            ("output-bytes", tr.output.bytes),
            ("output-bps", obps),
            ("input-packets", tr.input.packets),
            ("input-pps", ipps),
            ("output-packets", tr.output.packets),
            ("output-pps", opps),
        ] {
            ts.push(Element::leaf(name, v.to_string()));
        }
        e.push(ts);
        let _ = writeln!(
            t,
            "  Input errors:\n    Errors: 0, Drops: 0, Framing errors: 0, Runts: 0, Policed discards: 0, \
             L3 incompletes: 0, L2 channel errors: 0, L2 mismatch timeouts: 0, FIFO errors: 0, \
             Resource errors: 0\n  Output errors:\n    Carrier transitions: {}, Errors: 0, Drops: 0, \
             Collisions: 0, Aged packets: 0, FIFO errors: 0, HS link CRC errors: 0, MTU errors: 0, \
             Resource errors: 0",
            d.carrier_transitions
        );
        let mut ie = Element::container("input-error-list");
        for name in [
            "input-errors",
            "input-drops",
            "framing-errors",
            "input-runts",
            "input-discards",
            "input-l3-incompletes",
            "input-l2-channel-errors",
            "input-l2-mismatch-timeouts",
            "input-fifo-errors",
            "input-resource-errors",
        ] {
            ie.push(Element::leaf(name, "0"));
        }
        e.push(ie);
        let mut oe = Element::container("output-error-list").child(Element::leaf(
            "carrier-transitions",
            d.carrier_transitions.to_string(),
        ));
        for name in [
            "output-errors",
            "output-drops",
            "output-collisions",
            "aged-packets",
            "output-fifo-errors",
            "hs-link-crc-errors",
            "mtu-errors",
            "output-resource-errors",
        ] {
            oe.push(Element::leaf(name, "0"));
        }
        e.push(oe);
    } else if d.kind == IfdKind::Loopback {
        t.push_str("  Input packets  : 0\n  Output packets : 0\n");
        e.push(
            Element::container("traffic-statistics")
                .attr("junos:style", "brief")
                .child(Element::leaf("input-packets", "0"))
                .child(Element::leaf("output-packets", "0")),
        );
    } else {
        let (ibps, obps) = (tr.input_bps.round() as u64, tr.output_bps.round() as u64);
        let (ipps, opps) = (tr.input_pps.round() as u64, tr.output_pps.round() as u64);
        let _ = write!(
            t,
            "  Input rate     : {ibps} bps ({ipps} pps)\n  Output rate    : {obps} bps ({opps} pps)\n"
        );
        e.push(
            Element::container("traffic-statistics")
                .attr("junos:style", "brief")
                .child(Element::leaf("input-bps", ibps.to_string()))
                .child(Element::leaf("input-pps", ipps.to_string()))
                .child(Element::leaf("output-bps", obps.to_string()))
                .child(Element::leaf("output-pps", opps.to_string())),
        );
    }
    if d.kind == IfdKind::Ethernet {
        let (alarm_text, alarm_el) = if carrier_down {
            ("LINK", "ethernet-alarm-link-down")
        } else {
            ("None", "alarm-not-present")
        };
        let _ = writeln!(
            t,
            "  Active alarms  : {alarm_text}\n  Active defects : {alarm_text}"
        );
        for name in ["active-alarms", "active-defects"] {
            e.push(
                Element::container(name)
                    .child(Element::container("interface-alarms").child(Element::flag(alarm_el))),
            );
        }
        t.push_str("  Interface transmit statistics: Disabled\n");
        e.push(Element::leaf("interface-transmit-statistics", "Disabled"));
    }
    for l in &d.units {
        t.push('\n');
        let ltr = traffic.get(&l.name).copied().unwrap_or_default();
        e.push(logical(d, l, extensive, t, "  ", &ltr));
    }
    e
}

fn logical(
    d: &Ifd,
    l: &Ifl,
    extensive: bool,
    t: &mut String,
    ind: &str,
    tr: &UnitTraffic,
) -> Element {
    let _ = write!(
        t,
        "{ind}Logical interface {} (Index {}) (SNMP ifIndex {})",
        l.name, l.local_index, l.snmp_index
    );
    let mut e = Element::container("logical-interface")
        .child(Element::leaf("name", &l.name))
        .child(Element::leaf("local-index", l.local_index.to_string()))
        .child(Element::leaf("snmp-index", l.snmp_index.to_string()));
    if extensive {
        let _ = write!(t, " (Generation {})", generation(l.local_index));
        e.push(Element::leaf(
            "generation",
            generation(l.local_index).to_string(),
        ));
    }
    t.push('\n');
    if let Some(desc) = &l.description {
        let _ = writeln!(t, "{ind}  Description: {desc}");
        e.push(Element::leaf("description", desc));
    }
    let (state, state_el) = match (l.admin_up, l.oper_up) {
        (true, true) => ("Up", "iff-up"),
        (false, _) => ("Down", "iff-down"),
        (true, false) => ("Device-Down", "iff-device-down"),
    };
    let internal = "0x4000";
    let vlan = l
        .vlan_id
        .map(|v| format!(" VLAN-Tag [ 0x8100.{v} ] "))
        .unwrap_or_default();
    let _ = writeln!(
        t,
        "{ind}  Flags: {state} SNMP-Traps {internal}{vlan} Encapsulation: ENET2"
    );
    e.push(
        flags("if-config-flags", &[state_el, "iff-snmp-traps"])
            .child(Element::leaf("internal-flags", internal)),
    );
    if let Some(v) = l.vlan_id {
        e.push(Element::leaf("link-address", format!("[ 0x8100.{v} ]")));
    }
    e.push(Element::leaf("encapsulation", "ENET2"));
    if let Some(owner) = &l.api_owner {
        let _ = writeln!(t, "{ind}  JET API client: {owner}");
        e.push(Element::leaf("jet-api-client", owner));
    }
    if let Some(tun) = &l.tunnel {
        let dest = tun
            .destination
            .map_or_else(|| "None".to_owned(), |a| a.to_string());
        let mut line = format!(
            "{ind}  Tunnel encapsulation: {}, Source: {}, Destination: {dest}",
            tun.encapsulation.as_str(),
            tun.source
        );
        let mut te = Element::container("tunnel-information")
            .child(Element::leaf(
                "tunnel-encapsulation",
                tun.encapsulation.as_str(),
            ))
            .child(Element::leaf("tunnel-source", tun.source.to_string()))
            .child(Element::leaf("tunnel-destination", &dest));
        if let Some(v) = tun.vni {
            let _ = write!(line, ", VNI: {v}");
            te.push(Element::leaf("tunnel-vni", v.to_string()));
        }
        if let Some(p) = tun.udp_port {
            let _ = write!(line, ", Destination UDP port: {p}");
            te.push(Element::leaf("tunnel-destination-udp-port", p.to_string()));
        }
        if tun.terminate {
            line.push_str(", Tunnel termination");
            te.push(Element::flag("tunnel-termination"));
        }
        if tun.allow_fragmentation {
            line.push_str(", Allow fragmentation");
            te.push(Element::flag("allow-fragmentation"));
        }
        let _ = writeln!(t, "{line}");
        e.push(te);
    }
    if extensive {
        for (block, c) in [
            ("Traffic", tr),
            ("Local", &UnitTraffic::default()),
            ("Transit", tr),
        ] {
            let _ = writeln!(
                t,
                "{ind}  {block} statistics:\n{ind}   Input  bytes  : {:>20}\n\
                 {ind}   Output bytes  : {:>20}\n{ind}   Input  packets: {:>20}\n\
                 {ind}   Output packets: {:>20}",
                c.input.bytes, c.output.bytes, c.input.packets, c.output.packets
            );
        }
        let mut ts = Element::container("traffic-statistics").attr("junos:style", "verbose");
        for (name, v) in [
            ("input-bytes", tr.input.bytes),
            ("output-bytes", tr.output.bytes),
            ("input-packets", tr.input.packets),
            ("output-packets", tr.output.packets),
        ] {
            ts.push(Element::leaf(name, v.to_string()));
        }
        e.push(ts);
    } else {
        let _ = writeln!(
            t,
            "{ind}  Input packets : {}\n{ind}  Output packets: {}",
            tr.input.packets, tr.output.packets
        );
        e.push(
            Element::container("traffic-statistics")
                .attr("junos:style", "brief")
                .child(Element::leaf("input-packets", tr.input.packets.to_string()))
                .child(Element::leaf(
                    "output-packets",
                    tr.output.packets.to_string(),
                )),
        );
    }
    let mut filters = Element::container("filter-information");
    for f in &l.families {
        if let Some(i) = &f.input_filter {
            filters.push(Element::leaf("filter-input", i));
        }
        if let Some(o) = &f.output_filter {
            filters.push(Element::leaf("filter-output", o));
        }
    }
    e.push(filters);
    for f in &l.families {
        e.push(family(d, l, f, extensive, t, ind));
    }
    e
}

fn family(d: &Ifd, l: &Ifl, f: &Family, extensive: bool, t: &mut String, ind: &str) -> Element {
    let mut head = format!("{ind}  Protocol {}, MTU: {}", f.kind, f.mtu);
    if f.kind == FamilyKind::Mpls {
        head.push_str(", Maximum labels: 3");
    }
    if extensive {
        let _ = write!(
            head,
            ", Generation: {}, Route table: 0",
            generation(l.local_index) + 10 + f.kind as u32
        );
    }
    let _ = writeln!(t, "{head}");
    let mut e = Element::container("address-family")
        .child(Element::leaf("address-family-name", f.kind.as_str()))
        .child(Element::leaf("mtu", f.mtu.to_string()));
    if matches!(f.kind, FamilyKind::Inet | FamilyKind::Inet6) {
        let _ = writeln!(
            t,
            "{ind}  Max nh cache: {MAX_NH_CACHE}, New hold nh limit: {MAX_NH_CACHE}, Curr nh cnt: 0, \
             Curr new hold cnt: 0, NH drop cnt: 0"
        );
        for (name, v) in [
            ("max-local-cache", MAX_NH_CACHE),
            ("new-hold-limit", MAX_NH_CACHE),
            ("intf-curr-cnt", 0),
            ("intf-unresolved-cnt", 0),
            ("intf-dropcnt", 0),
        ] {
            e.push(Element::leaf(name, v.to_string()));
        }
    }
    let (ff, ff_el) = match f.kind {
        FamilyKind::Inet => ("Sendbcast-pkt-to-re", "ifff-sendbcast-pkt-to-re"),
        _ => ("Is-Primary", "ifff-is-primary"),
    };
    let _ = writeln!(t, "{ind}    Flags: {ff}");
    e.push(flags("address-family-flags", &[ff_el]));
    if let Some(i) = &f.input_filter {
        let _ = writeln!(t, "{ind}    Input Filters: {i}");
    }
    if let Some(o) = &f.output_filter {
        let _ = writeln!(t, "{ind}    Output Filters: {o}");
    }
    for net in &f.nets {
        let _ = writeln!(t, "{ind}    Addresses, Flags: Is-Default Is-Primary");
        let _ = writeln!(t, "{ind}      Local: {net}");
        e.push(
            Element::container("interface-address")
                .child(flags(
                    "ifa-flags",
                    &["ifaf-current-default", "ifaf-current-primary"],
                ))
                .child(Element::leaf("ifa-local", net)),
        );
    }
    for a in &f.addresses {
        e.push(address(d, a, t, ind));
        for n in f
            .neighbors
            .iter()
            .filter(|n| n.interface_address == a.local)
        {
            let kind = if f.kind == FamilyKind::Inet6 {
                "NDP"
            } else {
                "ARP"
            };
            let recv = if n.receive { ", receive" } else { "" };
            let publish = if n.publish { ", publish" } else { "" };
            let api = if n.api { " (JET API)" } else { "" };
            let _ = writeln!(
                t,
                "{ind}      Static {kind}: {} MAC {}{recv}{publish}{api}",
                n.neighbor, n.mac
            );
            let mut ne = Element::container("static-neighbor")
                .child(Element::leaf("neighbor-address", n.neighbor.to_string()))
                .child(Element::leaf("neighbor-mac", n.mac.to_string()));
            if n.receive {
                ne.push(Element::flag("receive"));
            }
            if n.publish {
                ne.push(Element::flag("publish"));
            }
            if n.api {
                ne.push(Element::flag("jet-api"));
            }
            e.push(ne);
        }
    }
    e
}

fn address(d: &Ifd, a: &IfAddress, t: &mut String, ind: &str) -> Element {
    let lo = d.kind == IfdKind::Loopback;
    let mut words: Vec<(&str, &str)> = Vec::new();
    if lo {
        words.push(("Is-Default", "ifaf-current-default"));
    } else {
        words.push(("Is-Preferred", "ifaf-current-preferred"));
    }
    if a.primary {
        words.push(("Is-Primary", "ifaf-current-primary"));
    }
    if a.api {
        words.push(("JET-API", "ifaf-jet-api"));
    }
    let _ = writeln!(
        t,
        "{ind}    Addresses, Flags: {}",
        words.iter().map(|w| w.0).collect::<Vec<_>>().join(" ")
    );
    let mut e = Element::container("interface-address").child(flags(
        "ifa-flags",
        &words.iter().map(|w| w.1).collect::<Vec<_>>(),
    ));
    let mut parts = Vec::new();
    if !a.is_host() {
        parts.push(format!("Destination: {}", a.destination()));
        e.push(Element::leaf("ifa-destination", a.destination()));
    }
    parts.push(format!("Local: {}", a.local));
    e.push(Element::leaf("ifa-local", a.local.to_string()));
    if let Some(b) = a.broadcast() {
        parts.push(format!("Broadcast: {b}"));
        e.push(Element::leaf("ifa-broadcast", b.to_string()));
    }
    let _ = writeln!(t, "{ind}      {}", parts.join(", "));
    e
}
