//! OS and version constants.
