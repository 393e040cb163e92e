//! `sysgauge disk-usage` (alias `df`): psutil's disk_usage.py, a clone of `df -h`.
//!
//! One line per mounted filesystem of `disk_partitions(all=False)` (the ones on a device),
//! in the order of the mounts file, under this header:
//!
//! ```text
//! Device               Total     Used     Free  Use %      Type  Mount
//! /dev/vda            252.0G    29.9G    60.9G    32%      ext4  /
//! /dev/sda1           296.0M    43.1M   252.9M    14%      vfat  /boot/efi
//! ```
//!
//! The columns, as disk_usage.py lays them out (`{:<17} {:>8} {:>8} {:>8} {:>5}% {:>9}
//! {}`): the device left-aligned in 17; total, used and free of `disk_usage(mountpoint)`
//! through `bytes2human`, right-aligned in 8; the percentage truncated to an integer
//! (`int(percent)`: 32.9 is `32`, where `df` rounds up to 33), right-aligned in 5 and
//! followed by `%`; the filesystem type right-aligned in 9; two spaces and the mount point.
//!
//! `used` counts the blocks in use and `free` the blocks an unprivileged user may have, so
//! `total` is more than `used + free` by the blocks reserved for root, as in `df`.
//!
//! Where `disk_usage()` fails for one mount point (the script stops there with a
//! traceback), that line shows `?` in the four usage columns and the others go on; with
//! `--json` those fields are `null`. Paths that are not UTF-8 are shown with U+FFFD.
//!
//! With `--json`, a list with one object per filesystem: psutil's `sdiskpart` fields
//! (`device`, `mountpoint`, `fstype`, `opts`) followed by its `sdiskusage` fields (`total`,
//! `used`, `free` in bytes, `percent` rounded to one decimal).

use serde::Serialize;
use sysgauge::{bytes2human, DiskPartition, DiskUsage};

/// Options of `sysgauge disk-usage`.
#[derive(clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// One filesystem: its partition and, when it could be read, its usage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// psutil's `sdiskpart.device`.
    pub device: String,
    /// psutil's `sdiskpart.mountpoint`.
    pub mountpoint: String,
    /// psutil's `sdiskpart.fstype`.
    pub fstype: String,
    /// psutil's `sdiskpart.opts`.
    pub opts: String,
    /// psutil's `sdiskusage.total`, bytes; `None` when the usage could not be read.
    pub total: Option<u64>,
    /// psutil's `sdiskusage.used`, bytes.
    pub used: Option<u64>,
    /// psutil's `sdiskusage.free`, bytes.
    pub free: Option<u64>,
    /// psutil's `sdiskusage.percent`.
    pub percent: Option<f64>,
}

impl Row {
    /// The row of `part`, with `usage` when it was read.
    pub fn new(part: &DiskPartition, usage: Option<&DiskUsage>) -> Row {
        Row {
            device: part.device.to_string_lossy().into_owned(),
            mountpoint: part.mountpoint.to_string_lossy().into_owned(),
            fstype: part.fstype.clone(),
            opts: part.opts.clone(),
            total: usage.map(|u| u.total),
            used: usage.map(|u| u.used),
            free: usage.map(|u| u.free),
            percent: usage.map(|u| u.percent),
        }
    }
}

/// One line in disk_usage.py's layout.
fn templ(cells: [&str; 7]) -> String {
    let [device, total, used, free, percent, fstype, mount] = cells;
    format!("{device:<17} {total:>8} {used:>8} {free:>8} {percent:>5}% {fstype:>9}  {mount}")
}

/// disk_usage.py's header line.
pub fn header() -> String {
    templ(["Device", "Total", "Used", "Free", "Use ", "Type", "Mount"])
}

/// disk_usage.py's line for `row`.
pub fn line(row: &Row) -> String {
    let size = |v: Option<u64>| v.map(bytes2human).unwrap_or_else(|| "?".into());
    // Python's int() truncates toward zero; percent is never negative.
    let percent = row
        .percent
        .map(|p| format!("{}", p.trunc() as i64))
        .unwrap_or_else(|| "?".into());
    templ([
        &row.device,
        &size(row.total),
        &size(row.used),
        &size(row.free),
        &percent,
        &row.fstype,
        &row.mountpoint,
    ])
}

/// The rows of every filesystem `disk_partitions(false)` lists.
pub fn collect() -> sysgauge::Result<Vec<Row>> {
    Ok(sysgauge::disk_partitions(false)?
        .iter()
        .map(|part| Row::new(part, sysgauge::disk_usage(&part.mountpoint).ok().as_ref()))
        .collect())
}

/// Lists the mounted filesystems: disk_usage.py's table, or JSON with `--json`.
pub fn run(args: &Args) -> sysgauge::Result<()> {
    let rows = collect()?;
    if args.json {
        return super::print_json(&rows);
    }
    super::print_lines(std::iter::once(header()).chain(rows.iter().map(line)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_disk_usage_py() {
        assert_eq!(
            header(),
            "Device               Total     Used     Free  Use %      Type  Mount"
        );
        let part = DiskPartition {
            device: "/dev/sdb3".into(),
            mountpoint: "/".into(),
            fstype: "ext4".into(),
            opts: "rw".into(),
        };
        let usage = DiskUsage {
            total: 20_293_720_064,
            used: 15_783_976_960,
            free: 3_543_348_224,
            percent: 81.7,
        };
        assert_eq!(
            line(&Row::new(&part, Some(&usage))),
            "/dev/sdb3            18.9G    14.7G     3.3G    81%      ext4  /"
        );
        assert_eq!(
            line(&Row::new(&part, None)),
            "/dev/sdb3                ?        ?        ?     ?%      ext4  /"
        );
    }
}
