//! The JET RIB service's protobuf codec, between gRPC message bytes and [`jet_rib`].
//!
//! Owns:
//! - [`decode`]: RouteAdd/Modify/Update/Delete request bytes read straight into a
//!   [`jet_rib::Batch`] / [`jet_rib::DeleteBatch`] (the programming hot path), falling
//!   back to prost and [`convert`] for anything unusual, so every refusal has one
//!   implementation;
//! - [`encode`]: RouteGet replies written straight from the RIB into protobuf bytes (the
//!   read hot path), byte for byte what prost writes for [`convert::entry`];
//! - [`query`]: RouteGet requests checked into a RIB walk that yields those replies a
//!   chunk at a time;
//! - [`convert`]: the general prost ⇄ jet-rib conversions with the form checks and the
//!   JET sub-codes the contract names (also used for RouteSubscribe updates);
//! - [`profiles`]: gateways naming a flexible tunnel profile resolved to its FTI
//!   interface through a lookup the adapter passes (the device's profiles);
//! - [`legacy`]: the older generation's `routing.Rib` messages translated to and from
//!   the current ones (batches marked `legacy` for the RIB's generation check);
//! - [`bgp`]: the BGP route service's messages (BGP-static routes with their
//!   attributes, its own sub-code numbering);
//! - [`bgp_decode`]: BGP RouteAdd/Modify/Update request bytes read straight into a
//!   [`jet_rib::Batch`] with [`decode`]'s reader, falling back to prost and
//!   [`bgp::set_batch`] for anything unusual, as [`decode`] does;
//! - [`check_against_prost`], [`check_bgp_against_prost`]: the checks that the
//!   hand-written readers agree with prost on any bytes (unit tests and the `rib_wire` and
//!   `bgp_wire` fuzz targets).
//!
//! Must not: know about gRPC transport (tonic), sessions, the device or its tasks, do
//! I/O or hold state. Routing rules belong to `jet-rib`; serving (streams, permits,
//! who is calling) belongs to `jet-jsd`.
//!
//! ```
//! use jet_proto::jnx::jet::routing::rib as pb;
//! use prost::Message;
//!
//! let bytes = pb::RouteUpdateRequest { routes: Vec::new() }.encode_to_vec();
//! let req = jet_rib_wire::SetRequest::decode(&bytes).unwrap();
//! assert_eq!(req.entries, 0);
//! jet_rib_wire::check_against_prost(&bytes);
//! ```

pub mod bgp;
pub mod bgp_decode;
pub mod convert;
pub mod decode;
pub mod encode;
pub mod legacy;
pub mod legacy_bgp;
pub mod legacy_match;
pub mod profiles;
pub mod query;

pub use bgp_decode::{check_bgp_against_prost, BgpSetRequest};
pub use decode::{check_against_prost, DeleteRequest, SetRequest};
pub use encode::{Encoded, GetReply, Style, TableName};
pub use query::GetQuery;
