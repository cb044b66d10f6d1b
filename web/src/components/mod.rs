//! Reusable parts of pages.

pub mod copies;
pub mod export;
pub mod form;
pub mod guard;
pub mod header;
pub mod letter_actions;
pub mod qr;
pub mod receive;
pub mod timeline;
