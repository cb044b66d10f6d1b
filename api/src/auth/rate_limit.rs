//! Rate limits of the login, token and public tracking endpoints, per client
//! IP and per name (username, client id, tracking code) (GCRA from the `governor` crate), answered 429 with
//! `Retry-After`. In-process: with several instances each keeps its own
//! count, which still bounds guessing per instance.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

pub struct RateLimits {
    per_ip: DefaultKeyedRateLimiter<String>,
    per_name: DefaultKeyedRateLimiter<String>,
}

fn limiter(per_minute: u32) -> DefaultKeyedRateLimiter<String> {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(n))
}

impl RateLimits {
    pub fn new(per_ip_per_minute: u32, per_name_per_minute: u32) -> Self {
        RateLimits {
            per_ip: limiter(per_ip_per_minute),
            per_name: limiter(per_name_per_minute),
        }
    }

    /// Counts one attempt from `ip` for `name`; refuses it when either is over its quota.
    pub fn check(&self, ip: &str, name: &str) -> Result<(), ApiError> {
        for (limiter, key) in [(&self.per_ip, ip), (&self.per_name, name)] {
            if limiter.len() > 100_000 {
                limiter.retain_recent();
            }
            if let Err(not_until) = limiter.check_key(&key.to_owned()) {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                return Err(ApiError::TooManyRequests {
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_is_limited_from_any_ip() {
        let limits = RateLimits::new(100, 2);
        assert!(limits.check("1.1.1.1", "admin").is_ok());
        assert!(limits.check("2.2.2.2", "admin").is_ok());
        match limits.check("3.3.3.3", "admin") {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert!(retry_after_secs >= 1),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limits.check("3.3.3.3", "someone-else").is_ok());
    }
}
