//! `/proc/diskstats` and `/sys/block/<dev>[/<part>]/stat`: block device I/O statistics.
//!
//! Documentation/admin-guide/iostats.rst: each `/proc/diskstats` line is
//! `major minor name` followed by the statistics fields:
//!
//! ```text
//! Field  1 -- # of reads completed
//! Field  2 -- # of reads merged
//! Field  3 -- # of sectors read
//! Field  4 -- # of milliseconds spent reading
//! Field  5 -- # of writes completed
//! Field  6 -- # of writes merged
//! Field  7 -- # of sectors written
//! Field  8 -- # of milliseconds spent writing
//! Field  9 -- # of I/Os currently in progress
//! Field 10 -- # of milliseconds spent doing I/Os
//! Field 11 -- weighted # of milliseconds spent doing I/Os
//! Fields 12..15 -- discards completed, merged, sectors, milliseconds (4.18+)
//! Fields 16..17 -- flush requests completed, milliseconds spent flushing (5.5+)
//! ```
//!
//! So a line has 14, 18 or 20 columns. Linux 2.6 before 2.6.25 wrote partitions with only
//! four statistics (`major minor name reads sectors_read writes sectors_written`: 7
//! columns), and Linux 2.4's `/proc/partitions` layout had 15 columns with the name fourth
//! (`major minor #blocks name` then the fields). psutil 7.2.2 reads 7, 14, 15 and 18-or-more
//! columns that way and rejects any other count; so does [`diskstats`].
//!
//! The sysfs `stat` file of a disk or partition holds the same statistics without the
//! first three columns (11, 15 or 17 values); [`block_stat`] takes its first ten.
//!
//! Sectors are 512 bytes whatever the device's sector size (the block layer counts in
//! 512-byte units); times are milliseconds.

use crate::error::ParseError;
use crate::platform::linux::parse::pytext;

/// One device's statistics, in the kernel's units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiskStat {
    /// Reads completed.
    pub reads: u64,
    /// Writes completed.
    pub writes: u64,
    /// 512-byte sectors read.
    pub read_sectors: u64,
    /// 512-byte sectors written.
    pub write_sectors: u64,
    /// Milliseconds spent reading.
    pub read_time: u64,
    /// Milliseconds spent writing.
    pub write_time: u64,
    /// Adjacent reads merged into one.
    pub reads_merged: u64,
    /// Adjacent writes merged into one.
    pub writes_merged: u64,
    /// Milliseconds spent doing I/Os (`io_ticks`).
    pub busy_time: u64,
}

fn ints(fields: &[&[u8]]) -> Result<Vec<u64>, ParseError> {
    fields
        .iter()
        .map(|f| {
            pytext::int(f).ok_or_else(|| {
                ParseError::new(format!(
                    "not an unsigned integer: {:?}",
                    String::from_utf8_lossy(f)
                ))
            })
        })
        .collect()
}

/// The ten statistics psutil reads, in the kernel's order (fields 1-10 above, the ninth,
/// in-flight I/Os, included).
fn from_kernel_order(v: &[u64]) -> Option<DiskStat> {
    let &[reads, reads_merged, read_sectors, read_time, writes, writes_merged, write_sectors, write_time, _in_flight, busy_time, ..] =
        v
    else {
        return None;
    };
    Some(DiskStat {
        reads,
        writes,
        read_sectors,
        write_sectors,
        read_time,
        write_time,
        reads_merged,
        writes_merged,
        busy_time,
    })
}

/// Every line of `/proc/diskstats` as (device name, statistics), in file order.
///
/// Columns as psutil reads them: 15 (Linux 2.4: reads third, name fourth), 14 or 18 and more
/// (name third, then the fields; only the first eleven are read), 7 (an old kernel's
/// partition: reads, sectors read, writes, sectors written; the other values are 0). Any
/// other column count, an empty line included, is an error, and so is a read value that is
/// not an unsigned integer.
pub fn diskstats(data: &[u8]) -> Result<Vec<(String, DiskStat)>, ParseError> {
    let mut out = Vec::new();
    for line in pytext::lines(data) {
        let f: Vec<&[u8]> = pytext::fields(line).collect();
        let bad = || {
            ParseError::new(format!(
                "cannot interpret a line of {} columns: {:?}",
                f.len(),
                String::from_utf8_lossy(line)
            ))
        };
        let (name, stat) = match f.len() {
            15 => {
                // Linux 2.4: `major minor #blocks name reads ...`: psutil takes the third
                // column as the read count and the fields after the name from the second.
                let name = f.get(3).ok_or_else(bad)?;
                let reads = ints(f.get(2..3).ok_or_else(bad)?)?;
                let rest = ints(f.get(4..14).ok_or_else(bad)?)?;
                let &[reads_merged, read_sectors, read_time, writes, writes_merged, write_sectors, write_time, _, busy_time, _] =
                    rest.as_slice()
                else {
                    return Err(bad());
                };
                let stat = DiskStat {
                    reads: reads.first().copied().ok_or_else(bad)?,
                    writes,
                    read_sectors,
                    write_sectors,
                    read_time,
                    write_time,
                    reads_merged,
                    writes_merged,
                    busy_time,
                };
                (name, stat)
            }
            n if n == 14 || n >= 18 => {
                let name = f.get(2).ok_or_else(bad)?;
                let v = ints(f.get(3..14).ok_or_else(bad)?)?;
                (name, from_kernel_order(&v).ok_or_else(bad)?)
            }
            7 => {
                let name = f.get(2).ok_or_else(bad)?;
                let v = ints(f.get(3..7).ok_or_else(bad)?)?;
                let &[reads, read_sectors, writes, write_sectors] = v.as_slice() else {
                    return Err(bad());
                };
                let stat = DiskStat {
                    reads,
                    writes,
                    read_sectors,
                    write_sectors,
                    ..DiskStat::default()
                };
                (name, stat)
            }
            _ => return Err(bad()),
        };
        out.push((String::from_utf8_lossy(name).into_owned(), stat));
    }
    Ok(out)
}

/// The statistics of a sysfs block `stat` file (`/sys/block/sda/stat`,
/// `/sys/block/sda/sda1/stat`): its first ten values, which must be unsigned integers;
/// fewer than ten values is an error.
pub fn block_stat(data: &[u8]) -> Result<DiskStat, ParseError> {
    let f: Vec<&[u8]> = pytext::fields(data).take(10).collect();
    if f.len() < 10 {
        return Err(ParseError::new(format!(
            "{} values where at least 10 are expected",
            f.len()
        )));
    }
    let v = ints(&f)?;
    from_kernel_order(&v).ok_or_else(|| ParseError::new("fewer than 10 values"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(v: [u64; 9]) -> DiskStat {
        let [reads, writes, read_sectors, write_sectors, read_time, write_time, reads_merged, writes_merged, busy_time] =
            v;
        DiskStat {
            reads,
            writes,
            read_sectors,
            write_sectors,
            read_time,
            write_time,
            reads_merged,
            writes_merged,
            busy_time,
        }
    }

    #[test]
    fn every_layout() {
        let data = b"\
   3    0   8 hda 1 2 3 4 5 6 7 8 9 10 11
   8    0 sda 1 2 3 4 5 6 7 8 9 10 11
   8    1 sda1 1 2 3 4
 254    0 vda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
 259    0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17
 259    1 x 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21
";
        let v = diskstats(data).unwrap();
        let names: Vec<&str> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["hda", "sda", "sda1", "vda", "nvme0n1", "x"]);
        // 15 columns: reads is the third column (8), the rest from the fifth.
        assert_eq!(v[0].1, stat([8, 4, 2, 6, 3, 7, 1, 5, 9]));
        let modern = stat([1, 5, 3, 7, 4, 8, 2, 6, 10]);
        assert_eq!(v[1].1, modern);
        assert_eq!(v[2].1, stat([1, 3, 2, 4, 0, 0, 0, 0, 0]));
        for (_, s) in &v[3..] {
            assert_eq!(*s, modern);
        }
    }

    #[test]
    fn rejects_what_psutil_rejects() {
        assert!(diskstats(b"8 0 sda 1 2 3\n").is_err());
        assert!(diskstats(b"8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14\n").is_err()); // 17
        assert!(diskstats(b"8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n\n").is_err()); // empty line
        assert!(diskstats(b"8 0 sda 1 2 -3 4 5 6 7 8 9 10 11\n").is_err());
        assert!(diskstats(b"8 0 sda 1 x 3 4\n").is_err());
        // The in-flight and weighted columns are read too.
        assert!(diskstats(b"8 0 sda 1 2 3 4 5 6 7 8 x 10 11\n").is_err());
        // Columns after the eleventh are not.
        assert!(diskstats(b"8 0 sda 1 2 3 4 5 6 7 8 9 10 11 x y z w\n").is_ok());
        // The major and minor numbers are not read.
        assert!(diskstats(b"x y sda 1 2 3 4\n").is_ok());
        assert_eq!(diskstats(b"").unwrap(), vec![]);
    }

    #[test]
    fn sysfs_stat() {
        let s = block_stat(b"   1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n").unwrap();
        assert_eq!(s, stat([1, 5, 3, 7, 4, 8, 2, 6, 10]));
        assert!(block_stat(b"1 2 3 4 5 6 7 8 9 10\n").is_ok());
        assert!(block_stat(b"1 2 3 4 5 6 7 8 9\n").is_err());
        assert!(block_stat(b"1 2 3 4 5 6 7 8 9 x 11\n").is_err());
        assert!(block_stat(b"1 2 3 4 5 6 7 8 9 10 x\n").is_ok());
    }
}
