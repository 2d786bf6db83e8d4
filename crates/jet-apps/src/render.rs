//! `show extension-service application [NAME] [detail]` in text, XML and JSON. Junos has
//! no such command; the layout and element names are ours (docs/on-box-apps.md).

use std::fmt::Write as _;

use jet_device::output::{junos_time, time_length, Element, Format};

use crate::supervisor::AppRow;

/// Renders `rows` (already filtered) in `format`.
pub(crate) fn render(rows: &[AppRow], detail: bool, format: Format) -> String {
    let now = chrono::Utc::now();
    match format {
        Format::Xml => tree(rows, now).to_cli_xml(),
        Format::Json => tree(rows, now).to_json(),
        Format::Text if detail => text_detail(rows, now),
        Format::Text => text(rows, now),
    }
}

fn uptime(row: &AppRow, now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    row.since.map(|s| (now - s).num_seconds().max(0))
}

fn last_exit(row: &AppRow) -> String {
    match &row.last_exit {
        None => "-".to_owned(),
        Some(e) => match &e.reason {
            Some(r) => format!("{} ({r})", e.how),
            None => e.how.clone(),
        },
    }
}

fn text(rows: &[AppRow], now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = format!(
        "{:<20} {:<9} {:>7} {:>9} {:>8} {:>9} {:>8}  {}\n",
        "Application", "State", "PID", "Uptime", "Restarts", "Memory", "CPU", "Last exit"
    );
    for r in rows {
        let (mem, cpu) = r
            .usage
            .map(|(m, c)| {
                (
                    format!("{m}K"),
                    format!("{}.{:02}s", c / 1000, c % 1000 / 10),
                )
            })
            .unwrap_or_else(|| ("-".into(), "-".into()));
        let _ = writeln!(
            out,
            "{:<20} {:<9} {:>7} {:>9} {:>8} {:>9} {:>8}  {}",
            r.spec.name,
            r.state.as_str(),
            r.pid.map_or_else(|| "-".to_owned(), |p| p.to_string()),
            uptime(r, now).map_or_else(|| "-".to_owned(), time_length),
            r.restarts,
            mem,
            cpu,
            last_exit(r)
        );
    }
    out
}

fn text_detail(rows: &[AppRow], now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = String::new();
    for r in rows {
        let s = &r.spec;
        let _ = writeln!(out, "Application: {}", s.name);
        let _ = writeln!(out, "  State: {}", r.state.as_str());
        if let Some(p) = r.pid {
            let _ = writeln!(out, "  PID: {p}");
        }
        if let (Some(since), Some(up)) = (r.since, uptime(r, now)) {
            let _ = writeln!(
                out,
                "  Started: {} (uptime {})",
                junos_time(since),
                time_length(up)
            );
        }
        let _ = writeln!(out, "  File: {}", s.path.display());
        if let Some(i) = &s.interpreter {
            let _ = writeln!(out, "  Interpreter: {i}");
        }
        if !s.args.is_empty() {
            let _ = writeln!(out, "  Arguments: {}", s.args.join(" "));
        }
        let _ = writeln!(out, "  User: {}", s.username);
        let _ = writeln!(
            out,
            "  Mode: {}{}",
            if s.daemonize {
                "daemonize"
            } else {
                "on request"
            },
            if s.respawn_on_normal_exit {
                ", respawn-on-normal-exit"
            } else {
                ""
            }
        );
        if let Some((p, v)) = &s.package {
            let _ = writeln!(out, "  Package: {p} {v}");
        }
        let _ = writeln!(out, "  Restarts: {}", r.restarts);
        if let Some((m, c)) = r.usage {
            let _ = writeln!(out, "  Memory: {m}K resident, CPU: {c} ms");
        }
        let lim = |v: Option<u64>| v.map_or_else(|| "unlimited".to_owned(), |n| n.to_string());
        let _ = writeln!(
            out,
            "  Limits: data {}, cpu-time {}, open-files {}",
            lim(s.limits.data),
            lim(s.limits.cpu),
            lim(s.limits.nofile)
        );
        let _ = writeln!(out, "  Last exit: {}", last_exit(r));
        if let Some(e) = &r.last_exit {
            let _ = writeln!(out, "  Last exit time: {}", junos_time(e.at));
        }
        let _ = writeln!(out, "  Log: {}", r.log.display());
        out.push('\n');
    }
    out
}

fn tree(rows: &[AppRow], now: chrono::DateTime<chrono::Utc>) -> Element {
    let mut root = Element::container("extension-service-application-information");
    for r in rows {
        let s = &r.spec;
        let mut a = Element::container("application")
            .child(Element::leaf("name", &s.name))
            .child(Element::leaf("state", r.state.as_str()))
            .child(Element::leaf("file", s.path.display().to_string()))
            .child(Element::leaf("username", &s.username))
            .child(Element::leaf(
                "mode",
                if s.daemonize { "daemonize" } else { "request" },
            ))
            .child(Element::leaf("restarts", r.restarts.to_string()));
        if let Some(p) = r.pid {
            a.push(Element::leaf("pid", p.to_string()));
        }
        if let (Some(since), Some(up)) = (r.since, uptime(r, now)) {
            a.push(
                Element::leaf("start-time", junos_time(since))
                    .attr("junos:seconds", since.timestamp().to_string()),
            );
            a.push(Element::leaf("uptime", up.to_string()));
        }
        if let Some((m, c)) = r.usage {
            a.push(Element::leaf("memory-resident", m.to_string()));
            a.push(Element::leaf("cpu-time-ms", c.to_string()));
        }
        if let Some((p, v)) = &s.package {
            a.push(Element::leaf("package", p));
            a.push(Element::leaf("version", v));
        }
        if let Some(e) = &r.last_exit {
            let mut x = Element::container("last-exit")
                .child(Element::leaf("status", &e.how))
                .child(
                    Element::leaf("time", junos_time(e.at))
                        .attr("junos:seconds", e.at.timestamp().to_string()),
                );
            if let Some(reason) = &e.reason {
                x.push(Element::leaf("reason", reason));
            }
            a.push(x);
        }
        a.push(Element::leaf("log-file", r.log.display().to_string()));
        root.push(a);
    }
    root
}
