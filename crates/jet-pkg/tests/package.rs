//! Building, signing and unpacking packages, and every refusal naming its reason.

use std::io::Write as _;
use std::path::Path;

use jet_pkg::{
    build, unpack_verified, AppSpec, Manifest, PkgError, SigningKey, TrustDir, UnpackLimits,
};

fn spec() -> AppSpec {
    serde_json::from_str(
        r#"{"name":"hello","version":"1.0.0","provider":"acme","entry":"hello.py",
            "interpreter":"python3",
            "commands":[{"cli":"show hello status","script":"status.sh"}],
            "permissions":["jnx.jet.management.Management/OpCommandGet"]}"#,
    )
    .expect("spec")
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: std::path::PathBuf,
    trust: std::path::PathBuf,
    key: SigningKey,
    pkg: std::path::PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("app");
    std::fs::create_dir_all(app.join("lib")).expect("mkdir");
    std::fs::write(app.join("hello.py"), "print('hello')\n").expect("write");
    std::fs::write(app.join("status.sh"), "echo ok\n").expect("write");
    std::fs::write(app.join("lib/util.py"), "X = 1\n").expect("write");
    std::fs::write(app.join(".hidden"), "no").expect("write");
    std::fs::write(app.join("jet.json"), "{}").expect("write");
    let trust = dir.path().join("trust");
    std::fs::create_dir_all(&trust).expect("mkdir");
    let key = SigningKey::generate("acme").expect("key");
    std::fs::write(trust.join("acme.pub"), key.public().to_line()).expect("write");
    let pkg = dir.path().join("hello-1.0.0.tgz");
    Fixture {
        _dir: dir,
        app,
        trust,
        key,
        pkg,
    }
}

fn unpack(pkg: &Path, trust: &Path) -> (tempfile::TempDir, Result<Manifest, PkgError>) {
    let dest = tempfile::tempdir().expect("tempdir");
    let f = std::fs::File::open(pkg).expect("open");
    let r = unpack_verified(
        f,
        dest.path(),
        &TrustDir(trust.into()),
        UnpackLimits::default(),
    );
    (dest, r)
}

/// A .tgz of raw entries (path, content, type), paths written byte for byte so that
/// hostile ones (`..`, absolute) get in.
fn raw_tgz(path: &Path, entries: &[(&str, &[u8], tar::EntryType)]) {
    let f = std::fs::File::create(path).expect("create");
    let gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, data, kind) in entries {
        let mut h = tar::Header::new_old();
        {
            let old = h.as_old_mut();
            old.name[..name.len()].copy_from_slice(name.as_bytes());
        }
        h.set_size(data.len() as u64);
        h.set_entry_type(*kind);
        h.set_mode(0o644);
        if *kind == tar::EntryType::Symlink {
            h.set_link_name("/etc/passwd").expect("link name");
        }
        h.set_cksum();
        b.append(&h, *data).expect("append");
    }
    b.into_inner()
        .expect("tar")
        .finish()
        .expect("gz")
        .flush()
        .expect("flush");
}

/// The entries of a built package, to rebuild it altered.
fn entries_of(pkg: &Path) -> Vec<(String, Vec<u8>)> {
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

fn rewrite(pkg: &Path, entries: &[(String, Vec<u8>)]) {
    let raw: Vec<(&str, &[u8], tar::EntryType)> = entries
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice(), tar::EntryType::Regular))
        .collect();
    raw_tgz(pkg, &raw);
}

#[test]
fn signed_package_builds_and_unpacks_with_its_files() {
    let fx = fixture();
    let mut steps = 0;
    let built = build(&fx.app, &spec(), &fx.key, &fx.pkg, &mut |_| steps += 1).expect("builds");
    let paths: Vec<&str> = built
        .manifest
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(paths, ["hello.py", "lib/util.py", "status.sh"]);
    assert_eq!(steps, 7, "3 hashed + signed + 3 archived");
    let (dest, r) = unpack(&fx.pkg, &fx.trust);
    let m = r.expect("verifies");
    assert_eq!(m, built.manifest);
    assert_eq!(
        std::fs::read_to_string(dest.path().join("lib/util.py")).expect("read"),
        "X = 1\n"
    );
    assert!(dest.path().join("manifest.sig").is_file());
    assert!(!dest.path().join(".hidden").exists());
}

#[test]
fn tampered_file_is_refused_naming_the_file() {
    let fx = fixture();
    build(&fx.app, &spec(), &fx.key, &fx.pkg, &mut |_| {}).expect("builds");
    let mut e = entries_of(&fx.pkg);
    for (p, d) in &mut e {
        if p == "lib/util.py" {
            *d = b"X = 2\n".to_vec();
        }
    }
    rewrite(&fx.pkg, &e);
    let (_d, r) = unpack(&fx.pkg, &fx.trust);
    let err = r.expect_err("tampered").to_string();
    assert!(
        err.contains("'lib/util.py' fails its sha256 check"),
        "{err}"
    );
}

#[test]
fn tampered_manifest_fails_the_signature() {
    let fx = fixture();
    build(&fx.app, &spec(), &fx.key, &fx.pkg, &mut |_| {}).expect("builds");
    let mut e = entries_of(&fx.pkg);
    for (p, d) in &mut e {
        if p == "manifest.json" {
            let s = String::from_utf8(d.clone()).expect("utf8");
            *d = s.replace("OpCommandGet", "ConfigSet").into_bytes();
        }
    }
    rewrite(&fx.pkg, &e);
    let (_d, r) = unpack(&fx.pkg, &fx.trust);
    let err = r.expect_err("tampered").to_string();
    assert!(
        err.contains("signature of manifest.json does not verify with provider 'acme'"),
        "{err}"
    );
}

#[test]
fn unsigned_package_is_refused() {
    let fx = fixture();
    build(&fx.app, &spec(), &fx.key, &fx.pkg, &mut |_| {}).expect("builds");
    let e: Vec<_> = entries_of(&fx.pkg)
        .into_iter()
        .filter(|(p, _)| p != "manifest.sig")
        .collect();
    rewrite(&fx.pkg, &e);
    let (_d, r) = unpack(&fx.pkg, &fx.trust);
    assert!(matches!(r, Err(PkgError::Unsigned)), "{r:?}");
}

#[test]
fn unknown_key_and_untrusted_provider_are_refused() {
    let fx = fixture();
    let stranger = SigningKey::generate("acme").expect("key");
    build(&fx.app, &spec(), &stranger, &fx.pkg, &mut |_| {}).expect("builds");
    let (_d, r) = unpack(&fx.pkg, &fx.trust);
    let err = r.expect_err("unknown key").to_string();
    assert!(
        err.contains(&stranger.public().key_id()) && err.contains(&fx.key.public().key_id()),
        "{err}"
    );
    std::fs::remove_file(fx.trust.join("acme.pub")).expect("rm");
    let (_d, r) = unpack(&fx.pkg, &fx.trust);
    let err = r.expect_err("no provider").to_string();
    assert!(err.contains("provider 'acme' is not trusted"), "{err}");
}

#[test]
fn hostile_entries_are_refused_before_anything_lands_outside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pkg = dir.path().join("evil.tgz");
    for (name, kind, want) in [
        ("../escape", tar::EntryType::Regular, "'..'"),
        ("/tmp/abs", tar::EntryType::Regular, "absolute"),
        ("link", tar::EntryType::Symlink, "symbolic link"),
        ("dev", tar::EntryType::Char, "character device"),
    ] {
        raw_tgz(&pkg, &[(name, b"x", kind)]);
        let (dest, r) = unpack(&pkg, dir.path());
        let err = r.expect_err("hostile").to_string();
        assert!(err.contains(want), "{name}: {err}");
        assert!(!dest
            .path()
            .parent()
            .expect("parent")
            .join("escape")
            .exists());
    }
}

#[test]
fn unlisted_file_and_size_limit_are_refused() {
    let fx = fixture();
    build(&fx.app, &spec(), &fx.key, &fx.pkg, &mut |_| {}).expect("builds");
    let mut e = entries_of(&fx.pkg);
    e.push(("extra.py".into(), b"evil".to_vec()));
    rewrite(&fx.pkg, &e);
    let (_d, r) = unpack(&fx.pkg, &fx.trust);
    assert!(r.expect_err("extra").to_string().contains("'extra.py'"));

    std::fs::write(fx.app.join("big.bin"), vec![7u8; 1 << 20]).expect("write");
    build(&fx.app, &spec(), &fx.key, &fx.pkg, &mut |_| {}).expect("builds");
    let dest = tempfile::tempdir().expect("tempdir");
    let limits = UnpackLimits {
        max_bytes: 512 << 10,
        max_entries: 100,
    };
    let f = std::fs::File::open(&fx.pkg).expect("open");
    let r = unpack_verified(f, dest.path(), &TrustDir(fx.trust.clone()), limits);
    assert!(r
        .expect_err("too big")
        .to_string()
        .contains("limit of 524288"));
}

#[test]
fn not_a_package_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("junk.tgz");
    std::fs::write(&p, b"not gzip at all").expect("write");
    let (_d, r) = unpack(&p, dir.path());
    assert!(r
        .expect_err("junk")
        .to_string()
        .contains("not a readable .tgz"));
}

#[test]
fn key_of_another_provider_cannot_sign() {
    let fx = fixture();
    let other = SigningKey::generate("other").expect("key");
    let err = build(&fx.app, &spec(), &other, &fx.pkg, &mut |_| {})
        .expect_err("wrong provider")
        .to_string();
    assert!(
        err.contains("'provider'") && err.contains("'other'"),
        "{err}"
    );
}
