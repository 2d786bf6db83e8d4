//! `show extension-service client information [detail]`: the live JET sessions.
//!
//! Junos publishes no capture of this command's output; the text layout follows its
//! neighbour `show extension-service request-response clients` (columns: client id,
//! socket address, client type, login time), and the XML element names are ours.

use std::fmt::Write as _;

use crate::device::Device;
use crate::output::{junos_time, Element, Format};

pub(super) fn render(dev: &Device, format: Format, detail: bool) -> String {
    let sessions = dev.sessions().list();
    let mut root = Element::container("extension-service-client-information");
    for s in &sessions {
        let mut c = Element::container("client")
            .child(Element::leaf(
                "client-id",
                s.login.as_ref().map_or("", |l| &l.client_id),
            ))
            .child(Element::leaf("socket-address", s.peer.to_string()))
            .child(Element::leaf("client-type", "gRPC"))
            .child(Element::leaf("transport", s.transport.as_str()))
            .child(Element::leaf(
                "user",
                s.login.as_ref().map_or("", |l| &l.user),
            ));
        if let Some(l) = &s.login {
            c.push(Element::leaf("group-id", &l.group_id));
            c.push(
                Element::leaf("login-time", junos_time(l.at))
                    .attr("junos:seconds", l.at.timestamp().to_string()),
            );
        }
        c.push(
            Element::leaf("connected-since", junos_time(s.since))
                .attr("junos:seconds", s.since.timestamp().to_string()),
        );
        root.push(c);
    }
    match format {
        Format::Xml => root.to_cli_xml(),
        Format::Json => root.to_json(),
        Format::Text if detail => {
            let mut out = String::from("Client information:\n");
            for s in &sessions {
                let login = s.login.as_ref();
                let _ = write!(
                    out,
                    "\n  Client ID: {}\n  Group ID: {}\n  Socket Address: {}\n  Client Type: gRPC\n  \
                     Transport: {}\n  User: {}\n  Client Login Time (UTC): {}\n  Connected since: {}\n",
                    login.map_or("", |l| &l.client_id),
                    login.map_or("", |l| &l.group_id),
                    s.peer,
                    s.transport.as_str(),
                    login.map_or("", |l| &l.user),
                    login.map_or("No Login Time".to_owned(), |l| junos_time(l.at)),
                    junos_time(s.since),
                );
            }
            out
        }
        Format::Text => {
            let mut out = format!(
                "{:<22} {:<34} {:<12} {:<11} {:<13} {}\n",
                "Client ID",
                "Socket Address",
                "User",
                "Transport",
                "Client Type",
                "Client Login Time (UTC)"
            );
            for s in &sessions {
                let login = s.login.as_ref();
                let _ = writeln!(
                    out,
                    "{:<22} {:<34} {:<12} {:<11} {:<13} {}",
                    login.map_or("-", |l| if l.client_id.is_empty() {
                        "-"
                    } else {
                        &l.client_id
                    }),
                    s.peer,
                    login.map_or("-", |l| &l.user),
                    s.transport.as_str(),
                    "gRPC",
                    login.map_or("No Login Time".to_owned(), |l| junos_time(l.at)),
                );
            }
            out
        }
    }
}
