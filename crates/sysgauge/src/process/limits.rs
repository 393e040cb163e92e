//! Scheduling and limits of a process: psutil's `nice` (set), `ionice`, `rlimit` and
//! `cpu_affinity`.

#[allow(unused_imports)]
use super::Process;

/// An I/O scheduling class (psutil's `IOPRIO_CLASS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IoClass {
    /// `IOPRIO_CLASS_NONE` (0): no class set; the kernel derives one from the nice value.
    None,
    /// `IOPRIO_CLASS_RT` (1): real time.
    RealTime,
    /// `IOPRIO_CLASS_BE` (2): best effort.
    BestEffort,
    /// `IOPRIO_CLASS_IDLE` (3): only when no one else uses the disk.
    Idle,
}

impl IoClass {
    /// The kernel's number for the class (`IOPRIO_CLASS_*`).
    pub fn as_raw(self) -> i32 {
        match self {
            IoClass::None => crate::consts::IOPRIO_CLASS_NONE,
            IoClass::RealTime => crate::consts::IOPRIO_CLASS_RT,
            IoClass::BestEffort => crate::consts::IOPRIO_CLASS_BE,
            IoClass::Idle => crate::consts::IOPRIO_CLASS_IDLE,
        }
    }

    /// The class numbered `raw`, if the kernel defines one.
    pub fn from_raw(raw: i32) -> Option<IoClass> {
        match raw {
            0 => Some(IoClass::None),
            1 => Some(IoClass::RealTime),
            2 => Some(IoClass::BestEffort),
            3 => Some(IoClass::Idle),
            _ => None,
        }
    }
}

impl serde::Serialize for IoClass {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(self.as_raw())
    }
}

/// A process's I/O priority (psutil's `pionice`), from `ioprio_get(2)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IoNice {
    /// The class.
    pub ioclass: IoClass,
    /// The level within the class, 0 (highest) to 7; 0 for the classes without levels.
    pub value: i32,
}
