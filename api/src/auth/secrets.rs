//! Random secrets (refresh tokens, client secrets) and their stored form.
//!
//! These secrets are 256 random bits, so a single SHA-256 is enough to store
//! them safely (no dictionary to attack); passwords, chosen by people, use
//! argon2id instead.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the OS CSPRNG, URL-safe base64.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// The refresh token that follows `token` in its family: HMAC-SHA256 of it,
/// keyed by the family's own secret (which never leaves the database). So
/// requests racing with one token all get the same successor, and whoever
/// copied a token still cannot compute the next one.
pub fn successor_token(token: &str, family: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(family.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(token.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Hex SHA-256 of a secret, as stored in the database.
pub fn hash_secret(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let a = random_token(32);
        assert_ne!(a, random_token(32));
        assert_eq!(a.len(), 43);
        assert_eq!(hash_secret("x"), hash_secret("x"));
        assert_eq!(hash_secret("x").len(), 64);
    }

    #[test]
    fn a_successor_depends_on_the_token_and_its_family() {
        let next = successor_token("token", "family");
        assert_eq!(next, successor_token("token", "family"));
        assert_eq!(next.len(), 43);
        assert_ne!(next, successor_token("token", "other family"));
        assert_ne!(next, successor_token("other token", "family"));
    }
}
