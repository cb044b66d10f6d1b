//! Access tokens and public download tokens: HS256 JWTs with a `kid`.
//! Verification pins the algorithm and checks `exp`, `nbf`, `iss`, `aud` and
//! our own `typ` claim, so neither kind can pass for the other.

use chrono::Utc;
use jsonwebtoken::{decode, decode_header, encode, Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use shared::auth::Role;

use super::keys::Keyring;

pub const ISSUER: &str = "chapar";
pub const AUDIENCE: &str = "chapar-api";
pub const ACCESS: &str = "access";
/// Audience and type of the tokens in public answer-file links.
pub const DOWNLOAD_AUDIENCE: &str = "chapar-download";
pub const DOWNLOAD: &str = "download";

/// The claims of an access token. The bindings (office/agency ids and codes)
/// travel in the token so row-level scoping needs no extra query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// `user:<id>` or `client:<id>`.
    pub sub: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    /// Token type: always `access` for tokens this module issues.
    pub typ: String,
    /// Username or client id.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<(i32, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<(i32, String)>,
    /// Space-separated scopes (API clients).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
}

/// What a token is issued for.
pub struct Subject {
    pub sub: String,
    pub name: String,
    pub role: Option<Role>,
    pub office: Option<(i32, String)>,
    pub agency: Option<(i32, String)>,
    pub scope: String,
}

pub fn issue_access(
    keys: &Keyring,
    subject: Subject,
    ttl_secs: i64,
) -> Result<String, jsonwebtoken::errors::Error> {
    let now = Utc::now().timestamp();
    let claims = Claims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: subject.sub,
        exp: now + ttl_secs,
        nbf: now,
        iat: now,
        typ: ACCESS.into(),
        name: subject.name,
        role: subject.role,
        office: subject.office,
        agency: subject.agency,
        scope: subject.scope,
    };
    sign(keys, &claims)
}

/// Why a token was refused (logged, never shown in detail to the caller).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token: {0}")]
    Malformed(String),
    #[error("unknown key id")]
    UnknownKey,
    #[error("invalid token: {0}")]
    Invalid(String),
    #[error("not an access token")]
    WrongType,
}

pub fn verify_access(keys: &Keyring, token: &str) -> Result<Claims, TokenError> {
    let claims: Claims = verify(keys, token, AUDIENCE)?;
    if claims.typ != ACCESS {
        return Err(TokenError::WrongType);
    }
    Ok(claims)
}

/// The claims of a download token: one attachment, for a short while.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DownloadClaims {
    iss: String,
    aud: String,
    /// `attachment:<id>`.
    sub: String,
    exp: i64,
    nbf: i64,
    iat: i64,
    typ: String,
}

/// A token that lets whoever holds it download one attachment until it
/// expires: what the public tracking answer puts in its file links, so the
/// applicant's browser can follow a plain link.
pub fn issue_download(
    keys: &Keyring,
    attachment_id: i32,
    ttl_secs: i64,
) -> Result<String, jsonwebtoken::errors::Error> {
    let now = Utc::now().timestamp();
    let claims = DownloadClaims {
        iss: ISSUER.into(),
        aud: DOWNLOAD_AUDIENCE.into(),
        sub: format!("attachment:{attachment_id}"),
        exp: now + ttl_secs,
        nbf: now,
        iat: now,
        typ: DOWNLOAD.into(),
    };
    sign(keys, &claims)
}

/// The attachment id a download token was issued for.
pub fn verify_download(keys: &Keyring, token: &str) -> Result<i32, TokenError> {
    let claims: DownloadClaims = verify(keys, token, DOWNLOAD_AUDIENCE)?;
    if claims.typ != DOWNLOAD {
        return Err(TokenError::WrongType);
    }
    claims
        .sub
        .strip_prefix("attachment:")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| TokenError::Invalid("bad subject".into()))
}

/// HS256 with the current signing key, named by `kid`.
fn sign<C: Serialize>(keys: &Keyring, claims: &C) -> Result<String, jsonwebtoken::errors::Error> {
    let (kid, key) = keys.signing();
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    encode(&header, claims, &key.encoding)
}

/// Signature, algorithm, key id, issuer, audience and times; the caller
/// checks `typ`.
fn verify<C: serde::de::DeserializeOwned>(
    keys: &Keyring,
    token: &str,
    audience: &str,
) -> Result<C, TokenError> {
    let header = decode_header(token).map_err(|e| TokenError::Malformed(e.to_string()))?;
    let kid = header.kid.ok_or(TokenError::UnknownKey)?;
    let key = keys.get(&kid).ok_or(TokenError::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[audience]);
    validation.validate_nbf = true;
    validation.leeway = 5;
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    let data = decode::<C>(token, &key.decoding, &validation)
        .map_err(|e| TokenError::Invalid(e.to_string()))?;
    Ok(data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn ring() -> (tempfile::TempDir, Keyring) {
        let dir = tempfile::tempdir().expect("tmp");
        let ring = Keyring::load(dir.path(), None, "env").expect("keys");
        (dir, ring)
    }

    fn subject() -> Subject {
        Subject {
            sub: "user:1".into(),
            name: "admin".into(),
            role: Some(Role::Admin),
            office: None,
            agency: None,
            scope: String::new(),
        }
    }

    #[test]
    fn a_fresh_token_verifies() {
        let (_d, keys) = ring();
        let token = issue_access(&keys, subject(), 60).expect("issue");
        let claims = verify_access(&keys, &token).expect("valid");
        assert_eq!(claims.name, "admin");
        assert_eq!(claims.role, Some(Role::Admin));
    }

    #[test]
    fn expired_tokens_and_foreign_keys_are_refused() {
        let (_d, keys) = ring();
        let expired = issue_access(&keys, subject(), -120).expect("issue");
        assert!(matches!(
            verify_access(&keys, &expired),
            Err(TokenError::Invalid(_))
        ));
        let (_d2, other) = ring();
        let foreign = issue_access(&other, subject(), 60).expect("issue");
        // Same kid format, different secret: either unknown kid or bad signature.
        assert!(verify_access(&keys, &foreign).is_err());
    }

    #[test]
    fn alg_none_is_refused() {
        let (_d, keys) = ring();
        let token = issue_access(&keys, subject(), 60).expect("issue");
        let payload = token.split('.').nth(1).expect("payload");
        let header = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#,
            keys.signing().0
        ));
        let forged = format!("{header}.{payload}.");
        assert!(verify_access(&keys, &forged).is_err());
    }

    #[test]
    fn download_and_access_tokens_are_not_interchangeable() {
        let (_d, keys) = ring();
        let download = issue_download(&keys, 17, 60).expect("issue");
        assert_eq!(verify_download(&keys, &download).expect("valid"), 17);
        assert!(verify_access(&keys, &download).is_err());
        let access = issue_access(&keys, subject(), 60).expect("issue");
        assert!(verify_download(&keys, &access).is_err());
        let expired = issue_download(&keys, 17, -120).expect("issue");
        assert!(verify_download(&keys, &expired).is_err());
    }
}
