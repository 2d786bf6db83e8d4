//! Route changes as the RIB announces them on the device event bus.

use std::sync::Arc;

use jet_rib::{RouteChange, Source};

/// Why routes changed (carried by [`RouteEvent`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteCause {
    /// A JET batch (Add/Modify/Update/Delete) of this client.
    Batch(String),
    /// RouteCleanup of this client.
    Cleanup(String),
    /// The purge timer of this disconnected client fired.
    Purge(String),
    /// A device source was replaced.
    Source(Source),
}

/// Routes changed by one operation: one event per batch, never one per route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEvent {
    /// What caused it.
    pub cause: RouteCause,
    /// Paths added.
    pub added: u32,
    /// Paths changed.
    pub modified: u32,
    /// Paths removed.
    pub deleted: u32,
    /// Every path touched (shared with subscription streams, not copied).
    pub changes: Arc<[RouteChange]>,
}

/// A routing table was created or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTableEvent {
    /// Table name.
    pub table: String,
    /// True when created, false when removed.
    pub added: bool,
}
