//! The durable configuration store: `juniper.conf` (committed) and `juniper.conf.1` …
//! `juniper.conf.49` (rollbacks, newest first) in one directory. Blocking `std::fs`
//! only; the device calls it from a blocking task.
//!
//! Each file is the configuration text preceded by its commit metadata as `##` lines,
//! which the parser skips, so rotating is a plain rename and needs no side files:
//!
//! ```text
//! ## Last commit: 2026-11-24 03:30:00 UTC by admin via grpc
//! ## Comment: enable TLS
//! system { ... }
//! ```
//!
//! Commit protocol (a crash at any instant leaves `juniper.conf` equal to the old or
//! the new commit):
//! 1. write `juniper.conf.tmp`, fsync it;
//! 2. shift rollbacks up (`.48 → .49`, …, `.1 → .2`; the old `.49` is dropped);
//! 3. hard-link `juniper.conf` as `.1` (it stays in place);
//! 4. rename `juniper.conf.tmp` over `juniper.conf` (atomic), fsync the directory.
//!
//! [`Store::open`] finding a `.tmp` knows a commit was cut short before step 4: it
//! removes the temp file, drops a `.1` that is still the same file as `juniper.conf`
//! (step 3 done) and closes the gap step 2 may have left, so the rollbacks read as
//! before the interrupted commit (minus the oldest one if step 2 had dropped it).

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::config::Config;
use crate::error::StoreError;
use crate::limits::MAX_ROLLBACK;

const CURRENT: &str = "juniper.conf";
const TEMP: &str = "juniper.conf.tmp";
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A configuration written by [`Store::stage`] and not yet committed or discarded.
#[derive(Debug)]
#[must_use = "a staged configuration is committed with Store::commit_staged or dropped with Store::discard"]
pub struct Staged {
    _private: (),
}

/// Who committed, when, how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitMeta {
    /// User name.
    pub user: String,
    /// Interface used: `cli`, `grpc`, `other`.
    pub client: String,
    /// When (stored with one-second precision).
    pub time: DateTime<Utc>,
    /// The user's commit comment (`commit comment "..."`).
    pub comment: Option<String>,
}

impl CommitMeta {
    /// The `##` header lines stored before the configuration text.
    pub fn header(&self) -> String {
        let mut s = format!(
            "## Last commit: {} UTC by {} via {}\n",
            self.time.format(TIME_FORMAT),
            one_line(&self.user),
            one_line(&self.client)
        );
        if let Some(c) = &self.comment {
            s.push_str(&format!("## Comment: {}\n", escape(c)));
        }
        s
    }

    /// Reads the header written by [`CommitMeta::header`] from the start of `text`.
    pub fn parse_header(text: &str) -> Option<CommitMeta> {
        let mut lines = text.lines();
        let first = lines.next()?.strip_prefix("## Last commit: ")?;
        let time_str = first.get(..19)?;
        let rest = first.get(19..)?.strip_prefix(" UTC by ")?;
        let (user, client) = rest.rsplit_once(" via ")?;
        let time = NaiveDateTime::parse_from_str(time_str, TIME_FORMAT)
            .ok()?
            .and_utc();
        let comment = lines
            .next()
            .and_then(|l| l.strip_prefix("## Comment: "))
            .map(unescape);
        Some(CommitMeta {
            user: user.to_owned(),
            client: client.to_owned(),
            time,
            comment,
        })
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The committed configuration and its rollbacks, in one directory. A clone is a handle
/// on the same directory (for [`Store::stage`] on another thread).
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// Opens (creating) the directory and repairs what an interrupted commit left.
    pub fn open(config_dir: &Path) -> Result<Store, StoreError> {
        fs::create_dir_all(config_dir).map_err(|e| StoreError::io("creating", config_dir, e))?;
        let store = Store {
            dir: config_dir.to_owned(),
        };
        let temp = store.dir.join(TEMP);
        if temp.exists() {
            store.recover(&temp)?;
        }
        Ok(store)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of rollback `n` (0 is `juniper.conf`).
    pub fn path(&self, n: usize) -> PathBuf {
        if n == 0 {
            self.dir.join(CURRENT)
        } else {
            self.dir.join(format!("{CURRENT}.{n}"))
        }
    }

    fn recover(&self, temp: &Path) -> Result<(), StoreError> {
        fs::remove_file(temp).map_err(|e| StoreError::io("removing", temp, e))?;
        let (cur, first) = (self.path(0), self.path(1));
        if first.exists() && same_file(&cur, &first) {
            fs::remove_file(&first).map_err(|e| StoreError::io("removing", &first, e))?;
        }
        let mut next = 1;
        for n in 1..=MAX_ROLLBACK + 1 {
            let p = self.path(n);
            if !p.exists() {
                continue;
            }
            if n != next {
                let to = self.path(next);
                fs::rename(&p, &to).map_err(|e| StoreError::io("renaming", &p, e))?;
            }
            next += 1;
        }
        sync_dir(&self.dir)
    }

    /// The committed configuration, `None` before the first commit.
    pub fn committed(&self) -> Result<Option<(Config, CommitMeta)>, StoreError> {
        let p = self.path(0);
        if !p.exists() {
            return Ok(None);
        }
        self.read(&p).map(Some)
    }

    /// Makes `cfg` the committed configuration, keeping the previous ones as rollbacks.
    /// Durable when it returns. [`Store::stage`] then [`Store::commit_staged`].
    pub fn commit(&mut self, cfg: &Config, meta: &CommitMeta) -> Result<(), StoreError> {
        let staged = self.stage(cfg, meta)?;
        self.commit_staged(staged)
    }

    /// Step 1 of a commit, which may run while the caller still checks `cfg`: the new
    /// configuration written to the temp file and fsynced. Nothing visible changes
    /// until [`Store::commit_staged`]; [`Store::discard`] (or the next stage, or
    /// [`Store::open`] after a crash) removes it. Needs only `&self`, so a clone of the
    /// store can stage on another thread; one commit at a time stages.
    pub fn stage(&self, cfg: &Config, meta: &CommitMeta) -> Result<Staged, StoreError> {
        let temp = self.dir.join(TEMP);
        let mut body = meta.header();
        crate::text::print_children(&mut body, &cfg.children, 0);
        write_synced(&temp, body.as_bytes())?;
        Ok(Staged { _private: () })
    }

    /// Steps 2–4 of a commit: the staged configuration becomes the committed one.
    pub fn commit_staged(&self, staged: Staged) -> Result<(), StoreError> {
        let Staged { _private: () } = staged;
        let temp = self.dir.join(TEMP);
        let cur = self.path(0);
        if cur.exists() {
            let oldest = self.path(MAX_ROLLBACK);
            match fs::remove_file(&oldest) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(StoreError::io("removing", &oldest, e))
                }
                _ => {}
            }
            for n in (1..MAX_ROLLBACK).rev() {
                let from = self.path(n);
                if from.exists() {
                    let to = self.path(n + 1);
                    fs::rename(&from, &to).map_err(|e| StoreError::io("renaming", &from, e))?;
                }
            }
            let first = self.path(1);
            if fs::hard_link(&cur, &first).is_err() {
                // File systems without hard links: a synced copy (a crash before the
                // rename below then leaves a duplicate rollback, never a lost commit).
                fs::copy(&cur, &first).map_err(|e| StoreError::io("copying", &cur, e))?;
                fs::File::open(&first)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| StoreError::io("syncing", &first, e))?;
            }
        }
        fs::rename(&temp, &cur).map_err(|e| StoreError::io("renaming", &temp, e))?;
        sync_dir(&self.dir)
    }

    /// Drops a staged configuration that will not be committed (the commit failed a
    /// check after staging).
    pub fn discard(&self, staged: Staged) -> Result<(), StoreError> {
        let Staged { _private: () } = staged;
        let temp = self.dir.join(TEMP);
        match fs::remove_file(&temp) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                Err(StoreError::io("removing", &temp, e))
            }
            _ => Ok(()),
        }
    }

    /// Rollback `n` (0 = the committed configuration) without its metadata.
    pub fn rollback(&self, n: usize) -> Result<Config, StoreError> {
        self.rollback_with_meta(n).map(|(c, _)| c)
    }

    /// Rollback `n` (0 = the committed configuration) and who committed it.
    pub fn rollback_with_meta(&self, n: usize) -> Result<(Config, CommitMeta), StoreError> {
        if n > MAX_ROLLBACK {
            return Err(StoreError::RollbackOutOfRange(n));
        }
        let p = self.path(n);
        if !p.exists() {
            return Err(StoreError::NoSuchRollback(n));
        }
        self.read(&p)
    }

    /// Metadata of the committed configuration and every rollback, newest first
    /// (index = rollback number), for `show system commit`.
    pub fn history(&self) -> Result<Vec<CommitMeta>, StoreError> {
        let mut out = Vec::new();
        for n in 0..=MAX_ROLLBACK {
            let p = self.path(n);
            let text = match fs::read_to_string(&p) {
                Ok(t) => t,
                Err(e) if e.kind() == io::ErrorKind::NotFound => break,
                Err(e) => return Err(StoreError::io("reading", &p, e)),
            };
            out.push(meta_of(&p, &text));
        }
        Ok(out)
    }

    fn read(&self, p: &Path) -> Result<(Config, CommitMeta), StoreError> {
        let text = fs::read_to_string(p).map_err(|e| StoreError::io("reading", p, e))?;
        let cfg = Config::parse_text(&text).map_err(|source| StoreError::Corrupt {
            path: p.to_owned(),
            source: Box::new(source),
        })?;
        Ok((cfg, meta_of(p, &text)))
    }
}

/// The stored metadata, or for a hand-written file: `root` via `other` at its mtime.
fn meta_of(p: &Path, text: &str) -> CommitMeta {
    CommitMeta::parse_header(text).unwrap_or_else(|| CommitMeta {
        user: "root".to_owned(),
        client: "other".to_owned(),
        time: fs::metadata(p)
            .and_then(|m| m.modified())
            .map(DateTime::<Utc>::from)
            .unwrap_or_default(),
        comment: None,
    })
}

/// Writes and fsyncs a file. Configuration files hold password hashes, so they are
/// readable by the owner only.
fn write_synced(p: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts.open(p).map_err(|e| StoreError::io("creating", p, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| StoreError::io("writing", p, e))
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::io("syncing", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((fs::read(a), fs::read(b)), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn meta(user: &str, comment: Option<&str>) -> CommitMeta {
        CommitMeta {
            user: user.into(),
            client: "grpc".into(),
            time: Utc
                .with_ymd_and_hms(2026, 11, 24, 3, 30, 0)
                .single()
                .expect("time"),
            comment: comment.map(str::to_owned),
        }
    }

    #[test]
    fn header_round_trips_including_multiline_comments() {
        let m = meta("admin", Some("two\nlines \\ here"));
        let h = m.header();
        assert!(
            h.starts_with("## Last commit: 2026-11-24 03:30:00 UTC by admin via grpc\n"),
            "{h}"
        );
        assert_eq!(CommitMeta::parse_header(&h), Some(m));
        let plain = meta("root", None);
        assert_eq!(CommitMeta::parse_header(&plain.header()), Some(plain));
    }

    #[test]
    fn malformed_headers_are_not_metadata() {
        for bad in [
            "",
            "system {}",
            "## Last commit: yesterday by x via y",
            "## Last commit: 2026-11-24 03:30:00 UTC",
        ] {
            assert_eq!(CommitMeta::parse_header(bad), None, "{bad}");
        }
    }
}
