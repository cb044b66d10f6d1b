//! Chapar's API server as a library: `main.rs` parses the command line, the
//! integration tests and the OpenAPI check build the very same app through
//! [`app::build_app`].

pub mod admin;
pub mod app;
pub mod auth;
pub mod client_ip;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod fallback;
pub mod metrics;
pub mod notify;
pub mod openapi;
pub mod openapi_statuses;
pub mod pages;
pub mod read_your_writes;
pub mod routes;
pub mod seed;
pub mod sms;
pub mod spa;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod workflow;

pub use app::{build_app, AppState};
pub use error::ApiError;
