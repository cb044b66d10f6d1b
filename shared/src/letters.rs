//! Letters on the wire: registration (validated here, so the SPA shows the
//! same errors live), the letter as read back, its timeline, attachments, and
//! public tracking.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::identifiers::{parse_legal_id, parse_mobile, parse_national_code};
use crate::normalize::ascii_digits;
use crate::validate::Errors;
use crate::workflow::{Action, Status};
use crate::ErrorCode;
use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ApplicantKind {
    /// A citizen, identified by the 10-digit national code.
    Natural,
    /// A company or organisation, identified by the 11-digit national ID.
    Legal,
}

impl ApplicantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantKind::Natural => "natural",
            ApplicantKind::Legal => "legal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "natural" => Some(ApplicantKind::Natural),
            "legal" => Some(ApplicantKind::Legal),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    #[default]
    Normal,
    Urgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" => Some(Priority::Normal),
            "urgent" => Some(Priority::Urgent),
            _ => None,
        }
    }

    /// In Persian, as staff read it.
    pub const fn persian(self) -> &'static str {
        match self {
            Priority::Normal => "عادی",
            Priority::Urgent => "فوری",
        }
    }
}

/// A letter's classification (طبقه‌بندی): a confidential letter's subject,
/// body and files are for the registering office, the holding agency and
/// admins; everyone else sees [`CONFIDENTIAL`] in their place.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    #[default]
    Normal,
    Confidential,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Normal => "normal",
            Classification::Confidential => "confidential",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" => Some(Classification::Normal),
            "confidential" => Some(Classification::Confidential),
            _ => None,
        }
    }

    /// In Persian, as staff read it.
    pub const fn persian(self) -> &'static str {
        match self {
            Classification::Normal => "عادی",
            Classification::Confidential => CONFIDENTIAL,
        }
    }
}

/// What stands in place of a confidential letter's subject for those who
/// may not read it.
pub const CONFIDENTIAL: &str = "محرمانه";

/// The applicant: a natural person (names) or a legal person (organisation
/// and its representative).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    pub kind: Option<ApplicantKind>,
    /// National code (natural, 10 digits) or national ID (legal, 11 digits);
    /// Persian digits accepted.
    #[cfg_attr(feature = "openapi", schema(example = "0499370899"))]
    pub national_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    /// For legal persons: who represents the organisation at the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative_name: Option<String>,
    /// Iranian mobile; `+98…`, `0098…`, `98…` accepted, stored as `09…`.
    #[cfg_attr(feature = "openapi", schema(example = "09121234567"))]
    pub mobile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Applicant {
    /// The name shown in lists and on receipts.
    pub fn display_name(&self) -> String {
        match self.kind {
            Some(ApplicantKind::Legal) => self.organization_name.clone().unwrap_or_default(),
            _ => format!(
                "{} {}",
                self.first_name.as_deref().unwrap_or_default(),
                self.last_name.as_deref().unwrap_or_default()
            )
            .trim()
            .to_owned(),
        }
    }
}

/// `POST /api/v1/letters`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "applicant": {
        "kind": "natural", "national_id": "0499370899", "first_name": "علی", "last_name": "رضایی",
        "mobile": "09121234567"
    },
    "recipient_agency_code": "water",
    "subject": "درخواست بررسی قبض آب",
    "body": "با سلام، مبلغ قبض آب این ماه بیش از حد معمول است؛ لطفاً بررسی فرمایید.",
    "priority": "normal"
})))]
pub struct NewLetter {
    pub applicant: Applicant,
    pub recipient_agency_code: String,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The applicant's own reference number, if any.
    #[serde(default)]
    pub applicant_reference: Option<String>,
    /// Tracking codes of the possible duplicates the operator was shown
    /// (`POST /letters/possible-duplicates`) and registered this letter
    /// despite: recorded in the `registered` event. Nothing is blocked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicates_seen: Vec<String>,
    /// Earlier letters of the same applicant this one follows up (پیرو) or
    /// refers to (عطف), by tracking code (at most 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedRequest>,
    /// Agencies that get a copy (رونوشت) for information, by code (at most
    /// 10, not the recipient): each finds it in its inbox marked as a copy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::validate::copies_schema))]
    pub copies: Vec<String>,
    /// `confidential`: subject, body and files only for the registering
    /// office, the holding agency and admins (no copies). Default `normal`.
    #[serde(default)]
    pub classification: Option<Classification>,
}

/// Most earlier letters a registration can name.
pub const MAX_RELATED: usize = 5;

/// How a letter stands to an earlier letter of its applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// پیرو: the same matter again (a reminder, or contesting an answer).
    FollowsUp,
    /// عطف: mentions the earlier letter.
    RefersTo,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::FollowsUp => "follows_up",
            Relation::RefersTo => "refers_to",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        [Relation::FollowsUp, Relation::RefersTo]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// As staff and applicants read it.
    pub const fn persian(self) -> &'static str {
        match self {
            Relation::FollowsUp => "پیرو",
            Relation::RefersTo => "عطف به",
        }
    }
}

/// An earlier letter named at registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedRequest {
    /// Any formatting: dashes, spaces, Persian digits.
    pub tracking_code: String,
    pub relation: Relation,
}

/// A letter related to this one: an earlier one it names (`earlier`), or a
/// later one that names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedLetter {
    pub tracking_code: String,
    pub relation: Relation,
    /// `true`: this letter names that earlier one; `false`: that later letter names this one.
    pub earlier: bool,
    pub status: Status,
    pub created_at: DateTime<Utc>,
}

/// Most possible duplicates a registration can name.
pub const MAX_DUPLICATES_SEEN: usize = 10;

fn optional(e: &mut Errors, field: &str, value: &Option<String>, max: usize) -> Option<String> {
    value
        .as_deref()
        .map(|v| e.optional_text(field, v, max))
        .filter(|v| !v.is_empty())
}

fn required(e: &mut Errors, field: &str, value: &Option<String>, max: usize) -> Option<String> {
    Some(e.text(field, value.as_deref().unwrap_or_default(), max))
}

impl NewLetter {
    /// The normalised letter, or one error per bad field (JSON paths).
    pub fn validate(&self) -> Result<NewLetter, Vec<FieldError>> {
        let mut e = Errors::default();
        let a = &self.applicant;
        let kind = a.kind;
        let national_id = match kind {
            None => {
                e.add("applicant.kind", ErrorCode::ApplicantKind);
                a.national_id.clone()
            }
            Some(ApplicantKind::Natural) => {
                parse_national_code(&a.national_id).unwrap_or_else(|err| {
                    e.add("applicant.national_id", err.code());
                    a.national_id.clone()
                })
            }
            Some(ApplicantKind::Legal) => parse_legal_id(&a.national_id).unwrap_or_else(|err| {
                e.add("applicant.national_id", err.code());
                a.national_id.clone()
            }),
        };
        let (first_name, last_name, organization_name, representative_name) = match kind {
            Some(ApplicantKind::Legal) => (
                None,
                None,
                required(
                    &mut e,
                    "applicant.organization_name",
                    &a.organization_name,
                    200,
                ),
                optional(
                    &mut e,
                    "applicant.representative_name",
                    &a.representative_name,
                    200,
                ),
            ),
            _ => (
                required(&mut e, "applicant.first_name", &a.first_name, 100),
                required(&mut e, "applicant.last_name", &a.last_name, 100),
                None,
                None,
            ),
        };
        let father_name = optional(&mut e, "applicant.father_name", &a.father_name, 100);
        let mobile = parse_mobile(&a.mobile).unwrap_or_else(|err| {
            e.add("applicant.mobile", err.code());
            a.mobile.clone()
        });
        let postal_code = a
            .postal_code
            .as_deref()
            .map(|p| ascii_digits(p).replace(['-', ' '], ""))
            .filter(|p| !p.is_empty());
        if let Some(p) = &postal_code {
            if p.len() != 10 || !p.chars().all(|c| c.is_ascii_digit()) {
                e.add("applicant.postal_code", ErrorCode::PostalCode);
            }
        }
        let address = optional(&mut e, "applicant.address", &a.address, 500);
        let recipient = agency_code(&self.recipient_agency_code);
        if recipient.is_empty() {
            e.add("recipient_agency_code", ErrorCode::RecipientRequired);
        }
        let subject = e.text("subject", &self.subject, 200);
        let body = crate::normalize::normalize_body(&self.body);
        if body.is_empty() {
            e.add("body", ErrorCode::Required);
        } else if body.chars().count() > 20_000 {
            e.add_limit("body", ErrorCode::TooLong, 20_000);
        }
        let applicant_reference = optional(
            &mut e,
            "applicant_reference",
            &self.applicant_reference,
            100,
        );
        if self.duplicates_seen.len() > MAX_DUPLICATES_SEEN {
            e.add_limit("duplicates_seen", ErrorCode::TooLarge, MAX_DUPLICATES_SEEN);
        }
        let mut duplicates_seen = Vec::new();
        for (i, code) in self.duplicates_seen.iter().enumerate() {
            match crate::tracking::parse(code) {
                Ok(code) if !duplicates_seen.contains(&code) => duplicates_seen.push(code),
                Ok(_) => {}
                Err(err) => e.add(&format!("duplicates_seen[{i}]"), err.code()),
            }
        }
        if self.related.len() > MAX_RELATED {
            e.add_limit("related", ErrorCode::TooLarge, MAX_RELATED);
        }
        let mut related: Vec<RelatedRequest> = Vec::new();
        for (i, r) in self.related.iter().enumerate() {
            match crate::tracking::parse(&r.tracking_code) {
                Ok(code) if !related.iter().any(|o| o.tracking_code == code) => {
                    related.push(RelatedRequest {
                        tracking_code: code,
                        relation: r.relation,
                    })
                }
                Ok(_) => {}
                Err(err) => e.add(&format!("related[{i}].tracking_code"), err.code()),
            }
        }
        let copies = e.copies("copies", &self.copies, &recipient);
        let classification = self.classification.unwrap_or_default();
        if classification == Classification::Confidential && !copies.is_empty() {
            e.add("copies", ErrorCode::CopyConfidential);
        }
        e.finish(NewLetter {
            applicant: Applicant {
                kind,
                national_id,
                first_name,
                last_name,
                father_name,
                organization_name,
                representative_name,
                mobile,
                postal_code,
                address,
            },
            recipient_agency_code: recipient,
            subject,
            body,
            priority: Some(self.priority.unwrap_or_default()),
            applicant_reference,
            duplicates_seen,
            related,
            copies,
            classification: Some(classification),
        })
    }
}

/// `POST /api/v1/letters/possible-duplicates`: the letter the operator is
/// about to register, as far as a repeat can be told from it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "national_id": "0499370899", "recipient_agency_code": "water", "subject": "قطعی آب کوچه ۵"
})))]
pub struct DuplicateCheck {
    /// As typed: Persian or Arabic digits, dashes, a missing leading zero.
    #[cfg_attr(feature = "openapi", schema(pattern = "[0-9۰-۹٠-٩]"))]
    pub national_id: String,
    /// The code of an agency of the directory.
    #[cfg_attr(feature = "openapi", schema(pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"))]
    pub recipient_agency_code: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"))]
    pub subject: String,
}

/// An agency code as typed (any digits, any case, spaces around) in the
/// form the directory keeps it.
fn agency_code(input: &str) -> String {
    ascii_digits(input.trim()).to_ascii_lowercase()
}

impl DuplicateCheck {
    /// The check in stored forms (the national code as a lookup finds it),
    /// or a `required` error for each blank field.
    pub fn validate(&self) -> Result<DuplicateCheck, Vec<FieldError>> {
        let mut e = Errors::default();
        let check = DuplicateCheck {
            national_id: crate::identifiers::lookup_national_id(&self.national_id),
            recipient_agency_code: agency_code(&self.recipient_agency_code),
            subject: self.subject.clone(),
        };
        for (field, value) in [
            ("national_id", &check.national_id),
            ("recipient_agency_code", &check.recipient_agency_code),
            ("subject", &check.subject),
        ] {
            if value.trim().is_empty() {
                e.add(field, ErrorCode::Required);
            }
        }
        e.finish(check)
    }
}

/// An open letter of the same applicant at the same agency, registered in
/// the last 30 days, whose subject shares most of its words with the new
/// one (`overlap`: the share of the shorter subject's words, 0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PossibleDuplicate {
    pub letter: LetterSummary,
    pub overlap: f64,
}

/// The possible duplicates, most similar first (empty: none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PossibleDuplicates {
    pub items: Vec<PossibleDuplicate>,
}

/// An attachment's metadata (the bytes are at `GET /api/v1/attachments/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: i32,
    /// `letter` (from the applicant) or `answer` (from the agency).
    pub kind: String,
    pub file_name: String,
    /// Recognised from the bytes: `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

/// An agency's answer to a letter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterAnswer {
    pub body: String,
    pub agency_code: String,
    pub agency_name: String,
    pub answered_at: DateTime<Utc>,
}

/// A letter as its office, its agencies and admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Letter {
    pub id: i32,
    /// 12 ASCII digits; the last is a check digit.
    #[cfg_attr(feature = "openapi", schema(example = "729440183651"))]
    pub tracking_code: String,
    pub status: Status,
    pub applicant: Applicant,
    pub recipient_agency_code: String,
    pub recipient_agency_name: String,
    /// The agency that holds the letter now (after referrals).
    pub holder_agency_code: String,
    pub holder_agency_name: String,
    pub counter_office_code: String,
    pub counter_office_name: String,
    /// [`CONFIDENTIAL`] for a confidential letter the caller may not read.
    pub subject: String,
    /// Empty for a confidential letter the caller may not read.
    pub body: String,
    pub priority: Priority,
    pub classification: Classification,
    pub applicant_reference: Option<String>,
    /// When the current agency must answer by (its SLA).
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub answer: Option<LetterAnswer>,
    pub attachments: Vec<Attachment>,
    /// What may be done next, by the state machine (the caller's role still decides).
    pub allowed_actions: Vec<Action>,
    /// The delivery still open at the holding agency (acknowledge it to receive the letter).
    pub open_delivery_id: Option<i32>,
    /// The secretariat numbers agencies registered the letter under, in order.
    pub agency_references: Vec<AgencyReference>,
    /// Earlier letters of the applicant this one names, and later ones naming it.
    pub related: Vec<RelatedLetter>,
    /// The agencies that got a copy (رونوشت), in the order they got it.
    pub copies: Vec<LetterCopy>,
    /// The applicant's number asked for no SMS: tell them at the counter.
    pub sms_opt_out: bool,
    /// The public tracking page of this letter (`CHAPAR_PUBLIC_URL`), as the
    /// SMS and the receipt's QR code give it to the applicant.
    pub tracking_url: String,
    /// Increases with every change; the `ETag` is built from it.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Letter {
    /// The letter as shown to someone who may not read its text: a
    /// confidential letter keeps its route and state, not its words or files.
    pub fn concealed(mut self) -> Self {
        if self.classification == Classification::Confidential {
            self.subject = CONFIDENTIAL.into();
            self.body.clear();
            self.attachments.clear();
            if let Some(answer) = &mut self.answer {
                answer.body.clear();
            }
        }
        self
    }
}

/// One read of a confidential letter's text or files, as the audit trail
/// keeps it (`GET /api/v1/confidential-reads`, admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfidentialRead {
    pub id: i32,
    pub letter_id: i32,
    pub tracking_code: String,
    /// A username, `client:<name>`, or `applicant` (the public tracking page).
    pub actor: String,
    /// The staff member's display name or the client's name (`actor` when unknown).
    pub actor_name: String,
    /// `letter` (its detail), `file` (an attachment) or `tracking` (the applicant's page).
    pub what: String,
    pub attachment_id: Option<i32>,
    pub at: DateTime<Utc>,
}

/// A copy (رونوشت) of the letter at an agency, for information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterCopy {
    /// The copy agency acknowledges (files) it with `POST /api/v1/inbox/{delivery_id}/ack`.
    pub delivery_id: i32,
    pub agency_code: String,
    pub agency_name: String,
    pub delivered_at: DateTime<Utc>,
    /// When the agency acknowledged (filed) its copy.
    pub seen_at: Option<DateTime<Utc>>,
}

/// The number and day under which an agency's secretariat registered a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyReference {
    pub agency_code: String,
    pub agency_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "1405/45/1234"))]
    pub reference: String,
    /// The day of the number (in Tehran).
    pub date: Option<NaiveDate>,
}

/// A row of the letters list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterSummary {
    pub id: i32,
    pub tracking_code: String,
    pub status: Status,
    pub applicant_name: String,
    pub applicant_national_id: String,
    pub recipient_agency_code: String,
    pub recipient_agency_name: String,
    pub holder_agency_code: String,
    pub holder_agency_name: String,
    pub counter_office_code: String,
    pub counter_office_name: String,
    /// [`CONFIDENTIAL`] for a confidential letter the caller may not read.
    pub subject: String,
    pub priority: Priority,
    pub classification: Classification,
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
}

impl LetterSummary {
    /// The row as shown to someone who may not read the letter's text.
    pub fn concealed(mut self) -> Self {
        if self.classification == Classification::Confidential {
            self.subject = CONFIDENTIAL.into();
        }
        self
    }
}

/// One step of a letter's history. Events form a hash chain: `hash` covers
/// the event and `prev_hash`, the hash of the event before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterEvent {
    pub seq: i32,
    /// `registered`, `delivered`, `copied` (a copy sent to `to_agency`), `copy_seen`, `received`, `referred`, `answered`, `rejected`, `closed`, `withdrawn`, `note`.
    pub kind: String,
    pub status: Status,
    /// Who did it: a username or `client:<id>`.
    pub actor: String,
    /// The staff member's display name, or the API client's name.
    pub actor_name: String,
    /// The agency that acted (or received a delivery).
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    /// Where a referral went.
    pub to_agency_code: Option<String>,
    pub to_agency_name: Option<String>,
    pub note: String,
    /// Internal notes are never shown on public tracking.
    pub internal: bool,
    pub at: DateTime<Utc>,
    pub prev_hash: String,
    pub hash: String,
}

/// `GET /api/v1/letters/{id}/verify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainVerification {
    pub intact: bool,
    pub events: i32,
    /// The first event whose hash does not match, when broken.
    pub broken_at_seq: Option<i32>,
}

/// `POST /api/v1/tracking`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"tracking_code": "7294-4018-3651", "national_id": "0499370899"})))]
pub struct TrackingRequest {
    /// Persian digits, spaces and dashes accepted.
    pub tracking_code: String,
    /// The applicant's national code or national ID.
    pub national_id: String,
}

/// A public step of the timeline (no actors, no internal notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicEvent {
    pub kind: String,
    pub status: Status,
    /// The agency that acted, or (registration) the one written to.
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    /// Where a referral went.
    pub to_agency_code: Option<String>,
    pub to_agency_name: Option<String>,
    /// Reason of a rejection; empty otherwise.
    pub note: String,
    pub at: DateTime<Utc>,
}

/// What the applicant sees with national code + tracking code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackingAnswer {
    pub tracking_code: String,
    pub status: Status,
    pub subject: String,
    pub holder_agency_code: String,
    pub holder_agency_name: String,
    pub registered_at: DateTime<Utc>,
    /// By when the agency that holds the letter should act (its SLA); only
    /// while an agency still has to act.
    pub due_at: Option<DateTime<Utc>>,
    pub events: Vec<PublicEvent>,
    /// Present once the letter is answered.
    pub answer: Option<PublicAnswer>,
    /// The applicant's letters this one follows up or refers to, and later ones naming it.
    pub related: Vec<RelatedLetter>,
    /// The agencies that got a copy of the letter.
    pub copies: Vec<LetterCopy>,
}

/// The agency's answer as the applicant sees it, with its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicAnswer {
    pub body: String,
    pub agency_code: String,
    pub agency_name: String,
    pub answered_at: DateTime<Utc>,
    pub attachments: Vec<PublicAttachment>,
}

/// A file of the answer, downloadable without an account through its
/// `download_url`, which carries a short-lived signed token (never the
/// national code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicAttachment {
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`.
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Relative URL, valid for an hour:
    /// `/api/v1/tracking/attachments/{id}?token=…`.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "/api/v1/tracking/attachments/17?token=eyJhbGciOi…")
    )]
    pub download_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn natural() -> NewLetter {
        NewLetter {
            applicant: Applicant {
                kind: Some(ApplicantKind::Natural),
                national_id: "۰۴۹۹۳۷۰۸۹۹".into(),
                first_name: Some("علي".into()),
                last_name: Some("رضايي".into()),
                mobile: "+98 912 123 4567".into(),
                ..Default::default()
            },
            recipient_agency_code: "Water".into(),
            subject: "قبض آب".into(),
            body: "متن نامه".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_natural_applicant_is_normalised() {
        let ok = natural().validate().expect("valid");
        assert_eq!(ok.applicant.national_id, "0499370899");
        assert_eq!(ok.applicant.mobile, "09121234567");
        assert_eq!(ok.applicant.first_name.as_deref(), Some("علی"));
        assert_eq!(ok.recipient_agency_code, "water");
        assert_eq!(ok.priority, Some(Priority::Normal));
    }

    #[test]
    fn copies_are_agency_codes_other_than_the_recipient() {
        let mut l = natural();
        l.copies = vec![" Gas ".into(), "gas".into(), "electricity".into()];
        let ok = l.validate().expect("valid");
        assert_eq!(ok.copies, ["gas", "electricity"]);
        l.copies = vec!["water".into(), "x".into()];
        let errors = l.validate().expect_err("invalid");
        assert_eq!(errors[0].field, "copies[0]");
        assert_eq!(errors[0].code, ErrorCode::CopyToRecipient);
        assert_eq!(errors[1].field, "copies[1]");
        assert_eq!(errors[1].code, ErrorCode::CodeFormat);
        l.copies = (0..=crate::validate::MAX_COPIES)
            .map(|i| format!("agency-{i}"))
            .collect();
        let errors = l.validate().expect_err("too many");
        assert_eq!(errors[0].field, "copies");
    }

    #[test]
    fn a_confidential_letter_has_no_copies_and_conceals_its_text() {
        let mut l = natural();
        l.classification = Some(Classification::Confidential);
        assert!(l.validate().is_ok());
        l.copies = vec!["gas".into()];
        let errors = l.validate().expect_err("copies refused");
        assert_eq!(errors[0].field, "copies");
        assert_eq!(errors[0].code, ErrorCode::CopyConfidential);
        assert_eq!(
            natural().validate().expect("valid").classification,
            Some(Classification::Normal)
        );
    }

    #[test]
    fn each_bad_field_is_named_by_its_path() {
        let mut l = natural();
        l.applicant.national_id = "0499370898".into();
        l.applicant.mobile = "0211234567".into();
        l.subject = " ".into();
        let fields: Vec<String> = l
            .validate()
            .expect_err("bad")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["applicant.national_id", "applicant.mobile", "subject"]
        );
    }

    #[test]
    fn a_legal_applicant_needs_an_organisation_and_an_11_digit_id() {
        let mut l = natural();
        l.applicant.kind = Some(ApplicantKind::Legal);
        let fields: Vec<String> = l
            .validate()
            .expect_err("bad")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["applicant.national_id", "applicant.organization_name"]
        );
        l.applicant.national_id = "10100387181".into();
        l.applicant.organization_name = Some("شرکت نمونه".into());
        let ok = l.validate().expect("valid");
        assert_eq!(ok.applicant.first_name, None);
        assert_eq!(ok.applicant.display_name(), "شرکت نمونه");
    }
}
