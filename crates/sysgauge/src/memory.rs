//! Memory: `virtual_memory` and `swap_memory`.
