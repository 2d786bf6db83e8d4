//! The RIB's hand-written protobuf reader (RouteAdd/Modify/Update/Delete requests) agrees
//! with prost on any bytes: what it accepts, prost decodes to the same batch.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jet_rib_wire::check_against_prost(data);
});
