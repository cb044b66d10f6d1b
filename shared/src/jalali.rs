//! The Solar Hijri (Jalali) calendar, for texts the server writes (SMS).
//! The SPA uses the browser's `Intl` instead.

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
}
