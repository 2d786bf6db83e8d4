//! `show system users` / `<get-system-users-information/>`: the users logged in over
//! JET (every authenticated session, `jcli` included), laid out like FreeBSD `w`
//! (`spec/junos-output.md` section 12).
//!
//! JET sessions have no terminal: TTY is `jsd/ID` (the session id), FROM the client
//! address, WHAT `jet CLIENT-ID`. Idle time is not tracked: `-`.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::uptime::{clock, load_averages, uptime_words, user_count};
use crate::device::Device;
use crate::output::{Element, Format};
use crate::sessions::SessionInfo;

/// The column header (USER at 0, TTY at 9, FROM at 18, LOGIN@ at 52, IDLE at 60, WHAT at 65).
const HEADER: &str = "USER     TTY      FROM                              LOGIN@  IDLE WHAT\n";

pub(super) fn render(dev: &Device, format: Format) -> String {
    let now = Utc::now();
    let users: Vec<SessionInfo> = dev
        .sessions()
        .list()
        .into_iter()
        .filter(|s| s.login.is_some())
        .collect();
    render_at(dev.booted(), now, &users, load_averages(), format)
}

/// One row's fields: user, tty, from, login time, command.
fn row(s: &SessionInfo) -> Option<(&str, String, String, DateTime<Utc>, String)> {
    let l = s.login.as_ref()?;
    Some((
        l.user.as_str(),
        format!("jsd/{}", s.id),
        s.peer.ip().to_string(),
        l.at,
        format!("jet {}", l.client_id).trim_end().to_owned(),
    ))
}

fn render_at(
    booted: DateTime<Utc>,
    now: DateTime<Utc>,
    users: &[SessionInfo],
    load: [f64; 3],
    format: Format,
) -> String {
    let up = (now - booted).num_seconds().max(0);
    let n = users.len();
    let mut table = Element::container("user-table");
    let mut text = format!(
        "{}  up {} {}, load averages: {:.2}, {:.2}, {:.2}\n{HEADER}",
        clock(now),
        uptime_words(up),
        user_count(n),
        load[0],
        load[1],
        load[2]
    );
    for s in users {
        let Some((user, tty, from, at, what)) = row(s) else {
            continue;
        };
        let login = clock(at);
        let _ = writeln!(
            text,
            "{user:<8} {tty:<8} {from:<32} {login:>7}{idle:>6} {what}",
            idle = "-"
        );
        table.push(
            Element::container("user-entry")
                .child(Element::leaf("user", user))
                .child(Element::leaf("tty", &tty))
                .child(Element::leaf("from", &from))
                .child(
                    Element::leaf("login-time", login.trim())
                        .attr("junos:seconds", at.timestamp().to_string()),
                )
                .child(Element::leaf("idle-time", "-").attr("junos:seconds", "0"))
                .child(Element::leaf("command", &what)),
        );
    }
    let up_words = uptime_words(up);
    let e = Element::container("system-users-information")
        .xmlns("junos")
        .child(
            Element::container("uptime-information")
                .child(
                    Element::leaf("date-time", clock(now).trim())
                        .attr("junos:seconds", now.timestamp().to_string()),
                )
                .child(
                    Element::leaf("up-time", up_words.trim_end_matches(','))
                        .attr("junos:seconds", up.to_string()),
                )
                .child(
                    Element::leaf("active-user-count", n.to_string())
                        .attr("junos:format", user_count(n)),
                )
                .child(Element::leaf("load-average-1", format!("{:.2}", load[0])))
                .child(Element::leaf("load-average-5", format!("{:.2}", load[1])))
                .child(Element::leaf("load-average-15", format!("{:.2}", load[2])))
                .child(table),
        );
    match format {
        Format::Text => text,
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::{Login, Transport};
    use chrono::TimeZone;
    use jet_config::LoginClass;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0)
            .single()
            .expect("time")
    }

    fn session(id: u64, user: &str, client: &str, login: DateTime<Utc>) -> SessionInfo {
        SessionInfo {
            id,
            peer: "192.0.2.10:50001".parse().expect("addr"),
            transport: Transport::ClearText,
            since: login,
            login: Some(Login {
                user: user.into(),
                class: LoginClass::SuperUser,
                client_id: client.into(),
                group_id: String::new(),
                at: login,
            }),
        }
    }

    #[test]
    fn text_follows_the_w_layout() {
        let users = [
            session(3, "admin", "app1", at(2, 35)),
            session(7, "noc", "cli", at(8, 31)),
        ];
        let out = render_at(
            at(0, 0),
            at(9, 38),
            &users,
            [0.28, 0.39, 0.37],
            Format::Text,
        );
        assert_eq!(
            out,
            " 9:38AM  up 9:38, 2 users, load averages: 0.28, 0.39, 0.37
USER     TTY      FROM                              LOGIN@  IDLE WHAT
admin    jsd/3    192.0.2.10                        2:35AM     - jet app1
noc      jsd/7    192.0.2.10                        8:31AM     - jet cli
"
        );
        let row = out.lines().nth(2).expect("row");
        assert_eq!(row.find("2:35AM"), Some(52), "LOGIN@ column");
        assert_eq!(row.find("jet"), Some(65), "WHAT column");
    }

    #[test]
    fn xml_has_user_entries_with_seconds() {
        let users = [session(3, "admin", "app1", at(2, 35))];
        let out = render_at(at(0, 0), at(9, 38), &users, [0.0; 3], Format::Xml);
        assert!(out.contains("<active-user-count junos:format=\"1 user\">1</active-user-count>"));
        assert!(out.contains("<user>admin</user>"), "{out}");
        assert!(out.contains(&format!(
            "<login-time junos:seconds=\"{}\">2:35AM</login-time>",
            at(2, 35).timestamp()
        )));
        let json = render_at(at(0, 0), at(9, 38), &users, [0.0; 3], Format::Json);
        let v: serde_json::Value = serde_json::from_str(&json).expect("json");
        let entry = &v["system-users-information"][0]["uptime-information"][0]["user-table"][0]
            ["user-entry"][0];
        assert_eq!(entry["user"][0]["data"], "admin");
    }
}
