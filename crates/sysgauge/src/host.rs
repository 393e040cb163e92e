//! The host: boot time and logged-in users.
