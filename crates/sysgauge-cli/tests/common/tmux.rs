//! A terminal for the tests of the live views: a tmux server of the test's own (`-L`), one
//! session, keys sent with `send-keys`, the screen read with `capture-pane`, the pane's
//! state with `display-message` formats; the server is killed and its socket removed when
//! the guard is dropped, failed test or not.
//!
//! [`Tmux::start`] runs the command through a wrapper shell that, once the command has
//! ended, prints `exit=<status>` and the terminal's `icanon` and `echo` modes, then waits
//! for Enter: [`Tmux::quit_with`] and [`Tmux::kill_with`] read those lines to check that
//! the command left the terminal as it found it (cooked mode, echo, main screen, cursor
//! shown), after a quitting key or a signal.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};

/// A tmux server of our own, with one session; killed when dropped.
pub struct Tmux {
    socket: String,
    /// The server's socket file, which tmux leaves behind.
    path: Option<String>,
    /// How long the waits wait.
    patience: Duration,
}

/// Whether tmux can be run here.
pub fn installed() -> bool {
    Command::new("tmux").arg("-V").output().is_ok()
}

impl Tmux {
    /// Starts `cmd` in a detached 160 × 50 session, from a shell that then prints its
    /// exit status (`exit=N`, 128 + the signal for a command ended by a signal) and the
    /// terminal's `icanon` and `echo` modes (`modes: icanon echo`), and waits for Enter.
    /// The pane stays after that (`remain-on-exit`), so the shell's status can be read
    /// too.
    pub fn start(tag: &str, cmd: &str) -> Tmux {
        let shell = format!(
            "{cmd}; echo \"exit=$?\"; echo \"modes: $(stty -a | tr ' ;' '\\n\\n' | \
             grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' ')\"; read _"
        );
        Tmux::session(tag, 160, 50, &shell)
    }

    /// Starts `sh -c script` in a detached `width` × `height` session, as it is.
    pub fn session(tag: &str, width: u16, height: u16, script: &str) -> Tmux {
        static SERIAL: AtomicU32 = AtomicU32::new(0);
        let socket = format!(
            "sgtest-{tag}-{}-{}",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::Relaxed)
        );
        let mut t = Tmux {
            socket,
            path: None,
            patience: Duration::from_secs(60),
        };
        let (w, h) = (width.to_string(), height.to_string());
        let o = t
            .command()
            .args(["-f", "/dev/null", "start-server", ";"])
            .args(["set-option", "-g", "remain-on-exit", "on", ";"])
            .args(["new-session", "-d", "-x", &w, "-y", &h, "sh", "-c", script])
            .output()
            .expect("tmux runs");
        assert!(
            o.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        t.path = t
            .tmux(&["display-message", "-p", "#{socket_path}"])
            .map(|p| p.trim().to_string());
        t
    }

    /// The same guard, with waits that give up after `limit` (60 s unless told).
    pub fn patience(mut self, limit: Duration) -> Tmux {
        self.patience = limit;
        self
    }

    /// `tmux -L <our socket>`, without the variables that would send it to another
    /// server (`TMUX`) or size the pane's programs (`COLUMNS`, `LINES`).
    fn command(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket])
            .env_remove("TMUX")
            .env_remove("COLUMNS")
            .env_remove("LINES");
        c
    }

    /// Runs a tmux command on our server; its stdout, or `None` when it fails.
    pub fn tmux(&self, args: &[&str]) -> Option<String> {
        let o = self.command().args(args).output().ok()?;
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
    }

    /// The screen as text, one line a line (`escapes`: with the SGR sequences of the
    /// attributes).
    pub fn screen(&self, escapes: bool) -> String {
        let mut args = vec!["capture-pane", "-p"];
        if escapes {
            args.push("-e");
        }
        self.tmux(&args).unwrap_or_default()
    }

    /// The whole history and the screen, wrapped lines joined.
    pub fn history(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-"])
            .unwrap_or_default()
    }

    /// Sends keys (tmux's key names: `M`, `Enter`, `Escape`, `C-c`...).
    #[track_caller]
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).is_some(), "send-keys {keys:?}");
    }

    /// Sends `text` literally.
    #[track_caller]
    pub fn type_text(&self, text: &str) {
        assert!(
            self.tmux(&["send-keys", "-l", text]).is_some(),
            "send-keys -l {text:?}"
        );
    }

    /// A pane format variable (`pane_dead`, `alternate_on`, `cursor_flag`...).
    pub fn pane(&self, var: &str) -> String {
        self.tmux(&["display-message", "-p", &format!("#{{{var}}}")])
            .unwrap_or_default()
            .trim()
            .to_string()
    }

    /// Waits until `check` accepts what `capture` reads; returns what it returned. A
    /// screen may be caught in the middle of a redraw, so a refusal is tried again.
    #[track_caller]
    fn wait_on<T>(
        &self,
        what: &str,
        capture: impl Fn(&Tmux) -> String,
        mut check: impl FnMut(&str) -> Result<T, String>,
    ) -> T {
        let t0 = Instant::now();
        loop {
            let text = capture(self);
            let last = match check(&text) {
                Ok(v) => return v,
                Err(e) => e,
            };
            assert!(
                t0.elapsed() < self.patience,
                "{what}: {last}\n--- screen ---\n{text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `check` accepts the screen's text; returns what it returned.
    #[track_caller]
    pub fn wait_text<T>(&self, what: &str, check: impl FnMut(&str) -> Result<T, String>) -> T {
        self.wait_on(what, |t| t.screen(false), check)
    }

    /// Waits until `check` accepts the history and screen ([`history`](Self::history));
    /// returns what it returned.
    #[track_caller]
    pub fn wait_history<T>(&self, what: &str, check: impl FnMut(&str) -> Result<T, String>) -> T {
        self.wait_on(what, Tmux::history, check)
    }

    /// Waits until `check` accepts the screen; returns that screen.
    #[track_caller]
    pub fn wait_screen(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        self.wait_text(what, |s| {
            if check(s) {
                Ok(s.to_string())
            } else {
                Err("never appeared".into())
            }
        })
    }

    /// The pid of the program the wrapper shell runs (the shell's child named `comm`),
    /// once it runs.
    #[track_caller]
    pub fn child_pid(&self, comm: &str) -> i32 {
        let shell: i32 = self.pane("pane_pid").parse().expect("the pane's pid");
        self.wait_text(&format!("{comm}, the shell's child"), |_| {
            children(shell)
                .into_iter()
                .find(|&pid| read_comm(pid).as_deref() == Some(comm))
                .ok_or_else(|| format!("the shell {shell} runs no {comm}"))
        })
    }

    /// Sends `key` (tmux's key names) and checks that the command exits with status 0 and
    /// leaves the terminal as it found it (see [`ended_restored`](Self::ended_restored)).
    #[track_caller]
    pub fn quit_with(&self, key: &str) {
        self.keys(&[key]);
        self.ended_restored(&format!("the exit after {key}"), 0);
    }

    /// Sends `signal` to the program the wrapper shell runs (the shell's `sysgauge`
    /// child) and checks that it ends by that signal (status 128 + the signal) and leaves
    /// the terminal as it found it (see [`ended_restored`](Self::ended_restored)).
    #[track_caller]
    pub fn kill_with(&self, signal: Signal) {
        let pid = self.child_pid("sysgauge");
        assert_eq!(
            self.pane("alternate_on"),
            "1",
            "the view is on the alternate screen before the signal"
        );
        rustix::process::kill_process(Pid::from_raw(pid).expect("a pid"), signal).expect("kill");
        self.ended_restored(
            &format!("the end by signal {}", signal.as_raw()),
            128 + signal.as_raw(),
        );
    }

    /// Checks that the command the wrapper shell runs ended with `status` and left the
    /// terminal as it found it: main screen, cursor shown, line mode and echo back on.
    /// Then lets the shell end and checks the pane is dead.
    #[track_caller]
    pub fn ended_restored(&self, what: &str, status: i32) {
        // A terminal left without output processing (raw mode) starts the shell's lines
        // where the last one ended: they are found once their indent is trimmed.
        let screen = self.wait_screen(what, |s| {
            s.lines().any(|l| l.trim_start().starts_with("modes: "))
        });
        let lines: Vec<&str> = screen.lines().map(str::trim_start).collect();
        let exit = format!("exit={status}");
        assert!(lines.contains(&exit.as_str()), "want {exit}:\n{screen}");
        let modes = lines.iter().find(|l| l.starts_with("modes: ")).unwrap();
        let modes: Vec<&str> = modes["modes: ".len()..].split_whitespace().collect();
        assert!(
            modes.contains(&"icanon") && modes.contains(&"echo"),
            "terminal left in raw mode: {modes:?}"
        );
        assert_eq!(
            self.pane("alternate_on"),
            "0",
            "left on the alternate screen"
        );
        assert_eq!(self.pane("cursor_flag"), "1", "cursor left hidden");
        self.keys(&["Enter"]);
        let t0 = Instant::now();
        // The command's own status was checked above (`exit=N`); tmux 3.3 does not always
        // record the shell's (when it sees the terminal close first), so only a status it
        // did record is checked.
        while self.pane("pane_dead") != "1" {
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "the pane never ended; the screen:\n{}",
                self.screen(false)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let status = self.pane("pane_dead_status");
        assert!(matches!(status.as_str(), "" | "0"), "shell status {status}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The children of `parent`, from the `ppid` field of each `/proc/<pid>/stat`.
fn children(parent: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| {
                    // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
                    let rest = &s[s.rfind(')')? + 1..];
                    rest.split_whitespace().nth(1)?.parse::<i32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// `/proc/<pid>/comm`, without its newline.
fn read_comm(pid: i32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim_end_matches('\n').to_string())
}
