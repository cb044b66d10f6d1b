//! Reusable parts of pages.

pub mod header;
