//! The simulated Junos device: the subsystems behind the JET APIs.
//!
//! Owns the device's state and behaviour: the configuration database (mgd), the table
//! of client sessions, user authentication against `system login`, interfaces (ifd),
//! the RIB (rpd), syslog, the event bus and its jet-event rendering (eventd), and the
//! operational commands with their three renderings (CLI text, XML, JSON).
//!
//! Layers (a module imports modules of its own or a lower layer only; the import graph
//! has no loop):
//!
//! ```text
//!  top      op/ (commands, their parsing and renderings: show route, show interfaces,
//!           ...; the `op_command*` / `config_command` entry points of Device), eventd
//!  middle   device (Device: starts and holds every subsystem; all its other methods)
//!           rib/, syslog/, ifd/ (tasks and their state), mgd/ (configuration), sessions,
//!           packages/ (installed app packages, probation of upgrades), yang/ (YANG
//!           packages: modules with Junos CLI commands and their action scripts),
//!           live_commands/ (commands connected apps register and answer)
//!  bottom   vocab/ (session, interface, route, syslog, notification and command types),
//!           events (the bus and DeviceEvent), output (Format, Element, Junos time
//!           formats), error, factory, abort
//! ```
//!
//! Within the middle layer: `sessions` < `mgd` < `ifd`, `syslog`, `packages` < `rib` <
//! `device`.
//! The operational command grammar (the command tree) is `jet_config::optree`, so CLI
//! clients complete commands without linking the device.
//!
//! Must not: know anything of gRPC, TLS, MQTT or sockets (jsd, in `jet-jsd`, is a
//! client of this crate, as are tests); hold process-wide state (many devices can live
//! in one process); let a subsystem import the op layer or a renderer (renderings
//! live in `op/`); let the bottom layer import anything above it.

mod device;
mod error;
pub mod eventd;
pub mod events;
pub mod factory;
pub mod firewall;
pub mod ifd;
pub mod live_commands;
mod mgd;
pub mod op;
pub mod output;
pub mod packages;
pub mod registrations;
pub mod rib;
pub mod sessions;
mod status_source;
pub mod syslog;
pub mod tunnels;
mod vocab;
pub mod yang;

pub use crate::device::{AuthenticatedUser, Bootstrap, Device, DeviceOptions};
pub use crate::error::DeviceError;
pub use crate::events::{CommitEvent, DeviceEvent, EventBus, Stamped};
pub use crate::mgd::{
    authorize_op, split_client, BoxFuture, CfgMode, CfgReply, CfgSessionInfo, CheckSubsystem,
    CommitCheck, CommitOptions, Committed, EphemeralOp, EphemeralOpKind, History, LoadRequest,
    Payload, PendingConfirm, Subsystem, Transaction, Who, DEFAULT_CONFIRM_MINUTES,
    DEFAULT_INSTANCE, MAX_CONFIRM_MINUTES,
};
pub use crate::output::Format;
pub use crate::sessions::{
    Login, Session, SessionEnd, SessionEnds, SessionEvent, SessionId, SessionInfo, SessionTable,
    Transport,
};
pub use jet_config::LoadMode;
