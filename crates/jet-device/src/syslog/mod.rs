//! syslog: the device's system log, written per `system syslog file NAME { FACILITY
//! SEVERITY; }` to `DATA/log/NAME`, and `show log messages`.
//!
//! Messages come from the device event bus: subsystems emit [`SyslogEvent`]s directly
//! (link traps), and [`messages_for`] turns other device events into the messages Junos
//! logs for them (commits → `UI_COMMIT`/`UI_COMMIT_COMPLETED`, JET logins →
//! `UI_LOGIN_EVENT`/`UI_LOGOUT_EVENT`). eventd can use the same mapping to publish
//! `/junos/events/syslog/<EVENT_ID>`, so one event has one syslog form everywhere.
//!
//! Line format (`spec/junos-output.md` section 11):
//! `Nov 24 03:30:00  HOST PROCESS[PID]: EVENT_ID: text` (day space-padded, two spaces
//! after the time). Without any `system syslog file`, the Junos factory default
//! applies: `file messages { any notice; authorization info; }`.

mod rules;
mod writer;

pub use crate::vocab::syslog::{Facility, Severity, SyslogEvent};
pub use rules::{messages_for, syslog_files, SyslogFile, SyslogRule, DEFAULT_FILES, DEFAULT_SIZE};
pub(crate) use writer::SyslogHandle;
