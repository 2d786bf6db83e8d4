//! jet-config (skeleton)
