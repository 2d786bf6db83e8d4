//! jet-jsd (skeleton)
