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

fn code(tracking_code: &str) -> String {
    persian_digits(&display(tracking_code))
}

pub fn registered(tracking_code: &str, agency_name: &str) -> String {
    format!(
        "چاپار: نامه شما به {agency_name} ثبت شد. کد رهگیری: {}. پیگیری در هر دفتر پیشخوان با کد ملی و کد رهگیری.",
        code(tracking_code)
    )
}

pub fn received(tracking_code: &str, agency_name: &str) -> String {
    format!(
        "چاپار: نامه {} در {agency_name} دریافت شد.",
        code(tracking_code)
    )
}

pub fn referred(tracking_code: &str, agency_name: &str) -> String {
    format!(
        "چاپار: نامه {} برای رسیدگی به {agency_name} ارجاع شد.",
        code(tracking_code)
    )
}

pub fn answered(tracking_code: &str, agency_name: &str) -> String {
    format!(
        "چاپار: پاسخ {agency_name} به نامه {} آماده است. با کد ملی و کد رهگیری در هر دفتر پیشخوان یا صفحه پیگیری دریافت کنید.",
        code(tracking_code)
    )
}

pub fn rejected(tracking_code: &str, agency_name: &str, reason: &str) -> String {
    format!(
        "چاپار: نامه {} توسط {agency_name} رد شد. علت: {reason}",
        code(tracking_code)
    )
}

pub fn closed(tracking_code: &str) -> String {
    format!(
        "چاپار: پاسخ نامه {} به شما تحویل شد. پرونده بسته شد.",
        code(tracking_code)
    )
}

pub fn withdrawn(tracking_code: &str) -> String {
    format!(
        "چاپار: نامه {} به درخواست شما بازپس گرفته شد.",
        code(tracking_code)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_carry_the_code_in_persian_digits() {
        let text = registered("729440183651", "شرکت آب");
        assert!(text.contains("۷۲۹۴-۴۰۱۸-۳۶۵۱"), "{text}");
        assert!(!text.chars().any(|c| c.is_ascii_digit()));
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
