//! `/proc/filesystems`: the filesystem types the kernel supports.
//!
//! proc(5): "A text listing of the filesystems which are supported by the kernel ... If a
//! filesystem is marked with "nodev", this means that it does not require a block device
//! to be mounted (e.g., virtual filesystem, network filesystem)." Each line is the
//! optional word `nodev`, a tab, and the type (tabs shown as `\t`):
//!
//! ```text
//! nodev\tsysfs
//! nodev\ttmpfs
//! \text4
//! ```
//!
//! psutil's `disk_partitions(all=False)` keeps the mounts whose type needs a device, plus
//! `zfs`, which registers as `nodev` although it is backed by disks.

use std::collections::BTreeSet;

use crate::platform::linux::parse::pytext;

/// The filesystem types psutil counts as physical: each line stripped of whitespace when it
/// does not start with `nodev`, and `zfs` when a `nodev` line's second tab-separated word is
/// `zfs`. As in psutil, a blank line contributes the empty type.
pub fn physical_fstypes(data: &[u8]) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    for line in pytext::lines(data) {
        let line = pytext::strip(line);
        if !line.starts_with(b"nodev") {
            out.insert(line.to_vec());
        } else if line.split(|&b| b == b'\t').nth(1) == Some(b"zfs") {
            out.insert(b"zfs".to_vec());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_and_zfs() {
        let data = b"nodev\tsysfs\nnodev\ttmpfs\n\text4\n\txfs\r\nnodev\tzfs\nnodev zfs\nnodev\n";
        let set = physical_fstypes(data);
        let want: BTreeSet<Vec<u8>> = [&b"ext4"[..], b"xfs", b"zfs"]
            .iter()
            .map(|s| s.to_vec())
            .collect();
        assert_eq!(set, want);
        assert!(physical_fstypes(b"nodev\tzfs2\n").is_empty());
        assert!(physical_fstypes(b"").is_empty());
        assert!(physical_fstypes(b"\n").contains(&b""[..]));
    }
}
