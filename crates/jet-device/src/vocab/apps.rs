//! The on-box application service as the operational commands see it: `show
//! extension-service application`, `request extension-service start|stop|restart`, and
//! the operational commands apps add.
//!
//! The service lives outside the device crate (`jet-apps`, wired by `jetd`); it owns the
//! app processes and renders its own status, and registers itself with
//! [`crate::Device::set_app_control`].

use super::BoxFuture;
use crate::error::DeviceError;
use crate::output::Format;

/// What `show extension-service application [NAME] [detail]` asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppQuery {
    /// One application, or all of them.
    pub name: Option<String>,
    /// `detail`: limits, log file, last exit reason.
    pub detail: bool,
}

/// Which application a local process belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppIdentity {
    /// The application (its configured file name).
    pub name: String,
    /// The Junos user it acts as.
    pub user: String,
}

/// The application service.
pub trait AppControl: Send + Sync {
    /// The application process `pid` belongs to (it or one of its descendants in the
    /// application's process group), if any.
    fn identify(&self, pid: u32) -> Option<AppIdentity>;
    /// The running application whose `username` is `user` and whose secret token (in
    /// its environment as `JET_APP_TOKEN`) is `token`: an app's password for `Login` over
    /// TCP and for the MQTT broker. Tokens die with the app's process.
    fn token_owner(&self, user: &str, token: &str) -> Option<AppIdentity>;

    /// Renders the application table.
    fn show(
        &self,
        query: AppQuery,
        format: Format,
    ) -> BoxFuture<'static, Result<String, DeviceError>>;
    /// `request extension-service start NAME [ARGUMENTS]`: the message to print.
    fn start(
        &self,
        name: String,
        arguments: Option<String>,
    ) -> BoxFuture<'static, Result<String, DeviceError>>;
    /// `request extension-service stop NAME`: the message to print.
    fn stop(&self, name: String) -> BoxFuture<'static, Result<String, DeviceError>>;

    /// Runs the app-added command `cmd` with the words typed after it as its arguments;
    /// its output rendered in `format` (text as the script prints it; XML/JSON from the
    /// XML the script prints, or its text wrapped in `<output>`).
    fn run_command(
        &self,
        cmd: AppCommand,
        args: Vec<String>,
        format: Format,
    ) -> BoxFuture<'static, Result<String, DeviceError>> {
        let _ = (args, format);
        Box::pin(async move {
            Err(DeviceError::AppRefused {
                reason: format!(
                    "command '{}' of app {}: this application service cannot run commands",
                    cmd.line(),
                    cmd.app
                ),
            })
        })
    }
}

/// An operational command an app adds (a package manifest's `commands`): its CLI
/// words and the script that answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppCommand {
    /// The full CLI words (`show hello status`).
    pub words: Vec<String>,
    /// Help shown by `?`.
    pub help: String,
    /// The app (package) that adds it.
    pub app: String,
    /// The app's version.
    pub version: String,
    /// The script run for it (a file of the app's installed package).
    pub script: std::path::PathBuf,
    /// The app's interpreter, used when the script is not executable.
    pub interpreter: Option<String>,
    /// The app's directory (the script's working directory).
    pub dir: std::path::PathBuf,
    /// For a command from a YANG module (`request system yang add`): its RPC and
    /// options; the words typed after the command are then turned into `--rpc_name
    /// RPC --OPTION VALUE ...`. `None` for a manifest command (words passed as typed).
    pub yang: Option<YangOptions>,
    /// For a live command (registered by a connected app, `crate::live_commands`): its
    /// options and the way to its app. `None` for the commands of packages.
    pub live: Option<LiveCommand>,
}

/// The RPC of a command from a YANG module and its input leaves (the options).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YangOptions {
    /// The RPC's name.
    pub rpc: String,
    /// Its options: name, whether it is a flag (type `empty`), help.
    pub options: Vec<CommandOption>,
}

/// An option of a YANG command (an input leaf of its RPC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOption {
    /// The leaf's name: the option's word.
    pub name: String,
    /// True for a leaf of type `empty`: no value follows the word.
    pub flag: bool,
    /// Its description.
    pub help: String,
    /// The command is refused without it (a live command's mandatory argument; YANG
    /// options are never mandatory here).
    pub mandatory: bool,
}

/// A command a connected app registered and answers itself (`crate::live_commands`).
/// Compared by registration: two clones of one registration's command are equal.
#[derive(Debug, Clone)]
pub struct LiveCommand {
    /// The registration (unique while the device lives).
    pub registration: u64,
    /// Its options.
    pub options: Vec<CommandOption>,
    /// Where its invocations go: the app's stream. Closed once the app is gone.
    pub invocations: tokio::sync::mpsc::Sender<Invocation>,
    /// Invocations not answered yet, bounded per registration.
    pub outstanding: std::sync::Arc<tokio::sync::Semaphore>,
    /// How long an invocation waits for the app's answer.
    pub timeout: std::time::Duration,
}

impl PartialEq for LiveCommand {
    fn eq(&self, other: &Self) -> bool {
        self.registration == other.registration
    }
}

impl Eq for LiveCommand {}

/// One run of a live command, sent to its app.
#[derive(Debug)]
pub struct Invocation {
    /// The command's words as registered.
    pub command: String,
    /// The options given: name and value (`None` for a flag), in the order typed.
    pub arguments: Vec<(String, Option<String>)>,
    /// The format asked for.
    pub format: crate::output::Format,
    /// Where the app's answer goes; dropped unanswered when the caller gave up.
    pub reply: tokio::sync::oneshot::Sender<InvocationReply>,
}

/// The app's answer to an [`Invocation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationReply {
    /// The command's output (text, or XML for the XML and JSON formats).
    Output(String),
    /// The command failed with this message.
    Error(String),
}

impl AppCommand {
    /// The CLI words as one line.
    pub fn line(&self) -> String {
        self.words.join(" ")
    }

    /// Its options (a YANG command's input leaves, a live command's arguments).
    pub fn options(&self) -> &[CommandOption] {
        match (&self.yang, &self.live) {
            (Some(y), _) => &y.options,
            (None, Some(l)) => &l.options,
            (None, None) => &[],
        }
    }

    /// Where it comes from: `package` (a manifest), `yang` or `live` (a connected app).
    pub fn source(&self) -> &'static str {
        match (&self.yang, &self.live) {
            (Some(_), _) => "yang",
            (None, Some(_)) => "live",
            (None, None) => "package",
        }
    }
}
