//! `request system yang add package NAME module FILE... action-script FILE...`,
//! `request system yang delete NAME` and `show system yang package [NAME]`: operational
//! commands from YANG modules (the package store is `crate::yang`).
//!
//! FILE is a path on the device, absolute or relative to the data directory (as for
//! `request system software add`). Several files are given as `module a.yang b.yang`
//! or, as on Junos, `module [a.yang b.yang]`.
//!
//! A command of a YANG RPC runs its action script like a manifest command (see
//! `app_commands`), with the words typed after the command turned into the arguments
//! Junos gives a Python action script: `--rpc_name RPC`, then `--LEAF VALUE` for each
//! input leaf given (`show my-app status name foo` gives `--name foo`), and `--LEAF`
//! alone for a leaf of type `empty` (`detail`). Option words may be abbreviated to a
//! unique prefix; an unknown or repeated option, or a missing value, is a syntax error.

use std::path::PathBuf;

use crate::device::Device;
use crate::error::DeviceError;
use crate::output::{Element, Format};
use crate::vocab::apps::{AppCommand, CommandOption, YangOptions};

/// `request system yang add ...`, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YangAdd {
    name: String,
    modules: Vec<String>,
    scripts: Vec<String>,
}

const ADD_USAGE: &str =
    "usage: request system yang add package NAME module FILE... action-script FILE...";

/// The words after `request system yang add`.
pub(super) fn parse_add(rest: &[&str]) -> Result<YangAdd, DeviceError> {
    // `[a b]`, `[ a b ]`: the brackets are words of their own.
    let mut words: Vec<&str> = Vec::new();
    for w in rest {
        let (open, w) = match w.strip_prefix('[') {
            Some(r) => (true, r),
            None => (false, *w),
        };
        let (w, close) = match w.strip_suffix(']') {
            Some(r) => (r, true),
            None => (w, false),
        };
        if open {
            words.push("[");
        }
        if !w.is_empty() {
            words.push(w);
        }
        if close {
            words.push("]");
        }
    }
    let mut add = YangAdd {
        name: String::new(),
        modules: Vec::new(),
        scripts: Vec::new(),
    };
    let mut i = 0;
    while i < words.len() {
        let key = words[i];
        i += 1;
        let mut values = Vec::new();
        let bracketed = words.get(i) == Some(&"[");
        if bracketed {
            i += 1;
        }
        while let Some(w) = words.get(i) {
            if bracketed && *w == "]" {
                i += 1;
                break;
            }
            if !bracketed && matches!(*w, "package" | "module" | "action-script") {
                break;
            }
            if *w == "[" || *w == "]" {
                return Err(DeviceError::syntax(format!(
                    "unexpected '{w}': {ADD_USAGE}"
                )));
            }
            values.push((*w).to_owned());
            i += 1;
        }
        if values.is_empty() {
            return Err(DeviceError::syntax(format!(
                "missing value after '{key}': {ADD_USAGE}"
            )));
        }
        match key {
            "package" if values.len() == 1 && add.name.is_empty() => add.name = values.remove(0),
            "module" => add.modules.extend(values),
            "action-script" => add.scripts.extend(values),
            _ => {
                return Err(DeviceError::syntax(format!(
                    "unexpected '{key}': {ADD_USAGE}"
                )))
            }
        }
    }
    if add.name.is_empty() || add.modules.is_empty() {
        return Err(DeviceError::syntax(ADD_USAGE.into()));
    }
    Ok(add)
}

/// The one name after `request system yang delete`.
pub(super) fn parse_delete(rest: &[&str]) -> Result<String, DeviceError> {
    match rest {
        [name] => Ok((*name).to_owned()),
        _ => Err(DeviceError::syntax(
            "usage: request system yang delete NAME".into(),
        )),
    }
}

/// The optional name after `show system yang package`.
pub(super) fn parse_show(rest: &[&str]) -> Result<Option<String>, DeviceError> {
    match rest {
        [] => Ok(None),
        [name] => Ok(Some((*name).to_owned())),
        _ => Err(DeviceError::syntax(
            "usage: show system yang package [NAME]".into(),
        )),
    }
}

fn on_device(dev: &Device, p: &str) -> PathBuf {
    let p = PathBuf::from(p);
    if p.is_absolute() {
        p
    } else {
        dev.data_dir().join(p)
    }
}

pub(super) async fn add(dev: &Device, a: YangAdd, format: Format) -> Result<String, DeviceError> {
    let store = dev.yang().clone();
    let _one_at_a_time = store.lock().await;
    let modules: Vec<PathBuf> = a.modules.iter().map(|m| on_device(dev, m)).collect();
    let scripts: Vec<PathBuf> = a.scripts.iter().map(|s| on_device(dev, s)).collect();
    let root = store.root().to_path_buf();
    let name = a.name.clone();
    let staged =
        tokio::task::spawn_blocking(move || crate::yang::stage(&root, &name, &modules, &scripts))
            .await
            .map_err(|_| DeviceError::ShuttingDown)??;
    // A command may not be one the device or another package has.
    let existing = super::app_commands::list(dev);
    let commands = staged.package.commands();
    for c in &commands {
        let line = c.line();
        let refuse = |why: String| DeviceError::YangRefused {
            package: a.name.clone(),
            reason: format!("command '{line}' {why}"),
        };
        if super::parse_cli(&line).is_ok() {
            return Err(refuse("is already a command of the device".into()));
        }
        if let Some(o) = existing.iter().find(|o| o.words == c.words) {
            return Err(refuse(format!("is already defined by package {}", o.app)));
        }
    }
    let pkg = store.install(staged).await?;
    let mut lines = vec![
        "YANG modules validation : START".to_owned(),
        "YANG modules validation : SUCCESS".to_owned(),
    ];
    for (file, m) in &pkg.modules {
        lines.push(format!(
            "Module {} ({file}), namespace {}, {} rpc{}",
            m.name,
            m.namespace,
            m.rpcs.len(),
            if m.rpcs.len() == 1 { "" } else { "s" }
        ));
    }
    for c in &commands {
        lines.push(format!("Command added: {}", c.line()));
    }
    lines.push(format!("YANG package {} added", pkg.name));
    Ok(render_result(lines, format))
}

pub(super) async fn delete(
    dev: &Device,
    name: &str,
    format: Format,
) -> Result<String, DeviceError> {
    let store = dev.yang().clone();
    let _one_at_a_time = store.lock().await;
    let pkg = store.delete(name).await?;
    let mut lines: Vec<String> = pkg
        .commands()
        .iter()
        .map(|c| format!("Command removed: {}", c.line()))
        .collect();
    lines.push(format!("YANG package {name} deleted"));
    Ok(render_result(lines, format))
}

fn render_result(lines: Vec<String>, format: Format) -> String {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let e = Element::container("yang-package-results")
        .child(Element::leaf("package-result", "0"))
        .child(Element::leaf("output", text.trim_end()));
    match format {
        Format::Text => text,
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
    }
}

/// `show system yang package [NAME]`.
pub(super) fn show(
    dev: &Device,
    name: Option<&str>,
    format: Format,
) -> Result<String, DeviceError> {
    let pkgs = match name {
        Some(n) => vec![dev
            .yang()
            .get(n)
            .ok_or_else(|| DeviceError::UnknownYangPackage { name: n.into() })?],
        None => dev.yang().current(),
    };
    if format == Format::Text {
        let mut out = String::new();
        for p in &pkgs {
            let modules: Vec<&str> = p.modules.iter().map(|(f, _)| f.as_str()).collect();
            let commands: Vec<String> = p.commands().iter().map(|c| c.line()).collect();
            out.push_str(&format!("Package ID            :{}\n", p.name));
            out.push_str(&format!("YANG Module(s)        :{}\n", modules.join(" ")));
            out.push_str(&format!("Action Script(s)      :{}\n", p.scripts.join(" ")));
            out.push_str(&format!(
                "Command(s)            :{}\n\n",
                commands.join(", ")
            ));
        }
        if pkgs.is_empty() {
            out.push_str("No YANG packages installed\n");
        }
        return Ok(out);
    }
    let mut root = Element::container("yang-package-information");
    for p in &pkgs {
        let mut e =
            Element::container("package").child(Element::leaf("package-id", p.name.clone()));
        for (file, m) in &p.modules {
            e.push(
                Element::container("yang-module")
                    .child(Element::leaf("file-name", file.clone()))
                    .child(Element::leaf("module-name", m.name.clone()))
                    .child(Element::leaf("namespace", m.namespace.clone())),
            );
        }
        for s in &p.scripts {
            e.push(Element::leaf("action-script", s.clone()));
        }
        for c in p.commands() {
            e.push(Element::leaf("command", c.line()));
        }
        root.push(e);
    }
    Ok(match format {
        Format::Json => root.to_json(),
        _ => root.to_cli_xml(),
    })
}

/// The action script's arguments for the words typed after a YANG command `line`.
pub(super) fn script_args(
    y: &YangOptions,
    line: &str,
    typed: &[String],
) -> Result<Vec<String>, DeviceError> {
    let mut out = vec!["--rpc_name".to_owned(), y.rpc.clone()];
    for (name, value) in parse_options(&y.options, line, typed)? {
        out.push(format!("--{name}"));
        out.extend(value);
    }
    Ok(out)
}

/// The options typed after the command `line`: `NAME VALUE` or `NAME` for a flag, names
/// abbreviated to a unique prefix, each at most once; a mandatory option missing is a
/// syntax error. Name and value (`None` for a flag), in the order typed.
pub(super) fn parse_options(
    options: &[CommandOption],
    line: &str,
    typed: &[String],
) -> Result<Vec<(String, Option<String>)>, DeviceError> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut i = 0;
    while let Some(w) = typed.get(i) {
        i += 1;
        let exact = options.iter().find(|o| o.name == *w);
        let fits: Vec<_> = options
            .iter()
            .filter(|o| o.name.starts_with(w.as_str()))
            .collect();
        let opt = match (exact, fits.as_slice()) {
            (Some(o), _) => o,
            (None, [o]) => *o,
            (None, []) if options.is_empty() => {
                return Err(DeviceError::syntax(format!(
                    "unexpected argument '{w}' after '{line}'"
                )))
            }
            (None, []) => {
                let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
                return Err(DeviceError::syntax(format!(
                    "'{w}' is not valid after '{line}' (expecting one of: {})",
                    names.join(", ")
                )));
            }
            (None, many) => {
                let names: Vec<&str> = many.iter().map(|o| o.name.as_str()).collect();
                return Err(DeviceError::syntax(format!(
                    "'{w}' is ambiguous (possible completions: {})",
                    names.join(", ")
                )));
            }
        };
        if out.iter().any(|(n, _)| *n == opt.name) {
            return Err(DeviceError::syntax(format!(
                "option '{}' given twice",
                opt.name
            )));
        }
        let value = if opt.flag {
            None
        } else {
            let Some(v) = typed.get(i) else {
                return Err(DeviceError::syntax(format!(
                    "missing value after '{}'",
                    opt.name
                )));
            };
            i += 1;
            Some(v.clone())
        };
        out.push((opt.name.clone(), value));
    }
    if let Some(m) = options
        .iter()
        .find(|o| o.mandatory && !out.iter().any(|(n, _)| *n == o.name))
    {
        return Err(DeviceError::syntax(format!(
            "'{line}' needs the option '{}'",
            m.name
        )));
    }
    Ok(out)
}

/// A YANG package's RPC called by its name in XML (`<get-my-app-status><name>foo</name>
/// <detail/></get-my-app-status>`, optionally in `<rpc>`): its command with the
/// elements as options. `None` when no YANG command has that RPC.
pub(super) fn parse_rpc_xml(
    cmds: &[AppCommand],
    text: &str,
) -> Option<Result<(super::Command, super::Pipes), DeviceError>> {
    let doc = roxmltree::Document::parse(text.trim()).ok()?;
    let mut rpc = doc.root_element();
    if rpc.tag_name().name() == "rpc" {
        rpc = rpc.children().find(|n| n.is_element())?;
    }
    let name = rpc.tag_name().name();
    let cmd = cmds
        .iter()
        .find(|c| c.yang.as_ref().is_some_and(|y| y.rpc == name))?;
    let y = cmd.yang.as_ref()?;
    let mut words = Vec::new();
    for e in rpc.children().filter(|n| n.is_element()) {
        let option = e.tag_name().name();
        words.push(option.to_owned());
        let flag = y.options.iter().any(|o| o.name == option && o.flag);
        if !flag {
            words.push(e.text().unwrap_or("").trim().to_owned());
        }
    }
    Some(script_args(y, &cmd.line(), &words).map(|args| {
        (
            super::Command::FromApp {
                cmd: cmd.clone(),
                args,
            },
            super::Pipes::default(),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> YangOptions {
        let o = |name: &str, flag| CommandOption {
            name: name.into(),
            flag,
            help: String::new(),
            mandatory: false,
        };
        YangOptions {
            rpc: "get-status".into(),
            options: vec![o("detail", true), o("name", false), o("namespace", false)],
        }
    }

    fn args(words: &[&str]) -> Result<Vec<String>, DeviceError> {
        let typed: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        script_args(&opts(), "show x", &typed)
    }

    #[test]
    fn options_become_dash_dash_arguments() {
        assert_eq!(args(&[]).expect("none"), ["--rpc_name", "get-status"]);
        assert_eq!(
            args(&["det", "name", "foo"]).expect("ok"),
            ["--rpc_name", "get-status", "--detail", "--name", "foo"]
        );
        assert!(args(&["nam", "x"]).is_err(), "ambiguous");
        assert!(args(&["bogus"]).is_err());
        assert!(args(&["name"]).is_err(), "missing value");
        assert!(args(&["detail", "detail"]).is_err(), "twice");
    }

    #[test]
    fn add_takes_lists_with_or_without_brackets() {
        let a = parse_add(&[
            "package",
            "p",
            "module",
            "[a.yang",
            "b.yang]",
            "action-script",
            "s.py",
        ])
        .expect("parses");
        assert_eq!(a.name, "p");
        assert_eq!(a.modules, ["a.yang", "b.yang"]);
        assert_eq!(a.scripts, ["s.py"]);
        let a = parse_add(&[
            "package",
            "p",
            "module",
            "a.yang",
            "b.yang",
            "action-script",
            "[",
            "s.py",
            "t.sh",
            "]",
        ])
        .expect("parses");
        assert_eq!(a.modules, ["a.yang", "b.yang"]);
        assert_eq!(a.scripts, ["s.py", "t.sh"]);
        assert!(parse_add(&["package", "p"]).is_err());
        assert!(parse_add(&["module", "a.yang"]).is_err());
        assert!(parse_add(&["package", "p", "module"]).is_err());
    }
}
