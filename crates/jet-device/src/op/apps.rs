//! `show extension-service application [NAME] [detail]` and `request extension-service
//! start NAME [ARGUMENTS] | stop NAME`: parsed here, answered by the application service
//! registered with [`Device::set_app_control`] (`jet-apps`), which renders its own table.
//!
//! Junos has `request extension-service start|stop`; it has no command that lists the
//! running applications (the closest is `show system processes`), so `show
//! extension-service application` and its XML element names are ours (documented in
//! `docs/on-box-apps.md`).

use crate::device::Device;
use crate::error::DeviceError;
use crate::output::Format;
pub use crate::vocab::apps::{AppControl, AppIdentity, AppQuery};

/// A parsed application command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AppCmd {
    Show(AppQuery),
    Start {
        name: String,
        arguments: Option<String>,
    },
    Stop {
        name: String,
    },
}

/// The words after `show extension-service application`: `[NAME] [detail]`.
pub(super) fn parse_show(rest: &[&str]) -> Result<AppCmd, DeviceError> {
    let mut q = AppQuery::default();
    for w in rest {
        if *w == "detail" {
            q.detail = true;
        } else if q.name.is_none() {
            q.name = Some((*w).to_owned());
        } else {
            return Err(DeviceError::syntax(format!(
                "unexpected argument '{w}' after 'show extension-service application {}'",
                q.name.as_deref().unwrap_or_default()
            )));
        }
    }
    Ok(AppCmd::Show(q))
}

/// The words after `request extension-service start|stop`.
pub(super) fn parse_request(verb: &str, rest: &[&str]) -> Result<AppCmd, DeviceError> {
    let Some((name, args)) = rest.split_first() else {
        return Err(DeviceError::syntax(format!(
            "missing application file name after 'request extension-service {verb}'"
        )));
    };
    let name = (*name).to_owned();
    match verb {
        "start" => Ok(AppCmd::Start {
            name,
            arguments: (!args.is_empty()).then(|| args.join(" ")),
        }),
        _ if !args.is_empty() => Err(DeviceError::syntax(format!(
            "unexpected argument '{}' after 'request extension-service {verb} {name}'",
            args[0]
        ))),
        _ => Ok(AppCmd::Stop { name }),
    }
}

pub(super) async fn run(dev: &Device, cmd: AppCmd, format: Format) -> Result<String, DeviceError> {
    let Some(control) = dev.app_control() else {
        return match cmd {
            // No service: no applications.
            AppCmd::Show(_) => Ok(String::new()),
            _ => Err(DeviceError::AppRefused {
                reason: "the extension-service application service is not running".into(),
            }),
        };
    };
    match cmd {
        AppCmd::Show(q) => control.show(q, format).await,
        AppCmd::Start { name, arguments } => control.start(name, arguments).await,
        AppCmd::Stop { name } => control.stop(name).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_takes_a_name_and_free_arguments_stop_only_a_name() {
        assert_eq!(
            parse_request("start", &["a.py", "-x", "1"]).ok(),
            Some(AppCmd::Start {
                name: "a.py".into(),
                arguments: Some("-x 1".into())
            })
        );
        let e = parse_request("start", &[]).expect_err("no name");
        assert!(
            e.to_string().contains("missing application file name"),
            "{e}"
        );
        let e = parse_request("stop", &["a.py", "x"]).expect_err("extra word");
        assert!(e.to_string().contains("'x'"), "{e}");
    }

    #[test]
    fn show_takes_an_optional_name_and_detail() {
        assert_eq!(
            parse_show(&["a.py", "detail"]).ok(),
            Some(AppCmd::Show(AppQuery {
                name: Some("a.py".into()),
                detail: true
            }))
        );
        assert!(parse_show(&["a", "b"]).is_err());
    }
}
