//! `show interfaces` renderings (`<get-interface-information>`): terse and descriptions
//! here, normal and extensive in [`super::detail`]. Layouts follow
//! `spec/junos-output.md` sections 4 and 5.

use super::common::{root, up_down, Selection};
use super::detail;
use crate::error::DeviceError;
use crate::output::{Element, Format};
use crate::vocab::interfaces::{
    Family, FamilyKind, IfAddress, Ifd, IfdKind, Ifl, InterfacesSnapshot,
};

/// Which `show interfaces` style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `terse`.
    Terse,
    /// The default (also `brief`/`detail`, rendered as normal).
    Normal,
    /// `extensive`.
    Extensive,
    /// `descriptions`.
    Descriptions,
}

/// What `show interfaces` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InterfacesQuery {
    /// An IFD (`ge-0/0/0`) or IFL (`ge-0/0/0.0`) name; `None` for all.
    pub(crate) name: Option<String>,
    /// The style.
    pub(crate) style: Style,
}

/// Renders `show interfaces` for `q` in `format`, with no traffic.
#[cfg(test)]
pub(crate) fn render(
    snap: &InterfacesSnapshot,
    q: &InterfacesQuery,
    format: Format,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, DeviceError> {
    render_with_traffic(snap, q, format, now, &detail::Traffic::new())
}

/// Renders `show interfaces` for `q` in `format`, counters and rates from `traffic`.
pub(crate) fn render_with_traffic(
    snap: &InterfacesSnapshot,
    q: &InterfacesQuery,
    format: Format,
    now: chrono::DateTime<chrono::Utc>,
    traffic: &detail::Traffic,
) -> Result<String, DeviceError> {
    let sel = select(snap, q.name.as_deref())?;
    match q.style {
        Style::Terse => Ok(terse(snap, &sel, format)),
        Style::Descriptions => Ok(descriptions(&sel, format)),
        Style::Normal => Ok(detail::render(&sel, format, false, now, traffic)),
        Style::Extensive => Ok(detail::render(&sel, format, true, now, traffic)),
    }
}

fn select<'a>(
    snap: &'a InterfacesSnapshot,
    name: Option<&str>,
) -> Result<Selection<'a>, DeviceError> {
    let Some(name) = name else {
        return Ok(Selection::Ifds(snap.ifds.iter().collect()));
    };
    if let Some(d) = snap.ifd(name) {
        return Ok(Selection::Ifds(vec![d]));
    }
    if let Some((d, l)) = snap.ifl(name) {
        return Ok(Selection::Ifl(d, l));
    }
    Err(DeviceError::UnknownInterface {
        name: name.to_owned(),
    })
}

/// Loopback-style addresses (host addresses on lo0) print as `addr --> 0/0`.
fn loopback_style(d: &Ifd, f: &Family, a: &IfAddress) -> bool {
    d.kind == IfdKind::Loopback && a.is_host() && f.kind == FamilyKind::Inet
}

// ---- terse ----

const TERSE_HEADER: &str =
    "Interface               Admin Link Proto    Local                 Remote\n";

fn terse(snap: &InterfacesSnapshot, sel: &Selection<'_>, format: Format) -> String {
    let mut rootel = root("terse");
    let mut text = String::from(TERSE_HEADER);
    match sel {
        Selection::Ifds(ifds) => {
            for d in ifds {
                let mut pe = Element::container("physical-interface")
                    .child(Element::leaf("name", &d.name))
                    .child(Element::leaf("admin-status", up_down(d.admin_up)))
                    .child(Element::leaf("oper-status", up_down(d.oper_up())));
                push_row(
                    &mut text,
                    &d.name,
                    up_down(d.admin_up),
                    up_down(d.oper_up()),
                );
                text.push('\n');
                for l in &d.units {
                    pe.push(terse_ifl(d, l, &mut text));
                }
                if let Some(ae) = snap.ifds.iter().find(|a| a.members.contains(&d.name)) {
                    for l in &ae.units {
                        pe.push(terse_member_unit(d, ae, l, &mut text));
                    }
                }
                rootel.push(pe);
            }
        }
        Selection::Ifl(d, l) => rootel.push(terse_ifl(d, l, &mut text)),
    }
    match format {
        Format::Text => text,
        Format::Xml => rootel.to_cli_xml(),
        Format::Json => rootel.to_json(),
    }
}

/// Appends the columns up to Link (no newline), trailing spaces trimmed.
fn push_row(text: &mut String, name: &str, admin: &str, link: &str) {
    let row = format!("{name:<23} {admin:<5} {link}");
    text.push_str(row.trim_end());
}

fn terse_ifl(d: &Ifd, l: &Ifl, text: &mut String) -> Element {
    let mut le = Element::container("logical-interface")
        .child(Element::leaf("name", &l.name))
        .child(Element::leaf("admin-status", up_down(l.admin_up)))
        .child(Element::leaf("oper-status", up_down(l.oper_up)))
        .child(Element::container("filter-information"));
    push_row(text, &l.name, up_down(l.admin_up), up_down(l.oper_up));
    if l.families.is_empty() {
        text.push('\n');
    }
    for (fi, f) in l.families.iter().enumerate() {
        // The first family continues the unit's row; others start under Proto.
        if fi == 0 {
            let pad = 35usize.saturating_sub(last_line_len(text)).max(1);
            text.push_str(&" ".repeat(pad));
        } else {
            text.push_str(&" ".repeat(35));
        }
        let mut fe = Element::container("address-family")
            .child(Element::leaf("address-family-name", f.kind.as_str()));
        if f.addresses.is_empty() && f.nets.is_empty() {
            text.push_str(f.kind.as_str());
            text.push('\n');
        }
        // ISO network entity titles stand where addresses do.
        for (ni, net) in f.nets.iter().enumerate() {
            if ni == 0 {
                text.push_str(&format!("{:<9}", f.kind.as_str()));
            } else {
                text.push_str(&" ".repeat(44));
            }
            text.push_str(net);
            text.push('\n');
            fe.push(
                Element::container("interface-address")
                    .child(Element::leaf("ifa-local", net).attr("junos:emit", "emit")),
            );
        }
        for (ai, a) in f.addresses.iter().enumerate() {
            if ai == 0 {
                text.push_str(&format!("{:<9}", f.kind.as_str()));
            } else {
                text.push_str(&" ".repeat(44));
            }
            let mut ae = Element::container("interface-address");
            if loopback_style(d, f, a) {
                text.push_str(&format!("{:<20}--> 0/0\n", a.local));
                ae.push(Element::leaf("ifa-local", a.local.to_string()).attr("junos:emit", "emit"));
                ae.push(Element::leaf("ifa-destination", "0/0").attr("junos:emit", "emit"));
            } else {
                let local = format!("{}/{}", a.local, a.prefix_len);
                text.push_str(&local);
                text.push('\n');
                ae.push(Element::leaf("ifa-local", local).attr("junos:emit", "emit"));
            }
            fe.push(ae);
        }
        le.push(fe);
    }
    le
}

/// A member link's row for a unit of its bundle (`ge-0/0/1.100 ... aenet --> ae0.100`),
/// as Junos lists member links.
fn terse_member_unit(member: &Ifd, ae: &Ifd, l: &Ifl, text: &mut String) -> Element {
    let name = format!("{}.{}", member.name, l.unit);
    let bundle = format!("{}.{}", ae.name, l.unit);
    let up = up_down(member.admin_up && l.admin_up);
    let oper = up_down(member.oper_up() && l.admin_up);
    push_row(text, &name, up, oper);
    let pad = 35usize.saturating_sub(last_line_len(text)).max(1);
    text.push_str(&" ".repeat(pad));
    text.push_str(&format!("{:<9}--> {bundle}\n", "aenet"));
    Element::container("logical-interface")
        .child(Element::leaf("name", &name))
        .child(Element::leaf("admin-status", up))
        .child(Element::leaf("oper-status", oper))
        .child(Element::container("filter-information"))
        .child(
            Element::container("address-family")
                .child(Element::leaf("address-family-name", "aenet"))
                .child(Element::leaf("ae-bundle-name", bundle)),
        )
}

fn last_line_len(text: &str) -> usize {
    text.rsplit('\n').next().map_or(0, str::len)
}

// ---- descriptions ----

type DescRow = (String, &'static str, &'static str, String);

fn describe_ifl(rootel: &mut Element, rows: &mut Vec<DescRow>, l: &Ifl) {
    if let Some(desc) = &l.description {
        rootel.push(described(
            "logical-interface",
            &l.name,
            l.admin_up,
            l.oper_up,
            desc,
        ));
        rows.push((
            l.name.clone(),
            up_down(l.admin_up),
            up_down(l.oper_up),
            desc.clone(),
        ));
    }
}

fn descriptions(sel: &Selection<'_>, format: Format) -> String {
    let mut rootel = root("description");
    let mut rows: Vec<DescRow> = Vec::new();
    match sel {
        Selection::Ifds(ifds) => {
            for d in ifds {
                if let Some(desc) = &d.description {
                    rootel.push(described(
                        "physical-interface",
                        &d.name,
                        d.admin_up,
                        d.oper_up(),
                        desc,
                    ));
                    rows.push((
                        d.name.clone(),
                        up_down(d.admin_up),
                        up_down(d.oper_up()),
                        desc.clone(),
                    ));
                }
                for l in &d.units {
                    describe_ifl(&mut rootel, &mut rows, l);
                }
            }
        }
        Selection::Ifl(_, l) => describe_ifl(&mut rootel, &mut rows, l),
    }
    match format {
        Format::Xml => rootel.to_cli_xml(),
        Format::Json => rootel.to_json(),
        Format::Text if rows.is_empty() => String::new(),
        Format::Text => {
            let mut text = String::from("Interface       Admin Link Description\n");
            for (name, admin, link, desc) in rows {
                text.push_str(&format!("{name:<15} {admin:<5} {link:<4} {desc}\n"));
            }
            text
        }
    }
}

fn described(kind: &str, name: &str, admin: bool, oper: bool, desc: &str) -> Element {
    Element::container(kind)
        .child(Element::leaf("name", name))
        .child(Element::leaf("admin-status", up_down(admin)))
        .child(Element::leaf("oper-status", up_down(oper)))
        .child(Element::leaf("description", desc))
}

#[cfg(test)]
#[path = "render_tests.rs"]
mod tests;
