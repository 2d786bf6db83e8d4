//! `request system software add PATH` and `request system software delete NAME`: app
//! packages in and out (the checks are `jet_pkg`'s, the store is `packages/`).
//!
//! PATH is absolute or relative to the data directory. The output is text lines, and in
//! XML/JSON Junos's `<package-result>` (0 on success) with the lines in `<output>`.

use std::path::PathBuf;

use crate::device::Device;
use crate::error::DeviceError;
use crate::output::{Element, Format};
use crate::packages::Installed;

/// `request system software add PATH`.
pub(super) fn parse_add(rest: &[&str]) -> Result<String, DeviceError> {
    match rest {
        [path] => Ok(path.to_string()),
        [] => Err(DeviceError::syntax(
            "missing argument: request system software add PATH".into(),
        )),
        _ => Err(DeviceError::syntax(format!(
            "unexpected argument '{}' after the package path",
            rest[1]
        ))),
    }
}

/// `request system software delete NAME`.
pub(super) fn parse_delete(rest: &[&str]) -> Result<String, DeviceError> {
    match rest {
        [name] => Ok(name.to_string()),
        [] => Err(DeviceError::syntax(
            "missing argument: request system software delete NAME".into(),
        )),
        _ => Err(DeviceError::syntax(format!(
            "unexpected argument '{}' after the package name",
            rest[1]
        ))),
    }
}

pub(super) async fn add(dev: &Device, path: &str, format: Format) -> Result<String, DeviceError> {
    let p = PathBuf::from(path);
    let full = if p.is_absolute() {
        p
    } else {
        dev.data_dir().join(p)
    };
    let i = dev.packages().add(full, path.to_string()).await?;
    Ok(render(install_report(&i), format))
}

/// What `request system software add` prints for an installed package, line by line
/// (the upload RPC's output too).
pub fn install_report(i: &Installed) -> Vec<String> {
    let m = &i.manifest;
    let mut lines = vec![
        format!(
            "Verified manifest signed by provider {} key {} method ED25519+SHA256",
            m.provider, i.key_id
        ),
        format!(
            "Verified {} file{} ({} bytes, sha256) in {} ms",
            m.files.len(),
            if m.files.len() == 1 { "" } else { "s" },
            m.files.iter().map(|f| f.size).sum::<u64>(),
            i.verify_time.as_millis()
        ),
    ];
    match &i.upgraded_from {
        Some(from) => lines.push(format!(
            "Upgrading package {} from {from} to {}",
            m.name, m.version
        )),
        None => lines.push(format!(
            "Installing package {} version {}",
            m.name, m.version
        )),
    }
    lines.push(format!(
        "Package {} {} installed in {}",
        m.name,
        m.version,
        i.link.display()
    ));
    if let (Some(from), Some(window)) = (&i.upgraded_from, i.probation) {
        lines.push(format!(
            "Version {} is on probation for {} s: if it crash-loops, {from} is restored",
            m.version,
            window.as_secs()
        ));
    }
    lines
}

pub(super) async fn delete(
    dev: &Device,
    name: &str,
    format: Format,
) -> Result<String, DeviceError> {
    let version = dev.packages().delete(name).await?;
    Ok(render(
        vec![format!("Package {name} version {version} removed")],
        format,
    ))
}

fn render(lines: Vec<String>, format: Format) -> String {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let e = Element::container("software-package-results")
        .child(Element::leaf("package-result", "0"))
        .child(Element::leaf("output", text.trim_end()));
    match format {
        Format::Text => text,
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
    }
}
