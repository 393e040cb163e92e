//! One module per subcommand; each has `Args` (clap) and `run`.

pub mod free;
pub mod procinfo;
pub mod procsmem;
pub mod ps;
pub mod pstree;
