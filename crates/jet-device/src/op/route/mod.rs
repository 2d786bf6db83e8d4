//! `show route [PREFIX [exact|longer|orlonger]] [table T] [protocol P]
//! [terse|detail|extensive]`, `show route summary`, `show route forwarding-table` and
//! `show route client-info`, in CLI text, XML and JSON as Junos prints them
//! (`spec/junos-output.md` sections 6 and 7). `client-info` is ours: Junos has no public
//! capture of a JET-client route listing, so its names follow the neighbouring commands.

use std::fmt::Write as _;
use std::net::IpAddr;

use jet_rib::{MatchType, Prefix, Rib, Table, TableId};

mod common;
mod more;

pub(crate) use self::common::Style;
use crate::error::DeviceError;
use crate::output::{Element, Format};
use crate::rib::RibHandle;

/// Which `show route` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RouteCmd {
    /// `show route ...`.
    Routes(ShowRoute),
    /// `show route summary`.
    Summary,
    /// `show route forwarding-table`.
    Forwarding,
    /// `show route client-info`.
    Clients,
}

/// Arguments of `show route`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ShowRoute {
    /// Destination and how to match it.
    pub prefix: Option<(Prefix, MatchType, bool)>,
    /// Table name (exact, or a prefix such as `inet`).
    pub table: Option<String>,
    /// Protocol name (`static`, `direct`, `local`, `bgp-static`).
    pub protocol: Option<String>,
    /// `brief` (default), `terse`, `detail`, `extensive`.
    pub style: Style,
}

const WORDS: &[&str] = &[
    "summary",
    "forwarding-table",
    "client-info",
    "table",
    "protocol",
    "exact",
    "longer",
    "orlonger",
    "terse",
    "detail",
    "extensive",
];

fn word(w: &str) -> Result<Option<&'static str>, DeviceError> {
    let m: Vec<&'static str> = WORDS.iter().copied().filter(|k| k.starts_with(w)).collect();
    match m.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => match many.iter().find(|k| **k == w) {
            Some(k) => Ok(Some(k)),
            None => Err(DeviceError::syntax(format!(
                "'{w}' is ambiguous (possible completions: {})",
                many.join(", ")
            ))),
        },
    }
}

fn parse_prefix(w: &str) -> Result<Prefix, DeviceError> {
    let bad = || DeviceError::syntax(format!("invalid destination '{w}'"));
    let (a, len) = match w.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().map_err(|_| bad())?)),
        None => (w, None),
    };
    let addr: IpAddr = a.parse().map_err(|_| bad())?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    if len > max {
        return Err(bad());
    }
    Ok(Prefix::masked(addr, len))
}

/// Parses the words after `show route`.
pub(crate) fn parse_show_route(rest: &[&str]) -> Result<RouteCmd, DeviceError> {
    let mut args = ShowRoute::default();
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i];
        match word(w)? {
            Some("summary") if rest.len() == 1 => return Ok(RouteCmd::Summary),
            Some("forwarding-table") if rest.len() == 1 => return Ok(RouteCmd::Forwarding),
            Some("client-info") if rest.len() == 1 => return Ok(RouteCmd::Clients),
            Some(k @ ("table" | "protocol")) => {
                let v = rest
                    .get(i + 1)
                    .ok_or_else(|| DeviceError::syntax(format!("'{k}' needs a value")))?;
                if k == "table" {
                    args.table = Some((*v).to_owned());
                } else {
                    args.protocol = Some(v.to_ascii_lowercase());
                }
                i += 1;
            }
            Some(k @ ("exact" | "longer" | "orlonger")) => {
                let Some((_, how, incl)) = args.prefix.as_mut() else {
                    return Err(DeviceError::syntax(format!(
                        "'{k}' needs a destination before it"
                    )));
                };
                *how = if k == "exact" {
                    MatchType::Exact
                } else {
                    MatchType::ExactOrLonger
                };
                *incl = k != "longer";
            }
            Some("terse") => args.style = Style::Terse,
            Some("detail") => args.style = Style::Detail,
            Some("extensive") => args.style = Style::Extensive,
            Some(other) => {
                return Err(DeviceError::syntax(format!("'{other}' must be used alone")))
            }
            None if args.prefix.is_none() => {
                args.prefix = Some((parse_prefix(w)?, MatchType::Best, true))
            }
            None => {
                return Err(DeviceError::syntax(format!(
                    "unexpected argument '{w}' after 'show route'"
                )))
            }
        }
        i += 1;
    }
    Ok(RouteCmd::Routes(args))
}

fn table_matches(t: &Table, want: &Option<String>) -> bool {
    match want {
        None => true,
        Some(w) => {
            t.name == *w || t.name.starts_with(&format!("{w}.")) || t.name.starts_with(w.as_str())
        }
    }
}

/// Renders a `show route` command whole. `show route ...` itself walks a table a chunk
/// of destinations at a time, each under its own short read of the RIB, and writes
/// every format route by route; operational commands take it in pieces through
/// [`render_routes_pieces`] instead of as one string.
pub(crate) fn render_show(rib: &RibHandle, cmd: &RouteCmd, format: Format) -> String {
    let now = u64::from(rib.now_secs());
    let now_ms = rib.now_ms();
    match cmd {
        RouteCmd::Routes(a) => render_routes(rib, a, format, now),
        RouteCmd::Summary => rib.read(|r| more::summary(r, format)),
        RouteCmd::Forwarding => rib.read(|r| more::forwarding(r, format)),
        RouteCmd::Clients => rib.read(|r| more::clients(r, format, now_ms)),
    }
}

/// Renders `show route ...` piece by piece into `sink`, which returns false to stop
/// (the reader went away). Blocking: run it off the async workers.
pub(crate) fn render_routes_pieces(
    rib: &RibHandle,
    a: &ShowRoute,
    format: Format,
    sink: &mut dyn FnMut(String) -> bool,
) {
    let now = u64::from(rib.now_secs());
    render_routes_into(rib, a, format, now, sink);
}

/// Destinations rendered per read of the RIB.
const CHUNK: usize = 2048;

fn render_routes(rib: &RibHandle, a: &ShowRoute, format: Format, now: u64) -> String {
    let mut text = String::new();
    render_routes_into(rib, a, format, now, &mut |piece| {
        text.push_str(&piece);
        true
    });
    text
}

/// Pieces of output handed on at least this large (whole lines), so a big table is
/// passed on as it is rendered rather than held whole.
const FLUSH: usize = 64 * 1024;

/// The output document around the tables: the envelope of XML and JSON, table
/// separators, and where the pieces go.
struct Doc<'a> {
    mode: Mode,
    /// Envelope before the first table and after the last (XML and JSON).
    open: String,
    close: String,
    /// The whole document when no table is shown.
    empty: String,
    tables: usize,
    sink: &'a mut dyn FnMut(String) -> bool,
    alive: bool,
}

impl Doc<'_> {
    /// Hands on a piece of a table; `first` for the first piece of a table.
    fn table_piece(&mut self, first: bool, mut piece: String) {
        if first {
            if self.tables == 0 {
                let open = std::mem::take(&mut self.open);
                self.send(open);
            } else if self.mode == Mode::Json {
                piece.insert_str(0, ",\n");
            }
            self.tables += 1;
        }
        self.send(piece);
    }

    fn send(&mut self, piece: String) {
        if self.alive && !piece.is_empty() {
            self.alive = (self.sink)(piece);
        }
    }

    fn finish(mut self) {
        let last = if self.tables == 0 {
            std::mem::take(&mut self.empty)
        } else {
            std::mem::take(&mut self.close)
        };
        self.send(last);
    }
}

/// Renders `show route` piece by piece into `sink` (which returns false when nobody reads
/// any more: rendering stops).
fn render_routes_into(
    rib: &RibHandle,
    a: &ShowRoute,
    format: Format,
    now: u64,
    sink: &mut dyn FnMut(String) -> bool,
) {
    let root = Element::container("route-information").xmlns("junos-routing");
    let tables: Vec<TableId> = rib.read(|r| {
        r.tables()
            .filter(|(_, t)| table_matches(t, &a.table))
            .filter(|(_, t)| {
                a.prefix
                    .as_ref()
                    .is_none_or(|(p, _, _)| p.family() == t.family)
            })
            .map(|(id, _)| id)
            .collect()
    });
    let (mode, open, close, empty) = match format {
        Format::Json => {
            // Junos JSON groups same-named children into arrays. The document is the
            // generic rendering of an envelope whose tables go where a placeholder table
            // renders; each table streams its `rt` objects likewise.
            let mut shell = root.clone();
            shell.push(Element::leaf("route-table", PLACEHOLDER));
            let shell = shell.to_json();
            let mut item = String::new();
            Element::leaf("route-table", PLACEHOLDER).write_json_object(&mut item, 2);
            let (open, close) = shell.split_once(&item).unwrap_or((shell.as_str(), ""));
            (
                Mode::Json,
                open.to_owned(),
                close.to_owned(),
                root.to_json(),
            )
        }
        Format::Xml => {
            // The envelope of an empty reply, split around where the tables go.
            let shell = {
                let mut tmp = root.clone();
                tmp.push(Element::leaf("x", ""));
                tmp.to_cli_xml()
            };
            let (open, close) = shell
                .split_once("        <x></x>\n")
                .unwrap_or((shell.as_str(), ""));
            (
                Mode::Xml,
                open.to_owned(),
                close.to_owned(),
                format!("{open}{close}"),
            )
        }
        Format::Text => (Mode::Text, String::new(), String::new(), String::new()),
    };
    let mut doc = Doc {
        mode,
        open,
        close,
        empty,
        tables: 0,
        sink,
        alive: true,
    };
    for tid in tables {
        if !doc.alive {
            return;
        }
        let mut out = TableWriter::new(mode);
        render_table(rib, tid, a, now, &mut out, &mut doc);
    }
    doc.finish();
}

/// Stands in for streamed items while the generic JSON writer renders their container.
const PLACEHOLDER: &str = "\u{1}openjet-placeholder\u{1}";

/// What a table is rendered into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Text,
    Xml,
    Json,
}

/// One table's output, written route by route: CLI text, the `route-table` XML element,
/// or the `route-table` JSON object.
struct TableWriter {
    mode: Mode,
    text: String,
    /// Per-destination scratch: the text of a destination (unused for XML and JSON).
    scratch: String,
}

impl TableWriter {
    fn new(mode: Mode) -> Self {
        TableWriter {
            mode,
            text: String::new(),
            scratch: String::new(),
        }
    }
}

fn header_line(rib: &Rib, tid: TableId, t: &Table) -> (String, [u64; 4]) {
    let s = rib.summary(tid);
    let line = format!(
        "{}: {} destinations, {} routes ({} active, 0 holddown, {} hidden)",
        t.name, s.destinations, s.routes, s.active, s.hidden
    );
    (line, [s.destinations, s.routes, s.active, s.hidden])
}

/// Renders one table through `out` into `doc`: shown when at least one route matched, or
/// (header only) when the command names no destination. Pieces go on as soon as the table
/// is known to be shown.
fn render_table(
    rib: &RibHandle,
    tid: TableId,
    a: &ShowRoute,
    now: u64,
    out: &mut TableWriter,
    doc: &mut Doc<'_>,
) {
    let Some((line, header)) = rib.read(|r| {
        let t = r.table(tid)?;
        let (line, counts) = header_line(r, tid, t);
        let header = Element::container("route-table")
            .child(Element::leaf("table-name", &t.name))
            .child(Element::leaf("destination-count", counts[0].to_string()))
            .child(Element::leaf("total-route-count", counts[1].to_string()))
            .child(Element::leaf("active-route-count", counts[2].to_string()))
            .child(Element::leaf("holddown-route-count", "0"))
            .child(Element::leaf("hidden-route-count", counts[3].to_string()));
        Some((line, header))
    }) else {
        return;
    };
    // Written first, taken back when nothing matched.
    let start = out.text.len();
    let mut close = String::new();
    match out.mode {
        Mode::Text => {
            let _ = write!(out.text, "\n{line}\n");
        }
        Mode::Xml => {
            let mut s = String::new();
            header.write_xml(&mut s, 2);
            // Everything but the closing tag now; rows go in between.
            let cut = s.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1);
            close = s.split_off(cut);
            out.text.push_str(&s);
        }
        Mode::Json => {
            // The table object with a placeholder `rt`, split around it.
            let mut t = header.clone();
            t.push(Element::leaf("rt", PLACEHOLDER));
            let mut s = String::new();
            t.write_json_object(&mut s, 2);
            let mut item = String::new();
            Element::leaf("rt", PLACEHOLDER).write_json_object(&mut item, 3);
            if let Some((open, rest)) = s.split_once(&item) {
                out.text.push_str(open);
                close = rest.to_owned();
            }
        }
    }
    let after_header = out.text.len();
    let mut any = false;
    let mut any_json = false;
    let mut flushed = false;
    let mut after: Option<Prefix> = None;
    loop {
        let next = rib.read(|r| -> Option<Prefix> {
            let t = r.table(tid)?;
            // One destination: its paths, filtered as Junos shows them.
            let mut emit = |p: Prefix, d: &jet_rib::Dest, out: &mut TableWriter| {
                let mut views = Vec::new();
                r.visit_dest(tid, p, d, false, &mut |x| views.push(x));
                // Hidden paths (unusable next hop) are not shown, as on Junos.
                views.retain(|v| {
                    (v.active || v.nh.usable())
                        && a
                            .protocol
                            .as_deref()
                            .is_none_or(|want| {
                                v.path.proto.name().eq_ignore_ascii_case(want)
                                    // BGP-static routes are BGP routes (the BGP route
                                    // service's), shown by `protocol bgp` too.
                                    || (want == "bgp" && v.path.proto == jet_rib::Proto::BgpStatic)
                            })
                });
                if views.is_empty() {
                    return;
                }
                if !any && out.mode == Mode::Text {
                    if a.style != Style::Detail && a.style != Style::Extensive {
                        out.text.push_str("+ = Active Route, - = Last Active, * = Both\n\n");
                    }
                    if a.style == Style::Terse {
                        out.text.push_str(
                            "A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path\n",
                        );
                    }
                }
                any = true;
                match out.mode {
                    Mode::Text => {
                        more::dest(r, t, p, &views, a.style, now, &mut out.text, None);
                    }
                    Mode::Xml => {
                        out.scratch.clear();
                        let mut one = Element::container("route-table");
                        more::dest(r, t, p, &views, a.style, now, &mut out.scratch, Some(&mut one));
                        for rt in one.children() {
                            rt.write_xml(&mut out.text, 3);
                        }
                    }
                    Mode::Json => {
                        out.scratch.clear();
                        let mut one = Element::container("route-table");
                        more::dest(r, t, p, &views, a.style, now, &mut out.scratch, Some(&mut one));
                        for rt in one.children() {
                            if any_json {
                                out.text.push_str(",\n");
                            }
                            any_json = true;
                            rt.write_json_object(&mut out.text, 3);
                        }
                    }
                }
            };
            match &a.prefix {
                Some((p, MatchType::Exact, _)) => {
                    if let Some(d) = t.get(p) {
                        emit(*p, d, out);
                    }
                    None
                }
                _ => {
                    // `show route P` (no modifier) is the route P falls under — its
                    // longest match when that is less specific than P — followed by every
                    // route within P; `orlonger` and `longer` are just the routes within.
                    if let (None, Some((p, MatchType::Best, _))) = (after, &a.prefix) {
                        if let Some((q, d)) = t.lpm(p, |d| d.active(&r.nhs).is_some()) {
                            if q.len() < p.len() {
                                emit(q, d, out);
                            }
                        }
                    }
                    let iter: Box<dyn Iterator<Item = (Prefix, &jet_rib::Dest)>> = match &a.prefix {
                        Some((p, _, _)) => t.longer(p, after),
                        None => match after {
                            Some(x) => t.range(std::ops::Bound::Excluded(x), std::ops::Bound::Unbounded),
                            None => t.iter(),
                        },
                    };
                    let incl = a.prefix.as_ref().is_none_or(|(_, _, incl)| *incl);
                    let mut last = None;
                    for (n, (q, d)) in iter.enumerate() {
                        if n == CHUNK {
                            return last;
                        }
                        last = Some(q);
                        if !incl && a.prefix.as_ref().is_some_and(|(p, _, _)| *p == q) {
                            continue;
                        }
                        emit(q, d, out);
                    }
                    None
                }
            }
        });
        // Once a route is shown the table is, so what is written can go on.
        if any && out.text.len() >= FLUSH && doc.alive {
            doc.table_piece(!flushed, std::mem::take(&mut out.text));
            flushed = true;
        }
        match next {
            Some(p) if doc.alive => after = Some(p),
            _ => break,
        }
    }
    match out.mode {
        Mode::Text if !any => {
            // Only the header line (no legend) for a whole table without routes; nothing
            // for a filtered table without matches.
            out.text.truncate(if a.prefix.is_some() {
                start
            } else {
                after_header
            });
        }
        Mode::Text => {}
        Mode::Xml => out.text.push_str(&close),
        Mode::Json if any => out.text.push_str(&close),
        Mode::Json => {
            // No routes: the table object with its counts only.
            out.text.truncate(start);
            header.write_json_object(&mut out.text, 2);
        }
    }
    if any || a.prefix.is_none() {
        doc.table_piece(!flushed, std::mem::take(&mut out.text));
    }
}
