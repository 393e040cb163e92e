//! Shared by the smaps targets: renders parsed counters back as smaps text.
use sysgauge::platform::linux::parse::pid_smaps::MapCounters;

/// The 25 counters in the kernel's order with their names.
pub fn named(c: &MapCounters) -> [(&'static str, u64); 25] {
    [
        ("Size", c.size),
        ("KernelPageSize", c.kernel_page_size),
        ("MMUPageSize", c.mmu_page_size),
        ("Rss", c.rss),
        ("Pss", c.pss),
        ("Pss_Dirty", c.pss_dirty),
        ("Pss_Anon", c.pss_anon),
        ("Pss_File", c.pss_file),
        ("Pss_Shmem", c.pss_shmem),
        ("Shared_Clean", c.shared_clean),
        ("Shared_Dirty", c.shared_dirty),
        ("Private_Clean", c.private_clean),
        ("Private_Dirty", c.private_dirty),
        ("Referenced", c.referenced),
        ("Anonymous", c.anonymous),
        ("KSM", c.ksm),
        ("LazyFree", c.lazy_free),
        ("AnonHugePages", c.anon_huge_pages),
        ("ShmemPmdMapped", c.shmem_pmd_mapped),
        ("FilePmdMapped", c.file_pmd_mapped),
        ("Shared_Hugetlb", c.shared_hugetlb),
        ("Private_Hugetlb", c.private_hugetlb),
        ("Swap", c.swap),
        ("SwapPss", c.swap_pss),
        ("Locked", c.locked),
    ]
}

/// One mapping: `header` then every counter in kB, then a VmFlags line.
pub fn entry(out: &mut Vec<u8>, header: &[u8], c: &MapCounters) {
    out.extend_from_slice(header);
    out.push(b'\n');
    for (name, bytes) in named(c) {
        assert_eq!(bytes % 1024, 0, "{name} is not a whole number of kB");
        out.extend_from_slice(format!("{name}: {:>12} kB\n", bytes / 1024).as_bytes());
    }
    out.extend_from_slice(b"VmFlags: rd ex mr mw me dw sd\n");
}

/// The fixed header used where the real one does not matter.
pub const HEADER: &[u8] = b"00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus-daemon";
