//! The C allocator's own statistics (glibc's `mallinfo2`/`mallinfo`) and `malloc_trim`.
//!
//! These describe the heap of the calling process as glibc's malloc sees it: every
//! allocation the process makes through malloc (Rust's default allocator included).

/// Bytes in use in malloc's heap (`uordblks`) and in blocks malloc gave out by mmap
/// (`hblkhd`), or `None` where the C library is not glibc.
///
/// `mallinfo2` is looked up at run time (it is missing before glibc 2.33); without it the
/// older `mallinfo`, whose `int` counters wrap past 2 GiB, is used.
#[cfg(target_env = "gnu")]
pub(crate) fn mallinfo() -> Option<(u64, u64)> {
    type MallInfo2Fn = unsafe extern "C" fn() -> libc::mallinfo2;
    // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only looks the symbol up;
    // it returns null when there is none.
    let sym = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"mallinfo2".as_ptr()) };
    if !sym.is_null() {
        // SAFETY: glibc's mallinfo2 takes no argument and returns struct mallinfo2 by value
        // (libc::mallinfo2's layout); the pointer came from dlsym for that very name.
        let f: MallInfo2Fn = unsafe { std::mem::transmute::<*mut libc::c_void, MallInfo2Fn>(sym) };
        // SAFETY: see above; mallinfo2 only reads the allocator's state under its locks.
        let m = unsafe { f() };
        return Some((m.uordblks as u64, m.hblkhd as u64));
    }
    #[allow(deprecated)]
    // SAFETY: mallinfo takes no argument and returns a struct by value.
    let m = unsafe { libc::mallinfo() };
    // The int counters are byte counts that wrap at 2^31; read them as unsigned 32-bit.
    Some((m.uordblks as u32 as u64, m.hblkhd as u32 as u64))
}

/// Without glibc there is no `mallinfo`.
#[cfg(not(target_env = "gnu"))]
pub(crate) fn mallinfo() -> Option<(u64, u64)> {
    None
}

/// glibc's `malloc_trim(0)`: hands free heap memory back to the kernel. `Some(true)` when
/// some was released, `None` where the C library is not glibc.
#[cfg(target_env = "gnu")]
pub(crate) fn malloc_trim() -> Option<bool> {
    // SAFETY: malloc_trim takes a byte count to keep and works under malloc's own locks.
    Some(unsafe { libc::malloc_trim(0) } != 0)
}

/// Without glibc there is no `malloc_trim`.
#[cfg(not(target_env = "gnu"))]
pub(crate) fn malloc_trim() -> Option<bool> {
    None
}

#[cfg(all(test, target_env = "gnu"))]
mod tests {
    #[test]
    fn a_large_block_shows_in_mmap_used() {
        let before = super::mallinfo().expect("glibc");
        // Above glibc's mmap threshold (128 KiB by default, at most 32 MiB): served by mmap.
        let block = vec![1u8; 64 << 20];
        let during = super::mallinfo().expect("glibc");
        assert!(
            during.1 >= before.1 + (64 << 20),
            "{before:?} -> {during:?}"
        );
        drop(block);
        assert!(super::malloc_trim().is_some());
    }
}
