//! Operational commands from YANG modules (`request system yang add package P module M
//! action-script S`), through the real gRPC op-command API (`OpCommandGet` via the
//! Rust SDK) on a real device with appd and real action scripts (Python and sh): text,
//! XML and JSON with options from input leaves, the RPC called by its name in XML, `show system yang package`, refusals
//! (a YANG syntax error names file and line; a duplicate command names its owner),
//! `request system yang delete`, and packages kept across a device restart.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use jet_apps::{AppService, AppServiceOptions};
use jet_device::op::OpInput;
use jet_device::{Device, DeviceOptions, Format};
use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;

const MODULE: &str = r#"
module my-app {
  namespace "http://example.com/yang/" + "my-app";
  prefix ma;
  import junos-extension { prefix junos; }
  // Text from a Python script.
  rpc get-my-app-status {
    description "Show my-app status";
    junos:command "show my-app status" {
      junos:action-execute { junos:script "status.py"; }
    }
    input {
      leaf detail { type empty; description "Display detailed output"; }
      container filter {
        leaf name { type string; description "Name of one peer"; }
      }
    }
  }
  /* XML from a shell script. */
  rpc get-my-app-peer {
    junos:command "show my-app peer" {
      junos:action-execute { junos:script "peer.sh"; }
    }
    input { leaf name { type string; } }
  }
}
"#;

/// Prints the arguments it got (argparse, as a Junos Python action script does).
const STATUS_PY: &str = r#"import argparse, os
p = argparse.ArgumentParser()
p.add_argument("--rpc_name", required=True)
p.add_argument("--detail", action="store_true")
p.add_argument("--name")
a = p.parse_args()
print("my-app status: running")
print("rpc: %s detail: %s name: %s" % (a.rpc_name, a.detail, a.name))
print("app: %s command: %s" % (os.environ.get("JET_APP_NAME"), os.environ.get("JET_COMMAND")))
"#;

const PEER_SH: &str = "#!/bin/sh\n# --rpc_name RPC --name NAME\necho \"<my-app-peer><name>$4</name><state>up</state></my-app-peer>\"\n";

fn write(dir: &Path, name: &str, body: &str, exec: bool) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    let mode = if exec { 0o755 } else { 0o644 };
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    p.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yang_commands_run_through_op_command_get_in_three_formats_and_go_with_their_package() {
    let src = tempfile::tempdir().unwrap();
    let module = write(src.path(), "my-app.yang", MODULE, false);
    // Not executable: run with python, chosen by its extension.
    let status = write(src.path(), "status.py", STATUS_PY, false);
    let peer = write(src.path(), "peer.sh", PEER_SH, true);

    let td = TestDevice::start().await;
    let _apps = AppService::start(td.device().clone(), AppServiceOptions::default())
        .await
        .unwrap();
    let c = td.admin("yang").await;

    let unknown = c
        .op_command("show my-app status", OutputFormat::Text)
        .await
        .expect_err("not a command yet")
        .to_string();

    let out = c
        .op_command(
            &format!(
                "request system yang add package my-pkg module {module} action-script [ {status} {peer} ]"
            ),
            OutputFormat::Text,
        )
        .await
        .unwrap();
    assert!(out.contains("Command added: show my-app status"), "{out}");
    assert!(out.contains("YANG package my-pkg added"), "{out}");

    // Listed, with the RPC's description as help (jcli's `?` and TAB read this list).
    let list = c
        .op_command("show extension-service commands", OutputFormat::Text)
        .await
        .unwrap();
    assert!(list.contains("show my-app status"), "{list}");
    assert!(list.contains("Show my-app status"), "{list}");
    let show = c
        .op_command("show system yang package", OutputFormat::Text)
        .await
        .unwrap();
    assert!(show.contains("Package ID            :my-pkg"), "{show}");
    assert!(show.contains("my-app.yang"), "{show}");
    assert!(show.contains("peer.sh status.py"), "{show}");
    let show = c
        .op_command("show system yang package my-pkg", OutputFormat::Json)
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&show).unwrap();
    let p = &v["yang-package-information"][0]["package"][0];
    assert_eq!(p["package-id"][0]["data"], "my-pkg", "{show}");
    assert_eq!(
        p["yang-module"][0]["module-name"][0]["data"], "my-app",
        "{show}"
    );

    // Text, abbreviated, options from the input leaves as --LEAF VALUE.
    let out = c
        .op_command("sh my-app stat det name foo", OutputFormat::Text)
        .await
        .unwrap();
    assert!(out.contains("my-app status: running"), "{out}");
    assert!(
        out.contains("rpc: get-my-app-status detail: True name: foo"),
        "{out}"
    );
    assert!(
        out.contains("app: my-pkg command: show my-app status"),
        "{out}"
    );
    // Text as XML and JSON: in <output>.
    let out = c
        .op_command("show my-app status", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(out.contains("<output>"), "{out}");
    assert!(out.contains("detail: False name: None"), "{out}");
    // XML from the script, as XML and JSON.
    let out = c
        .op_command("show my-app peer name p1", OutputFormat::Xml)
        .await
        .unwrap();
    assert!(out.contains("<name>p1</name>"), "{out}");
    let out = c
        .op_command("show my-app peer name p1", OutputFormat::Json)
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["my-app-peer"][0]["name"][0]["data"], "p1", "{out}");
    // The RPC by its name in XML (as over NETCONF): the elements are the options.
    let out = c
        .op_xml_rpc(
            "<rpc><get-my-app-status><name>bar</name><detail/></get-my-app-status></rpc>",
            OutputFormat::Text,
        )
        .await
        .unwrap();
    assert!(
        out.contains("rpc: get-my-app-status detail: True name: bar"),
        "{out}"
    );
    // An option the RPC does not have.
    let e = c
        .op_command("show my-app status bogus", OutputFormat::Text)
        .await
        .expect_err("unknown option")
        .to_string();
    assert!(e.contains("'bogus' is not valid"), "{e}");
    assert!(e.contains("detail, name"), "{e}");

    // The same command again, from another package: refused, naming it and its owner.
    let again = write(
        src.path(),
        "again.yang",
        &MODULE.replace("module my-app", "module again"),
        false,
    );
    let e = c
        .op_command(
            &format!(
                "request system yang add package other module {again} action-script {status} {peer}"
            ),
            OutputFormat::Text,
        )
        .await
        .expect_err("duplicate")
        .to_string();
    assert!(e.contains("'show my-app status'"), "{e}");
    assert!(e.contains("already defined by package my-pkg"), "{e}");
    // A command of the device itself.
    let dup = write(
        src.path(),
        "dup.yang",
        "module dup { namespace urn:dup; prefix d;\n rpc v { junos:command \"show version\" { junos:action-execute { junos:script peer.sh; } } } }",
        false,
    );
    let e = c
        .op_command(
            &format!("request system yang add package dup module {dup} action-script {peer}"),
            OutputFormat::Text,
        )
        .await
        .expect_err("device command")
        .to_string();
    assert!(
        e.contains("'show version' is already a command of the device"),
        "{e}"
    );
    // A YANG syntax error: the file and the line.
    let bad = write(
        src.path(),
        "bad.yang",
        "module bad {\n  namespace urn:bad;\n  prefix b\n  rpc r;\n}\n",
        false,
    );
    let e = c
        .op_command(
            &format!("request system yang add package bad module {bad} action-script {peer}"),
            OutputFormat::Text,
        )
        .await
        .expect_err("syntax error")
        .to_string();
    assert!(e.contains(&format!("{bad}:4:")), "{e}");
    assert!(e.contains("expected ';'"), "{e}");
    let show = c
        .op_command("show system yang package", OutputFormat::Text)
        .await
        .unwrap();
    assert!(!show.contains("Package ID            :bad"), "{show}");

    // Deleted: the command is unknown again, as before.
    let out = c
        .op_command("request system yang delete my-pkg", OutputFormat::Text)
        .await
        .unwrap();
    assert!(out.contains("Command removed: show my-app status"), "{out}");
    let e = c
        .op_command("show my-app status", OutputFormat::Text)
        .await
        .expect_err("gone")
        .to_string();
    assert_eq!(e, unknown);
    let e = c
        .op_command("request system yang delete my-pkg", OutputFormat::Text)
        .await
        .expect_err("not installed")
        .to_string();
    assert!(e.contains("YANG package my-pkg is not installed"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yang_packages_survive_a_device_restart() {
    let data = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let module = write(src.path(), "my-app.yang", MODULE, false);
    let status = write(src.path(), "status.py", STATUS_PY, false);
    let peer = write(src.path(), "peer.sh", PEER_SH, true);
    let opts = DeviceOptions {
        data_dir: data.path().to_path_buf(),
        initial_config: None,
    };
    let (dev, _) = Device::start(opts.clone()).await.unwrap();
    let line = format!(
        "request system yang add package my-pkg module [{module}] action-script [{status} {peer}]"
    );
    dev.op_command(OpInput::Cli(&line), Format::Text)
        .await
        .unwrap();
    drop(dev);
    // The originals may go: the package keeps copies.
    drop(src);

    let (dev, _) = Device::start(opts).await.unwrap();
    let show = dev
        .op_command(OpInput::Cli("show system yang package"), Format::Xml)
        .await
        .unwrap();
    assert!(show.contains("<package-id>my-pkg</package-id>"), "{show}");
    assert!(
        show.contains("<command>show my-app peer</command>"),
        "{show}"
    );
    let list = dev
        .op_command(
            OpInput::Cli("show extension-service commands"),
            Format::Text,
        )
        .await
        .unwrap();
    assert!(list.contains("show my-app status"), "{list}");
    assert!(data.path().join("yang/my-pkg/scripts/peer.sh").is_file());
}
