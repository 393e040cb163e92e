//! The Linux backend of [`crate::cpu`].
