//! `show interfaces [NAME] [terse|extensive|descriptions|detail|brief]`,
//! `<get-interface-information>`, and `request interface simulate-link NAME down|up`.
//! This module is the command surface; the renderings are in `render` (terse,
//! descriptions) and `detail` (normal, extensive).

mod common;
mod detail;
mod render;

pub(super) use self::render::InterfacesQuery;
use self::render::Style;
use super::Command;
use crate::device::Device;
use crate::error::DeviceError;
use crate::output::{Element, Format};

/// Style keywords after `show interfaces` (any unique prefix).
const STYLES: &[(&str, Style)] = &[
    ("brief", Style::Normal),
    ("descriptions", Style::Descriptions),
    ("detail", Style::Normal),
    ("extensive", Style::Extensive),
    ("terse", Style::Terse),
];

/// Parses the words after `show interfaces`: at most one interface name and one style,
/// in either order (`show interfaces terse ge-0/0/0` = `show interfaces ge-0/0/0 terse`).
pub(super) fn parse_show(rest: &[&str]) -> Result<InterfacesQuery, DeviceError> {
    let mut q = InterfacesQuery {
        name: None,
        style: Style::Normal,
    };
    let mut styled = false;
    for w in rest {
        let hits: Vec<&(&str, Style)> = STYLES.iter().filter(|(k, _)| k.starts_with(w)).collect();
        let exact = STYLES.iter().find(|(k, _)| k == w);
        let looks_like_name =
            w.contains('/') || w.contains('.') || w.chars().any(|c| c.is_ascii_digit());
        match (exact, hits.as_slice()) {
            (Some((_, s)), _) | (None, [(_, s)]) if !looks_like_name => {
                if styled {
                    return Err(DeviceError::syntax(format!(
                        "'show interfaces': '{w}' conflicts with an earlier style"
                    )));
                }
                q.style = *s;
                styled = true;
            }
            _ if q.name.is_none() => q.name = Some((*w).to_owned()),
            _ => {
                return Err(DeviceError::syntax(format!(
                    "'show interfaces': unexpected argument '{w}'"
                )))
            }
        }
    }
    Ok(q)
}

/// Parses `request interface simulate-link NAME down|up`.
pub(super) fn parse_simulate_link(rest: &[&str]) -> Result<Command, DeviceError> {
    match rest {
        [name, state] => {
            let up = match *state {
                "up" => true,
                "down" => false,
                other => {
                    return Err(DeviceError::syntax(format!(
                        "'request interface simulate-link {name}': expected 'down' or 'up', not '{other}'"
                    )))
                }
            };
            Ok(Command::SimulateLink {
                name: (*name).to_owned(),
                up,
            })
        }
        _ => Err(DeviceError::syntax(
            "usage: request interface simulate-link INTERFACE (down | up)".into(),
        )),
    }
}

/// Parses `<get-interface-information>` and its option elements (`<terse/>`,
/// `<extensive/>`, `<descriptions/>`, `<interface-name>ge-0/0/0</interface-name>`).
pub(super) fn parse_rpc(body: &str) -> Result<InterfacesQuery, DeviceError> {
    let mut style = Style::Normal;
    for (k, s) in STYLES {
        if rpc_flag(body, k) {
            style = *s;
        }
    }
    Ok(InterfacesQuery {
        name: rpc_text(body, "interface-name"),
        style,
    })
}

/// True when the RPC body holds `<name/>` or `<name></name>`.
pub(super) fn rpc_flag(body: &str, name: &str) -> bool {
    body.contains(&format!("<{name}/>"))
        || body.contains(&format!("<{name} />"))
        || body.contains(&format!("<{name}></{name}>"))
}

/// The trimmed text of the first `<name>text</name>` in the RPC body.
pub(super) fn rpc_text(body: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{name}>"))? + start;
    let text = body[start..end].trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `show interfaces ...`, after every committed configuration has been applied.
pub(super) async fn show(
    dev: &Device,
    q: &InterfacesQuery,
    format: Format,
) -> Result<String, DeviceError> {
    let snap = dev.interfaces_current().await?;
    let traffic = dev.firewall().read(|p| p.units.clone());
    render::render_with_traffic(&snap, q, format, chrono::Utc::now(), &traffic)
}

/// `request interface simulate-link NAME down|up`.
pub(super) async fn simulate_link(
    dev: &Device,
    name: &str,
    up: bool,
    format: Format,
) -> Result<String, DeviceError> {
    dev.simulate_link(name, up).await?;
    let state = if up { "up" } else { "down" };
    let e = Element::container("simulate-link-results")
        .child(Element::leaf("interface-name", name))
        .child(Element::leaf("link-state", state));
    Ok(match format {
        Format::Text => format!("Interface {name}: simulated link {state}\n"),
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_and_name_come_in_either_order_and_abbreviated() {
        let q = parse_show(&["terse", "ge-0/0/0"]).expect("parses");
        assert_eq!(q.style, Style::Terse);
        assert_eq!(q.name.as_deref(), Some("ge-0/0/0"));
        let q = parse_show(&["ge-0/0/0.0", "ext"]).expect("parses");
        assert_eq!(q.style, Style::Extensive);
        assert_eq!(q.name.as_deref(), Some("ge-0/0/0.0"));
        let q = parse_show(&["desc"]).expect("parses");
        assert_eq!(q.style, Style::Descriptions);
        assert_eq!(parse_show(&[]).expect("parses").style, Style::Normal);
        assert!(parse_show(&["lo0", "fxp0"]).is_err());
        assert!(parse_show(&["terse", "extensive"]).is_err());
    }

    #[test]
    fn simulate_link_needs_a_name_and_down_or_up() {
        assert_eq!(
            parse_simulate_link(&["ge-0/0/1", "down"]).expect("parses"),
            Command::SimulateLink {
                name: "ge-0/0/1".into(),
                up: false
            }
        );
        assert!(parse_simulate_link(&["ge-0/0/1"]).is_err());
        assert!(parse_simulate_link(&["ge-0/0/1", "sideways"]).is_err());
    }

    #[test]
    fn rpc_options_select_style_and_interface() {
        let q = parse_rpc(
            "<get-interface-information><terse/><interface-name>lo0</interface-name>\
             </get-interface-information>",
        )
        .expect("parses");
        assert_eq!(q.style, Style::Terse);
        assert_eq!(q.name.as_deref(), Some("lo0"));
        let q = parse_rpc("<get-interface-information/>").expect("parses");
        assert_eq!(
            q,
            InterfacesQuery {
                name: None,
                style: Style::Normal
            }
        );
        assert_eq!(
            rpc_text(
                "<get-log><filename>messages</filename></get-log>",
                "filename"
            )
            .as_deref(),
            Some("messages")
        );
    }
}
