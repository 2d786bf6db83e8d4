//! jet-sdk (skeleton)
