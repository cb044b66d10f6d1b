//! The Solar Hijri (Jalali) calendar: for texts the server writes (SMS), and
//! for dates people type (the holiday calendar). The SPA shows dates with the
//! browser's `Intl`.

use chrono::{Datelike, NaiveDate};

/// (year, month, day) in the Jalali calendar of a Gregorian date.
pub fn from_gregorian(date: NaiveDate) -> (i32, u32, u32) {
    // The well-known arithmetic conversion (valid for 1600–3000 CE).
    let (gy, gm, gd) = (date.year(), date.month() as i32, date.day() as i32);
    const G_DAYS: [i32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let gy2 = if gm > 2 { gy + 1 } else { gy };
    let mut days = 355_666 + 365 * gy + (gy2 + 3) / 4 - (gy2 + 99) / 100
        + (gy2 + 399) / 400
        + gd
        + G_DAYS[(gm - 1) as usize];
    let mut jy = -1595 + 33 * (days / 12_053);
    days %= 12_053;
    jy += 4 * (days / 1461);
    days %= 1461;
    if days > 365 {
        jy += (days - 1) / 365;
        days = (days - 1) % 365;
    }
    let (jm, jd) = if days < 186 {
        (1 + days / 31, 1 + days % 31)
    } else {
        (7 + (days - 186) / 30, 1 + (days - 186) % 30)
    };
    (jy, jm as u32, jd as u32)
}

/// The Gregorian date of a Jalali (year, month, day), or `None` when there is
/// no such day (month 13, Mehr 31, Esfand 30 of a common year…).
pub fn to_gregorian(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || day == 0 || day > 31 {
        return None;
    }
    // The inverse of `from_gregorian`'s arithmetic (valid for 1600–3000 CE).
    let (jy, jm, jd) = (year + 1595, month as i32, day as i32);
    let mut days = -355_668
        + 365 * jy
        + (jy / 33) * 8
        + ((jy % 33) + 3) / 4
        + jd
        + if jm < 7 {
            (jm - 1) * 31
        } else {
            (jm - 7) * 30 + 186
        };
    let mut gy = 400 * (days / 146_097);
    days %= 146_097;
    if days > 36_524 {
        days -= 1;
        gy += 100 * (days / 36_524);
        days %= 36_524;
        if days >= 365 {
            days += 1;
        }
    }
    gy += 4 * (days / 1461);
    days %= 1461;
    if days > 365 {
        gy += (days - 1) / 365;
        days = (days - 1) % 365;
    }
    let mut gd = days + 1;
    let leap = (gy % 4 == 0 && gy % 100 != 0) || gy % 400 == 0;
    let lengths = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut gm = 1;
    for length in lengths {
        if gd <= length {
            break;
        }
        gd -= length;
        gm += 1;
    }
    let date = NaiveDate::from_ymd_opt(gy, gm, gd as u32)?;
    // Day 31 of a 30-day month (or Esfand 30 of a common year) lands on the
    // next month: refuse it rather than move it.
    (from_gregorian(date) == (year, month, day)).then_some(date)
}

/// Why a typed date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Not three numbers (year, month, day).
    Format,
    /// Three numbers, but not a day of the calendar.
    NoSuchDay,
}

impl DateError {
    pub fn code(self) -> crate::ErrorCode {
        match self {
            DateError::Format => crate::ErrorCode::DateFormat,
            DateError::NoSuchDay => crate::ErrorCode::DateNoSuchDay,
        }
    }
}

/// A date as people type it: `۱۴۰۵/۱۲/۲۵`, `1405-12-25` or `1405.12.25`
/// (Persian, Arabic-Indic or ASCII digits) in the Jalali calendar; a year
/// from 1700 on is read as Gregorian (`2027-03-16`), so ISO dates work too.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let ascii = crate::normalize::ascii_digits(input);
    let parts: Vec<&str> = ascii
        .split(['/', '-', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(DateError::Format);
    };
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<i32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return Err(DateError::Format);
    };
    let date = if year >= 1700 {
        NaiveDate::from_ymd_opt(year, month, day)
    } else {
        to_gregorian(year, month, day)
    };
    date.ok_or(DateError::NoSuchDay)
}

const MONTHS: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

/// `۷ آذر ۱۴۰۵`: a day as Persian readers write it.
pub fn format_persian(date: NaiveDate) -> String {
    let (y, m, d) = from_gregorian(date);
    let month = MONTHS
        .get((m as usize).saturating_sub(1))
        .copied()
        .unwrap_or_default();
    crate::sms::persian_digits(&format!("{d} {month} {y}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn known_days_convert() {
        assert_eq!(from_gregorian(d(2026, 3, 21)), (1405, 1, 1));
        assert_eq!(from_gregorian(d(2026, 11, 28)), (1405, 9, 7));
        assert_eq!(from_gregorian(d(2027, 2, 11)), (1405, 11, 22));
        assert_eq!(from_gregorian(d(2025, 3, 20)), (1403, 12, 30));
        assert_eq!(format_persian(d(2026, 11, 28)), "۷ آذر ۱۴۰۵");
    }

    #[test]
    fn every_day_of_a_century_round_trips() {
        let mut day = d(1990, 1, 1);
        while day < d(2090, 1, 1) {
            let (y, m, dd) = from_gregorian(day);
            assert_eq!(to_gregorian(y, m, dd), Some(day), "{day} = {y}/{m}/{dd}");
            day = day.succ_opt().expect("next day");
        }
    }

    #[test]
    fn days_outside_the_calendar_are_refused() {
        assert_eq!(to_gregorian(1405, 1, 1), Some(d(2026, 3, 21)));
        assert_eq!(
            to_gregorian(1403, 12, 30),
            Some(d(2025, 3, 20)),
            "1403 is a leap year"
        );
        assert_eq!(to_gregorian(1404, 12, 30), None, "1404 is not");
        assert_eq!(to_gregorian(1405, 7, 31), None, "Mehr has 30 days");
        assert_eq!(to_gregorian(1405, 6, 31), Some(d(2026, 9, 22)));
        assert_eq!(to_gregorian(1405, 13, 1), None);
        assert_eq!(to_gregorian(1405, 1, 0), None);
    }

    #[test]
    fn typed_dates_accept_persian_digits_and_iso() {
        assert_eq!(parse_date("۱۴۰۵/۱۲/۲۵"), Ok(d(2027, 3, 16)));
        assert_eq!(parse_date(" 1405-12-25 "), Ok(d(2027, 3, 16)));
        assert_eq!(parse_date("١٤٠٥.١٢.٢٥"), Ok(d(2027, 3, 16)));
        assert_eq!(parse_date("2027-03-16"), Ok(d(2027, 3, 16)));
        assert_eq!(parse_date("1405/12"), Err(DateError::Format));
        assert_eq!(parse_date("فردا"), Err(DateError::Format));
        assert_eq!(parse_date("1404/12/30"), Err(DateError::NoSuchDay));
        assert_eq!(parse_date("2027-02-30"), Err(DateError::NoSuchDay));
    }
}
