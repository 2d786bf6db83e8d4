//! Clients of the older JET generation (`routing.Rib`, `routing.Base`, `routing.BgpRoute`,
//! `routing.RoutingInterface`, `routing.FlexibleTunnel`, `registration.Register`, dcd's
//! `interface.*`, the legacy Login), generated from the `1/` folder of the same juniper-jet package:
//! juniper-jet itself only builds the `2/` folder. The folder is found in cargo's registry
//! cache (where cargo has just unpacked juniper-jet as our dependency), or given as
//! `$JUNIPER_JET_1`.

use std::path::PathBuf;

fn juniper_1() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("JUNIPER_JET_1") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry").join("src");
    std::fs::read_dir(src).ok()?.flatten().find_map(|d| {
        let p = d
            .path()
            .join("juniper-jet-0.1.0-alpha.1/protos/23.1/23.1R1.8/1");
        p.is_dir().then_some(p)
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-env-changed=JUNIPER_JET_1");
    let dir = juniper_1().ok_or("juniper-jet 0.1.0-alpha.1's protos/23.1/23.1R1.8/1 not found")?;
    let files: Vec<PathBuf> = [
        "authentication_service.proto",
        "rib_service.proto",
        "prpd_service.proto",
        "bgp_route_service.proto",
        "routing_interface_service.proto",
        "flexible_tunnel_service.proto",
        "registration_service.proto",
        "dcd_service.proto",
    ]
    .iter()
    .map(|f| dir.join(f))
    .collect();
    tonic_build::configure()
        .build_server(false)
        .include_file("legacy.rs")
        .compile(&files, &[dir])?;
    Ok(())
}
