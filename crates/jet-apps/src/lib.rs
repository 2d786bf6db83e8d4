//! appd: the device's on-box applications.
//!
//! Owns: `system extensions extension-service application` — its commit check (file
//! present unless `optional`, `checksum sha-256`, `username` a login user, interpreter
//! installed), the application processes (started on commit and at jetd start when
//! `daemonize`, else by `request extension-service start`; stopped by `request
//! extension-service stop` or de-configuration), their supervision (respawn with
//! back-off, `failed` after too many exits), operating-system limits (data size, CPU
//! time, open files), per-application logs under `DATA/log/`, `JET_APP_*` events, and
//! the `show extension-service application` table. One owner task
//! ([`supervisor`]) holds all of it.
//!
//! Must not: leave a process behind (each app is its own process group, dies with jetd
//! through `PR_SET_PDEATHSIG`, and leftovers of a killed jetd are killed at the next
//! start), block the runtime on a child, or know gRPC or MQTT (jsd gives apps their
//! identity; this crate only puts where to reach it in the environment). Packages plug in
//! through [`AppSource`]; this crate does not install or verify them.
//!
//! `unsafe_code` is `deny` rather than the workspace's `forbid`: the one `pre_exec` hook
//! in `process.rs` (parent-death signal and limits between fork and exec) needs it.

pub mod backoff;
mod check;
pub mod commands;
pub mod env;
pub mod log;
mod process;
mod render;
mod service;
pub mod spec;
pub mod supervisor;

pub use check::{check, sha256_file, BUILTIN_USERS};
pub use process::{kill_leftovers, DEVICE_ENV};
pub use service::{AppService, AppServiceOptions, LOG_CHECK};
pub use spec::{AppSource, AppSpec, Limits, PackagedApp, SCRIPTS_DIR};
pub use supervisor::{AppRow, AppState, LastExit, STOP_GRACE};
