//! Reusable parts of pages.

pub mod form;
pub mod guard;
pub mod header;
pub mod qr;
pub mod timeline;
