//! Syslog messages as subsystems emit them on the device event bus (the files they go
//! to are the syslog subsystem's business).

use std::fmt;

use chrono::{DateTime, Utc};

/// A syslog facility (Junos names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facility {
    /// `authorization`: logins and authentication.
    Authorization,
    /// `change-log`: configuration changes.
    ChangeLog,
    /// `daemon`: system processes.
    Daemon,
    /// `interactive-commands`: commands run by users and applications.
    InteractiveCommands,
    /// `kernel`.
    Kernel,
    /// `user`: user processes.
    User,
}

impl Facility {
    /// The Junos keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Facility::Authorization => "authorization",
            Facility::ChangeLog => "change-log",
            Facility::Daemon => "daemon",
            Facility::InteractiveCommands => "interactive-commands",
            Facility::Kernel => "kernel",
            Facility::User => "user",
        }
    }
}

/// A syslog severity, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// `emergency`.
    Emergency,
    /// `alert`.
    Alert,
    /// `critical`.
    Critical,
    /// `error`.
    Error,
    /// `warning`.
    Warning,
    /// `notice`.
    Notice,
    /// `info`.
    Info,
    /// `any` (debug).
    Debug,
}

impl Severity {
    /// The Junos keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Emergency => "emergency",
            Severity::Alert => "alert",
            Severity::Critical => "critical",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Notice => "notice",
            Severity::Info => "info",
            Severity::Debug => "any",
        }
    }
}

/// One syslog message, as subsystems emit it on the event bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogEvent {
    /// `SNMP_TRAP_LINK_DOWN`, `UI_COMMIT_COMPLETED`, ...
    pub event_id: String,
    /// Facility.
    pub facility: Facility,
    /// Severity.
    pub severity: Severity,
    /// The logging daemon (`mib2d`, `mgd`, `jsd`).
    pub process: String,
    /// Its (simulated) PID.
    pub pid: u32,
    /// The text after `EVENT_ID: `.
    pub message: String,
    /// Structured attributes (for `jet-event` payloads).
    pub attributes: Vec<(String, String)>,
}

impl SyslogEvent {
    /// The line written to a log file.
    pub fn line(&self, at: DateTime<Utc>, host: &str) -> String {
        format!(
            "{}  {host} {}[{}]: {}: {}",
            at.format("%b %e %H:%M:%S"),
            self.process,
            self.pid,
            self.event_id,
            self.message
        )
    }
}

impl fmt::Display for SyslogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.event_id, self.message)
    }
}
