//! Reusable parts of pages.

pub mod form;
pub mod guard;
pub mod header;
