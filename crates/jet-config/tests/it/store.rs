use chrono::{TimeZone as _, Utc};
use jet_config::{CommitMeta, Config, Store, StoreError, MAX_ROLLBACK};

fn meta(n: u32) -> CommitMeta {
    CommitMeta {
        user: format!("user{n}"),
        client: if n % 2 == 0 {
            "cli".into()
        } else {
            "grpc".into()
        },
        time: Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("time")
            + chrono::Duration::seconds(i64::from(n)),
        comment: (n % 3 == 0).then(|| format!("change {n}")),
    }
}

fn cfg(n: u32) -> Config {
    Config::parse_set(&format!("set system host-name r{n}")).expect("parses")
}

#[test]
fn empty_store_has_no_committed_config_and_no_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("config")).expect("opens");
    assert!(store.committed().expect("reads").is_none());
    assert!(store.history().expect("reads").is_empty());
    assert!(matches!(
        store.rollback(0),
        Err(StoreError::NoSuchRollback(0))
    ));
}

#[test]
fn commit_then_committed_returns_config_and_meta() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path()).expect("opens");
    store.commit(&cfg(1), &meta(3)).expect("commits");
    let (c, m) = store.committed().expect("reads").expect("present");
    assert_eq!(c, cfg(1));
    assert_eq!(m, meta(3));
    let text = std::fs::read_to_string(dir.path().join("juniper.conf")).expect("file");
    assert!(text.starts_with("## Last commit: 2026-01-01 00:00:03 UTC by user3 via grpc\n## Comment: change 3\nsystem {\n"), "{text}");
}

#[test]
fn commits_rotate_into_at_most_fifty_files_newest_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path()).expect("opens");
    for n in 0..55 {
        store.commit(&cfg(n), &meta(n)).expect("commits");
    }
    let files = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(files, MAX_ROLLBACK + 1);
    assert!(dir.path().join("juniper.conf.49").exists());
    assert!(!dir.path().join("juniper.conf.50").exists());
    for k in [0usize, 1, 10, 49] {
        assert_eq!(
            store.rollback(k).expect("rollback"),
            cfg(54 - k as u32),
            "rollback {k}"
        );
    }
    let history = store.history().expect("history");
    assert_eq!(history.len(), 50);
    assert_eq!(history[0], meta(54));
    assert_eq!(history[49], meta(5));
    assert!(history.windows(2).all(|w| w[0].time > w[1].time));
}

#[test]
fn rollback_beyond_49_is_out_of_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    assert!(matches!(
        store.rollback(50),
        Err(StoreError::RollbackOutOfRange(50))
    ));
}

#[test]
fn open_removes_a_leftover_temp_file_and_keeps_the_commit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path()).expect("opens");
    store.commit(&cfg(1), &meta(1)).expect("commits");
    drop(store);
    std::fs::write(
        dir.path().join("juniper.conf.tmp"),
        "system { host-name half",
    )
    .expect("write");
    let store = Store::open(dir.path()).expect("opens");
    assert!(!dir.path().join("juniper.conf.tmp").exists());
    assert_eq!(
        store.committed().expect("reads").expect("present").0,
        cfg(1)
    );
}

#[test]
fn open_repairs_rollbacks_after_a_commit_cut_short_before_the_final_rename() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path()).expect("opens");
    for n in 0..4 {
        store.commit(&cfg(n), &meta(n)).expect("commits");
    }
    let before = store.history().expect("history");
    drop(store);
    // Replay steps 1-3 of a commit by hand: temp written, rollbacks shifted, current linked as .1.
    let p = |n: usize| {
        dir.path().join(if n == 0 {
            "juniper.conf".to_owned()
        } else {
            format!("juniper.conf.{n}")
        })
    };
    std::fs::write(
        dir.path().join("juniper.conf.tmp"),
        "system { host-name new; }",
    )
    .expect("tmp");
    for n in (1..4).rev() {
        std::fs::rename(p(n), p(n + 1)).expect("shift");
    }
    std::fs::hard_link(p(0), p(1)).expect("link");

    let store = Store::open(dir.path()).expect("opens");
    assert_eq!(store.history().expect("history"), before);
    assert_eq!(
        store.committed().expect("reads").expect("present").0,
        cfg(3)
    );
    assert_eq!(store.rollback(3).expect("rollback"), cfg(0));

    // Cut short in the middle of the shift: a gap at .2.
    drop(store);
    std::fs::write(dir.path().join("juniper.conf.tmp"), "x").expect("tmp");
    std::fs::rename(p(3), p(4)).expect("shift");
    std::fs::rename(p(2), p(3)).expect("shift");
    let store = Store::open(dir.path()).expect("opens");
    assert_eq!(store.history().expect("history"), before);
}

#[test]
fn hand_written_config_without_header_reads_with_fallback_meta() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("juniper.conf"),
        "system { host-name hand; }\n",
    )
    .expect("write");
    let store = Store::open(dir.path()).expect("opens");
    let (c, m) = store.committed().expect("reads").expect("present");
    assert_eq!(c.host_name(), Some("hand"));
    assert_eq!(m.user, "root");
    assert_eq!(m.client, "other");
}

#[test]
fn corrupt_stored_config_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("juniper.conf"), "system { bogus; }\n").expect("write");
    let store = Store::open(dir.path()).expect("opens");
    let e = store.committed().expect_err("corrupt");
    assert!(e.to_string().contains("unknown statement 'bogus'"), "{e}");
}

#[cfg(unix)]
#[test]
fn committed_files_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.commit(&cfg(1), &meta(1)).unwrap();
    store.commit(&cfg(2), &meta(2)).unwrap();
    for n in 0..2 {
        let mode = std::fs::metadata(store.path(n))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "rollback {n} is readable by others: {mode:o}"
        );
    }
}

#[test]
fn a_staged_configuration_changes_nothing_until_committed_and_discard_removes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path()).expect("opens");
    store.commit(&cfg(1), &meta(1)).expect("commits");
    // Staged from a clone of the store (as the device does on another thread).
    let staged = store.clone().stage(&cfg(2), &meta(2)).expect("stages");
    assert!(dir.path().join("juniper.conf.tmp").exists());
    assert_eq!(
        store.committed().expect("reads").expect("present").0,
        cfg(1)
    );
    assert_eq!(store.history().expect("reads").len(), 1);
    store.discard(staged).expect("discards");
    assert!(!dir.path().join("juniper.conf.tmp").exists());
    assert_eq!(
        store.committed().expect("reads").expect("present").0,
        cfg(1)
    );

    let staged = store.stage(&cfg(3), &meta(3)).expect("stages");
    store.commit_staged(staged).expect("commits");
    assert!(!dir.path().join("juniper.conf.tmp").exists());
    assert_eq!(
        store.committed().expect("reads").expect("present").0,
        cfg(3)
    );
    assert_eq!(store.rollback(1).expect("rollback 1"), cfg(1));
    assert_eq!(store.history().expect("reads"), vec![meta(3), meta(1)]);
}

#[test]
fn a_staged_file_left_by_a_crash_is_removed_at_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(dir.path()).expect("opens");
    store.commit(&cfg(1), &meta(1)).expect("commits");
    let staged = store.stage(&cfg(2), &meta(2)).expect("stages");
    drop(staged); // the process dies here
    let reopened = Store::open(dir.path()).expect("reopens");
    assert!(!dir.path().join("juniper.conf.tmp").exists());
    assert_eq!(
        reopened.committed().expect("reads").expect("present").0,
        cfg(1)
    );
    assert_eq!(reopened.history().expect("reads"), vec![meta(1)]);
}
