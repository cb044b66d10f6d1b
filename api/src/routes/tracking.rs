//! Public tracking: the applicant follows a letter with tracking code and
//! national code, without an account.

use actix_web::{post, web, HttpRequest};
use shared::letters::{PublicEvent, TrackingAnswer, TrackingRequest};
use shared::normalize::ascii_digits;
use shared::workflow::Status;

use crate::app::AppState;
use crate::auth::principal::client_ip;
use crate::db::directory::agency_codes;
use crate::db::letters::{self as db, utc};
use crate::db::schema::agencies;
use crate::error::ApiError;

/// National codes typed without their leading zeros still match.
fn normalized_national_id(input: &str) -> String {
    let digits: String = ascii_digits(input)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if (8..10).contains(&digits.len()) {
        format!("{digits:0>10}")
    } else {
        digits
    }
}

/// Follow a letter with its tracking code and the applicant's national code
/// (or a legal person's national ID).
///
/// No login. An unknown code and a wrong national code get the very same
/// 404, so the endpoint cannot be used to learn which codes exist; it is rate
/// limited per IP and per tracking code (429 with `Retry-After`). The
/// timeline shows public steps only (no staff names, no internal notes).
#[utoipa::path(
    tag = "public",
    request_body = TrackingRequest,
    responses(
        (status = 200, description = "Status, timeline and answer", body = TrackingAnswer),
        (status = 404, description = "No letter with this code and national code", body = shared::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The tracking code is mistyped (check digit)", body = shared::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many lookups", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tracking")]
pub async fn track(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<TrackingRequest>,
) -> Result<web::Json<TrackingAnswer>, ApiError> {
    let code = shared::tracking::parse(&body.tracking_code)
        .map_err(|e| ApiError::validation("tracking_code", e.message()))?;
    state.tracking_limits.check(&client_ip(&req), &code)?;
    let national_id = normalized_national_id(&body.national_id);
    let answer = state
        .db
        .run(move |conn| {
            let row = db::letter_by_tracking_code(conn, &code)?
                .filter(|row| row.applicant_national_id == national_id)
                .ok_or(ApiError::NotFound)?;
            let events = db::events_of(conn, row.id)?;
            let mut ids: Vec<i32> = events
                .iter()
                .filter_map(|e| e.agency_id.or(e.to_agency_id))
                .collect();
            ids.push(row.holder_agency_id);
            ids.extend(row.answer_agency_id);
            let codes = agency_codes(conn, &ids)?;
            use diesel::prelude::*;
            let names: std::collections::HashMap<i32, String> = agencies::table
                .filter(agencies::id.eq_any(&ids))
                .select((agencies::id, agencies::name))
                .load::<(i32, String)>(conn)?
                .into_iter()
                .collect();
            let public_events = events
                .iter()
                .filter(|e| !e.internal)
                .map(|e| {
                    let agency = e.agency_id.or(e.to_agency_id);
                    PublicEvent {
                        kind: e.kind.clone(),
                        status: Status::parse(&e.status).unwrap_or(Status::Registered),
                        agency_code: agency.and_then(|id| codes.get(&id).cloned()),
                        agency_name: agency.and_then(|id| names.get(&id).cloned()),
                        note: if e.kind == "rejected" {
                            e.note.clone()
                        } else {
                            String::new()
                        },
                        at: utc(e.created_at),
                    }
                })
                .collect();
            Ok(TrackingAnswer {
                tracking_code: row.tracking_code.clone(),
                status: row.status(),
                subject: row.subject.clone(),
                holder_agency_code: codes
                    .get(&row.holder_agency_id)
                    .cloned()
                    .unwrap_or_default(),
                holder_agency_name: names
                    .get(&row.holder_agency_id)
                    .cloned()
                    .unwrap_or_default(),
                registered_at: utc(row.created_at),
                events: public_events,
                answer: row.answer(|id| codes.get(&id).cloned().unwrap_or_default()),
            })
        })
        .await?;
    Ok(web::Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes_without_leading_zeros_match() {
        assert_eq!(normalized_national_id("۴۹۹۳۷۰۸۹۹"), "0499370899");
        assert_eq!(normalized_national_id("0499370899"), "0499370899");
        assert_eq!(normalized_national_id("10100387181"), "10100387181");
    }
}
