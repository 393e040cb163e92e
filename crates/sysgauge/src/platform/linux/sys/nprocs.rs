//! `sysconf(_SC_NPROCESSORS_ONLN)`: the number of online CPUs as the C library counts them
//! (glibc reads `/sys/devices/system/cpu/online`, then `/proc/stat`).

/// The number of online logical CPUs from `sysconf(_SC_NPROCESSORS_ONLN)`, or `None` when
/// the call fails or gives a number below 1.
pub(crate) fn online_cpus() -> Option<usize> {
    // SAFETY: sysconf takes an integer name, touches no caller memory and is thread-safe;
    // an unknown name only makes it return -1 with errno set.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    usize::try_from(n).ok().filter(|&n| n >= 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn at_least_one() {
        assert!(super::online_cpus().is_some_and(|n| n >= 1));
    }
}
