//! Running the operational commands that apps add (`show hello status` from a package
//! manifest's `commands`): the app's script is started with the words typed after the
//! command as its arguments, and what it prints is the command's output.
//!
//! The script runs like its app: its own process group, dies with jetd, the app's
//! environment (`JET_SOCKET`, `JET_APP_NAME`, ...), and while it runs its process group
//! is the app's on the local socket (so its JET calls are held to the app's manifest
//! permissions). It has [`COMMAND_TIMEOUT`] to finish and may print [`MAX_OUTPUT`] bytes;
//! past either it is killed and the command fails, naming why.
//!
//! Output formats: text is what the script prints. For XML and JSON, a script that
//! prints XML (its first non-blank character is `<`) gives that element (JSON rendered
//! from it the Junos way); any other text is wrapped in `<output>`, as Junos does for
//! commands without an XML rendering.

use std::ffi::OsString;
use std::os::unix::fs::PermissionsExt as _;
use std::time::Duration;

use jet_device::op::app_commands::AppCommand;
use jet_device::op::apps::AppIdentity;
use jet_device::{DeviceError, Format};
use nix::sys::signal::Signal;
use tokio::io::AsyncReadExt as _;

use crate::process::signal_group;
use crate::spec::{find_in_path, PACKAGE_USER};
use crate::supervisor::{LiveApp, LiveGroups};

/// How long an app command's script may run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How much a script may print (stdout), in bytes.
pub const MAX_OUTPUT: usize = 4 << 20;
/// How much of its stderr is kept for the error message.
const MAX_ERROR: usize = 4096;

fn refused(cmd: &AppCommand, why: String) -> DeviceError {
    DeviceError::AppRefused {
        reason: format!(
            "command '{}' of app {} {}: {why}",
            cmd.line(),
            cmd.app,
            cmd.version
        ),
    }
}

/// Runs `cmd` and renders its output in `format`.
pub(crate) async fn run(
    cmd: AppCommand,
    args: Vec<String>,
    env: Vec<(String, OsString)>,
    live: LiveGroups,
    format: Format,
) -> Result<String, DeviceError> {
    let executable = tokio::fs::metadata(&cmd.script)
        .await
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .map_err(|e| refused(&cmd, format!("script {}: {e}", cmd.script.display())))?;
    let mut command = if executable {
        tokio::process::Command::new(&cmd.script)
    } else {
        let Some(i) = cmd.interpreter.as_deref() else {
            return Err(refused(
                &cmd,
                format!(
                    "script {} is not executable and the app has no interpreter",
                    cmd.script.display()
                ),
            ));
        };
        let program = match i {
            "python" if find_in_path("python").is_none() => "python3",
            other => other,
        };
        let mut c = tokio::process::Command::new(program);
        c.arg(&cmd.script);
        c
    };
    let token = jet_device::factory::random_password();
    command
        .args(&args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .envs(crate::env::app_env(&cmd.app, PACKAGE_USER))
        .env("JET_APP_TOKEN", &token)
        .env("JET_COMMAND", cmd.line())
        .env("PYTHONUNBUFFERED", "1")
        .current_dir(&cmd.dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    crate::process::set_child_hooks(&mut command, Default::default());
    let mut child = command
        .spawn()
        .map_err(|e| refused(&cmd, format!("cannot start {}: {e}", cmd.script.display())))?;
    let Some(pid) = child.id() else {
        return Err(refused(&cmd, "the script exited at once".into()));
    };
    // While it runs, its process group is the app's on the local socket.
    let guard = Registered::new(
        live,
        pid,
        LiveApp {
            identity: AppIdentity {
                name: cmd.app.clone(),
                user: PACKAGE_USER.to_owned(),
            },
            token,
        },
    );
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = async {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            // One byte more than allowed tells that the script printed too much.
            s.take(MAX_OUTPUT as u64 + 1).read_to_end(&mut buf).await?;
            if buf.len() > MAX_OUTPUT {
                signal_group(pid, Signal::SIGKILL);
            }
        }
        Ok::<_, std::io::Error>(buf)
    };
    let err = async {
        let mut kept = Vec::new();
        if let Some(s) = stderr.as_mut() {
            // Read it all (a script blocked on a full pipe never ends), keep the start.
            let mut chunk = [0u8; 4096];
            loop {
                let n = s.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                let room = MAX_ERROR.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
            }
        }
        kept
    };
    let work = async { tokio::join!(out, err, child.wait()) };
    let outcome = match tokio::time::timeout(COMMAND_TIMEOUT, work).await {
        Err(_) => Err(refused(
            &cmd,
            format!(
                "no answer within {} s; the script was killed",
                COMMAND_TIMEOUT.as_secs()
            ),
        )),
        Ok((Ok(out), _, _)) if out.len() > MAX_OUTPUT => Err(refused(
            &cmd,
            format!("the script printed more than {MAX_OUTPUT} bytes; it was killed"),
        )),
        Ok((Ok(out), _, Ok(s))) if s.success() => Ok(String::from_utf8_lossy(&out).into_owned()),
        Ok((Ok(_), err, Ok(s))) => {
            let err = String::from_utf8_lossy(&err);
            Err(refused(
                &cmd,
                format!(
                    "the script failed ({}){}",
                    describe(s),
                    if err.trim().is_empty() {
                        String::new()
                    } else {
                        format!(": {}", err.trim())
                    }
                ),
            ))
        }
        Ok((_, _, Err(e))) => Err(refused(&cmd, format!("waiting for the script: {e}"))),
        Ok((Err(e), _, _)) => Err(refused(&cmd, format!("reading the script's output: {e}"))),
    };
    // Whatever is left of its group goes (also after a timeout or too much output).
    signal_group(pid, Signal::SIGKILL);
    let _ = child.wait().await;
    drop(guard);
    render(&cmd, &outcome?, format)
}

fn describe(s: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt as _;
    match (s.code(), s.signal()) {
        (Some(c), _) => format!("exit code {c}"),
        (None, Some(sig)) => Signal::try_from(sig)
            .map(|s| format!("signal {}", s.as_str()))
            .unwrap_or_else(|_| format!("signal {sig}")),
        _ => "unknown status".into(),
    }
}

/// The script's output in `format` (see [`jet_device::output::render_app_output`]).
fn render(cmd: &AppCommand, out: &str, format: Format) -> Result<String, DeviceError> {
    jet_device::output::render_app_output(out, format)
        .map_err(|e| refused(cmd, format!("the script printed malformed XML: {e}")))
}

/// A script's process group registered as its app's while it runs.
struct Registered {
    live: LiveGroups,
    pid: u32,
}

impl Registered {
    fn new(live: LiveGroups, pid: u32, app: LiveApp) -> Registered {
        live.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(pid, app);
        Registered { live, pid }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.pid);
    }
}
