//! The YANG statement grammar (RFC 7950 §6): a tokenizer and a tree of statements.
//!
//! Why our own and not a crate: the YANG readers on crates.io are either bindings to
//! the C libyang (`yang2`, `yang3`: a C library to build and ship, and they compile
//! whole schemas, which a Junos extension module importing `junos-extension` needs
//! the Juniper modules for), or unmaintained (`yang-rs` 0.1.1, last released 2021,
//! panics in its statement defaults). What the device needs is small: the module
//! header, `rpc` statements, their `input` leaves and the Junos extension statements
//! (`junos:command`, `junos:action-execute`, `junos:script`). YANG's grammar is
//! uniform, `keyword [argument] (";" | "{" statements "}")`, so a generic statement
//! tree (no schema, no semantic checks beyond what [`super::module`] reads) is
//! enough and errors name the line.
//!
//! Handled: `//` and `/* */` comments, unquoted arguments, single-quoted strings
//! (verbatim), double-quoted strings (escapes `\n \t \" \\`, the indentation of
//! continuation lines trimmed up to the opening quote's column, trailing blanks of a
//! line trimmed), and `"a" + "b"` concatenation.

use std::fmt;

/// A statement: keyword (`rpc`, `junos:command`), argument and substatements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stmt {
    /// The keyword, with its prefix for extension statements (`junos:script`).
    pub keyword: String,
    /// The argument, unquoted and concatenated.
    pub arg: Option<String>,
    /// The line (from 1) the keyword is on.
    pub line: usize,
    /// The substatements, in order.
    pub children: Vec<Stmt>,
}

impl Stmt {
    /// The first substatement with `keyword`.
    pub fn child(&self, keyword: &str) -> Option<&Stmt> {
        self.children.iter().find(|c| c.keyword == keyword)
    }

    /// The argument of the first substatement with `keyword`.
    pub fn child_arg(&self, keyword: &str) -> Option<&str> {
        self.child(keyword).and_then(|c| c.arg.as_deref())
    }
}

/// A YANG text that does not parse: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YangError {
    /// The line (from 1).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for YangError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for YangError {}

pub(super) fn error(line: usize, message: impl Into<String>) -> YangError {
    YangError {
        line,
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// An unquoted string (keyword, identifier, `+`, unquoted argument).
    Word(String),
    /// A quoted string, its quotes removed.
    Quoted(String),
    Open,
    Close,
    Semi,
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    col: usize,
}

impl Lexer<'_> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.col = 0;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn peek2(&self) -> (Option<char>, Option<char>) {
        let mut it = self.chars.clone();
        (it.next(), it.next())
    }

    /// Skips blanks and comments.
    fn skip(&mut self) -> Result<(), YangError> {
        loop {
            match self.peek2() {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                (Some('/'), Some('*')) => {
                    let start = self.line;
                    self.bump();
                    self.bump();
                    loop {
                        match self.peek2() {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            (Some(_), _) => {
                                self.bump();
                            }
                            (None, _) => return Err(error(start, "unterminated /* comment")),
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// The next token and its line; `None` at the end.
    fn next(&mut self) -> Result<Option<(Tok, usize)>, YangError> {
        self.skip()?;
        let line = self.line;
        let Some(&c) = self.chars.peek() else {
            return Ok(None);
        };
        let tok = match c {
            '{' => {
                self.bump();
                Tok::Open
            }
            '}' => {
                self.bump();
                Tok::Close
            }
            ';' => {
                self.bump();
                Tok::Semi
            }
            '"' => Tok::Quoted(self.double_quoted()?),
            '\'' => {
                self.bump();
                let mut s = String::new();
                loop {
                    match self.bump() {
                        Some('\'') => break,
                        Some(c) => s.push(c),
                        None => return Err(error(line, "unterminated ' string")),
                    }
                }
                Tok::Quoted(s)
            }
            _ => {
                let mut s = String::new();
                loop {
                    match self.peek2() {
                        (Some(c), _) if c.is_whitespace() || matches!(c, ';' | '{' | '}') => break,
                        (Some('/'), Some('/' | '*')) | (Some('*'), Some('/')) => break,
                        (Some('"' | '\''), _) => {
                            return Err(error(line, format!("quote inside unquoted string '{s}'")))
                        }
                        (Some(c), _) => {
                            s.push(c);
                            self.bump();
                        }
                        (None, _) => break,
                    }
                }
                if s.is_empty() {
                    // Only a `*/` with no comment open stops a word before its first
                    // character (found by fuzzing: it looped here for ever).
                    return Err(error(line, "'*/' outside a comment"));
                }
                Tok::Word(s)
            }
        };
        Ok(Some((tok, line)))
    }

    /// A double-quoted string (RFC 7950 §6.1.3): escapes, and continuation lines
    /// losing the indentation up to the column after the opening quote.
    fn double_quoted(&mut self) -> Result<String, YangError> {
        let line = self.line;
        let indent = self.col + 1;
        self.bump();
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(error(line, "unterminated \" string")),
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('"') => s.push('"'),
                    Some('\\') => s.push('\\'),
                    Some(c) => {
                        return Err(error(
                            self.line,
                            format!("invalid escape '\\{c}' in a \" string"),
                        ))
                    }
                    None => return Err(error(line, "unterminated \" string")),
                },
                Some('\n') => {
                    // Blanks before a line break go; so does the next line's indentation.
                    let kept = s.trim_end_matches([' ', '\t']).len();
                    s.truncate(kept);
                    s.push('\n');
                    let mut col = 0;
                    while col < indent {
                        match self.chars.peek() {
                            Some(' ') => col += 1,
                            Some('\t') => col += 8,
                            _ => break,
                        }
                        self.bump();
                    }
                }
                Some(c) => s.push(c),
            }
        }
    }
}

/// Parses a YANG text into its one top-level statement (`module` or `submodule`).
pub fn parse(text: &str) -> Result<Stmt, YangError> {
    let mut lx = Lexer {
        chars: text.chars().peekable(),
        line: 1,
        col: 0,
    };
    let mut toks = Vec::new();
    while let Some(t) = lx.next()? {
        toks.push(t);
    }
    let mut p = Parser { toks, pos: 0 };
    let Some(top) = p.statement()? else {
        return Err(error(p.line(), "no statement: empty YANG file"));
    };
    if let Some((t, line)) = p.toks.get(p.pos) {
        return Err(error(
            *line,
            format!(
                "unexpected {} after the closing '}}' of '{}'",
                describe(t),
                top.keyword
            ),
        ));
    }
    Ok(top)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Quoted(_) => "a quoted string".into(),
        Tok::Open => "'{'".into(),
        Tok::Close => "'}'".into(),
        Tok::Semi => "';'".into(),
    }
}

impl Parser {
    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| t.1)
            .unwrap_or(1)
    }

    fn take(&mut self) -> Option<(Tok, usize)> {
        let t = self.toks.get(self.pos).cloned();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// One statement; `None` at the end of the input.
    fn statement(&mut self) -> Result<Option<Stmt>, YangError> {
        let Some((tok, line)) = self.take() else {
            return Ok(None);
        };
        let keyword = match tok {
            Tok::Word(w) if w != "+" => w,
            other => {
                return Err(error(
                    line,
                    format!("expected a statement keyword, found {}", describe(&other)),
                ))
            }
        };
        let arg = match self.toks.get(self.pos).cloned() {
            Some((Tok::Word(w), _)) => {
                self.pos += 1;
                Some(w)
            }
            Some((Tok::Quoted(q), _)) => {
                self.pos += 1;
                let mut s = q;
                // "a" + "b" + ...
                while let (Some((Tok::Word(plus), _)), Some((Tok::Quoted(more), _))) =
                    (self.toks.get(self.pos), self.toks.get(self.pos + 1))
                {
                    if plus != "+" {
                        break;
                    }
                    s.push_str(more);
                    self.pos += 2;
                }
                Some(s)
            }
            _ => None,
        };
        let mut stmt = Stmt {
            keyword,
            arg,
            line,
            children: Vec::new(),
        };
        match self.take() {
            Some((Tok::Semi, _)) => Ok(Some(stmt)),
            Some((Tok::Open, _)) => loop {
                match self.toks.get(self.pos) {
                    Some((Tok::Close, _)) => {
                        self.pos += 1;
                        return Ok(Some(stmt));
                    }
                    None => {
                        return Err(error(
                            self.line(),
                            format!("missing '}}' for '{}' opened on line {line}", stmt.keyword),
                        ))
                    }
                    Some(_) => {
                        if let Some(c) = self.statement()? {
                            stmt.children.push(c);
                        }
                    }
                }
            },
            Some((other, l)) => Err(error(
                l,
                format!(
                    "expected ';' or '{{' after '{}', found {}",
                    stmt.keyword,
                    describe(&other)
                ),
            )),
            None => Err(error(
                self.line(),
                format!("expected ';' or '{{' after '{}'", stmt.keyword),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_arguments_and_nesting() {
        let s = parse("module m {\n  namespace \"urn:m\";\n  prefix m;\n  rpc r { input { leaf x { type string; } } }\n}\n")
            .expect("parses");
        assert_eq!(s.keyword, "module");
        assert_eq!(s.arg.as_deref(), Some("m"));
        assert_eq!(s.child_arg("namespace"), Some("urn:m"));
        assert_eq!(s.child_arg("prefix"), Some("m"));
        let rpc = s.child("rpc").expect("rpc");
        assert_eq!(rpc.line, 4);
        let leaf = rpc
            .child("input")
            .and_then(|i| i.child("leaf"))
            .expect("leaf");
        assert_eq!(leaf.arg.as_deref(), Some("x"));
        assert_eq!(leaf.child_arg("type"), Some("string"));
    }

    #[test]
    fn comments_are_skipped_but_not_inside_strings() {
        let s = parse(
            "// header\nmodule m { /* a\n block */ description \"see http://x /* not a comment */\"; // tail ; }\n namespace urn:x/* c */;prefix p;}",
        )
        .expect("parses");
        assert_eq!(
            s.child_arg("description"),
            Some("see http://x /* not a comment */")
        );
        // An unquoted string ends at a comment sequence.
        assert_eq!(s.child_arg("namespace"), Some("urn:x"));
        assert_eq!(s.child_arg("prefix"), Some("p"));
        assert_eq!(s.child("namespace").map(|n| n.line), Some(4));
    }

    #[test]
    fn a_comment_end_outside_a_comment_is_an_error_naming_its_line() {
        // Found by the yang_module fuzz target: the lexer looped on it for ever.
        let e = parse("module m {\n  prefix p;\n  */ namespace x;\n}").expect_err("refused");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("*/"), "{}", e.message);
    }

    #[test]
    fn quoted_strings_concatenate_escape_and_lose_their_indentation() {
        let s = parse(
            "module m {\n  description \"one \" + 'two \\n' +\n     \"three\";\n  contact \"a\\tb \\\"q\\\"\n           c   \n           d\";\n}",
        )
        .expect("parses");
        assert_eq!(s.child_arg("description"), Some("one two \\nthree"));
        assert_eq!(s.child_arg("contact"), Some("a\tb \"q\"\nc\nd"));
    }

    #[test]
    fn extension_statements_keep_their_prefix() {
        let s = parse(
            "module m { rpc r { junos:command \"show x\" { junos:action-execute { junos:script \"x.py\"; } } } }",
        )
        .expect("parses");
        let cmd = s
            .child("rpc")
            .and_then(|r| r.child("junos:command"))
            .expect("command");
        assert_eq!(cmd.arg.as_deref(), Some("show x"));
        assert_eq!(
            cmd.child("junos:action-execute")
                .and_then(|a| a.child_arg("junos:script")),
            Some("x.py")
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("module m {\n  prefix m\n  namespace x;\n}").expect_err("missing ;");
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("expected ';'"), "{e}");
        let e = parse("module m {\n  rpc r {\n    description x;\n").expect_err("missing }");
        assert!(e.message.contains("missing '}'"), "{e}");
        let e = parse("module m {\n\n  description \"open\n}\n").expect_err("string");
        assert_eq!(e.line, 3, "{e}");
        let e = parse("module m { }\n}").expect_err("trailing");
        assert_eq!(e.line, 2, "{e}");
        let e = parse("/* never closed").expect_err("comment");
        assert_eq!(e.line, 1, "{e}");
        assert!(parse("  // nothing\n").is_err());
    }
}
