//! `/proc/<pid>/status`: a process's status in human-readable form.
//!
//! proc(5): "Provides much of the information in /proc/pid/stat and /proc/pid/statm in a
//! format that's easier for humans to parse." Each line is `Key:\tvalue`, for example:
//!
//! ```text
//! Name:   bash
//! Umask:  0022
//! State:  S (sleeping)
//! Tgid:   17248
//! Ngid:   0
//! Pid:    17248
//! PPid:   17200
//! TracerPid:      0
//! Uid:    1000    1000    1000    1000
//! Gid:    100     100     100     100
//! FDSize: 256
//! VmPeak:     9136 kB
//! VmSize:     7896 kB
//! VmHWM:      5500 kB
//! VmRSS:      5500 kB
//! RssAnon:    3000 kB
//! RssFile:    2500 kB
//! RssShmem:      0 kB
//! VmSwap:        0 kB
//! HugetlbPages:  0 kB
//! Threads:        1
//! Cpus_allowed_list:      0-1
//! voluntary_ctxt_switches:        150
//! nonvoluntary_ctxt_switches:     545
//! ```
//!
//! `Uid` and `Gid` hold the real, effective, saved set and filesystem IDs. The `Vm*` sizes
//! are in kB (KiB) and returned here in bytes.
//!
//! `Name` is the task's comm escaped by the kernel (fs/proc/array.c, `proc_task_name()`
//! with escaping on: `string_escape_str(…, ESCAPE_SPACE | ESCAPE_SPECIAL, "\n\\")`): a
//! newline is written as the two bytes `\n` and a backslash as `\\`; every other byte,
//! tabs and invalid UTF-8 included, is written as is. [`pid_status`] undoes that escaping.
//!
//! Lines are matched by their key (psutil searches the whole file with regular
//! expressions such as `Uid:\t(\d+)\t(\d+)\t(\d+)`, which a process name could imitate;
//! matching whole lines cannot be fooled that way because the kernel escapes newlines in
//! the name). Unknown lines are ignored; when a key appears twice, the first wins (as
//! psutil's first regex match). A known line whose value does not parse is an error.

use std::borrow::Cow;

use super::pid_stat::{dec_i64, dec_u64, find_byte};
use crate::error::ParseError;

/// The four IDs of a `Uid:` or `Gid:` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids {
    /// The real ID.
    pub real: u32,
    /// The effective ID.
    pub effective: u32,
    /// The saved set-ID.
    pub saved: u32,
    /// The filesystem ID (`None` when the line has only three IDs).
    pub fs: Option<u32>,
}

/// The lines of `/proc/<pid>/status` that psutil reads (and a few neighbours); every
/// field is `None` when its line is missing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PidStatus<'a> {
    /// `Name`: the task's comm as raw bytes, with the kernel's `\n` and `\\` escapes
    /// undone (borrowed from the input when there was nothing to undo).
    pub name: Option<Cow<'a, [u8]>>,
    /// `Umask`: the file mode creation mask (since Linux 4.7).
    pub umask: Option<u32>,
    /// `State`: the state letter (`R`, `S`, `D`, `Z`, `T`, `t`, `X`, `I`, …), the first
    /// character of the value.
    pub state: Option<u8>,
    /// `Tgid`: the thread group ID, i.e. the process ID (psutil's `pid_exists()` compares
    /// it with the pid to tell processes from threads).
    pub tgid: Option<i32>,
    /// `Ngid`: the NUMA group ID, 0 if none (since Linux 3.13).
    pub ngid: Option<i32>,
    /// `Pid`: the thread ID.
    pub pid: Option<i32>,
    /// `PPid`: the parent's PID.
    pub ppid: Option<i32>,
    /// `TracerPid`: the PID of the process tracing this one, 0 if none.
    pub tracer_pid: Option<i32>,
    /// `Uid`: real, effective, saved set and filesystem UIDs (psutil's `uids()`).
    pub uid: Option<Ids>,
    /// `Gid`: real, effective, saved set and filesystem GIDs (psutil's `gids()`).
    pub gid: Option<Ids>,
    /// `FDSize`: the number of file descriptor slots currently allocated.
    pub fd_size: Option<u64>,
    /// `VmPeak`: peak virtual memory size, in bytes.
    pub vm_peak: Option<u64>,
    /// `VmSize`: virtual memory size, in bytes.
    pub vm_size: Option<u64>,
    /// `VmHWM`: peak resident set size, in bytes.
    pub vm_hwm: Option<u64>,
    /// `VmRSS`: resident set size, in bytes.
    pub vm_rss: Option<u64>,
    /// `RssAnon`: resident anonymous memory, in bytes (since Linux 4.5).
    pub rss_anon: Option<u64>,
    /// `RssFile`: resident file mappings, in bytes (since Linux 4.5).
    pub rss_file: Option<u64>,
    /// `RssShmem`: resident shared memory (System V shm, tmpfs mappings, shared anonymous
    /// mappings), in bytes (since Linux 4.5).
    pub rss_shmem: Option<u64>,
    /// `VmSwap`: swapped-out virtual memory (anonymous private pages, not shmem), in
    /// bytes (since Linux 2.6.34).
    pub vm_swap: Option<u64>,
    /// `HugetlbPages`: the size of hugetlb memory portions, in bytes (since Linux 4.4).
    pub hugetlb_pages: Option<u64>,
    /// `Threads`: the number of threads (psutil's `num_threads()`).
    pub threads: Option<u64>,
    /// `Cpus_allowed_list`: the CPUs the task may run on, as the kernel's list text
    /// (for example `0-3,8`), raw (psutil's eligible CPUs for `cpu_affinity()` errors).
    pub cpus_allowed_list: Option<&'a [u8]>,
    /// `voluntary_ctxt_switches`: voluntary context switches (psutil's
    /// `num_ctx_switches().voluntary`; since Linux 2.6.23).
    pub voluntary_ctxt_switches: Option<u64>,
    /// `nonvoluntary_ctxt_switches`: involuntary context switches (psutil's
    /// `num_ctx_switches().involuntary`; since Linux 2.6.23).
    pub nonvoluntary_ctxt_switches: Option<u64>,
}

/// Undoes the kernel's escaping of a status `Name`: `\n` becomes a newline and `\\` a
/// backslash; any other backslash is kept as is. Borrows when there is no backslash.
pub fn unescape_name(raw: &[u8]) -> Cow<'_, [u8]> {
    if !raw.contains(&b'\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut it = raw.iter().copied().peekable();
    while let Some(b) = it.next() {
        if b == b'\\' {
            match it.peek() {
                Some(b'n') => {
                    it.next();
                    out.push(b'\n');
                    continue;
                }
                Some(b'\\') => {
                    it.next();
                    out.push(b'\\');
                    continue;
                }
                _ => {}
            }
        }
        out.push(b);
    }
    Cow::Owned(out)
}

fn bad(key: &str) -> ParseError {
    ParseError::new(format!("status: bad {key} line"))
}

fn int<T: TryFrom<i64>>(v: &[u8], key: &str) -> Result<T, ParseError> {
    dec_i64(v)
        .and_then(|x| T::try_from(x).ok())
        .ok_or_else(|| bad(key))
}

fn count(v: &[u8], key: &str) -> Result<u64, ParseError> {
    dec_u64(v).ok_or_else(|| bad(key))
}

/// A `N kB` value in bytes.
fn kb(v: &[u8], key: &str) -> Result<u64, ParseError> {
    let mut parts = v
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|p| !p.is_empty());
    let n = parts.next().and_then(dec_u64).ok_or_else(|| bad(key))?;
    match parts.next() {
        None | Some(b"kB") => {}
        Some(_) => return Err(bad(key)),
    }
    n.checked_mul(1024).ok_or_else(|| bad(key))
}

fn ids(v: &[u8], key: &str) -> Result<Ids, ParseError> {
    let mut parts = v
        .split(|&b| b == b'\t' || b == b' ')
        .filter(|p| !p.is_empty());
    let mut next = || -> Result<Option<u32>, ParseError> {
        match parts.next() {
            None => Ok(None),
            Some(p) => dec_u64(p)
                .and_then(|x| u32::try_from(x).ok())
                .map(Some)
                .ok_or_else(|| bad(key)),
        }
    };
    let real = next()?.ok_or_else(|| bad(key))?;
    let effective = next()?.ok_or_else(|| bad(key))?;
    let saved = next()?.ok_or_else(|| bad(key))?;
    let fs = next()?;
    Ok(Ids {
        real,
        effective,
        saved,
        fs,
    })
}

fn set<T>(
    slot: &mut Option<T>,
    value: impl FnOnce() -> Result<T, ParseError>,
) -> Result<(), ParseError> {
    if slot.is_none() {
        *slot = Some(value()?);
    }
    Ok(())
}

/// Parses the content of `/proc/<pid>/status`. Allocates only to unescape a `Name` that
/// holds a backslash.
///
/// Errors when a known line's value is not what the kernel writes there (a number, `N
/// kB`, three or four IDs); unknown lines are skipped and missing lines give `None`.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_status::pid_status;
/// let st = pid_status(b"Name:\ta\\nb\nState:\tS (sleeping)\nUid:\t0\t1\t2\t3\n\
///                       VmSwap:\t      4 kB\nThreads:\t3\n")?;
/// assert_eq!(st.name.as_deref(), Some(&b"a\nb"[..]));
/// assert_eq!(st.state, Some(b'S'));
/// assert_eq!(st.uid.map(|u| (u.real, u.effective, u.saved)), Some((0, 1, 2)));
/// assert_eq!((st.vm_swap, st.threads, st.ppid), (Some(4096), Some(3), None));
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn pid_status(data: &[u8]) -> Result<PidStatus<'_>, ParseError> {
    let mut st = PidStatus::default();
    let mut rest = data;
    while !rest.is_empty() {
        let end = find_byte(b'\n', rest).unwrap_or(rest.len());
        let line = rest.get(..end).unwrap_or_default();
        rest = rest.get(end + 1..).unwrap_or_default();
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (key, rest) = line.split_at_checked(colon).unwrap_or((line, &[]));
        let raw = rest.get(1..).unwrap_or_default();
        let v = raw.trim_ascii();
        match key {
            b"Name" => {
                let name = raw.strip_prefix(b"\t").unwrap_or(raw);
                if st.name.is_none() {
                    st.name = Some(unescape_name(name));
                }
            }
            b"Umask" => set(&mut st.umask, || {
                std::str::from_utf8(v)
                    .ok()
                    .filter(|s| !s.is_empty() && s.bytes().all(|b| (b'0'..=b'7').contains(&b)))
                    .and_then(|s| u32::from_str_radix(s, 8).ok())
                    .ok_or_else(|| bad("Umask"))
            })?,
            b"State" => set(&mut st.state, || {
                v.first().copied().ok_or_else(|| bad("State"))
            })?,
            b"Tgid" => set(&mut st.tgid, || int(v, "Tgid"))?,
            b"Ngid" => set(&mut st.ngid, || int(v, "Ngid"))?,
            b"Pid" => set(&mut st.pid, || int(v, "Pid"))?,
            b"PPid" => set(&mut st.ppid, || int(v, "PPid"))?,
            b"TracerPid" => set(&mut st.tracer_pid, || int(v, "TracerPid"))?,
            b"Uid" => set(&mut st.uid, || ids(v, "Uid"))?,
            b"Gid" => set(&mut st.gid, || ids(v, "Gid"))?,
            b"FDSize" => set(&mut st.fd_size, || count(v, "FDSize"))?,
            b"VmPeak" => set(&mut st.vm_peak, || kb(v, "VmPeak"))?,
            b"VmSize" => set(&mut st.vm_size, || kb(v, "VmSize"))?,
            b"VmHWM" => set(&mut st.vm_hwm, || kb(v, "VmHWM"))?,
            b"VmRSS" => set(&mut st.vm_rss, || kb(v, "VmRSS"))?,
            b"RssAnon" => set(&mut st.rss_anon, || kb(v, "RssAnon"))?,
            b"RssFile" => set(&mut st.rss_file, || kb(v, "RssFile"))?,
            b"RssShmem" => set(&mut st.rss_shmem, || kb(v, "RssShmem"))?,
            b"VmSwap" => set(&mut st.vm_swap, || kb(v, "VmSwap"))?,
            b"HugetlbPages" => set(&mut st.hugetlb_pages, || kb(v, "HugetlbPages"))?,
            b"Threads" => set(&mut st.threads, || count(v, "Threads"))?,
            b"Cpus_allowed_list" => set(&mut st.cpus_allowed_list, || Ok(v))?,
            b"voluntary_ctxt_switches" => set(&mut st.voluntary_ctxt_switches, || {
                count(v, "voluntary_ctxt_switches")
            })?,
            b"nonvoluntary_ctxt_switches" => set(&mut st.nonvoluntary_ctxt_switches, || {
                count(v, "nonvoluntary_ctxt_switches")
            })?,
            _ => {}
        }
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: &[u8] = b"Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t32248\n\
Ngid:\t0\nPid:\t32248\nPPid:\t32242\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n\
FDSize:\t256\nGroups:\t \nNStgid:\t32248\nNSpid:\t32248\nNSpgid:\t32242\nNSsid:\t29745\n\
Kthread:\t0\nVmPeak:\t    3060 kB\nVmSize:\t    3060 kB\nVmLck:\t       0 kB\n\
VmPin:\t       0 kB\nVmHWM:\t    1624 kB\nVmRSS:\t    1624 kB\nRssAnon:\t     112 kB\n\
VmSwap:\t       0 kB\nHugetlbPages:\t       0 kB\nThreads:\t1\nSigQ:\t0/96365\n\
SigPnd:\t0000000000000000\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n\
Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t1\n";

    #[test]
    fn live_like() {
        let st = pid_status(LIVE).unwrap();
        assert_eq!(
            st,
            PidStatus {
                name: Some(Cow::Borrowed(b"cat")),
                umask: Some(0o022),
                state: Some(b'R'),
                tgid: Some(32248),
                ngid: Some(0),
                pid: Some(32248),
                ppid: Some(32242),
                tracer_pid: Some(0),
                uid: Some(Ids {
                    real: 0,
                    effective: 0,
                    saved: 0,
                    fs: Some(0)
                }),
                gid: Some(Ids {
                    real: 0,
                    effective: 0,
                    saved: 0,
                    fs: Some(0)
                }),
                fd_size: Some(256),
                vm_peak: Some(3060 * 1024),
                vm_size: Some(3060 * 1024),
                vm_hwm: Some(1624 * 1024),
                vm_rss: Some(1624 * 1024),
                rss_anon: Some(112 * 1024),
                rss_file: None,
                rss_shmem: None,
                vm_swap: Some(0),
                hugetlb_pages: Some(0),
                threads: Some(1),
                cpus_allowed_list: Some(b"0-1"),
                voluntary_ctxt_switches: Some(0),
                nonvoluntary_ctxt_switches: Some(1),
            }
        );
    }

    #[test]
    fn names() {
        let cases: [(&[u8], &[u8]); 8] = [
            (b"x\\ny", b"x\ny"),
            (b"a\\\\b", b"a\\b"),
            (b"a\\\\nb", b"a\\nb"),
            (b"\\n\\n", b"\n\n"),
            (b"a) b (c", b"a) b (c"),
            (b"tab\there ", b"tab\there "),
            (b"\xff\xfe", b"\xff\xfe"),
            (b"end\\", b"end\\"),
        ];
        for (raw, want) in cases {
            let mut data = b"Name:\t".to_vec();
            data.extend_from_slice(raw);
            data.extend_from_slice(b"\nState:\tS (sleeping)\n");
            let st = pid_status(&data).unwrap();
            assert_eq!(
                st.name.as_deref(),
                Some(want),
                "{:?}",
                String::from_utf8_lossy(raw)
            );
            assert_eq!(st.state, Some(b'S'));
        }
        assert!(matches!(unescape_name(b"plain"), Cow::Borrowed(_)));
        assert_eq!(
            pid_status(b"Name:\t\n").unwrap().name.as_deref(),
            Some(&b""[..])
        );
    }

    #[test]
    fn a_name_cannot_fake_lines() {
        // psutil's regexes would read this name's text as the Uid line.
        let st = pid_status(b"Name:\tUid:\t9\t9\t9\nUid:\t1\t2\t3\t4\n").unwrap();
        assert_eq!(st.uid.unwrap().real, 1);
        assert_eq!(st.name.as_deref(), Some(&b"Uid:\t9\t9\t9"[..]));
    }

    #[test]
    fn missing_duplicate_and_bad() {
        let st = pid_status(b"").unwrap();
        assert_eq!(st, PidStatus::default());
        let st = pid_status(b"garbage\n:\n\xff:\xff\nThreads:\t4\nThreads:\t5\nUid:\t1\t2\t3\n")
            .unwrap();
        assert_eq!(st.threads, Some(4));
        assert_eq!(st.uid.unwrap().fs, None);
        // Truncated mid-line: the last line still parses.
        assert_eq!(pid_status(b"Threads:\t12").unwrap().threads, Some(12));
        for bad in [
            &b"Threads:\tx\n"[..],
            b"Threads:\n",
            b"Uid:\t1\t2\n",
            b"Uid:\t1\t2\t-3\t4\n",
            b"Gid:\t1\t2\t4294967296\t4\n",
            b"VmSwap:\t12 MB\n",
            b"VmSwap:\t18446744073709551615 kB\n",
            b"Tgid:\t2147483648\n",
            b"Umask:\t0089\n",
            b"State:\n",
        ] {
            assert!(
                pid_status(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
