//! `show system commit` (`<get-commit-information/>`) and `show system rollback N
//! [compare M]`.

use crate::device::Device;
use crate::error::DeviceError;
use crate::mgd::{split_client, History};
use crate::output::{junos_time, Element, Format};

/// `show system commit`.
pub(super) fn render_history(h: &History, format: Format) -> String {
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

/// `show system rollback N [compare M]` with its arguments as typed.
pub(super) fn render_rollback(
    dev: &Device,
    args: &[String],
    format: Format,
) -> Result<String, DeviceError> {
    let num = |w: &str| {
        w.parse::<usize>()
            .map_err(|_| DeviceError::syntax(format!("'{w}' is not a rollback number (0..49)")))
    };
    let (n, against) = match args {
        [n] => (num(n)?, None),
        [n, c, m] if c == "compare" => (num(n)?, Some(num(m)?)),
        _ => {
            return Err(DeviceError::syntax(
                "usage: show system rollback NUMBER [compare NUMBER]".into(),
            ))
        }
    };
    let text = dev.mgd().rollback_text(n, against)?;
    Ok(match format {
        Format::Text => text,
        Format::Xml | Format::Json => {
            let e = Element::container("rollback-information").child(
                Element::container("configuration-information")
                    .child(Element::leaf("configuration-output", text)),
            );
            if format == Format::Xml {
                e.to_cli_xml()
            } else {
                e.to_json()
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mgd::PendingConfirm;
    use chrono::{TimeZone as _, Utc};
    use jet_config::CommitMeta;

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
            render_history(&h, Format::Text),
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
        let x = render_history(&h, Format::Xml);
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
        let j: serde_json::Value =
            serde_json::from_str(&render_history(&h, Format::Json)).expect("json");
        assert_eq!(
            j["commit-information"][0]["commit-history"][1]["log"][0]["data"],
            "change 42"
        );
    }
}
