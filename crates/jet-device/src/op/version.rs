//! `show version` / `<get-software-information/>`.

use crate::device::Device;
use crate::output::{Element, Format};

/// The Junos release whose JET API this device implements.
pub(crate) const JUNOS_VERSION: &str = "24.4R1";
/// Model and product name of the simulated device.
pub(crate) const MODEL: &str = "vjet";

pub(super) fn render(dev: &Device, format: Format) -> String {
    let host = dev
        .committed()
        .config
        .host_name()
        .unwrap_or("jetd")
        .to_owned();
    let ours = format!("OpenJET jetd [{}]", env!("CARGO_PKG_VERSION"));
    let packages = dev.packages().current();
    let mut e = Element::container("software-information")
        .child(Element::leaf("host-name", &host))
        .child(Element::leaf("product-model", MODEL))
        .child(Element::leaf("product-name", MODEL))
        .child(Element::leaf("junos-version", JUNOS_VERSION))
        .child(
            Element::container("package-information")
                .child(Element::leaf("name", "openjet"))
                .child(Element::leaf("comment", &ours)),
        );
    let mut text = format!("Hostname: {host}\nModel: {MODEL}\nJunos: {JUNOS_VERSION}\n{ours}\n");
    // Installed app packages, one package-information each, as Junos lists its packages.
    for (name, p) in &packages.packages {
        let v = &p.manifest.version;
        let comment = format!("JET app {name} [{v}]");
        e.push(
            Element::container("package-information")
                .child(Element::leaf("name", name))
                .child(Element::leaf("package-name", format!("{name}-{v}")))
                .child(Element::leaf("comment", &comment)),
        );
        text.push_str(&comment);
        text.push('\n');
    }
    match format {
        Format::Xml => e.to_cli_xml(),
        Format::Json => e.to_json(),
        Format::Text => text,
    }
}
