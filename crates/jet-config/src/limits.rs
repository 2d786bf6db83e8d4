//! Fixed sizes of the configuration database, shared by the store and its error
//! messages (a bottom module: it imports nothing of the crate).

/// Highest rollback number kept (`rollback 49`), so 50 files in all.
pub const MAX_ROLLBACK: usize = 49;
