//! Operational output as a tree of elements, rendered the way Junos renders it.
//!
//! Every operational command builds an [`Element`] tree whose names are the Junos XML
//! element names (`software-information`, `host-name`, ...). The XML and JSON renderings
//! are generic over that tree and follow the layout rules in `spec/junos-output.md`
//! sections 1.1 and 1.2; only the CLI text rendering is written per command.

use std::fmt::Write as _;

/// The release string that appears in `xmlns:junos` of every XML reply.
pub const JUNOS_RELEASE: &str = "24.4R1";
/// The schema version that payload roots carry in their default namespace.
pub const JUNOS_SCHEMA: &str = "24.4R0";

/// Output format requested by a client (`| display xml`, `format="json"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain CLI text.
    Text,
    /// Junos XML as `| display xml` prints it.
    Xml,
    /// Junos JSON as `| display json` prints it.
    Json,
}

/// The output of an app's command (an action script's, a live app's answer) in
/// `format`: text as it is; for XML and JSON, output that is XML (its first non-blank
/// character is `<`) gives that element (an `<rpc-reply>` wrapper taken off; JSON
/// rendered from it the Junos way), any other text is wrapped in `<output>`, as Junos
/// does for commands without an XML rendering. `Err` names what is wrong with the XML.
pub fn render_app_output(out: &str, format: Format) -> Result<String, String> {
    if format == Format::Text {
        return Ok(out.to_owned());
    }
    let body = out.trim();
    let element = if body.starts_with('<') {
        let doc = roxmltree::Document::parse(body).map_err(|e| e.to_string())?;
        let root = doc.root_element();
        // The whole `<rpc-reply>` may be given; its payload is what counts.
        let root = if root.tag_name().name() == "rpc-reply" {
            root.children().find(|n| n.is_element()).unwrap_or(root)
        } else {
            root
        };
        xml_element(root)
    } else {
        Element::leaf("output", out)
    };
    Ok(match format {
        Format::Json => element.to_json(),
        _ => element.to_cli_xml(),
    })
}

/// An XML node as an output element (attributes kept; text of mixed content dropped).
fn xml_element(n: roxmltree::Node<'_, '_>) -> Element {
    let name = match n.tag_name().namespace().and_then(|ns| n.lookup_prefix(ns)) {
        Some(p) if !p.is_empty() => format!("{p}:{}", n.tag_name().name()),
        _ => n.tag_name().name().to_owned(),
    };
    let kids: Vec<roxmltree::Node<'_, '_>> = n.children().filter(|c| c.is_element()).collect();
    let mut e = if kids.is_empty() {
        match n.text().map(str::trim) {
            Some(t) if !t.is_empty() => Element::leaf(name, t),
            _ => Element::flag(name),
        }
    } else {
        let mut e = Element::container(name);
        for k in kids {
            e.push(xml_element(k));
        }
        e
    };
    for a in n.attributes() {
        e = e.attr(a.name(), a.value());
    }
    e
}

/// One XML element of operational output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Body {
    /// A leaf with text (possibly empty).
    Text(String),
    /// A flag leaf: `<current-active/>`, JSON `[null]`.
    Flag,
    /// A container; may be empty (`<user-table>` / `</user-table>`, JSON `{}`).
    Children(Vec<Element>),
}

impl Element {
    /// An empty container.
    pub fn container(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            body: Body::Children(Vec::new()),
        }
    }

    /// A leaf with text.
    pub fn leaf(name: impl Into<String>, text: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            body: Body::Text(text.into()),
        }
    }

    /// A flag leaf (no value).
    pub fn flag(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            body: Body::Flag,
        }
    }

    /// Adds an attribute (`junos:seconds`, `xmlns`, ...).
    pub fn attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attrs.push((name.into(), value.into()));
        self
    }

    /// Sets the payload-root namespace for the given Junos schema module (`junos`,
    /// `junos-interface`, ...).
    pub fn xmlns(self, module: &str) -> Self {
        self.attr(
            "xmlns",
            format!("http://xml.juniper.net/junos/{JUNOS_SCHEMA}/{module}"),
        )
    }

    /// Appends a child. Turns a leaf into a container if needed.
    pub fn child(mut self, child: Element) -> Self {
        self.push(child);
        self
    }

    /// Appends a child in place.
    pub fn push(&mut self, child: Element) {
        match &mut self.body {
            Body::Children(c) => c.push(child),
            _ => self.body = Body::Children(vec![child]),
        }
    }

    /// The element name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The child elements (none for a leaf or flag).
    pub fn children(&self) -> &[Element] {
        match &self.body {
            Body::Children(c) => c,
            _ => &[],
        }
    }

    /// Renders the element inside the CLI `| display xml` envelope.
    pub fn to_cli_xml(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/{JUNOS_RELEASE}/junos\">"
        );
        self.write_xml(&mut out, 1);
        out.push_str(XML_TRAILER);
        out
    }

    /// Renders the element as XML at the given depth (4 spaces per level).
    pub fn write_xml(&self, out: &mut String, depth: usize) {
        let pad = "    ".repeat(depth);
        out.push_str(&pad);
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            let _ = write!(out, " {k}=\"{}\"", xml_escape(v));
        }
        match &self.body {
            Body::Flag => out.push_str("/>\n"),
            Body::Text(t) => {
                let _ = writeln!(out, ">{}</{}>", xml_escape(t), self.name);
            }
            Body::Children(children) => {
                out.push_str(">\n");
                for c in children {
                    c.write_xml(out, depth + 1);
                }
                let _ = writeln!(out, "{pad}</{}>", self.name);
            }
        }
    }

    /// Renders the element as Junos JSON (`| display json`).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\n");
        self.write_json_member(&mut out, 1, &[self]);
        out.push_str("\n}\n");
        out
    }

    /// Writes `"name" : [ {...}, {...} ]` for a run of same-named siblings.
    fn write_json_member(&self, out: &mut String, depth: usize, run: &[&Element]) {
        let pad = "    ".repeat(depth);
        let _ = writeln!(out, "{pad}{} : [", json_str(&self.name));
        for (i, e) in run.iter().enumerate() {
            e.write_json_object(out, depth);
            if i + 1 < run.len() {
                out.push_str(",\n");
            } else {
                out.push('\n');
            }
        }
        let _ = write!(out, "{pad}]");
    }

    /// Writes one element's object (`{ "data" : ... }` or `{ children }`) at `depth`, as
    /// it appears as an item of its name's array: for writers that stream the items of
    /// a long array instead of building every element first.
    pub fn write_json_object(&self, out: &mut String, depth: usize) {
        let pad = "    ".repeat(depth);
        let inner = "    ".repeat(depth + 1);
        let _ = writeln!(out, "{pad}{{");
        match &self.body {
            Body::Text(t) => {
                let _ = write!(out, "{inner}\"data\" : {}", json_str(t));
                if !self.attrs.is_empty() {
                    out.push_str(",\n");
                    self.write_json_attrs(out, depth + 1);
                }
                out.push('\n');
            }
            Body::Flag => {
                let _ = write!(out, "{inner}\"data\" : [null]");
                if !self.attrs.is_empty() {
                    out.push_str(",\n");
                    self.write_json_attrs(out, depth + 1);
                }
                out.push('\n');
            }
            Body::Children(children) => {
                let mut first = true;
                if !self.attrs.is_empty() {
                    self.write_json_attrs(out, depth + 1);
                    first = false;
                }
                // Group same-named siblings into one array, keeping first-seen order.
                let mut order: Vec<&str> = Vec::new();
                for c in children {
                    if !order.contains(&c.name.as_str()) {
                        order.push(&c.name);
                    }
                }
                for name in order {
                    let run: Vec<&Element> = children.iter().filter(|c| c.name == name).collect();
                    if !first {
                        out.push_str(",\n");
                    }
                    first = false;
                    run[0].write_json_member(out, depth + 1, &run);
                }
                if !first {
                    out.push('\n');
                }
            }
        }
        let _ = write!(out, "{pad}}}");
    }

    fn write_json_attrs(&self, out: &mut String, depth: usize) {
        let pad = "    ".repeat(depth);
        let _ = write!(out, "{pad}\"attributes\" : {{");
        let key_col = pad.len() + "\"attributes\" : {".len();
        for (i, (k, v)) in self.attrs.iter().enumerate() {
            if i > 0 {
                let _ = write!(out, ",\n{}", " ".repeat(key_col));
            }
            let _ = write!(out, "{} : {}", json_str(k), json_str(v));
        }
        if self.attrs.len() > 1 {
            let _ = write!(out, "\n{}}}", " ".repeat(key_col - 1));
        } else {
            out.push('}');
        }
    }
}

/// The `<cli>` trailer that closes every CLI `| display xml` reply.
pub const XML_TRAILER: &str = "    <cli>\n        <banner></banner>\n    </cli>\n</rpc-reply>\n";

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Formats an absolute time as Junos prints it: `2026-11-24 03:30:00 UTC`.
pub fn junos_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Duration as Junos prints it next to a date: `6w2d 18:01`, `1d 00:45`, `00:01:40`.
pub fn time_length(secs: i64) -> String {
    let secs = secs.max(0);
    let (w, d) = (secs / 604_800, (secs % 604_800) / 86_400);
    let (h, m, s) = ((secs % 86_400) / 3600, (secs % 3600) / 60, secs % 60);
    if w > 0 {
        format!("{w}w{d}d {h:02}:{m:02}")
    } else if d > 0 {
        format!("{d}d {h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Element {
        Element::container("system-uptime-information")
            .xmlns("junos")
            .child(Element::leaf("time-source", " LOCAL CLOCK "))
            .child(
                Element::container("uptime-information")
                    .child(Element::leaf("up-time", "11:03").attr("junos:seconds", "39780"))
                    .child(Element::container("user-table")),
            )
    }

    #[test]
    fn xml_uses_four_space_indent_envelope_and_trailer() {
        let xml = sample().to_cli_xml();
        let expected = "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/24.4R1/junos\">
    <system-uptime-information xmlns=\"http://xml.juniper.net/junos/24.4R0/junos\">
        <time-source> LOCAL CLOCK </time-source>
        <uptime-information>
            <up-time junos:seconds=\"39780\">11:03</up-time>
            <user-table>
            </user-table>
        </uptime-information>
    </system-uptime-information>
    <cli>
        <banner></banner>
    </cli>
</rpc-reply>
";
        assert_eq!(xml, expected);
    }

    #[test]
    fn json_wraps_every_element_in_an_array_and_leaf_text_in_data() {
        let json = sample().to_json();
        let v: serde_json::Value = serde_json::from_str(&json).expect("valid json");
        let root = &v["system-uptime-information"][0];
        assert_eq!(
            root["attributes"]["xmlns"],
            "http://xml.juniper.net/junos/24.4R0/junos"
        );
        assert_eq!(root["time-source"][0]["data"], " LOCAL CLOCK ");
        let up = &root["uptime-information"][0]["up-time"][0];
        assert_eq!(up["data"], "11:03");
        assert_eq!(up["attributes"]["junos:seconds"], "39780");
        assert_eq!(
            root["uptime-information"][0]["user-table"][0],
            serde_json::json!({})
        );
    }

    #[test]
    fn json_groups_repeated_siblings_and_renders_flags_as_null() {
        let e = Element::container("r")
            .child(Element::leaf("p", "a"))
            .child(Element::flag("f"))
            .child(Element::leaf("p", "b"));
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).expect("valid json");
        assert_eq!(v["r"][0]["p"][0]["data"], "a");
        assert_eq!(v["r"][0]["p"][1]["data"], "b");
        assert_eq!(v["r"][0]["f"][0]["data"], serde_json::json!([null]));
    }

    #[test]
    fn json_layout_matches_junos_bytes() {
        let e = Element::container("a").child(Element::leaf("b", "x"));
        assert_eq!(
            e.to_json(),
            "{\n    \"a\" : [\n    {\n        \"b\" : [\n        {\n            \"data\" : \"x\"\n        }\n        ]\n    }\n    ]\n}\n"
        );
    }

    #[test]
    fn xml_escapes_markup_in_text() {
        let mut s = String::new();
        Element::leaf("m", "a<b & \"c\"").write_xml(&mut s, 0);
        assert_eq!(s, "<m>a&lt;b &amp; &quot;c&quot;</m>\n");
    }

    #[test]
    fn time_lengths_use_weeks_days_and_clock() {
        assert_eq!(
            time_length(6 * 604_800 + 2 * 86_400 + 18 * 3600 + 60),
            "6w2d 18:01"
        );
        assert_eq!(time_length(86_400 + 45 * 60), "1d 00:45");
        assert_eq!(time_length(100), "00:01:40");
    }
}
