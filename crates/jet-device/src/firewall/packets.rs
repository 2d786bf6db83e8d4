//! The firewall task's packet work: `test forwarding packet` and batches of packets
//! ([`FwTask::forward_many`]), and the flow tick. Both walk packets with the task's
//! write lock on the plane and one read-lock hold of the RIB for the whole visit, so a
//! batch of N packets costs one channel round trip, not N.
//!
//! A walk builds its trace only when the caller reads it ([`Detail::Trace`]); counters,
//! unit traffic and `show firewall log` entries move the same either way.

use std::collections::BTreeMap;

use tokio::time::Instant;

use super::classify::Packet;
use super::error::{invalid, FirewallError};
use super::flows::{account, UnitTraffic};
use super::forward::{walk_with, Detail, Load, SinglePacket, WalkError, Walked};
use super::model::{Count, Field};
use super::task::{FwTask, LogEntry, Plane, MAX_LOG};

impl Plane {
    /// Records the filters of a walk in which a `log` or `syslog` term matched.
    pub(super) fn log(&mut self, p: &Packet, logged: &[(String, &'static str)]) {
        for (filter, result) in logged {
            let action = match *result {
                "accept" | "accept (implicit)" => "A".to_owned(),
                r if r.starts_with("discard") => "D".to_owned(),
                "reject" => "R".to_owned(),
                other => other.to_owned(),
            };
            let protocol = match p.get(Field::Protocol) {
                6 => "TCP".to_owned(),
                17 => "UDP".to_owned(),
                1 => "ICMP".to_owned(),
                n => n.to_string(),
            };
            if self.log.len() >= MAX_LOG {
                self.log.pop_front();
            }
            self.log.push_back(LogEntry {
                time: chrono::Utc::now(),
                filter: filter.clone(),
                action,
                interface: p.interface.clone(),
                protocol,
                src: p.src.to_string(),
                dst: p.dst.to_string(),
            });
        }
    }

    /// Counts one walked packet of `load` on its ingress unit, and on its egress unit
    /// when it was delivered.
    fn count_units(&mut self, p: &Packet, w: &Walked, load: Load) {
        let one = load.share(1.0);
        on_unit(&mut self.units, &p.interface, |u| {
            u.input.add(one.packets, one.bytes)
        });
        if let (Some(out), true) = (&w.egress, w.disposition.delivered()) {
            on_unit(&mut self.units, out, |u| {
                u.output.add(one.packets, one.bytes)
            });
        }
    }
}

/// Applies `f` to the traffic of `name`, created empty on first use (the key is only
/// allocated then, not for every packet).
fn on_unit(
    units: &mut BTreeMap<String, UnitTraffic>,
    name: &str,
    f: impl FnOnce(&mut UnitTraffic),
) {
    match units.get_mut(name) {
        Some(u) => f(u),
        None => {
            let mut u = UnitTraffic::default();
            f(&mut u);
            units.insert(name.to_owned(), u);
        }
    }
}

impl FwTask {
    /// Walks `packets` in order, each as one packet of its length judged alone, in one
    /// visit: the result of each is what [`FwTask::forward_many`] of it alone gives.
    pub(super) fn forward_many(
        &mut self,
        packets: &[Packet],
        detail: Detail,
    ) -> Vec<Result<Walked, FirewallError>> {
        let ifs = self.ifs.borrow().clone();
        let rib = self.rib.clone();
        let mut guard = self.write();
        let plane = &mut *guard;
        rib.read(|rib| {
            packets
                .iter()
                .map(|p| {
                    let load = Load {
                        packets: 1.0,
                        bytes: p.length() as f64,
                    };
                    let w = walk_with(&mut plane.fw, &ifs, rib, p, load, &mut SinglePacket, detail)
                        .map_err(|e| match e {
                            WalkError::UnknownInterface(_) => invalid!("{e}"),
                        })?;
                    if !w.logged.is_empty() {
                        plane.log(p, &w.logged);
                    }
                    plane.count_units(p, &w, load);
                    Ok(w)
                })
                .collect()
        })
    }

    /// Accounts every flow for the time since the last tick.
    pub(super) fn tick(&mut self) {
        let now = Instant::now();
        let secs = now.duration_since(self.last_tick).as_secs_f64();
        self.last_tick = now;
        let now_ms = self.shared.now_ms();
        let ifs = self.ifs.borrow().clone();
        let rib = self.rib.clone();
        let shared = self.shared.clone();
        let mut guard = shared.plane.write().unwrap_or_else(|p| p.into_inner());
        let plane = &mut *guard;
        self.judge.secs = secs;
        let mut tick: BTreeMap<String, (Count, Count)> = BTreeMap::new();
        let mut done = Vec::new();
        let mut logged = Vec::new();
        rib.read(|rib| {
            for flow in plane.flows.values_mut() {
                let mut span = secs;
                if let Some(d) = flow.spec.duration {
                    let end = flow.started_ms + d * 1000;
                    let before = now_ms.saturating_sub((secs * 1000.0) as u64);
                    if now_ms >= end {
                        span = (end.saturating_sub(before)) as f64 / 1000.0;
                        done.push(flow.id);
                    }
                }
                let exact = flow.spec.pps as f64 * span.max(0.0) + flow.carry;
                let packets = exact.floor();
                flow.carry = exact - packets;
                if packets <= 0.0 || flow.samples.is_empty() {
                    continue;
                }
                // Whole packets per sample: the remainder goes one each to the first
                // samples, starting at a place that moves every tick.
                let n = flow.samples.len() as u64;
                let total = packets as u64;
                let (base, rem) = (total / n, total % n);
                let start = flow.sent.packets % n;
                let size = f64::from(flow.spec.size);
                for (i, p) in flow.samples.iter().enumerate() {
                    let extra = u64::from((i as u64 + n - start) % n < rem);
                    let per = (base + extra) as f64;
                    if per == 0.0 {
                        continue;
                    }
                    let load = Load {
                        packets: per,
                        bytes: per * size,
                    };
                    // Nobody reads a flow sample's trace: only its outcome and logs.
                    let Ok(w) = walk_with(
                        &mut plane.fw,
                        &ifs,
                        rib,
                        p,
                        load,
                        &mut self.judge,
                        Detail::Brief,
                    ) else {
                        continue;
                    };
                    let e = tick.entry(p.interface.clone()).or_default();
                    e.0.add(load.packets.round() as u64, load.bytes.round() as u64);
                    flow.sent
                        .add(load.packets.round() as u64, load.bytes.round() as u64);
                    if w.disposition.delivered() {
                        let out = load.share(w.delivered_share);
                        flow.delivered.add(out.packets, out.bytes);
                        if let Some(eg) = &w.egress {
                            tick.entry(eg.clone())
                                .or_default()
                                .1
                                .add(out.packets, out.bytes);
                        }
                    }
                    if !w.logged.is_empty() {
                        logged.push((p.clone(), w.logged));
                    }
                }
            }
        });
        for id in done {
            plane.flows.remove(&id);
        }
        for (p, l) in logged {
            plane.log(&p, &l);
        }
        account(&mut plane.units, &tick, secs);
        self.judge.roll();
    }
}
