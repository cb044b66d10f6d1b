//! Chapar's shared core: the wire types both the API and the SPA speak, and
//! the pure rules (validation, normalisation) they must agree on.
//!
//! Nothing here does I/O, so the SPA can run the same validation live that the
//! API enforces.

pub mod answer_templates;
pub mod auth;
pub mod chain;
pub mod directory;
pub mod duplicates;
pub mod export;
pub mod files;
pub mod identifiers;
pub mod inbox;
pub mod jalali;
pub mod letters;
pub mod normalize;
pub mod problem;
pub mod reports;
pub mod rollup;
pub mod search;
pub mod secretariat;
pub mod sla;
pub mod sms;
pub mod system;
pub mod track_page;
pub mod tracking;
pub mod validate;
pub mod workflow;

pub use problem::{ErrorCode, FieldError, Problem};
