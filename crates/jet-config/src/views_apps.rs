//! Typed views of `system extensions extension-service application`: the on-box
//! applications the device runs, with Junos defaults filled in.

use crate::config::Config;
use crate::tree::{self, Node};
use crate::views::{leaf, list_entries, num};
use crate::views_net::bandwidth;

const APPLICATION: &[&str] = &["system", "extensions", "extension-service", "application"];
const FILES: &[&str] = &[
    "system",
    "extensions",
    "extension-service",
    "application",
    "file",
];

/// The digest algorithm of `checksum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlgo {
    /// `md5`.
    Md5,
    /// `sha1`.
    Sha1,
    /// `sha-256`.
    Sha256,
}

impl ChecksumAlgo {
    /// The keyword as configured.
    pub fn as_str(self) -> &'static str {
        match self {
            ChecksumAlgo::Md5 => "md5",
            ChecksumAlgo::Sha1 => "sha1",
            ChecksumAlgo::Sha256 => "sha-256",
        }
    }
}

/// `system extensions extension-service application file NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionAppCfg {
    /// File name (under the device's `scripts/jet` directory).
    pub file: String,
    /// `arguments`.
    pub arguments: Option<String>,
    /// `daemonize`.
    pub daemonize: bool,
    /// `respawn-on-normal-exit`.
    pub respawn_on_normal_exit: bool,
    /// `username`.
    pub username: Option<String>,
    /// `routing-instance`.
    pub routing_instance: Option<String>,
    /// `interpreter` (`bash`, `python`, `python3`, `sh`).
    pub interpreter: Option<String>,
    /// `optional`: commit even when the file is missing.
    pub optional: bool,
    /// `checksum ALGO HEX`.
    pub checksum: Option<(ChecksumAlgo, String)>,
    /// `start start-options mem-factor`: percentage of `max-datasize`.
    pub mem_factor: Option<u8>,
    /// `resource-limits cpu-time` (seconds).
    pub cpu_time: Option<u64>,
    /// `resource-limits open-files`.
    pub open_files: Option<u64>,
}

fn has(children: &[Node], name: &str) -> bool {
    tree::child(children, name).is_some()
}

impl Config {
    /// `system extensions extension-service application file` entries.
    pub fn extension_apps(&self) -> Vec<ExtensionAppCfg> {
        let cfg = self.effective();
        list_entries(&cfg, FILES)
            .iter()
            .map(|f| {
                let c = &f.children;
                let checksum = tree::child(c, "checksum").and_then(|n| {
                    let cc = n.children();
                    [
                        ("md5", ChecksumAlgo::Md5),
                        ("sha1", ChecksumAlgo::Sha1),
                        ("sha-256", ChecksumAlgo::Sha256),
                    ]
                    .into_iter()
                    .find_map(|(w, a)| leaf(cc, w).map(|h| (a, h.to_ascii_lowercase())))
                });
                let start_opts = tree::child(c, "start")
                    .and_then(|s| tree::child(s.children(), "start-options"))
                    .map(Node::children)
                    .unwrap_or(&[]);
                let limits = tree::child(c, "resource-limits")
                    .map(Node::children)
                    .unwrap_or(&[]);
                ExtensionAppCfg {
                    file: f.key.clone(),
                    arguments: leaf(c, "arguments").map(str::to_owned),
                    daemonize: has(c, "daemonize"),
                    respawn_on_normal_exit: has(c, "respawn-on-normal-exit"),
                    username: leaf(c, "username").map(str::to_owned),
                    routing_instance: leaf(c, "routing-instance").map(str::to_owned),
                    interpreter: leaf(c, "interpreter").map(str::to_owned),
                    optional: has(c, "optional"),
                    checksum,
                    mem_factor: num(start_opts, "mem-factor"),
                    cpu_time: num(limits, "cpu-time"),
                    open_files: num(limits, "open-files"),
                }
            })
            .collect()
    }

    /// `system extensions extension-service application max-datasize`, in bytes.
    pub fn extension_apps_max_datasize(&self) -> Option<u64> {
        let cfg = self.effective();
        let app = cfg.node_at(APPLICATION)?;
        bandwidth(leaf(app.children(), "max-datasize")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_files_read_with_limits_and_checksum() {
        let cfg = Config::parse_text(
            r#"system { extensions { extension-service { application {
                max-datasize 64m;
                file a.py { arguments "-v 1"; daemonize; interpreter python3; username admin;
                    checksum sha-256 ABCD; start { start-options { mem-factor 50; } }
                    resource-limits { cpu-time 10; open-files 64; } }
                file b.sh { optional; }
            } } } }"#,
        )
        .expect("parses");
        let apps = cfg.extension_apps();
        assert_eq!(apps.len(), 2);
        assert_eq!(apps[0].file, "a.py");
        assert_eq!(apps[0].arguments.as_deref(), Some("-v 1"));
        assert!(apps[0].daemonize && !apps[0].optional);
        assert_eq!(apps[0].interpreter.as_deref(), Some("python3"));
        assert_eq!(
            apps[0].checksum,
            Some((ChecksumAlgo::Sha256, "abcd".to_owned()))
        );
        assert_eq!(apps[0].mem_factor, Some(50));
        assert_eq!(apps[0].cpu_time, Some(10));
        assert_eq!(apps[0].open_files, Some(64));
        assert!(apps[1].optional && !apps[1].daemonize);
        assert_eq!(cfg.extension_apps_max_datasize(), Some(64_000_000));
    }
}
