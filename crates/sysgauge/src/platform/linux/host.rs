//! The Linux backend of [`crate::host`].
