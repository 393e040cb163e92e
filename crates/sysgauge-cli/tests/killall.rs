//! `sysgauge killall`, run as a program: it kills exactly the children with the name (by
//! `SIGKILL`, as killall.py, or the signal asked for), leaves the others alone, and
//! prints killall.py's message when no process has the name.

mod common;

use common::TempDir;

use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::{Duration, Instant};

use common::Kid;

/// `n` children running a copy of `sleep` called `name` (in `dir`).
fn spawn_named(dir: &TempDir, name: &str, n: usize) -> Vec<Kid> {
    let exe = dir.0.join(name);
    if !exe.exists() {
        std::fs::copy("/bin/sleep", &exe).unwrap();
    }
    let kids: Vec<Kid> = (0..n)
        .map(|_| Kid::spawn(Command::new(&exe).arg("60")))
        .collect();
    for k in &kids {
        common::wait_comm(k.pid(), name);
    }
    kids
}

/// The signal that ended `kid` (waiting 10 s at most).
fn end_signal(kid: &mut Kid) -> Option<i32> {
    let t0 = Instant::now();
    loop {
        if let Some(st) = kid.0.try_wait().unwrap() {
            return st.signal();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "pid {} lives on",
            kid.pid()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether `kid` still runs.
fn alive(kid: &mut Kid) -> bool {
    kid.0.try_wait().unwrap().is_none()
}

/// The pids psutil sees with `name()` equal to `name` (killall.py's rule).
fn psutil_named(name: &str) -> Vec<i32> {
    let v = common::psutil(&format!(
        "out = [p.pid for p in psutil.process_iter(['name']) if p.info['name'] == {name:?}]"
    ));
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap() as i32)
        .collect()
}

#[test]
fn kills_exactly_the_named_processes() {
    let dir = TempDir::new("sgka");
    let name = format!("sgka{}", std::process::id() % 100_000);
    let mut victims = spawn_named(&dir, &name, 3);
    // Not to be touched: another name, and `name` as first argument only (killall.py
    // looks at name(), which is `sleep` there).
    let mut others = spawn_named(&dir, &format!("{name}x"), 1);
    let mut argv0 = Kid::spawn(
        Command::new("bash")
            .arg("-c")
            .arg(format!("exec -a {name} sleep 60")),
    );
    common::wait_exec(argv0.pid(), format!("{name}\x0060\x00").as_bytes());

    let mut want: Vec<i32> = victims.iter().map(Kid::pid).collect();
    want.sort();
    assert_eq!(
        psutil_named(&name),
        want,
        "psutil's processes called {name}"
    );

    // killall.py prints nothing and exits with 0.
    let out = common::sysgauge_out(&["killall", &name]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        (out.stdout.as_slice(), out.stderr.as_slice()),
        (&b""[..], &b""[..])
    );
    for k in &mut victims {
        assert_eq!(end_signal(k), Some(9), "pid {} ends by SIGKILL", k.pid());
    }
    assert!(alive(&mut others[0]), "another name is left alone");
    assert!(alive(&mut argv0), "a first argument is not a name");
    assert_eq!(psutil_named(&name), Vec::<i32>::new());

    // Now there is none: killall.py's message on stderr, exit status 1.
    let out = common::sysgauge_out(&["killall", &name]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.stdout, b"");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("sysgauge: {name}: no process found\n")
    );
}

#[test]
fn signal_option_and_json() {
    let dir = TempDir::new("sgkt");
    let name = format!("sgkt{}", std::process::id() % 100_000);
    let mut victims = spawn_named(&dir, &name, 2);
    let mut want: Vec<i32> = victims.iter().map(Kid::pid).collect();
    want.sort();
    let out = common::sysgauge(&["killall", "--json", "-s", "TERM", &name]);
    let got: Vec<i32> = serde_json::from_str(&out).unwrap();
    assert_eq!(got, want);
    for k in &mut victims {
        assert_eq!(end_signal(k), Some(15), "pid {} ends by SIGTERM", k.pid());
    }

    // Other spellings: SIGINT, a number.
    let mut victims = spawn_named(&dir, &name, 1);
    common::sysgauge(&["killall", "--signal", "sigint", &name]);
    assert_eq!(end_signal(&mut victims[0]), Some(2));
    let mut victims = spawn_named(&dir, &name, 1);
    common::sysgauge(&["killall", "-s", "1", &name]);
    assert_eq!(end_signal(&mut victims[0]), Some(1));

    // An unknown signal: one error line, exit status 1, nothing killed.
    let mut survivor = spawn_named(&dir, &name, 1);
    let out = common::sysgauge_out(&["killall", "-s", "NOPE", &name]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("sysgauge: invalid argument: unknown signal \"NOPE\"")
            && err.lines().count() == 1,
        "{err}"
    );
    assert!(alive(&mut survivor[0]));
}
