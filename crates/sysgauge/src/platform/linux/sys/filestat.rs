//! `stat(2)` and `access(2)` on paths a process names (the targets of its `/proc/<pid>/fd`
//! links, its `argv[0]`, the terminal devices under `/dev`), through `rustix`: no `unsafe`
//! here. Both follow symbolic links, as Python's `os.stat` and `os.access` do.

use std::io;
use std::path::Path;

use rustix::fs::{Access, FileType};

/// What `Process` needs from a `stat(2)` of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathStat {
    /// A regular file (`S_ISREG`).
    pub(crate) is_regular: bool,
    /// The device a character or block special file stands for (`st_rdev`, glibc's
    /// encoding: for majors below 4096 the same number as `tty_nr` of `/proc/<pid>/stat`);
    /// 0 for other files.
    pub(crate) rdev: u64,
}

/// `stat(2)` of `path`, following symbolic links.
pub(crate) fn stat(path: &Path) -> io::Result<PathStat> {
    let st = rustix::fs::stat(path)?;
    Ok(PathStat {
        is_regular: FileType::from_raw_mode(st.st_mode) == FileType::RegularFile,
        rdev: st.st_rdev,
    })
}

/// True when the calling process may execute `path` (`access(path, X_OK)`, real ids,
/// following links); false on any error.
pub(crate) fn can_execute(path: &Path) -> bool {
    rustix::fs::access(path, Access::EXEC_OK).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_and_access() {
        let sh = stat(Path::new("/bin/sh")).unwrap();
        assert!(sh.is_regular);
        assert!(can_execute(Path::new("/bin/sh")));
        let null = stat(Path::new("/dev/null")).unwrap();
        assert!(!null.is_regular);
        // /dev/null is character device 1:3.
        assert_eq!(null.rdev, (1 << 8) | 3);
        assert!(!stat(Path::new("/proc")).unwrap().is_regular);
        assert!(stat(Path::new("/no/such/path")).is_err());
        assert!(!can_execute(Path::new("/no/such/path")));
    }
}
