//! One module per screen.

pub mod admin;
pub mod answer_templates;
pub mod dashboard;
pub mod home;
pub mod inbox;
pub mod letters;
pub mod login;
pub mod not_found;
