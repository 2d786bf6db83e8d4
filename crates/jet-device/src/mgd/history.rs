//! The commit history (`show system commit`, `<get-commit-information/>`).
//!
//! The store keeps one [`CommitMeta`] per configuration file (sequence number = rollback
//! number). A system comment (`commit confirmed, rollback in 10mins`, `commit confirmed
//! rollback`) travels in the `client` field after the client word, so it is stored in the
//! file header with the commit and printed the Junos way, after the client on the same
//! line: `by admin via cli commit confirmed, rollback in 10mins`.

use chrono::{DateTime, Utc};
use jet_config::CommitMeta;

use crate::output::{junos_time, Element, Format};

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

/// Renders `show system commit`.
pub(crate) fn render(h: &History, format: Format) -> String {
    match format {
        Format::Text => {
            let mut out = String::new();
            for (i, m) in h.entries.iter().enumerate() {
                let (client, sys) = split_client(&m.client);
                out.push_str(&format!(
                    "{:<3} {} by {} via {client}",
                    i,
                    junos_time(m.time),
                    m.user
                ));
                if let Some(s) = sys {
                    out.push(' ');
                    out.push_str(s);
                }
                out.push('\n');
                if let Some(log) = &m.comment {
                    for line in log.lines() {
                        out.push_str(&format!("    {line}\n"));
                    }
                }
            }
            out
        }
        Format::Xml | Format::Json => {
            let mut root = Element::container("commit-information");
            for (i, m) in h.entries.iter().enumerate() {
                let (client, sys) = split_client(&m.client);
                let mut e = Element::container("commit-history")
                    .child(Element::leaf("sequence-number", i.to_string()))
                    .child(Element::leaf("user", &m.user))
                    .child(Element::leaf("client", client))
                    .child(
                        Element::leaf("date-time", junos_time(m.time))
                            .attr("junos:seconds", m.time.timestamp().to_string()),
                    );
                if let Some(s) = sys {
                    e.push(Element::leaf("comment", s));
                }
                if let Some(log) = &m.comment {
                    e.push(Element::leaf("log", log));
                }
                if i == 0 && h.pending.is_some() {
                    e.push(Element::leaf("commit-confirmed", "rollback pending"));
                }
                root.push(e);
            }
            if format == Format::Xml {
                root.to_cli_xml()
            } else {
                root.to_json()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn meta(user: &str, client: &str, comment: Option<&str>, day: u32) -> CommitMeta {
        CommitMeta {
            user: user.into(),
            client: client.into(),
            time: Utc
                .with_ymd_and_hms(2026, 7, day, 10, 0, 0)
                .single()
                .expect("time"),
            comment: comment.map(str::to_owned),
        }
    }

    #[test]
    fn text_puts_system_comments_after_the_client_and_logs_below() {
        let h = History {
            entries: vec![
                meta(
                    "admin",
                    "cli commit confirmed, rollback in 10mins",
                    None,
                    20,
                ),
                meta("noc", "grpc", Some("change 42"), 19),
            ],
            pending: None,
        };
        assert_eq!(
            render(&h, Format::Text),
            "0   2026-07-20 10:00:00 UTC by admin via cli commit confirmed, rollback in 10mins\n\
             1   2026-07-19 10:00:00 UTC by noc via grpc\n    change 42\n"
        );
    }

    #[test]
    fn xml_has_sequence_numbers_comments_logs_and_the_pending_mark() {
        let h = History {
            entries: vec![
                meta("admin", "cli commit confirmed, rollback in 5mins", None, 20),
                meta("noc", "grpc", Some("change 42"), 19),
            ],
            pending: Some(PendingConfirm {
                deadline: Utc::now(),
                minutes: 5,
            }),
        };
        let x = render(&h, Format::Xml);
        assert!(x.contains("<commit-information>"), "{x}");
        assert!(x.contains("<sequence-number>0</sequence-number>"), "{x}");
        assert!(x.contains("<client>cli</client>"), "{x}");
        assert!(
            x.contains("<comment>commit confirmed, rollback in 5mins</comment>"),
            "{x}"
        );
        assert!(x.contains("<log>change 42</log>"), "{x}");
        assert!(
            x.contains("<commit-confirmed>rollback pending</commit-confirmed>"),
            "{x}"
        );
        assert!(
            x.contains(
                "<date-time junos:seconds=\"1784541600\">2026-07-20 10:00:00 UTC</date-time>"
            ),
            "{x}"
        );
        let j: serde_json::Value = serde_json::from_str(&render(&h, Format::Json)).expect("json");
        assert_eq!(
            j["commit-information"][0]["commit-history"][1]["log"][0]["data"],
            "change 42"
        );
    }

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
