//! jet-testkit (skeleton)
