//! The BGP route service's hand-written protobuf reader (RouteAdd/Modify/Update requests)
//! agrees with prost and `set_batch` on any bytes: what it accepts, prost decodes to the
//! same batch with no form error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jet_rib_wire::check_bgp_against_prost(data);
});
