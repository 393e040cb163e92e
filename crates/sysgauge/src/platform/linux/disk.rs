//! The Linux backend of [`crate::disk`].
//!
//! - partitions: the mounts file (`/etc/mtab` or `<procfs>/self/mounts`), filtered by
//!   `<procfs>/filesystems`, with `/dev/root` resolved as psutil's `RootFsDeviceFinder`;
//! - usage: `statvfs(2)` and psutil's formula;
//! - I/O counters: `<procfs>/diskstats`, or the `stat` files under `<sysfs>/block`.

use std::collections::{BTreeMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::disk::{DiskIoCounters, DiskPartition, DiskUsage};
use crate::error::{Error, Result};
use crate::platform::linux::fs;
use crate::platform::linux::parse::{diskstats, filesystems, mounts, partitions, pytext};
use crate::platform::linux::sys::statvfs;
use crate::roots::Roots;

/// The block layer's sector: `/proc/diskstats` counts 512-byte units on every device.
const SECTOR_SIZE: u64 = 512;

// ---------------------------------------------------------------- partitions

/// Where the root filesystem's device is looked up: the device number of `/` and the
/// directory whose entries must exist for a found name to be accepted (`/dev`).
pub(crate) struct RootDevice<'a> {
    /// Gives the (major, minor) numbers of the device holding `/`.
    pub device_of_root: &'a dyn Fn() -> Result<(u32, u32)>,
    /// The directory checked for the found name (psutil checks `/dev/<name>` exists).
    pub dev_dir: &'a Path,
}

/// The live root device: `stat("/")` and `/dev`.
fn live_root_device() -> Result<(u32, u32)> {
    statvfs::device_of(Path::new("/"))
}

/// The mounts file psutil reads: `/etc/mtab` (resolved) when the procfs root is `/proc` and
/// `/etc/mtab` is a file, else `<procfs>/self/mounts`.
pub(crate) fn mounts_path(roots: &Roots) -> PathBuf {
    let mtab = Path::new("/etc/mtab");
    // A metadata check, not a read: the read itself goes through `fs`.
    if roots.procfs().as_os_str() == "/proc" && mtab.is_file() {
        mtab.to_path_buf()
    } else {
        roots.proc("self/mounts")
    }
}

/// psutil's `disk_partitions(all)` below `roots`.
pub(crate) fn disk_partitions(roots: &Roots, all: bool) -> Result<Vec<DiskPartition>> {
    let root = RootDevice {
        device_of_root: &live_root_device,
        dev_dir: Path::new("/dev"),
    };
    disk_partitions_with(roots, all, &mounts_path(roots), &root)
}

/// [`disk_partitions`] reading `mounts_file` and resolving `/dev/root` through `root`.
pub(crate) fn disk_partitions_with(
    roots: &Roots,
    all: bool,
    mounts_file: &Path,
    root: &RootDevice<'_>,
) -> Result<Vec<DiskPartition>> {
    let physical = if all {
        None
    } else {
        let path = roots.proc("filesystems");
        Some(fs::with_file(&path, |d| {
            Ok(filesystems::physical_fstypes(d))
        })?)
    };
    let entries = fs::with_file(mounts_file, |d| Ok(mounts::mounts(d)))?;
    // Looked up at most once per call (psutil looks it up for each such line; the answer
    // is the same).
    let mut root_name: Option<Option<Vec<u8>>> = None;
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let mut device = e.device;
        if device == b"none" {
            device.clear();
        }
        if device == b"/dev/root" || device == b"rootfs" {
            let found = match &root_name {
                Some(found) => found.clone(),
                None => {
                    let found = find_root_device(roots, root)?;
                    root_name = Some(found.clone());
                    found
                }
            };
            if let Some(found) = found {
                device = found;
            }
        }
        if let Some(physical) = &physical {
            if device.is_empty() || !physical.contains(&e.fstype) {
                continue;
            }
        }
        out.push(DiskPartition {
            device: PathBuf::from(OsString::from_vec(device)),
            mountpoint: PathBuf::from(OsString::from_vec(e.mountpoint)),
            fstype: String::from_utf8_lossy(&e.fstype).into_owned(),
            opts: String::from_utf8_lossy(&e.opts).into_owned(),
        });
    }
    Ok(out)
}

/// psutil's `RootFsDeviceFinder().find()`: `/dev/<name>` for the device holding `/`, from
/// `<procfs>/partitions`, else `<sysfs>/dev/block/M:m/uevent`, else
/// `<sysfs>/class/block/*/dev`; `None` when none names it or `<dev_dir>/<name>` does not
/// exist. Failing to read a source moves on to the next one; failing to stat `/` is an error.
fn find_root_device(roots: &Roots, root: &RootDevice<'_>) -> Result<Option<Vec<u8>>> {
    let (major, minor) = (root.device_of_root)()?;
    let from_partitions = || -> Option<Vec<u8>> {
        let list =
            fs::with_file(&roots.proc("partitions"), |d| Ok(partitions::partitions(d))).ok()?;
        list.into_iter()
            .find(|p| p.major == Some(u64::from(major)) && p.minor == Some(u64::from(minor)))
            .map(|p| p.name)
            .filter(|n| !n.is_empty())
    };
    let from_dev_block = || -> Option<Vec<u8>> {
        let path = roots.sys(format!("dev/block/{major}:{minor}/uevent"));
        fs::with_file(&path, |d| Ok(partitions::uevent_devname(d))).ok()?
    };
    let from_class_block = || -> Option<Vec<u8>> {
        let needle = format!("{major}:{minor}");
        let dir = roots.sys("class/block");
        for name in fs::list_dir(&dir).ok()? {
            if name.as_bytes().starts_with(b".") {
                continue; // glob's `*` skips hidden names
            }
            match fs::read(&dir.join(&name).join("dev")) {
                Ok(data) if pytext::strip(&data) == needle.as_bytes() => {
                    return Some(name.into_vec());
                }
                Ok(_) => {}
                Err(e) if e.is_not_found() => {}
                // psutil gives up on this source at any other error.
                Err(_) => return None,
            }
        }
        None
    };
    let name = from_partitions()
        .or_else(from_dev_block)
        .or_else(from_class_block);
    Ok(name.and_then(|name| {
        let on_dev = root.dev_dir.join(OsStr::from_bytes(&name));
        if !fs::exists(&on_dev) {
            return None;
        }
        let mut device = b"/dev/".to_vec();
        device.extend_from_slice(&name);
        Some(device)
    }))
}

// --------------------------------------------------------------------- usage

/// Python's `round(x, 1)`: the nearest one-decimal value (correctly rounded, ties to even
/// on the exact binary value), which Rust's `{:.1}` formatting also computes.
fn round1(x: f64) -> f64 {
    format!("{x:.1}").parse().unwrap_or(x)
}

/// psutil's `disk_usage(path)` (from `_psposix`).
pub(crate) fn disk_usage(path: &Path) -> Result<DiskUsage> {
    let st = statvfs::statvfs(path)?;
    usage_from(st).ok_or_else(|| {
        Error::unsupported(format!(
            "{}: filesystem size does not fit in 64 bits",
            path.display()
        ))
    })
}

/// The formula: total = blocks × frsize, used = total − bfree × frsize, free =
/// bavail × frsize, percent = used / (used + free) × 100 rounded to 1 decimal (0 when
/// used + free is 0). `None` when a product overflows `u64`.
pub(crate) fn usage_from(st: statvfs::FsStats) -> Option<DiskUsage> {
    let total = st.blocks.checked_mul(st.frsize)?;
    let avail_to_root = st.bfree.checked_mul(st.frsize)?;
    let free = st.bavail.checked_mul(st.frsize)?;
    // bfree never exceeds blocks on a sane filesystem; psutil would go negative.
    let used = total.saturating_sub(avail_to_root);
    let total_user = used as f64 + free as f64;
    let percent = if total_user == 0.0 {
        0.0
    } else {
        round1(used as f64 / total_user * 100.0)
    };
    Some(DiskUsage {
        total,
        used,
        free,
        percent,
    })
}

// --------------------------------------------------------------- I/O counters

/// Converts parsed statistics to psutil's fields (sectors to bytes); `path` names the file
/// in the error when a byte count would overflow `u64`.
fn counters(s: &diskstats::DiskStat, path: &Path) -> Result<DiskIoCounters> {
    let bytes = |sectors: u64| {
        sectors
            .checked_mul(SECTOR_SIZE)
            .ok_or_else(|| Error::Parse {
                path: path.to_path_buf(),
                what: format!("{sectors} sectors overflow a byte count"),
            })
    };
    Ok(DiskIoCounters {
        read_count: s.reads,
        write_count: s.writes,
        read_bytes: bytes(s.read_sectors)?,
        write_bytes: bytes(s.write_sectors)?,
        read_time: s.read_time,
        write_time: s.write_time,
        read_merged_count: s.reads_merged,
        write_merged_count: s.writes_merged,
        busy_time: s.busy_time,
    })
}

/// The names psutil's `is_storage_device` accepts: the entries of `<sysfs>/block` (whole
/// disks, loop and ram devices; not partitions). A `/` in a diskstats name is spelled `!`
/// there (`cciss/c0d0` is `cciss!c0d0`). psutil tests `os.path.exists` once per device; one
/// listing of the directory gives the same answer for every name at the cost of one.
fn storage_devices(roots: &Roots) -> Result<HashSet<OsString>> {
    Ok(fs::list_dir_opt(&roots.sys("block"))?.into_iter().collect())
}

fn is_listed(devices: &HashSet<OsString>, name: &str) -> bool {
    devices.contains(OsStr::new(&name.replace('/', "!")))
}

/// psutil's `disk_io_counters(perdisk)` before wrap correction: every device when `perdisk`,
/// else only the storage devices (see [`storage_devices`]). A later line with the same name
/// replaces an earlier one.
pub(crate) fn disk_io_counters(
    roots: &Roots,
    perdisk: bool,
) -> Result<BTreeMap<String, DiskIoCounters>> {
    Ok(disk_io_counters_ordered(roots, perdisk)?
        .into_iter()
        .collect())
}

/// [`disk_io_counters`] in the order of `<procfs>/diskstats` (or of the `<sysfs>/block`
/// listing), a repeated name at its first place with its last counters: psutil's dict order.
pub(crate) fn disk_io_counters_ordered(
    roots: &Roots,
    perdisk: bool,
) -> Result<Vec<(String, DiskIoCounters)>> {
    let proc_path = roots.proc("diskstats");
    let sys_block = roots.sys("block");
    let devices = if perdisk {
        HashSet::new()
    } else {
        storage_devices(roots)?
    };
    let mut out = Vec::new();
    let mut add = |name: String, s: &diskstats::DiskStat, path: &Path| -> Result<()> {
        if perdisk || is_listed(&devices, &name) {
            out.push((name, counters(s, path)?));
        }
        Ok(())
    };
    match fs::with_file(&proc_path, diskstats::diskstats) {
        Ok(stats) => {
            for (name, s) in stats {
                add(name, &s, &proc_path)?;
            }
        }
        Err(e) if e.is_not_found() && fs::exists(&sys_block) => {
            for (name, s, path) in read_sys_block(&sys_block)? {
                add(name, &s, &path)?;
            }
        }
        Err(e) if e.is_not_found() => {
            return Err(Error::unsupported(format!(
                "neither {} nor {} exists",
                proc_path.display(),
                sys_block.display()
            )));
        }
        Err(e) => return Err(e),
    }
    Ok(crate::order::dict_order(out))
}

/// The `stat` files below each `<sysfs>/block/<dev>` (the disk's own and its partitions'),
/// as psutil's `os.walk` finds them: top-down, symbolic links to directories not followed
/// (apart from the `<dev>` entry itself), unreadable directories skipped. Each is named by
/// its directory.
fn read_sys_block(sys_block: &Path) -> Result<Vec<(String, diskstats::DiskStat, PathBuf)>> {
    let mut out = Vec::new();
    for block in fs::list_dir(sys_block)? {
        let top = sys_block.join(&block);
        if let Ok(names) = fs::list_dir(&top) {
            walk(&top, names, &mut out)?;
        }
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    names: Vec<OsString>,
    out: &mut Vec<(String, diskstats::DiskStat, PathBuf)>,
) -> Result<()> {
    let mut stat_file = None;
    let mut subdirs = Vec::new();
    for name in names {
        let child = dir.join(&name);
        let is_link = fs::read_link(&child).is_ok();
        if is_link && name != "stat" {
            continue; // a link: a file, or a directory os.walk does not enter
        }
        match fs::list_dir(&child) {
            Ok(sub) if !is_link => subdirs.push((child, sub)),
            Ok(_) => {}
            Err(_) if name == "stat" => stat_file = Some(child),
            Err(_) => {}
        }
    }
    if let Some(path) = stat_file {
        let s = fs::with_file(&path, diskstats::block_stat)?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, s, path));
    }
    for (child, sub) in subdirs {
        walk(&child, sub, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{fixture, psutil_at};

    fn roots(name: &str) -> Roots {
        let f = fixture(name);
        Roots::new(f.join("proc"), f.join("sys"))
    }

    fn c(v: [u64; 9]) -> DiskIoCounters {
        let [read_count, write_count, read_bytes, write_bytes, read_time, write_time, read_merged_count, write_merged_count, busy_time] =
            v;
        DiskIoCounters {
            read_count,
            write_count,
            read_bytes,
            write_bytes,
            read_time,
            write_time,
            read_merged_count,
            write_merged_count,
            busy_time,
        }
    }

    /// Our counters as psutil's perdisk JSON: {name: [9 fields]}.
    fn as_json(m: &BTreeMap<String, DiskIoCounters>) -> serde_json::Value {
        let mut obj = serde_json::Map::new();
        for (k, v) in m {
            let mut vals = Vec::new();
            v.clone()
                .visit_counters(&mut |x| vals.push(serde_json::json!(*x)));
            obj.insert(k.clone(), serde_json::Value::Array(vals));
        }
        serde_json::Value::Object(obj)
    }

    use crate::nowrap::Counters;

    const PSUTIL_PERDISK: &str = "out = {k: list(v) for k, v in \
        psutil._psplatform.disk_io_counters(perdisk=True).items()}";

    #[test]
    fn diskstats_linux_2_4_fifteen_columns() {
        let r = roots("disk-diskstats-linux24");
        let m = disk_io_counters(&r, true).unwrap();
        assert_eq!(m.len(), 2);
        // "3 0 39082680 hda 120 40 3000 500 60 20 800 700 0 900 1200": reads is the third
        // column (39082680).
        assert_eq!(
            m["hda"],
            c([39082680, 500, 40 * 512, 20 * 512, 3000, 800, 120, 60, 0])
        );
        assert_eq!(psutil_at(Some(r.procfs()), PSUTIL_PERDISK), as_json(&m));
    }

    #[test]
    fn diskstats_linux_2_6_disks_and_seven_column_partitions() {
        let r = roots("disk-diskstats-linux26");
        let m = disk_io_counters(&r, true).unwrap();
        assert_eq!(
            m.keys().collect::<Vec<_>>(),
            ["hda", "hda1", "hda2", "sda", "sda1"]
        );
        assert_eq!(
            m["hda"],
            c([
                446216,
                424847,
                9550688 * 512,
                5922052 * 512,
                4382310,
                19310380,
                784926,
                312726,
                3376340
            ])
        );
        assert_eq!(
            m["hda1"],
            c([35486, 38030, 38030 * 512, 38030 * 512, 0, 0, 0, 0, 0])
        );
        assert_eq!(
            m["sda"],
            c([11, 15, 13 * 512, 17 * 512, 14, 18, 12, 16, 20])
        );
        assert_eq!(psutil_at(Some(r.procfs()), PSUTIL_PERDISK), as_json(&m));
        // perdisk=False: only the names with a sys/block entry.
        let disks = disk_io_counters(&r, false).unwrap();
        assert_eq!(disks.keys().collect::<Vec<_>>(), ["hda", "sda"]);
    }

    #[test]
    fn diskstats_linux_4_18_eighteen_columns() {
        let r = roots("disk-diskstats-linux418");
        let m = disk_io_counters(&r, true).unwrap();
        assert_eq!(
            m["nvme0n1"],
            c([
                98765,
                43210,
                5555555 * 512,
                4444444 * 512,
                12345,
                67890,
                111,
                222,
                54321
            ])
        );
        assert_eq!(m["nvme0n1p1"].read_count, 9000);
        assert_eq!(psutil_at(Some(r.procfs()), PSUTIL_PERDISK), as_json(&m));
        let disks = disk_io_counters(&r, false).unwrap();
        assert_eq!(disks.keys().collect::<Vec<_>>(), ["nvme0n1"]);
    }

    #[test]
    fn diskstats_linux_5_5_twenty_columns() {
        let r = roots("disk-diskstats-linux55");
        let m = disk_io_counters(&r, true).unwrap();
        assert_eq!(
            m["vda"],
            c([
                41564,
                2553,
                4901922 * 512,
                2162072 * 512,
                26376,
                3965,
                19501,
                14613,
                7228
            ])
        );
        assert_eq!(m["vda1"].write_bytes, 2000 * 512);
        assert_eq!(
            m.keys().collect::<Vec<_>>(),
            ["dm-0", "loop0", "vda", "vda1"]
        );
        assert_eq!(psutil_at(Some(r.procfs()), PSUTIL_PERDISK), as_json(&m));
        let disks = disk_io_counters(&r, false).unwrap();
        assert_eq!(disks.keys().collect::<Vec<_>>(), ["dm-0", "loop0", "vda"]);
    }

    #[test]
    fn sysfs_fallback_when_no_diskstats() {
        let r = roots("disk-sysfs-no-diskstats");
        let m = disk_io_counters(&r, true).unwrap();
        // sda/device is a symbolic link to a directory with a stat file: not walked.
        assert_eq!(
            m.keys().collect::<Vec<_>>(),
            ["nvme0n1", "nvme0n1p1", "sda", "sda1", "sda2", "sr0"]
        );
        assert_eq!(
            m["sda"],
            c([1000, 2000, 30000 * 512, 40000 * 512, 500, 600, 10, 20, 700])
        );
        assert_eq!(m["sr0"], c([1, 0, 8 * 512, 0, 2, 0, 0, 0, 3]));
        let disks = disk_io_counters(&r, false).unwrap();
        assert_eq!(disks.keys().collect::<Vec<_>>(), ["nvme0n1", "sda", "sr0"]);
    }

    /// Every field of `mid` lies between `lo` and `hi` (counters only grow between reads).
    fn between(lo: &DiskIoCounters, mid: &[u64], hi: &DiskIoCounters, what: &str) {
        let (mut l, mut h) = (Vec::new(), Vec::new());
        lo.clone().visit_counters(&mut |x| l.push(*x));
        hi.clone().visit_counters(&mut |x| h.push(*x));
        for i in 0..9 {
            assert!(
                l[i] <= mid[i] && mid[i] <= h[i],
                "{what} field {i}: {l:?} {mid:?} {h:?}"
            );
        }
    }

    #[test]
    fn live_sysfs_fallback_matches_psutil() {
        // No diskstats under this procfs root: psutil and we both walk the live /sys/block.
        // Counters move between the reads, so psutil's values must lie between ours taken
        // before and after it.
        let empty = tempfile::tempdir().unwrap();
        let r = Roots::new(empty.path(), "/sys");
        let before = disk_io_counters(&r, true).unwrap();
        let py = psutil_at(Some(r.procfs()), PSUTIL_PERDISK);
        let after = disk_io_counters(&r, true).unwrap();
        let py = py.as_object().unwrap();
        assert!(!before.is_empty());
        assert_eq!(
            py.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>()
        );
        for (name, v) in py {
            let mid: Vec<u64> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            between(&before[name], &mid, &after[name], name);
        }
    }

    #[test]
    fn neither_source_is_unsupported() {
        let dir = tempfile::tempdir().unwrap();
        let r = Roots::new(dir.path().join("proc"), dir.path().join("sys"));
        assert!(matches!(
            disk_io_counters(&r, true),
            Err(Error::Unsupported { .. })
        ));
    }

    #[test]
    fn bad_diskstats_is_a_parse_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("proc")).unwrap();
        std::fs::write(dir.path().join("proc/diskstats"), "8 0 sda 1 2 3\n").unwrap();
        let r = Roots::new(dir.path().join("proc"), dir.path().join("sys"));
        let e = disk_io_counters(&r, true).unwrap_err();
        assert!(matches!(e, Error::Parse { .. }) && e.to_string().contains("diskstats"));
        std::fs::write(
            dir.path().join("proc/diskstats"),
            "8 0 sda 1 18446744073709551615 3 4\n",
        )
        .unwrap();
        assert!(matches!(
            disk_io_counters(&r, true),
            Err(Error::Parse { .. })
        ));
    }

    /// The mounts fixture: `root` says `/` is on 8:2 and `dev` holds `sda2`.
    fn fixture_partitions(all: bool, dev: &Path) -> Vec<DiskPartition> {
        let r = roots("disk-mounts-escapes");
        let root = RootDevice {
            device_of_root: &|| Ok((8, 2)),
            dev_dir: dev,
        };
        disk_partitions_with(&r, all, &mounts_path(&r), &root).unwrap()
    }

    fn p(device: &[u8], mountpoint: &[u8], fstype: &str, opts: &str) -> DiskPartition {
        DiskPartition {
            device: PathBuf::from(OsStr::from_bytes(device)),
            mountpoint: PathBuf::from(OsStr::from_bytes(mountpoint)),
            fstype: fstype.into(),
            opts: opts.into(),
        }
    }

    #[test]
    fn mounts_fixture_escapes_root_and_filter() {
        let dev = tempfile::tempdir().unwrap();
        std::fs::write(dev.path().join("sda2"), "").unwrap();
        let all = fixture_partitions(true, dev.path());
        let want_all = vec![
            p(b"/dev/sda2", b"/", "ext4", "rw,relatime"),
            p(b"proc", b"/proc", "proc", "rw,nosuid,nodev,noexec,relatime"),
            p(
                b"tmpfs",
                b"/run/user/1000",
                "tmpfs",
                "rw,nosuid,nodev,relatime,size=1k",
            ),
            p(b"/dev/sda1", b"/boot/efi", "vfat", "rw,relatime,fmask=0077"),
            p(b"/dev/sdb1", b"/mnt/my disk", "ext4", "rw,relatime"),
            p(b"/dev/sdb2", b"/mnt/tab\there", "xfs", "ro,relatime"),
            p(
                b"/dev/sdb3",
                b"/mnt/new\nline",
                "btrfs",
                "rw,relatime,subvol=/",
            ),
            p(b"/dev/sdb4", b"/mnt/back\\slash", "ext4", "rw"),
            p(b"/dev/sdb5", b"/mnt/two\\\\ok \\101", "ext4", "rw"),
            p(b"", b"/mnt/none", "ext4", "rw"),
            p(b"tank/home", b"/home", "zfs", "rw,xattr,noacl"),
            p(b"/dev/sda2", b"/", "rootfs", "rw"),
            p(b"fuse-thing", b"/mnt/fuse", "fuse.sshfs", "rw,user_id=0"),
        ];
        assert_eq!(all, want_all);
        let physical = fixture_partitions(false, dev.path());
        let mountpoints: Vec<&Path> = physical.iter().map(|p| p.mountpoint.as_path()).collect();
        assert_eq!(
            mountpoints,
            [
                "/",
                "/boot/efi",
                "/mnt/my disk",
                "/mnt/tab\there",
                "/mnt/new\nline",
                "/mnt/back\\slash",
                "/mnt/two\\\\ok \\101",
                "/home"
            ]
            .map(Path::new)
        );
        // Without /dev/sda2, /dev/root and rootfs stay as they are.
        let empty = tempfile::tempdir().unwrap();
        let all = fixture_partitions(true, empty.path());
        assert_eq!(all[0].device, Path::new("/dev/root"));
        assert_eq!(all[11].device, Path::new("rootfs"));
    }

    #[test]
    fn mounts_fixture_matches_psutil() {
        // psutil resolves /dev/root with the live st_dev of "/", /sys and /dev; so do we
        // here, reading the fixture's proc files as psutil does through PROCFS_PATH.
        let f = fixture("disk-mounts-escapes");
        let r = Roots::new(f.join("proc"), "/sys");
        for all in [true, false] {
            let ours = disk_partitions(&r, all).unwrap();
            let py = psutil_at(
                Some(r.procfs()),
                &format!(
                    "out = [list(p) for p in psutil.disk_partitions(all={})]",
                    if all { "True" } else { "False" }
                ),
            );
            let ours: Vec<serde_json::Value> = ours
                .iter()
                .map(|p| {
                    serde_json::json!([
                        p.device.to_str().unwrap(),
                        p.mountpoint.to_str().unwrap(),
                        p.fstype,
                        p.opts
                    ])
                })
                .collect();
            assert_eq!(serde_json::Value::Array(ours), py, "all={all}");
        }
    }

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, content) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }
        dir
    }

    fn find_in(dir: &Path) -> Option<Vec<u8>> {
        let r = Roots::new(dir.join("proc"), dir.join("sys"));
        let dev = dir.join("dev");
        let root = RootDevice {
            device_of_root: &|| Ok((8, 2)),
            dev_dir: &dev,
        };
        find_root_device(&r, &root).unwrap()
    }

    #[test]
    fn root_device_sources_in_order() {
        let d = tree(&[
            (
                "proc/partitions",
                "major minor #blocks name\n\n 8 0 10 sda\n 8 2 5 sda2\n",
            ),
            ("sys/dev/block/8:2/uevent", "MAJOR=8\nDEVNAME=fromuevent\n"),
            ("sys/class/block/fromclass/dev", "8:2\n"),
            ("dev/sda2", ""),
            ("dev/fromuevent", ""),
            ("dev/fromclass", ""),
        ]);
        assert_eq!(find_in(d.path()), Some(b"/dev/sda2".to_vec()));
        std::fs::remove_file(d.path().join("proc/partitions")).unwrap();
        assert_eq!(find_in(d.path()), Some(b"/dev/fromuevent".to_vec()));
        std::fs::remove_file(d.path().join("sys/dev/block/8:2/uevent")).unwrap();
        assert_eq!(find_in(d.path()), Some(b"/dev/fromclass".to_vec()));
        std::fs::remove_file(d.path().join("dev/fromclass")).unwrap();
        assert_eq!(find_in(d.path()), None);
        std::fs::write(d.path().join("sys/class/block/fromclass/dev"), "8:3\n").unwrap();
        assert_eq!(find_in(d.path()), None);
    }

    #[test]
    fn partitions_errors() {
        let d = tree(&[("proc/self/mounts", "/dev/sda1 / ext4 rw 0 0\n")]);
        let r = Roots::new(d.path().join("proc"), d.path().join("sys"));
        // all=False needs /proc/filesystems.
        let e = disk_partitions(&r, false).unwrap_err();
        assert!(e.is_not_found() && e.to_string().contains("filesystems"));
        assert_eq!(disk_partitions(&r, true).unwrap().len(), 1);
        let r = Roots::new(d.path().join("nothing"), d.path().join("sys"));
        assert!(disk_partitions(&r, true).unwrap_err().is_not_found());
    }

    #[test]
    fn parsers_never_panic_on_garbage() {
        use crate::platform::linux::parse::diskstats as ds;
        // A small alphabet of the bytes these parsers care about, in random orders.
        const ALPHABET: &[u8] = b"0123456789 \t\n\r\\#_+-nodevzfsDEVNAME=\x00\xff0413";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..2000usize {
            let data: Vec<u8> = (0..len % 97)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ALPHABET[(x % ALPHABET.len() as u64) as usize]
                })
                .collect();
            let _ = ds::diskstats(&data);
            let _ = ds::block_stat(&data);
            let _ = mounts::mounts(&data);
            let _ = filesystems::physical_fstypes(&data);
            let _ = partitions::partitions(&data);
            let _ = partitions::uevent_devname(&data);
            let _ = pytext::int(&data);
        }
    }

    #[test]
    fn usage_formula() {
        let st = statvfs::FsStats {
            frsize: 4096,
            blocks: 1000,
            bfree: 300,
            bavail: 250,
        };
        let u = usage_from(st).unwrap();
        assert_eq!(
            (u.total, u.used, u.free),
            (4_096_000, 700 * 4096, 250 * 4096)
        );
        // 700 / 950 = 73.68..%
        assert_eq!(u.percent, 73.7);
        let zero = statvfs::FsStats {
            frsize: 4096,
            blocks: 0,
            bfree: 0,
            bavail: 0,
        };
        assert_eq!(usage_from(zero).unwrap().percent, 0.0);
        let huge = statvfs::FsStats {
            frsize: 1 << 32,
            blocks: 1 << 33,
            bfree: 0,
            bavail: 0,
        };
        assert!(usage_from(huge).is_none());
        assert_eq!(round1(0.25), 0.2);
        assert_eq!(round1(99.95), 100.0);
        assert_eq!(round1(1.45), 1.4);
    }
}
