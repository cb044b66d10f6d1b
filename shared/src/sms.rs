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
