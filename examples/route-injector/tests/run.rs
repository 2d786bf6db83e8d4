//! The example against a real in-process device, run as its real binary: every run of
//! `route-injector` is a separate process, so a separate JET session, exactly as a user
//! would run it.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use jet_sdk::OutputFormat;
use jet_testkit::TestDevice;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Command;

/// An interface on 192.0.2.0/24, so programmed routes via 192.0.2.1 resolve and are
/// active (an unresolvable gateway leaves them hidden in `show route`).
const CONFIG: &str =
    "interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.254/24; } } } }";

/// How long one run of the binary may take before the test gives up on it.
const RUN_TIMEOUT: Duration = Duration::from_secs(30);

async fn device() -> TestDevice {
    TestDevice::with_config(CONFIG).await
}

/// The binary with the device's address and password and the given client id; every
/// other `JET_*` variable removed.
fn injector(dev: &TestDevice, client_id: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_route-injector"));
    for v in [
        "JET_ADDRESS",
        "JET_USER",
        "JET_PASSWORD",
        "JET_CA",
        "JET_SERVER_NAME",
        "JET_CLIENT_ID",
    ] {
        cmd.env_remove(v);
    }
    cmd.env("JET_ADDRESS", dev.grpc_addr().to_string())
        .env("JET_PASSWORD", &dev.admin_password)
        .env("JET_CLIENT_ID", client_id)
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// Runs the binary to completion.
async fn run(dev: &TestDevice, client_id: &str, args: &[&str]) -> Output {
    tokio::time::timeout(RUN_TIMEOUT, injector(dev, client_id, args).output())
        .await
        .expect("route-injector finishes in time")
        .expect("route-injector runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `show route ...` as text, through the SDK on a session of its own.
async fn show(dev: &TestDevice, command: &str) -> String {
    dev.admin("show-route")
        .await
        .op_command(command, OutputFormat::Text)
        .await
        .expect("show route runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_programs_static_routes_that_show_route_displays() {
    let dev = device().await;
    let out = run(
        &dev,
        "injector",
        &["add", "10.1.0.0/24", "10.1.1.0/24", "--via", "192.0.2.1"],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    assert_eq!(stdout(&out), "initialized: fresh\nadded 2 routes\n");

    let text = show(&dev, "show route 10.1.0.0/24 exact").await;
    assert!(text.contains("10.1.0.0/24        *[Static/5] "), "{text}");
    assert!(text.contains(">  to 192.0.2.1 via ge-0/0/0.0"), "{text}");
    assert!(
        !text.contains("10.1.1.0/24"),
        "exact shows one route: {text}"
    );
    let info = show(&dev, "show route client-info").await;
    let line = info
        .lines()
        .find(|l| l.starts_with("injector "))
        .unwrap_or_else(|| panic!("client listed: {info}"));
    assert!(line.contains(" 2 "), "owns 2 routes: {line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_lists_the_routes_from_the_prefix_down() {
    let dev = device().await;
    let out = run(
        &dev,
        "injector",
        &[
            "add",
            "10.1.0.0/24",
            "10.1.1.0/24",
            "10.9.0.0/16",
            "--via",
            "192.0.2.1",
            "--via",
            "192.0.2.2",
            "--preference",
            "7",
        ],
    )
    .await;
    assert!(out.status.success(), "{out:?}");

    // Another client id reads the same table: routes are visible to all, owned by one.
    let out = run(&dev, "reader", &["get", "10.1.0.0/16"]).await;
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        stdout(&out),
        "initialized: fresh\n\
         10.1.0.0/24 via 192.0.2.1,192.0.2.2 pref 7\n\
         10.1.1.0/24 via 192.0.2.1,192.0.2.2 pref 7\n"
    );

    // Without a prefix: the whole table, the interface's own routes included.
    let out = run(&dev, "reader", &["get"]).await;
    let all = stdout(&out);
    assert!(out.status.success(), "{out:?}");
    assert!(
        all.contains("10.9.0.0/16 via 192.0.2.1,192.0.2.2 pref 7\n"),
        "{all}"
    );
    assert!(
        all.contains("192.0.2.0/24 via ge-0/0/0.0 pref 0\n"),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_thousand_routes_go_in_batches_and_come_back_in_chunks() {
    let dev = device().await;
    let prefixes: Vec<String> = (0..1500)
        .map(|i| format!("10.{}.{}.0/24", i / 256, i % 256))
        .collect();
    let mut args = vec!["add", "--via", "192.0.2.1"];
    args.extend(prefixes.iter().map(String::as_str));
    let out = run(&dev, "bulk", &args).await;
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).ends_with("added 1500 routes\n"), "{out:?}");

    // 1500 routes need two RouteGet replies of at most 1000, then the empty one.
    let out = run(&dev, "reader", &["get", "10.0.0.0/8"]).await;
    assert!(out.status.success(), "{out:?}");
    let listed = stdout(&out)
        .lines()
        .filter(|l| l.ends_with(" via 192.0.2.1 pref 5"))
        .count();
    assert_eq!(listed, 1500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_the_table_then_the_changes_made_meanwhile() {
    let dev = device().await;
    let out = run(
        &dev,
        "injector",
        &["add", "10.1.0.0/24", "--via", "192.0.2.1"],
    )
    .await;
    assert!(out.status.success(), "{out:?}");

    // The watcher has a client id of its own (see the crate documentation).
    let mut watch = injector(&dev, "watcher", &["watch", "--count", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watch starts");
    let mut lines = BufReader::new(watch.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    // Only once the table has been sent do we change it, so the change cannot be part
    // of the dump.
    tokio::time::timeout(RUN_TIMEOUT, async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            let end = line == "END_OF_TABLE";
            seen.push(line);
            if end {
                return;
            }
        }
        panic!("watch ended before END_OF_TABLE: {seen:?}");
    })
    .await
    .expect("END_OF_TABLE in time");
    assert_eq!(seen[0], "initialized: fresh");
    assert!(
        seen.contains(&"ADD 10.1.0.0/24 via 192.0.2.1 pref 5".to_string()),
        "the table dump has the route: {seen:?}"
    );

    let out = run(
        &dev,
        "injector",
        &["add", "10.2.0.0/24", "--via", "192.0.2.1"],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    let out = run(&dev, "injector", &["delete", "10.1.0.0/24"]).await;
    assert!(out.status.success(), "{out:?}");

    let status = tokio::time::timeout(RUN_TIMEOUT, watch.wait())
        .await
        .expect("watch exits after 2 changes")
        .expect("wait");
    let mut rest = Vec::new();
    while let Some(line) = lines.next_line().await.expect("read stdout") {
        rest.push(line);
    }
    assert!(status.success(), "{status:?} {rest:?}");
    assert_eq!(
        rest,
        ["ADD 10.2.0.0/24 via 192.0.2.1 pref 5", "DELETE 10.1.0.0/24"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_run_within_the_purge_time_rebinds_the_routes() {
    let dev = device().await;
    let out = run(
        &dev,
        "rebinder",
        &[
            "add",
            "10.1.0.0/24",
            "10.2.0.0/24",
            "10.3.0.0/24",
            "--via",
            "192.0.2.1",
        ],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    // The process has exited: its session is over, the default purge time (120 s) runs.

    let out = run(&dev, "rebinder", &["get", "10.0.0.0/8"]).await;
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.starts_with("rebound 3 routes\n"), "{text}");
    assert_eq!(text.lines().count(), 4, "and lists them: {text}");

    // Rebound routes are the client's again: a third run can add to them and delete them.
    let out = run(
        &dev,
        "rebinder",
        &["add", "10.4.0.0/24", "--via", "192.0.2.1"],
    )
    .await;
    assert_eq!(
        stdout(&out),
        "rebound 3 routes\nadded 1 routes\n",
        "{out:?}"
    );
    let out = run(&dev, "rebinder", &["delete", "10.1.0.0/24"]).await;
    assert_eq!(
        stdout(&out),
        "rebound 4 routes\ndeleted 1 routes\n",
        "{out:?}"
    );
    let text = show(&dev, "show route 10.1.0.0/24 exact").await;
    assert!(!text.contains("10.1.0.0/24 "), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routes_are_purged_after_the_purge_time_once_the_process_exits() {
    let dev = device().await;
    let out = run(
        &dev,
        "shortlived",
        &[
            "add",
            "10.1.0.0/24",
            "--via",
            "192.0.2.1",
            "--purge-time",
            "1",
        ],
    )
    .await;
    let exited = Instant::now();
    assert_eq!(
        stdout(&out),
        "initialized: fresh\npurge time: 1 s\nadded 1 routes\n",
        "{out:?}"
    );

    // Real time, not tokio's paused clock: the app is a separate process talking over
    // real sockets, and a paused clock jumps ahead whenever this runtime is idle (as it
    // is while waiting for those sockets), so the device's timers would not mean
    // seconds any more. Hence the shortest purge time and polling every 100 ms for up
    // to 10 s.
    let deadline = exited + Duration::from_secs(10);
    let viewer = dev.admin("show-route").await; // one session for all the polls
    loop {
        let text = viewer
            .op_command("show route 10.1.0.0/24 exact", OutputFormat::Text)
            .await
            .expect("show route runs");
        if !text.contains("10.1.0.0/24 ") {
            break;
        }
        assert!(Instant::now() < deadline, "still there after 10 s: {text}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Gone by the purge timer, not by the disconnect itself: that takes about a second.
    assert!(
        exited.elapsed() >= Duration::from_millis(500),
        "gone after only {:?}",
        exited.elapsed()
    );

    // Too late to rebind: the client id starts afresh.
    let out = run(&dev, "shortlived", &["get", "10.0.0.0/8"]).await;
    assert_eq!(stdout(&out), "initialized: fresh\n", "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_with_host_bits_set_exits_1_with_the_devices_sub_code_and_adds_nothing() {
    let dev = device().await;
    let out = run(
        &dev,
        "injector",
        &["add", "10.1.0.1/24", "--via", "192.0.2.1"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // The sub-code is the device's answer (the app checks syntax only).
    let err = stderr(&out);
    assert!(
        err.contains("RouteAdd failed: PREFIX_LEN_TOO_SHORT: "),
        "{err}"
    );
    assert!(err.contains("(0 of 1 routes added)"), "{err}");
    assert!(!stdout(&out).contains("added"), "{out:?}");

    let text = show(&dev, "show route 10.1.0.0/24").await;
    assert!(!text.contains("Static"), "nothing added: {text}");
    let out = run(&dev, "reader", &["get", "10.0.0.0/8"]).await;
    assert_eq!(stdout(&out), "initialized: fresh\n", "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_stops_at_the_first_bad_route_keeping_those_before_it() {
    let dev = device().await;
    let out = run(
        &dev,
        "injector",
        &[
            "add",
            "10.5.0.0/24",
            "10.1.0.1/24",
            "10.6.0.0/24",
            "--via",
            "192.0.2.1",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr(&out).contains("(1 of 3 routes added)"), "{out:?}");
    let out = run(&dev, "reader", &["get", "10.0.0.0/8"]).await;
    assert_eq!(
        stdout(&out),
        "initialized: fresh\n10.5.0.0/24 via 192.0.2.1 pref 5\n",
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owning_client_id_can_delete_a_route() {
    let dev = device().await;
    let out = run(
        &dev,
        "owner",
        &["add", "10.1.0.0/24", "10.2.0.0/24", "--via", "192.0.2.1"],
    )
    .await;
    assert!(out.status.success(), "{out:?}");

    let out = run(&dev, "intruder", &["delete", "10.1.0.0/24"]).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stderr(&out).contains("RouteDelete failed: ROUTE_NOT_FOUND: "),
        "{out:?}"
    );
    assert!(show(&dev, "show route 10.1.0.0/24 exact")
        .await
        .contains("*[Static/5]"));

    let out = run(&dev, "owner", &["delete", "10.1.0.0/24"]).await;
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).ends_with("deleted 1 routes\n"), "{out:?}");
    let text = show(&dev, "show route").await;
    assert!(!text.contains("10.1.0.0/24 "), "{text}");
    assert!(text.contains("10.2.0.0/24 "), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cleanup_removes_every_route_of_the_client_id_at_once() {
    let dev = device().await;
    let out = run(
        &dev,
        "leaver",
        &["add", "10.1.0.0/24", "10.2.0.0/24", "--via", "192.0.2.1"],
    )
    .await;
    assert!(out.status.success(), "{out:?}");
    let out = run(&dev, "other", &["add", "10.3.0.0/24", "--via", "192.0.2.1"]).await;
    assert!(out.status.success(), "{out:?}");

    let out = run(&dev, "leaver", &["cleanup"]).await;
    assert_eq!(
        stdout(&out),
        "rebound 2 routes\nremoved every route of client 'leaver'\n",
        "{out:?}"
    );
    let out = run(&dev, "reader", &["get", "10.0.0.0/8"]).await;
    assert_eq!(
        stdout(&out),
        "initialized: fresh\n10.3.0.0/24 via 192.0.2.1 pref 5\n",
        "other clients keep theirs: {out:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_range_purge_time_is_refused_before_any_route_is_added() {
    let dev = device().await;
    let out = run(
        &dev,
        "injector",
        &[
            "add",
            "10.1.0.0/24",
            "--via",
            "192.0.2.1",
            "--purge-time",
            "0",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stderr(&out).contains("RoutePurgeTimerAdd failed: INVALID_PARAMS: "),
        "{out:?}"
    );
    assert!(!show(&dev, "show route").await.contains("Static"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_password_exits_1_naming_the_variable() {
    let dev = device().await;
    let mut cmd = injector(&dev, "injector", &["get"]);
    cmd.env_remove("JET_PASSWORD");
    let out = tokio::time::timeout(RUN_TIMEOUT, cmd.output())
        .await
        .expect("in time")
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(stderr(&out).contains("JET_PASSWORD"), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_prefix_is_a_usage_error_naming_it() {
    let dev = device().await;
    let out = run(&dev, "injector", &["add", "10.1.0.0", "--via", "192.0.2.1"]).await;
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("'10.1.0.0'"), "{out:?}");
    assert!(out.stdout.is_empty(), "nothing sent: {out:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_without_a_count_runs_until_interrupted_and_then_exits_0() {
    let dev = device().await;
    let mut watch = injector(&dev, "watcher", &["watch"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("watch starts");
    let mut lines = BufReader::new(watch.stdout.take().expect("stdout")).lines();
    tokio::time::timeout(RUN_TIMEOUT, async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if line == "END_OF_TABLE" {
                return;
            }
        }
        panic!("watch ended before END_OF_TABLE");
    })
    .await
    .expect("END_OF_TABLE in time");

    // Ctrl-C, as a terminal would send it.
    let pid = watch.id().expect("still running").to_string();
    let kill = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .await
        .expect("kill runs");
    assert!(kill.success());
    let status = tokio::time::timeout(RUN_TIMEOUT, watch.wait())
        .await
        .expect("watch exits on SIGINT")
        .expect("wait");
    assert_eq!(status.code(), Some(0), "{status:?}");
}
