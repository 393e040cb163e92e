//! `/proc/stat`: kernel/system statistics.
//!
//! proc(5):
//!
//! - "`cpu 10132153 290696 3084719 46828483 16683 0 25195 0 175628 0` — The amount of time,
//!   measured in units of USER_HZ (1/100ths of a second on most architectures, use
//!   sysconf(_SC_CLK_TCK) to obtain the right value), that the system ("cpu" line) or the
//!   specific CPU ("cpuN" line) spent in various states: user, nice, system, idle, iowait
//!   (since Linux 2.5.41), irq (since 2.6.0), softirq (since 2.6.0), steal (since 2.6.11),
//!   guest (since 2.6.24), guest_nice (since 2.6.33)."
//! - "`intr 1462898` — This line shows counts of interrupts serviced since boot time, for
//!   each of the possible system interrupts. The first column is the total of all
//!   interrupts serviced".
//! - "`ctxt 115315` — The number of context switches that the system underwent."
//! - "`btime 769041601` — boot time, in seconds since the Epoch".
//! - "`softirq 229245889 94 60001584 …` — This line shows the number of softirq for all
//!   CPUs. The first column is the total of all softirqs" (since Linux 2.6.31).
//!
//! The number of time columns is taken from the first (`cpu`) line, between 7 (Linux 2.6.0)
//! and 10, as psutil does; columns beyond the 10th (none exist today) are ignored.

use crate::error::ParseError;

/// The `btime` line of `/proc/stat`: boot time in seconds since the Epoch.
pub fn btime(data: &[u8]) -> Result<u64, ParseError> {
    for line in data.split(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"btime ") {
            return std::str::from_utf8(rest)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| ParseError::new("btime is not a number"));
        }
    }
    Err(ParseError::new("no btime line"))
}

/// The counters of one `cpu` or `cpuN` line of `/proc/stat`, in clock ticks (USER_HZ).
///
/// `steal`, `guest` and `guest_nice` are `None` when the kernel's `cpu` line has no such
/// column (before Linux 2.6.11, 2.6.24 and 2.6.33).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuTicks {
    /// Time in user mode.
    pub user: u64,
    /// Time in user mode with low priority (nice).
    pub nice: u64,
    /// Time in system mode.
    pub system: u64,
    /// Time in the idle task.
    pub idle: u64,
    /// Time waiting for I/O to complete.
    pub iowait: u64,
    /// Time servicing interrupts.
    pub irq: u64,
    /// Time servicing softirqs.
    pub softirq: u64,
    /// Stolen time: spent in other operating systems when running virtualized.
    pub steal: Option<u64>,
    /// Time running a virtual CPU for guest operating systems.
    pub guest: Option<u64>,
    /// Time running a niced guest.
    pub guest_nice: Option<u64>,
}

/// Fewest time columns psutil accepts (`user` … `softirq`, Linux 2.6.0).
pub const MIN_CPU_COLUMNS: usize = 7;
/// Most time columns read (up to `guest_nice`).
pub const MAX_CPU_COLUMNS: usize = 10;

/// Python's `bytes.split()`: fields separated by runs of ASCII whitespace (with VT).
fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        .filter(|f| !f.is_empty())
}

fn unsigned(field: &[u8], what: &str) -> Result<u64, ParseError> {
    if field.is_empty() || !field.iter().all(u8::is_ascii_digit) {
        return Err(ParseError::new(format!(
            "{what} is not an unsigned integer"
        )));
    }
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| ParseError::new(format!("{what} is out of range")))
}

/// How many time columns the first (`cpu`) line has, capped to [`MAX_CPU_COLUMNS`].
fn columns(first: &[u8]) -> Result<usize, ParseError> {
    let n = fields(first).skip(1).count();
    if n < MIN_CPU_COLUMNS {
        return Err(ParseError::new(format!(
            "the cpu line has {n} time columns, at least {MIN_CPU_COLUMNS} are needed"
        )));
    }
    Ok(n.min(MAX_CPU_COLUMNS))
}

/// The first `ncols` time columns of one cpu line (its label skipped).
fn ticks(line: &[u8], ncols: usize) -> Result<CpuTicks, ParseError> {
    let mut v = [None::<u64>; MAX_CPU_COLUMNS];
    let mut it = fields(line).skip(1);
    for slot in v.iter_mut().take(ncols) {
        let f = it.next().ok_or_else(|| {
            ParseError::new(format!("cpu line has fewer than {ncols} time columns"))
        })?;
        *slot = Some(unsigned(f, "cpu time")?);
    }
    let [Some(user), Some(nice), Some(system), Some(idle), Some(iowait), Some(irq), Some(softirq), steal, guest, guest_nice] =
        v
    else {
        return Err(ParseError::new("cpu line has fewer than 7 time columns"));
    };
    Ok(CpuTicks {
        user,
        nice,
        system,
        idle,
        iowait,
        irq,
        softirq,
        steal,
        guest,
        guest_nice,
    })
}

fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n')
}

/// The system-wide times: the first line of `/proc/stat` (`cpu  …`).
pub fn cpu_total(data: &[u8]) -> Result<CpuTicks, ParseError> {
    let first = lines(data).next().unwrap_or_default();
    ticks(first, columns(first)?)
}

/// The per-CPU times: every line after the first that starts with `cpu`, in file order
/// (`cpu0`, `cpu1`, …; offline CPUs have no line). Each has as many columns as the first
/// line, which must be there.
pub fn cpu_percpu(data: &[u8]) -> Result<Vec<CpuTicks>, ParseError> {
    Ok(cpu_all(data)?.1)
}

/// [`cpu_total`] and [`cpu_percpu`] from one read of the file.
pub fn cpu_all(data: &[u8]) -> Result<(CpuTicks, Vec<CpuTicks>), ParseError> {
    let mut it = lines(data);
    let first = it.next().unwrap_or_default();
    let ncols = columns(first)?;
    let total = ticks(first, ncols)?;
    let mut percpu = Vec::new();
    for line in it {
        if line.starts_with(b"cpu") {
            percpu.push(ticks(line, ncols)?);
        }
    }
    Ok((total, percpu))
}

/// How many lines are per-CPU lines: their first space-separated word starts with `cpu`
/// and a digit (psutil's last-resort logical CPU count).
pub fn count_cpu_lines(data: &[u8]) -> usize {
    lines(data)
        .filter(|line| {
            let word = line.split(|&b| b == b' ').next().unwrap_or_default();
            word.strip_prefix(b"cpu")
                .and_then(|rest| rest.first())
                .is_some_and(u8::is_ascii_digit)
        })
        .count()
}

/// The counters of `/proc/stat`'s `ctxt`, `intr` and `softirq` lines (the first number of
/// each); `None` for a line the file does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatCounters {
    /// Context switches since boot (`ctxt`).
    pub ctxt: Option<u64>,
    /// Interrupts serviced since boot, all kinds together (`intr`, first column).
    pub intr: Option<u64>,
    /// Softirqs serviced since boot, all kinds together (`softirq`, first column).
    pub softirq: Option<u64>,
}

/// Reads the `ctxt`, `intr` and `softirq` lines (matched by prefix, as psutil does),
/// stopping once all three are found. A matched line without a number is an error.
pub fn counters(data: &[u8]) -> Result<StatCounters, ParseError> {
    let mut out = StatCounters::default();
    let second = |line: &[u8], what: &str| -> Result<u64, ParseError> {
        let f = fields(line)
            .nth(1)
            .ok_or_else(|| ParseError::new(format!("{what} line has no value")))?;
        unsigned(f, what)
    };
    for line in lines(data) {
        if line.starts_with(b"ctxt") {
            out.ctxt = Some(second(line, "ctxt")?);
        } else if line.starts_with(b"intr") {
            out.intr = Some(second(line, "intr")?);
        } else if line.starts_with(b"softirq") {
            out.softirq = Some(second(line, "softirq")?);
        }
        if out.ctxt.is_some() && out.intr.is_some() && out.softirq.is_some() {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODERN: &[u8] = b"cpu  12284 0 3871 83279 705 0 39 11 0 0\ncpu0 5676 0 1657 42673 66 0 8 3 0 0\ncpu1 6607 0 2214 40605 638 0 31 7 0 0\nintr 999 1 2 3\nctxt 4242\nbtime 1700000000\nprocesses 5\nsoftirq 77 1 2\n";
    const OLD: &[u8] = b"cpu  100 2 30 400 5 6 7 8\ncpu0 50 1 15 200 2 3 3 4\ncpu1 50 1 15 200 3 3 4 4\nintr 10 1\nctxt 20\n";

    #[test]
    fn modern_cpu_lines() {
        let (total, per) = cpu_all(MODERN).unwrap();
        assert_eq!(total.user, 12284);
        assert_eq!(total.steal, Some(11));
        assert_eq!(total.guest_nice, Some(0));
        assert_eq!(per.len(), 2);
        assert_eq!(per[1].iowait, 638);
        assert_eq!(cpu_total(MODERN).unwrap(), total);
        assert_eq!(cpu_percpu(MODERN).unwrap(), per);
        assert_eq!(count_cpu_lines(MODERN), 2);
    }

    #[test]
    fn old_kernel_has_fewer_columns() {
        let (total, per) = cpu_all(OLD).unwrap();
        assert_eq!(total.softirq, 7);
        assert_eq!(total.steal, Some(8));
        assert_eq!(total.guest, None);
        assert_eq!(total.guest_nice, None);
        assert_eq!(per[0].steal, Some(4));
        let c = counters(OLD).unwrap();
        assert_eq!((c.ctxt, c.intr, c.softirq), (Some(20), Some(10), None));
    }

    #[test]
    fn counters_found() {
        let c = counters(MODERN).unwrap();
        assert_eq!(
            (c.ctxt, c.intr, c.softirq),
            (Some(4242), Some(999), Some(77))
        );
        assert!(counters(b"ctxt\n").is_err());
        assert!(counters(b"intr x\n").is_err());
    }

    #[test]
    fn bad_cpu_lines() {
        assert!(cpu_total(b"").is_err());
        assert!(cpu_total(b"cpu 1 2 3 4\n").is_err());
        assert!(cpu_total(b"cpu 1 2 3 4 5 6 x\n").is_err());
        assert!(cpu_total(b"cpu 1 2 3 4 5 6 99999999999999999999\n").is_err());
        // A per-CPU line shorter than the total line.
        assert!(cpu_percpu(b"cpu 1 2 3 4 5 6 7 8\ncpu0 1 2 3 4 5 6 7\n").is_err());
        // Extra columns are ignored.
        let t = cpu_total(b"cpu 1 2 3 4 5 6 7 8 9 10 11\n").unwrap();
        assert_eq!(t.guest_nice, Some(10));
        assert_eq!(count_cpu_lines(b"cpu 1\ncpux 2\ncpu3 4\n"), 1);
    }

    #[test]
    fn btime_found_and_missing() {
        assert_eq!(
            btime(b"cpu 1 2\nbtime 1700000000\nprocesses 5\n"),
            Ok(1_700_000_000)
        );
        assert!(btime(b"cpu 1 2\n").is_err());
        assert!(btime(b"btime x\n").is_err());
    }
}
