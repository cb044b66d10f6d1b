//! The applicant's SMS texts, one per workflow step, in Persian with Persian
//! digits. Every step that concerns the applicant writes one into the outbox
//! in the same transaction as the step itself.

use crate::tracking::display;

/// Persian digits for SMS and the UI.
pub fn persian_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32('۰' as u32 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A kind of SMS, its placeholders and its default text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateKind {
    /// The workflow step (`registered`, `received`, …, `overdue`).
    pub kind: &'static str,
    /// Placeholders the text may use, written `{name}`.
    pub placeholders: &'static [&'static str],
    pub default: &'static str,
}

/// Every SMS the applicant can get. `{code}` is the tracking code in Persian
/// digits (`۱۲۳۴-۵۶۷۸-۹۰۱۲`), `{agency}` the agency's name, `{reason}` a
/// rejection's reason, `{due}` a due date in the Jalali calendar, `{url}` the
/// public tracking link of the letter, `{copies}` where copies went (see
/// [`copies_sentence`]; empty without copies).
pub const TEMPLATES: &[TemplateKind] = &[
    TemplateKind {
        kind: "registered",
        placeholders: &["code", "agency", "url", "copies"],
        default: "چاپار: نامه شما به {agency} ثبت شد.{copies} کد رهگیری: {code}. پیگیری در هر دفتر پیشخوان با کد ملی و کد رهگیری.",
    },
    TemplateKind {
        kind: "received",
        placeholders: &["code", "agency"],
        default: "چاپار: نامه {code} در {agency} دریافت شد.",
    },
    TemplateKind {
        kind: "referred",
        placeholders: &["code", "agency", "copies"],
        default: "چاپار: نامه {code} برای رسیدگی به {agency} ارجاع شد.{copies}",
    },
    TemplateKind {
        kind: "answered",
        placeholders: &["code", "agency", "url"],
        default: "چاپار: پاسخ {agency} به نامه {code} آماده است. با کد ملی در هر دفتر پیشخوان یا در {url} دریافت کنید.",
    },
    TemplateKind {
        kind: "rejected",
        placeholders: &["code", "agency", "reason"],
        default: "چاپار: نامه {code} توسط {agency} رد شد. علت: {reason}",
    },
    TemplateKind {
        kind: "closed",
        placeholders: &["code"],
        default: "چاپار: پاسخ نامه {code} به شما تحویل شد. پرونده بسته شد.",
    },
    TemplateKind {
        kind: "withdrawn",
        placeholders: &["code"],
        default: "چاپار: نامه {code} به درخواست شما بازپس گرفته شد.",
    },
    TemplateKind {
        kind: "overdue",
        placeholders: &["code", "agency", "due"],
        default: "چاپار: مهلت پاسخ {agency} به نامه {code} ({due}) گذشته است؛ پیگیری ادامه دارد.",
    },
];

/// What `{copies}` says: " رونوشت: برق، گاز." with a leading space, or
/// nothing when the letter went to no one else.
pub fn copies_sentence(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(" رونوشت: {}.", names.join("، "))
    }
}

pub fn template(kind: &str) -> Option<&'static TemplateKind> {
    TEMPLATES.iter().find(|t| t.kind == kind)
}

/// The placeholders a text uses, or an error for an unclosed `{`.
pub(crate) fn placeholders_in(body: &str) -> Result<Vec<&str>, crate::ErrorCode> {
    let mut names = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after.find('}').ok_or(crate::ErrorCode::TemplateUnclosed)?;
        names.push(&after[..end]);
        rest = &after[end + 1..];
    }
    Ok(names)
}

/// Checks an edited template: not empty, every `{placeholder}` known for its kind.
pub fn validate_template(kind: &str, body: &str) -> Result<String, Vec<crate::FieldError>> {
    let mut errors = crate::validate::Errors::default();
    let Some(t) = template(kind) else {
        errors.add("kind", crate::ErrorCode::SmsKindUnknown);
        return errors.finish(String::new());
    };
    let body = errors.text("body", body, 500);
    errors.placeholders("body", &body, t.placeholders);
    errors.finish(body)
}

/// Fills a template; `code` is given as the raw tracking code.
pub fn render(body: &str, vars: &[(&str, &str)]) -> String {
    let mut out = body.to_owned();
    for (name, value) in vars {
        let value = if *name == "code" {
            persian_digits(&display(value))
        } else {
            (*value).to_owned()
        };
        out = out.replace(&format!("{{{name}}}"), &value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_carry_the_code_in_persian_digits() {
        let t = template("registered")
            .map(|t| t.default)
            .unwrap_or_default();
        let text = render(t, &[("code", "729440183651"), ("agency", "شرکت آب")]);
        assert!(text.contains("۷۲۹۴-۴۰۱۸-۳۶۵۱"), "{text}");
        assert!(text.contains("شرکت آب"));
        assert!(!text.chars().any(|c| c.is_ascii_digit()));
    }

    #[test]
    fn every_default_template_is_valid() {
        for t in TEMPLATES {
            assert!(validate_template(t.kind, t.default).is_ok(), "{}", t.kind);
        }
    }

    #[test]
    fn unknown_placeholders_are_refused() {
        let errs = validate_template("closed", "نامه {code} به {agency} رسید")
            .expect_err("agency is not known here");
        assert!(errs[0].message.contains("{agency}"));
        assert!(validate_template("closed", "نامه {code").is_err());
        assert!(validate_template("nope", "x").is_err());
    }
}

/// Delay before retry number `attempt` (1 = the first retry): exponential
/// from `base_ms`, capped at `max_ms`, with "equal jitter" (half fixed, half
/// random from `jitter` in `[0, 1)`), so many failed messages do not all
/// retry at the same moment.
pub fn backoff_ms(attempt: u32, base_ms: u64, max_ms: u64, jitter: f64) -> u64 {
    let exp = base_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(30));
    let capped = exp.min(max_ms);
    let half = capped / 2;
    half + (half as f64 * jitter.clamp(0.0, 1.0)) as u64
}

/// How many SMS parts a text takes. Persian needs UCS-2: 70 characters in
/// one part, 67 per part when concatenated. (GSM-7 text: 160 / 153.)
pub fn sms_parts(text: &str) -> usize {
    let chars = text.chars().count();
    let ucs2 = !text.is_ascii();
    let (single, multi) = if ucs2 { (70, 67) } else { (160, 153) };
    if chars <= single {
        1
    } else {
        chars.div_ceil(multi)
    }
}

#[cfg(test)]
mod backoff_tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let d: Vec<u64> = (1..=8).map(|a| backoff_ms(a, 1000, 60_000, 0.0)).collect();
        assert_eq!(d, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(backoff_ms(3, 1000, 60_000, 0.999), 3998);
        assert!(backoff_ms(40, 1000, 60_000, 0.5) <= 60_000);
    }

    #[test]
    fn persian_text_is_counted_in_ucs2_parts() {
        assert_eq!(sms_parts(&"ا".repeat(70)), 1);
        assert_eq!(sms_parts(&"ا".repeat(71)), 2);
        assert_eq!(sms_parts(&"ا".repeat(134)), 2);
        assert_eq!(sms_parts(&"ا".repeat(135)), 3);
        assert_eq!(sms_parts(&"a".repeat(160)), 1);
        assert_eq!(sms_parts(&"a".repeat(161)), 2);
    }
}

/// One SMS of the outbox, as the API lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OutboxRow {
    pub id: i32,
    pub letter_id: i32,
    pub event_kind: String,
    pub mobile: String,
    pub text: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Queue health, as the API reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct QueueStats {
    pub pending: i64,
    pub failed: i64,
    pub oldest_pending_seconds: Option<i64>,
}

/// One attempt, as the API reports it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AttemptRow {
    pub attempt: i32,
    pub at: chrono::DateTime<chrono::Utc>,
    pub outcome: String,
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// An SMS template as the admin edits it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsTemplate {
    pub kind: String,
    /// The text in use.
    pub body: String,
    /// The built-in text (what "reset" restores).
    pub default: String,
    /// Placeholders this kind may use.
    pub placeholders: Vec<String>,
    /// Whether an admin changed it.
    pub edited: bool,
}

/// `PUT /api/v1/sms/templates/{kind}` and the preview request.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "چاپار: نامه {code} در {agency} دریافت شد."})))]
pub struct TemplateBody {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 500,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub body: String,
}

/// A template filled with sample values, and its length in SMS parts.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplatePreview {
    pub text: String,
    pub characters: usize,
    pub parts: usize,
}

/// Sample values for previews.
pub fn sample_vars() -> [(&'static str, &'static str); 5] {
    [
        ("code", "729440183651"),
        ("url", "https://chapar.example.ir/track?code=729440183651"),
        ("agency", "شرکت آب و فاضلاب استان هرمزگان"),
        ("reason", "مدارک ناقص است"),
        ("due", "۱۴ آذر ۱۴۰۵"),
    ]
}

/// The preview of `body`.
pub fn preview(body: &str) -> TemplatePreview {
    let text = render(body, &sample_vars());
    TemplatePreview {
        characters: text.chars().count(),
        parts: sms_parts(&text),
        text,
    }
}
