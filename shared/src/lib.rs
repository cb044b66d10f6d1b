//! Chapar's shared core: the wire types both the API and the SPA speak, and
//! the pure rules (validation, normalisation) they must agree on.
//!
//! Nothing here does I/O, so the SPA can run the same validation live that the
//! API enforces.

pub mod auth;
pub mod directory;
pub mod normalize;
pub mod problem;
pub mod system;
pub mod validate;

pub use problem::{FieldError, Problem};
