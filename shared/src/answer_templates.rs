//! Answer templates (قالب پاسخ): named answer texts an agency keeps, which
//! its clerks pick and edit when answering. Placeholders are filled from the
//! letter being answered, here, so the SPA and any agency system fill them
//! the same way.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::letters::Letter;
use crate::sms::persian_digits;
use crate::validate::Errors;
use crate::{ErrorCode, FieldError};

/// The placeholders of an answer template, written `{name}`: the
/// applicant's name, the tracking code, the letter's subject, the day it was
/// registered, today, and the answering agency's name.
pub const PLACEHOLDERS: [&str; 6] = [
    "applicant",
    "code",
    "subject",
    "registered",
    "today",
    "agency",
];

pub const NAME_MAX: usize = 100;
/// As long as an answer may be.
pub const BODY_MAX: usize = 20_000;

/// An agency's answer template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerTemplate {
    pub id: i32,
    pub agency_code: String,
    pub agency_name: String,
    #[cfg_attr(feature = "openapi", schema(example = "اصلاح قبض"))]
    pub name: String,
    /// The text, with placeholders (`{applicant}`, `{code}`, `{subject}`,
    /// `{registered}`, `{today}`, `{agency}`).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "{applicant} گرامی، قبض نامهٔ {code} بررسی و اصلاح شد.")
    )]
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/answer-templates` and `PUT /api/v1/answer-templates/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "اصلاح قبض", "body": "{applicant} گرامی، قبض نامهٔ {code} بررسی و اصلاح شد."
})))]
pub struct AnswerTemplateRequest {
    /// The agency whose template it is: admins name it on creation; a
    /// clerk's is the clerk's own agency (leave it out). Ignored on `PUT`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub agency_code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 20000))]
    pub body: String,
}

impl AnswerTemplateRequest {
    /// The normalised request, or every bad field (an unknown placeholder
    /// is named, with the allowed ones).
    pub fn validate(&self) -> Result<AnswerTemplateRequest, Vec<FieldError>> {
        let mut e = Errors::default();
        let agency_code = self
            .agency_code
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| e.code("agency_code", c));
        let name = e.text("name", &self.name, NAME_MAX);
        let body = crate::normalize::normalize_body(&self.body);
        if body.is_empty() {
            e.add("body", ErrorCode::Required);
        } else if body.chars().count() > BODY_MAX {
            e.add_limit("body", ErrorCode::TooLong, BODY_MAX);
        }
        e.placeholders("body", &body, &PLACEHOLDERS);
        e.finish(AnswerTemplateRequest {
            agency_code,
            name,
            body,
        })
    }
}

/// The template's text for `letter`, answered by `agency_name` on the
/// Tehran day `today`: codes and dates in Persian digits, dates Jalali.
pub fn fill(body: &str, letter: &Letter, agency_name: &str, today: NaiveDate) -> String {
    let registered = crate::reports::tehran_day(letter.created_at);
    let code = persian_digits(&crate::tracking::display(&letter.tracking_code));
    body.replace("{applicant}", &letter.applicant.display_name())
        .replace("{code}", &code)
        .replace("{subject}", &letter.subject)
        .replace("{registered}", &crate::jalali::format_persian(registered))
        .replace("{today}", &crate::jalali::format_persian(today))
        .replace("{agency}", agency_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> AnswerTemplateRequest {
        AnswerTemplateRequest {
            agency_code: None,
            name: "  اصلاح   قبض ".into(),
            body: body.into(),
        }
    }

    #[test]
    fn a_template_names_unknown_placeholders_and_keeps_known_ones() {
        let ok = request("{applicant} گرامی، نامهٔ {code} ({subject}) پاسخ داده شد.")
            .validate()
            .expect("valid");
        assert_eq!(ok.name, "اصلاح قبض");
        let errors = request("{applicant} {national_id}")
            .validate()
            .expect_err("unknown");
        assert_eq!(errors[0].code, ErrorCode::TemplatePlaceholder);
        assert_eq!(errors[0].value.as_deref(), Some("{national_id}"));
        assert!(errors[0].message.contains("{today}"));
        let empty = request(" ").validate().expect_err("empty");
        assert_eq!(empty[0].field, "body");
    }
}
