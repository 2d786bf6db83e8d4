//! Errors of the RIB: why a destination or a route was refused, with the JET sub-code
//! each reason maps to.

use crate::prefix::{Prefix, PrefixError};
use crate::table::Proto;

impl PrefixError {
    /// The JET sub-code for this reason.
    pub fn code(&self) -> RibCode {
        match self {
            PrefixError::TooLong { .. } => RibCode::PrefixLenTooLong,
            PrefixError::TooShort { .. } | PrefixError::HostBits { .. } => {
                RibCode::PrefixLenTooShort
            }
            PrefixError::Label(_) => RibCode::MplsLabelInvalid,
        }
    }
}

/// Why a RIB operation failed. The discriminants are the numbers of JET's
/// `jnx.jet.routing.rib.StatusCode`, so adapters can send them as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum RibCode {
    /// Server-side failure.
    InternalError = 1,
    /// RouteInitialize was not called on this session.
    NotInitialized = 2,
    /// The request did nothing (an empty batch).
    NoOp = 3,
    /// More than 1000 entries.
    TooManyOps = 4,
    /// Unknown table.
    TableInvalid = 5,
    /// Destination invalid (missing, unparsable, wrong family for the table).
    PrefixInvalid = 7,
    /// Prefix length too short for the address (host bits set) or for MPLS.
    PrefixLenTooShort = 8,
    /// Prefix length too long for the family.
    PrefixLenTooLong = 9,
    /// Next hop invalid (bad weight, ...).
    NexthopInvalid = 11,
    /// A gateway address is missing, unparsable or of the wrong family.
    NexthopAddressInvalid = 12,
    /// More than 64 gateways.
    NexthopLimitExceed = 13,
    /// Add of a route that exists.
    RouteExists = 14,
    /// Modify/Delete of a route that does not exist (for this client).
    RouteNotFound = 15,
    /// Protocol other than unspecified or BGP-static in a change.
    ProtocolInvalid = 16,
    /// Busy (too many concurrent RouteGet calls).
    TryAgain = 19,
    /// route_count out of range.
    RouteCountInvalid = 20,
    /// A parameter is not supported.
    RequestUnsupported = 21,
    /// A parameter is invalid.
    RequestInvalid = 22,
    /// Interface name invalid.
    InterfaceInvalid = 23,
    /// Bad subscribe operation or parameters.
    RouteSubscribeOperationInvalid = 24,
    /// SUBSCRIBE_DELETE of a table that was not subscribed.
    RouteSubscribeEnoent = 25,
    /// Subscribe policy invalid.
    RouteSubscribePolicyInvalid = 26,
    /// Subscribe route_count invalid.
    RouteSubscribeResponseRouteCountInvalid = 27,
    /// Label value invalid.
    MplsLabelInvalid = 29,
    /// Label operations invalid.
    MplsActionInvalid = 30,
    /// Flexible tunnel profile malformed.
    FlexibleTunnelInvalid = 33,
    /// Bandwidth set on some gateways but not all.
    BandwidthUsageInvalid = 34,
    /// A change or removal through one JET generation of a path the other programmed.
    RouteApiVersionMismatch = 35,
}

impl RibCode {
    /// The JET `StatusCode` number.
    pub fn jet(self) -> i32 {
        self as i32
    }
}

/// The first entry of a batch that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("route {index}: {message}")]
pub struct EntryError {
    /// Index of the entry in the batch (0-based).
    pub index: u32,
    /// The JET sub-code.
    pub code: RibCode,
    /// Human-readable reason (without the index; Display adds it).
    pub message: String,
}

impl EntryError {
    /// An error for entry `index`.
    pub fn new(index: usize, code: RibCode, message: impl Into<String>) -> Self {
        EntryError {
            index: index as u32,
            code,
            message: message.into(),
        }
    }
}

/// Errors of whole-RIB requests (not entries of a batch).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RibError {
    /// The client has not called RouteInitialize on this session.
    #[error("client '{client}' has not called RouteInitialize on this session")]
    NotInitialized {
        /// The client id.
        client: String,
    },
    /// An unknown table name or id.
    #[error("unknown routing table '{table}'")]
    UnknownTable {
        /// The table as named.
        table: String,
    },
    /// A routing-instance name the RIB cannot create tables for.
    #[error("invalid routing-instance name '{name}'")]
    InvalidInstanceName {
        /// The name as given.
        name: String,
    },
    /// A route of a source whose prefix is of another family than its table.
    #[error("{} route {prefix} does not belong in {table}", proto.name())]
    WrongFamily {
        /// The route source's protocol.
        proto: Proto,
        /// The route's destination.
        prefix: Prefix,
        /// The table it was given for.
        table: String,
    },
}

impl RibError {
    /// The JET sub-code.
    pub fn code(&self) -> RibCode {
        match self {
            RibError::NotInitialized { .. } => RibCode::NotInitialized,
            RibError::UnknownTable { .. } => RibCode::TableInvalid,
            RibError::InvalidInstanceName { .. } | RibError::WrongFamily { .. } => {
                RibCode::RequestInvalid
            }
        }
    }
}
