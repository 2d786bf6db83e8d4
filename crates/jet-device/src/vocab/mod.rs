//! The device's vocabulary: the value and event types every layer speaks (bottom layer).
//!
//! Types only, with their formatting; no tasks, no state, and no import of any other
//! module of the crate but `error`. Subsystems re-export the types they own
//! (`crate::sessions::SessionEvent`, `crate::rib::RouteEvent`, ...), so callers keep
//! naming them by subsystem.

/// A boxed future, for object-safe traits whose methods are async (the device's
/// [`Subsystem`](crate::mgd::Subsystem) and the app service's control).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

pub(crate) mod apps;
pub(crate) mod firewall_events;
pub(crate) mod interface_events;
pub(crate) mod interfaces;
pub(crate) mod notification;
pub(crate) mod op_input;
pub(crate) mod request_response;
pub(crate) mod route;
pub(crate) mod session;
pub(crate) mod syslog;
