//! CSV exports for people who open them in Excel or LibreOffice: UTF-8 with
//! a byte-order mark (so Excel reads Persian), CRLF line ends, Persian
//! headers and words, each date twice: Jalali in Tehran time, and ISO 8601.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::inbox::InboxItem;
use crate::letters::LetterSummary;

/// Starts every export: Excel reads the file as UTF-8 only with it.
pub const BOM: &str = "\u{feff}";

/// The columns of a letters export.
pub const LETTER_COLUMNS: [&str; 15] = [
    "کد رهگیری",
    "وضعیت",
    "متقاضی",
    "کد ملی / شناسه ملی",
    "موضوع",
    "فوریت",
    "دستگاه گیرنده",
    "دستگاه فعلی",
    "دفتر پیشخوان",
    "تاریخ ثبت",
    "تاریخ ثبت (ISO)",
    "مهلت پاسخ",
    "مهلت پاسخ (ISO)",
    "دیرکرد",
    "شناسه",
];

/// The columns of an inbox export.
pub const INBOX_COLUMNS: [&str; 13] = [
    "کد رهگیری",
    "وضعیت",
    "متقاضی",
    "موضوع",
    "فوریت",
    "ارجاع از",
    "تاریخ تحویل",
    "تاریخ تحویل (ISO)",
    "مهلت پاسخ",
    "مهلت پاسخ (ISO)",
    "دیرکرد",
    "شمارهٔ ثبت دبیرخانه",
    "نوع",
];

/// One field: quoted when it holds a comma, a quote or a line break; a text
/// that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is
/// kept as text with a leading `'` (OWASP's advice against CSV injection:
/// subjects and names are typed by the public).
pub fn field(value: &str) -> Cow<'_, str> {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quoted = value.contains([',', '"', '\n', '\r']);
    if !formula && !quoted {
        return Cow::Borrowed(value);
    }
    let text = if formula {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    };
    if quoted {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        text
    }
}

/// One line of fields, CRLF-terminated.
pub fn line<S: AsRef<str>>(fields: &[S]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f.as_ref()).into_owned())
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// A moment in Tehran time on the Jalali calendar: `1405/09/11 14:30`.
pub fn jalali(at: DateTime<Utc>) -> String {
    let local = at.naive_utc() + crate::sla::tehran_offset();
    let (y, m, d) = crate::jalali::from_gregorian(local.date());
    format!("{y}/{m:02}/{d:02} {}", local.format("%H:%M"))
}

fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn yes_no(yes: bool) -> &'static str {
    if yes {
        "بله"
    } else {
        "خیر"
    }
}

/// A letters-list row as an export line.
pub fn letter_line(l: &LetterSummary) -> String {
    line(&[
        crate::tracking::display(&l.tracking_code),
        l.status.persian().to_owned(),
        l.applicant_name.clone(),
        l.applicant_national_id.clone(),
        l.subject.clone(),
        l.priority.persian().to_owned(),
        l.recipient_agency_name.clone(),
        l.holder_agency_name.clone(),
        l.counter_office_name.clone(),
        jalali(l.created_at),
        iso(l.created_at),
        l.due_at.map(jalali).unwrap_or_default(),
        l.due_at.map(iso).unwrap_or_default(),
        yes_no(l.overdue).to_owned(),
        l.id.to_string(),
    ])
}

/// An inbox item as an export line.
pub fn inbox_line(i: &InboxItem) -> String {
    let l = &i.letter;
    line(&[
        crate::tracking::display(&l.tracking_code),
        l.status.persian().to_owned(),
        l.applicant.display_name(),
        l.subject.clone(),
        l.priority.persian().to_owned(),
        i.from_agency_name
            .clone()
            .unwrap_or_else(|| l.counter_office_name.clone()),
        jalali(i.delivered_at),
        iso(i.delivered_at),
        jalali(i.due_at),
        iso(i.due_at),
        yes_no(i.overdue).to_owned(),
        i.agency_reference.clone().unwrap_or_default(),
        if i.copy { "رونوشت" } else { "اصل" }.to_owned(),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_kept_as_text() {
        assert_eq!(field("قطعی آب"), "قطعی آب");
        assert_eq!(field("آب، برق, گاز"), "\"آب، برق, گاز\"");
        assert_eq!(field("گفت \"فوری\""), "\"گفت \"\"فوری\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(line(&["a", "b\nc"]), "a,\"b\nc\"\r\n");
    }

    #[test]
    fn dates_are_jalali_in_tehran_and_iso() {
        let at = DateTime::parse_from_rfc3339("2026-12-01T11:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(jalali(at), "1405/09/10 14:30");
        assert_eq!(iso(at), "2026-12-01T11:00:00Z");
    }
}
