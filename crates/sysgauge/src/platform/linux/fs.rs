//! The one place where sysgauge reads files.
//!
//! Every read goes through here so that buffers are reused, errors name their file, and
//! `EACCES`/`EPERM` become [`Error::AccessDenied`]. Nothing here keeps a file open after a
//! call returns.

use std::cell::Cell;
use std::ffi::OsString;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};

use crate::error::{Error, ParseError, Result};
use crate::roots::Roots;

/// Buffers larger than this are not kept for reuse.
const KEEP_CAPACITY: usize = 1 << 20;

thread_local! {
    static BUF: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// The least free room a read asks the kernel to fill: one page, so that most `/proc` and
/// `/sys` files arrive in one `read` (plus the `read` that sees the end).
const MIN_READ: usize = 4096;

/// Appends the whole of `path` to `buf`: `open`, `read` until end of file, `close`.
///
/// Unlike `std::fs::File::read_to_end`, this asks for no `statx` (procfs and sysfs report a
/// size of 0 or 4096 whatever the content) and starts with a page of room rather than 32
/// bytes, so a small kernel file costs three syscalls.
fn read_into(path: &Path, buf: &mut Vec<u8>) -> io::Result<()> {
    let fd = rustix::fs::open(path, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?;
    read_fd(&fd, buf)
}

/// Appends everything left to read on `fd` to `buf`.
fn read_fd(fd: &OwnedFd, buf: &mut Vec<u8>) -> io::Result<()> {
    loop {
        if buf.capacity() - buf.len() < MIN_READ {
            buf.reserve(buf.capacity().max(MIN_READ));
        }
        match rustix::io::read(fd, rustix::buffer::spare_capacity(buf)) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Runs `f` with the thread's reusable buffer, empty; the buffer is kept for the next call
/// unless it grew past [`KEEP_CAPACITY`].
fn with_buffer<T>(f: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    let mut buf = BUF.with(|b| b.take());
    buf.clear();
    let out = f(&mut buf);
    if buf.capacity() <= KEEP_CAPACITY {
        BUF.with(|b| b.set(buf));
    }
    out
}

/// Reads `path` into a reused buffer and gives its bytes to the pure parser `parse`.
/// A parse error comes back as [`Error::Parse`] naming `path`.
pub(crate) fn with_file<T>(
    path: &Path,
    parse: impl FnOnce(&[u8]) -> std::result::Result<T, ParseError>,
) -> Result<T> {
    with_buffer(|buf| match read_into(path, buf) {
        Ok(()) => parse(buf).map_err(|e| e.at(path)),
        Err(e) => Err(Error::io(path, e)),
    })
}

/// Like [`with_file`], but a missing file (or a sysfs attribute the driver cannot give:
/// `ENODEV`, `ENODATA`, `EINVAL`, `EIO`, `EOPNOTSUPP`) is `Ok(None)`.
pub(crate) fn with_file_opt<T>(
    path: &Path,
    parse: impl FnOnce(&[u8]) -> std::result::Result<T, ParseError>,
) -> Result<Option<T>> {
    match with_file(path, parse) {
        Ok(v) => Ok(Some(v)),
        Err(Error::Io { source, .. }) if is_absent(&source) => Ok(None),
        Err(e) => Err(e),
    }
}

/// True for the errors that mean "this file or value is not there".
pub(crate) fn is_absent(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::NotFound {
        return true;
    }
    matches!(
        e.raw_os_error(),
        Some(
            libc::ENODEV
                | libc::ENODATA
                | libc::EINVAL
                | libc::EIO
                | libc::EOPNOTSUPP
                | libc::ENOTDIR
        )
    )
}

/// The whole of `path` as bytes.
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    read_into(path, &mut buf).map_err(|e| Error::io(path, e))?;
    Ok(buf)
}

/// The whole of `path` as bytes, or `None` when it is absent (see [`with_file_opt`]).
pub(crate) fn read_opt(path: &Path) -> Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    match read_into(path, &mut buf) {
        Ok(()) => Ok(Some(buf)),
        Err(e) if is_absent(&e) => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The target of the symbolic link `path`.
pub(crate) fn read_link(path: &Path) -> Result<PathBuf> {
    std::fs::read_link(path).map_err(|e| Error::io(path, e))
}

/// The names in directory `path`, unsorted, without `.` and `..`.
pub(crate) fn list_dir(path: &Path) -> Result<Vec<OsString>> {
    let rd = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        out.push(entry.file_name());
    }
    Ok(out)
}

/// Like [`list_dir`], but a missing directory is an empty list.
pub(crate) fn list_dir_opt(path: &Path) -> Result<Vec<OsString>> {
    match list_dir(path) {
        Err(Error::Io { source, .. }) if is_absent(&source) => Ok(Vec::new()),
        other => other,
    }
}

/// True when `path` exists (following links).
pub(crate) fn exists(path: &Path) -> bool {
    path.exists()
}

/// Calls `f(inode, fd)` for each descriptor of the `fd` directory `dir`
/// (`<procfs>/<pid>/fd`) that is a socket (its link reads `socket:[<inode>]`), in the
/// kernel's order (ascending fd numbers). One `getdents64` per 32 KiB of names, one
/// `readlinkat` per descriptor into a stack buffer: nothing is allocated per descriptor.
///
/// A descriptor closed meanwhile is skipped; errors opening or listing `dir` are returned
/// as they are (the caller maps them to the process).
pub(crate) fn for_each_socket_fd(dir: &Path, f: impl FnMut(u64, i32)) -> io::Result<()> {
    let fd = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    scan_socket_fds(&fd, f)
}

/// [`for_each_socket_fd`] on an open `fd` directory.
fn scan_socket_fds(fd: &OwnedFd, mut f: impl FnMut(u64, i32)) -> io::Result<()> {
    use std::mem::MaybeUninit;
    let mut names = [MaybeUninit::<u8>::uninit(); 32 * 1024];
    let mut entries = rustix::fs::RawDir::new(fd, &mut names);
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name = entry.file_name();
        let Some(num) = parse_fd_number(name.to_bytes()) else {
            continue;
        };
        let mut link = [MaybeUninit::<u8>::uninit(); 64];
        match rustix::fs::readlinkat_raw(fd, name, &mut link) {
            Ok((target, _)) => {
                if let Some(inode) = socket_inode(target) {
                    f(inode, num);
                }
            }
            // A refused link (another user's process seen without privilege): psutil's
            // AccessDenied for this process.
            Err(e) if e == rustix::io::Errno::ACCESS || e == rustix::io::Errno::PERM => {
                return Err(e.into())
            }
            // Closed meanwhile (ENOENT), or not a link: psutil skips both.
            Err(_) => continue,
        }
    }
    Ok(())
}

/// The number a `/proc/<pid>/fd` entry is named after (`.`, `..` and anything else give
/// `None`).
fn parse_fd_number(name: &[u8]) -> Option<i32> {
    if name.is_empty() || name.len() > 10 || !name.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
}

/// The inode of a descriptor link target `socket:[<inode>]`.
pub(crate) fn socket_inode(target: &[u8]) -> Option<u64> {
    let digits = target.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// An open `<procfs>/<pid>` directory. Files read through it (with `openat`) belong to the
/// process the directory was opened for, even if that process exits and its pid is reused
/// meanwhile: the kernel then answers `ESRCH`/`ENOENT`, never another process's data.
///
/// The descriptor lives as long as this value, which callers keep only for the length of
/// one call (or one `oneshot`), so no descriptor is held between calls.
#[derive(Debug)]
pub(crate) struct PidDir {
    fd: OwnedFd,
    pid: i32,
    path: PathBuf,
}

impl PidDir {
    /// Opens `<procfs>/<pid>` (`O_PATH`: no read permission is needed on the directory).
    /// A pid that does not exist is [`Error::NoSuchProcess`].
    pub(crate) fn open(roots: &Roots, pid: i32) -> Result<PidDir> {
        let path = roots.proc(pid.to_string());
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        match rustix::fs::open(&path, flags, Mode::empty()) {
            Ok(fd) => Ok(PidDir { fd, pid, path }),
            Err(e) => Err(pid_error(pid, &path, e.into())),
        }
    }

    /// Confirms, in one syscall, that the process this directory was opened for still
    /// exists (a zombie counts): looks up its `stat` entry (`faccessat(dirfd, "stat",
    /// F_OK)`). procfs revalidates every lookup under a `<pid>` directory against the task
    /// the directory stands for, so once that process has been reaped the lookup fails
    /// (`ENOENT`), even when its pid already names another process. Errors as
    /// [`PidDir::with_file`] ([`Error::NoSuchProcess`] when gone).
    pub(crate) fn alive(&self) -> Result<()> {
        rustix::fs::accessat(
            &self.fd,
            "stat",
            rustix::fs::Access::EXISTS,
            rustix::fs::AtFlags::empty(),
        )
        .map_err(|e| pid_error(self.pid, &self.path_of("stat"), e.into()))
    }

    /// The path of `name` in this directory, for error messages.
    pub(crate) fn path_of(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Reads the file `name` (e.g. `"stat"`, `"task/12/stat"`) into the reusable buffer and
    /// parses it. Errors: [`Error::NoSuchProcess`] when the process is gone,
    /// [`Error::AccessDenied`] when the kernel refuses, [`Error::Parse`] naming the file.
    pub(crate) fn with_file<T>(
        &self,
        name: &str,
        parse: impl FnOnce(&[u8]) -> std::result::Result<T, ParseError>,
    ) -> Result<T> {
        with_buffer(|buf| {
            let read = rustix::fs::openat(
                &self.fd,
                name,
                OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(io::Error::from)
            .and_then(|fd| read_fd(&fd, buf));
            match read {
                Ok(()) => parse(buf).map_err(|e| e.at(&self.path_of(name))),
                Err(e) => Err(pid_error(self.pid, &self.path_of(name), e)),
            }
        })
    }

    /// The entries of the subdirectory `name` (e.g. `"fd"`, `"task"`), without `.` and
    /// `..`, in the kernel's order. Errors as [`PidDir::with_file`].
    pub(crate) fn list_dir(&self, name: &str) -> Result<Vec<OsString>> {
        let listed = rustix::fs::openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .and_then(|fd| {
            let mut out = Vec::new();
            for entry in rustix::fs::Dir::read_from(&fd)? {
                let entry = entry?;
                let n = entry.file_name().to_bytes();
                if n != b"." && n != b".." {
                    out.push(OsString::from_vec(n.to_vec()));
                }
            }
            Ok(out)
        });
        listed.map_err(|e| pid_error(self.pid, &self.path_of(name), e.into()))
    }

    /// [`for_each_socket_fd`] on this process's `fd` directory, opened through this
    /// directory. Errors as [`PidDir::with_file`].
    pub(crate) fn for_each_socket_fd(&self, f: impl FnMut(u64, i32)) -> Result<()> {
        rustix::fs::openat(
            &self.fd,
            "fd",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(io::Error::from)
        .and_then(|fd| scan_socket_fds(&fd, f))
        .map_err(|e| pid_error(self.pid, &self.path_of("fd"), e))
    }

    /// The target of the link `name` (e.g. `"exe"`, `"cwd"`, `"fd/3"`), as raw bytes.
    pub(crate) fn read_link(&self, name: &str) -> Result<PathBuf> {
        match rustix::fs::readlinkat(&self.fd, name, Vec::new()) {
            Ok(target) => Ok(PathBuf::from(OsString::from_vec(target.into_bytes()))),
            Err(e) => Err(pid_error(self.pid, &self.path_of(name), e.into())),
        }
    }
}

/// The error for a failed access to a process's file: gone (`ENOENT`, `ESRCH`) is
/// [`Error::NoSuchProcess`], refused (`EACCES`, `EPERM`) is [`Error::AccessDenied`].
pub(crate) fn pid_error(pid: i32, path: &Path, e: io::Error) -> Error {
    match e.raw_os_error() {
        Some(libc::ENOENT | libc::ESRCH) => Error::NoSuchProcess { pid, name: None },
        Some(libc::EACCES | libc::EPERM) => Error::AccessDenied {
            pid: Some(pid),
            path: Some(path.to_path_buf()),
        },
        _ => Error::Io {
            path: path.to_path_buf(),
            source: e,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pid_dir_reads_its_process_and_maps_errors() {
        let roots = Roots::default();
        let me = PidDir::open(&roots, std::process::id() as i32).unwrap();
        let stat = me.with_file("stat", |b| Ok(b.to_vec())).unwrap();
        let direct = std::fs::read("/proc/self/stat").unwrap();
        let pid_field = |b: &[u8]| b.split(|&c| c == b' ').next().map(<[u8]>::to_vec);
        assert_eq!(pid_field(&stat), pid_field(&direct));
        assert_eq!(
            me.read_link("exe").unwrap(),
            std::env::current_exe().unwrap()
        );
        assert!(matches!(
            me.with_file("no-such-file", |_| Ok(())),
            Err(Error::NoSuchProcess { .. })
        ));

        // A process that exits while its directory is open: reads fail, they never return
        // another process's data.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dir = PidDir::open(&roots, child.id() as i32).unwrap();
        assert!(dir.alive().is_ok());
        child.wait().unwrap();
        assert!(matches!(
            dir.with_file("stat", |_| Ok(())),
            Err(Error::NoSuchProcess { .. })
        ));
        assert!(matches!(dir.alive(), Err(Error::NoSuchProcess { .. })));
        assert!(matches!(
            PidDir::open(&roots, child.id() as i32),
            Err(Error::NoSuchProcess { .. })
        ));
    }

    #[test]
    fn socket_links_and_fd_names() {
        assert_eq!(socket_inode(b"socket:[12345]"), Some(12345));
        for bad in [
            &b"socket:[]"[..],
            b"socket:[12",
            b"pipe:[3]",
            b"/tmp/socket:[1]",
            b"socket:[1x]",
        ] {
            assert_eq!(socket_inode(bad), None);
        }
        assert_eq!(parse_fd_number(b"17"), Some(17));
        for bad in [&b"."[..], b"..", b"", b"99999999999", b"1a"] {
            assert_eq!(parse_fd_number(bad), None);
        }
        // This process's own sockets, against the fds std gives.
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut seen = Vec::new();
        for_each_socket_fd(Path::new("/proc/self/fd"), |i, fd| seen.push((i, fd))).unwrap();
        use std::os::fd::AsRawFd;
        let fd = l.as_raw_fd();
        let ino = std::fs::metadata(format!("/proc/self/fd/{fd}")).map(|m| {
            use std::os::unix::fs::MetadataExt;
            m.ino()
        });
        assert!(seen.contains(&(ino.unwrap(), fd)), "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0].1 < w[1].1));
    }

    #[test]
    fn reads_parse_and_name_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12 34").unwrap();
        let n = with_file(&p, |b| Ok(b.len())).unwrap();
        assert_eq!(n, 5);
        let e = with_file(&p, |_| Err::<(), _>(ParseError::new("bad"))).unwrap_err();
        assert!(e.to_string().contains("bad") && e.to_string().contains("/f"));
        let missing = dir.path().join("missing");
        assert!(with_file(&missing, |_| Ok(())).unwrap_err().is_not_found());
        assert_eq!(with_file_opt(&missing, |_| Ok(())).unwrap(), None);
        assert_eq!(read_opt(&missing).unwrap(), None);
        assert!(list_dir_opt(&missing).unwrap().is_empty());
        assert_eq!(list_dir(dir.path()).unwrap(), vec![OsString::from("f")]);
    }
}
