//! Letters: registration at the counter, the receipt, lists and detail.

mod agency_picker;
pub mod detail;
mod duplicate_warning;
pub mod list;
pub mod new;
pub mod receipt;
