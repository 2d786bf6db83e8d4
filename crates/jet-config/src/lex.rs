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

/// Tokenises `text`; line numbers start at `first_line`.
pub(crate) fn tokenize(text: &str, first_line: usize) -> Result<Vec<Token>, ConfigError> {
    let mut out = Vec::new();
    let mut it = text.chars().peekable();
    let (mut line, mut col) = (first_line, 1usize);
    let syntax = |msg: &str, l: usize, c: usize| {
        ConfigError::new(ConfigErrorKind::Syntax, "[edit]", "", msg.to_owned()).at(l, c)
    };
    while let Some(&c) = it.peek() {
        let (tl, tc) = (line, col);
        let mut bump = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
            let ch = it.next();
            if ch == Some('\n') {
                line += 1;
                col = 1;
            } else if ch.is_some() {
                col += 1;
            }
            ch
        };
        match c {
            c if c.is_whitespace() => {
                bump(&mut it);
            }
            '#' => {
                if matches!(out.last(), Some(Token { tok: Tok::Comment(_), .. })) {
                    out.pop();
                }
                while let Some(&ch) = it.peek() {
                    if ch == '\n' {
                        break;
                    }
                    bump(&mut it);
                }
            }
            '{' | '}' | ';' | '[' | ']' => {
                bump(&mut it);
                let tok = match c {
                    '{' => Tok::LBrace,
                    '}' => Tok::RBrace,
                    ';' => Tok::Semi,
                    '[' => Tok::LBracket,
                    _ => Tok::RBracket,
                };
                out.push(Token {
                    tok,
                    line: tl,
                    col: tc,
                });
            }
            '"' => {
                bump(&mut it);
                let mut s = String::new();
                loop {
                    match bump(&mut it) {
                        None => return Err(syntax("unterminated quoted string", tl, tc)),
                        Some('"') => break,
                        Some('\\') => match bump(&mut it) {
                            None => return Err(syntax("unterminated quoted string", tl, tc)),
                            Some(e) => s.push(e),
                        },
                        Some(ch) => s.push(ch),
                    }
                }
                out.push(Token {
                    tok: Tok::Quoted(s),
                    line: tl,
                    col: tc,
                });
            }
            _ => {
                let mut s = String::new();
                while let Some(&ch) = it.peek() {
                    if ch.is_whitespace() || "{};[]\"".contains(ch) {
                        break;
                    }
                    s.push(ch);
                    bump(&mut it);
                    if s == "/*" {
                        break;
                    }
                }
                if s == "/*" {
                    // Block comment: up to the closing `*/`.
                    let mut body = String::new();
                    loop {
                        match bump(&mut it) {
                            None => return Err(syntax("unterminated comment", tl, tc)),
                            Some('/') if body.ends_with('*') => {
                                body.pop();
                                break;
                            }
                            Some(ch) => body.push(ch),
                        }
                    }
                    out.push(Token {
                        tok: Tok::Comment(body.trim().to_owned()),
                        line: tl,
                        col: tc,
                    });
                } else {
                    out.push(Token {
                        tok: Tok::Word(s),
                        line: tl,
                        col: tc,
                    });
                }
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
        let t = toks("## Last commit: x\npw \"$6$a\"; ## SECRET-DATA\n/* note\n */ a;/* x */ # y\n");
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
