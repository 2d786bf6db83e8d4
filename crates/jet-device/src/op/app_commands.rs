//! Operational commands that apps add (a package manifest's `commands`, or a YANG
//! package's RPCs with a `junos:command`, see `yang`), and `show
//! extension-service commands`, the list of them (ours: Junos lists the commands of a
//! YANG package only in its CLI help).
//!
//! The commands are those of the installed packages, so a command comes with its
//! package and goes with it. Built-in commands win: an app command is only tried when
//! the words are not a command of the device. Words may be abbreviated to a unique
//! prefix as for every command; the words typed after the command's own are its
//! arguments. The application service runs the script ([`AppControl::run_command`]).
//!
//! Live commands (registered by a connected app, `crate::live_commands`) are listed and
//! found the same way; they are refused at registration when they are the device's or a
//! package's, and answered by their app (source `live` in the list).

use crate::device::Device;
use crate::error::DeviceError;
use crate::live_commands::{LiveCommandError, LiveLease, LiveRegistration};
use crate::output::{Element, Format};
pub use crate::vocab::apps::AppCommand;

/// Every command apps add: the installed packages' and the live apps', in CLI order.
pub fn list(dev: &Device) -> Vec<AppCommand> {
    let mut out = packaged(dev);
    out.extend(dev.live_commands().current());
    // A package installed after a live app registered the same words: the package's
    // command (first, the sort is stable) wins.
    out.sort_by(|a, b| a.words.cmp(&b.words));
    out.dedup_by(|b, a| a.words == b.words);
    out
}

/// Every command the installed packages add (manifests and YANG), in CLI order.
fn packaged(dev: &Device) -> Vec<AppCommand> {
    let set = dev.packages().current();
    let mut out: Vec<AppCommand> = set
        .packages
        .values()
        .flat_map(|p| {
            p.manifest.commands.iter().map(move |c| AppCommand {
                words: c.cli.split_whitespace().map(str::to_owned).collect(),
                help: c.help.clone(),
                app: p.manifest.name.clone(),
                version: p.manifest.version.clone(),
                script: p.dir.join(&c.script),
                interpreter: p.manifest.interpreter.clone(),
                dir: p.dir.clone(),
                yang: None,
                live: None,
            })
        })
        .collect();
    // Then those of YANG packages (`request system yang add`).
    out.extend(dev.yang().current().iter().flat_map(|p| p.commands()));
    out.sort_by(|a, b| a.words.cmp(&b.words));
    // Two packages adding the same words: the first (by app name) keeps them.
    out.dedup_by(|b, a| a.words == b.words);
    out
}

/// The app command that `words` name, with the words after it; `None` when no app
/// command fits, `Err` when an abbreviation fits several.
pub(super) fn find(
    cmds: &[AppCommand],
    words: &[&str],
) -> Option<Result<(AppCommand, Vec<String>), DeviceError>> {
    let fits: Vec<&AppCommand> = cmds
        .iter()
        .filter(|c| {
            c.words.len() <= words.len()
                && c.words
                    .iter()
                    .zip(words)
                    .all(|(w, typed)| w.starts_with(typed))
        })
        .collect();
    let pick = match fits.as_slice() {
        [] => return None,
        [one] => *one,
        many => {
            // An exact spelling wins over abbreviations, then the longest command.
            let exact: Vec<&&AppCommand> = many
                .iter()
                .filter(|c| c.words.iter().zip(words).all(|(w, typed)| w == typed))
                .collect();
            match exact.as_slice() {
                [one] => **one,
                _ => {
                    let longest = many.iter().map(|c| c.words.len()).max().unwrap_or(0);
                    let long: Vec<&&AppCommand> =
                        many.iter().filter(|c| c.words.len() == longest).collect();
                    match long.as_slice() {
                        [one] => **one,
                        _ => {
                            return Some(Err(DeviceError::syntax(format!(
                                "'{}' is ambiguous (possible completions: {})",
                                words.join(" "),
                                many.iter().map(|c| c.line()).collect::<Vec<_>>().join(", ")
                            ))))
                        }
                    }
                }
            }
        }
    };
    let args = words[pick.words.len()..]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    Some(Ok((pick.clone(), args)))
}

/// Runs an app command through the application service.
pub(super) async fn run(
    dev: &Device,
    cmd: AppCommand,
    args: Vec<String>,
    format: Format,
) -> Result<String, DeviceError> {
    let Some(control) = dev.app_control() else {
        return Err(DeviceError::AppRefused {
            reason: format!(
                "command '{}' of app {}: the extension-service application service is not running",
                cmd.line(),
                cmd.app
            ),
        });
    };
    control.run_command(cmd, args, format).await
}

/// Registers a live app's commands (`crate::live_commands`): their form, then that none
/// is a command of the device or of an installed package, then (in the live-commands
/// task) that none is another live app's. The commands live as long as the lease.
pub async fn register_live(
    dev: &Device,
    reg: LiveRegistration,
) -> Result<LiveLease, LiveCommandError> {
    let (checked, timeout) = crate::live_commands::spec::check(&reg)?;
    let packaged = packaged(dev);
    for (index, c) in checked.iter().enumerate() {
        let line = c.words.join(" ");
        let owner = if super::parse_cli(&line).is_ok() {
            Some("a command of the device".to_owned())
        } else {
            packaged
                .iter()
                .find(|o| o.words == c.words)
                .map(|o| format!("defined by package {}", o.app))
        };
        if let Some(owner) = owner {
            return Err(LiveCommandError::Conflict {
                index,
                command: line,
                owner,
            });
        }
    }
    dev.live_commands()
        .register(reg.client, checked, timeout)
        .await
}

/// `show extension-service commands`.
pub(super) fn render_list(dev: &Device, format: Format) -> String {
    let cmds = list(dev);
    match format {
        Format::Text => {
            let mut out = format!(
                "{:<36} {:<16} {:<8} {}\n",
                "Command", "Application", "Source", "Help"
            );
            for c in &cmds {
                out.push_str(&format!(
                    "{:<36} {:<16} {:<8} {}\n",
                    c.line(),
                    c.app,
                    c.source(),
                    c.help
                ));
            }
            out
        }
        Format::Xml | Format::Json => {
            let mut root = Element::container("extension-service-command-information");
            for c in &cmds {
                let mut e = Element::container("command")
                    .child(Element::leaf("cli", c.line()))
                    .child(Element::leaf("application", c.app.clone()))
                    .child(Element::leaf("version", c.version.clone()))
                    .child(Element::leaf("help", c.help.clone()))
                    .child(Element::leaf("source", c.source()));
                if c.live.is_none() {
                    e.push(Element::leaf(
                        "script",
                        c.script.to_string_lossy().into_owned(),
                    ));
                }
                // Its options (a YANG rpc's input leaves, a live command's arguments),
                // for CLI completion.
                for o in c.options() {
                    let mut opt = Element::container("option")
                        .child(Element::leaf("name", o.name.clone()))
                        .child(Element::leaf("help", o.help.clone()));
                    if o.mandatory {
                        opt.push(Element::flag("mandatory"));
                    }
                    if o.flag {
                        opt.push(Element::flag("flag"));
                    }
                    e.push(opt);
                }
                root.push(e);
            }
            if format == Format::Xml {
                root.to_cli_xml()
            } else {
                root.to_json()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(line: &str) -> AppCommand {
        AppCommand {
            words: line.split_whitespace().map(str::to_owned).collect(),
            help: String::new(),
            app: "a".into(),
            version: "1".into(),
            script: "s".into(),
            interpreter: None,
            dir: ".".into(),
            yang: None,
            live: None,
        }
    }

    #[test]
    fn words_abbreviate_and_the_rest_are_arguments() {
        let cmds = [cmd("show hello status"), cmd("show hello stats")];
        let (c, args) = find(&cmds, &["sh", "hel", "status", "x", "y"])
            .expect("fits")
            .expect("unique");
        assert_eq!(c.line(), "show hello status");
        assert_eq!(args, vec!["x", "y"]);
        let e = find(&cmds, &["show", "hello", "sta"])
            .expect("fits")
            .expect_err("ambiguous");
        assert!(e.to_string().contains("ambiguous"), "{e}");
        assert!(find(&cmds, &["show", "bye"]).is_none());
        assert!(find(&cmds, &["show", "hello"]).is_none());
    }
}
