//! The Linux backend of [`crate::sensors`].
