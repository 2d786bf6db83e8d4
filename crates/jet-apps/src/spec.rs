//! What to run for one configured application: the program, its interpreter, arguments,
//! identity and limits, resolved from the configuration and the [`AppSource`] seam.
//!
//! Files come from the device's application directory `DATA/scripts/jet/` (the
//! device's `/var/db/scripts/jet`). A package manager plugs in through [`AppSource`]:
//! an application a package provides is found there first, with its package name and
//! version for the status table.

use std::path::{Path, PathBuf};

use jet_config::{Config, ExtensionAppCfg};
use jet_device::packages::{InstalledPackage, PackageSet};

/// Where application files live, under the data directory.
pub const SCRIPTS_DIR: &str = "scripts/jet";

/// An application a package provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackagedApp {
    /// The program file.
    pub path: PathBuf,
    /// The interpreter the package names, if any (the configuration's wins).
    pub interpreter: Option<String>,
    /// Package name.
    pub package: String,
    /// Package version.
    pub version: String,
}

/// Finds applications provided by installed packages. Implemented by the package
/// store; without one, every application is a file in [`SCRIPTS_DIR`].
pub trait AppSource: Send + Sync {
    /// The packaged application named `name`, if a package provides it.
    fn lookup(&self, name: &str) -> Option<PackagedApp>;
}

/// The installed packages as an [`AppSource`]: a configured `application file NAME`
/// whose NAME is an installed package runs that package's active version.
impl AppSource for PackageSet {
    fn lookup(&self, name: &str) -> Option<PackagedApp> {
        let p = self.packages.get(name)?;
        Some(PackagedApp {
            path: p.dir.join(&p.manifest.entry),
            interpreter: p.manifest.interpreter.clone(),
            package: p.manifest.name.clone(),
            version: p.manifest.version.clone(),
        })
    }
}

/// Operating-system limits of one application process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// `RLIMIT_DATA` in bytes (`max-datasize` scaled by `mem-factor`).
    pub data: Option<u64>,
    /// `RLIMIT_CPU` in seconds (`resource-limits cpu-time`).
    pub cpu: Option<u64>,
    /// `RLIMIT_NOFILE` (`resource-limits open-files`).
    pub nofile: Option<u64>,
    /// `RLIMIT_NPROC` (a package's `limits.processes`): applied only when the app runs
    /// as an operating-system user of its own (the limit counts per user).
    pub nproc: Option<u64>,
}

/// Everything needed to start one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSpec {
    /// The configured file name (the application's name).
    pub name: String,
    /// The program file.
    pub path: PathBuf,
    /// `interpreter`, if any.
    pub interpreter: Option<String>,
    /// Arguments (`arguments`, split on white space).
    pub args: Vec<String>,
    /// `daemonize`.
    pub daemonize: bool,
    /// `respawn-on-normal-exit`.
    pub respawn_on_normal_exit: bool,
    /// The Junos user the application acts as (`username`, default `nobody`).
    pub username: String,
    /// Limits.
    pub limits: Limits,
    /// `optional`.
    pub optional: bool,
    /// Package name and version, when a package provides it.
    pub package: Option<(String, String)>,
    /// Started because its package is installed (not because it is configured): its
    /// exits are reported to the package store (probation of upgrades).
    pub from_package: bool,
    /// Working directory (default: the program's directory).
    pub cwd: Option<PathBuf>,
    /// The operating-system account the process runs as: the account named by a
    /// configured `username` when jetd runs as root (see [`OsUser::for_username`]);
    /// `None`: jetd's own.
    pub os_user: Option<OsUser>,
    /// The configuration it came from (checksum, ...).
    pub cfg: ExtensionAppCfg,
}

/// An operating-system account an application runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsUser {
    /// Account name.
    pub name: String,
    /// User id.
    pub uid: u32,
    /// Primary group id.
    pub gid: u32,
    /// Home directory.
    pub home: PathBuf,
}

impl OsUser {
    /// The host account named `name`, if it has one.
    pub fn lookup(name: &str) -> Option<OsUser> {
        let u = nix::unistd::User::from_name(name).ok()??;
        Some(OsUser {
            name: u.name,
            uid: u.uid.as_raw(),
            gid: u.gid.as_raw(),
            home: u.dir,
        })
    }

    /// The account a configured `username NAME` runs as: the host account NAME when
    /// jetd runs as root and NAME is not `root`; `None` (jetd's own account) when jetd
    /// is not root (it cannot switch) or the host has no such account (a Junos-only
    /// login user).
    pub fn for_username(name: &str) -> Option<OsUser> {
        if !nix::unistd::geteuid().is_root() || name == "root" {
            return None;
        }
        OsUser::lookup(name)
    }
}

/// The user an application acts as when `username` is not configured.
pub const DEFAULT_USER: &str = "nobody";
/// The Junos user a packaged application acts as (its manifest's permissions bound it).
pub const PACKAGE_USER: &str = "root";

impl AppSpec {
    /// Resolves every configured application of `config`.
    pub fn all(config: &Config, data_dir: &Path, source: Option<&dyn AppSource>) -> Vec<AppSpec> {
        let max_data = config.extension_apps_max_datasize();
        config
            .extension_apps()
            .into_iter()
            .map(|cfg| AppSpec::new(cfg, max_data, data_dir, source))
            .collect()
    }

    fn new(
        cfg: ExtensionAppCfg,
        max_data: Option<u64>,
        data_dir: &Path,
        source: Option<&dyn AppSource>,
    ) -> AppSpec {
        let packaged = source.and_then(|s| s.lookup(&cfg.file));
        let (path, pkg_interpreter, package) = match packaged {
            Some(p) => (p.path, p.interpreter, Some((p.package, p.version))),
            None => (data_dir.join(SCRIPTS_DIR).join(&cfg.file), None, None),
        };
        let data = max_data.map(|m| match cfg.mem_factor {
            Some(pct) => m / 100 * u64::from(pct),
            None => m,
        });
        AppSpec {
            name: cfg.file.clone(),
            path,
            interpreter: cfg.interpreter.clone().or(pkg_interpreter),
            args: cfg
                .arguments
                .as_deref()
                .map(|a| a.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            daemonize: cfg.daemonize,
            respawn_on_normal_exit: cfg.respawn_on_normal_exit,
            username: cfg
                .username
                .clone()
                .unwrap_or_else(|| DEFAULT_USER.to_owned()),
            limits: Limits {
                data,
                cpu: cfg.cpu_time,
                nofile: cfg.open_files,
                nproc: None,
            },
            optional: cfg.optional,
            package,
            from_package: false,
            cwd: None,
            os_user: cfg.username.as_deref().and_then(OsUser::for_username),
            cfg,
        }
    }

    /// The application of an installed package that no `application file` stanza
    /// names: a daemon (started at install and at jetd start, respawned after a crash)
    /// running the manifest's entry with its interpreter, arguments and limits, from the
    /// package directory. It acts as Junos user `root`; what it may call is bounded by
    /// its manifest's permissions (see `docs/packages.md`).
    pub fn from_package(p: &InstalledPackage) -> AppSpec {
        let m = &p.manifest;
        let some = |v: u64| (v > 0).then_some(v);
        let cfg = ExtensionAppCfg {
            file: m.name.clone(),
            arguments: None,
            daemonize: true,
            respawn_on_normal_exit: false,
            username: None,
            routing_instance: None,
            interpreter: m.interpreter.clone(),
            optional: false,
            checksum: None,
            mem_factor: None,
            cpu_time: None,
            open_files: None,
        };
        AppSpec {
            name: m.name.clone(),
            path: p.dir.join(&m.entry),
            interpreter: m.interpreter.clone(),
            args: m.arguments.clone(),
            daemonize: true,
            respawn_on_normal_exit: false,
            username: PACKAGE_USER.to_owned(),
            limits: Limits {
                data: some(m.limits.memory_mb.saturating_mul(1 << 20)),
                cpu: some(m.limits.cpu_seconds),
                nofile: some(m.limits.open_files),
                nproc: some(m.limits.processes),
            },
            optional: false,
            package: Some((m.name.clone(), m.version.clone())),
            from_package: true,
            cwd: Some(p.dir.clone()),
            os_user: None,
            cfg,
        }
    }

    /// Every installed package's application, except those a configured `application
    /// file` stanza already names (that stanza runs the package's program with its own
    /// settings).
    pub fn packaged(set: &PackageSet, configured: &[AppSpec]) -> Vec<AppSpec> {
        set.packages
            .values()
            .filter(|p| !configured.iter().any(|c| c.name == p.manifest.name))
            .map(AppSpec::from_package)
            .collect()
    }

    /// The interpreter's program name (`python` runs `python3` when there is no
    /// `python` on the host, as on current Junos).
    pub fn interpreter_program(&self) -> Option<String> {
        self.interpreter.as_deref().map(|i| match i {
            "python" if find_in_path("python").is_none() => "python3".to_owned(),
            other => other.to_owned(),
        })
    }
}

/// The full path of `program` on `PATH`.
pub fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}
