//! Sensors: temperatures, fans and battery.
