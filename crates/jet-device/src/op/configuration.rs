//! `show configuration [PATH] [| display set|xml|json]` / `<get-configuration/>`.

use std::fmt::Write as _;

use serde_json::Value;

use crate::device::Device;
use crate::error::DeviceError;
use crate::output::{json_str, junos_time, xml_escape, Format, JUNOS_RELEASE, XML_TRAILER};

pub(super) fn render(
    dev: &Device,
    path: &[String],
    format: Format,
    set: bool,
    inheritance: bool,
    secrets: bool,
) -> Result<String, DeviceError> {
    let committed = dev.committed();
    // `| display inheritance`: the configuration with every apply-groups expanded.
    let expanded;
    let mut cfg = if inheritance {
        expanded = committed.config.with_groups_applied();
        &expanded
    } else {
        &committed.config
    };
    // A user without the `secret` permission sees secret values masked.
    let masked;
    if !secrets {
        masked = cfg.with_secrets_masked();
        cfg = &masked;
    }
    let meta = &committed.meta;
    let words: Vec<&str> = path.iter().map(String::as_str).collect();
    let sub = if words.is_empty() {
        Some(cfg.clone())
    } else {
        cfg.subtree(&words)
    };
    let seconds = meta.time.timestamp().to_string();
    let local = junos_time(meta.time);
    if set {
        return Ok(sub.map(|c| c.to_set()).unwrap_or_default());
    }
    Ok(match format {
        Format::Text => {
            if words.is_empty() {
                format!(
                    "## Last commit: {local} by {}\n{}",
                    meta.user,
                    cfg.to_text()
                )
            } else {
                cfg.to_text_at(&words).unwrap_or_default()
            }
        }
        Format::Xml => {
            let mut out = format!(
                "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/{JUNOS_RELEASE}/junos\">\n"
            );
            let _ = writeln!(
                out,
                "    <configuration junos:commit-seconds=\"{seconds}\"\n                   \
                 junos:commit-localtime=\"{local}\"\n                   \
                 junos:commit-user=\"{}\">",
                xml_escape(&meta.user)
            );
            if let Some(c) = &sub {
                out.push_str(&c.to_xml(12));
            }
            out.push_str("    </configuration>\n");
            out.push_str(XML_TRAILER);
            out
        }
        Format::Json => {
            let mut body = serde_json::Map::new();
            let mut at = serde_json::Map::new();
            at.insert("junos:commit-seconds".into(), Value::String(seconds));
            at.insert("junos:commit-localtime".into(), Value::String(local));
            at.insert("junos:commit-user".into(), Value::String(meta.user.clone()));
            body.insert("@".into(), Value::Object(at));
            if let Some(Value::Object(members)) = sub.map(|c| c.to_json_value()) {
                body.extend(members);
            }
            let mut root = serde_json::Map::new();
            root.insert("configuration".into(), Value::Object(body));
            let mut out = String::new();
            write_junos_json(&mut out, &Value::Object(root), 0);
            out.push('\n');
            out
        }
    })
}

/// Prints a JSON value with the layout Junos uses for `| display json` of configuration:
/// 4-space indent, `"key" : value`, objects inside arrays opened at the array's indent.
pub(crate) fn write_junos_json(out: &mut String, v: &Value, depth: usize) {
    let pad = "    ".repeat(depth);
    match v {
        Value::Object(map) => {
            out.push_str("{\n");
            let n = map.len();
            for (i, (k, val)) in map.iter().enumerate() {
                let _ = write!(out, "{pad}    {} : ", json_str(k));
                write_junos_json(out, val, depth + 1);
                out.push_str(if i + 1 < n { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{pad}}}");
        }
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            out.push_str("[\n");
            let n = items.len();
            for (i, item) in items.iter().enumerate() {
                // Objects in an array open at the array key's indent, as Junos prints them.
                let inner = depth.saturating_sub(1);
                let _ = write!(out, "{}", "    ".repeat(inner + 1));
                write_junos_json(out, item, inner + 1);
                out.push_str(if i + 1 < n { ",\n" } else { "\n" });
            }
            let _ = write!(out, "{pad}]");
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junos_json_layout_puts_array_objects_at_the_key_indent() {
        let v: Value = serde_json::from_str(
            r#"{"configuration":{"system":{"server":[{"name":"192.0.2.4"}],"flag":[null]}}}"#,
        )
        .expect("json");
        let mut out = String::new();
        write_junos_json(&mut out, &v, 0);
        let expected = r#"{
    "configuration" : {
        "system" : {
            "server" : [
            {
                "name" : "192.0.2.4"
            }
            ],
            "flag" : [null]
        }
    }
}"#;
        assert_eq!(out, expected);
    }
}
