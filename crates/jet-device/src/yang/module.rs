//! What the device reads of a YANG module: its name, namespace and prefix, and each
//! `rpc` with its Junos CLI command (`junos:command "show my-app status"`), its action
//! script (`junos:action-execute { junos:script "x.py"; }`) and its `input` leaves.
//!
//! The Junos extensions are recognised by the prefix the module gives
//! `import junos-extension { prefix P; }` (`junos` when it imports nothing). Input
//! leaves are collected through `container`, `choice` and `case` (Junos flattens them
//! into the command's options) and through `uses` of a grouping of the same module
//! (defined at the top, in the rpc, or in any statement around the `uses`).

use super::parse::{error, parse, Stmt, YangError};

/// A YANG module as the device uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// The module's name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// Its prefix.
    pub prefix: String,
    /// Its RPCs, in order.
    pub rpcs: Vec<Rpc>,
}

/// An `rpc` of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rpc {
    /// The RPC's name.
    pub name: String,
    /// Its description (the command's help).
    pub description: String,
    /// `junos:command`: the CLI words, if the RPC has a command.
    pub command: Option<String>,
    /// `junos:script` of its `junos:action-execute`.
    pub script: Option<String>,
    /// The leaves of its `input`, which are the command's options.
    pub inputs: Vec<InputLeaf>,
    /// The line of the `rpc` statement.
    pub line: usize,
}

/// A leaf of an RPC's input: an option of its command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputLeaf {
    /// The leaf's name (the option's word).
    pub name: String,
    /// Its type (`string`, `empty`, `uint32`, a typedef name...).
    pub type_name: String,
    /// Its description.
    pub description: String,
}

impl InputLeaf {
    /// A leaf of type `empty` is an option without a value (`detail`).
    pub fn is_flag(&self) -> bool {
        self.type_name == "empty"
    }
}

fn required<'a>(s: &'a Stmt, keyword: &str) -> Result<&'a str, YangError> {
    s.child_arg(keyword).ok_or_else(|| {
        error(
            s.line,
            format!(
                "'{} {}' has no '{keyword}' statement",
                s.keyword,
                s.arg.as_deref().unwrap_or("")
            ),
        )
    })
}

/// Reads a module from its text.
pub fn read(text: &str) -> Result<Module, YangError> {
    let top = parse(text)?;
    match top.keyword.as_str() {
        "module" => {}
        "submodule" => return Err(error(top.line, "submodules are not supported")),
        other => {
            return Err(error(
                top.line,
                format!("expected 'module', found '{other}'"),
            ))
        }
    }
    let name = top
        .arg
        .clone()
        .ok_or_else(|| error(top.line, "'module' has no name"))?;
    let namespace = required(&top, "namespace")?.to_owned();
    let prefix = required(&top, "prefix")?.to_owned();
    let junos = top
        .children
        .iter()
        .find(|c| c.keyword == "import" && c.arg.as_deref() == Some("junos-extension"))
        .and_then(|i| i.child_arg("prefix"))
        .unwrap_or("junos")
        .to_owned();
    let mut rpcs = Vec::new();
    for s in top.children.iter().filter(|c| c.keyword == "rpc") {
        rpcs.push(rpc(&top, s, &junos, &prefix)?);
    }
    Ok(Module {
        name,
        namespace,
        prefix,
        rpcs,
    })
}

fn rpc(top: &Stmt, s: &Stmt, junos: &str, prefix: &str) -> Result<Rpc, YangError> {
    let name = s
        .arg
        .clone()
        .ok_or_else(|| error(s.line, "'rpc' has no name"))?;
    let command_kw = format!("{junos}:command");
    let action_kw = format!("{junos}:action-execute");
    let script_kw = format!("{junos}:script");
    let command = s.child(&command_kw);
    // `junos:action-execute` sits inside `junos:command` (or next to it).
    let action = command
        .and_then(|c| c.child(&action_kw))
        .or_else(|| s.child(&action_kw));
    let script = match action {
        Some(a) => Some(
            a.child_arg(&script_kw)
                .ok_or_else(|| error(a.line, format!("'{action_kw}' has no '{script_kw}'")))?
                .to_owned(),
        ),
        None => None,
    };
    let command = match command {
        Some(c) => {
            let words = c
                .arg
                .as_deref()
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .ok_or_else(|| error(c.line, format!("'{command_kw}' has no command words")))?;
            if script.is_none() {
                return Err(error(
                    c.line,
                    format!(
                        "rpc {name}: '{command_kw}' without '{action_kw} {{ {script_kw} ...; }}'"
                    ),
                ));
            }
            Some(words.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        None => None,
    };
    let mut inputs = Vec::new();
    if let Some(input) = s.child("input") {
        let mut walk = Inputs {
            prefix,
            scopes: vec![top, s],
            expanding: Vec::new(),
            out: &mut inputs,
        };
        walk.leaves(input)?;
    }
    Ok(Rpc {
        name,
        description: s.child_arg("description").unwrap_or("").trim().to_owned(),
        command,
        script,
        inputs,
        line: s.line,
    })
}

/// The walk over an `input` collecting its leaves.
struct Inputs<'a, 'o> {
    /// The module's own prefix (`uses ma:common` names a grouping of this module).
    prefix: &'a str,
    /// The statements around the one being walked, outermost first: where the
    /// groupings a `uses` may name are defined.
    scopes: Vec<&'a Stmt>,
    /// The groupings being expanded, to refuse one that uses itself.
    expanding: Vec<&'a str>,
    out: &'o mut Vec<InputLeaf>,
}

impl<'a> Inputs<'a, '_> {
    fn leaves(&mut self, s: &'a Stmt) -> Result<(), YangError> {
        self.scopes.push(s);
        let r = self.children(s);
        self.scopes.pop();
        r
    }

    fn children(&mut self, s: &'a Stmt) -> Result<(), YangError> {
        for c in &s.children {
            match c.keyword.as_str() {
                "leaf" => {
                    let name = c
                        .arg
                        .clone()
                        .ok_or_else(|| error(c.line, "'leaf' has no name"))?;
                    if self.out.iter().any(|l| l.name == name) {
                        return Err(error(c.line, format!("input leaf '{name}' defined twice")));
                    }
                    self.out.push(InputLeaf {
                        type_name: required(c, "type")?.to_owned(),
                        description: c.child_arg("description").unwrap_or("").trim().to_owned(),
                        name,
                    });
                }
                "container" | "choice" | "case" => self.leaves(c)?,
                "uses" => self.uses(c)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn uses(&mut self, u: &'a Stmt) -> Result<(), YangError> {
        let full = u
            .arg
            .as_deref()
            .ok_or_else(|| error(u.line, "'uses' has no grouping name"))?;
        let name = match full.split_once(':') {
            Some((p, n)) if p == self.prefix => n,
            Some((p, _)) => {
                return Err(error(
                    u.line,
                    format!("uses '{full}': groupings of other modules ('{p}') are not supported"),
                ))
            }
            None => full,
        };
        let Some(g) = self.scopes.iter().rev().find_map(|scope| {
            scope
                .children
                .iter()
                .find(|c| c.keyword == "grouping" && c.arg.as_deref() == Some(name))
        }) else {
            return Err(error(
                u.line,
                format!("uses '{full}': no grouping '{name}' in scope"),
            ));
        };
        if self.expanding.contains(&name) {
            return Err(error(u.line, format!("grouping '{name}' uses itself")));
        }
        self.expanding.push(name);
        let r = self.leaves(g);
        self.expanding.pop();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = r#"
module my-app {
  namespace "http://example.com/" + "my-app";
  prefix ma;
  import junos-extension { prefix jx; revision-date 2016-05-17; }
  rpc get-status {
    description "Show my-app's status";
    jx:command "show  my-app status" {
      jx:action-execute { jx:script "status.py"; }
    }
    input {
      leaf detail { type empty; description "More"; }
      container filter {
        leaf name { type string; description "One peer"; }
        choice c { case a { leaf count { type uint32; } } }
      }
    }
  }
  rpc no-cli { input { leaf x { type string; } } }
}
"#;

    #[test]
    fn rpcs_commands_scripts_and_nested_input_leaves() {
        let m = read(MODULE).expect("reads");
        assert_eq!(m.name, "my-app");
        assert_eq!(m.namespace, "http://example.com/my-app");
        assert_eq!(m.prefix, "ma");
        let r = &m.rpcs[0];
        assert_eq!(r.name, "get-status");
        assert_eq!(r.command.as_deref(), Some("show my-app status"));
        assert_eq!(r.script.as_deref(), Some("status.py"));
        assert_eq!(r.description, "Show my-app's status");
        let names: Vec<&str> = r.inputs.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["detail", "name", "count"]);
        assert!(r.inputs[0].is_flag());
        assert_eq!(r.inputs[1].description, "One peer");
        assert_eq!(r.inputs[2].type_name, "uint32");
        assert_eq!(m.rpcs[1].command, None);
    }

    #[test]
    fn uses_expands_groupings_of_the_module_and_refuses_bad_ones() {
        let m = read(
            r#"
module g {
  namespace "urn:g"; prefix g;
  grouping common { leaf detail { type empty; } uses g:names; }
  grouping names { leaf name { type string; } }
  rpc r {
    grouping local { leaf count { type uint32; } }
    junos:command "show g" { junos:action-execute { junos:script "g.py"; } }
    input { uses common; container c { uses local; } }
  }
}
"#,
        )
        .expect("reads");
        let names: Vec<&str> = m.rpcs[0].inputs.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["detail", "name", "count"]);
        assert!(m.rpcs[0].inputs[0].is_flag());

        let bad = |body: &str| {
            let text = format!(
                "module g {{ namespace \"urn:g\"; prefix g;\n{body}\n rpc r {{ input {{ uses x; }} }} }}"
            );
            read(&text).expect_err("refused").to_string()
        };
        let e = bad("");
        assert!(
            e.contains("uses 'x': no grouping 'x' in scope") && e.contains("line 3"),
            "{e}"
        );
        let e = bad("grouping x { uses x; }");
        assert!(e.contains("grouping 'x' uses itself"), "{e}");
        let e = bad(
            "grouping x { leaf a { type string; } uses y; } grouping y { leaf a { type string; } }",
        );
        assert!(e.contains("input leaf 'a' defined twice"), "{e}");
        let e = read("module g { namespace \"urn:g\"; prefix g; rpc r { input { uses o:x; } } }")
            .expect_err("refused")
            .to_string();
        assert!(e.contains("groupings of other modules ('o')"), "{e}");
    }

    #[test]
    fn missing_pieces_are_errors_with_lines() {
        let e = read("module m { prefix m; }").expect_err("namespace");
        assert!(e.message.contains("namespace"), "{e}");
        let e = read(
            "module m {\n namespace x; prefix m;\n rpc r {\n  junos:command \"show r\";\n }\n}",
        )
        .expect_err("no script");
        assert_eq!(e.line, 4, "{e}");
        let e = read("module m { namespace x; prefix m;\n rpc r { input { leaf a { type string; }\n leaf a { type string; } } } }")
            .expect_err("twice");
        assert_eq!(e.line, 3, "{e}");
        assert!(read("submodule s { belongs-to m { prefix m; } }").is_err());
    }
}
