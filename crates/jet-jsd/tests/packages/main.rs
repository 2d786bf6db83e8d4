//! App packages end to end on a device with jsd, driven over gRPC with the SDK:
//! `request system software add|delete`, refusals naming their reason, `show version`,
//! and staged upgrades with real app processes (the test plays the supervisor's part:
//! it starts the active version's entry point and reports each exit).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::new_without_default
)]

mod permissions;
mod upgrade;
mod upload;

use std::path::{Path, PathBuf};

use jet_pkg::{AppSpec, SigningKey};
use jet_sdk::{JetClient, OutputFormat};
use jet_testkit::TestDevice;

/// A developer's workspace: a provider key and app directories.
pub struct Dev {
    pub dir: tempfile::TempDir,
    pub key: SigningKey,
}

impl Dev {
    pub fn new() -> Dev {
        Dev {
            dir: tempfile::tempdir().expect("tempdir"),
            key: SigningKey::generate("acme").expect("key"),
        }
    }

    /// Builds `NAME-VERSION.tgz` of a shell app whose entry point is `script`.
    pub fn package(&self, name: &str, version: &str, script: &str) -> PathBuf {
        let app = self.dir.path().join(format!("{name}-{version}"));
        std::fs::create_dir_all(&app).expect("mkdir");
        std::fs::write(app.join("main.sh"), script).expect("write");
        std::fs::write(app.join("status.sh"), "echo \"status: ok\"\n").expect("write");
        let spec: AppSpec = serde_json::from_value(serde_json::json!({
            "name": name, "version": version, "provider": "acme",
            "entry": "main.sh", "interpreter": "sh",
            "commands": [{"cli": format!("show {name} status"), "script": "status.sh"}],
            "permissions": ["jnx.jet.management.Management/OpCommandGet"],
        }))
        .expect("spec");
        let out = self.dir.path().join(format!("{name}-{version}.tgz"));
        jet_pkg::build(&app, &spec, &self.key, &out, &mut |_| {}).expect("builds");
        out
    }

    /// A device trusting provider `acme` with this workspace's key.
    pub async fn device(&self) -> TestDevice {
        self.device_with("").await
    }

    /// [`Dev::device`] with `extra` configuration (curly braces) merged in.
    pub async fn device_with(&self, extra: &str) -> TestDevice {
        let line = self.key.public().to_line();
        TestDevice::in_dir(
            tempfile::tempdir().expect("tempdir"),
            &format!("system {{ extensions {{ providers acme; }} }} {extra}"),
            move |data| {
                let d = data.join("certs/providers");
                std::fs::create_dir_all(&d).expect("mkdir");
                std::fs::write(d.join("acme.pub"), line).expect("write");
            },
        )
        .await
    }
}

/// Runs an op command; `Err` carries the device's refusal.
pub async fn op(c: &JetClient, cmd: &str) -> Result<String, String> {
    c.op_command(cmd, OutputFormat::Text)
        .await
        .map_err(|e| e.to_string())
}

fn add(p: &Path) -> String {
    format!("request system software add {}", p.display())
}

#[tokio::test]
async fn signed_package_installs_lists_in_show_version_and_deletes() {
    let dev = Dev::new();
    let d = dev.device().await;
    let c = d.admin("pkg-test").await;
    let pkg = dev.package("hello", "1.0.0", "sleep 30\n");
    let out = op(&c, &add(&pkg)).await.expect("installs");
    assert!(out.contains("signed by provider acme key"), "{out}");
    assert!(out.contains("Package hello 1.0.0 installed in"), "{out}");
    let data = d.dir.path();
    let link = data.join("scripts/jet/hello");
    assert_eq!(
        std::fs::read_link(&link).expect("link"),
        Path::new("../../packages/hello/1.0.0")
    );
    assert!(link.join("main.sh").is_file());
    assert!(link.join("manifest.sig").is_file());

    let v = op(&c, "show version").await.expect("show version");
    assert!(v.contains("JET app hello [1.0.0]"), "{v}");
    let x = c
        .op_command("show version", OutputFormat::Xml)
        .await
        .expect("xml");
    assert!(
        x.contains("<package-name>hello-1.0.0</package-name>"),
        "{x}"
    );

    let again = op(&c, &add(&pkg)).await.expect_err("same version");
    assert!(
        again.contains("hello version 1.0.0 is already installed"),
        "{again}"
    );

    let out = op(&c, "request system software delete hello")
        .await
        .expect("deletes");
    assert!(out.contains("Package hello version 1.0.0 removed"), "{out}");
    assert!(std::fs::symlink_metadata(&link).is_err());
    assert!(!data.join("packages/hello").exists());
    let v = op(&c, "show version").await.expect("show version");
    assert!(!v.contains("hello"), "{v}");
    let e = op(&c, "request system software delete hello")
        .await
        .expect_err("gone");
    assert!(e.contains("package hello is not installed"), "{e}");
}

#[tokio::test]
async fn refused_packages_name_their_reason_and_leave_nothing() {
    let dev = Dev::new();
    let d = dev.device().await;
    let c = d.admin("pkg-test").await;
    let data = d.dir.path().to_path_buf();

    // A file changed after signing.
    let pkg = dev.package("tamper", "1.0.0", "sleep 30\n");
    let entries = read_entries(&pkg);
    let altered: Vec<(String, Vec<u8>)> = entries
        .into_iter()
        .map(|(p, b)| {
            if p == "main.sh" {
                (p, b"rm -rf /\n".to_vec())
            } else {
                (p, b)
            }
        })
        .collect();
    write_entries(&pkg, &altered);
    let e = op(&c, &add(&pkg)).await.expect_err("tampered");
    assert!(e.contains("file 'main.sh' fails its sha256 check"), "{e}");

    // No signature.
    let pkg = dev.package("nosig", "1.0.0", "sleep 30\n");
    let unsigned: Vec<_> = read_entries(&pkg)
        .into_iter()
        .filter(|(p, _)| p != "manifest.sig")
        .collect();
    write_entries(&pkg, &unsigned);
    let e = op(&c, &add(&pkg)).await.expect_err("unsigned");
    assert!(e.contains("package is unsigned"), "{e}");

    // Signed by a key the device does not trust.
    let stranger = Dev::new();
    let pkg = stranger.package("stranger", "1.0.0", "sleep 30\n");
    let e = op(&c, &add(&pkg)).await.expect_err("unknown key");
    assert!(
        e.contains(&format!(
            "signed by unknown key {}",
            stranger.key.public().key_id()
        )),
        "{e}"
    );

    // A provider the configuration does not name.
    let other = Dev {
        dir: tempfile::tempdir().expect("tempdir"),
        key: SigningKey::generate("other").expect("key"),
    };
    let app = other.dir.path().join("app");
    std::fs::create_dir_all(&app).expect("mkdir");
    std::fs::write(app.join("main.sh"), "true\n").expect("write");
    let spec: AppSpec = serde_json::from_value(serde_json::json!({
        "name": "other", "version": "1", "provider": "other", "entry": "main.sh",
        "interpreter": "sh"
    }))
    .expect("spec");
    let pkg = other.dir.path().join("other.tgz");
    jet_pkg::build(&app, &spec, &other.key, &pkg, &mut |_| {}).expect("builds");
    let e = op(&c, &add(&pkg)).await.expect_err("unconfigured provider");
    assert!(
        e.contains("provider 'other' is not configured (system extensions providers other)"),
        "{e}"
    );

    // A missing file is named too.
    let e = op(&c, "request system software add /nonexistent/x.tgz")
        .await
        .expect_err("missing");
    assert!(e.contains("/nonexistent/x.tgz"), "{e}");

    // Nothing half-installed.
    for name in ["tamper", "nosig", "stranger", "other"] {
        assert!(!data.join("packages").join(name).exists(), "{name}");
        assert!(!data.join("scripts/jet").join(name).exists(), "{name}");
    }
    let staging = data.join("packages/.staging");
    let left = std::fs::read_dir(&staging).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "staging left behind");
}

#[tokio::test]
async fn read_only_user_may_not_install() {
    let dev = Dev::new();
    let hash = jet_device::factory::hash_password("ro-secret");
    let d = dev
        .device_with(&format!(
            "system {{ login {{ user ro {{ uid 2001; class read-only; authentication {{ \
             encrypted-password \"{hash}\"; }} }} }} }}"
        ))
        .await;
    let c = d.client().await;
    c.login("ro", "ro-secret", "ro-app").await.expect("login");
    let pkg = dev.package("hello", "1.0.0", "sleep 30\n");
    let e = op(&c, &add(&pkg)).await.expect_err("refused");
    assert!(e.contains("read-only may only run show commands"), "{e}");
    assert!(!d.dir.path().join("packages/hello").exists());
}

pub fn read_entries(pkg: &Path) -> Vec<(String, Vec<u8>)> {
    let f = std::fs::File::open(pkg).expect("open");
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    let mut out = Vec::new();
    for e in ar.entries().expect("entries") {
        let mut e = e.expect("entry");
        let p = e.path().expect("path").display().to_string();
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut v).expect("read");
        out.push((p, v));
    }
    out
}

pub fn write_entries(pkg: &Path, entries: &[(String, Vec<u8>)]) {
    let f = std::fs::File::create(pkg).expect("create");
    let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (p, d) in entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(d.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, p, d.as_slice()).expect("append");
    }
    b.into_inner().expect("tar").finish().expect("gz");
}
