//! An agency's inbox and the workflow requests of clerks and agency systems.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::letters::Letter;
use crate::validate::Errors;
use crate::FieldError;

/// One delivery of a letter into the caller's agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    /// Acknowledge with `POST /api/v1/inbox/{delivery_id}/ack`.
    pub delivery_id: i32,
    pub letter: Letter,
    /// A copy (رونوشت), for information: acknowledge it (which files it) and
    /// note it; only the holding agency answers, refers or rejects.
    pub copy: bool,
    /// The agency that referred the letter here; absent for a first delivery.
    pub from_agency_code: Option<String>,
    pub from_agency_name: Option<String>,
    pub delivered_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The agency's own registration number (secretariat number), given at
    /// acknowledgement or drawn by Chapar from the agency's numbering.
    pub agency_reference: Option<String>,
    /// The day of that number (in Tehran).
    pub agency_reference_date: Option<NaiveDate>,
}

/// A page of the inbox. Pass `next_cursor` as `after` for the next page;
/// when it is `null` the inbox has been read to its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    pub next_cursor: Option<String>,
    /// Deliveries not yet acknowledged, and open deliveries past their due date.
    pub new_count: i64,
    pub overdue_count: i64,
}

/// `POST /api/v1/inbox/{delivery_id}/ack`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"agency_reference": "1405/45/1234", "agency_reference_date": "1405/09/11"})))]
pub struct AckRequest {
    /// The agency's own registration number for the letter (its secretariat
    /// number), at most 100 characters. Leave it out when the agency lets
    /// Chapar number its letters (`reference_pattern`): Chapar gives the next.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub agency_reference: Option<String>,
    /// The day of that number: Jalali (`1405/09/11`, Persian digits too) or
    /// ISO (`2026-12-01`), not after today; only with `agency_reference`.
    /// Today when left out.
    #[serde(default)]
    pub agency_reference_date: Option<String>,
}

impl AckRequest {
    /// The typed number and date (`today` is the Tehran day), or every bad field.
    pub fn validate(
        &self,
        today: NaiveDate,
    ) -> Result<crate::secretariat::TypedReference, Vec<FieldError>> {
        crate::secretariat::read_typed(
            self.agency_reference.as_deref(),
            self.agency_reference_date.as_deref(),
            today,
        )
    }
}

/// `POST /api/v1/letters/{id}/refer`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"to_agency_code": "municipality", "note": "موضوع در حوزه شهرداری است"})))]
pub struct ReferRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub to_agency_code: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
    /// Agencies that also get a copy (رونوشت) for information, by code (at
    /// most 10, not `to_agency_code`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::validate::copies_schema))]
    pub copies: Vec<String>,
}

impl ReferRequest {
    pub fn validate(&self) -> Result<ReferRequest, Vec<FieldError>> {
        let mut e = Errors::default();
        let to = e.code("to_agency_code", &self.to_agency_code);
        let note = e.optional_text("note", &self.note, 2000);
        let copies = e.copies("copies", &self.copies, &to);
        e.finish(ReferRequest {
            to_agency_code: to,
            note,
            copies,
        })
    }
}

/// `POST /api/v1/letters/{id}/answer`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "قبض شما بررسی و اصلاح شد."})))]
pub struct AnswerRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 20000,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub body: String,
}

impl AnswerRequest {
    pub fn validate(&self) -> Result<AnswerRequest, Vec<FieldError>> {
        let mut e = Errors::default();
        let body = crate::normalize::normalize_body(&self.body);
        if body.is_empty() {
            e.add("body", crate::ErrorCode::Required);
        } else if body.chars().count() > 20_000 {
            e.add_limit("body", crate::ErrorCode::TooLong, 20_000);
        }
        e.finish(AnswerRequest { body })
    }
}

/// `POST /api/v1/letters/{id}/reject`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reason": "مدارک ناقص است؛ تصویر قبض پیوست نشده."})))]
pub struct RejectRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 1000,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub reason: String,
}

impl RejectRequest {
    pub fn validate(&self) -> Result<RejectRequest, Vec<FieldError>> {
        let mut e = Errors::default();
        let reason = e.text("reason", &self.reason, 1000);
        e.finish(RejectRequest { reason })
    }
}

/// `POST /api/v1/letters/{id}/notes`: staff-only, never shown publicly.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"note": "با متقاضی تماس گرفته شد."})))]
pub struct NoteRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub note: String,
}

impl NoteRequest {
    pub fn validate(&self) -> Result<NoteRequest, Vec<FieldError>> {
        let mut e = Errors::default();
        let note = e.text("note", &self.note, 2000);
        e.finish(NoteRequest { note })
    }
}
