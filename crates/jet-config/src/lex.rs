//! Tokeniser shared by the curly-brace and `set` parsers.
//!
//! Tokens: bare words, double-quoted strings (`\"` and `\\` escapes), `{ } ; [ ]`.
//! Skipped: whitespace and `# ...` to end of line (so `## SECRET-DATA` trailers and
//! `## Last commit:` headers vanish). `/* ... */` comments are tokens (annotations of
//! the next statement) unless a `#` comment follows them.

use crate::error::{ConfigError, ConfigErrorKind};

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A bare word.
    Word(String),
    /// A double-quoted string, unescaped.
    Quoted(String),
    LBrace,
    RBrace,
    Semi,
    LBracket,
    RBracket,
    /// A `/* ... */` comment, without its delimiters and surrounding blanks.
    Comment(String),
}

/// A token and where it starts (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) line: usize,
    pub(crate) col: usize,
}

impl Token {
    /// The text of a word or quoted string.
    pub(crate) fn text(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(s) | Tok::Quoted(s) => Some(s),
            _ => None,
        }
    }

    /// How the token looks in the input, for error messages.
    pub(crate) fn shown(&self) -> String {
        match &self.tok {
            Tok::Word(s) => s.clone(),
            Tok::Quoted(s) => crate::value::quote_always(s),
            Tok::LBrace => "{".into(),
            Tok::RBrace => "}".into(),
            Tok::Semi => ";".into(),
            Tok::LBracket => "[".into(),
            Tok::RBracket => "]".into(),
            Tok::Comment(c) => format!("/* {c} */"),
        }
    }
}

/// Line and column bookkeeping: columns count characters, computed incrementally so
/// that long lines stay linear.
struct Cursor<'a> {
    text: &'a str,
    line: usize,
    line_start: usize,
    /// A byte offset on the current line and its column.
    mark: (usize, usize),
}

impl Cursor<'_> {
    /// Line and column of byte offset `at` (never before the last call's offset).
    fn at(&mut self, at: usize) -> (usize, usize) {
        let (from, col) = self.mark;
        let from = from.max(self.line_start);
        let col = if from == self.line_start { 1 } else { col };
        let add = self.text.get(from..at).map_or(0, |s| s.chars().count());
        self.mark = (at, col + add);
        (self.line, col + add)
    }

    /// Accounts for the newlines in `text[from..to]`.
    fn lines(&mut self, from: usize, to: usize) {
        let Some(seg) = self.text.get(from..to) else {
            return;
        };
        for (i, b) in seg.bytes().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = from + i + 1;
                self.mark = (self.line_start, 1);
            }
        }
    }
}

/// Tokenises `text`; line numbers start at `first_line`.
pub(crate) fn tokenize(text: &str, first_line: usize) -> Result<Vec<Token>, ConfigError> {
    let mut out = Vec::with_capacity(text.len() / 8);
    let mut cur = Cursor {
        text,
        line: first_line,
        line_start: 0,
        mark: (0, 1),
    };
    let syntax = |msg: &str, l: usize, c: usize| {
        ConfigError::new(ConfigErrorKind::Syntax, "[edit]", "", msg.to_owned()).at(l, c)
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                cur.lines(i, i + 1);
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                if matches!(
                    out.last(),
                    Some(Token {
                        tok: Tok::Comment(_),
                        ..
                    })
                ) {
                    out.pop();
                }
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'{' | b'}' | b';' | b'[' | b']' => {
                let (line, col) = cur.at(i);
                let tok = match b {
                    b'{' => Tok::LBrace,
                    b'}' => Tok::RBrace,
                    b';' => Tok::Semi,
                    b'[' => Tok::LBracket,
                    _ => Tok::RBracket,
                };
                out.push(Token { tok, line, col });
                i += 1;
            }
            b'"' => {
                let (line, col) = cur.at(i);
                let mut s = String::new();
                let mut j = i + 1;
                let mut run = j;
                loop {
                    match bytes.get(j) {
                        None => return Err(syntax("unterminated quoted string", line, col)),
                        Some(b'"') => break,
                        Some(b'\\') => {
                            s.push_str(&text[run..j]);
                            // The escaped character, whatever its length.
                            let Some(c) = text[j + 1..].chars().next() else {
                                return Err(syntax("unterminated quoted string", line, col));
                            };
                            s.push(c);
                            j += 1 + c.len_utf8();
                            run = j;
                        }
                        Some(_) => j += 1,
                    }
                }
                s.push_str(&text[run..j]);
                cur.lines(i, j);
                out.push(Token {
                    tok: Tok::Quoted(s),
                    line,
                    col,
                });
                i = j + 1;
            }
            _ if text[i..].starts_with("/*") => {
                let (line, col) = cur.at(i);
                let Some(n) = text[i + 2..].find("*/") else {
                    return Err(syntax("unterminated comment", line, col));
                };
                let end = i + 2 + n;
                cur.lines(i, end);
                out.push(Token {
                    tok: Tok::Comment(text[i + 2..end].trim().to_owned()),
                    line,
                    col,
                });
                i = end + 2;
            }
            _ => {
                let rest = &text[i..];
                let Some(c) = rest.chars().next() else { break };
                if c.is_whitespace() {
                    // Other Unicode blanks.
                    i += c.len_utf8();
                    continue;
                }
                let len = rest
                    .char_indices()
                    .find(|&(_, ch)| ch.is_whitespace() || "{};[]\"".contains(ch))
                    .map_or(rest.len(), |(n, _)| n);
                let (line, col) = cur.at(i);
                out.push(Token {
                    tok: Tok::Word(rest[..len].to_owned()),
                    line,
                    col,
                });
                i += len;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s, 1)
            .expect("tokenizes")
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn comments_and_secret_trailers_are_skipped() {
        let t =
            toks("## Last commit: x\npw \"$6$a\"; ## SECRET-DATA\n/* note\n */ a;/* x */ # y\n");
        assert_eq!(
            t,
            [
                Tok::Word("pw".into()),
                Tok::Quoted("$6$a".into()),
                Tok::Semi,
                Tok::Comment("note".into()),
                Tok::Word("a".into()),
                Tok::Semi
            ]
        );
    }

    #[test]
    fn quoted_strings_unescape_and_positions_count_lines() {
        let t = tokenize("a {\n  b \"x \\\"y\\\\\";\n}", 1).expect("tokenizes");
        assert_eq!(t[2].tok, Tok::Word("b".into()));
        assert_eq!((t[2].line, t[2].col), (2, 3));
        assert_eq!(t[3].tok, Tok::Quoted("x \"y\\".into()));
    }

    #[test]
    fn unterminated_quote_and_comment_are_errors_with_position() {
        let e = tokenize("a\n  \"open", 1).expect_err("error");
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        assert!(tokenize("/* never closed", 1).is_err());
    }

    #[test]
    fn words_keep_colons_and_slashes() {
        assert_eq!(
            toks("replace: ::1 10.0.0.0/8"),
            [
                Tok::Word("replace:".into()),
                Tok::Word("::1".into()),
                Tok::Word("10.0.0.0/8".into())
            ]
        );
    }
}
