//! jet-proto (skeleton)
