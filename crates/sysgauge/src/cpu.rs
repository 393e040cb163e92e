//! CPU: times, percentages, counts, statistics, frequency and load average.
