//! Per-application log files: `DATA/log/NAME` (readable with `show log NAME`), bounded by
//! copy-and-truncate rotation into `NAME.0`.
//!
//! The application writes its stdout and stderr to the file itself (opened in append
//! mode), so rotation cannot rename the file from under it: the supervisor copies the
//! file to `NAME.0` and truncates it; the application's next write lands at the new end.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

/// A log file larger than this is rotated.
pub const MAX_LOG_BYTES: u64 = 1 << 20;

/// The log file of application `name`.
pub fn log_path(data_dir: &Path, name: &str) -> PathBuf {
    data_dir.join("log").join(name)
}

/// Rotates `path` into `path.0` when it is larger than `max`. Blocking.
pub fn rotate_if_large(path: &Path, max: u64) -> std::io::Result<bool> {
    let len = match std::fs::metadata(path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if len <= max {
        return Ok(false);
    }
    let mut old = path.as_os_str().to_owned();
    old.push(".0");
    std::fs::copy(path, PathBuf::from(old))?;
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)?
        .set_len(0)?;
    Ok(true)
}

/// The last `max` bytes of `path` (lossy UTF-8), empty when unreadable.
pub fn tail(path: &Path, max: u64) -> String {
    let Ok(mut f) = std::fs::File::open(path) else {
        return String::new();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if f.seek(SeekFrom::Start(len.saturating_sub(max))).is_err() {
        return String::new();
    }
    let mut buf = Vec::new();
    let _ = f.take(max).read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// Whether an application's last output says an allocation failed (its data limit).
pub fn says_out_of_memory(tail: &str) -> bool {
    [
        "MemoryError",
        "Cannot allocate memory",
        "cannot allocate",
        "out of memory",
    ]
    .iter()
    .any(|m| tail.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_log_is_copied_to_dot_zero_and_truncated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("app.py");
        std::fs::write(&p, vec![b'x'; 100]).expect("write");
        assert!(!rotate_if_large(&p, 100).expect("rotate"));
        std::fs::write(&p, vec![b'y'; 101]).expect("write");
        assert!(rotate_if_large(&p, 100).expect("rotate"));
        assert_eq!(std::fs::metadata(&p).expect("meta").len(), 0);
        assert_eq!(
            std::fs::read(dir.path().join("app.py.0"))
                .expect("read")
                .len(),
            101
        );
        assert_eq!(tail(&dir.path().join("app.py.0"), 3), "yyy");
    }

    #[test]
    fn python_and_shell_allocation_failures_are_recognised() {
        assert!(says_out_of_memory("Traceback ...\nMemoryError\n"));
        assert!(says_out_of_memory(
            "bash: xmalloc: cannot allocate 1048576 bytes"
        ));
        assert!(!says_out_of_memory("ZeroDivisionError: division by zero"));
    }
}
