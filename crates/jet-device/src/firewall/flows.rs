//! Simulated traffic flows, accounted in time rather than packet by packet.
//!
//! A flow (rate, packet size, address and port ranges, duration) is represented by a few
//! sample packets spread over its ranges; each tick walks every sample once through the
//! device ([`super::forward::walk`]) carrying its share of the tick's packets, so a
//! million packets per second costs the same as one. Policers judge the rate they were
//! offered during the previous tick (all flows through one policer instance together),
//! so out-of-spec counts and drops follow the rates as a token bucket's long-run average
//! does.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::classify::Packet;
use super::forward::{Load, PolicerJudge};
use super::model::{Count, Field, FwFamily, PolicerKind};

/// Largest number of sample packets per flow.
pub const MAX_SAMPLES: u32 = 16;

/// A flow as requested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSpec {
    /// Ingress unit.
    pub interface: String,
    /// Family (inet or inet6).
    pub family: FwFamily,
    /// First source address and how many consecutive addresses.
    pub src: (IpAddr, u32),
    /// First destination address and how many consecutive addresses.
    pub dst: (IpAddr, u32),
    /// IP protocol.
    pub protocol: u32,
    /// Source port range.
    pub src_ports: (u32, u32),
    /// Destination port range.
    pub dst_ports: (u32, u32),
    /// DSCP.
    pub dscp: u32,
    /// Packet size in bytes.
    pub size: u32,
    /// Packets per second.
    pub pps: u64,
    /// Seconds to run (`None`: until stopped).
    pub duration: Option<u64>,
}

impl FlowSpec {
    /// The flow's sample packets, spread over its ranges.
    pub fn samples(&self) -> Vec<Packet> {
        let n = self
            .src
            .1
            .max(self.dst.1)
            .max(self.src_ports.1 - self.src_ports.0 + 1)
            .max(self.dst_ports.1 - self.dst_ports.0 + 1)
            .clamp(1, MAX_SAMPLES);
        (0..n)
            .map(|i| {
                let pick = |count: u32| if count <= 1 { 0 } else { i * count / n };
                let mut p = Packet::new(
                    self.family,
                    &self.interface,
                    offset(self.src.0, pick(self.src.1)),
                    offset(self.dst.0, pick(self.dst.1)),
                );
                let span = |r: (u32, u32)| r.0 + pick(r.1 - r.0 + 1);
                p.set(Field::Protocol, self.protocol)
                    .set(Field::SrcPort, span(self.src_ports))
                    .set(Field::DstPort, span(self.dst_ports))
                    .set(Field::Dscp, self.dscp)
                    .set(Field::Precedence, self.dscp >> 3)
                    .set(Field::TrafficClass, self.dscp)
                    .set(Field::PacketLength, self.size);
                p
            })
            .collect()
    }

    /// Offered rate in bit/s.
    pub fn bps(&self) -> f64 {
        self.pps as f64 * f64::from(self.size) * 8.0
    }
}

fn offset(a: IpAddr, by: u32) -> IpAddr {
    match a {
        IpAddr::V4(v) => IpAddr::V4(u32::from(v).wrapping_add(by).into()),
        IpAddr::V6(v) => IpAddr::V6(u128::from(v).wrapping_add(u128::from(by)).into()),
    }
}

/// A running flow.
#[derive(Debug, Clone)]
pub struct Flow {
    /// Id (`show`/stop).
    pub id: u64,
    /// What was asked.
    pub spec: FlowSpec,
    /// Sample packets.
    pub samples: Vec<Packet>,
    /// Milliseconds on the firewall clock when it started.
    pub started_ms: u64,
    /// Packets and bytes sent so far.
    pub sent: Count,
    /// Packets and bytes delivered (not dropped) so far.
    pub delivered: Count,
    /// Remainder of packets not yet accounted (sub-packet shares between ticks).
    pub carry: f64,
}

/// Per-unit traffic counters driven by the flows (and by `test forwarding packet`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UnitTraffic {
    /// Input packets and bytes.
    pub input: Count,
    /// Output packets and bytes.
    pub output: Count,
    /// Input rate over the last tick, packets/s.
    pub input_pps: f64,
    /// Input rate over the last tick, bit/s.
    pub input_bps: f64,
    /// Output rate over the last tick, packets/s.
    pub output_pps: f64,
    /// Output rate over the last tick, bit/s.
    pub output_bps: f64,
}

/// Policers judged on the rate they were offered in the previous tick.
#[derive(Debug, Default)]
pub struct RateJudge {
    /// Bit/s offered to each policer instance (filter, instance) in the previous tick.
    pub last: HashMap<(String, String), f64>,
    /// Bytes offered in this tick.
    pub now: HashMap<(String, String), f64>,
    /// Length of this tick in seconds.
    pub secs: f64,
}

impl RateJudge {
    /// Ends a tick: this tick's offered rates become the previous tick's.
    pub fn roll(&mut self) {
        let secs = self.secs.max(1e-9);
        self.last = self
            .now
            .drain()
            .map(|(k, bytes)| (k, bytes * 8.0 / secs))
            .collect();
    }
}

impl PolicerJudge for RateJudge {
    fn out_of_spec(&mut self, filter: &str, instance: &str, kind: &PolicerKind, load: Load) -> f64 {
        let key = (filter.to_owned(), instance.to_owned());
        *self.now.entry(key.clone()).or_default() += load.bytes;
        let own = load.bytes * 8.0 / self.secs.max(1e-9);
        let offered = self.last.get(&key).copied().unwrap_or(0.0).max(own);
        let limit = kind.limit_bps() as f64;
        if offered <= limit || offered <= 0.0 {
            0.0
        } else {
            1.0 - limit / offered
        }
    }
}

/// Rates of all units over the last tick, folded into the counters.
pub fn account(
    units: &mut BTreeMap<String, UnitTraffic>,
    tick: &BTreeMap<String, (Count, Count)>,
    secs: f64,
) {
    for u in units.values_mut() {
        u.input_pps = 0.0;
        u.input_bps = 0.0;
        u.output_pps = 0.0;
        u.output_bps = 0.0;
    }
    for (name, (i, o)) in tick {
        let u = units.entry(name.clone()).or_default();
        u.input.add(i.packets, i.bytes);
        u.output.add(o.packets, o.bytes);
        if secs > 0.0 {
            u.input_pps = i.packets as f64 / secs;
            u.input_bps = i.bytes as f64 * 8.0 / secs;
            u.output_pps = o.packets as f64 / secs;
            u.output_bps = o.bytes as f64 * 8.0 / secs;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_spread_over_the_ranges() {
        let f = FlowSpec {
            interface: "ge-0/0/0.0".into(),
            family: FwFamily::Inet,
            src: ("192.0.2.0".parse().unwrap(), 256),
            dst: ("198.51.100.1".parse().unwrap(), 1),
            protocol: 17,
            src_ports: (1000, 1000),
            dst_ports: (53, 53),
            dscp: 0,
            size: 100,
            pps: 1_000_000,
            duration: None,
        };
        let s = f.samples();
        assert_eq!(s.len(), MAX_SAMPLES as usize);
        assert_eq!(s[0].src.to_string(), "192.0.2.0");
        assert_eq!(s[15].src.to_string(), "192.0.2.240");
        assert!(s.iter().all(|p| p.dst.to_string() == "198.51.100.1"));
        assert_eq!(f.bps(), 800_000_000.0);
    }

    #[test]
    fn rate_judge_drops_the_share_above_the_limit() {
        let kind = PolicerKind::TwoColor {
            bandwidth: 1_000_000,
            burst: 15_000,
            discard: true,
            loss_priority: 0,
            forwarding_class: String::new(),
        };
        let mut j = RateJudge {
            secs: 1.0,
            ..RateJudge::default()
        };
        // 4 Mbit/s offered in one second: three quarters out of spec.
        let out = j.out_of_spec(
            "f",
            "p",
            &kind,
            Load {
                packets: 500.0,
                bytes: 500_000.0,
            },
        );
        assert!((out - 0.75).abs() < 1e-9, "{out}");
        let under = j.out_of_spec(
            "f",
            "q",
            &kind,
            Load {
                packets: 100.0,
                bytes: 100_000.0,
            },
        );
        assert_eq!(under, 0.0);
    }
}
