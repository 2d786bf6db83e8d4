//! ifd: the interfaces subsystem — physical interfaces (IFD), logical units (IFL),
//! protocol families and addresses, and their admin/oper state. Their types are in
//! `crate::vocab` (re-exported here); `show interfaces` renders them in `crate::op`.
//!
//! Every device has the same hardware: `ge-0/0/0` … `ge-0/0/9`, `fxp0` and `lo0`, plus
//! any other physical Ethernet port its configuration names (`xe-1/0/3`, `et-0/0/2`:
//! a real router's configuration brings its ports; see `names.rs`) and `irb` when it is
//! configured (its units up: bridge domains are not simulated). An `aeN` bundle's
//! members are the ports configured with `gigether-options 802.3ad aeN` (or given by
//! the API); it is up while one of them is (LACP is taken as agreed by the simulated
//! partner).
//! Units, families and addresses come from the committed configuration; `disable` takes
//! an interface administratively down; the operational state follows a simulated link
//! ([`Device::simulate_link`](crate::Device::simulate_link), `request interface simulate-link NAME down|up`). An IFL's
//! link is up only while its IFD is administratively and operationally up.
//!
//! Identifiers (stable for the life of a device, Junos-like):
//! - SNMP ifIndex: `fxp0` 1, `lo0` 6, `ge-0/0/N` 513 + N; units `fxp0.0` 13, `lo0.0` 16,
//!   others from 540 upward in order of first appearance (a unit deleted and re-added
//!   gets its index back).
//! - Kernel index: `fxp0` 1, `lo0` 6, `ge-0/0/N` 148 + N; units from 330 upward.
//! - MAC: `02:05:86:SS:SS:PP` — Juniper's OUI with the locally-administered bit, two
//!   bytes derived from the data directory (so two devices differ and a restart keeps
//!   them), and the port (`fxp0` 00, `ge-0/0/N` N + 1). `lo0` has none.
//! - Ports the configuration adds: indexes like units', in order of first appearance;
//!   MAC port byte 0x40 + N in that order.
//! - Speed: `1000mbps` for ge and fxp0, 10g for xe, 100g for et (or the configured
//!   `speed`), `Unlimited` for lo0.
//!   MTU: 1514 (or the configured `mtu`); inet/inet6 MTU is 14 less, mpls 26 less.
//!
//! Consumers: the RIB (direct/local routes) and the JET interface services read
//! [`Device::interfaces`](crate::Device::interfaces) (a snapshot, never waits) and follow
//! [`DeviceEvent::Interface`](crate::DeviceEvent::Interface) events on the device bus:
//! subscribe first, then take the snapshot, then apply events (each event carries the
//! object's full attributes, so applying one twice is harmless).
//!
//! Objects configured through the JET Interfaces API (dcd) are the subject of [`api`]:
//! they join the configured ones in the snapshot, marked with their owner
//! (`Ifd::api_owner`, `Ifl::api_owner`, `IfAddress::api`), and are never written into the
//! configuration.
//!
//! Not simulated: traffic (counters are zeros; `Carrier transitions` counts simulated
//! flaps), IPv6 link-local addresses, internal units (`lo0.16384`).

pub mod api;
pub(crate) mod glue;
pub(crate) mod model;
mod names;
mod task;

pub use self::model::{AddressConf, FamilyConf, IfdConf, IflConf, GE_PORTS, MAX_PSEUDO_IFD};
pub use crate::vocab::interface_events::{
    ChangeOp, IfFlags, IfaEvent, IfdEvent, IffEvent, IflEvent, InterfaceEvent,
};
pub use crate::vocab::interfaces::{
    Family, FamilyKind, IfAddress, Ifd, IfdKind, Ifl, InterfacesSnapshot, MacAddr, Mtu, Speed,
    StaticNeighbor, Tunnel, TunnelEncap, TunnelSource,
};

pub(crate) use self::task::IfdHandle;

/// A stable 16-bit seed for a device's MAC addresses (FNV-1a of its data directory).
pub(crate) fn mac_seed(data_dir: &std::path::Path) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data_dir.as_os_str().as_encoded_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) & 0xffff
}
