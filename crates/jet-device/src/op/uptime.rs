//! `show system uptime` / `<get-system-uptime-information/>`.

use chrono::{DateTime, Utc};

use crate::device::Device;
use crate::output::{junos_time, time_length, Element, Format};

pub(super) fn render(dev: &Device, format: Format) -> String {
    let now = Utc::now();
    let booted = dev.booted();
    let committed = dev.committed();
    let last = committed.meta.time;
    let users = dev
        .sessions()
        .list()
        .iter()
        .filter(|s| s.login.is_some())
        .count();
    let load = load_averages();
    let up = (now - booted).num_seconds().max(0);
    let e = Element::container("system-uptime-information")
        .xmlns("junos")
        .child(Element::container("current-time").child(date_time(now)))
        .child(Element::leaf("time-source", " LOCAL CLOCK "))
        .child(since("system-booted-time", booted, now))
        .child(since("protocols-started-time", booted, now))
        .child(
            since("last-configured-time", last, now)
                .child(Element::leaf("user", &committed.meta.user)),
        )
        .child(
            Element::container("uptime-information")
                .child(
                    Element::leaf("date-time", clock(now))
                        .attr("junos:seconds", now.timestamp().to_string()),
                )
                .child(
                    Element::leaf("up-time", uptime_words(up).trim_end_matches(',').to_owned())
                        .attr("junos:seconds", up.to_string()),
                )
                .child(
                    Element::leaf("active-user-count", users.to_string())
                        .attr("junos:format", user_count(users)),
                )
                .child(Element::leaf("load-average-1", format!("{:.2}", load[0])))
                .child(Element::leaf("load-average-5", format!("{:.2}", load[1])))
                .child(Element::leaf("load-average-15", format!("{:.2}", load[2])))
                .child(Element::container("user-table")),
        );
    match format {
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
        Format::Text => format!(
            "Current time: {}\nTime Source:  LOCAL CLOCK \nSystem booted: {} ({} ago)\n\
             Protocols started: {} ({} ago)\nLast configured: {} ({} ago) by {}\n\
             {}  up {} {}, load averages: {:.2}, {:.2}, {:.2}\n",
            junos_time(now),
            junos_time(booted),
            time_length((now - booted).num_seconds()),
            junos_time(booted),
            time_length((now - booted).num_seconds()),
            junos_time(last),
            time_length((now - last).num_seconds()),
            committed.meta.user,
            clock(now),
            uptime_words(up),
            user_count(users),
            load[0],
            load[1],
            load[2],
        ),
    }
}

fn date_time(t: DateTime<Utc>) -> Element {
    Element::leaf("date-time", junos_time(t)).attr("junos:seconds", t.timestamp().to_string())
}

fn since(name: &str, t: DateTime<Utc>, now: DateTime<Utc>) -> Element {
    let secs = (now - t).num_seconds().max(0);
    Element::container(name).child(date_time(t)).child(
        Element::leaf("time-length", time_length(secs)).attr("junos:seconds", secs.to_string()),
    )
}

/// `12:05PM`-style wall clock; a one-digit hour is padded with a space, as FreeBSD `w` does.
pub(super) fn clock(t: DateTime<Utc>) -> String {
    t.format("%l:%M%p").to_string()
}

pub(super) fn user_count(n: usize) -> String {
    if n == 1 {
        "1 user".to_owned()
    } else {
        format!("{n} users")
    }
}

/// The uptime phrase of FreeBSD `w` (`44 days, 18 hrs,`, `2 days,  1:04,`, `41 mins,`).
pub(crate) fn uptime_words(secs: i64) -> String {
    let mut up = secs.max(0);
    if up > 60 {
        up += 30; // `w` rounds to the nearest minute
    }
    let (days, hrs, mins, s) = (up / 86_400, (up % 86_400) / 3600, (up % 3600) / 60, up % 60);
    let plural = |n: i64| if n > 1 { "s" } else { "" };
    let mut out = String::new();
    if days > 0 {
        out.push_str(&format!("{days} day{},", plural(days)));
    }
    let tail = if hrs > 0 && mins > 0 {
        format!(" {hrs:2}:{mins:02},")
    } else if hrs > 0 {
        format!(" {hrs} hr{},", plural(hrs))
    } else if mins > 0 {
        format!(" {mins} min{},", plural(mins))
    } else if days == 0 {
        format!(" {s} sec{},", plural(s))
    } else {
        String::new()
    };
    out.push_str(&tail);
    out.trim_start().to_owned()
}

/// 1, 5 and 15 minute load averages of the host (zeros where /proc is absent).
pub(super) fn load_averages() -> [f64; 3] {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut v = text
        .split_whitespace()
        .map(|x| x.parse::<f64>().unwrap_or(0.0));
    [
        v.next().unwrap_or(0.0),
        v.next().unwrap_or(0.0),
        v.next().unwrap_or(0.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_phrases_follow_freebsd_w() {
        assert_eq!(uptime_words(44 * 86_400 + 18 * 3600), "44 days, 18 hrs,");
        assert_eq!(uptime_words(2 * 86_400 + 3600 + 4 * 60), "2 days,  1:04,");
        assert_eq!(uptime_words(41 * 60), "41 mins,");
        assert_eq!(uptime_words(11 * 3600 + 3 * 60), "11:03,");
        assert_eq!(uptime_words(5), "5 secs,");
        assert_eq!(uptime_words(86_400), "1 day,");
    }
}
