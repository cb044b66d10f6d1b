//! CSV exports for people who open them in Excel or LibreOffice: UTF-8 with
//! a byte-order mark (so Excel reads Persian), CRLF line ends, Persian
//! headers and words, each date twice: Jalali in Tehran time, and ISO 8601.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::inbox::InboxItem;
use crate::letters::LetterSummary;
use crate::reports::Summary;

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
    format!("{} {}", jalali_day(local.date()), local.format("%H:%M"))
}

/// A day on the Jalali calendar: `1405/09/11`.
fn jalali_day(day: chrono::NaiveDate) -> String {
    let (y, m, d) = crate::jalali::from_gregorian(day);
    format!("{y}/{m:02}/{d:02}")
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

/// The tables of the dashboard, each exported on its own (a spreadsheet
/// holds one table per file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardTable {
    /// Registrations and answers per Tehran day of the period.
    Days,
    /// Each agency's backlog and answers.
    Agencies,
    /// Each counter office's registrations.
    Offices,
    /// The period's letters by their status now.
    Statuses,
}

impl DashboardTable {
    pub const ALL: [DashboardTable; 4] = [
        DashboardTable::Days,
        DashboardTable::Agencies,
        DashboardTable::Offices,
        DashboardTable::Statuses,
    ];

    pub fn parse(name: &str) -> Option<DashboardTable> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            DashboardTable::Days => "days",
            DashboardTable::Agencies => "agencies",
            DashboardTable::Offices => "offices",
            DashboardTable::Statuses => "statuses",
        }
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            DashboardTable::Days => &["تاریخ", "تاریخ (ISO)", "ثبت شده", "پاسخ داده شده"],
            DashboardTable::Agencies => &[
                "دستگاه",
                "کد دستگاه",
                "باز",
                "دیرکرد",
                "پاسخ در دوره",
                "میانهٔ زمان پاسخ (ساعت)",
                "پاسخ به‌موقع (درصد)",
            ],
            DashboardTable::Offices => &["دفتر پیشخوان", "کد دفتر", "ثبت شده"],
            DashboardTable::Statuses => &["وضعیت", "تعداد"],
        }
    }

    /// The table's header row and rows, in the dashboard's order.
    pub fn csv(self, s: &Summary) -> String {
        let mut out = line(self.columns());
        let rows: Vec<Vec<String>> = match self {
            DashboardTable::Days => s
                .per_day
                .iter()
                .map(|d| {
                    vec![
                        jalali_day(d.date),
                        d.date.to_string(),
                        d.registered.to_string(),
                        d.answered.to_string(),
                    ]
                })
                .collect(),
            DashboardTable::Agencies => s
                .by_agency
                .iter()
                .map(|a| {
                    vec![
                        a.agency_name.clone(),
                        a.agency_code.clone(),
                        a.open.to_string(),
                        a.overdue.to_string(),
                        a.answered.to_string(),
                        a.median_answer_hours.map(one_decimal).unwrap_or_default(),
                        a.on_time_percent.map(one_decimal).unwrap_or_default(),
                    ]
                })
                .collect(),
            DashboardTable::Offices => s
                .by_office
                .iter()
                .map(|o| {
                    vec![
                        o.counter_office_name.clone(),
                        o.counter_office_code.clone(),
                        o.registered.to_string(),
                    ]
                })
                .collect(),
            DashboardTable::Statuses => s
                .by_status
                .iter()
                .map(|c| vec![c.status.persian().to_owned(), c.count.to_string()])
                .collect(),
        };
        for row in rows {
            out.push_str(&line(&row));
        }
        out
    }
}

fn one_decimal(x: f64) -> String {
    format!("{x:.1}")
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

    #[test]
    fn each_dashboard_table_is_a_sheet_of_its_own() {
        use crate::reports::{summarize_aggregates, AgencyAnswers, Aggregates};
        use crate::workflow::Status;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let mut answers = AgencyAnswers::new("water".into());
        answers.add(2.0, true, 3);
        answers.add(30.0, false, 1);
        let mut summary = summarize_aggregates(
            &Aggregates {
                registered_per_day: vec![(day, 6)],
                registered_by_status: vec![(Status::Answered, 4), (Status::Delivered, 2)],
                registered_by_office: vec![("bnd-1021".into(), 6)],
                answered: vec![(day, 4)],
                answers: vec![answers],
                backlog: vec![("water".into(), 2, 1)],
            },
            day,
            day,
        );
        summary.by_agency[0].agency_name = "آب و فاضلاب".into();
        summary.by_office[0].counter_office_name = "دفتر بندر".into();
        assert_eq!(
            DashboardTable::Days.csv(&summary),
            "تاریخ,تاریخ (ISO),ثبت شده,پاسخ داده شده\r\n1405/09/10,2026-12-01,6,4\r\n"
        );
        let agencies = DashboardTable::Agencies.csv(&summary);
        let row = agencies.lines().nth(1).expect("a row");
        assert!(row.starts_with("آب و فاضلاب,water,2,1,4,"), "{row}");
        assert!(row.ends_with(",75.0"), "three of four on time: {row}");
        assert_eq!(
            DashboardTable::Offices.csv(&summary).lines().nth(1),
            Some("دفتر بندر,bnd-1021,6")
        );
        let statuses = DashboardTable::Statuses.csv(&summary);
        assert!(statuses.contains("\r\nپاسخ داده شده,4\r\n"), "{statuses}");
        for name in ["days", "agencies", "offices", "statuses"] {
            assert_eq!(
                DashboardTable::parse(name).map(DashboardTable::name),
                Some(name)
            );
        }
    }
}
