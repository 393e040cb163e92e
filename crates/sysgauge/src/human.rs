//! Human-readable sizes (psutil's `bytes2human`).
