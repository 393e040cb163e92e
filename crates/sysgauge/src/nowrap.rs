//! Counter wrap handling (psutil's `nowrap`).
