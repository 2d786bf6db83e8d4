//! `show system storage` / `<get-system-storage/>`: the file system that holds the data
//! directory, as `df -h` (and Junos) print it.
//!
//! ```text
//! Filesystem              Size       Used      Avail  Capacity  Mounted on
//! /dev/sda1               20G       1.2G        17G        7%  /
//! ```
//! XML: `system-storage-information` > `filesystem` with `filesystem-name`,
//! `total-blocks`, `used-blocks`, `available-blocks` (512-byte blocks, `junos:format`
//! holding the human size), `used-percent`, `mounted-on`.

use std::path::{Path, PathBuf};

use crate::device::Device;
use crate::error::DeviceError;
use crate::output::{Element, Format};

const HEADER: &str = "Filesystem              Size       Used      Avail  Capacity  Mounted on\n";

/// One file system's figures, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Usage {
    name: String,
    mount: String,
    total: u64,
    used: u64,
    avail: u64,
}

pub(super) async fn render(dev: &Device, format: Format) -> Result<String, DeviceError> {
    let dir = dev.data_dir().to_path_buf();
    let usage = tokio::task::spawn_blocking(move || measure(&dir))
        .await
        .map_err(|_| DeviceError::ShuttingDown)??;
    Ok(render_usage(&usage, format))
}

/// `statvfs` of the data directory, named after the mount it lives on.
// `c_ulong` and `fsblkcnt_t` are 32 bits on some targets: the conversions are not useless
// everywhere.
#[allow(clippy::useless_conversion)]
fn measure(dir: &Path) -> Result<Usage, DeviceError> {
    let st = nix::sys::statvfs::statvfs(dir).map_err(|e| {
        DeviceError::io(
            format!("measuring the file system of {}", dir.display()),
            std::io::Error::from(e),
        )
    })?;
    let frag = u64::from(st.fragment_size()).max(1);
    let total = u64::from(st.blocks()) * frag;
    let free = u64::from(st.blocks_free()) * frag;
    let avail = u64::from(st.blocks_available()) * frag;
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let (name, mount) = mount_of(&canonical)
        .unwrap_or_else(|| ("jetd-data".to_owned(), canonical.display().to_string()));
    Ok(Usage {
        name,
        mount,
        total,
        used: total.saturating_sub(free),
        avail,
    })
}

/// The device and mount point of the longest mount that contains `path`
/// (`/proc/self/mounts`; absent on systems without it).
fn mount_of(path: &Path) -> Option<(String, String)> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let dev = f.next()?;
            let mnt = f.next()?.replace("\\040", " ");
            path.starts_with(PathBuf::from(&mnt))
                .then(|| (dev.to_owned(), mnt))
        })
        .max_by_key(|(_, m)| m.len())
}

/// `df -h` sizes: `17G`, `1.2G`, `512M`, `0B` (powers of 1024; one decimal below 10).
fn human(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "K", "M", "G", "T", "P"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes}B")
    } else if v < 10.0 {
        format!("{:.1}{}", (v * 10.0).ceil() / 10.0, UNITS[u])
    } else {
        format!("{:.0}{}", v.ceil(), UNITS[u])
    }
}

/// Used share of the space a user can have, rounded up (as `df` does).
fn capacity(u: &Usage) -> u64 {
    let denom = u.used + u.avail;
    if denom == 0 {
        return 0;
    }
    (u.used * 100).div_ceil(denom)
}

fn render_usage(u: &Usage, format: Format) -> String {
    let cap = capacity(u);
    let blocks = |b: u64| (b / 512).to_string();
    let fs = Element::container("filesystem")
        .child(Element::leaf("filesystem-name", &u.name))
        .child(Element::leaf("total-blocks", blocks(u.total)).attr("junos:format", human(u.total)))
        .child(Element::leaf("used-blocks", blocks(u.used)).attr("junos:format", human(u.used)))
        .child(
            Element::leaf("available-blocks", blocks(u.avail)).attr("junos:format", human(u.avail)),
        )
        .child(Element::leaf("used-percent", cap.to_string()))
        .child(Element::leaf("mounted-on", &u.mount));
    let e = Element::container("system-storage-information")
        .xmlns("junos")
        .child(fs);
    match format {
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
        Format::Text => {
            let name = if u.name.len() < 20 {
                format!("{:<20}", u.name)
            } else {
                // Junos, like df, puts a long name on a line of its own.
                format!("{}\n{:<20}", u.name, "")
            };
            format!(
                "{HEADER}{name}{:>8}{:>11}{:>11}{:>9}%  {}\n",
                human(u.total),
                human(u.used),
                human(u.avail),
                cap,
                u.mount
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: u64 = 1024 * 1024 * 1024;

    fn sample() -> Usage {
        Usage {
            name: "/dev/sda1".into(),
            mount: "/".into(),
            total: 20 * G,
            used: G + G / 5,
            avail: 17 * G,
        }
    }

    #[test]
    fn text_lines_up_under_the_header() {
        let out = render_usage(&sample(), Format::Text);
        assert_eq!(
            out,
            "Filesystem              Size       Used      Avail  Capacity  Mounted on
/dev/sda1                20G       1.2G        17G        7%  /
"
        );
    }

    #[test]
    fn xml_counts_512_byte_blocks_and_formats_sizes() {
        let out = render_usage(&sample(), Format::Xml);
        assert!(
            out.contains("<total-blocks junos:format=\"20G\">41943040</total-blocks>"),
            "{out}"
        );
        assert!(out.contains("<used-percent>7</used-percent>"));
        assert!(out.contains("<mounted-on>/</mounted-on>"));
    }

    #[test]
    fn sizes_are_human_like_df() {
        assert_eq!(human(0), "0B");
        assert_eq!(human(512 * 1024 * 1024), "512M");
        assert_eq!(human(G + G / 5), "1.2G");
        assert_eq!(human(17 * G), "17G");
    }

    #[test]
    fn the_data_directory_is_measured() {
        let dir = tempfile::tempdir().expect("tempdir");
        let u = measure(dir.path()).expect("statvfs");
        assert!(u.total > 0 && u.total >= u.used);
        assert!(dir.path().starts_with(&u.mount), "{u:?}");
    }
}
