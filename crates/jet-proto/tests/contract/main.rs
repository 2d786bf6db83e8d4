//! Contract tests for jet-proto: the checked-in descriptor set matches the method
//! catalogue, the generated types put the right bytes on the wire, and a generated
//! server and client talk to each other.
//! (Freshness of the generated code is checked separately by `tests/codegen_fresh.rs`.)

mod descriptor;
mod grpc;
mod wire;
