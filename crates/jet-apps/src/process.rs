//! Starting and signalling one application process, and reading its resource use.
//!
//! Every application runs in a process group of its own (so a stop reaches the
//! processes it started too), with `PR_SET_PDEATHSIG` = SIGKILL (it dies with jetd even
//! when jetd is killed), its resource limits set by the kernel (`setrlimit`), and its
//! stdout and stderr appended to its log file (no pipe through jetd: an idle app costs
//! jetd nothing). Its environment carries [`DEVICE_ENV`] so that a later jetd on the same
//! data directory finds and kills what a killed jetd left behind ([`kill_leftovers`]).

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::path::Path;
use std::process::Stdio;

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

use crate::spec::{AppSpec, Limits};

/// Environment variable naming the data directory of the device that started the app.
pub const DEVICE_ENV: &str = "JET_DEVICE_DATA_DIR";

/// Starts `spec` (with `extra_args` after its configured arguments), output appended to
/// `log`, environment `env` added to jetd's.
pub(crate) fn spawn(
    spec: &AppSpec,
    extra_args: &[String],
    env: &[(String, OsString)],
    log: &Path,
) -> std::io::Result<Child> {
    let out = OpenOptions::new().create(true).append(true).open(log)?;
    let err = out.try_clone()?;
    let mut cmd = match spec.interpreter_program() {
        Some(i) => {
            let mut c = Command::new(i);
            c.arg(&spec.path);
            c
        }
        None => Command::new(&spec.path),
    };
    cmd.args(&spec.args)
        .args(extra_args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .process_group(0)
        .kill_on_drop(false);
    if let Some(dir) = spec.cwd.as_deref().or(spec.path.parent()) {
        cmd.current_dir(dir);
    }
    let mut limits = spec.limits;
    match &spec.os_user {
        Some(u) => {
            // std switches group then user in the child before its chdir and our hook
            // (so the parent-death signal, which a credential change clears, is set
            // after it), and drops root's supplementary groups.
            cmd.uid(u.uid)
                .gid(u.gid)
                .env("HOME", &u.home)
                .env("USER", &u.name)
                .env("LOGNAME", &u.name);
        }
        // RLIMIT_NPROC counts every process of the user: only for an account of its own.
        None => limits.nproc = None,
    }
    set_child_hooks(&mut cmd, limits);
    cmd.spawn()
}

/// Runs in the child between fork and exec: the parent-death signal and the limits.
#[allow(unsafe_code)]
pub(crate) fn set_child_hooks(cmd: &mut Command, limits: Limits) {
    use nix::sys::resource::{setrlimit, Resource};
    let parent = std::process::id();
    // SAFETY: the closure runs in the forked child before exec, where only
    // async-signal-safe calls are allowed. It calls prctl, getppid, setrlimit and _exit
    // (raw system calls through nix/libc), allocates nothing and takes no lock.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // jetd died between fork and prctl: the signal will never come.
            if libc::getppid() as u32 != parent {
                libc::_exit(1);
            }
            if let Some(d) = limits.data {
                setrlimit(Resource::RLIMIT_DATA, d, d)?;
            }
            if let Some(c) = limits.cpu {
                // SIGXCPU at the soft limit, SIGKILL one second later.
                setrlimit(Resource::RLIMIT_CPU, c, c + 1)?;
            }
            if let Some(n) = limits.nofile {
                setrlimit(Resource::RLIMIT_NOFILE, n, n)?;
            }
            if let Some(n) = limits.nproc {
                setrlimit(Resource::RLIMIT_NPROC, n, n)?;
            }
            Ok(())
        });
    }
}

/// Sends `signal` to the process group `pgid` (ignoring a group that is gone).
pub(crate) fn signal_group(pgid: u32, signal: Signal) {
    if let Ok(p) = i32::try_from(pgid) {
        let _ = killpg(Pid::from_raw(p), signal);
    }
}

/// The process group of a live process.
pub(crate) fn process_group(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name: state, ppid, pgrp.
    stat.rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(2)?
        .parse()
        .ok()
}

/// Resident memory (KiB) and CPU time used (milliseconds) of a live process.
pub(crate) fn usage(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15, in USER_HZ (always 100 on Linux).
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some((rss, ticks * 10))
}

/// Kills every process whose environment says it was started for the device on
/// `data_dir` (left behind by a jetd that was killed), and says how many there were.
pub fn kill_leftovers(data_dir: &Path) -> usize {
    // A few passes: a leftover may fork while we scan, and a scan of /proc that races
    // with processes coming and going is not guaranteed to see every one.
    let mut killed = 0;
    for _ in 0..3 {
        let n = kill_leftovers_once(data_dir);
        killed += n;
        if n == 0 {
            break;
        }
    }
    killed
}

fn kill_leftovers_once(data_dir: &Path) -> usize {
    let marker = format!("{DEVICE_ENV}={}", data_dir.display());
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut killed = 0;
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
            continue;
        };
        if env.split(|b| *b == 0).any(|v| v == marker.as_bytes()) {
            if let Ok(p) = i32::try_from(pid) {
                if nix::sys::signal::kill(Pid::from_raw(p), Signal::SIGKILL).is_ok() {
                    killed += 1;
                }
            }
        }
    }
    killed
}
