//! Read-your-writes over hot standbys, in HTTP terms (the routing itself is
//! `db::standbys`): a caller's successful write request records the WAL
//! position it reached and answers it as `Chapar-Write-Position`; a read
//! names the position it must see with [`ReadAfter`] — the caller's last
//! write on this instance, or the `Chapar-Read-After` it sent, whichever is
//! later. Without standbys both are no-ops.

use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpRequest};

use crate::auth::principal::token_subject;
use crate::db::standbys::{
    primary_position, WalPosition, READ_AFTER_HEADER, WRITE_POSITION_HEADER,
};
use crate::error::ApiError;
use crate::state::AppState;

/// The WAL position a read must see (nothing: any fresh standby will do).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadAfter(pub WalPosition);

impl ReadAfter {
    fn of(req: &HttpRequest) -> WalPosition {
        let Some(standbys) = req
            .app_data::<web::Data<AppState>>()
            .and_then(|s| s.db.standbys())
        else {
            return WalPosition::default();
        };
        let sent = req
            .headers()
            .get(READ_AFTER_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(WalPosition::parse)
            .unwrap_or_default();
        let written = token_subject(req)
            .map(|subject| standbys.last_write_of(&subject))
            .unwrap_or_default();
        sent.max(written)
    }
}

impl FromRequest for ReadAfter {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(ReadAfter(ReadAfter::of(req))))
    }
}

/// Middleware: after a caller's successful write, remembers and answers the
/// primary's WAL position (one cheap query, only with standbys configured).
pub async fn remember_writes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let writer = match &state {
        Some(state) if state.db.standbys().is_some() && !req.method().is_safe() => {
            token_subject(req.request())
        }
        _ => None,
    };
    let mut res = next.call(req).await?;
    let (Some(state), Some(subject)) = (state, writer) else {
        return Ok(res);
    };
    if !res.status().is_success() {
        return Ok(res);
    }
    // The write has committed: the primary's position now covers it.
    let position = state.db.run(|conn| Ok(primary_position(conn)?)).await;
    match position {
        Ok(at) => {
            if let Some(standbys) = state.db.standbys() {
                standbys.remember_write(subject, at);
            }
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(WRITE_POSITION_HEADER.as_bytes()),
                HeaderValue::from_str(&at.to_string()),
            ) {
                res.headers_mut().insert(name, value);
            }
        }
        // Rare (the primary went away just after the commit); the caller's
        // reads may then briefly see a standby without this write.
        Err(e) => tracing::warn!(error = %e, "cannot read the primary's WAL position"),
    }
    Ok(res)
}

/// `Chapar-Read-After` in the OpenAPI document of each read that honours it.
impl utoipa::IntoParams for ReadAfter {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{ObjectBuilder, Required, Type};
        vec![ParameterBuilder::new()
            .name(READ_AFTER_HEADER)
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "With read standbys deployed: the `Chapar-Write-Position` of your last write, so \
                 that this read sees it whichever instance serves it (on the instance that took \
                 the write, your reads see it without the header).",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .examples(["16/B374D848"]),
            ))
            .build()]
    }
}
