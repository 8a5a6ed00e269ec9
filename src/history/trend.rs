//! Trends (filled in below).
