//! The Linux backend of [`crate::disk`].
