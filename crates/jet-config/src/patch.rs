//! `load patch`: applies the output of `show | compare` (`[edit PATH]` headers, `+`
//! added, `-` removed, `!` state changes) to a configuration, as Junos does.
//!
//! The patch is turned into curly-brace text for a merge load: each section becomes
//! `PATH { ... }`, each removed statement `delete: STATEMENT`, each added one itself,
//! each `!  inactive: X` / `!  active: X` the tagged statement. Annotation changes alone
//! (a `+  /* ... */` line not followed by its added statement) are not applied.

use crate::config::{Config, LoadMode};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::load::PayloadFormat;

impl Config {
    /// The configuration that results from applying `patch`, the output of `show |
    /// compare` (Junos `load patch`). This configuration is not changed; on error
    /// nothing is returned. Errors name the line of the patch.
    pub fn load_patch(&self, patch: &str) -> Result<Config, ConfigError> {
        let text = to_text(patch)?;
        self.load_payload(&text, PayloadFormat::Text, LoadMode::Merge)
            .map_err(|e| {
                let line = e.line.and_then(|l| text_line_origin(&text, l, patch));
                match line {
                    Some(l) => ConfigError {
                        line: Some(l),
                        column: None,
                        ..e
                    },
                    None => e,
                }
            })
    }
}

/// Where a line of the generated text came from: the same content in the patch.
fn text_line_origin(text: &str, line: usize, patch: &str) -> Option<usize> {
    let wanted = text.lines().nth(line.checked_sub(1)?)?.trim();
    let wanted = wanted.strip_prefix("delete: ").unwrap_or(wanted);
    patch
        .lines()
        .position(|l| l.len() > 1 && l[1..].trim() == wanted || l.trim() == wanted)
        .map(|p| p + 1)
}

fn syntax(line: usize, text: &str, message: &str) -> ConfigError {
    ConfigError::new(ConfigErrorKind::Syntax, "[edit]", text.trim(), message).at(line, 1)
}

/// The patch as curly-brace text with `delete:`, `inactive:` and `active:` tags.
pub(crate) fn to_text(patch: &str) -> Result<String, ConfigError> {
    let lines: Vec<&str> = patch.lines().collect();
    let mut out = String::new();
    let mut open = false;
    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        if let Some(h) = line
            .trim()
            .strip_prefix("[edit")
            .and_then(|r| r.strip_suffix(']'))
        {
            if open {
                out.push_str("}\n");
            }
            let words = h.trim();
            open = !words.is_empty();
            if open {
                out.push_str(words);
                out.push_str(" {\n");
            }
            continue;
        }
        let mut chars = line.chars();
        let mark = chars.next().unwrap_or(' ');
        let rest = chars.as_str();
        let body = rest.strip_prefix("  ").ok_or_else(|| {
            syntax(
                i + 1,
                line,
                "syntax error: expected '+', '-' or '!' and two spaces before a statement",
            )
        })?;
        // A statement line of the section (not a line inside a statement's block).
        let top = !body.starts_with(' ') && !body.starts_with('}');
        let comment = body.trim_start().starts_with("/*");
        match mark {
            '+' if top && comment => {
                // An added statement's annotation, or an annotation change alone.
                let next_added = lines.get(i + 1).is_some_and(|n| {
                    n.starts_with("+  ") && !n[3..].starts_with(' ') && !n[3..].starts_with("/*")
                });
                if next_added {
                    out.push_str(body);
                    out.push('\n');
                }
            }
            '+' => {
                out.push_str(body);
                out.push('\n');
            }
            '-' if top && comment => {}
            '-' if top => {
                out.push_str("delete: ");
                out.push_str(body);
                out.push('\n');
            }
            '-' => {
                out.push_str(body);
                out.push('\n');
            }
            '!' if top => {
                out.push_str(body);
                if !body.ends_with(';') && !body.ends_with('{') {
                    out.push(';');
                }
                out.push('\n');
            }
            _ => {
                return Err(syntax(
                    i + 1,
                    line,
                    &format!("syntax error: unexpected '{}' in a patch", line.trim()),
                ))
            }
        }
    }
    if open {
        out.push_str("}\n");
    }
    Ok(out)
}
