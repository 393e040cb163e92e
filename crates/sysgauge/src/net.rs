//! Network interfaces: I/O counters, addresses and status.
