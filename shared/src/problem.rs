//! RFC 9457 problem details, the one error shape of the API.

use serde::{Deserialize, Serialize};

/// One bad input field, named by its JSON path (e.g. `applicant.national_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON path of the field, e.g. `applicant.national_id`.
    #[cfg_attr(feature = "openapi", schema(example = "applicant.national_id"))]
    pub field: String,
    /// What is wrong, in words an operator understands.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "the check digit does not match")
    )]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An error answer (`application/problem+json`, RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://chapar.ir/problems/validation")
    )]
    pub kind: String,
    /// Short summary of the kind of problem.
    #[cfg_attr(feature = "openapi", schema(example = "Invalid input"))]
    pub title: String,
    /// The HTTP status code.
    #[cfg_attr(feature = "openapi", schema(example = 422))]
    pub status: u16,
    /// What went wrong in this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// One entry per bad field (validation problems only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For an action the letter's state does not allow (409): its status now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
    /// For an action the letter's state does not allow (409): what is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
}

impl Problem {
    /// The message for `field`, if the problem names it (the SPA shows it next to the field).
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_type_and_omits_empty_parts() {
        let p = Problem {
            kind: "about:blank".into(),
            title: "Not Found".into(),
            status: 404,
            detail: None,
            errors: vec![],
            current_status: None,
            allowed_actions: None,
        };
        let json = serde_json::to_value(&p).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"type": "about:blank", "title": "Not Found", "status": 404})
        );
    }

    #[test]
    fn finds_the_message_of_a_field() {
        let p = Problem {
            kind: "about:blank".into(),
            title: "Invalid input".into(),
            status: 422,
            detail: None,
            errors: vec![FieldError::new("mobile", "not a mobile number")],
            current_status: None,
            allowed_actions: None,
        };
        assert_eq!(p.field_message("mobile"), Some("not a mobile number"));
        assert_eq!(p.field_message("subject"), None);
    }
}
