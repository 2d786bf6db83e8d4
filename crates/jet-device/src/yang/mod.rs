//! YANG packages (`request system yang add package NAME module FILE... action-script
//! FILE...`): YANG modules whose `rpc`s carry a Junos CLI command
//! (`junos:command`) and the action script that answers it. Their commands are
//! operational commands like those of app manifests (see `op::app_commands`).
//!
//! A package is kept in the data directory, `yang/NAME/modules/*.yang` and
//! `yang/NAME/scripts/*` (copies of the files given, so the originals may go), and
//! read again when the device starts. A package is written to `yang/.staging-NAME`
//! and renamed into place, so a crash never leaves half a package.

pub mod module;
pub mod parse;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

pub use module::{InputLeaf, Module, Rpc};
pub use parse::{Stmt, YangError};

use crate::error::DeviceError;
use crate::vocab::apps::{AppCommand, CommandOption, YangOptions};

/// An installed YANG package.
#[derive(Debug, Clone)]
pub struct YangPackage {
    /// Its name (the package ID).
    pub name: String,
    /// Its modules: file name and what was read of it, by file name.
    pub modules: Vec<(String, Module)>,
    /// Its action scripts' file names, sorted.
    pub scripts: Vec<String>,
    /// Its directory in the data directory.
    pub dir: PathBuf,
}

impl YangPackage {
    /// The operational commands its RPCs add.
    pub fn commands(&self) -> Vec<AppCommand> {
        let scripts = self.dir.join("scripts");
        self.modules
            .iter()
            .flat_map(|(_, m)| m.rpcs.iter())
            .filter_map(|r| {
                let cli = r.command.as_deref()?;
                let script = r.script.as_deref()?;
                Some(AppCommand {
                    words: cli.split_whitespace().map(str::to_owned).collect(),
                    help: if r.description.is_empty() {
                        format!("YANG RPC {}", r.name)
                    } else {
                        r.description.clone()
                    },
                    app: self.name.clone(),
                    version: "yang".into(),
                    script: scripts.join(script),
                    interpreter: interpreter(script),
                    dir: scripts.clone(),
                    yang: Some(YangOptions {
                        rpc: r.name.clone(),
                        options: r
                            .inputs
                            .iter()
                            .map(|l| CommandOption {
                                name: l.name.clone(),
                                flag: l.is_flag(),
                                help: l.description.clone(),
                                mandatory: false,
                            })
                            .collect(),
                    }),
                    live: None,
                })
            })
            .collect()
    }
}

/// The interpreter of a script that is not executable, by its extension.
fn interpreter(script: &str) -> Option<String> {
    match Path::new(script).extension().and_then(|e| e.to_str()) {
        Some("py") => Some("python".into()),
        Some("sh") => Some("sh".into()),
        _ => None,
    }
}

/// A package read from the files given, checked, not yet installed.
#[derive(Debug)]
pub struct Staged {
    /// The package.
    pub package: YangPackage,
    /// Module file name and text.
    texts: Vec<(String, String)>,
    /// Script file name and where it is now.
    sources: Vec<(String, PathBuf)>,
}

/// A package name: letters, digits, `-`, `_`, `.`; not starting with `.`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name()?.to_str().map(str::to_owned)
}

/// Reads and checks a package's files (blocking): every module reads, names in its
/// `junos:script` one of the action scripts, and no two RPCs give the same command.
pub fn stage(
    root: &Path,
    name: &str,
    modules: &[PathBuf],
    scripts: &[PathBuf],
) -> Result<Staged, DeviceError> {
    let refuse = |reason: String| DeviceError::YangRefused {
        package: name.to_owned(),
        reason,
    };
    if !valid_name(name) {
        return Err(refuse(
            "a package name is letters, digits, '-', '_' and '.'".into(),
        ));
    }
    let mut texts = Vec::new();
    let mut read = Vec::new();
    for p in modules {
        let file = file_name(p).ok_or_else(|| refuse(format!("{}: not a file", p.display())))?;
        if texts.iter().any(|(f, _)| *f == file) {
            return Err(refuse(format!("module file {file} given twice")));
        }
        let text = std::fs::read_to_string(p)
            .map_err(|e| refuse(format!("cannot read {}: {e}", p.display())))?;
        let m = module::read(&text)
            .map_err(|e| refuse(format!("{}:{}: {}", p.display(), e.line, e.message)))?;
        if read
            .iter()
            .any(|(_, o): &(String, Module)| o.name == m.name)
        {
            return Err(refuse(format!("module {} given twice", m.name)));
        }
        texts.push((file.clone(), text));
        read.push((file, m));
    }
    let mut sources = Vec::new();
    for p in scripts {
        let file = file_name(p).ok_or_else(|| refuse(format!("{}: not a file", p.display())))?;
        if sources.iter().any(|(f, _)| *f == file) {
            return Err(refuse(format!("action script {file} given twice")));
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err(refuse(format!("{}: not a file", p.display()))),
            Err(e) => return Err(refuse(format!("cannot read {}: {e}", p.display()))),
        }
        sources.push((file, p.clone()));
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (file, m) in &read {
        for r in &m.rpcs {
            if let Some(s) = &r.script {
                if !sources.iter().any(|(f, _)| f == s) {
                    return Err(refuse(format!(
                        "{file}:{}: rpc {} names action script {s}, which is not one of the \
                         package's action scripts",
                        r.line, r.name
                    )));
                }
            }
            if let Some(c) = &r.command {
                if let Some(other) = seen.insert(c.clone(), r.name.clone()) {
                    return Err(refuse(format!(
                        "command '{c}' defined twice (rpcs {other} and {})",
                        r.name
                    )));
                }
            }
        }
    }
    read.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names: Vec<String> = sources.iter().map(|(f, _)| f.clone()).collect();
    names.sort();
    Ok(Staged {
        package: YangPackage {
            name: name.to_owned(),
            modules: read,
            scripts: names,
            dir: root.join(name),
        },
        texts,
        sources,
    })
}

/// The installed YANG packages. Cheap to clone; clones share the set.
#[derive(Debug, Clone)]
pub struct YangHandle {
    root: PathBuf,
    set: Arc<RwLock<BTreeMap<String, Arc<YangPackage>>>>,
    writer: Arc<tokio::sync::Mutex<()>>,
}

impl YangHandle {
    /// Reads the packages under `DATA/yang` (a package that no longer reads is left out,
    /// with a warning).
    pub async fn start(data_dir: &Path) -> YangHandle {
        let root = data_dir.join("yang");
        let r = root.clone();
        let set = tokio::task::spawn_blocking(move || load(&r))
            .await
            .unwrap_or_default();
        YangHandle {
            root,
            set: Arc::new(RwLock::new(set)),
            writer: Default::default(),
        }
    }

    /// Where packages are kept.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every package, by name.
    pub fn current(&self) -> Vec<Arc<YangPackage>> {
        self.set
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// One package.
    pub fn get(&self, name: &str) -> Option<Arc<YangPackage>> {
        self.set
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
    }

    /// Held while a package is checked and installed or deleted: one change at a time.
    pub async fn lock(&self) -> tokio::sync::OwnedMutexGuard<()> {
        self.writer.clone().lock_owned().await
    }

    /// Installs a staged package (call with [`YangHandle::lock`] held).
    pub async fn install(&self, staged: Staged) -> Result<Arc<YangPackage>, DeviceError> {
        let name = staged.package.name.clone();
        if self.get(&name).is_some() {
            return Err(DeviceError::YangRefused {
                package: name,
                reason: "a package of that name is installed (request system yang delete it \
                         first)"
                    .into(),
            });
        }
        let root = self.root.clone();
        let pkg = tokio::task::spawn_blocking(move || write(&root, staged))
            .await
            .map_err(|_| DeviceError::ShuttingDown)??;
        let pkg = Arc::new(pkg);
        self.set
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name, pkg.clone());
        Ok(pkg)
    }

    /// Removes a package (call with [`YangHandle::lock`] held).
    pub async fn delete(&self, name: &str) -> Result<Arc<YangPackage>, DeviceError> {
        let Some(pkg) = self.get(name) else {
            return Err(DeviceError::UnknownYangPackage { name: name.into() });
        };
        let dir = pkg.dir.clone();
        tokio::task::spawn_blocking(move || std::fs::remove_dir_all(&dir))
            .await
            .map_err(|_| DeviceError::ShuttingDown)?
            .map_err(|e| DeviceError::io(format!("removing YANG package {name}"), e))?;
        self.set
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
        Ok(pkg)
    }
}

fn write(root: &Path, staged: Staged) -> Result<YangPackage, DeviceError> {
    let name = &staged.package.name;
    let io = |what: &str, e| DeviceError::io(format!("YANG package {name}: {what}"), e);
    let tmp = root.join(format!(".staging-{name}"));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("modules")).map_err(|e| io("creating its directory", e))?;
    std::fs::create_dir_all(tmp.join("scripts")).map_err(|e| io("creating its directory", e))?;
    for (file, text) in &staged.texts {
        std::fs::write(tmp.join("modules").join(file), text)
            .map_err(|e| io(&format!("writing {file}"), e))?;
    }
    for (file, src) in &staged.sources {
        // A copy keeps the permission bits (an executable script stays one).
        std::fs::copy(src, tmp.join("scripts").join(file))
            .map_err(|e| io(&format!("copying {}", src.display()), e))?;
    }
    // A directory of that name that the device left out at start (it no longer read)
    // is replaced.
    if staged.package.dir.exists() {
        std::fs::remove_dir_all(&staged.package.dir)
            .map_err(|e| io("removing a package left out at start", e))?;
    }
    std::fs::rename(&tmp, &staged.package.dir).map_err(|e| io("moving it into place", e))?;
    Ok(staged.package)
}

/// Reads every package under `root`.
fn load(root: &Path) -> BTreeMap<String, Arc<YangPackage>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(root) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Some(name) = file_name(&path) else {
            continue;
        };
        if name.starts_with(".staging-") {
            let _ = std::fs::remove_dir_all(&path);
            continue;
        }
        if !path.is_dir() {
            continue;
        }
        let list = |sub: &str| -> Vec<PathBuf> {
            let mut v: Vec<PathBuf> = std::fs::read_dir(path.join(sub))
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            v.sort();
            v
        };
        match stage(root, &name, &list("modules"), &list("scripts")) {
            Ok(s) => {
                out.insert(name, Arc::new(s.package));
            }
            Err(e) => tracing::warn!("YANG package {name} left out: {e}"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(valid_name("my-app_1.0"));
        assert!(!valid_name(".hidden"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(""));
    }

    #[test]
    fn scripts_must_be_given_and_commands_unique() {
        let d = tempfile::tempdir().expect("tempdir");
        let m = |name: &str, body: &str| {
            let p = d.path().join(name);
            std::fs::write(
                &p,
                format!("module {name} {{ namespace urn:x; prefix x; {body} }}"),
            )
            .expect("write");
            p
        };
        let rpc = |r: &str, cli: &str, s: &str| {
            format!("rpc {r} {{ junos:command \"{cli}\" {{ junos:action-execute {{ junos:script {s}; }} }} }}")
        };
        let s = d.path().join("s.sh");
        std::fs::write(&s, "echo").expect("write");
        let ok = m("a", &rpc("r", "show a", "s.sh"));
        let staged = stage(
            d.path(),
            "p",
            std::slice::from_ref(&ok),
            std::slice::from_ref(&s),
        )
        .expect("stages");
        let cmds = staged.package.commands();
        assert_eq!(cmds[0].line(), "show a");
        assert_eq!(cmds[0].interpreter.as_deref(), Some("sh"));
        assert_eq!(cmds[0].yang.as_ref().map(|y| y.rpc.as_str()), Some("r"));

        let e = stage(d.path(), "p", std::slice::from_ref(&ok), &[]).expect_err("no script");
        assert!(e.to_string().contains("names action script s.sh"), "{e}");
        let twice = m(
            "b",
            &format!(
                "{} {}",
                rpc("r1", "show b", "s.sh"),
                rpc("r2", "show  b", "s.sh")
            ),
        );
        let e = stage(d.path(), "p", &[twice], std::slice::from_ref(&s)).expect_err("twice");
        assert!(
            e.to_string().contains("command 'show b' defined twice"),
            "{e}"
        );
        let e = stage(d.path(), "p", &[d.path().join("none.yang")], &[s]).expect_err("missing");
        assert!(e.to_string().contains("none.yang"), "{e}");
    }

    #[test]
    fn interpreters_by_extension() {
        assert_eq!(interpreter("x.py").as_deref(), Some("python"));
        assert_eq!(interpreter("x.sh").as_deref(), Some("sh"));
        assert_eq!(interpreter("x"), None);
    }
}
