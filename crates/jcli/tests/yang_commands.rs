//! A command from a YANG module (`request system yang add`) in the real jcli on a
//! pseudo-terminal. Its own test binary: run next to `app_commands.rs`'s test, the
//! load made that test's `Ctrl-U exit` race the line editor.

use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

use jet_apps::{AppService, AppServiceOptions};
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

const PROMPT: &str = "admin@testdev> ";

/// A command from a YANG module (`request system yang add`): `?` after it lists its
/// options (the rpc's input leaves) with their help, and Enter runs the action script
/// with them as `--LEAF VALUE`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yang_command_options_are_offered_by_help_and_passed_to_the_script() {
    let src = tempfile::tempdir().expect("tempdir");
    let module = src.path().join("gadget.yang");
    std::fs::write(
        &module,
        "module gadget { namespace urn:gadget; prefix g;\n\
         rpc get-gadget { description \"Show the gadget\";\n\
         junos:command \"show gadget\" { junos:action-execute { junos:script gadget.sh; } }\n\
         input { leaf color { type string; description \"Only this color\"; }\n\
         leaf verbose { type empty; description \"Say more\"; } } } }\n",
    )
    .expect("write");
    let script = src.path().join("gadget.sh");
    std::fs::write(&script, "#!/bin/sh\necho \"gadget args: $*\"\n").expect("write");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let dev = TestDevice::start().await;
    let _apps = AppService::start(dev.device().clone(), AppServiceOptions::default())
        .await
        .expect("appd");
    dev.admin("installer")
        .await
        .op_command(
            &format!(
                "request system yang add package gadget module {} action-script {}",
                module.display(),
                script.display()
            ),
            OutputFormat::Text,
        )
        .await
        .expect("adds");

    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jcli"));
    cmd.args(["--host", &dev.grpc_addr().to_string()])
        .env_remove("JCLI_USER")
        .env("HOME", home.path())
        .env("JCLI_PASSWORD", &dev.admin_password)
        .env("TERM", "xterm");
    tokio::task::spawn_blocking(move || {
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).expect("pty");
        p.exp_string(PROMPT).expect("prompt");
        p.send("show gadget ?").expect("type");
        p.flush().expect("flush");
        p.exp_string("Possible completions:").expect("help");
        p.exp_string("Only this color").expect("the option's help");
        p.exp_string("Say more").expect("the flag's help");
        p.exp_string(&format!("{PROMPT}show gadget "))
            .expect("line again");
        p.send("color blue verbose\r").expect("type");
        p.flush().expect("flush");
        p.exp_string("gadget args: --rpc_name get-gadget --color blue --verbose")
            .expect("the script's output");
        p.exp_string(PROMPT).expect("prompt");
        p.send("exit\r").expect("type");
        p.flush().expect("flush");
        p.exp_eof().expect("exit");
    })
    .await
    .expect("pty session");
}
