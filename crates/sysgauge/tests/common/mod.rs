//! The integration tests' helpers: the same oracles the unit tests use (`src/testing.rs`).
#![allow(dead_code, unused_imports)]

#[path = "../../src/testing.rs"]
mod testing;

pub use testing::*;
