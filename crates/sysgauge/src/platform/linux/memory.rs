//! The Linux backend of [`crate::memory`].
