//! Small helpers for field-level validation: each check appends a
//! [`FieldError`] naming the field by its JSON path, so a request reports all
//! its bad fields at once.

use crate::normalize::{ascii_digits, normalize_text};
use crate::{ErrorCode, FieldError};

/// Collects the errors of one request.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, code: ErrorCode) {
        self.0.push(FieldError::new(field, code));
    }

    /// A field past the bound `limit` (`code` says which way).
    pub fn add_limit(&mut self, field: &str, code: ErrorCode, limit: usize) {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.0.push(FieldError::limit(field, code, limit));
    }

    /// An error recorded elsewhere (with a value or message of its own).
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when no error was recorded.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }

    /// A required free-text field: normalised, non-empty, at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = normalize_text(value);
        if v.is_empty() {
            self.add(field, ErrorCode::Required);
        } else if v.chars().count() > max {
            self.add_limit(field, ErrorCode::TooLong, max);
        }
        v
    }

    /// An optional free-text field (empty allowed).
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = normalize_text(value);
        if v.chars().count() > max {
            self.add_limit(field, ErrorCode::TooLong, max);
        }
        v
    }

    /// The `{placeholders}` of a template text, each checked against
    /// `allowed`: an unknown one is named with the allowed ones, an unclosed
    /// `{` is reported; `None` when the text could not be read for them.
    pub fn placeholders<'t>(
        &mut self,
        field: &str,
        text: &'t str,
        allowed: &[&str],
    ) -> Option<Vec<&'t str>> {
        let names = match crate::sms::placeholders_in(text) {
            Ok(names) => names,
            Err(code) => {
                self.add(field, code);
                return None;
            }
        };
        for name in names.iter().filter(|n| !allowed.contains(n)) {
            let listed: Vec<String> = allowed.iter().map(|p| format!("{{{p}}}")).collect();
            let mut error =
                FieldError::value(field, ErrorCode::TemplatePlaceholder, format!("{{{name}}}"));
            error.message = format!("{}; allowed: {}", error.message, listed.join(" "));
            self.push(error);
        }
        Some(names)
    }

    /// A public code (agency, counter office): 2–32 of `a-z 0-9 - _`,
    /// lower-cased, Persian digits accepted.
    pub fn code(&mut self, field: &str, value: &str) -> String {
        let v = ascii_digits(value.trim()).to_ascii_lowercase();
        let ok_chars = v
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if v.len() < 2 || v.len() > 32 || !ok_chars {
            self.add(field, ErrorCode::CodeFormat);
        }
        v
    }

    /// The copy recipients (رونوشت) of a letter going to `main`: agency
    /// codes, each well-formed, at most [`MAX_COPIES`], repeats dropped, the
    /// main recipient refused.
    pub fn copies(&mut self, field: &str, codes: &[String], main: &str) -> Vec<String> {
        if codes.len() > MAX_COPIES {
            self.add_limit(field, ErrorCode::TooLarge, MAX_COPIES);
        }
        let mut out: Vec<String> = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            let at = format!("{field}[{i}]");
            let code = self.code(&at, code);
            if code == main {
                self.add(&at, ErrorCode::CopyToRecipient);
            } else if !out.contains(&code) {
                out.push(code);
            }
        }
        out
    }
}

/// Most copy recipients a letter (or a referral) can name.
pub const MAX_COPIES: usize = 10;

/// The OpenAPI schema of a `copies` list: agency codes, at most
/// [`MAX_COPIES`], so that a contract test generates only lists the API takes.
#[cfg(feature = "openapi")]
pub fn copies_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[A-Za-z0-9_-]{2,32}$")),
        )
        .max_items(Some(MAX_COPIES))
        .unique_items(true)
        .description(Some(
            "Agency codes of the copy recipients (رونوشت), at most 10, not the main recipient.",
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_bad_field() {
        let mut e = Errors::default();
        let code = e.code("code", "Water-۱");
        let name = e.text("name", "   ", 10);
        assert_eq!(code, "water-1");
        assert_eq!(name, "");
        let errs = e.finish(()).expect_err("name is missing");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "name");
    }

    #[test]
    fn rejects_codes_with_spaces_or_slashes() {
        let mut e = Errors::default();
        e.code("a", "ab cd");
        e.code("b", "a/b");
        e.code("c", "x");
        assert_eq!(e.0.len(), 3);
    }
}
