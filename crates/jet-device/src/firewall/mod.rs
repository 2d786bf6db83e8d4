//! The firewall (dfwd): filters, policers, their bindings and counters.
//!
//! Owns the filters programmed through `jnx.jet.firewall.Firewall` and the compiled form
//! of every filter packets go through. Must not know protobuf (jsd converts) nor render
//! output (the op layer does).

pub mod classify;
pub mod model;

pub use classify::{Classifier, Packet, Verdict};
pub use model::*;
