//! Who is calling: extractors that a handler names in its signature.
//!
//! - [`Principal`]: any valid access token (staff or API client);
//! - [`Staff`]: a staff member (any role);
//! - [`Admin`]: a staff member with the `admin` role.
//!
//! Scopes and row bindings are checked with the helpers on [`Principal`];
//! queries take the binding from here so scoping happens in SQL.

use shared::ErrorCode;
use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use shared::auth::{scopes, ClientScope, Me, Role};

use super::tokens::{verify_access, Claims};
use crate::db::letters::Scope;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    Staff,
    Client,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// Row id of the user or API client.
    pub id: i32,
    pub name: String,
    pub role: Option<Role>,
    /// Counter office binding: (id, code).
    pub office: Option<(i32, String)>,
    /// Agency binding: (id, code).
    pub agency: Option<(i32, String)>,
    /// The scopes of an API client (a token's unknown names are dropped).
    pub scopes: Vec<ClientScope>,
}

impl Principal {
    fn from_claims(claims: Claims) -> Option<Principal> {
        let (kind, id) = claims.sub.split_once(':')?;
        let kind = match kind {
            "user" => PrincipalKind::Staff,
            "client" => PrincipalKind::Client,
            _ => return None,
        };
        Some(Principal {
            kind,
            id: id.parse().ok()?,
            name: claims.name,
            role: claims.role,
            office: claims.office,
            agency: claims.agency,
            scopes: claims
                .scope
                .split_whitespace()
                .filter_map(|name| {
                    let scope = ClientScope::parse(name);
                    if scope.is_none() {
                        tracing::warn!(
                            scope = name,
                            "a token names an unknown scope; it grants nothing"
                        );
                    }
                    scope
                })
                .collect(),
        })
    }

    pub fn is_role(&self, role: Role) -> bool {
        self.kind == PrincipalKind::Staff && self.role == Some(role)
    }

    /// Whether an API client was granted `scope` (staff hold none: their role decides).
    pub fn has_scope(&self, scope: ClientScope) -> bool {
        self.scopes.contains(&scope)
    }

    /// How this caller appears in a letter's history: the username, or `client:<client_id>`.
    pub fn actor(&self) -> String {
        match self.kind {
            PrincipalKind::Staff => self.name.clone(),
            PrincipalKind::Client => format!("client:{}", self.name),
        }
    }

    /// Which letters this caller may read. API clients need `letters:read`
    /// (or `inbox:read` for an agency's letters).
    pub fn letters_scope(&self) -> Result<Scope, ApiError> {
        if self.kind == PrincipalKind::Client {
            let can_read = self
                .scopes
                .iter()
                .any(|s| matches!(s, ClientScope::LettersRead | ClientScope::InboxRead));
            if !can_read {
                return Err(ApiError::Forbidden(
                    ErrorCode::ScopeMissing,
                    format!("this needs the `{}` scope", scopes::LETTERS_READ),
                ));
            }
        }
        match (self.kind, self.role) {
            (PrincipalKind::Staff, Some(Role::Admin | Role::Auditor)) => Ok(Scope::All),
            _ => match (&self.office, &self.agency) {
                (Some((office, _)), _) => Ok(Scope::Office(*office)),
                (None, Some((agency, _))) => Ok(Scope::Agency(*agency)),
                (None, None) => Err(ApiError::forbidden("not bound to an office or agency")),
            },
        }
    }

    /// The counter office a letter is registered for: an operator's office, or
    /// the office of a client with `letters:write`.
    pub fn registering_office(&self) -> Result<(i32, String), ApiError> {
        let allowed = match self.kind {
            PrincipalKind::Staff => self.role == Some(Role::Operator),
            PrincipalKind::Client => self.has_scope(ClientScope::LettersWrite),
        };
        match (&self.office, allowed) {
            (Some(office), true) => Ok(office.clone()),
            _ => Err(ApiError::forbidden(
                "only counter operators (or office clients with `letters:write`) register letters",
            )),
        }
    }

    pub fn me(&self, display_name: String) -> Me {
        Me {
            kind: match self.kind {
                PrincipalKind::Staff => "staff".into(),
                PrincipalKind::Client => "client".into(),
            },
            name: self.name.clone(),
            display_name,
            role: self.role,
            counter_office_code: self.office.as_ref().map(|(_, c)| c.clone()),
            agency_code: self.agency.as_ref().map(|(_, c)| c.clone()),
            scopes: self.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        }
    }
}

/// The token of `Authorization: Bearer …`, if sent.
fn bearer_token(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// Who a valid access token names (`user:12`, `client:3`), without the
/// rest of [`Principal`]: for what is kept per caller outside a handler.
pub fn token_subject(req: &HttpRequest) -> Option<String> {
    let state = req.app_data::<web::Data<AppState>>()?;
    let token = bearer_token(req)?;
    verify_access(&state.auth.keys, token).ok().map(|c| c.sub)
}

fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("app state missing".into()))?;
    let token = bearer_token(req).ok_or_else(|| {
        ApiError::Unauthorized(
            ErrorCode::AuthRequired,
            "Send an access token: `Authorization: Bearer …`.".into(),
        )
    })?;
    let claims = verify_access(&state.auth.keys, token).map_err(|e| {
        tracing::debug!(error = %e, "refused token");
        ApiError::Unauthorized(
            ErrorCode::AuthInvalidToken,
            "The access token is invalid or has expired.".into(),
        )
    })?;
    Principal::from_claims(claims).ok_or_else(|| {
        ApiError::Unauthorized(
            ErrorCode::AuthInvalidToken,
            "The access token is invalid.".into(),
        )
    })
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

/// A staff member of any role.
pub struct Staff(pub Principal);

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|p| match p.kind {
            PrincipalKind::Staff => Ok(Staff(p)),
            PrincipalKind::Client => Err(ApiError::forbidden("staff only")),
        }))
    }
}

/// A staff member with the `admin` role.
pub struct Admin(pub Principal);

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|p| {
            if p.is_role(Role::Admin) {
                Ok(Admin(p))
            } else {
                Err(ApiError::forbidden("administrators only"))
            }
        }))
    }
}
