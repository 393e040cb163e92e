//! nice (set), ionice, rlimit and cpu_affinity of children, against `ps`, `ionice`,
//! `prlimit`, `taskset` and psutil 7.2.2 on the same pids (setting with ours and reading
//! with them, and the other way round).

mod common;

use std::process::Command;

use common::{prlimit_tool, psutil, psutil_cpu_affinity, psutil_rlimit, run, taskset, Kid};
use sysgauge::{Error, IoClass, IoNice, Process, RLIMIT_CPU, RLIMIT_NOFILE, RLIM_INFINITY};

fn sleeper() -> (Kid, Process) {
    let k = Kid::spawn(Command::new("sleep").arg("60"));
    let p = Process::new(k.pid()).unwrap();
    (k, p)
}

#[test]
fn set_nice_against_ps_and_psutil() {
    let (k, p) = sleeper();
    let ps = || {
        run("ps", &["-o", "ni=", "-p", &k.pid().to_string()])
            .trim()
            .to_string()
    };
    let py = || psutil(&format!("out = psutil.Process({}).nice()", k.pid()));
    assert_eq!(p.nice().unwrap(), 0);
    p.set_nice(7).unwrap();
    assert_eq!(p.nice().unwrap(), 7);
    assert_eq!(ps(), "7");
    assert_eq!(py(), serde_json::json!(7));
    // The kernel clamps, as for psutil's nice(100).
    p.set_nice(100).unwrap();
    assert_eq!(ps(), "19");
    // psutil's setter, read back by ours.
    psutil(&format!("psutil.Process({}).nice(-3); out = 0", k.pid()));
    assert_eq!(p.nice().unwrap(), -3);
}

#[test]
fn ionice_against_tool_and_psutil() {
    let (k, p) = sleeper();
    let pid = k.pid().to_string();
    let tool = || run("ionice", &["-p", &pid]).trim().to_string();
    let py = || psutil(&format!("out = list(psutil.Process({pid}).ionice())"));
    let start = p.ionice().unwrap();
    let v = py();
    assert_eq!(v, serde_json::json!([start.ioclass.as_raw(), start.value]));

    p.set_ionice(IoClass::BestEffort, Some(6)).unwrap();
    assert_eq!(
        p.ionice().unwrap(),
        IoNice {
            ioclass: IoClass::BestEffort,
            value: 6
        }
    );
    assert_eq!(tool(), "best-effort: prio 6");
    assert_eq!(py(), serde_json::json!([2, 6]));

    // No value means 0 (psutil 7.2.2).
    p.set_ionice(IoClass::BestEffort, None).unwrap();
    assert_eq!(tool(), "best-effort: prio 0");

    p.set_ionice(IoClass::Idle, None).unwrap();
    assert_eq!(tool(), "idle");
    assert_eq!(py(), serde_json::json!([3, 0]));

    if rustix::process::geteuid().as_raw() == 0 {
        p.set_ionice(IoClass::RealTime, Some(3)).unwrap();
        assert_eq!(tool(), "realtime: prio 3");
        assert_eq!(py(), serde_json::json!([1, 3]));
    }

    // psutil's setter, read back by ours.
    psutil(&format!(
        "psutil.Process({pid}).ionice(psutil.IOPRIO_CLASS_BE, 2); out = 0"
    ));
    assert_eq!(p.ionice().unwrap().value, 2);

    // psutil's validation: no value for NONE/IDLE, levels 0..=7; nothing changes.
    for (class, value) in [
        (IoClass::Idle, Some(1)),
        (IoClass::None, Some(2)),
        (IoClass::BestEffort, Some(8)),
        (IoClass::BestEffort, Some(-1)),
    ] {
        assert!(
            matches!(p.set_ionice(class, value), Err(Error::InvalidArgument(_))),
            "{class:?} {value:?}"
        );
        let v = psutil(&format!(
            "try:\n    psutil.Process({pid}).ionice({}, {}); out = 'ok'\n\
             except ValueError:\n    out = 'ValueError'",
            class.as_raw(),
            value.unwrap()
        ));
        assert_eq!(v, serde_json::json!("ValueError"));
    }
    assert_eq!(p.ionice().unwrap().value, 2);
}

#[test]
fn rlimit_against_prlimit_and_psutil() {
    let (k, p) = sleeper();
    let py = |res: i32| psutil_rlimit(k.pid(), res);
    assert_eq!(
        p.rlimit(RLIMIT_NOFILE).unwrap(),
        prlimit_tool(k.pid(), "--nofile")
    );
    for r in 0..16 {
        assert_eq!(p.rlimit(r).unwrap(), py(r), "resource {r}");
    }
    p.set_rlimit(RLIMIT_NOFILE, 100, 200).unwrap();
    assert_eq!(p.rlimit(RLIMIT_NOFILE).unwrap(), (100, 200));
    assert_eq!(prlimit_tool(k.pid(), "--nofile"), (100, 200));
    assert_eq!(py(RLIMIT_NOFILE), (100, 200));
    p.set_rlimit(RLIMIT_CPU, 3600, RLIM_INFINITY).unwrap();
    assert_eq!(prlimit_tool(k.pid(), "--cpu"), (3600, -1));
    assert_eq!(py(RLIMIT_CPU), (3600, -1));
    // psutil's setter, read back by ours.
    psutil(&format!(
        "psutil.Process({}).rlimit(psutil.RLIMIT_NOFILE, (50, 150)); out = 0",
        k.pid()
    ));
    assert_eq!(p.rlimit(RLIMIT_NOFILE).unwrap(), (50, 150));
    // soft > hard, unknown resource.
    assert!(matches!(
        p.set_rlimit(RLIMIT_NOFILE, 151, 150),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(p.rlimit(99), Err(Error::InvalidArgument(_))));
    assert_eq!(p.rlimit(RLIMIT_NOFILE).unwrap(), (50, 150));
}

#[test]
fn cpu_affinity_against_taskset_and_psutil() {
    let (k, p) = sleeper();
    let py = || psutil_cpu_affinity(k.pid());
    let all = p.cpu_affinity().unwrap();
    assert!(!all.is_empty());
    assert_eq!(all, taskset(k.pid()));
    assert_eq!(all, py());
    let last = *all.last().unwrap();
    p.set_cpu_affinity(&[last, last]).unwrap();
    assert_eq!(p.cpu_affinity().unwrap(), vec![last]);
    assert_eq!(taskset(k.pid()), vec![last]);
    assert_eq!(py(), vec![last]);
    // [] = every eligible CPU: what psutil's cpu_affinity([]) sets.
    p.set_cpu_affinity(&[]).unwrap();
    let ours = p.cpu_affinity().unwrap();
    run("taskset", &["-pc", &last.to_string(), &k.pid().to_string()]);
    psutil(&format!(
        "psutil.Process({}).cpu_affinity([]); out = 0",
        k.pid()
    ));
    assert_eq!(ours, py());
    assert_eq!(ours, all);
    // An invalid CPU: psutil's message.
    let err = p.set_cpu_affinity(&[5000]).unwrap_err();
    let v = psutil(&format!(
        "try:\n    psutil.Process({}).cpu_affinity([5000]); out = None\n\
         except ValueError as e:\n    out = str(e)",
        k.pid()
    ));
    match err {
        Error::InvalidArgument(msg) => assert_eq!(msg, v.as_str().unwrap()),
        other => panic!("{other:?}"),
    }
    assert_eq!(p.cpu_affinity().unwrap(), all);
}
