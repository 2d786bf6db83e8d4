//! `show extension-service request-response statistics`: jsd's connection admission
//! (DESIGN principle 8: every limit shows in a `show`): the deadlines a new connection
//! must meet, how many connections have not logged in yet (globally and per source),
//! how many sessions hold a `max-connections` slot, and why connections were closed.
//!
//! jsd lives outside the device crate; it reports through the [`RequestResponseStatus`]
//! trait registered with [`Device::set_request_response_status`]. Junos publishes no
//! capture of this command: the layout and the XML element names are ours.

use std::fmt::Write as _;

use crate::output::{Element, Format};
pub use crate::vocab::request_response::{RequestResponseStats, RequestResponseStatus};
use crate::Device;

pub(super) fn render_statistics(dev: &Device, format: Format) -> String {
    let s = dev
        .request_response_status()
        .map(|s| s.statistics())
        .unwrap_or_default();
    let jsd = dev.committed().config.jsd();
    let max_sessions = jsd.max_connections;
    let mut root = Element::container("request-response-statistics")
        .child(Element::leaf(
            "setup-deadline-seconds",
            s.setup_deadline.as_secs().to_string(),
        ))
        .child(Element::leaf(
            "login-deadline-seconds",
            s.login_deadline.as_secs().to_string(),
        ))
        .child(Element::leaf("sessions", s.sessions.to_string()))
        .child(Element::leaf("max-sessions", max_sessions.to_string()))
        .child(Element::leaf(
            "unauthenticated-connections",
            s.unauthenticated.to_string(),
        ))
        .child(Element::leaf(
            "max-unauthenticated-connections",
            s.max_unauthenticated.to_string(),
        ))
        .child(Element::leaf(
            "max-unauthenticated-per-source",
            s.max_unauthenticated_per_source.to_string(),
        ));
    for (ip, n) in &s.busiest_sources {
        root.push(
            Element::container("unauthenticated-source")
                .child(Element::leaf("address", ip.to_string()))
                .child(Element::leaf("connections", n.to_string())),
        );
    }
    for (name, _, v) in &s.counters {
        root.push(Element::leaf(*name, v.to_string()));
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text => {
            let mut out = String::from("Request-response service (jsd) connections:\n");
            let mut row = |label: &str, value: String| {
                let _ = writeln!(out, "  {:<44} {value}", format!("{label}:"));
            };
            row(
                "TLS handshake and HTTP/2 preface deadline",
                format!("{} seconds", s.setup_deadline.as_secs()),
            );
            let not_enforced = if jsd.skip_authentication {
                " (not enforced: skip-authentication)"
            } else {
                ""
            };
            row(
                "Login deadline",
                format!("{} seconds{not_enforced}", s.login_deadline.as_secs()),
            );
            row(
                "Sessions (max-connections)",
                format!("{} of {max_sessions}", s.sessions),
            );
            row(
                "Connections not logged in",
                format!("{} of {}", s.unauthenticated, s.max_unauthenticated),
            );
            row(
                "Connections not logged in, per source",
                format!("at most {}", s.max_unauthenticated_per_source),
            );
            for (ip, n) in &s.busiest_sources {
                row(&format!("  from {ip}"), n.to_string());
            }
            for (_, label, v) in &s.counters {
                row(label, v.to_string());
            }
            out
        }
    }
}
