//! The API's integration tests over HTTP, as one test binary: each module
//! was a binary of its own, and linking 25 copies of the server (and
//! compiling `common` 25 times) cost CI about two minutes of its build.
//! They run on the same two test threads as before; the tests that measure
//! the whole process (`export_volume`'s memory, `write_load`'s latencies,
//! `sms`'s process-wide log subscriber) stay binaries of their own.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod answer_templates;
mod authorization;
mod backup;
mod confidential;
mod copies;
mod crashes;
mod deployment;
mod duplicates;
mod exports;
mod faults;
mod identity;
mod instances;
mod letters;
mod openapi;
mod query_plans;
mod related;
mod reports;
mod search_history;
mod secretariat;
mod sms_processes;
mod standbys;
mod storage;
mod system;
mod track_page;
mod workflow;
