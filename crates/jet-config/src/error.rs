//! Errors of this crate: [`ConfigError`] for everything about configuration content,
//! [`StoreError`] for the durable store.

use std::fmt;
use std::path::PathBuf;

/// What kind of configuration problem a [`ConfigError`] reports. Lets callers map errors
/// (e.g. to a JET status) without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigErrorKind {
    /// The text cannot be tokenised or does not follow the statement grammar.
    Syntax,
    /// A statement name the schema does not know at that level.
    UnknownStatement,
    /// A value that does not fit its type (range, enum, address, name syntax...).
    InvalidValue,
    /// A statement the schema requires is absent.
    MissingMandatory,
    /// A value names something that is not configured.
    Reference,
    /// Two statements contradict each other.
    Conflict,
    /// `delete` of a statement that is not there.
    NotFound,
    /// A construct of the encoding this release does not implement (XML DTDs).
    Unsupported,
}

/// A configuration error, located like Junos does: the edit path of the enclosing
/// statement, the offending statement, the reason and, for parse errors, the 1-based line
/// and column of the offending token in the input.
///
/// `Display` renders the Junos CLI layout, preceded by the location when there is one:
///
/// ```text
/// line 3, column 18:
/// [edit system services extension-service request-response grpc clear-text]
///   'port 70000'
///     value out of range 70000 for port (1..65535)
/// ```
///
/// [`ConfigError::one_line`] gives a single-line form for logs and gRPC messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render(self))]
pub struct ConfigError {
    /// What went wrong, for programs.
    pub kind: ConfigErrorKind,
    /// 1-based line of the offending token (parse errors only).
    pub line: Option<usize>,
    /// 1-based column (in characters) of the offending token (parse errors only).
    pub column: Option<usize>,
    /// Edit path of the enclosing statement, e.g. `[edit system login user bob]`.
    pub path: String,
    /// The offending statement as Junos would echo it, e.g. `class` or `port 70000`.
    pub statement: String,
    /// The reason, e.g. `missing mandatory statement: 'class'`.
    pub message: String,
}

fn render(e: &ConfigError) -> String {
    let mut s = String::new();
    if let (Some(l), Some(c)) = (e.line, e.column) {
        s.push_str(&format!("line {l}, column {c}:\n"));
    }
    s.push_str(&e.path);
    if !e.statement.is_empty() {
        s.push_str(&format!("\n  '{}'", e.statement));
    }
    s.push_str(&format!("\n    {}", e.message));
    s
}

impl ConfigError {
    /// A new error without a source location.
    pub fn new(
        kind: ConfigErrorKind,
        path: impl Into<String>,
        statement: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError {
            kind,
            line: None,
            column: None,
            path: path.into(),
            statement: statement.into(),
            message: message.into(),
        }
    }

    /// The same error, located at `line`:`column` of the input.
    pub fn at(mut self, line: usize, column: usize) -> ConfigError {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Single-line rendering: `[edit system] 'foo': unknown statement 'foo' (line 2, column 5)`.
    pub fn one_line(&self) -> String {
        let mut s = self.path.clone();
        if !self.statement.is_empty() {
            s.push_str(&format!(" '{}'", self.statement));
        }
        s.push_str(&format!(": {}", self.message));
        if let (Some(l), Some(c)) = (self.line, self.column) {
            s.push_str(&format!(" (line {l}, column {c})"));
        }
        s
    }
}

/// Formats an edit path from its words: `[edit]`, `[edit system login user bob]`.
pub(crate) fn edit_path<S: AsRef<str>>(words: &[S]) -> String {
    if words.is_empty() {
        return "[edit]".to_owned();
    }
    let mut s = String::from("[edit");
    for w in words {
        s.push(' ');
        s.push_str(w.as_ref());
    }
    s.push(']');
    s
}

/// Errors of the durable configuration [`crate::Store`].
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file system operation failed.
    #[error("{op} {}: {source}", path.display())]
    Io {
        /// What we were doing (`writing`, `renaming`, ...).
        op: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A stored configuration file does not parse.
    #[error("{}: stored configuration is corrupt: {}", path.display(), source.one_line())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why it does not parse (boxed: keeps `Result<_, StoreError>` small).
        #[source]
        source: Box<ConfigError>,
    },
    /// `rollback N` with N beyond what is kept.
    #[error("rollback {0} is out of range (0..{max})", max = crate::limits::MAX_ROLLBACK)]
    RollbackOutOfRange(usize),
    /// `rollback N` for a rollback that does not exist (yet).
    #[error("rollback {0} does not exist")]
    NoSuchRollback(usize),
}

impl StoreError {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        StoreError::Io {
            op,
            path: path.into(),
            source,
        }
    }
}

impl fmt::Display for ConfigErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ConfigErrorKind::Syntax => "syntax",
            ConfigErrorKind::UnknownStatement => "unknown-statement",
            ConfigErrorKind::InvalidValue => "invalid-value",
            ConfigErrorKind::MissingMandatory => "missing-mandatory",
            ConfigErrorKind::Reference => "reference",
            ConfigErrorKind::Conflict => "conflict",
            ConfigErrorKind::NotFound => "not-found",
            ConfigErrorKind::Unsupported => "unsupported",
        };
        f.write_str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_follows_junos_layout_with_location_first() {
        let e = ConfigError::new(
            ConfigErrorKind::InvalidValue,
            "[edit system]",
            "host-name a b",
            "syntax error",
        )
        .at(2, 15);
        assert_eq!(
            e.to_string(),
            "line 2, column 15:\n[edit system]\n  'host-name a b'\n    syntax error"
        );
        assert_eq!(
            e.one_line(),
            "[edit system] 'host-name a b': syntax error (line 2, column 15)"
        );
    }

    #[test]
    fn edit_path_formats_top_and_nested_levels() {
        assert_eq!(edit_path::<&str>(&[]), "[edit]");
        assert_eq!(
            edit_path(&["system", "login", "user bob"]),
            "[edit system login user bob]"
        );
    }
}
