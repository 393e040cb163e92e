//! `/proc/partitions` and a block device's `uevent`: what psutil uses to name the device
//! behind `/dev/root`.
//!
//! proc(5): "`/proc/partitions` Contains the major and minor numbers of each partition as
//! well as the number of 1024-byte blocks and the partition name." Two header lines come
//! first:
//!
//! ```text
//! major minor  #blocks  name
//!
//!    8        0  488386584 sda
//!    8        1     524288 sda1
//! ```
//!
//! sysfs-block(5) / Documentation/ABI: `/sys/dev/block/<major>:<minor>/uevent` holds
//! `KEY=value` lines, among them `DEVNAME=sda1`.

use crate::platform::linux::parse::pytext;

/// One line of `/proc/partitions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionEntry {
    /// The major number, `None` when the column is not all ASCII digits (or too large).
    pub major: Option<u64>,
    /// The minor number, likewise.
    pub minor: Option<u64>,
    /// The device name (fourth column).
    pub name: Vec<u8>,
}

/// The lines of `/proc/partitions` after the first two, those with at least four columns.
pub fn partitions(data: &[u8]) -> Vec<PartitionEntry> {
    let number = |f: &[u8]| {
        if !f.is_empty() && f.iter().all(u8::is_ascii_digit) {
            pytext::int(f)
        } else {
            None
        }
    };
    pytext::lines(data)
        .skip(2)
        .filter_map(|line| {
            let f: Vec<&[u8]> = pytext::fields(line).collect();
            let (&major, &minor, &name) = (f.first()?, f.get(1)?, f.get(3)?);
            Some(PartitionEntry {
                major: number(major),
                minor: number(minor),
                name: name.to_vec(),
            })
        })
        .collect()
}

/// The first non-empty device name of a `uevent` file: the text after the last `DEVNAME=`
/// of a (stripped) line starting with `DEVNAME=`.
pub fn uevent_devname(data: &[u8]) -> Option<Vec<u8>> {
    const KEY: &[u8] = b"DEVNAME=";
    for line in pytext::lines(data) {
        if !line.starts_with(KEY) {
            continue;
        }
        let line = pytext::strip(line);
        let mut last = 0;
        let mut i = 0;
        while let Some(rest) = line.get(i..) {
            if rest.is_empty() {
                break;
            }
            if rest.starts_with(KEY) {
                last = i + KEY.len();
            }
            i += 1;
        }
        let name = line.get(last..).unwrap_or_default();
        if !name.is_empty() {
            return Some(name.to_vec());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_lines() {
        let data = b"major minor  #blocks  name\n\n   8   0  100 sda\n   8   1  50 sda1\n 8 x 1 bad\n8 2 3\n";
        let v = partitions(data);
        assert_eq!(v.len(), 3);
        assert_eq!(
            v[0],
            PartitionEntry {
                major: Some(8),
                minor: Some(0),
                name: b"sda".to_vec()
            }
        );
        assert_eq!(v[1].name, b"sda1");
        assert_eq!((v[2].major, v[2].minor), (Some(8), None));
        // The header lines are skipped whatever they hold.
        assert!(partitions(b"8 0 1 sda\n8 1 1 sda1\n").is_empty());
        assert!(partitions(b"").is_empty());
    }

    #[test]
    fn devname() {
        assert_eq!(
            uevent_devname(b"MAJOR=8\nMINOR=1\nDEVNAME=sda1\nDEVTYPE=partition\n"),
            Some(b"sda1".to_vec())
        );
        assert_eq!(
            uevent_devname(b"DEVNAME=\nDEVNAME=b \n"),
            Some(b"b".to_vec())
        );
        assert_eq!(uevent_devname(b"DEVNAME=aDEVNAME=c\n"), Some(b"c".to_vec()));
        assert_eq!(uevent_devname(b" DEVNAME=x\n"), None);
        assert_eq!(uevent_devname(b""), None);
    }
}
