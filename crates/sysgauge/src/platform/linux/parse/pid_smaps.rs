//! `/proc/<pid>/smaps` and `/proc/<pid>/smaps_rollup`: memory use per mapping, and summed.
//!
//! proc(5): "`/proc/pid/smaps` (since Linux 2.6.14) This file shows memory consumption for
//! each of the process's mappings. [...] For each mapping there is a series of lines such
//! as the following:"
//!
//! ```text
//! 00400000-0048a000 r-xp 00000000 fd:03 960637       /bin/bash
//! Size:                552 kB
//! Rss:                 460 kB
//! Pss:                 100 kB
//! Shared_Clean:        452 kB
//! Shared_Dirty:          0 kB
//! Private_Clean:         8 kB
//! Private_Dirty:         0 kB
//! Referenced:          460 kB
//! Anonymous:             0 kB
//! AnonHugePages:         0 kB
//! ShmemHugePages:        0 kB
//! ShmemPmdMapped:        0 kB
//! Swap:                  0 kB
//! KernelPageSize:        4 kB
//! MMUPageSize:           4 kB
//! Locked:                0 kB
//! ProtectionKey:         0
//! VmFlags: rd ex mr mw me dw
//! ```
//!
//! "The first of these lines shows the same information as is displayed for the mapping in
//! `/proc/pid/maps`. The following lines show the size of the mapping, the amount of the
//! mapping that is currently resident in RAM ("Rss"), the process's proportional share of
//! this mapping ("Pss"), the number of clean and dirty shared pages in the mapping, and the
//! number of clean and dirty private pages in the mapping. "Referenced" indicates the
//! amount of memory currently marked as referenced or accessed. "Anonymous" shows the
//! amount of memory that does not belong to any file. "Swap" shows how much would-be-
//! anonymous memory is also used, but out on swap."
//!
//! `smaps_rollup` (Linux 4.14) is one such record, headed by the span of all mappings and
//! the pseudo-path `[rollup]`, whose values are the sums over all mappings (its Pss is
//! summed before rounding to kB, so it is up to one kB per mapping larger than the sum of
//! the smaps Pss lines; since 5.8 it also has `Pss_Anon`, `Pss_File`, `Pss_Shmem`).
//!
//! Which lines exist depends on the kernel: 2.6.18 has only `Size`, `Rss` and the four
//! `Shared_*`/`Private_*` lines; `Pss`, `Referenced` and `Swap` came in 2.6.2x, `VmFlags`
//! in 3.8, `SwapPss` in 4.3, `Shared_Hugetlb`/`Private_Hugetlb` in 4.4, `LazyFree` in 4.12,
//! then `THPeligible`, `ProtectionKey` (x86 with memory protection keys), `Pss_Dirty` and
//! `KSM` in later releases. A line the kernel does not write reads as 0, as in psutil.
//!
//! Three readings, each psutil's:
//!
//! - [`smaps`] (psutil's `memory_maps()`): one [`SmapsEntry`] per mapping. A line whose
//!   first field ends with `:` is a value line and its second field must be an integer
//!   (kB, stored × 1024, the last of two same-named lines winning), except `VmFlags:`; any
//!   other line starts the next mapping. The file is stripped of surrounding whitespace
//!   first; a blank line inside it is an error.
//! - [`rollup_totals`] (psutil's `memory_full_info()` on `smaps_rollup`): uss is the sum of
//!   every `Private_*` line (Private_Clean + Private_Dirty + Private_Hugetlb), pss the `Pss:`
//!   line, swap the `Swap:` line; other lines are not looked at.
//! - [`smaps_totals`] (psutil's fallback on `smaps` when `smaps_rollup` cannot be read):
//!   the same three totals, summed over all mappings with psutil's lenient pattern search
//!   (lines starting with `Private`, `Pss:` and `Swap:`; nothing else is checked).
//!
//! Values are unsigned decimal as the kernel writes them: a sign or `_` that Python's
//! `int()` would also take is accepted only as `int()` takes it and a negative value is an
//! error (psutil would return it).

use std::collections::HashMap;

use super::pid_maps::{is_ascii_space, next_field, MapsLine};
use super::pytext;
use crate::error::ParseError;

/// The `kB` lines of one smaps record (or of `smaps_rollup`), in **bytes** (the kernel's
/// kB × 1024). Each is 0 when the kernel did not write the line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MapCounters {
    /// `Size:` the mapping's virtual size.
    pub size: u64,
    /// `KernelPageSize:` the page size the kernel uses for the mapping.
    pub kernel_page_size: u64,
    /// `MMUPageSize:` the page size the MMU uses for the mapping.
    pub mmu_page_size: u64,
    /// `Rss:` the part resident in RAM.
    pub rss: u64,
    /// `Pss:` the process's proportional share of the resident part.
    pub pss: u64,
    /// `Pss_Dirty:` the dirty part of Pss (Linux 6.0).
    pub pss_dirty: u64,
    /// `Pss_Anon:` the anonymous part of Pss (`smaps_rollup` only, Linux 5.8).
    pub pss_anon: u64,
    /// `Pss_File:` the file-backed part of Pss (`smaps_rollup` only, Linux 5.8).
    pub pss_file: u64,
    /// `Pss_Shmem:` the shared-memory part of Pss (`smaps_rollup` only, Linux 5.8).
    pub pss_shmem: u64,
    /// `Shared_Clean:` clean pages mapped by other processes too.
    pub shared_clean: u64,
    /// `Shared_Dirty:` dirty pages mapped by other processes too.
    pub shared_dirty: u64,
    /// `Private_Clean:` clean pages mapped by this process only.
    pub private_clean: u64,
    /// `Private_Dirty:` dirty pages mapped by this process only.
    pub private_dirty: u64,
    /// `Referenced:` memory marked referenced or accessed.
    pub referenced: u64,
    /// `Anonymous:` memory that belongs to no file.
    pub anonymous: u64,
    /// `KSM:` memory shared through kernel same-page merging (Linux 6.7).
    pub ksm: u64,
    /// `LazyFree:` memory released with `MADV_FREE`, not yet reclaimed.
    pub lazy_free: u64,
    /// `AnonHugePages:` anonymous memory backed by transparent huge pages.
    pub anon_huge_pages: u64,
    /// `ShmemPmdMapped:` shared memory mapped with huge pages.
    pub shmem_pmd_mapped: u64,
    /// `FilePmdMapped:` file pages mapped with huge pages.
    pub file_pmd_mapped: u64,
    /// `Shared_Hugetlb:` hugetlbfs memory shared with other processes.
    pub shared_hugetlb: u64,
    /// `Private_Hugetlb:` hugetlbfs memory private to this process.
    pub private_hugetlb: u64,
    /// `Swap:` anonymous memory swapped out.
    pub swap: u64,
    /// `SwapPss:` the process's proportional share of Swap.
    pub swap_pss: u64,
    /// `Locked:` memory locked in RAM (`mlock`).
    pub locked: u64,
}

impl MapCounters {
    /// Stores `bytes` under the kernel's line name `name` (without its colon); false for a
    /// name that is not a field here.
    fn set(&mut self, name: &[u8], bytes: u64) -> bool {
        let slot = match name {
            b"Size" => &mut self.size,
            b"KernelPageSize" => &mut self.kernel_page_size,
            b"MMUPageSize" => &mut self.mmu_page_size,
            b"Rss" => &mut self.rss,
            b"Pss" => &mut self.pss,
            b"Pss_Dirty" => &mut self.pss_dirty,
            b"Pss_Anon" => &mut self.pss_anon,
            b"Pss_File" => &mut self.pss_file,
            b"Pss_Shmem" => &mut self.pss_shmem,
            b"Shared_Clean" => &mut self.shared_clean,
            b"Shared_Dirty" => &mut self.shared_dirty,
            b"Private_Clean" => &mut self.private_clean,
            b"Private_Dirty" => &mut self.private_dirty,
            b"Referenced" => &mut self.referenced,
            b"Anonymous" => &mut self.anonymous,
            b"KSM" => &mut self.ksm,
            b"LazyFree" => &mut self.lazy_free,
            b"AnonHugePages" => &mut self.anon_huge_pages,
            b"ShmemPmdMapped" => &mut self.shmem_pmd_mapped,
            b"FilePmdMapped" => &mut self.file_pmd_mapped,
            b"Shared_Hugetlb" => &mut self.shared_hugetlb,
            b"Private_Hugetlb" => &mut self.private_hugetlb,
            b"Swap" => &mut self.swap,
            b"SwapPss" => &mut self.swap_pss,
            b"Locked" => &mut self.locked,
            _ => return false,
        };
        *slot = bytes;
        true
    }

    /// Private_Clean + Private_Dirty + Private_Hugetlb, in bytes: psutil's USS (saturating).
    pub fn uss(&self) -> u64 {
        self.private_clean
            .saturating_add(self.private_dirty)
            .saturating_add(self.private_hugetlb)
    }

    /// The field-by-field sum of `self` and `other` (saturating), as psutil's grouped
    /// `memory_maps()` sums the rows of one path.
    pub fn saturating_add(&self, o: &MapCounters) -> MapCounters {
        MapCounters {
            size: self.size.saturating_add(o.size),
            kernel_page_size: self.kernel_page_size.saturating_add(o.kernel_page_size),
            mmu_page_size: self.mmu_page_size.saturating_add(o.mmu_page_size),
            rss: self.rss.saturating_add(o.rss),
            pss: self.pss.saturating_add(o.pss),
            pss_dirty: self.pss_dirty.saturating_add(o.pss_dirty),
            pss_anon: self.pss_anon.saturating_add(o.pss_anon),
            pss_file: self.pss_file.saturating_add(o.pss_file),
            pss_shmem: self.pss_shmem.saturating_add(o.pss_shmem),
            shared_clean: self.shared_clean.saturating_add(o.shared_clean),
            shared_dirty: self.shared_dirty.saturating_add(o.shared_dirty),
            private_clean: self.private_clean.saturating_add(o.private_clean),
            private_dirty: self.private_dirty.saturating_add(o.private_dirty),
            referenced: self.referenced.saturating_add(o.referenced),
            anonymous: self.anonymous.saturating_add(o.anonymous),
            ksm: self.ksm.saturating_add(o.ksm),
            lazy_free: self.lazy_free.saturating_add(o.lazy_free),
            anon_huge_pages: self.anon_huge_pages.saturating_add(o.anon_huge_pages),
            shmem_pmd_mapped: self.shmem_pmd_mapped.saturating_add(o.shmem_pmd_mapped),
            file_pmd_mapped: self.file_pmd_mapped.saturating_add(o.file_pmd_mapped),
            shared_hugetlb: self.shared_hugetlb.saturating_add(o.shared_hugetlb),
            private_hugetlb: self.private_hugetlb.saturating_add(o.private_hugetlb),
            swap: self.swap.saturating_add(o.swap),
            swap_pss: self.swap_pss.saturating_add(o.swap_pss),
            locked: self.locked.saturating_add(o.locked),
        }
    }
}

/// psutil's three `memory_full_info()` extras, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SmapsTotals {
    /// Unique set size: the `Private_*` lines summed (Private_Clean + Private_Dirty +
    /// Private_Hugetlb).
    pub uss: u64,
    /// Proportional set size: the `Pss:` line(s).
    pub pss: u64,
    /// Swapped-out memory: the `Swap:` line(s).
    pub swap: u64,
}

/// One smaps record: the header line and the value lines under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmapsEntry<'a> {
    /// The header line, in `/proc/<pid>/maps` format.
    pub header: MapsLine<'a>,
    /// The `kB` lines, in bytes.
    pub counters: MapCounters,
    /// The value lines as they are in the file (without the header and the last newline);
    /// read them with [`SmapsEntry::fields`].
    pub body: &'a [u8],
}

impl<'a> SmapsEntry<'a> {
    /// Every value line as (name without its colon, the text after the colon with
    /// surrounding whitespace removed), in file order: `(b"Rss", b"8 kB")`,
    /// `(b"THPeligible", b"0")`, `(b"VmFlags", b"rd mr mw me")`.
    pub fn fields(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> + 'a {
        self.body.split(|&b| b == b'\n').filter_map(|line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let name = line.get(..colon)?;
            let value = line.get(colon + 1..)?;
            let s = value
                .iter()
                .position(|&b| !is_ascii_space(b))
                .unwrap_or(value.len());
            let e = value
                .iter()
                .rposition(|&b| !is_ascii_space(b))
                .map_or(s, |i| i + 1);
            Some((name, value.get(s..e).unwrap_or_default()))
        })
    }

    /// The text of the value line `name` (without colon), as [`SmapsEntry::fields`] gives
    /// it; the last one when there are two.
    pub fn field(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.fields()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v)
            .last()
    }

    /// The `VmFlags:` line's two-letter flags, space separated (Linux 3.8).
    pub fn vm_flags(&self) -> Option<&'a [u8]> {
        self.field(b"VmFlags")
    }

    /// psutil's totals for this one record (uss = Private_Clean + Private_Dirty +
    /// Private_Hugetlb, pss, swap), in bytes.
    pub fn totals(&self) -> SmapsTotals {
        SmapsTotals {
            uss: self.counters.uss(),
            pss: self.counters.pss,
            swap: self.counters.swap,
        }
    }
}

/// Python's `bytes.strip()`.
fn strip_ascii(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|&b| !is_ascii_space(b))
        .unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_ascii_space(b))
        .map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or_default()
}

/// The line at the start of `s` (without `\n`) and what follows its `\n`.
#[inline]
fn split_line(s: &[u8]) -> (&[u8], &[u8]) {
    match s.iter().position(|&b| b == b'\n') {
        Some(i) => (
            s.get(..i).unwrap_or_default(),
            s.get(i + 1..).unwrap_or_default(),
        ),
        None => (s, &[]),
    }
}

/// The line at the start of a smaps body, scanned once.
struct ValueLine<'a> {
    /// The line without its `\n`.
    line: &'a [u8],
    /// Its first field (Python `split()`).
    name: &'a [u8],
    /// Its second field, empty when there is none.
    value: &'a [u8],
    /// What follows the line's `\n`.
    after: &'a [u8],
}

/// Splits off the first line of `s` and its first two fields in one pass over the bytes.
#[inline]
fn value_line(s: &[u8]) -> ValueLine<'_> {
    let blank_end = |mut i: usize| {
        while let Some(&b) = s.get(i) {
            if b == b'\n' || !is_ascii_space(b) {
                break;
            }
            i += 1;
        }
        i
    };
    let field_end = |mut i: usize| {
        while let Some(&b) = s.get(i) {
            if is_ascii_space(b) {
                break;
            }
            i += 1;
        }
        i
    };
    let a = blank_end(0);
    let b = field_end(a);
    let c = blank_end(b);
    let d = field_end(c);
    let e = s
        .get(d..)
        .and_then(|t| t.iter().position(|&x| x == b'\n'))
        .map_or(s.len(), |j| d + j);
    ValueLine {
        line: s.get(..e).unwrap_or_default(),
        name: s.get(a..b).unwrap_or_default(),
        value: s.get(c..d).unwrap_or_default(),
        after: s.get(e + 1..).unwrap_or_default(),
    }
}

/// A field as Python's `int()` reads a `bytes` field (no surrounding whitespace, so
/// `\x1c`..`\x1f`, which `int()` of bytes refuses, must not be stripped); `None` also for a
/// negative value or one over `u64`.
#[inline]
fn py_uint(field: &[u8]) -> Option<u64> {
    // Fast path: plain digits, as the kernel writes them.
    if !field.is_empty() && field.len() <= 19 && field.iter().all(u8::is_ascii_digit) {
        return Some(
            field
                .iter()
                .fold(0u64, |v, &b| v * 10 + u64::from(b - b'0')),
        );
    }
    if field
        .iter()
        .any(|&b| (0x1c..=0x1f).contains(&b) || is_ascii_space(b))
    {
        return None;
    }
    pytext::int(field)
}

fn kb_to_bytes(kb: u64, line: &[u8]) -> Result<u64, ParseError> {
    kb.checked_mul(1024).ok_or_else(|| {
        ParseError::new(format!(
            "value too large: {:?}",
            String::from_utf8_lossy(line)
        ))
    })
}

/// The records of a `/proc/<pid>/smaps` file, in file order, read as psutil's
/// `memory_maps()` reads them (see the module docs). Nothing is allocated.
///
/// Each item is one mapping, or the error that made psutil fail (a header with fewer than
/// five fields, a value line without an integer value other than `VmFlags:`, a blank line,
/// a value over `u64` bytes); the iterator ends after an error. An empty file has no
/// records.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_smaps;
///
/// let data = b"55d0c6a00000-55d0c6a21000 rw-p 00000000 00:00 0    [heap]\n\
///              Size:                132 kB\n\
///              Rss:                   8 kB\n\
///              Private_Dirty:         8 kB\n\
///              VmFlags: rd wr mr mw me ac\n";
/// let maps: Vec<_> = pid_smaps::smaps(data).collect::<Result<_, _>>()?;
/// assert_eq!(maps[0].header.pathname, b"[heap]");
/// assert_eq!(maps[0].counters.size, 132 * 1024);
/// assert_eq!(maps[0].counters.uss(), 8 * 1024);
/// assert_eq!(maps[0].vm_flags(), Some(&b"rd wr mr mw me ac"[..]));
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn smaps(data: &[u8]) -> Smaps<'_> {
    Smaps {
        rest: strip_ascii(data),
    }
}

/// The iterator of [`smaps`].
#[derive(Debug, Clone)]
pub struct Smaps<'a> {
    rest: &'a [u8],
}

impl<'a> Smaps<'a> {
    fn fail(&mut self, e: ParseError) -> Option<Result<SmapsEntry<'a>, ParseError>> {
        self.rest = &[];
        Some(Err(e))
    }
}

impl<'a> Iterator for Smaps<'a> {
    type Item = Result<SmapsEntry<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let (header_line, body_start) = split_line(self.rest);
        let header = match MapsLine::parse(header_line) {
            Ok(h) => h,
            Err(e) => return self.fail(e),
        };
        let mut counters = MapCounters::default();
        let mut rest = body_start;
        while !rest.is_empty() {
            let ValueLine {
                line,
                name,
                value,
                after,
            } = value_line(rest);
            let Some((&b':', name_only)) = name.split_last() else {
                if name.is_empty() {
                    return self.fail(ParseError::new("blank line inside smaps"));
                }
                break; // the next mapping's header
            };
            match py_uint(value) {
                Some(kb) => match kb_to_bytes(kb, line) {
                    Ok(bytes) => {
                        counters.set(name_only, bytes);
                    }
                    Err(e) => return self.fail(e),
                },
                None if name.starts_with(b"VmFlags:") => {}
                None => {
                    return self.fail(ParseError::new(format!(
                        "don't know how to interpret line {:?}",
                        String::from_utf8_lossy(line)
                    )))
                }
            }
            rest = after;
        }
        let body_len = body_start.len().saturating_sub(rest.len());
        let body = body_start.get(..body_len).unwrap_or_default();
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        self.rest = rest;
        Some(Ok(SmapsEntry {
            header,
            counters,
            body,
        }))
    }
}

/// `/proc/<pid>/smaps_rollup` read as one [`SmapsEntry`] (the `[rollup]` header and the
/// summed counters), by the rules of [`smaps`]. Errors as [`smaps`] does, and on an empty
/// file.
pub fn rollup(data: &[u8]) -> Result<SmapsEntry<'_>, ParseError> {
    smaps(data)
        .next()
        .unwrap_or_else(|| Err(ParseError::new("empty smaps_rollup")))
}

/// psutil's uss, pss and swap from `/proc/<pid>/smaps_rollup`, in bytes: uss sums every
/// line that starts with `Private_`, pss and swap are the (last) `Pss:` and `Swap:` lines;
/// 0 when a line is missing. No other line is looked at.
///
/// Errors, as psutil does, when one of those lines has no second field or its second field
/// is not an integer; also on a value that overflows `u64` bytes.
///
/// ```
/// use sysgauge::platform::linux::parse::pid_smaps;
///
/// let data = b"55c0f1683000-7ffedc49b000 ---p 00000000 00:00 0   [rollup]\n\
///              Rss:  1780 kB\nPss:  267 kB\nPrivate_Clean: 44 kB\nPrivate_Dirty: 116 kB\n\
///              Private_Hugetlb: 0 kB\nSwap: 4 kB\nSwapPss: 4 kB\n";
/// let t = pid_smaps::rollup_totals(data)?;
/// assert_eq!((t.uss, t.pss, t.swap), (160 * 1024, 267 * 1024, 4 * 1024));
/// # Ok::<(), sysgauge::ParseError>(())
/// ```
pub fn rollup_totals(data: &[u8]) -> Result<SmapsTotals, ParseError> {
    let mut t = SmapsTotals::default();
    for line in data.split(|&b| b == b'\n') {
        let slot = if line.starts_with(b"Private_") {
            None
        } else if line.starts_with(b"Pss:") {
            Some(&mut t.pss)
        } else if line.starts_with(b"Swap:") {
            Some(&mut t.swap)
        } else {
            continue;
        };
        let (_, tail) = next_field(line);
        let (value, _) = next_field(tail);
        let bad = || {
            ParseError::new(format!(
                "smaps_rollup line without an integer value: {:?}",
                String::from_utf8_lossy(line)
            ))
        };
        let bytes = kb_to_bytes(py_uint(value).ok_or_else(bad)?, line)?;
        match slot {
            Some(s) => *s = bytes,
            None => {
                t.uss = t
                    .uss
                    .checked_add(bytes)
                    .ok_or_else(|| ParseError::new("uss overflows u64"))?
            }
        }
    }
    Ok(t)
}

/// A run of at least one `\s` (Python bytes: ASCII whitespace, newlines included) then at
/// least one digit, from `at` in `data`: the digits.
#[inline]
fn ws_then_digits(data: &[u8], at: usize) -> Option<&[u8]> {
    let s = data.get(at..)?;
    let ws = s.iter().take_while(|&&b| is_ascii_space(b)).count();
    if ws == 0 {
        return None;
    }
    let s = s.get(ws..)?;
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 {
        None
    } else {
        s.get(..n)
    }
}

fn digits_value(d: &[u8]) -> Option<u64> {
    d.iter().try_fold(0u64, |v, &b| {
        v.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// psutil's uss, pss and swap summed over a whole `/proc/<pid>/smaps`, in bytes: the
/// fallback psutil uses when `smaps_rollup` cannot be read. Gives the same uss and swap as
/// [`rollup_totals`] on the process's `smaps_rollup` and a pss up to 1 kB per mapping
/// lower (the kernel rounds each mapping's Pss down).
///
/// It follows psutil's three pattern searches over the stripped file, so it never fails on
/// odd lines: a line after the first that starts with `Private` adds the digits after its
/// last `:` that is followed by whitespace and digits; a line starting with `Pss:` or
/// `Swap:` adds the digits after the colon and whitespace. Errors only when a sum overflows
/// `u64` bytes. An empty file gives zeros.
pub fn smaps_totals(data: &[u8]) -> Result<SmapsTotals, ParseError> {
    let data = strip_ascii(data);
    let overflow = || ParseError::new("smaps total overflows u64");
    let (mut uss, mut pss, mut swap) = (0u64, 0u64, 0u64);
    // Every match starts just after a '\n'.
    let mut nl = data.iter().position(|&b| b == b'\n');
    while let Some(i) = nl {
        let start = i + 1;
        let rest = data.get(start..).unwrap_or_default();
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |j| start + j);
        nl = (end < data.len()).then_some(end);
        let line = data.get(start..end).unwrap_or_default();
        let (digits, total) = if line.starts_with(b"Private") {
            // `.*:` is greedy: try the colons from the last one back.
            let found = line
                .iter()
                .enumerate()
                .skip(7)
                .rev()
                .filter(|(_, &b)| b == b':')
                .find_map(|(c, _)| ws_then_digits(data, start + c + 1));
            (found, &mut uss)
        } else if line.starts_with(b"Pss:") {
            (ws_then_digits(data, start + 4), &mut pss)
        } else if line.starts_with(b"Swap:") {
            (ws_then_digits(data, start + 5), &mut swap)
        } else {
            continue;
        };
        if let Some(d) = digits {
            let kb = digits_value(d).ok_or_else(overflow)?;
            *total = total.checked_add(kb).ok_or_else(overflow)?;
        }
    }
    let b = |kb: u64| kb.checked_mul(1024).ok_or_else(overflow);
    Ok(SmapsTotals {
        uss: b(uss)?,
        pss: b(pss)?,
        swap: b(swap)?,
    })
}

/// psutil's grouped `memory_maps()`: the rows summed per path, in the order each path
/// first appears. `rows` are (path as psutil reports it, counters); sums saturate.
pub fn group<P: AsRef<[u8]>>(
    rows: impl IntoIterator<Item = (P, MapCounters)>,
) -> Vec<(Vec<u8>, MapCounters)> {
    let mut out: Vec<(Vec<u8>, MapCounters)> = Vec::new();
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    for (path, c) in rows {
        let path = path.as_ref();
        match index.get(path).and_then(|&i| out.get_mut(i)) {
            Some((_, sum)) => *sum = sum.saturating_add(&c),
            None => {
                index.insert(path.to_vec(), out.len());
                out.push((path.to_vec(), c));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KB: u64 = 1024;

    const TWO: &[u8] = b"5602a5b9b000-5602a5b9d000 r--p 00000000 fe:00 247282                     /usr/bin/my head\n\
Size:                  8 kB\n\
KernelPageSize:        4 kB\n\
MMUPageSize:           4 kB\n\
Rss:                   8 kB\n\
Pss:                   6 kB\n\
Pss_Dirty:             0 kB\n\
Shared_Clean:          1 kB\n\
Shared_Dirty:          2 kB\n\
Private_Clean:         3 kB\n\
Private_Dirty:         4 kB\n\
Referenced:            8 kB\n\
Anonymous:             5 kB\n\
KSM:                   0 kB\n\
LazyFree:              0 kB\n\
AnonHugePages:         0 kB\n\
ShmemPmdMapped:        0 kB\n\
FilePmdMapped:         0 kB\n\
Shared_Hugetlb:        0 kB\n\
Private_Hugetlb:       2048 kB\n\
Swap:                  7 kB\n\
SwapPss:               3 kB\n\
Locked:                0 kB\n\
THPeligible:           0\n\
ProtectionKey:         0\n\
VmFlags: rd mr mw me \n\
7ffd1000-7ffd2000 rw-p 00000000 00:00 0 \n\
Size:                  4 kB\n\
Rss:                   4 kB\n\
Pss:                   4 kB\n\
Private_Dirty:         4 kB\n\
Swap:                  0 kB\n\
VmFlags: rd wr mr mw me ac\n";

    #[test]
    fn records_with_all_fields() {
        let v: Vec<_> = smaps(TWO).collect::<Result<_, _>>().unwrap();
        assert_eq!(v.len(), 2);
        let a = &v[0];
        assert_eq!(a.header.addr, b"5602a5b9b000-5602a5b9d000");
        assert_eq!(a.header.pathname, b"/usr/bin/my head");
        let c = a.counters;
        assert_eq!(c.size, 8 * KB);
        assert_eq!(c.kernel_page_size, 4 * KB);
        assert_eq!(c.rss, 8 * KB);
        assert_eq!(c.pss, 6 * KB);
        assert_eq!(c.shared_clean, KB);
        assert_eq!(c.shared_dirty, 2 * KB);
        assert_eq!(c.private_clean, 3 * KB);
        assert_eq!(c.private_dirty, 4 * KB);
        assert_eq!(c.referenced, 8 * KB);
        assert_eq!(c.anonymous, 5 * KB);
        assert_eq!(c.private_hugetlb, 2048 * KB);
        assert_eq!(c.swap, 7 * KB);
        assert_eq!(c.swap_pss, 3 * KB);
        assert_eq!(
            a.totals(),
            SmapsTotals {
                uss: (3 + 4 + 2048) * KB,
                pss: 6 * KB,
                swap: 7 * KB
            }
        );
        assert_eq!(a.field(b"THPeligible"), Some(&b"0"[..]));
        assert_eq!(a.field(b"ProtectionKey"), Some(&b"0"[..]));
        assert_eq!(a.vm_flags(), Some(&b"rd mr mw me"[..]));
        assert_eq!(a.fields().count(), 25);
        assert!(a.body.starts_with(b"Size:"));
        assert!(a.body.ends_with(b"VmFlags: rd mr mw me "));
        let b = &v[1];
        assert_eq!(b.header.pathname, b"");
        assert_eq!(b.counters.private_dirty, 4 * KB);
        assert_eq!(b.counters.referenced, 0);
        assert!(b.body.ends_with(b"ac"));

        let t = smaps_totals(TWO).unwrap();
        assert_eq!(
            t,
            SmapsTotals {
                uss: (3 + 4 + 2048 + 4) * KB,
                pss: 10 * KB,
                swap: 7 * KB
            }
        );
    }

    #[test]
    fn empty_and_whitespace() {
        assert_eq!(smaps(b"").count(), 0);
        assert_eq!(smaps(b" \n\n\t").count(), 0);
        assert_eq!(smaps_totals(b"").unwrap(), SmapsTotals::default());
        assert_eq!(rollup_totals(b"").unwrap(), SmapsTotals::default());
        assert!(rollup(b"").is_err());
        // Surrounding whitespace is stripped, as psutil strips the file.
        let v: Vec<_> = smaps(b"\n\n  7f00-7f01 rw-p 0 00:00 0\nRss: 4 kB\n\n\n")
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(v[0].counters.rss, 4 * KB);
        assert_eq!(v[0].body, b"Rss: 4 kB");
    }

    #[test]
    fn header_only_records() {
        // A truncated file (or an old kernel) may leave a mapping without value lines.
        let v: Vec<_> = smaps(b"7f00-7f01 rw-p 0 00:00 0\n7f01-7f02 r--p 0 00:00 0 /x\nRss: 4 kB")
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].counters, MapCounters::default());
        assert_eq!(v[0].body, b"");
        assert_eq!(v[1].counters.rss, 4 * KB);
    }

    #[test]
    fn errors_as_psutil() {
        let err = |d: &[u8]| smaps(d).any(|r| r.is_err());
        // A truncated header.
        assert!(err(b"7f00-7f01 rw-p 0"));
        // The file starting in the middle of a record: its first line is taken as a header.
        assert!(err(b"Rss: 4 kB\nPss: 4 kB\n"));
        // A value line without an integer.
        assert!(err(b"7f00-7f01 rw-p 0 00:00 0\nRss: x kB\n"));
        assert!(err(b"7f00-7f01 rw-p 0 00:00 0\nRss:\n"));
        assert!(err(b"7f00-7f01 rw-p 0 00:00 0\nRss: -4 kB\n"));
        assert!(err(b"7f00-7f01 rw-p 0 00:00 0\nRss: 5\x1c kB\n"));
        // A blank line inside.
        assert!(err(b"7f00-7f01 rw-p 0 00:00 0\nRss: 4 kB\n\nPss: 1 kB\n"));
        // Overflow after x1024.
        assert!(err(
            b"7f00-7f01 rw-p 0 00:00 0\nRss: 18014398509481984 kB\n"
        ));
        assert!(err(
            b"7f00-7f01 rw-p 0 00:00 0\nRss: 99999999999999999999 kB\n"
        ));
        // VmFlags may be anything, even empty.
        assert!(!err(
            b"7f00-7f01 rw-p 0 00:00 0\nVmFlags:\nVmFlags: ??\nRss: 1 kB"
        ));
        // The iterator ends after an error.
        let mut it = smaps(b"7f00-7f01 rw-p 0\n7f00-7f01 rw-p 0 00:00 0\n");
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }

    #[test]
    fn python_int_forms_and_huge_values() {
        let v: Vec<_> = smaps(
            b"7f00-7f01 rw-p 0 00:00 0\nRss: +4 kB\nPss: 1_0 kB\nSwap: 0007 kB\nSize: 18014398509481983 kB\nRss: 5 kB\nUnknown: 9 kB\n",
        )
        .collect::<Result<_, _>>()
        .unwrap();
        let c = v[0].counters;
        assert_eq!(c.rss, 5 * KB); // the last line wins
        assert_eq!(c.pss, 10 * KB);
        assert_eq!(c.swap, 7 * KB);
        assert_eq!(c.size, 18_014_398_509_481_983 * KB);
        assert_eq!(v[0].field(b"Unknown"), Some(&b"9 kB"[..]));
    }

    #[test]
    fn old_kernel_without_pss_and_swap() {
        // Linux 2.6.18: no Pss, Referenced, Swap.
        let d = b"08048000-080bc000 r-xp 00000000 03:02 13130      /bin/bash\n\
Size:               464 kB\nRss:                424 kB\nShared_Clean:       424 kB\n\
Shared_Dirty:         0 kB\nPrivate_Clean:        0 kB\nPrivate_Dirty:        0 kB\n";
        let e = rollup(d).unwrap();
        assert_eq!(e.counters.pss, 0);
        assert_eq!(e.counters.swap, 0);
        assert_eq!(e.counters.shared_clean, 424 * KB);
        assert_eq!(smaps_totals(d).unwrap(), SmapsTotals::default());
    }

    #[test]
    fn rollup_as_psutil() {
        let d =
            b"55c0f1683000-7ffedc49b000 ---p 00000000 00:00 0                          [rollup]\n\
Rss:                1780 kB\nPss:                 267 kB\nPss_Dirty:           116 kB\n\
Pss_Anon:            116 kB\nPss_File:            151 kB\nPss_Shmem:             0 kB\n\
Shared_Clean:       1620 kB\nShared_Dirty:          0 kB\nPrivate_Clean:        44 kB\n\
Private_Dirty:       116 kB\nReferenced:         1780 kB\nAnonymous:           116 kB\n\
Private_Hugetlb:       4 kB\nSwap:                  3 kB\nSwapPss:               2 kB\n";
        let t = rollup_totals(d).unwrap();
        assert_eq!(t.uss, (44 + 116 + 4) * KB);
        assert_eq!(t.pss, 267 * KB);
        assert_eq!(t.swap, 3 * KB);
        let e = rollup(d).unwrap();
        assert_eq!(e.header.pathname, b"[rollup]");
        assert_eq!(e.totals(), t);
        assert_eq!(e.counters.pss_file, 151 * KB);
        // Only Private_*, Pss: and Swap: lines are looked at.
        assert_eq!(
            rollup_totals(b"x\nRss: junk\nPss: 2 kB\nPrivate_Foo: 3 kB\n").unwrap(),
            SmapsTotals {
                uss: 3 * KB,
                pss: 2 * KB,
                swap: 0
            }
        );
        assert!(rollup_totals(b"Pss:\n").is_err());
        assert!(rollup_totals(b"Swap: x kB\n").is_err());
        assert!(rollup_totals(b"Private_Clean: 18014398509481984 kB\n").is_err());
        assert!(rollup_totals(
            b"Private_Clean: 18014398509481983 kB\nPrivate_Dirty: 18014398509481983 kB\n"
        )
        .is_err());
    }

    #[test]
    fn smaps_totals_follow_psutils_patterns() {
        // Matches need a preceding newline; `.*:` backtracks to a colon followed by
        // whitespace and digits; `\s+` may cross lines.
        let d = b"Private_X: 1 kB\nPrivate_A: 3 kB:\n7f\nPrivate_B:\n\n 12x\nPrivateX:a: 4\n\
Pss: 5\nPss:5\nPss:  \n6\nSwap: 1\nSwapPss: 9\nxSwap: 9\n Pss: 9\n";
        let t = smaps_totals(d).unwrap();
        assert_eq!(t.uss, (7 + 12 + 4) * KB);
        assert_eq!(t.pss, (5 + 6) * KB);
        assert_eq!(t.swap, KB);
        assert!(smaps_totals(b"x\nPss: 99999999999999999999\n").is_err());
        assert!(smaps_totals(b"x\nPss: 18014398509481984\n").is_err());
        // Garbage never fails.
        assert_eq!(
            smaps_totals(b"\xff\nPrivate\nPss:\nSwap:x").unwrap(),
            SmapsTotals::default()
        );
    }

    #[test]
    fn grouping_keeps_first_order_and_sums() {
        let c = |rss| MapCounters {
            rss,
            ..MapCounters::default()
        };
        let g = group([
            (&b"/a"[..], c(1)),
            (b"[anon]", c(2)),
            (b"/a", c(3)),
            (b"[heap]", c(u64::MAX)),
            (b"[heap]", c(1)),
        ]);
        assert_eq!(
            g,
            vec![
                (b"/a".to_vec(), c(4)),
                (b"[anon]".to_vec(), c(2)),
                (b"[heap]".to_vec(), c(u64::MAX)),
            ]
        );
    }
}
