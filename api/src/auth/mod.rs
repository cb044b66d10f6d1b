//! Authentication and authorization: signing keys, access tokens, password
//! hashing, rate limits, and the extractors handlers use to say who may call
//! them.

pub mod keys;
pub mod password;
pub mod policy;
pub mod principal;
pub mod rate_limit;
pub mod secrets;
pub mod tokens;

pub use principal::{Admin, Principal, PrincipalKind, Staff};

use std::sync::Arc;

use crate::config::Settings;

/// Authentication state shared by all workers.
pub struct AuthState {
    pub keys: keys::Keyring,
    pub passwords: password::PasswordHasher,
    pub limits: rate_limit::RateLimits,
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
}

impl AuthState {
    pub fn from_settings(
        settings: &Settings,
        db: &crate::db::Db,
    ) -> anyhow::Result<Arc<AuthState>> {
        Ok(Arc::new(AuthState {
            keys: keys::Keyring::load(
                &settings.data_dir,
                settings.jwt_secret.as_deref(),
                &settings.jwt_kid,
            )?,
            passwords: password::PasswordHasher::new(settings.hash_concurrency),
            limits: rate_limit::RateLimits::new(
                "login",
                db,
                settings.login_per_ip_per_minute,
                settings.login_per_name_per_minute,
            ),
            access_ttl_secs: settings.access_ttl_secs,
            refresh_ttl_days: settings.refresh_ttl_days,
        }))
    }
}
