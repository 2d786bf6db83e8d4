use super::*;

fn checked(cli: &str) -> spec::Checked {
    spec::Checked {
        words: cli.split_whitespace().map(str::to_owned).collect(),
        help: "help".into(),
        options: Vec::new(),
    }
}

async fn settle(h: &LiveCommandsHandle, n: usize) {
    for _ in 0..100 {
        if h.set.borrow().len() == n {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the published set never had {n} commands");
}

#[tokio::test]
async fn commands_live_as_long_as_their_lease() {
    let h = LiveCommandsHandle::start();
    let lease = h
        .register("a".into(), vec![checked("show acme peers")], DEFAULT_T)
        .await
        .expect("registered");
    assert_eq!(lease.commands, vec!["show acme peers"]);
    assert_eq!(h.current().len(), 1);
    assert_eq!(h.current()[0].app, "a");
    let e = h
        .register("b".into(), vec![checked("show acme peers")], DEFAULT_T)
        .await
        .expect_err("taken");
    assert!(
        e.to_string().contains("registered by the live app a"),
        "{e}"
    );
    drop(lease);
    // Gone for readers at once, and from the published set soon after.
    assert!(h.current().is_empty());
    settle(&h, 0).await;
    h.register("b".into(), vec![checked("show acme peers")], DEFAULT_T)
        .await
        .expect("free again");
}

const DEFAULT_T: Duration = Duration::from_secs(30);

#[tokio::test(start_paused = true)]
async fn an_unanswered_invocation_times_out_naming_the_app() {
    let h = LiveCommandsHandle::start();
    let mut lease = h
        .register(
            "slow".into(),
            vec![checked("show slow x")],
            Duration::from_secs(5),
        )
        .await
        .expect("registered");
    let cmd = h.current().remove(0);
    let run = tokio::spawn(async move { invoke(&cmd, Vec::new(), Format::Text).await });
    let inv = lease.invocations.recv().await.expect("invocation");
    assert_eq!(inv.command, "show slow x");
    let e = run.await.expect("joins").expect_err("times out");
    assert_eq!(
        e.to_string(),
        "error: command 'show slow x' of live app slow: no answer within 5 s"
    );
    drop(inv);
}

#[tokio::test]
async fn replies_render_and_outstanding_invocations_are_bounded() {
    let h = LiveCommandsHandle::start();
    let mut lease = h
        .register("a".into(), vec![checked("show a b")], DEFAULT_T)
        .await
        .expect("registered");
    let cmd = h.current().remove(0);
    let c = cmd.clone();
    let run = tokio::spawn(async move { invoke(&c, Vec::new(), Format::Json).await });
    let inv = lease.invocations.recv().await.expect("invocation");
    assert_eq!(inv.format, Format::Json);
    let _ = inv
        .reply
        .send(InvocationReply::Output("<x><y>1</y></x>".into()));
    let out = run.await.expect("joins").expect("output");
    assert!(out.contains("\"y\""), "{out}");

    // Hold every permit: the next one is refused at once.
    let mut held = Vec::new();
    for _ in 0..MAX_OUTSTANDING {
        let c = cmd.clone();
        held.push(tokio::spawn(async move {
            invoke(&c, Vec::new(), Format::Text).await
        }));
    }
    let mut pending = Vec::new();
    for _ in 0..MAX_OUTSTANDING {
        pending.push(lease.invocations.recv().await.expect("invocation"));
    }
    let e = invoke(&cmd, Vec::new(), Format::Text)
        .await
        .expect_err("bounded");
    assert!(
        e.to_string().contains("waiting for its answer already"),
        "{e}"
    );
    for p in pending {
        let _ = p.reply.send(InvocationReply::Error("nope".into()));
    }
    for h in held {
        let e = h.await.expect("joins").expect_err("app's error");
        assert!(e.to_string().ends_with("failed: nope"), "{e}");
    }
}
