//! `/proc/<pid>/stat` (and `/proc/<pid>/task/<tid>/stat`): a process's status line.
//!
//! proc(5): "Status information about the process. This is used by ps(1). It is defined
//! in the kernel source file fs/proc/array.c. The fields, in order, with their proper
//! scanf(3) format specifiers, are listed below."
//!
//! ```text
//! (1) pid %d  (2) comm %s  (3) state %c  (4) ppid %d  (5) pgrp %d  (6) session %d
//! (7) tty_nr %d  (8) tpgid %d  (9) flags %u  (10) minflt %lu  (11) cminflt %lu
//! (12) majflt %lu  (13) cmajflt %lu  (14) utime %lu  (15) stime %lu  (16) cutime %ld
//! (17) cstime %ld  (18) priority %ld  (19) nice %ld  (20) num_threads %ld
//! (21) itrealvalue %ld  (22) starttime %llu  (23) vsize %lu  (24) rss %ld
//! (25) rsslim %lu  … (37) cnswap %lu  (38) exit_signal %d (since Linux 2.1.22)
//! (39) processor %d (since Linux 2.2.8)  (40) rt_priority %u (since Linux 2.5.19)
//! (41) policy %u (since Linux 2.5.19)  (42) delayacct_blkio_ticks %llu (since Linux 2.6.18)
//! (43) guest_time %lu (since Linux 2.6.24)  (44) cguest_time %ld (since Linux 2.6.24)
//! (45) start_data … (51) env_end (since Linux 3.3 and 3.5)  (52) exit_code %d (since Linux 3.5)
//! ```
//!
//! Example: `1234 (a) b (c) S 1 1234 1234 0 -1 4194560 …`.
//!
//! The comm field is the task's name in parentheses, written without any escaping: it may
//! hold spaces, parentheses and newlines. As psutil does, the name is taken between the
//! *first* `(` and the *last* `)` of the line (no later field can contain a `)`), and the
//! remaining fields are split on ASCII whitespace after that `)`.
//!
//! Fields 3 to 24 (`state` to `rss`) are printed by every kernel and required; fields 25 to
//! 37 are obsolete or address-like and skipped; the later ones are [`Option`]s, `None` when
//! the line is too short to hold them (older kernels). A field that is present but not a
//! number of its type is an error.

use crate::error::ParseError;

/// The fields of `/proc/<pid>/stat` that psutil's Linux `Process` reads, and their
/// neighbours, in the kernel's raw units (clock ticks, pages, bytes).
///
/// Integer types follow proc(5)'s scanf formats: `%d` is `i32`, `%u` is `u32`, `%lu` and
/// `%llu` are `u64`, `%ld` is `i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PidStat<'a> {
    /// (1) `pid`: the process (or thread) ID.
    pub pid: i32,
    /// (2) `comm`: the task name without its parentheses, raw bytes as the kernel wrote
    /// them (at most 15 bytes for user tasks, up to 63 for kernel threads), borrowed from
    /// the input.
    pub comm: &'a [u8],
    /// (3) `state`: one character, `R` running, `S` sleeping, `D` disk sleep, `Z` zombie,
    /// `T` stopped, `t` tracing stop, `X` dead, `I` idle, … (psutil's `status()` letter).
    pub state: u8,
    /// (4) `ppid`: the parent's PID.
    pub ppid: i32,
    /// (5) `pgrp`: the process group ID.
    pub pgrp: i32,
    /// (6) `session`: the session ID.
    pub session: i32,
    /// (7) `tty_nr`: the controlling terminal's device number (major in bits 15–8, minor
    /// in bits 31–20 and 7–0), 0 when none (psutil's `terminal()` key).
    pub tty_nr: i32,
    /// (8) `tpgid`: the foreground process group of the controlling terminal, -1 if none.
    pub tpgid: i32,
    /// (9) `flags`: the kernel's `PF_*` flags word.
    pub flags: u32,
    /// (10) `minflt`: minor faults, not needing a page from disk.
    pub minflt: u64,
    /// (11) `cminflt`: minor faults of waited-for children.
    pub cminflt: u64,
    /// (12) `majflt`: major faults, needing a page from disk.
    pub majflt: u64,
    /// (13) `cmajflt`: major faults of waited-for children.
    pub cmajflt: u64,
    /// (14) `utime`: user-mode time, in clock ticks (psutil's `cpu_times().user`).
    pub utime: u64,
    /// (15) `stime`: kernel-mode time, in clock ticks (psutil's `cpu_times().system`).
    pub stime: u64,
    /// (16) `cutime`: waited-for children's user time, in clock ticks
    /// (`cpu_times().children_user`).
    pub cutime: i64,
    /// (17) `cstime`: waited-for children's system time, in clock ticks
    /// (`cpu_times().children_system`).
    pub cstime: i64,
    /// (18) `priority`: the scheduling priority as the kernel shows it (nice + 20 for
    /// normal tasks; negated real-time priority minus one for real-time tasks).
    pub priority: i64,
    /// (19) `nice`: the nice value, -20 (high priority) to 19 (low).
    pub nice: i64,
    /// (20) `num_threads`: the number of threads in the process.
    pub num_threads: i64,
    /// (22) `starttime`: when the process started, in clock ticks since boot (psutil's
    /// `create_time()` before adding the boot time).
    pub starttime: u64,
    /// (23) `vsize`: virtual memory size, in bytes.
    pub vsize: u64,
    /// (24) `rss`: resident set size, in pages.
    pub rss: i64,
    /// (38) `exit_signal`: the signal sent to the parent when the process dies; `None` on
    /// kernels before 2.1.22.
    pub exit_signal: Option<i32>,
    /// (39) `processor`: the CPU the task last ran on (psutil's `cpu_num()`); `None` on
    /// kernels before 2.2.8.
    pub processor: Option<i32>,
    /// (40) `rt_priority`: the real-time priority, 1 to 99, or 0 for normal tasks; `None`
    /// on kernels before 2.5.19.
    pub rt_priority: Option<u32>,
    /// (41) `policy`: the scheduling policy (`SCHED_*`); `None` on kernels before 2.5.19.
    pub policy: Option<u32>,
    /// (42) `delayacct_blkio_ticks`: aggregated block I/O delays, in clock ticks (psutil's
    /// `cpu_times().iowait`, which is 0 when the field is missing); `None` on kernels
    /// before 2.6.18.
    pub delayacct_blkio_ticks: Option<u64>,
    /// (43) `guest_time`: time spent running a virtual CPU for a guest, in clock ticks;
    /// `None` on kernels before 2.6.24.
    pub guest_time: Option<u64>,
    /// (44) `cguest_time`: waited-for children's guest time, in clock ticks; `None` on
    /// kernels before 2.6.24.
    pub cguest_time: Option<i64>,
    /// (52) `exit_code`: the thread's exit status as `waitpid(2)` reports it (non-zero only
    /// for exited tasks); `None` on kernels before 3.5.
    pub exit_code: Option<i32>,
}

/// Python's `bytes.isspace()` set, which `bytes.split()` splits on.
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// A decimal `u64` as the kernel prints it: ASCII digits only. `None` when empty, not
/// digits or too large.
pub(crate) fn dec_u64(tok: &[u8]) -> Option<u64> {
    if tok.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    if tok.len() <= 19 {
        // At most 19 digits cannot overflow a u64 (10^19 - 1 < 2^64).
        for &b in tok {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            v = v.wrapping_mul(10).wrapping_add(u64::from(d));
        }
        return Some(v);
    }
    for &b in tok {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    Some(v)
}

/// A decimal `i64` as the kernel prints it: an optional `-` then ASCII digits.
pub(crate) fn dec_i64(tok: &[u8]) -> Option<i64> {
    match tok.split_first() {
        Some((b'-', digits)) => {
            let m = dec_u64(digits)?;
            i64::try_from(-i128::from(m)).ok()
        }
        _ => i64::try_from(dec_u64(tok)?).ok(),
    }
}

/// The index of the first `needle` in `hay`, eight bytes at a time (the status and io
/// files are a few hundred to a few thousand bytes of long lines).
pub(crate) fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO.wrapping_mul(u64::from(needle));
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0usize;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ pattern;
        // A byte of `word` is zero where the needle is; the lowest flagged byte is exact.
        let zeros = word.wrapping_sub(LO) & !word & HI;
        if zeros != 0 {
            return Some(base + (zeros.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| base + i)
}

/// The index of the last `needle` in `hay`, eight bytes at a time from the end (the
/// comm's closing parenthesis is followed by some 250 bytes of numbers).
pub(crate) fn rfind_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = 0x0101_0101_0101_0101u64.wrapping_mul(u64::from(needle));
    let mut chunks = hay.rchunks_exact(8);
    let mut end = hay.len();
    for chunk in &mut chunks {
        end -= 8;
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ pattern;
        // 0x80 exactly in the bytes of `word` that are zero (no carry between bytes).
        let zeros = !(((word & LOW7).wrapping_add(LOW7)) | word | LOW7);
        if zeros != 0 {
            return Some(end + 7 - (zeros.leading_zeros() / 8) as usize);
        }
    }
    chunks.remainder().iter().rposition(|&b| b == needle)
}

/// The whitespace-separated fields after the comm's closing parenthesis.
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    /// The next field, or `None` at the end of the line.
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest;
        let mut i = 0;
        while rest.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        let start = i;
        while rest.get(i).is_some_and(|&b| !is_ws(b)) {
            i += 1;
        }
        self.rest = rest.get(i..).unwrap_or_default();
        if i == start {
            return None;
        }
        rest.get(start..i)
    }

    /// The next field read as a decimal integer in one pass: `None` at the end of the
    /// line, `Some(None)` when the field is not an integer, else its sign and magnitude.
    fn next_int(&mut self) -> Option<Option<(bool, u64)>> {
        let rest = self.rest;
        let mut i = 0;
        while rest.get(i).is_some_and(|&b| is_ws(b)) {
            i += 1;
        }
        let start = i;
        let neg = rest.get(i) == Some(&b'-');
        if neg {
            i += 1;
        }
        let digits = i;
        let mut v: u64 = 0;
        while let Some(d) = rest
            .get(i)
            .map(|b| b.wrapping_sub(b'0'))
            .filter(|d| *d <= 9)
        {
            v = v.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
        }
        let end_digits = i;
        while rest.get(i).is_some_and(|&b| !is_ws(b)) {
            i += 1;
        }
        self.rest = rest.get(i..).unwrap_or_default();
        if i == start {
            return None;
        }
        if end_digits != i || end_digits == digits {
            return Some(None); // not only digits, or no digit at all
        }
        if end_digits - digits > 19 {
            // Long enough to overflow: redo it with checks.
            return Some(
                rest.get(digits..end_digits)
                    .and_then(dec_u64)
                    .map(|m| (neg, m)),
            );
        }
        Some(Some((neg, v)))
    }

    fn required<T>(
        &mut self,
        name: &str,
        conv: fn((bool, u64)) -> Option<T>,
    ) -> Result<T, ParseError> {
        match self.next_int() {
            None => Err(ParseError::new(format!("stat: field {name} missing"))),
            Some(n) => n.and_then(conv).ok_or_else(|| {
                ParseError::new(format!("stat: field {name} is not a number of its type"))
            }),
        }
    }

    fn optional<T>(
        &mut self,
        name: &str,
        conv: fn((bool, u64)) -> Option<T>,
    ) -> Result<Option<T>, ParseError> {
        match self.next_int() {
            None => Ok(None),
            Some(n) => n.and_then(conv).map(Some).ok_or_else(|| {
                ParseError::new(format!("stat: field {name} is not a number of its type"))
            }),
        }
    }
}

fn u64f((neg, m): (bool, u64)) -> Option<u64> {
    if neg {
        return None;
    }
    Some(m)
}

fn i64f((neg, m): (bool, u64)) -> Option<i64> {
    if neg {
        i64::try_from(-i128::from(m)).ok()
    } else {
        i64::try_from(m).ok()
    }
}

fn i32f(n: (bool, u64)) -> Option<i32> {
    i32::try_from(i64f(n)?).ok()
}

fn u32f(n: (bool, u64)) -> Option<u32> {
    u32::try_from(u64f(n)?).ok()
}

fn any(_: (bool, u64)) -> Option<()> {
    Some(())
}

/// Parses the content of `/proc/<pid>/stat` (or a thread's `task/<tid>/stat`) without
/// allocating: [`PidStat::comm`] borrows from `data`.
///
/// Errors when there is no `(`…`)` pair, when the pid or a required field (3 `state` to
/// 24 `rss`) is missing or not a number, or when a later field is present but not a
/// number.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_stat::pid_stat;
/// let line = b"42 (a) b (c) S 1 42 42 0 -1 4194560 10 0 0 0 7 3 0 0 20 0 1 0 5000 \
///              10000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 2 0 0\n";
/// let st = pid_stat(line)?;
/// assert_eq!(st.comm, b"a) b (c");
/// assert_eq!((st.state, st.ppid, st.utime, st.starttime), (b'S', 1, 7, 5000));
/// assert_eq!(st.delayacct_blkio_ticks, Some(2));
/// assert_eq!(st.exit_code, None);
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn pid_stat(data: &[u8]) -> Result<PidStat<'_>, ParseError> {
    let lpar = find_byte(b'(', data)
        .ok_or_else(|| ParseError::new("stat: no '(' before the comm field"))?;
    let rpar = rfind_byte(b')', data)
        .filter(|&r| r > lpar)
        .ok_or_else(|| ParseError::new("stat: no ')' after the comm field"))?;
    let head = data.get(..lpar).unwrap_or_default();
    let pid = dec_i64(head.trim_ascii())
        .and_then(|p| i32::try_from(p).ok())
        .ok_or_else(|| ParseError::new("stat: bad pid field"))?;
    let comm = data.get(lpar + 1..rpar).unwrap_or_default();
    let mut f = Fields {
        rest: data.get(rpar + 1..).unwrap_or_default(),
    };
    let state = match f.next() {
        Some([c]) => *c,
        Some(_) => return Err(ParseError::new("stat: state is not one character")),
        None => return Err(ParseError::new("stat: field state missing")),
    };
    let ppid = f.required("ppid", i32f)?;
    let pgrp = f.required("pgrp", i32f)?;
    let session = f.required("session", i32f)?;
    let tty_nr = f.required("tty_nr", i32f)?;
    let tpgid = f.required("tpgid", i32f)?;
    let flags = f.required("flags", u32f)?;
    let minflt = f.required("minflt", u64f)?;
    let cminflt = f.required("cminflt", u64f)?;
    let majflt = f.required("majflt", u64f)?;
    let cmajflt = f.required("cmajflt", u64f)?;
    let utime = f.required("utime", u64f)?;
    let stime = f.required("stime", u64f)?;
    let cutime = f.required("cutime", i64f)?;
    let cstime = f.required("cstime", i64f)?;
    let priority = f.required("priority", i64f)?;
    let nice = f.required("nice", i64f)?;
    let num_threads = f.required("num_threads", i64f)?;
    f.required("itrealvalue", any)?;
    let starttime = f.required("starttime", u64f)?;
    let vsize = f.required("vsize", u64f)?;
    let rss = f.required("rss", i64f)?;
    // (25) rsslim to (37) cnswap: limits, addresses, signal masks; not read.
    for _ in 25..=37 {
        f.next();
    }
    let exit_signal = f.optional("exit_signal", i32f)?;
    let processor = f.optional("processor", i32f)?;
    let rt_priority = f.optional("rt_priority", u32f)?;
    let policy = f.optional("policy", u32f)?;
    let delayacct_blkio_ticks = f.optional("delayacct_blkio_ticks", u64f)?;
    let guest_time = f.optional("guest_time", u64f)?;
    let cguest_time = f.optional("cguest_time", i64f)?;
    // (45) start_data to (51) env_end: addresses; not read.
    for _ in 45..=51 {
        f.next();
    }
    let exit_code = f.optional("exit_code", i32f)?;
    Ok(PidStat {
        pid,
        comm,
        state,
        ppid,
        pgrp,
        session,
        tty_nr,
        tpgid,
        flags,
        minflt,
        cminflt,
        majflt,
        cmajflt,
        utime,
        stime,
        cutime,
        cstime,
        priority,
        nice,
        num_threads,
        starttime,
        vsize,
        rss,
        exit_signal,
        processor,
        rt_priority,
        policy,
        delayacct_blkio_ticks,
        guest_time,
        cguest_time,
        exit_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 6.x line (52 fields) for pid 1 whose comm is `name`.
    fn line(name: &[u8]) -> Vec<u8> {
        let mut v = b"1 (".to_vec();
        v.extend_from_slice(name);
        v.extend_from_slice(
            b") S 0 1 1 0 -1 4194560 5000 90000 40 30 12 34 56 78 20 0 1 0 9 \
              23000000 3000 18446744073709551615 1 1 0 0 0 0 671173123 4096 1260 0 0 0 \
              17 1 0 0 5 0 0 0 0 0 0 0 0 0 3\n",
        );
        v
    }

    #[test]
    fn all_fields() {
        let data = line(b"systemd");
        let s = pid_stat(&data).unwrap();
        assert_eq!(
            s,
            PidStat {
                pid: 1,
                comm: b"systemd",
                state: b'S',
                ppid: 0,
                pgrp: 1,
                session: 1,
                tty_nr: 0,
                tpgid: -1,
                flags: 4194560,
                minflt: 5000,
                cminflt: 90000,
                majflt: 40,
                cmajflt: 30,
                utime: 12,
                stime: 34,
                cutime: 56,
                cstime: 78,
                priority: 20,
                nice: 0,
                num_threads: 1,
                starttime: 9,
                vsize: 23000000,
                rss: 3000,
                exit_signal: Some(17),
                processor: Some(1),
                rt_priority: Some(0),
                policy: Some(0),
                delayacct_blkio_ticks: Some(5),
                guest_time: Some(0),
                cguest_time: Some(0),
                exit_code: Some(3),
            }
        );
    }

    #[test]
    fn tricky_names() {
        for name in [
            &b"a) b (c"[..],
            b"x\ny",
            b"",
            b" ",
            b"))",
            b"((",
            b") S 1 2 3",
            b"\xff\xfe\x80",
            b"a\tb\rc",
            b"kworker/u8:2-events_unbound",
        ] {
            let data = line(name);
            let s = pid_stat(&data).unwrap();
            assert_eq!(s.comm, name, "{:?}", String::from_utf8_lossy(name));
            assert_eq!((s.state, s.ppid, s.exit_code), (b'S', 0, Some(3)));
        }
    }

    #[test]
    fn fifteen_byte_comm() {
        let data = line(b"gnome-keyring-d");
        assert_eq!(pid_stat(&data).unwrap().comm, b"gnome-keyring-d");
    }

    #[test]
    fn old_kernels_have_fewer_fields() {
        // 2.6.32: 44 fields, no start_data..exit_code.
        let l = b"1 (init) S 0 1 1 0 -1 4202752 1 2 3 4 5 6 7 8 20 0 1 0 2 19865600 200 \
                  18446744073709551615 1 1 0 0 0 0 0 4096 536962595 0 0 0 17 0 0 0 9 0 0\n";
        let s = pid_stat(l).unwrap();
        assert_eq!(s.delayacct_blkio_ticks, Some(9));
        assert_eq!(s.cguest_time, Some(0));
        assert_eq!(s.exit_code, None);
        // 2.6.9: 41 fields, before delayacct.
        let l = b"1 (init) S 0 1 1 0 -1 256 1 2 3 4 5 6 7 8 16 0 1 0 2 19865600 200 \
                  4294967295 1 1 0 0 0 0 0 4096 536962595 0 0 0 0 1 0 0\n";
        let s = pid_stat(l).unwrap();
        assert_eq!((s.processor, s.policy), (Some(1), Some(0)));
        assert_eq!((s.delayacct_blkio_ticks, s.guest_time), (None, None));
        // Only up to rss: fields 25+ all absent.
        let l = b"7 (x) R 1 7 7 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 100 4096 -5";
        let s = pid_stat(l).unwrap();
        assert_eq!((s.rss, s.exit_signal, s.processor), (-5, None, None));
    }

    #[test]
    fn truncated_and_garbage() {
        let full = line(b"a) b");
        // Every truncation before rss starts must fail; none may panic.
        let rss_start = full
            .windows(5)
            .position(|w| w == b" 3000")
            .map(|i| i + 1)
            .unwrap();
        for n in 0..full.len() {
            let r = pid_stat(&full[..n]);
            if n <= rss_start {
                assert!(
                    r.is_err(),
                    "accepted {:?}",
                    String::from_utf8_lossy(&full[..n])
                );
            }
        }
        assert!(pid_stat(b"").is_err());
        assert!(pid_stat(b"1 (x").is_err());
        assert!(pid_stat(b"1 x) S").is_err());
        assert!(pid_stat(b"1 )x( S").is_err());
        assert!(pid_stat(b"x (y) S 0 1 1 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 100 4096 5").is_err());
        assert!(pid_stat(b"1 (y) SS 0 1 1 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 100 4096 5").is_err());
        assert!(pid_stat(b"1 (y) S x 1 1 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 100 4096 5").is_err());
        // utime is unsigned; ppid overflowing i32.
        assert!(pid_stat(b"1 (y) S 0 1 1 0 -1 0 0 0 0 0 -1 2 3 4 20 0 1 0 100 4096 5").is_err());
        assert!(
            pid_stat(b"1 (y) S 2147483648 1 1 0 -1 0 0 0 0 0 1 2 3 4 20 0 1 0 100 4096 5").is_err()
        );
        // A present but bad optional field.
        let mut bad = line(b"y");
        let n = bad.len();
        bad[n - 2] = b'x';
        assert!(pid_stat(&bad).is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(dec_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(dec_u64(b"18446744073709551616"), None);
        assert_eq!(dec_u64(b""), None);
        assert_eq!(dec_u64(b"+1"), None);
        assert_eq!(dec_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(dec_i64(b"9223372036854775808"), None);
        assert_eq!(dec_i64(b"-9223372036854775809"), None);
        assert_eq!(dec_i64(b"-"), None);
        assert_eq!(dec_i64(b"--1"), None);
        assert_eq!(dec_i64(b"-0"), Some(0));
    }

    #[test]
    fn find_byte_is_position() {
        let hay: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        for n in 0..=hay.len() {
            for needle in [0u8, b'\n', 0x5a, 0x80, 0xff, 0x7f, 0x01] {
                let h = &hay[..n];
                assert_eq!(
                    find_byte(needle, h),
                    h.iter().position(|&b| b == needle),
                    "{needle} in {h:?}"
                );
            }
        }
        for n in 0..=hay.len() {
            for needle in [0u8, b'\n', 0x5a, 0x80, 0xff, 0x7f, 0x01] {
                let h = &hay[..n];
                assert_eq!(rfind_byte(needle, h), h.iter().rposition(|&b| b == needle));
            }
        }
        assert_eq!(
            rfind_byte(b')', b"1 (a)b)\x00\x00)\x01\x00\x00\x00\x00\x00"),
            Some(9)
        );
        assert_eq!(
            rfind_byte(0, b"\x00\x01\x00\x01\x01\x01\x01\x01\x01"),
            Some(2)
        );
        assert_eq!(
            find_byte(b'a', b"\x00\x00\x00\x00\x00\x00\x00\x00a"),
            Some(8)
        );
        assert_eq!(find_byte(0x80, b"\x00\x80"), Some(1));
        assert_eq!(find_byte(0x01, b"\x00\x00\x01"), Some(2));
    }
}
