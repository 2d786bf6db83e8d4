//! The routing information base of an OpenJET device: routing tables, route sources,
//! active-route selection, next-hop resolution, and JET client ownership with purge.
//!
//! Owns: tables `inet.0`, `inet6.0`, `mpls.0` and per routing instance
//! `<ri>.inet.0`/`<ri>.inet6.0`; paths from device sources (Direct, Local, Static — fed
//! whole by the interface and configuration subsystems through [`Rib::replace_source`])
//! and from JET clients (batches of [`Batch`]/[`DeleteBatch`]); the JET clients
//! themselves (initialization per session, defaults, purge timers).
//!
//! Must not: do I/O, read a clock, spawn tasks or know about protobuf. Time comes in as
//! arguments (seconds for route ages, milliseconds for purge deadlines); the device's
//! RIB task (`jet-device`) owns a [`Rib`] and drives it.
//!
//! # Rules (Junos / JET)
//! - Default preferences: Direct 0, Local 0, Static 5; programmed routes at least 5
//!   (lower raised), preference2 100 unless given (per-client defaults from
//!   RouteInitialize apply per index when a route omits them).
//! - Active path: lowest preference, then preference2, then source (Direct, Local,
//!   Static, programmed, BGP-static), then owning client, then cookie — among paths whose
//!   next hop is usable. Paths of one destination are told apart by (client, cookie) for
//!   programmed routes, and by source for device routes.
//! - Next hops: no gateway = blackhole; a gateway with an interface is a router next
//!   hop; without, it resolves recursively through the table (see `resolve.rs`).
//!   Lowest weight among usable gateways is primary, equal lowest = ECMP.
//!   A gateway through a flexible tunnel profile carries the profile's name
//!   ([`Gateway::tunnel`]) and its FTI interface (the adapter resolves names; a name
//!   left without an interface is FLEXIBLE_TUNNEL_INVALID).
//!
//! # Data structure (chosen for a million routes)
//! Per table one `BTreeMap` from a compact key to the destination: IPv4 keys are one
//! `u64` (address << 8 | length), IPv6 keys 17 bytes, MPLS a `u32` label. Keys sort as
//! Junos prints routes (address, then length), so `show route`, RouteGet
//! EXACT_OR_LONGER and resumable walks are plain range scans. Longest-prefix match
//! probes only the prefix lengths present (a per-length destination count), longest
//! first: at most 33 (129) B-tree lookups, typically a handful.
//! A destination with one path stores the 40-byte [`Path`] inline (no allocation).
//! Next hops are interned ([`NhTable`]): a path holds a 4-byte id, so a million routes
//! through one gateway share one next-hop entry; tags/colors live in a side slab, 0
//! bytes when unused. Measured (`tests/memory.rs`, 1,000,000 sequential /32 routes):
//! see `docs/benchmarks.md` for the figure and the RSS of `jetd`.
//! A compressed trie (poptrie/DIR-24-8) would make LPM faster, but JET's hot path is
//! insert and ordered walk, which a B-tree serves with less code and memory.

mod batch;
mod bgp;
mod client;
mod error;
mod nexthop;
mod prefix;
mod query;
mod resolve;
mod rib;
mod source;
mod table;

pub use batch::{
    Attrs, Batch, BatchOutcome, DeleteBatch, KeySpec, RouteSpec, SetOp, TableRef,
    DEFAULT_PREFERENCE2, MAX_BATCH, MAX_GATEWAYS, MIN_PREFERENCE,
};
pub use bgp::{BgpAttrTable, BgpAttrs, BgpNhKind, DEFAULT_LOCAL_PREF};
pub use client::{
    Client, ClientIdx, Clients, Defaults, InitOutcome, DEFAULT_PURGE_SECS, PURGE_RANGE,
};
pub use error::{EntryError, RibCode, RibError};
pub use nexthop::{
    Gateway, GwState, IfId, IfNames, LabelAction, LabelOp, NextHop, NhEntry, NhId, NhTable,
};
pub use prefix::{label_is_valid, Family, Prefix, PrefixError, MPLS_LABEL_MAX, MPLS_PREFIX_LEN};
pub use query::{MatchType, RouteView, TableSummary};
pub use rib::{ChangeOp, Rib, RouteChange, TableId};
pub use source::{Source, SourceDelta, SourceNh, SourceRoute};
pub use table::{Dest, Path, Proto, Table, FLAG_LEGACY, FLAG_STATS};
