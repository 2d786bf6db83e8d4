//! `jet deploy`, `jet remove`, `jet logs`: the device over gRPC.

use std::io::Read as _;
use std::path::Path;

use anyhow::{bail, Context as _};
use jet_proto::openjet::software::v1 as sw;
use jet_sdk::{ConnectOptions, JetClient, OutputFormat};
use sw::software_client::SoftwareClient;

use crate::Target;

/// Upload chunk size (the device accepts messages up to 2 MiB).
const CHUNK: usize = 256 << 10;

async fn connect(t: &Target) -> anyhow::Result<JetClient> {
    let mut opts = ConnectOptions::from_env()?;
    opts.address = t.target.clone();
    let c = JetClient::connect(opts)
        .await
        .with_context(|| format!("connecting to {}", t.target))?;
    c.login(&t.user, &t.password, "jet-tool")
        .await
        .with_context(|| format!("login as {} on {}", t.user, t.target))?;
    Ok(c)
}

pub(crate) async fn deploy(package: &Path, t: &Target) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (sha256, size) = jet_pkg::hash_file(package)?;
    let c = connect(t).await?;
    let file_name = package
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    println!("Uploading {file_name} ({size} bytes) to {}", t.target);
    let mut f = std::fs::File::open(package).with_context(|| format!("{}", package.display()))?;
    let header = sw::AddRequest {
        part: Some(sw::add_request::Part::Header(sw::PackageHeader {
            file_name,
            size,
            sha256,
        })),
    };
    // The file is read a chunk at a time as the stream is polled (never held whole);
    // progress every 10%. A read error ends the stream early: the device then refuses
    // the upload for its size, and the error is printed here.
    let mut sent = 0u64;
    let mut next_report = size / 10;
    let path = package.to_owned();
    let chunks = std::iter::from_fn(move || {
        let mut buf = vec![0u8; CHUNK];
        match f.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                sent += n as u64;
                if sent >= next_report && size > 0 {
                    println!("  sent {sent} / {size} bytes ({}%)", sent * 100 / size);
                    next_report = sent + size / 10;
                }
                Some(sw::AddRequest {
                    part: Some(sw::add_request::Part::Chunk(buf)),
                })
            }
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                None
            }
        }
    });
    let msgs = futures::stream::iter(std::iter::once(header).chain(chunks));
    let reply = SoftwareClient::new(c.channel())
        .add(msgs)
        .await
        .map_err(|s| anyhow::anyhow!("upload refused ({:?}): {}", s.code(), s.message()))?
        .into_inner();
    if !reply.ok {
        bail!("{}", reply.error);
    }
    print!("{}", reply.output);
    println!(
        "{} {} runs from {} on {} (deployed in {} ms)",
        reply.name,
        reply.version,
        reply.app_dir,
        t.target,
        started.elapsed().as_millis()
    );
    Ok(())
}

pub(crate) async fn remove(name: &str, t: &Target) -> anyhow::Result<()> {
    let c = connect(t).await?;
    let reply = SoftwareClient::new(c.channel())
        .delete(sw::DeleteRequest { name: name.into() })
        .await
        .map_err(|s| anyhow::anyhow!("{:?}: {}", s.code(), s.message()))?
        .into_inner();
    if !reply.ok {
        bail!("{}", reply.error);
    }
    print!("{}", reply.output);
    Ok(())
}

pub(crate) async fn logs(name: &str, t: &Target) -> anyhow::Result<()> {
    jet_pkg::check_name("name", name)?;
    let c = connect(t).await?;
    let out = c
        .op_command(&format!("show log {name}"), OutputFormat::Text)
        .await?;
    print!("{out}");
    Ok(())
}
