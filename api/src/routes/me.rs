//! Who am I.

use actix_web::{get, web};
use diesel::prelude::*;
use shared::auth::Me;

use crate::auth::{Principal, PrincipalKind};
use crate::db::schema::{api_clients, users};
use crate::error::ApiError;
use crate::state::AppState;

/// The caller: staff (username, role, counter office or agency) or API client
/// (client id, binding, scopes).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No or invalid access token", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(
    principal: Principal,
    state: web::Data<AppState>,
) -> Result<web::Json<Me>, ApiError> {
    let (kind, id) = (principal.kind, principal.id);
    let display_name = state
        .db
        .run(move |conn| {
            Ok(match kind {
                PrincipalKind::Staff => users::table
                    .find(id)
                    .select(users::display_name)
                    .first::<String>(conn)?,
                PrincipalKind::Client => api_clients::table
                    .find(id)
                    .select(api_clients::name)
                    .first::<String>(conn)?,
            })
        })
        .await?;
    Ok(web::Json(principal.me(display_name)))
}
