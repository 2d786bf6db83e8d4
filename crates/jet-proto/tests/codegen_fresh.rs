//! The generated code under `src/gen/` must be exactly what protox + tonic-prost-build make
//! from `proto/` today, so CI fails when someone edits a `.proto` and forgets to regenerate.
//!
//! Regenerate with `JET_PROTO_REGEN=1 cargo test -p jet-proto --test codegen_fresh`: the same
//! test then rewrites the checked-in files (and removes stale ones) instead of comparing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Kept in `proto/` for completeness but left out of the compiled set: it extends
/// `google.protobuf.FileOptions` with number 50000, as `jnx_common_base_types.proto` does.
const EXCLUDED: &[&str] = &["jnx_base_types.proto"];
const DESCRIPTOR: &str = "jet_descriptor.bin";

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Directories below `proto/` holding OpenJET's own packages (`openjet.*`, DESIGN
/// principle 5); their files are compiled too, named `openjet/<file>.proto`.
/// `legacy/` holds the older generation's packages (`routing`, `interface`, ...), written
/// by `tools/legacy2proto.py`.
const OWN_DIRS: &[&str] = &["openjet", "legacy"];

/// Every `.proto` we compile, sorted so that the output does not depend on directory order.
fn proto_files(proto_dir: &Path) -> Vec<String> {
    let list = |dir: &Path, prefix: &str| -> Vec<String> {
        fs::read_dir(dir)
            .expect("read proto dir")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .into_string()
                    .expect("utf-8 name")
            })
            .filter(|n| n.ends_with(".proto") && !EXCLUDED.contains(&n.as_str()))
            .map(|n| format!("{prefix}{n}"))
            .collect()
    };
    let mut names = list(proto_dir, "");
    for own in OWN_DIRS {
        let dir = proto_dir.join(own);
        if dir.is_dir() {
            names.extend(list(&dir, &format!("{own}/")));
        }
    }
    names.sort();
    names
}

/// Runs the whole pipeline into `out_dir`: one `.rs` per package plus the descriptor set.
fn generate(out_dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let proto_dir = crate_dir().join("proto");
    let mut compiler = protox::Compiler::new([&proto_dir]).expect("protox compiler");
    compiler.include_imports(true).include_source_info(true);
    compiler
        .open_files(proto_files(&proto_dir))
        .unwrap_or_else(|e| panic!("protox: {e:?}"));

    // Code. The well-known imports (descriptor.proto, wrappers.proto) stay in the set
    // because prost-build looks their messages up, but they map to prost's built-in types
    // (`google.protobuf.UInt32Value` becomes `Option<u32>`) and get no module of their own.
    // Source info is kept so that the .proto comments become doc comments.
    let fds = compiler.file_descriptor_set();
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .out_dir(out_dir)
        .compile_fds(fds)
        .expect("tonic-prost-build");

    // Descriptor for server reflection: every file incl. the imports (so that it resolves
    // on its own), no source info. protox's own encoder keeps the japi_version /
    // junos_release file options, which a round trip through prost-types would drop.
    compiler.include_source_info(false);
    fs::write(
        out_dir.join(DESCRIPTOR),
        compiler.encode_file_descriptor_set(),
    )
    .expect("write descriptor");

    read_dir_files(out_dir)
}

fn read_dir_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".rs") || name == DESCRIPTOR {
            out.insert(name, fs::read(&path).expect("read file"));
        }
    }
    out
}

#[test]
fn checked_in_generated_code_is_fresh() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let fresh = generate(tmp.path());
    let gen_dir = crate_dir().join("src").join("gen");

    if std::env::var_os("JET_PROTO_REGEN").is_some_and(|v| v == "1") {
        fs::create_dir_all(&gen_dir).expect("create src/gen");
        for stale in read_dir_files(&gen_dir).keys() {
            if !fresh.contains_key(stale) {
                fs::remove_file(gen_dir.join(stale)).expect("remove stale file");
            }
        }
        for (name, bytes) in &fresh {
            fs::write(gen_dir.join(name), bytes).expect("write generated file");
        }
        eprintln!("regenerated {} files in {}", fresh.len(), gen_dir.display());
        return;
    }

    let checked_in = read_dir_files(&gen_dir);
    let fresh_names: Vec<_> = fresh.keys().collect();
    let checked_names: Vec<_> = checked_in.keys().collect();
    assert_eq!(
        checked_names, fresh_names,
        "src/gen/ holds a different set of files than the generator makes; \
         run JET_PROTO_REGEN=1 cargo test -p jet-proto --test codegen_fresh"
    );
    for (name, bytes) in &fresh {
        assert!(
            checked_in[name] == *bytes,
            "src/gen/{name} is stale; \
             run JET_PROTO_REGEN=1 cargo test -p jet-proto --test codegen_fresh"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    assert_eq!(generate(a.path()), generate(b.path()));
}
