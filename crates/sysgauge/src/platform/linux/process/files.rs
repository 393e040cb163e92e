//! What a process runs, has open, and runs as: psutil's `exe`, `environ`, `terminal`,
//! `open_files` and `threads` on Linux.
//!
//! Sources: the `<pid>/exe` link (and `<pid>/cmdline` when psutil guesses), `<pid>/environ`,
//! `tty_nr` of `<pid>/stat` against the devices `/dev/tty*` and `/dev/pts/*`, the
//! `<pid>/fd/<n>` links with `<pid>/fdinfo/<n>`, and `<pid>/task/<tid>/stat`. Every file is
//! read through the process's checked directory handle.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::memory::{raise_if_zombie_now, still_there};
use super::{clean_link, cmdline, read_pid_link, Target};
use crate::error::{Error, Result};
use crate::platform::linux::cpu::clock_ticks;
use crate::platform::linux::fs;
use crate::platform::linux::parse::{pid_cmdline, pid_fdinfo, pid_stat};
use crate::platform::linux::sys::filestat;
use crate::process::{OpenFile, ThreadTimes};

/// psutil's `exe()` on Linux: the `<pid>/exe` link, cleaned as psutil cleans links (cut at
/// a NUL; ` (deleted)` dropped when nothing exists at the path with it). When the kernel
/// gives no link but the process is there (kernel threads), the path is empty; a zombie is
/// [`Error::ZombieProcess`]. As psutil's `Process.exe()`, an empty or refused link is
/// replaced by `cmdline[0]` when that is an absolute path to an executable regular file; a
/// refusal without such a guess stays [`Error::AccessDenied`].
pub(crate) fn exe(t: &Target) -> Result<PathBuf> {
    match read_pid_link(t, "exe", Some(PathBuf::new())) {
        Ok(p) if !p.as_os_str().is_empty() => Ok(p),
        Ok(empty) => match guess_exe(t) {
            Ok(Some(p)) => Ok(p),
            Ok(None) | Err(Error::AccessDenied { .. }) => Ok(empty),
            Err(e) => Err(e),
        },
        Err(denied @ Error::AccessDenied { .. }) => match guess_exe(t)? {
            Some(p) => Ok(p),
            None => Err(denied),
        },
        Err(e) => Err(e),
    }
}

/// psutil's guess of the executable: `cmdline[0]` when it is absolute, a regular file and
/// executable by the caller (`access(X_OK)`).
fn guess_exe(t: &Target) -> Result<Option<PathBuf>> {
    let args = cmdline(t)?;
    let Some(first) = args.into_iter().next() else {
        return Ok(None);
    };
    let path = PathBuf::from(first);
    let ok = path.as_os_str().as_bytes().starts_with(b"/")
        && filestat::stat(&path).is_ok_and(|s| s.is_regular)
        && filestat::can_execute(&path);
    Ok(ok.then_some(path))
}

/// psutil's `environ()`: `<pid>/environ` split into names and values (raw bytes; the last
/// value of a repeated name wins). When the kernel refuses the file with `ENOENT`/`ESRCH`,
/// a zombie is [`Error::ZombieProcess`], a process that is still there (a kernel thread,
/// which has no environment) gets an empty map, and a vanished one
/// [`Error::NoSuchProcess`].
pub(crate) fn environ(t: &Target) -> Result<BTreeMap<OsString, OsString>> {
    let dir = t.dir()?;
    match dir.with_file("environ", |d| Ok(pid_cmdline::environ(d))) {
        Ok(pairs) => Ok(pairs.into_iter().collect()),
        Err(e @ Error::NoSuchProcess { .. }) => {
            raise_if_zombie_now(t, &dir)?;
            if still_there(t) {
                Ok(BTreeMap::new())
            } else {
                Err(e)
            }
        }
        Err(e) => Err(e),
    }
}

/// The terminal devices psutil knows, by device number (`st_rdev`): `/dev/tty*` and
/// `/dev/pts/*` (psutil's `get_terminal_map()`). When two paths have the same number the
/// later one wins, as in psutil's dict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TerminalMap {
    by_dev: HashMap<u64, PathBuf>,
}

impl TerminalMap {
    /// Lists `/dev` (names starting with `tty`) and `/dev/pts` (names not starting with
    /// `.`, as a shell glob), and `stat`s each (following links). Entries that vanish or
    /// cannot be `stat`ed are left out.
    pub(crate) fn build() -> TerminalMap {
        let mut by_dev = HashMap::new();
        let dirs: [(&str, &[u8]); 2] = [("/dev", b"tty"), ("/dev/pts", b"")];
        for (dir, prefix) in dirs {
            let Ok(names) = fs::list_dir(Path::new(dir)) else {
                continue;
            };
            for name in names {
                let b = name.as_bytes();
                if !b.starts_with(prefix) || b.starts_with(b".") {
                    continue;
                }
                let path = Path::new(dir).join(&name);
                if let Ok(st) = filestat::stat(&path) {
                    by_dev.insert(st.rdev, path);
                }
            }
        }
        TerminalMap { by_dev }
    }

    /// The path of the device `tty_nr` (as `<pid>/stat` gives it), if listed.
    pub(crate) fn get(&self, tty_nr: i32) -> Option<&Path> {
        let dev = u64::try_from(tty_nr).ok()?;
        self.by_dev.get(&dev).map(PathBuf::as_path)
    }
}

/// The map [`terminal`] keeps between calls (psutil keeps one per interpreter too); built
/// on first use and rebuilt when a device is not found in it (psutil 8.0's rule: the
/// terminal may have been created since).
static TERMINALS: Mutex<Option<TerminalMap>> = Mutex::new(None);

/// The path of terminal device `tty_nr` through [`TERMINALS`].
fn terminal_path(tty_nr: i32) -> Option<PathBuf> {
    let mut kept = TERMINALS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = kept.as_ref().and_then(|m| m.get(tty_nr)) {
        return Some(p.to_path_buf());
    }
    let fresh = TerminalMap::build();
    let found = fresh.get(tty_nr).map(Path::to_path_buf);
    *kept = Some(fresh);
    found
}

/// psutil's `terminal()`: the `/dev` path of the controlling terminal (`tty_nr` of
/// `<pid>/stat`), `None` when the process has none (`tty_nr` 0) or the device is not
/// among `/dev/tty*` and `/dev/pts/*`.
pub(crate) fn terminal(t: &Target) -> Result<Option<PathBuf>> {
    let tty_nr = t.stat()?.tty_nr;
    if tty_nr == 0 {
        return Ok(None);
    }
    Ok(terminal_path(tty_nr))
}

/// True when `path` is a regular file by `stat` (following links); a refusal is
/// [`Error::AccessDenied`] (psutil's `isfile_strict`), other errors are false.
fn is_regular_strict(pid: i32, path: &Path) -> Result<bool> {
    match filestat::stat(path) {
        Ok(s) => Ok(s.is_regular),
        Err(e) if matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM)) => {
            Err(Error::AccessDenied {
                pid: Some(pid),
                path: Some(path.to_path_buf()),
            })
        }
        Err(_) => Ok(false),
    }
}

/// psutil's `open_files()`: for each entry of `<pid>/fd`, in the kernel's order, the link
/// target cleaned as psutil cleans links; kept when it is absolute and a regular file
/// (`stat`), with `pos` and `flags` of `<pid>/fdinfo/<n>` and the mode made from the
/// flags. Descriptors closed meanwhile are skipped (and then the process must still be
/// there, else [`Error::NoSuchProcess`]); links that cannot be read as such (`EINVAL`,
/// `ENAMETOOLONG`) are skipped. An access mode of 3 (neither read nor write, which some
/// drivers use) has no `open()` mode: [`Error::Parse`] naming the fdinfo file (psutil
/// fails there too).
pub(crate) fn open_files(t: &Target) -> Result<Vec<OpenFile>> {
    let dir = t.dir()?;
    let mut out = Vec::new();
    let mut vanished = false;
    for name in dir.list_dir("fd")? {
        let Some(fd) = std::str::from_utf8(name.as_bytes())
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let path = match dir.read_link(&format!("fd/{fd}")) {
            Ok(p) => clean_link(p),
            Err(Error::NoSuchProcess { .. }) => {
                vanished = true;
                continue;
            }
            Err(Error::Io { source, .. })
                if matches!(
                    source.raw_os_error(),
                    Some(libc::EINVAL | libc::ENAMETOOLONG)
                ) =>
            {
                continue
            }
            Err(e) => return Err(e),
        };
        if !path.as_os_str().as_bytes().starts_with(b"/") || !is_regular_strict(t.pid, &path)? {
            continue;
        }
        let info_name = format!("fdinfo/{fd}");
        let info = match dir.with_file(&info_name, pid_fdinfo::fdinfo) {
            Ok(i) => i,
            Err(Error::NoSuchProcess { .. }) => {
                vanished = true;
                continue;
            }
            Err(e) => return Err(e),
        };
        let mode = pid_fdinfo::mode(info.flags).ok_or_else(|| Error::Parse {
            path: dir.path_of(&info_name),
            what: format!(
                "flags {:o} have access mode 3, which has no open() mode",
                info.flags
            ),
        })?;
        out.push(OpenFile {
            path,
            fd,
            // Files with unsigned offsets (`/proc/<pid>/mem`, `/dev/mem`) can show a
            // negative `pos`: the kernel prints their unsigned offset as signed.
            position: info.pos as u64,
            mode: mode.to_string(),
            flags: info.flags,
        });
    }
    if vanished && !still_there(t) {
        return Err(Error::NoSuchProcess {
            pid: t.pid,
            name: None,
        });
    }
    Ok(out)
}

/// psutil's `threads()`: for each entry of `<pid>/task`, sorted as text (psutil sorts the
/// names as strings, so `"100"` comes before `"99"`), the thread id and its user and
/// system times (`utime`, `stime` of `<pid>/task/<tid>/stat` / `CLK_TCK`, in seconds).
/// Threads that exit meanwhile are skipped (and then the process must still be there,
/// else [`Error::NoSuchProcess`]).
pub(crate) fn threads(t: &Target) -> Result<Vec<ThreadTimes>> {
    let dir = t.dir()?;
    let mut names = dir.list_dir("task")?;
    names.sort();
    let hz = clock_ticks()?;
    let mut out = Vec::with_capacity(names.len());
    let mut vanished = false;
    for name in names {
        let Some(id) = std::str::from_utf8(name.as_bytes())
            .ok()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let times = dir.with_file(&format!("task/{id}/stat"), |d| {
            let s = pid_stat::pid_stat(d)?;
            Ok((s.utime, s.stime))
        });
        match times {
            Ok((utime, stime)) => out.push(ThreadTimes {
                id,
                user_time: utime as f64 / hz,
                system_time: stime as f64 / hz,
            }),
            Err(Error::NoSuchProcess { .. }) => vanished = true,
            Err(e) => return Err(e),
        }
    }
    if vanished && !still_there(t) {
        return Err(Error::NoSuchProcess {
            pid: t.pid,
            name: None,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roots::Roots;

    const FIXTURE: &str = "proc-pid-memory-old-kernels";

    fn target(roots: &Roots, pid: i32) -> Target<'_> {
        let start = super::super::stat(roots, pid).unwrap().starttime;
        Target {
            roots,
            pid,
            start,
            cache: None,
        }
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// psutil 7.2.2's `_pslinux.Process(pid)` on the fixture: `code` is an expression of
    /// `p`; paths and strings come back as hex of their bytes.
    fn psutil_on_fixture(pid: i32, code: &str) -> serde_json::Value {
        let procfs = crate::testing::fixture(FIXTURE).join("proc");
        crate::testing::psutil_at(
            Some(&procfs),
            &format!(
                "import os\nfrom psutil import _pslinux\np = _pslinux.Process({pid})\n\
                 def h(x):\n    if isinstance(x, str): return os.fsencode(x).hex()\n    \
                 if isinstance(x, dict): return {{h(k): h(v) for k, v in x.items()}}\n    \
                 if isinstance(x, (list, tuple)): return [h(v) for v in x]\n    return x\n\
                 out = h({code})"
            ),
        )
    }

    #[test]
    fn fixture_exe() {
        let roots = Roots::fixture(FIXTURE);
        // A deleted executable: the suffix goes (nothing exists at the path with it).
        let p = exe(&target(&roots, 4404)).unwrap();
        assert_eq!(p, Path::new("/usr/bin/memhog"));
        assert_eq!(
            psutil_on_fixture(4404, "p.exe()"),
            serde_json::json!(hex(b"/usr/bin/memhog"))
        );
        // Kernel thread: no link, empty command line: "".
        assert_eq!(exe(&target(&roots, 2)).unwrap(), PathBuf::new());
        assert_eq!(psutil_on_fixture(2, "p.exe()"), serde_json::json!(""));
        // No link and a relative argv[0]: no guess.
        assert_eq!(exe(&target(&roots, 2632)).unwrap(), PathBuf::new());
        // Zombie.
        assert!(matches!(
            exe(&target(&roots, 77)),
            Err(Error::ZombieProcess { pid: 77, .. })
        ));
    }

    #[test]
    fn exe_guessed_from_an_absolute_executable_argv0() {
        // No exe link (as the kernel answers for some low pids), argv[0] an absolute path to
        // an executable file: psutil's Process.exe() reports argv[0]; a relative or
        // non-executable argv[0] is not taken.
        let tmp = tempfile::tempdir().unwrap();
        let src = crate::testing::fixture(FIXTURE).join("proc/2632");
        std::fs::write(tmp.path().join("stat"), "cpu 0 0 0 0\nbtime 1700000000\n").unwrap();
        let cases: [(&[u8], &str); 4] = [
            (b"/bin/sh\0-c\0true\0", "/bin/sh"),
            (b"sh\0", ""),
            (b"/etc/passwd\0", ""),
            (b"/no/such/file\0", ""),
        ];
        for (cmdline, want) in cases {
            let dst = tmp.path().join("2632");
            std::fs::create_dir_all(&dst).unwrap();
            for f in ["stat", "status", "statm"] {
                std::fs::copy(src.join(f), dst.join(f)).unwrap();
            }
            std::fs::write(dst.join("cmdline"), cmdline).unwrap();
            let roots = Roots::new(tmp.path(), "/sys");
            assert_eq!(exe(&target(&roots, 2632)).unwrap(), Path::new(want));
            let py =
                crate::testing::psutil_at(Some(tmp.path()), "out = psutil.Process(2632).exe()");
            assert_eq!(py, serde_json::json!(want), "{cmdline:?}");
        }
    }

    #[test]
    fn fixture_environ() {
        let roots = Roots::fixture(FIXTURE);
        let env = environ(&target(&roots, 4404)).unwrap();
        let want: BTreeMap<OsString, OsString> = [
            (&b"HOME"[..], &b"/root"[..]),
            (b"LANG", b"C.UTF-8"),
            (b"BYTES", b"\xff\xfe=x"),
        ]
        .into_iter()
        .map(|(k, v)| {
            (
                OsString::from(std::ffi::OsStr::from_bytes(k)),
                OsString::from(std::ffi::OsStr::from_bytes(v)),
            )
        })
        .collect();
        assert_eq!(env, want);
        let theirs = psutil_on_fixture(4404, "p.environ()");
        let ours: serde_json::Map<String, serde_json::Value> = env
            .iter()
            .map(|(k, v)| (hex(k.as_bytes()), hex(v.as_bytes()).into()))
            .collect();
        assert_eq!(theirs, serde_json::Value::Object(ours));
        // Kernel thread: the file cannot be read but the process is there.
        assert_eq!(environ(&target(&roots, 2)).unwrap(), BTreeMap::new());
        assert!(matches!(
            environ(&target(&roots, 77)),
            Err(Error::ZombieProcess { pid: 77, .. })
        ));
    }

    #[test]
    fn fixture_threads_sorted_as_text() {
        let roots = Roots::fixture(FIXTURE);
        let th = threads(&target(&roots, 4404)).unwrap();
        let hz = clock_ticks().unwrap();
        let got: Vec<(i32, f64, f64)> = th
            .iter()
            .map(|t| (t.id, t.user_time, t.system_time))
            .collect();
        assert_eq!(
            got,
            [
                (10001, 40.0 / hz, 5.0 / hz),
                (4404, 150.0 / hz, 10.0 / hz),
                (4410, 60.0 / hz, 15.0 / hz)
            ]
        );
        let theirs = psutil_on_fixture(4404, "p.threads()");
        let ours: Vec<serde_json::Value> = th
            .iter()
            .map(|t| serde_json::json!([t.id, t.user_time, t.system_time]))
            .collect();
        assert_eq!(theirs, serde_json::Value::Array(ours));
        let z = threads(&target(&roots, 77)).unwrap();
        assert_eq!(z.iter().map(|t| t.id).collect::<Vec<_>>(), [77]);
    }

    #[test]
    fn fixture_open_files() {
        let roots = Roots::fixture(FIXTURE);
        let t = target(&roots, 4404);
        let mut files = open_files(&t).unwrap();
        files.sort_by_key(|f| f.fd);
        assert_eq!(
            files,
            [
                OpenFile {
                    path: PathBuf::from("/etc/passwd"),
                    fd: 3,
                    position: 10,
                    mode: "a+".into(),
                    flags: 0o2102002,
                },
                OpenFile {
                    path: PathBuf::from("/etc/group"),
                    fd: 7,
                    position: 4096,
                    mode: "r".into(),
                    flags: 0o100000,
                },
            ]
        );
        // psutil, in its own (directory) order, which is ours too.
        let theirs = psutil_on_fixture(4404, "p.open_files()");
        let ours: Vec<serde_json::Value> = open_files(&t)
            .unwrap()
            .iter()
            .map(|f| {
                serde_json::json!([
                    hex(f.path.as_os_str().as_bytes()),
                    f.fd,
                    f.position,
                    hex(f.mode.as_bytes()),
                    f.flags
                ])
            })
            .collect();
        assert_eq!(theirs, serde_json::Value::Array(ours));
        // No fd directory at all (the kernel thread's tree): the process "vanished".
        assert!(matches!(
            open_files(&target(&roots, 2)),
            Err(Error::NoSuchProcess { .. })
        ));
    }

    #[test]
    fn fixture_no_terminal() {
        let roots = Roots::fixture(FIXTURE);
        assert_eq!(terminal(&target(&roots, 4404)).unwrap(), None);
    }

    #[test]
    fn terminal_map_lists_dev_tty_and_pts() {
        let map = TerminalMap::build();
        // /dev/tty is 5:0 wherever /dev is populated.
        if let Ok(st) = filestat::stat(Path::new("/dev/tty")) {
            assert_eq!(
                map.get(i32::try_from(st.rdev).unwrap()),
                Some(Path::new("/dev/tty"))
            );
        }
        for p in map.by_dev.values() {
            let name = p.to_string_lossy();
            assert!(name.starts_with("/dev/tty") || name.starts_with("/dev/pts/"));
        }
        assert_eq!(map.get(-1), None);
    }
}
