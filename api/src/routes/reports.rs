//! Dashboard figures, scoped like the letters list: admins and auditors see
//! the province, an operator its office's letters, a clerk (or agency
//! system) the letters that are or were at its agency.

use actix_web::{get, web};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use shared::reports::{period, summarize_aggregates, Summary};

use crate::auth::Principal;
use crate::db::letters::Scope;
use crate::db::reports::{aggregates, Directory};
use crate::db::standbys::{primary_position, WalPosition};
use crate::db::{rollups, Backend, DbConnection};
use crate::error::ApiError;
use crate::read_your_writes::ReadAfter;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// First day (Tehran calendar, `YYYY-MM-DD`); default 29 days before `to`.
    #[param(value_type = Option<String>, format = Date, example = "2026-10-30")]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive; default today in Tehran.
    #[param(value_type = Option<String>, format = Date, example = "2026-11-28")]
    pub to: Option<NaiveDate>,
}

/// Dashboard figures for a period of at most 366 days.
///
/// For letters registered in the period: how many, their status now; for
/// answers given in the period: how many, the median time from registration
/// to answer, the share given by the due date, per day, per agency. And the
/// backlog now: open and overdue letters per agency, whenever registered.
/// Days are Tehran calendar days.
#[utoipa::path(
    tag = "reports",
    params(SummaryQuery, ReadAfter),
    security(("bearer" = []), ("oauth2" = ["letters:read"]), ("oauth2" = ["inbox:read"])),
    responses(
        (status = 200, description = "The figures", body = Summary),
        (status = 403, description = "Not bound to an office or agency, or no read scope", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` after `to`, or the period longer than 366 days", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/reports/summary")]
pub async fn summary(
    principal: Principal,
    state: web::Data<AppState>,
    query: web::Query<SummaryQuery>,
    after: ReadAfter,
) -> Result<web::Json<Summary>, ApiError> {
    Ok(web::Json(
        computed(principal, &state, query.from, query.to, after).await?,
    ))
}

/// The dashboard of `principal`'s scope for the period `from..=to`; shared
/// by the dashboard and its CSV export.
pub async fn computed(
    principal: Principal,
    state: &AppState,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    after: ReadAfter,
) -> Result<Summary, ApiError> {
    let scope = principal.letters_scope()?;
    let now = Utc::now();
    let (from, to) = period(from, to, now).map_err(ApiError::from)?;
    // Waits (holding no connection) while two dashboards are being computed.
    let _turn = state
        .reports
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable("The server is stopping.".into()))?;
    let after = match scope {
        Scope::Office(_) => after.0,
        Scope::All | Scope::Agency(_) => counts_folded(state, after).await?,
    };
    let settled = std::sync::Arc::clone(&state.settled_counts);
    let kept = std::sync::Arc::clone(&state.directory);
    state
        .db
        .read(after, move |conn| {
            let directory = Directory::current(conn, &kept)?;
            let (period, now) = ((from, to), now.naive_utc());
            let counts = aggregates(conn, scope, period, now, &directory, &settled)?;
            let mut figures = summarize_aggregates(&counts, from, to);
            for agency in &mut figures.by_agency {
                agency.agency_name = directory
                    .agency_names
                    .get(&agency.agency_code)
                    .cloned()
                    .unwrap_or_default();
            }
            for office in &mut figures.by_office {
                office.counter_office_name = directory
                    .office_names
                    .get(&office.counter_office_code)
                    .cloned()
                    .unwrap_or_default();
            }
            Ok(figures)
        })
        .await
}

/// PostgreSQL steps leave their dashboard counts pending
/// ([`rollups::fold_pending`]): a dashboard of the rollups adds them first,
/// and is read where they were added. Answers the WAL position the read
/// must see (an office's figures are counted from its letters instead).
async fn counts_folded(state: &AppState, after: ReadAfter) -> Result<WalPosition, ApiError> {
    if state.db.backend() != Backend::Postgres {
        return Ok(after.0);
    }
    let standbys = state.db.standbys().is_some();
    let folded_at = state
        .db
        .run(move |conn| {
            let DbConnection::Postgres(pg) = conn else {
                return Ok(None);
            };
            let folded = rollups::fold_pending(pg)?;
            // Only a read a standby may serve waits for the fold's position.
            Ok(if folded > 0 && standbys {
                Some(primary_position(conn)?)
            } else {
                None
            })
        })
        .await?;
    Ok(folded_at.map_or(after.0, |at| at.max(after.0)))
}
