//! The Linux backend of [`crate::net`].
