//! Which messages go to which file: `system syslog file` rules read from the
//! configuration, and the syslog messages Junos logs for device events.

use crate::events::DeviceEvent;
use crate::vocab::session::SessionEvent;
use crate::vocab::syslog::{Facility, Severity, SyslogEvent};

/// Default rotation size of a log file (Junos: 1 MB for `messages`... we use 1 MiB).
pub const DEFAULT_SIZE: u64 = 1024 * 1024;
/// Default number of rotated files kept.
pub const DEFAULT_FILES: u32 = 10;

/// Simulated PIDs of the daemons that log (stable, so golden files stay stable).
const MGD_PID: u32 = 2262;
const JSD_PID: u32 = 2291;

/// `FACILITY SEVERITY;` of a syslog file: messages of `facility` (`None`: `any`) at
/// `severity` or more severe are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyslogRule {
    /// The facility, `None` for `any`.
    pub facility: Option<Facility>,
    /// The least severe level written; `None` for `none` (nothing of this facility).
    pub severity: Option<Severity>,
}

/// A log file and what goes into it (from `system syslog file NAME { ... }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogFile {
    /// File name under `DATA/log/`.
    pub name: String,
    /// Facility/severity rules.
    pub rules: Vec<SyslogRule>,
    /// Rotate beyond this many bytes.
    pub size: u64,
    /// Keep this many rotated files (`NAME.0` newest).
    pub files: u32,
}

impl Facility {
    /// The facility for a Junos keyword; `Ok(None)` for `any`, `Err` for a facility this
    /// device never logs to (`firewall`, `pfe`, ...).
    fn from_keyword(s: &str) -> Result<Option<Facility>, ()> {
        Ok(Some(match s {
            "any" => return Ok(None),
            "authorization" => Facility::Authorization,
            "change-log" => Facility::ChangeLog,
            "daemon" => Facility::Daemon,
            "interactive-commands" => Facility::InteractiveCommands,
            "kernel" => Facility::Kernel,
            "user" => Facility::User,
            _ => return Err(()),
        }))
    }
}

impl Severity {
    /// The severity for a Junos keyword; `Ok(None)` for `none`.
    fn from_keyword(s: &str) -> Result<Option<Severity>, ()> {
        Ok(Some(match s {
            "emergency" => Severity::Emergency,
            "alert" => Severity::Alert,
            "critical" => Severity::Critical,
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "notice" => Severity::Notice,
            "info" => Severity::Info,
            "any" => Severity::Debug,
            "none" => return Ok(None),
            _ => return Err(()),
        }))
    }
}

/// The log files the configuration asks for. Without any `system syslog file`, the
/// Junos factory default: `file messages { any notice; authorization info; }`. Rules
/// for facilities this device never logs to are left out.
pub fn syslog_files(config: &jet_config::Config) -> Vec<SyslogFile> {
    let files = config.syslog_files();
    if files.is_empty() {
        return vec![SyslogFile::factory_messages()];
    }
    files
        .into_iter()
        .map(|f| SyslogFile {
            name: f.name,
            rules: f
                .contents
                .iter()
                .filter_map(|c| {
                    let facility = Facility::from_keyword(&c.facility).ok()?;
                    let severity = match c.severity.as_deref() {
                        Some(s) => Severity::from_keyword(s).ok()?,
                        None => Some(Severity::Notice),
                    };
                    Some(SyslogRule { facility, severity })
                })
                .collect(),
            size: DEFAULT_SIZE,
            files: DEFAULT_FILES,
        })
        .collect()
}

impl SyslogFile {
    /// The Junos factory default: `file messages { any notice; authorization info; }`.
    pub fn factory_messages() -> SyslogFile {
        SyslogFile {
            name: "messages".into(),
            rules: vec![
                SyslogRule {
                    facility: None,
                    severity: Some(Severity::Notice),
                },
                SyslogRule {
                    facility: Some(Facility::Authorization),
                    severity: Some(Severity::Info),
                },
            ],
            size: DEFAULT_SIZE,
            files: DEFAULT_FILES,
        }
    }

    /// True when a message goes to this file. A rule naming the message's facility
    /// decides over `any` (so `any notice; authorization none;` drops logins).
    pub fn wants(&self, facility: Facility, severity: Severity) -> bool {
        let specific = self
            .rules
            .iter()
            .filter(|r| r.facility == Some(facility))
            .map(|r| r.severity)
            .next();
        let level = match specific {
            Some(level) => level,
            None => self
                .rules
                .iter()
                .filter(|r| r.facility.is_none())
                .map(|r| r.severity)
                .next()
                .flatten(),
        };
        level.is_some_and(|l| severity <= l)
    }
}

/// The syslog messages Junos writes for a device event (none for most events).
pub fn messages_for(event: &DeviceEvent) -> Vec<SyslogEvent> {
    match event {
        DeviceEvent::Syslog(s) => vec![s.clone()],
        DeviceEvent::Commit(c) => {
            let who = vec![
                ("username".to_owned(), c.user.clone()),
                ("client".to_owned(), c.client.clone()),
            ];
            vec![
                SyslogEvent {
                    event_id: "UI_COMMIT".into(),
                    facility: Facility::InteractiveCommands,
                    severity: Severity::Notice,
                    process: "mgd".into(),
                    pid: MGD_PID,
                    message: format!(
                        "User '{}' requested 'commit' operation (comment: {})",
                        c.user,
                        c.comment.as_deref().unwrap_or("none")
                    ),
                    attributes: who.clone(),
                },
                SyslogEvent {
                    event_id: "UI_COMMIT_COMPLETED".into(),
                    facility: Facility::Daemon,
                    severity: Severity::Notice,
                    process: "mgd".into(),
                    pid: MGD_PID,
                    message: "commit complete".into(),
                    attributes: who,
                },
            ]
        }
        DeviceEvent::Session(SessionEvent::LoggedIn(s)) => {
            let Some(login) = s.login.as_ref() else {
                return Vec::new();
            };
            vec![SyslogEvent {
                event_id: "UI_LOGIN_EVENT".into(),
                facility: Facility::Authorization,
                severity: Severity::Info,
                process: "jsd".into(),
                pid: JSD_PID,
                message: format!(
                    "User '{}' login, class 'j-{}' [{}], grpc-connection '{} {}', \
                     client-mode 'jet', client-id '{}'",
                    login.user,
                    login.class.as_str(),
                    s.id,
                    s.peer.ip(),
                    s.peer.port(),
                    login.client_id
                ),
                attributes: vec![
                    ("username".into(), login.user.clone()),
                    ("client-id".into(), login.client_id.clone()),
                ],
            }]
        }
        DeviceEvent::Session(SessionEvent::Closed(s)) => {
            let Some(login) = s.login.as_ref() else {
                return Vec::new();
            };
            vec![SyslogEvent {
                event_id: "UI_LOGOUT_EVENT".into(),
                facility: Facility::Authorization,
                severity: Severity::Info,
                process: "jsd".into(),
                pid: JSD_PID,
                message: format!(
                    "User '{}' logout, client-id '{}' [{}]",
                    login.user, login.client_id, s.id
                ),
                attributes: vec![
                    ("username".into(), login.user.clone()),
                    ("client-id".into(), login.client_id.clone()),
                ],
            }]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn ev(id: &str) -> SyslogEvent {
        SyslogEvent {
            event_id: id.into(),
            facility: Facility::Daemon,
            severity: Severity::Warning,
            process: "mib2d".into(),
            pid: 2270,
            message: "ifIndex 513, ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/0"
                .into(),
            attributes: Vec::new(),
        }
    }

    #[test]
    fn lines_pad_the_day_and_put_two_spaces_before_the_host() {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 5, 14, 47, 45)
            .single()
            .expect("time");
        assert_eq!(
            ev("SNMP_TRAP_LINK_DOWN").line(at, "r1"),
            "Mar  5 14:47:45  r1 mib2d[2270]: SNMP_TRAP_LINK_DOWN: ifIndex 513, \
             ifAdminStatus up(1), ifOperStatus down(2), ifName ge-0/0/0"
        );
    }

    #[test]
    fn factory_messages_file_takes_notice_and_authorization_info() {
        let f = SyslogFile::factory_messages();
        assert!(f.wants(Facility::Daemon, Severity::Warning));
        assert!(f.wants(Facility::Daemon, Severity::Notice));
        assert!(!f.wants(Facility::Daemon, Severity::Info));
        assert!(f.wants(Facility::Authorization, Severity::Info));
        assert!(!f.wants(Facility::Authorization, Severity::Debug));
    }

    #[test]
    fn configured_files_replace_the_factory_default() {
        let none = jet_config::Config::parse_text("system { host-name r1; }").expect("parses");
        assert_eq!(syslog_files(&none), vec![SyslogFile::factory_messages()]);
        let cfg = jet_config::Config::parse_text(
            "system { syslog { file messages { any info; authorization none; } \
             file changes { change-log any; firewall any; } } }",
        )
        .expect("parses");
        let files = syslog_files(&cfg);
        assert_eq!(files.len(), 2);
        assert!(files[0].wants(Facility::Daemon, Severity::Info));
        assert!(!files[0].wants(Facility::Authorization, Severity::Emergency));
        assert_eq!(files[1].name, "changes");
        assert_eq!(files[1].rules.len(), 1, "firewall is never logged here");
        assert!(files[1].wants(Facility::ChangeLog, Severity::Debug));
    }

    #[test]
    fn a_facility_rule_overrides_any() {
        let f = SyslogFile {
            rules: vec![
                SyslogRule {
                    facility: None,
                    severity: Some(Severity::Info),
                },
                SyslogRule {
                    facility: Some(Facility::Authorization),
                    severity: None,
                },
            ],
            ..SyslogFile::factory_messages()
        };
        assert!(!f.wants(Facility::Authorization, Severity::Emergency));
        assert!(f.wants(Facility::Daemon, Severity::Info));
    }
}
