//! The commit history (rendered by `show system commit`, `<get-commit-information/>`,
//! in the op layer).
//!
//! The store keeps one [`CommitMeta`] per configuration file (sequence number = rollback
//! number). A system comment (`commit confirmed, rollback in 10mins`, `commit confirmed
//! rollback`) travels in the `client` field after the client word, so it is stored in the
//! file header with the commit and printed the Junos way, after the client on the same
//! line: `by admin via cli commit confirmed, rollback in 10mins`.

use chrono::{DateTime, Utc};
use jet_config::CommitMeta;

/// The commit history as mgd last announced it.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Newest first; index = sequence number = rollback number.
    pub entries: Vec<CommitMeta>,
    /// The `commit confirmed` waiting for confirmation, if any.
    pub pending: Option<PendingConfirm>,
}

/// A `commit confirmed` that will be rolled back unless confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingConfirm {
    /// When the automatic rollback happens.
    pub deadline: DateTime<Utc>,
    /// The timeout given, in minutes.
    pub minutes: u32,
}

/// `client` word and system comment of a stored client field.
pub fn split_client(client: &str) -> (&str, Option<&str>) {
    match client.split_once(' ') {
        Some((c, comment)) if !comment.trim().is_empty() => (c, Some(comment.trim())),
        _ => (client.trim(), None),
    }
}

/// The client field for `client` with an optional system comment.
pub(crate) fn join_client(client: &str, system_comment: Option<&str>) -> String {
    match system_comment {
        Some(c) => format!("{client} {c}"),
        None => client.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_field_splits_into_client_and_system_comment() {
        assert_eq!(split_client("cli"), ("cli", None));
        assert_eq!(
            split_client("other commit confirmed rollback"),
            ("other", Some("commit confirmed rollback"))
        );
        assert_eq!(join_client("cli", Some("x y")), "cli x y");
    }
}
