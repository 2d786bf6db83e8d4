//! jet-device (skeleton)
