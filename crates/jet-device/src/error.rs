//! The device's error type. jsd maps it to gRPC and JET statuses in one place, by variant.
//!
//! Variants are grouped by cause and carry the bad value in named fields; the messages
//! are the ones JET apps and the CLI show, so they do not change with the structure.

use jet_config::{ConfigError, LoginClass, StoreError};

/// Everything the device can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    // --- the request is malformed ---
    /// Configuration text that does not parse or validate; nothing was changed.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An operational or configuration-mode command that does not exist or has bad
    /// arguments; `reason` says which word and why.
    #[error("syntax error: {reason}")]
    Syntax {
        /// What is wrong with the command.
        reason: String,
    },
    /// `load set` or `load patch` with an XML or JSON payload (set commands and patches
    /// are text).
    #[error("syntax error: load {mode} takes text, not {encoding}")]
    NeedsText {
        /// The load mode (`set`, `patch`).
        mode: &'static str,
        /// The payload's encoding (`xml`, `json`).
        encoding: &'static str,
    },
    /// A payload encoding this release cannot load.
    #[error("{encoding} configuration is not supported by this OpenJET release")]
    UnsupportedEncoding {
        /// The payload's encoding (`text`, `xml`, `json`).
        encoding: &'static str,
    },

    // --- the caller may not do this ---
    /// Unknown user or wrong password.
    #[error("permission denied: authentication failed")]
    AuthenticationFailed,
    /// The login class may only run `show` commands and this is not one.
    #[error("permission denied: login class {} may only run show commands", class.as_str())]
    OpNotAllowed {
        /// The caller's login class.
        class: LoginClass,
    },
    /// The login class may not change the configuration.
    #[error(
        "permission denied: user '{user}' (class {}) may not change the configuration",
        class.as_str()
    )]
    ConfigNotAllowed {
        /// The caller.
        user: String,
        /// The caller's login class.
        class: LoginClass,
    },

    // --- the request names something the device does not have ---
    /// A real Junos operational command (or RPC) that this device does not implement.
    #[error("error: '{command}' is not supported on this device (RPC <{rpc}>)")]
    OpNotSupported {
        /// The command's full CLI words (or the RPC name when it has none).
        command: String,
        /// The RPC name.
        rpc: String,
    },
    /// An operational command named an interface the device does not have.
    #[error("error: device {name} not found")]
    UnknownInterface {
        /// The interface name as given.
        name: String,
    },
    /// `show log FILE` for a file that is neither configured nor on disk.
    #[error("error: could not resolve file: {name}")]
    UnknownLogFile {
        /// The file name as given.
        name: String,
    },
    /// An ephemeral-database request names an instance that is not configured.
    #[error(
        "ephemeral instance '{name}' is not configured \
         (system configuration-database ephemeral instance {name})"
    )]
    UnknownInstance {
        /// The instance name as given.
        name: String,
    },
    /// An ephemeral-database path this release does not accept.
    #[error("invalid path '{path}': {reason}")]
    InvalidEphemeralPath {
        /// The path as given.
        path: String,
        /// Which paths are accepted.
        reason: &'static str,
    },
    /// An ephemeral update or replace without configuration.
    #[error("the operation carries no configuration")]
    MissingEphemeralPayload,
    /// A configuration session token that is unknown on this connection.
    #[error(
        "no such configuration session on this connection (it ended, or belongs \
         to another connection)"
    )]
    UnknownConfigSession,

    // --- the configuration database refuses the operation now ---
    /// Another session holds `configure exclusive`.
    #[error("configuration database locked by: {by} (configure exclusive)")]
    DatabaseLocked {
        /// The user holding the lock (`another user` when unknown).
        by: String,
    },
    /// `configure private|exclusive` while the shared candidate has changes.
    #[error(
        "shared configuration database modified\n{editors}\
         (commit or roll back the shared candidate first)"
    )]
    SharedDatabaseModified {
        /// Who is editing, one `Users currently editing ...` report.
        editors: String,
    },
    /// `configure exclusive` while a private session is open.
    #[error("configuration database is being edited in private mode\n{editors}")]
    PrivateEditInProgress {
        /// Who is editing, one `Users currently editing ...` report.
        editors: String,
    },
    /// A private commit while the shared candidate has changes.
    #[error(
        "shared configuration database modified; a private commit is refused \
         until the shared candidate is committed or rolled back"
    )]
    PrivateCommitRefused,

    /// `request extension-service ...` for an application the device cannot run or
    /// stop now; `reason` names the application and why (`application file x.py not
    /// configured`, `... is not running`).
    #[error("error: {reason}")]
    AppRefused {
        /// Why, naming the application.
        reason: String,
    },

    // --- a commit was refused ---
    /// A commit check of a subsystem refused the new configuration; nothing was changed.
    #[error("commit check failed: {reason}")]
    CommitCheck {
        /// The subsystem's reason.
        reason: String,
    },
    /// A configuration-mode commit was refused; `report` is the Junos-style report that
    /// precedes the closing `error: configuration check-out failed` line.
    #[error("{report}\nerror: configuration check-out failed")]
    CommitFailed {
        /// Why, as Junos reports it.
        report: String,
    },

    // --- a software package was refused ---
    /// A package failed a check (archive, manifest, signature, file digest); nothing
    /// was installed. `reason` names the file, field, provider or key.
    #[error("error: package {package} refused: {reason}")]
    PackageRefused {
        /// The package file (or upload) as given.
        package: String,
        /// The check that failed.
        reason: jet_pkg::PkgError,
    },
    /// The package's name and version are already installed.
    #[error("error: package {name} version {version} is already installed")]
    PackageInstalled {
        /// App name.
        name: String,
        /// Version.
        version: String,
    },
    /// A package upload larger than the device accepts; refused before any data.
    #[error("error: {field}: package of {size} bytes exceeds the upload limit of {limit} bytes")]
    UploadTooLarge {
        /// The field (`header.size`, or `chunk` when more data came than announced).
        field: &'static str,
        /// The size announced or reached.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A package upload that does not match its header.
    #[error("error: {field}: {reason}")]
    UploadInvalid {
        /// The field (`header`, `header.size`, `header.sha256`, `chunk`).
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `request system software delete NAME` of a package that is not installed.
    #[error("error: package {name} is not installed")]
    UnknownPackage {
        /// App name as given.
        name: String,
    },

    /// `request system yang add`: a module that does not read (file and line), a
    /// missing script, a command that exists already, ...; nothing was installed.
    #[error("error: YANG package {package} refused: {reason}")]
    YangRefused {
        /// The YANG package's name.
        package: String,
        /// What is wrong.
        reason: String,
    },
    /// `request system yang delete|show system yang package NAME` of an unknown package.
    #[error("error: YANG package {name} is not installed")]
    UnknownYangPackage {
        /// The name as given.
        name: String,
    },

    // --- the device failed ---
    /// The configuration store could not be read or written.
    #[error("configuration database error: {0}")]
    Store(#[from] StoreError),
    /// A device task is gone (the device is shutting down).
    #[error("device is shutting down")]
    ShuttingDown,
    /// Rendering an operational command's output failed (its worker task died).
    #[error("error: {command} failed: {reason}")]
    RenderFailed {
        /// The command (`show route`).
        command: &'static str,
        /// Why the worker failed.
        reason: String,
    },
    /// Local I/O failed (data directory, password file, ...).
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl DeviceError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        DeviceError::Io {
            context: context.into(),
            source,
        }
    }

    /// A [`DeviceError::Syntax`] for `reason`.
    pub(crate) fn syntax(reason: String) -> Self {
        DeviceError::Syntax { reason }
    }

    /// A [`DeviceError::InvalidEphemeralPath`] for an update or replace below the root
    /// (the configuration is sent from the root).
    pub fn ephemeral_path_not_root(path: impl Into<String>) -> Self {
        DeviceError::InvalidEphemeralPath {
            path: path.into(),
            reason: "only \"/\" is accepted; send the configuration from the root",
        }
    }

    /// A [`DeviceError::CommitCheck`] for a subsystem's `reason`.
    pub(crate) fn commit_check(reason: String) -> Self {
        DeviceError::CommitCheck { reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_bad_value_as_junos_does() {
        let cases: Vec<(DeviceError, &str)> =
            vec![
            (DeviceError::syntax("'x' is unknown".into()), "syntax error: 'x' is unknown"),
            (
                DeviceError::NeedsText {
                    mode: "set",
                    encoding: "xml",
                },
                "syntax error: load set takes text, not xml",
            ),
            (
                DeviceError::OpNotAllowed {
                    class: LoginClass::ReadOnly,
                },
                "permission denied: login class read-only may only run show commands",
            ),
            (
                DeviceError::ConfigNotAllowed {
                    user: "ro".into(),
                    class: LoginClass::ReadOnly,
                },
                "permission denied: user 'ro' (class read-only) may not change the configuration",
            ),
            (
                DeviceError::UnknownInterface { name: "ge-9/9/9".into() },
                "error: device ge-9/9/9 not found",
            ),
            (
                DeviceError::UnknownLogFile { name: "nope".into() },
                "error: could not resolve file: nope",
            ),
            (
                DeviceError::UnknownInstance { name: "e1".into() },
                "ephemeral instance 'e1' is not configured \
                 (system configuration-database ephemeral instance e1)",
            ),
            (
                DeviceError::ephemeral_path_not_root("/system"),
                "invalid path '/system': only \"/\" is accepted; send the configuration from \
                 the root",
            ),
            (
                DeviceError::DatabaseLocked { by: "bob".into() },
                "configuration database locked by: bob (configure exclusive)",
            ),
            (
                DeviceError::SharedDatabaseModified {
                    editors: "Users currently editing the configuration:\n".into(),
                },
                "shared configuration database modified\nUsers currently editing the \
                 configuration:\n(commit or roll back the shared candidate first)",
            ),
            (
                DeviceError::commit_check("port 1 in use".into()),
                "commit check failed: port 1 in use",
            ),
            (
                DeviceError::CommitFailed {
                    report: "error: x".into(),
                },
                "error: x\nerror: configuration check-out failed",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
    }
}
