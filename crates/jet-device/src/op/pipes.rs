//! Output pipes that filter rendered text: `| match`, `| except`, `| count`, `| last N`
//! (and `| no-more`, which changes nothing here: the device never paginates).
//!
//! Implemented once, on the device, so `OpCommandGet`, the legacy `ExecuteOpCommand` and
//! `jcli` give the same answer. The filters work on the *rendered* output, line by line,
//! whatever its format: `show interfaces terse | display xml | match ge-0` keeps the XML
//! lines that mention `ge-0`, as Junos does.
//!
//! Junos semantics kept here:
//! - `match` and `except` take a POSIX-style extended regular expression, matched
//!   **case-insensitively** anywhere in the line (Junos documents the filters as regular
//!   expressions and ignores case: `| match GE-0` finds `ge-0/0/0`). Quote a pattern that
//!   holds spaces or a `|` (`| match "ge-0/0/0|lo0"`).
//! - `count` replaces the output with `Count: N lines` (Junos says `lines` even for 1).
//! - `last N` keeps the last N lines; without N, the last screenful
//!   ([`DEFAULT_LAST_LINES`] lines).
//! - Pipes chain left to right: `| match ge | count` counts the matching lines.

use std::borrow::Cow;

use regex::{Regex, RegexBuilder};

use crate::error::DeviceError;

/// Lines kept by `| last` without a count: one 24-line terminal screen.
pub const DEFAULT_LAST_LINES: usize = 24;

/// Longest pattern accepted (a bound on regex compile work per request).
const MAX_PATTERN: usize = 1024;

/// One text filter of a pipe chain.
#[derive(Debug, Clone)]
pub(crate) enum Filter {
    /// Keep matching lines.
    Match(Regex),
    /// Drop matching lines.
    Except(Regex),
    /// Replace the output with its line count.
    Count,
    /// Keep the last N lines.
    Last(usize),
}

impl PartialEq for Filter {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Filter::Match(a), Filter::Match(b)) | (Filter::Except(a), Filter::Except(b)) => {
                a.as_str() == b.as_str()
            }
            (Filter::Count, Filter::Count) => true,
            (Filter::Last(a), Filter::Last(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Filter {}

impl Filter {
    /// `| match PATTERN`.
    pub(crate) fn matching(pattern: &str) -> Result<Filter, DeviceError> {
        Ok(Filter::Match(compile("match", pattern)?))
    }

    /// `| except PATTERN`.
    pub(crate) fn except(pattern: &str) -> Result<Filter, DeviceError> {
        Ok(Filter::Except(compile("except", pattern)?))
    }

    /// `| last [N]`.
    pub(crate) fn last(arg: &str) -> Result<Filter, DeviceError> {
        let arg = arg.trim();
        if arg.is_empty() {
            return Ok(Filter::Last(DEFAULT_LAST_LINES));
        }
        match arg.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Filter::Last(n)),
            _ => Err(DeviceError::syntax(format!(
                "'| last {arg}': the line count must be a number from 1 up"
            ))),
        }
    }
}

/// Compiles a pipe pattern: quotes removed, case-insensitive.
fn compile(pipe: &str, raw: &str) -> Result<Regex, DeviceError> {
    let pattern = unquote(raw.trim());
    if pattern.is_empty() {
        return Err(DeviceError::syntax(format!(
            "'| {pipe}' needs a pattern (quote it when it holds spaces)"
        )));
    }
    if pattern.len() > MAX_PATTERN {
        return Err(DeviceError::syntax(format!(
            "'| {pipe}': pattern longer than {MAX_PATTERN} characters"
        )));
    }
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            DeviceError::syntax(format!(
                "'| {pipe} {pattern}': invalid regular expression: {}",
                e.to_string().lines().last().unwrap_or("bad pattern")
            ))
        })
}

/// Strips one pair of surrounding double (or single) quotes.
fn unquote(s: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// Splits a command line at the `|` characters that are outside quotes: the first part
/// is the command, the others are pipes (untrimmed).
pub(crate) fn split_pipes(line: &str) -> Result<Vec<&str>, DeviceError> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '|') => {
                parts.push(&line[start..i]);
                start = i + 1;
            }
            (None, _) => {}
        }
    }
    if let Some(q) = quote {
        return Err(DeviceError::syntax(format!(
            "unbalanced quote ({q}) in '{}'",
            line.trim()
        )));
    }
    parts.push(&line[start..]);
    Ok(parts)
}

/// The raw text after the first word of a pipe (`match "a b"` → `"a b"`).
pub(crate) fn argument(pipe: &str) -> &str {
    let s = pipe.trim_start();
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    s[end..].trim()
}

/// Runs the filters over rendered output, left to right.
pub(crate) fn apply(filters: &[Filter], output: String) -> String {
    if filters.is_empty() {
        return output;
    }
    let mut lines: Vec<Cow<'_, str>> = output.lines().map(Cow::Borrowed).collect();
    for f in filters {
        match f {
            Filter::Match(re) => lines.retain(|l| re.is_match(l)),
            Filter::Except(re) => lines.retain(|l| !re.is_match(l)),
            Filter::Last(n) => {
                let skip = lines.len().saturating_sub(*n);
                lines.drain(..skip);
            }
            Filter::Count => {
                lines = vec![Cow::Owned(format!("Count: {} lines", lines.len()))];
            }
        }
    }
    let mut out = String::with_capacity(output.len());
    for l in &lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// [`apply`] over output that arrives in pieces: `match` and `except` pass lines on as
/// they come; the first `count` or `last` (and whatever follows it) needs the end, so
/// from there lines are counted or kept (a `count` alone keeps only the number).
/// Concatenating what `push` and `finish` return equals `apply` on the whole output.
pub(crate) struct Streamer {
    filters: Vec<Filter>,
    /// How many leading filters are line-by-line (`match`/`except`).
    head: usize,
    /// An unfinished last line.
    carry: String,
    /// Lines kept for the filters after `head` (unless they are one `count`).
    kept: Vec<String>,
    counted: usize,
}

impl Streamer {
    pub(crate) fn new(filters: Vec<Filter>) -> Self {
        let head = filters
            .iter()
            .take_while(|f| matches!(f, Filter::Match(_) | Filter::Except(_)))
            .count();
        Streamer {
            filters,
            head,
            carry: String::new(),
            kept: Vec::new(),
            counted: 0,
        }
    }

    fn count_only(&self) -> bool {
        self.filters.len() == self.head + 1 && matches!(self.filters[self.head], Filter::Count)
    }

    /// Takes a piece; returns what can be passed on now.
    pub(crate) fn push(&mut self, piece: String) -> String {
        if self.filters.is_empty() {
            return piece;
        }
        self.carry.push_str(&piece);
        let Some(end) = self.carry.rfind('\n') else {
            return String::new();
        };
        let rest = self.carry.split_off(end + 1);
        let complete = std::mem::replace(&mut self.carry, rest);
        self.lines(&complete)
    }

    /// The end of the output: returns the rest.
    pub(crate) fn finish(mut self) -> String {
        if self.filters.is_empty() {
            return String::new();
        }
        let last = std::mem::take(&mut self.carry);
        let mut out = self.lines(&last);
        if self.head == self.filters.len() {
            return out;
        }
        if self.count_only() {
            out.push_str(&format!("Count: {} lines\n", self.counted));
            return out;
        }
        let kept = std::mem::take(&mut self.kept);
        let mut text = String::new();
        for l in kept {
            text.push_str(&l);
            text.push('\n');
        }
        out.push_str(&apply(&self.filters[self.head..], text));
        out
    }

    /// Runs the line-by-line filters over complete lines.
    fn lines(&mut self, text: &str) -> String {
        let mut out = String::new();
        for line in text.lines() {
            let pass = self.filters[..self.head].iter().all(|f| match f {
                Filter::Match(re) => re.is_match(line),
                Filter::Except(re) => !re.is_match(line),
                _ => true,
            });
            if !pass {
                continue;
            }
            if self.head == self.filters.len() {
                out.push_str(line);
                out.push('\n');
            } else if self.count_only() {
                self.counted += 1;
            } else {
                self.kept.push(line.to_owned());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TERSE: &str = "Interface               Admin Link Proto    Local                 Remote
ge-0/0/0                up    up
ge-0/0/0.0              up    up   inet     192.0.2.1/24
ge-0/0/1                up    down
lo0                     up    up
";

    fn run(filters: &[Filter]) -> String {
        apply(filters, TERSE.to_owned())
    }

    #[test]
    fn match_keeps_lines_matching_a_case_insensitive_regex() {
        let f = Filter::matching("GE-0/0/0").expect("pattern");
        assert_eq!(
            run(&[f]),
            "ge-0/0/0                up    up\nge-0/0/0.0              up    up   inet     192.0.2.1/24\n"
        );
        let f = Filter::matching("\"^lo|down$\"").expect("pattern");
        assert_eq!(
            run(&[f]),
            "ge-0/0/1                up    down\nlo0                     up    up\n"
        );
    }

    #[test]
    fn except_drops_matching_lines() {
        let f = Filter::except("ge-").expect("pattern");
        assert_eq!(
            run(&[f]),
            "Interface               Admin Link Proto    Local                 Remote\nlo0                     up    up\n"
        );
    }

    #[test]
    fn count_reports_lines_and_says_lines_even_for_one() {
        assert_eq!(run(&[Filter::Count]), "Count: 5 lines\n");
        let m = Filter::matching("lo0").expect("pattern");
        assert_eq!(run(&[m, Filter::Count]), "Count: 1 lines\n");
        assert_eq!(apply(&[Filter::Count], String::new()), "Count: 0 lines\n");
    }

    #[test]
    fn last_keeps_the_tail_and_defaults_to_a_screen() {
        assert_eq!(
            run(&[Filter::last("2").expect("n")]),
            "ge-0/0/1                up    down\nlo0                     up    up\n"
        );
        assert_eq!(run(&[Filter::last("99").expect("n")]), TERSE);
        assert_eq!(
            Filter::last("").expect("default"),
            Filter::Last(DEFAULT_LAST_LINES)
        );
        assert!(Filter::last("0").is_err());
        assert!(Filter::last("x").is_err());
    }

    #[test]
    fn pipes_chain_left_to_right() {
        let m = Filter::matching("ge").expect("pattern");
        let l = Filter::last("1").expect("n");
        assert_eq!(run(&[m.clone(), Filter::Count]), "Count: 3 lines\n");
        assert_eq!(run(&[m, l]), "ge-0/0/1                up    down\n");
        // Count then match matches the count line.
        let m = Filter::matching("count").expect("pattern");
        assert_eq!(run(&[Filter::Count, m]), "Count: 5 lines\n");
    }

    #[test]
    fn bad_patterns_are_syntax_errors_naming_the_pattern() {
        let e = Filter::matching("ge-0/0/[").expect_err("bad regex");
        assert!(e.to_string().contains("ge-0/0/["), "{e}");
        assert!(Filter::matching("").is_err());
        assert!(Filter::matching("\"\"").is_err());
    }

    #[test]
    fn split_pipes_respects_quotes() {
        assert_eq!(
            split_pipes("show interfaces terse | match \"ge|lo\" | count").expect("splits"),
            vec!["show interfaces terse ", " match \"ge|lo\" ", " count"]
        );
        assert_eq!(
            split_pipes("show version").expect("splits"),
            vec!["show version"]
        );
        assert!(split_pipes("show x | match \"ge").is_err());
    }

    #[test]
    fn argument_is_the_raw_text_after_the_pipe_word() {
        assert_eq!(argument(" match \"a  b\" "), "\"a  b\"");
        assert_eq!(argument(" last 5"), "5");
        assert_eq!(argument(" count"), "");
    }

    /// The streamed filters give what `apply` gives on the whole text, however the text
    /// is cut into pieces.
    #[test]
    fn streaming_equals_apply_for_every_cut() {
        let text = "alpha 1\nbeta 2\n\ngamma 3\nalpha 4\r\nbeta 5\nlast line without newline";
        let chains: Vec<Vec<Filter>> = vec![
            vec![],
            vec![Filter::Match(re("alpha|beta"))],
            vec![Filter::Except(re("beta"))],
            vec![Filter::Count],
            vec![Filter::Match(re("a")), Filter::Count],
            vec![Filter::Last(2)],
            vec![
                Filter::Except(re("^$")),
                Filter::Last(3),
                Filter::Match(re("a")),
            ],
            vec![Filter::Count, Filter::Match(re("Count"))],
        ];
        for chain in chains {
            let want = apply(&chain, text.to_string());
            for step in [1, 2, 3, 7, 100] {
                let mut s = Streamer::new(chain.clone());
                let mut got = String::new();
                let bytes: Vec<char> = text.chars().collect();
                for piece in bytes.chunks(step) {
                    got.push_str(&s.push(piece.iter().collect()));
                }
                got.push_str(&s.finish());
                assert_eq!(got, want, "chain {chain:?}, pieces of {step}");
            }
        }
    }

    fn re(p: &str) -> Regex {
        RegexBuilder::new(p).build().expect("regex")
    }
}
