//! The syslog task: turns bus events into lines and appends them to the log files.
//!
//! ```text
//!  EventBus ──broadcast──► syslog task ──append (blocking pool)──► DATA/log/<file>
//!  show log ──SyslogRequest::Sync (bounded mpsc)──►  │  drains the bus, writes, replies
//!  watch_config ──────────────────────────────────►  │  host-name, syslog files
//! ```
//!
//! The task owns the files. `show log messages` first asks it to sync: the task drains
//! every event already on the bus, writes them, then replies, so a command that follows
//! an event (a link going down) always sees its line.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use jet_config::Config;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio_util::task::AbortOnDropHandle;

use super::rules::{messages_for, syslog_files, SyslogFile};
use crate::error::DeviceError;
use crate::events::{EventBus, Stamped};
use crate::mgd::Committed;

/// Simulated PID of newsyslog (rotation lines).
const NEWSYSLOG_PID: u32 = 2203;
/// Bound on queued requests to the task.
const SYSLOG_QUEUE: usize = 64;

/// Requests to the syslog task.
#[derive(Debug)]
pub(crate) enum SyslogRequest {
    /// Write everything already emitted, then reply.
    Sync { reply: oneshot::Sender<()> },
}

/// The device's handle on its syslog task (aborts the task when dropped).
#[derive(Debug)]
pub(crate) struct SyslogHandle {
    tx: mpsc::Sender<SyslogRequest>,
    dir: PathBuf,
    config: watch::Receiver<Arc<Committed>>,
    _task: AbortOnDropHandle<()>,
}

impl SyslogHandle {
    /// Starts the task. It subscribes to `events` before returning, so it sees every
    /// event emitted afterwards.
    pub(crate) fn spawn(
        dir: PathBuf,
        events: &EventBus,
        config: watch::Receiver<Arc<Committed>>,
    ) -> SyslogHandle {
        let (tx, rx) = mpsc::channel(SYSLOG_QUEUE);
        let task = Task {
            dir: dir.clone(),
            bus: events.subscribe(),
            rx,
            config: config.clone(),
            pending: Vec::new(),
        };
        SyslogHandle {
            tx,
            dir,
            config,
            _task: AbortOnDropHandle::new(tokio::spawn(task.run())),
        }
    }

    /// Waits until every event emitted so far is written.
    pub(crate) async fn sync(&self) -> Result<(), DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(SyslogRequest::Sync { reply })
            .await
            .map_err(|_| DeviceError::ShuttingDown)?;
        rx.await.map_err(|_| DeviceError::ShuttingDown)
    }

    /// The contents of log file `name` (after a sync). A configured file never written
    /// reads as empty, as on a fresh router; an unknown file is an error, as on Junos.
    pub(crate) async fn read(&self, name: &str) -> Result<String, DeviceError> {
        self.sync().await?;
        let configured = syslog_files(&self.config.borrow().effective)
            .iter()
            .any(|f| f.name == name);
        let path = self.dir.join(name);
        let res = tokio::task::spawn_blocking(move || match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(DeviceError::io(format!("reading {}", path.display()), e)),
        })
        .await
        .map_err(|_| DeviceError::ShuttingDown)??;
        match res {
            Some(text) => Ok(text),
            None if configured => Ok(String::new()),
            None => Err(DeviceError::UnknownLogFile {
                name: name.to_owned(),
            }),
        }
    }
}

/// What to write to one file.
struct Pending {
    file: SyslogFile,
    lines: Vec<String>,
}

struct Task {
    dir: PathBuf,
    bus: broadcast::Receiver<Arc<Stamped>>,
    rx: mpsc::Receiver<SyslogRequest>,
    config: watch::Receiver<Arc<Committed>>,
    pending: Vec<Pending>,
}

impl Task {
    async fn run(mut self) {
        loop {
            tokio::select! {
                biased;
                ev = self.bus.recv() => match ev {
                    Ok(ev) => {
                        self.take(&ev);
                        self.drain();
                        self.flush().await;
                    }
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(lost = n, "syslog fell behind the event bus");
                    }
                    Err(RecvError::Closed) => break,
                },
                req = self.rx.recv() => match req {
                    Some(SyslogRequest::Sync { reply }) => {
                        self.drain();
                        self.flush().await;
                        let _ = reply.send(());
                    }
                    None => break,
                },
            }
        }
    }

    /// Takes every event already queued on the bus.
    fn drain(&mut self) {
        loop {
            match self.bus.try_recv() {
                Ok(ev) => self.take(&ev),
                Err(TryRecvError::Lagged(n)) => {
                    tracing::warn!(lost = n, "syslog fell behind the event bus");
                }
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
    }

    fn take(&mut self, ev: &Stamped) {
        let messages = messages_for(&ev.event);
        if messages.is_empty() {
            return;
        }
        let effective = self.config.borrow().effective.clone();
        let host = host_name(&effective);
        for file in syslog_files(&effective) {
            let lines: Vec<String> = messages
                .iter()
                .filter(|m| file.wants(m.facility, m.severity))
                .map(|m| m.line(ev.at, &host))
                .collect();
            if lines.is_empty() {
                continue;
            }
            match self.pending.iter_mut().find(|p| p.file.name == file.name) {
                Some(p) => p.lines.extend(lines),
                None => self.pending.push(Pending { file, lines }),
            }
        }
    }

    async fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let dir = self.dir.clone();
        let host = host_name(&self.config.borrow().effective);
        let res = tokio::task::spawn_blocking(move || {
            for p in &pending {
                append(&dir, &p.file, &p.lines, Utc::now(), &host)?;
            }
            Ok::<(), std::io::Error>(())
        })
        .await;
        match res {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "writing the system log failed"),
            Err(e) => tracing::warn!(error = %e, "syslog writer task failed"),
        }
    }
}

fn host_name(config: &Config) -> String {
    config.host_name().unwrap_or("jetd").to_owned()
}

/// Appends `lines` to `dir/file.name`, rotating first when they would push it past
/// `file.size`: `NAME.(n-1)` → `NAME.n`, …, `NAME` → `NAME.0`, and the new file starts
/// with newsyslog's turnover line. Blocking.
pub(crate) fn append(
    dir: &Path,
    file: &SyslogFile,
    lines: &[String],
    now: DateTime<Utc>,
    host: &str,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(&file.name);
    let adding: u64 = lines.iter().map(|l| l.len() as u64 + 1).sum();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mut head = None;
    if size > 0 && size + adding > file.size {
        rotate(dir, &file.name, file.files)?;
        head = Some(format!(
            "{} {host} newsyslog[{NEWSYSLOG_PID}]: logfile turned over due to size>{}K",
            now.format("%b %e %H:%M:%S"),
            file.size / 1024
        ));
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    let mut buf = String::new();
    for l in head.iter().chain(lines) {
        buf.push_str(l);
        buf.push('\n');
    }
    f.write_all(buf.as_bytes())
}

fn rotate(dir: &Path, name: &str, files: u32) -> std::io::Result<()> {
    if files == 0 {
        return std::fs::remove_file(dir.join(name));
    }
    let _ = std::fs::remove_file(dir.join(format!("{name}.{}", files - 1)));
    for i in (0..files.saturating_sub(1)).rev() {
        let from = dir.join(format!("{name}.{i}"));
        if from.exists() {
            std::fs::rename(&from, dir.join(format!("{name}.{}", i + 1)))?;
        }
    }
    std::fs::rename(dir.join(name), dir.join(format!("{name}.0")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(size: u64, files: u32) -> SyslogFile {
        SyslogFile {
            size,
            files,
            ..SyslogFile::factory_messages()
        }
    }

    #[test]
    fn append_creates_the_file_and_adds_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = small(1024, 3);
        append(dir.path(), &f, &["a".into(), "b".into()], Utc::now(), "r1").expect("append");
        append(dir.path(), &f, &["c".into()], Utc::now(), "r1").expect("append");
        let text = std::fs::read_to_string(dir.path().join("messages")).expect("read");
        assert_eq!(text, "a\nb\nc\n");
    }

    #[test]
    fn a_full_file_is_rotated_and_the_new_one_says_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = small(2048, 2);
        let line = "x".repeat(1000);
        for _ in 0..7 {
            append(
                dir.path(),
                &f,
                std::slice::from_ref(&line),
                Utc::now(),
                "r1",
            )
            .expect("append");
        }
        let cur = std::fs::read_to_string(dir.path().join("messages")).expect("current");
        assert!(
            cur.lines().next().is_some_and(
                |l| l.ends_with("r1 newsyslog[2203]: logfile turned over due to size>2K")
            )
        );
        assert!(dir.path().join("messages.0").is_file());
        assert!(dir.path().join("messages.1").is_file());
        assert!(
            !dir.path().join("messages.2").exists(),
            "keeps only `files`"
        );
        for name in ["messages", "messages.0", "messages.1"] {
            let len = std::fs::metadata(dir.path().join(name))
                .expect("meta")
                .len();
            assert!(len <= 2048 + 100, "{name} is {len} bytes");
        }
    }
}
