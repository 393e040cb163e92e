//! `statvfs(3)` and `stat(2)`'s device number, for the disk functions (through `rustix`, so
//! no `unsafe` here).

use std::io;
use std::path::Path;

use crate::error::{Error, Result};

/// The `statvfs` numbers psutil's `disk_usage` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FsStats {
    /// Fragment size in bytes: the unit of the block counts (`f_frsize`, or `f_bsize`
    /// when the kernel leaves it 0, as glibc does).
    pub frsize: u64,
    /// Size of the filesystem in fragments (`f_blocks`).
    pub blocks: u64,
    /// Free fragments (`f_bfree`).
    pub bfree: u64,
    /// Free fragments available to unprivileged users (`f_bavail`).
    pub bavail: u64,
}

/// `statvfs(path)`; an error names `path`.
pub(crate) fn statvfs(path: &Path) -> Result<FsStats> {
    let st = rustix::fs::statvfs(path).map_err(|e| Error::io(path, io::Error::from(e)))?;
    Ok(FsStats {
        frsize: st.f_frsize,
        blocks: st.f_blocks,
        bfree: st.f_bfree,
        bavail: st.f_bavail,
    })
}

/// The (major, minor) numbers of the device holding `path` (`stat(path).st_dev`, following
/// symbolic links).
pub(crate) fn device_of(path: &Path) -> Result<(u32, u32)> {
    let st = rustix::fs::stat(path).map_err(|e| Error::io(path, io::Error::from(e)))?;
    Ok((rustix::fs::major(st.st_dev), rustix::fs::minor(st.st_dev)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_missing() {
        let st = statvfs(Path::new("/")).unwrap();
        assert!(st.frsize > 0 && st.blocks >= st.bfree && st.bfree >= st.bavail);
        let e = statvfs(Path::new("/no/such/dir")).unwrap_err();
        assert!(e.is_not_found() && e.to_string().contains("/no/such/dir"));
        assert!(device_of(Path::new("/")).is_ok());
        assert!(device_of(Path::new("/no/such/dir"))
            .unwrap_err()
            .is_not_found());
    }
}
