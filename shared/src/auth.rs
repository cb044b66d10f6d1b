//! Authentication wire types: staff logins, refresh tokens, OAuth2 client
//! credentials for agency systems and integrators, and `/me`.

use serde::{Deserialize, Serialize};

/// What a staff account may do. Operators are bound to one counter office,
/// clerks to one agency; admins manage the directory; auditors only read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Operator,
    Clerk,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Operator, Role::Clerk, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Clerk => "clerk",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What an API client may do, as an admin granted it and its tokens carry
/// (on the wire, the strings of [`scopes`]). A string that names no scope
/// grants nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientScope {
    LettersRead,
    LettersWrite,
    InboxRead,
    InboxWrite,
    NotesRead,
}

impl ClientScope {
    pub const ALL: [ClientScope; 5] = [
        ClientScope::LettersRead,
        ClientScope::LettersWrite,
        ClientScope::InboxRead,
        ClientScope::InboxWrite,
        ClientScope::NotesRead,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ClientScope::LettersRead => scopes::LETTERS_READ,
            ClientScope::LettersWrite => scopes::LETTERS_WRITE,
            ClientScope::InboxRead => scopes::INBOX_READ,
            ClientScope::InboxWrite => scopes::INBOX_WRITE,
            ClientScope::NotesRead => scopes::NOTES_READ,
        }
    }

    pub fn parse(s: &str) -> Option<ClientScope> {
        ClientScope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s)
    }
}

/// Scopes an API client may hold, as written on the wire.
pub mod scopes {
    /// Read letters of the bound counter office (or agency).
    pub const LETTERS_READ: &str = "letters:read";
    /// Register letters for the bound counter office.
    pub const LETTERS_WRITE: &str = "letters:write";
    /// Poll the bound agency's inbox.
    pub const INBOX_READ: &str = "inbox:read";
    /// Acknowledge, refer, answer and reject at the bound agency.
    pub const INBOX_WRITE: &str = "inbox:write";
    /// Read the bound agency's own internal notes on its letters.
    pub const NOTES_READ: &str = "notes:read";

    pub const ALL: [&str; 5] = [
        LETTERS_READ,
        LETTERS_WRITE,
        INBOX_READ,
        INBOX_WRITE,
        NOTES_READ,
    ];
    /// Scopes that make sense for a client bound to a counter office.
    pub const FOR_COUNTER_OFFICE: [&str; 2] = [LETTERS_READ, LETTERS_WRITE];
    /// Scopes that make sense for a client bound to an agency.
    pub const FOR_AGENCY: [&str; 4] = [LETTERS_READ, INBOX_READ, INBOX_WRITE, NOTES_READ];
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"username": "admin", "password": "correct horse battery"})))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// An access JWT and the refresh token that renews it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// Short-lived JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque, single-use token for `POST /auth/refresh`.
    pub refresh_token: String,
    /// Always `Bearer`.
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub expires_in: i64,
}

/// `POST /api/v1/auth/refresh` and `POST /api/v1/auth/logout`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "q1w2e3…"})))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// `POST /api/v1/auth/token` (OAuth2 client credentials, RFC 6749 §4.4),
/// as a form or as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "grant_type": "client_credentials",
    "client_id": "water-system",
    "client_secret": "s3cr3t…",
    "scope": "inbox:read inbox:write"
})))]
pub struct ClientCredentialsRequest {
    /// Must be `client_credentials`.
    #[serde(default)]
    pub grant_type: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    /// Space-separated scopes to narrow the token to; all granted scopes when absent.
    #[serde(default)]
    pub scope: Option<String>,
}

/// The client-credentials answer (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientToken {
    pub access_token: String,
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    #[cfg_attr(feature = "openapi", schema(example = 900))]
    pub expires_in: i64,
    /// Space-separated granted scopes.
    #[cfg_attr(feature = "openapi", schema(example = "inbox:read inbox:write"))]
    pub scope: String,
}

/// An OAuth2 error (RFC 6749 §5.2): `invalid_request`, `invalid_client`,
/// `unsupported_grant_type`, `invalid_scope`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OAuthError {
    #[cfg_attr(feature = "openapi", schema(example = "invalid_client"))]
    pub error: String,
    pub error_description: String,
}

/// Who the caller is (`GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// `staff` or `client`.
    pub kind: String,
    /// Staff username or API client id.
    pub name: String,
    pub display_name: String,
    /// Staff role; absent for API clients.
    pub role: Option<Role>,
    pub counter_office_code: Option<String>,
    pub agency_code: Option<String>,
    /// API client scopes; empty for staff.
    pub scopes: Vec<String>,
}

/// One entry of the authentication audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthEvent {
    pub id: i32,
    /// UTC, with its zone (`…Z`), like every timestamp of the API.
    pub at: chrono::DateTime<chrono::Utc>,
    /// `login`, `login_failed`, `refresh`, `refresh_reuse`, `logout`, `token`, `token_failed`.
    pub kind: String,
    /// Username, `user:<id>` or `client:<client_id>`.
    pub principal: String,
    pub ip: String,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_reads_back_from_its_wire_name() {
        assert_eq!(ClientScope::ALL.map(ClientScope::as_str), scopes::ALL);
        for scope in ClientScope::ALL {
            assert_eq!(ClientScope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(ClientScope::parse("letters:*"), None);
    }
}
