//! Due dates from an agency's SLA: calendar days, or working days that skip
//! Fridays (the Iranian weekend) and official holidays. Days are counted in
//! Tehran time (UTC+03:30, no daylight saving since 2022).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

/// Tehran's offset from UTC.
pub fn tehran_offset() -> Duration {
    Duration::minutes(3 * 60 + 30)
}

/// The due time of a delivery made at `start` (UTC): `days` days later, at
/// the same time of day; with `working_days`, only days that are neither a
/// Friday nor a holiday count.
pub fn due_date(
    start: NaiveDateTime,
    days: i32,
    working_days: bool,
    is_holiday: impl Fn(NaiveDate) -> bool,
) -> NaiveDateTime {
    if !working_days {
        return start + Duration::days(i64::from(days));
    }
    let local = start + tehran_offset();
    let mut day = local.date();
    let mut counted = 0;
    while counted < days {
        day = day.succ_opt().unwrap_or(day);
        if day.weekday() != Weekday::Fri && !is_holiday(day) {
            counted += 1;
        }
    }
    day.and_time(local.time()) - tehran_offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn calendar_days_just_add() {
        assert_eq!(
            due_date(at(2026, 11, 28, 6), 7, false, |_| false),
            at(2026, 12, 5, 6)
        );
    }

    #[test]
    fn working_days_skip_fridays_and_holidays() {
        // Saturday 28 Nov 2026, 06:00 UTC (09:30 in Tehran). Three working days:
        // Sun 29, Mon 30, Tue 1 Dec.
        assert_eq!(
            due_date(at(2026, 11, 28, 6), 3, true, |_| false),
            at(2026, 12, 1, 6)
        );
        // Six working days cross Friday 4 Dec: Sun, Mon, Tue, Wed, Thu, (Fri), Sat 5 Dec.
        assert_eq!(
            due_date(at(2026, 11, 28, 6), 6, true, |_| false),
            at(2026, 12, 5, 6)
        );
        // A holiday on Monday 30 Nov pushes it one more day.
        let holiday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        assert_eq!(
            due_date(at(2026, 11, 28, 6), 3, true, |d| d == holiday),
            at(2026, 12, 2, 6)
        );
    }

    #[test]
    fn days_are_counted_in_tehran_time() {
        // 22:00 UTC Thursday is already Friday 01:30 in Tehran: one working day later is
        // Saturday 01:30 in Tehran, which is Friday 22:00 UTC.
        assert_eq!(
            due_date(at(2026, 12, 3, 22), 1, true, |_| false),
            at(2026, 12, 4, 22)
        );
    }
}
