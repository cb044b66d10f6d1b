//! Secretariat numbers (شماره ثبت دبیرخانه): the number and date under which
//! an agency's secretariat registers a letter it takes in. A clerk or an
//! agency system types its own; or the agency lets Chapar number its
//! incoming letters from a counter of its own, by a pattern such as
//! `{year}/{seq}`, the counter starting again at 1 each Jalali year.

use chrono::NaiveDate;

use crate::normalize::{ascii_digits, normalize_text};
use crate::validate::Errors;
use crate::{ErrorCode, FieldError};

/// The placeholders of a numbering pattern: the Jalali year (`1405`), its
/// last two digits (`05`), the Jalali month (`09`), and the counter.
pub const PATTERN_PLACEHOLDERS: [&str; 4] = ["year", "yy", "month", "seq"];

/// The longest pattern, and the longest number typed by hand.
pub const PATTERN_MAX: usize = 40;
pub const REFERENCE_MAX: usize = 100;

/// Checks a numbering pattern: at most [`PATTERN_MAX`] characters, `{seq}`
/// exactly once (the number must differ from letter to letter), and only
/// the placeholders of [`PATTERN_PLACEHOLDERS`]. Digits are stored ASCII.
pub fn validate_pattern(errors: &mut Errors, field: &str, pattern: &str) -> String {
    let pattern = ascii_digits(&normalize_text(pattern));
    if pattern.chars().count() > PATTERN_MAX {
        errors.add_limit(field, ErrorCode::TooLong, PATTERN_MAX);
        return pattern;
    }
    let seqs = errors
        .placeholders(field, &pattern, &PATTERN_PLACEHOLDERS)
        .map(|names| names.iter().filter(|n| **n == "seq").count());
    if seqs.is_some_and(|n| n != 1) {
        errors.add(field, ErrorCode::PatternSeq);
    }
    pattern
}

/// The counter a number taken on the Tehran day `day` is drawn from: one
/// per Jalali year.
pub fn counter_year(day: NaiveDate) -> i32 {
    crate::jalali::from_gregorian(day).0
}

/// The `seq`-th number of the year of `day`, by `pattern`.
pub fn render(pattern: &str, day: NaiveDate, seq: i64) -> String {
    let (year, month, _) = crate::jalali::from_gregorian(day);
    pattern
        .replace("{year}", &year.to_string())
        .replace("{yy}", &format!("{:02}", year.rem_euclid(100)))
        .replace("{month}", &format!("{month:02}"))
        .replace("{seq}", &seq.to_string())
}

/// An acknowledgement's secretariat number and date, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypedReference {
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
}

/// Reads the number and date an acknowledgement gives (`today` is the
/// Tehran day): the number normalised (ASCII digits, one space between
/// words), at most [`REFERENCE_MAX`] characters; the date in the Jalali or
/// Gregorian calendar, not after today, and only with a number. With a
/// number and no date, the number is of today.
pub fn read_typed(
    number: Option<&str>,
    date: Option<&str>,
    today: NaiveDate,
) -> Result<TypedReference, Vec<FieldError>> {
    let mut e = Errors::default();
    let number = number
        .map(|n| ascii_digits(&normalize_text(n)))
        .filter(|n| !n.is_empty());
    if number
        .as_ref()
        .is_some_and(|n| n.chars().count() > REFERENCE_MAX)
    {
        e.add_limit("agency_reference", ErrorCode::TooLong, REFERENCE_MAX);
    }
    let date = match date.map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(typed) => match crate::jalali::parse_date(typed) {
            Err(why) => {
                e.add("agency_reference_date", why.code());
                None
            }
            Ok(day) if day > today => {
                e.add("agency_reference_date", ErrorCode::DateInFuture);
                None
            }
            Ok(day) => Some(day),
        },
    };
    if number.is_none() && date.is_some() {
        e.add("agency_reference", ErrorCode::Required);
    }
    let date = number.as_ref().map(|_| date.unwrap_or(today));
    e.finish(TypedReference { number, date })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    fn pattern(p: &str) -> Result<String, Vec<FieldError>> {
        let mut e = Errors::default();
        let p = validate_pattern(&mut e, "reference_pattern", p);
        e.finish(p)
    }

    #[test]
    fn a_pattern_numbers_by_the_jalali_year() {
        let p = pattern("{year}/ورودی/{seq}").expect("valid");
        // 2 Dec 2026 is 11 Azar 1405.
        assert_eq!(render(&p, day(2026, 12, 2), 17), "1405/ورودی/17");
        assert_eq!(render("{yy}{month}-{seq}", day(2026, 12, 2), 3), "0509-3");
        assert_eq!(counter_year(day(2027, 3, 20)), 1405);
        assert_eq!(counter_year(day(2027, 3, 21)), 1406);
        assert_eq!(pattern("  ۱۴/{seq} ").expect("digits"), "14/{seq}");
    }

    #[test]
    fn a_pattern_needs_one_seq_and_known_placeholders() {
        let codes = |p: &str| -> Vec<ErrorCode> {
            pattern(p)
                .expect_err(p)
                .into_iter()
                .map(|e| e.code)
                .collect()
        };
        assert_eq!(codes("{year}"), [ErrorCode::PatternSeq]);
        assert_eq!(codes("{seq}/{seq}"), [ErrorCode::PatternSeq]);
        assert_eq!(codes("{date}/{seq}"), [ErrorCode::TemplatePlaceholder]);
        assert_eq!(codes("{seq"), [ErrorCode::TemplateUnclosed]);
        assert_eq!(codes(&"x".repeat(41)), [ErrorCode::TooLong]);
    }

    #[test]
    fn a_typed_number_is_of_today_unless_dated() {
        let today = day(2026, 12, 2);
        let typed = read_typed(Some(" ۱۴۰۵/۴۵/۱۲۳۴ "), None, today).expect("valid");
        assert_eq!(typed.number.as_deref(), Some("1405/45/1234"));
        assert_eq!(typed.date, Some(today));
        let dated = read_typed(Some("12"), Some("۱۴۰۵/۰۹/۰۸"), today).expect("valid");
        assert_eq!(dated.date, Some(day(2026, 11, 29)));
        assert_eq!(read_typed(None, None, today), Ok(TypedReference::default()));
    }

    #[test]
    fn a_date_must_be_past_and_belong_to_a_number() {
        let today = day(2026, 12, 2);
        let fields = |n: Option<&str>, d: Option<&str>| -> Vec<(String, ErrorCode)> {
            read_typed(n, d, today)
                .expect_err("invalid")
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        let date = "agency_reference_date".to_owned();
        assert_eq!(
            fields(Some("1"), Some("1405/09/12")),
            [(date.clone(), ErrorCode::DateInFuture)]
        );
        assert_eq!(
            fields(Some("1"), Some("1405/13/01")),
            [(date.clone(), ErrorCode::DateNoSuchDay)]
        );
        assert_eq!(
            fields(Some("1"), Some("دیروز")),
            [(date, ErrorCode::DateFormat)]
        );
        assert_eq!(
            fields(None, Some("1405/09/01")),
            [("agency_reference".to_owned(), ErrorCode::Required)]
        );
    }
}
