//! Disks: partitions, usage and I/O counters.
