//! The dashboard's figures, computed from plain rows so that the arithmetic
//! (Tehran calendar days, medians, on-time shares, the backlog) is tested
//! here without a database and is the same for SQLite and PostgreSQL.
//!
//! Two views of the letters in the caller's scope:
//! - the **period** (`from..=to`, Tehran calendar days): what was registered,
//!   how it was answered and how fast, per day, per agency and per office;
//! - the **backlog** now: open letters and overdue ones, per agency,
//!   whenever they were registered.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::sla::tehran_offset;
use crate::workflow::Status;

/// Longest period one report covers.
pub const MAX_DAYS: i64 = 366;

/// One letter, as much of it as the figures need.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub status: Status,
    pub counter_office_code: String,
    /// The agency the letter is with now.
    pub holder_agency_code: String,
    /// The agency that answered, if any.
    pub answer_agency_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

impl ReportRow {
    fn is_open(&self) -> bool {
        self.status.awaits_agency()
    }

    fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.is_open() && self.due_at.is_some_and(|due| due < now)
    }

    fn answer_hours(&self) -> Option<f64> {
        self.answered_at
            .map(|at| (at - self.created_at).num_seconds() as f64 / 3600.0)
    }

    fn answered_on_time(&self) -> Option<bool> {
        match (self.answered_at, self.due_at) {
            (Some(at), Some(due)) => Some(at <= due),
            (Some(_), None) => Some(true),
            _ => None,
        }
    }
}

/// The calendar day in Tehran of a UTC instant.
pub fn tehran_day(at: DateTime<Utc>) -> NaiveDate {
    (at.naive_utc() + tehran_offset()).date()
}

/// The UTC instants that bound the Tehran days `from..=to`: `[start, end)`.
pub fn utc_bounds(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default() - tehran_offset();
    let end = to.and_hms_opt(0, 0, 0).unwrap_or_default() + Duration::days(1) - tehran_offset();
    (start.and_utc(), end.and_utc())
}

/// How long after a Tehran day ends its figures are taken as final: longer
/// than any write transaction stamped within the day can take to commit,
/// than a hot standby may lag, and than the clocks of two instances may
/// differ.
pub const SETTLE_AFTER: Duration = Duration::minutes(15);

/// The last Tehran day that ended at least [`SETTLE_AFTER`] before `now`:
/// no step taken from now on is stamped with it or any day before it.
pub fn last_settled_day(now: DateTime<Utc>) -> NaiveDate {
    tehran_day(now - SETTLE_AFTER) - Duration::days(1)
}

/// A period, checked: `to` defaults to today (Tehran) and `from` to 29 days
/// before `to`; `from` may not be after `to`, nor the period longer than
/// [`MAX_DAYS`]. Errors name the query parameter.
pub fn period(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<(NaiveDate, NaiveDate), crate::FieldError> {
    let to = to.unwrap_or_else(|| tehran_day(now));
    let from = from.unwrap_or(to - Duration::days(29));
    if from > to {
        return Err(crate::FieldError::new(
            "from",
            crate::ErrorCode::PeriodReversed,
        ));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        let most = crate::ErrorCode::PeriodTooLong;
        return Err(crate::FieldError::limit("from", most, MAX_DAYS));
    }
    Ok((from, to))
}

/// Letters per status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: Status,
    pub count: u32,
}

/// One Tehran calendar day of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayCount {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-28"))]
    pub date: NaiveDate,
    /// Letters registered that day.
    pub registered: u32,
    /// Answers given that day (to letters of any registration date).
    pub answered: u32,
}

/// One agency's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyFigures {
    pub agency_code: String,
    pub agency_name: String,
    /// Letters it holds now, waiting for it (delivered or received).
    pub open: u32,
    /// Of those, past their due date.
    pub overdue: u32,
    /// Answers it gave in the period.
    pub answered: u32,
    /// Median hours from registration to its answer, over those answers.
    pub median_answer_hours: Option<f64>,
    /// Share of those answers given by the due date, in percent.
    pub on_time_percent: Option<f64>,
}

/// One counter office's registrations in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeFigures {
    pub counter_office_code: String,
    pub counter_office_name: String,
    pub registered: u32,
}

/// The dashboard: the period's figures and today's backlog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// First day of the period (Tehran calendar, inclusive).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-10-30"))]
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-28"))]
    pub to: NaiveDate,
    /// Letters registered in the period.
    pub registered: u32,
    /// Answers given in the period.
    pub answered: u32,
    /// Median hours from registration to answer, over the period's answers.
    pub median_answer_hours: Option<f64>,
    /// Share of the period's answers given by the due date, in percent.
    pub on_time_percent: Option<f64>,
    /// Letters registered in the period, by their status now.
    pub by_status: Vec<StatusCount>,
    /// Every day of the period, oldest first.
    pub per_day: Vec<DayCount>,
    /// Open letters now, whenever registered.
    pub open: u32,
    /// Of those, past their due date.
    pub overdue: u32,
    /// Agencies with open letters or answers in the period; most open first.
    pub by_agency: Vec<AgencyFigures>,
    /// Offices that registered letters in the period; most first.
    pub by_office: Vec<OfficeFigures>,
}

/// What the figures are computed from: counts the database aggregates with
/// `GROUP BY` (no letter is loaded one by one), or [`Aggregates::from_rows`]
/// computes from plain rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aggregates {
    /// Letters registered in the period per Tehran day, whatever their status.
    pub registered_per_day: Vec<(NaiveDate, u32)>,
    /// Letters registered in the period by their status now.
    pub registered_by_status: Vec<(Status, u32)>,
    /// Letters registered in the period per counter office code.
    pub registered_by_office: Vec<(String, u32)>,
    /// Answers given in the period per Tehran day.
    pub answered: Vec<(NaiveDate, u32)>,
    /// Answers given in the period per answering agency.
    pub answers: Vec<AgencyAnswers>,
    /// Open letters now per holding agency code: (code, open, overdue).
    pub backlog: Vec<(String, u32, u32)>,
}

/// An agency's answers in the period: how many, how many by the due date,
/// and how fast (answers per [`answer_bucket`] of hours).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgencyAnswers {
    pub agency_code: String,
    pub answered: u32,
    pub on_time: u32,
    pub hours: Vec<(f64, u32)>,
}

impl AgencyAnswers {
    pub fn new(agency_code: String) -> AgencyAnswers {
        AgencyAnswers {
            agency_code,
            ..AgencyAnswers::default()
        }
    }

    /// Adds `count` answers given in `hours` (already bucketed).
    pub fn add(&mut self, hours: f64, on_time: bool, count: u32) {
        self.answered += count;
        if on_time {
            self.on_time += count;
        }
        self.hours.push((hours, count));
    }
}

/// Answer speeds are kept to a tenth of an hour below ten hours and to the
/// hour above, so an agency's year of answers is a few hundred groups and
/// its median is still exact to the precision the dashboard shows.
/// (Rounded as `floor(x + 0.5)`, which the databases compute the same way;
/// their `ROUND` breaks ties differently.)
pub fn answer_bucket(hours: f64) -> f64 {
    let tenths = (hours * 10.0 + 0.5).floor();
    if tenths < 100.0 {
        tenths / 10.0
    } else {
        (tenths / 10.0 + 0.5).floor()
    }
}

impl Aggregates {
    /// The aggregates of plain rows (letters outside the period still count
    /// for the backlog when open).
    pub fn from_rows(
        rows: &[ReportRow],
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Aggregates {
        let in_period = |at: DateTime<Utc>| (from..=to).contains(&tehran_day(at));
        let mut registered: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        let mut by_status: BTreeMap<&str, (Status, u32)> = BTreeMap::new();
        let mut offices: BTreeMap<&str, u32> = BTreeMap::new();
        let mut answered: BTreeMap<NaiveDate, u32> = BTreeMap::new();
        let mut backlog: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        let mut answers: BTreeMap<&str, AgencyAnswers> = BTreeMap::new();
        for row in rows {
            if in_period(row.created_at) {
                *registered.entry(tehran_day(row.created_at)).or_default() += 1;
                by_status
                    .entry(row.status.as_str())
                    .or_insert((row.status, 0))
                    .1 += 1;
                *offices.entry(&row.counter_office_code).or_default() += 1;
            }
            if let (Some(at), Some(code), Some(hours)) =
                (row.answered_at, &row.answer_agency_code, row.answer_hours())
            {
                if in_period(at) {
                    *answered.entry(tehran_day(at)).or_default() += 1;
                    answers
                        .entry(code)
                        .or_insert_with(|| AgencyAnswers::new(code.clone()))
                        .add(
                            answer_bucket(hours),
                            row.answered_on_time().unwrap_or(true),
                            1,
                        );
                }
            }
            if row.is_open() {
                let entry = backlog.entry(&row.holder_agency_code).or_default();
                entry.0 += 1;
                entry.1 += u32::from(row.is_overdue(now));
            }
        }
        Aggregates {
            registered_per_day: registered.into_iter().collect(),
            registered_by_status: by_status.into_values().collect(),
            registered_by_office: offices
                .into_iter()
                .map(|(c, n)| (c.to_owned(), n))
                .collect(),
            answered: answered.into_iter().collect(),
            answers: answers.into_values().collect(),
            backlog: backlog
                .into_iter()
                .map(|(c, (open, overdue))| (c.to_owned(), open, overdue))
                .collect(),
        }
    }
}

/// The median of weighted values, to a tenth.
fn median(values: &[(f64, u32)]) -> Option<f64> {
    let total: u64 = values.iter().map(|(_, n)| u64::from(*n)).sum();
    if total == 0 {
        return None;
    }
    let sorted: Vec<(f64, u64)> = if values.is_sorted_by(|a, b| a.0 <= b.0) {
        values.iter().map(|(v, n)| (*v, u64::from(*n))).collect()
    } else if let Some(counted) = by_tenths(values) {
        counted
    } else {
        let mut sorted: Vec<(f64, u64)> = values.iter().map(|(v, n)| (*v, u64::from(*n))).collect();
        sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        sorted
    };
    // The value at (0-based) position `k` of the expanded list.
    let at = |k: u64| {
        let mut seen = 0u64;
        for (value, n) in &sorted {
            seen += n;
            if k < seen {
                return *value;
            }
        }
        sorted.last().map_or(0.0, |v| v.0)
    };
    let median = if total.is_multiple_of(2) {
        (at(total / 2 - 1) + at(total / 2)) / 2.0
    } else {
        at(total / 2)
    };
    Some((median * 10.0).round() / 10.0)
}

/// Most tenths of an hour [`by_tenths`] counts in slots (about 14 months).
const MOST_TENTHS: f64 = 100_000.0;

/// Weighted values counted per tenth, ascending, when every value is a
/// whole number of tenths (answer times are: [`answer_bucket`]). Many
/// agencies' histograms, one after the other, are then added up in one pass
/// instead of sorted (a year of a province: some 16,000 pairs).
fn by_tenths(values: &[(f64, u32)]) -> Option<Vec<(f64, u64)>> {
    let mut slots: Vec<u64> = Vec::new();
    for (value, n) in values {
        let tenths = (value * 10.0).round();
        if !(0.0..MOST_TENTHS).contains(&tenths) || tenths / 10.0 != *value {
            return None;
        }
        // In range and whole: the cast is exact.
        let slot = tenths as usize;
        if slot >= slots.len() {
            slots.resize(slot + 1, 0);
        }
        slots[slot] += u64::from(*n);
    }
    Some(
        slots
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(slot, n)| (slot as f64 / 10.0, *n))
            .collect(),
    )
}

fn on_time_percent(answers: &[&AgencyAnswers]) -> Option<f64> {
    let judged: u32 = answers.iter().map(|a| a.answered).sum();
    if judged == 0 {
        return None;
    }
    let on_time: u32 = answers.iter().map(|a| a.on_time).sum();
    Some((f64::from(on_time) * 1000.0 / f64::from(judged)).round() / 10.0)
}

fn speeds(answers: &[&AgencyAnswers]) -> Vec<(f64, u32)> {
    answers
        .iter()
        .flat_map(|a| a.hours.iter().copied())
        .collect()
}

/// The figures of `rows` for the Tehran days `from..=to`, as of `now` (see
/// [`summarize_aggregates`]).
pub fn summarize(
    rows: &[ReportRow],
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Summary {
    summarize_aggregates(&Aggregates::from_rows(rows, from, to, now), from, to)
}

/// The figures for the Tehran days `from..=to`. Names are left empty for
/// the caller to fill from the directory.
pub fn summarize_aggregates(a: &Aggregates, from: NaiveDate, to: NaiveDate) -> Summary {
    let mut per_day: BTreeMap<NaiveDate, DayCount> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        per_day.insert(
            day,
            DayCount {
                date: day,
                registered: 0,
                answered: 0,
            },
        );
        day += Duration::days(1);
    }
    for (day, n) in &a.registered_per_day {
        if let Some(d) = per_day.get_mut(day) {
            d.registered += n;
        }
    }
    for (day, n) in &a.answered {
        if let Some(d) = per_day.get_mut(day) {
            d.answered += n;
        }
    }

    let by_status = Status::ALL
        .iter()
        .map(|status| StatusCount {
            status: *status,
            count: a
                .registered_by_status
                .iter()
                .filter(|(s, _)| s == status)
                .map(|(_, n)| n)
                .sum(),
        })
        .collect();

    let mut agencies: BTreeMap<&str, (u32, u32, Vec<&AgencyAnswers>)> = BTreeMap::new();
    for (code, open, overdue) in &a.backlog {
        let entry = agencies.entry(code).or_default();
        entry.0 += open;
        entry.1 += overdue;
    }
    for answers in &a.answers {
        agencies
            .entry(&answers.agency_code)
            .or_default()
            .2
            .push(answers);
    }
    let mut by_agency: Vec<AgencyFigures> = agencies
        .into_iter()
        .map(|(code, (open, overdue, answered))| AgencyFigures {
            agency_code: code.to_owned(),
            agency_name: String::new(),
            open,
            overdue,
            answered: answered.iter().map(|t| t.answered).sum(),
            median_answer_hours: median(&speeds(&answered)),
            on_time_percent: on_time_percent(&answered),
        })
        .collect();
    by_agency.sort_by(|a, b| {
        (b.open, b.overdue, b.answered)
            .cmp(&(a.open, a.overdue, a.answered))
            .then_with(|| a.agency_code.cmp(&b.agency_code))
    });

    let mut by_office: Vec<OfficeFigures> = a
        .registered_by_office
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(code, registered)| OfficeFigures {
            counter_office_code: code.clone(),
            counter_office_name: String::new(),
            registered: *registered,
        })
        .collect();
    by_office.sort_by(|a, b| {
        b.registered
            .cmp(&a.registered)
            .then_with(|| a.counter_office_code.cmp(&b.counter_office_code))
    });

    let answers: Vec<&AgencyAnswers> = a.answers.iter().collect();
    Summary {
        from,
        to,
        registered: a.registered_by_status.iter().map(|(_, n)| n).sum(),
        answered: a.answered.iter().map(|(_, n)| n).sum(),
        median_answer_hours: median(&speeds(&answers)),
        on_time_percent: on_time_percent(&answers),
        by_status,
        per_day: per_day.into_values().collect(),
        open: a.backlog.iter().map(|(_, open, _)| open).sum(),
        overdue: a.backlog.iter().map(|(_, _, overdue)| overdue).sum(),
        by_agency,
        by_office,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    fn row(status: Status, holder: &str, created: DateTime<Utc>) -> ReportRow {
        ReportRow {
            status,
            counter_office_code: "bnd-1021".into(),
            holder_agency_code: holder.into(),
            answer_agency_code: None,
            created_at: created,
            answered_at: None,
            due_at: Some(created + Duration::days(7)),
        }
    }

    fn answered(holder: &str, created: DateTime<Utc>, hours: i64) -> ReportRow {
        ReportRow {
            answer_agency_code: Some(holder.into()),
            answered_at: Some(created + Duration::hours(hours)),
            ..row(Status::Answered, holder, created)
        }
    }

    #[test]
    fn answer_speeds_keep_a_tenth_below_ten_hours_and_the_hour_above() {
        assert_eq!(answer_bucket(0.04), 0.0);
        assert_eq!(answer_bucket(2.349), 2.3);
        assert_eq!(answer_bucket(9.94), 9.9);
        assert_eq!(answer_bucket(9.96), 10.0);
        assert_eq!(answer_bucket(191.6), 192.0);
    }

    #[test]
    fn the_median_weighs_each_group_by_its_count() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[(5.0, 3), (1.0, 1)]), Some(5.0));
        // Four values 1, 2, 2, 9: the middle two average to 2.
        assert_eq!(median(&[(9.0, 1), (2.0, 2), (1.0, 1)]), Some(2.0));
        assert_eq!(median(&[(1.0, 1), (4.0, 1)]), Some(2.5));
        // Two agencies' histograms, one after the other: 1, 1, 2, 3, 3, 3.
        let agencies = [(1.0, 1), (3.0, 2), (1.0, 1), (2.0, 1), (3.0, 1)];
        assert_eq!(median(&agencies), Some(2.5));
        // Tenths are counted in slots; other values sorted; the same medians.
        let tenths = [(0.3, 2), (12.0, 1), (0.1, 1), (0.3, 1)];
        assert_eq!(
            by_tenths(&tenths),
            Some(vec![(0.1, 1), (0.3, 3), (12.0, 1)])
        );
        assert_eq!(median(&tenths), Some(0.3));
        let odd = [(0.25, 1), (0.05, 1), (0.35, 1)];
        assert_eq!(by_tenths(&odd), None);
        assert_eq!(median(&odd), Some(0.3), "0.25 to a tenth");
    }

    #[test]
    fn days_are_tehran_days() {
        // 21:00 UTC is 00:30 the next day in Tehran.
        assert_eq!(tehran_day(utc(2026, 11, 27, 21, 0)), day(2026, 11, 28));
        assert_eq!(tehran_day(utc(2026, 11, 27, 20, 29)), day(2026, 11, 27));
        let (start, end) = utc_bounds(day(2026, 11, 28), day(2026, 11, 28));
        assert_eq!(start, utc(2026, 11, 27, 20, 30));
        assert_eq!(end, utc(2026, 11, 28, 20, 30));
    }

    #[test]
    fn a_day_is_settled_a_quarter_hour_after_it_ends_in_tehran() {
        // 28 November ends in Tehran at 20:30 UTC.
        assert_eq!(
            last_settled_day(utc(2026, 11, 28, 20, 44)),
            day(2026, 11, 27)
        );
        assert_eq!(
            last_settled_day(utc(2026, 11, 28, 20, 45)),
            day(2026, 11, 28)
        );
        assert_eq!(last_settled_day(utc(2026, 11, 28, 9, 0)), day(2026, 11, 27));
    }

    #[test]
    fn periods_default_to_thirty_days_and_are_bounded() {
        let now = utc(2026, 11, 28, 9, 0);
        assert_eq!(
            period(None, None, now),
            Ok((day(2026, 10, 30), day(2026, 11, 28)))
        );
        assert_eq!(
            period(Some(day(2026, 11, 1)), None, now),
            Ok((day(2026, 11, 1), day(2026, 11, 28)))
        );
        assert_eq!(
            period(Some(day(2026, 11, 29)), None, now).map_err(|e| e.field),
            Err("from".to_owned())
        );
        assert!(period(Some(day(2025, 11, 27)), Some(day(2026, 11, 28)), now).is_err());
        assert!(period(Some(day(2025, 11, 28)), Some(day(2026, 11, 28)), now).is_ok());
    }

    #[test]
    fn the_period_counts_registrations_answers_and_speed() {
        let now = utc(2026, 11, 28, 9, 0);
        let rows = vec![
            row(Status::Delivered, "water", utc(2026, 11, 27, 6, 0)),
            answered("water", utc(2026, 11, 26, 6, 0), 10),
            answered("gas", utc(2026, 11, 25, 6, 0), 30),
            // Registered before the period, answered in it.
            answered("gas", utc(2026, 11, 20, 6, 0), 24 * 6),
            // Registered and answered before the period: only in nothing.
            answered("water", utc(2026, 10, 1, 6, 0), 5),
        ];
        let s = summarize(&rows, day(2026, 11, 25), day(2026, 11, 28), now);
        assert_eq!((s.registered, s.answered), (3, 3));
        assert_eq!(s.median_answer_hours, Some(30.0));
        assert_eq!(s.on_time_percent, Some(100.0));
        assert_eq!(s.per_day.len(), 4);
        assert_eq!(
            s.per_day[0],
            DayCount {
                date: day(2026, 11, 25),
                registered: 1,
                answered: 0
            }
        );
        assert_eq!(
            s.per_day[1],
            DayCount {
                date: day(2026, 11, 26),
                registered: 1,
                answered: 3
            }
        );
        let count = |status| {
            s.by_status
                .iter()
                .find(|c| c.status == status)
                .map(|c| c.count)
        };
        assert_eq!(count(Status::Answered), Some(2));
        assert_eq!(count(Status::Delivered), Some(1));
        assert_eq!(s.by_office[0].registered, 3);
    }

    #[test]
    fn the_backlog_counts_open_and_overdue_letters_of_any_age() {
        let now = utc(2026, 11, 28, 9, 0);
        let mut late = row(Status::Received, "gas", utc(2026, 9, 1, 6, 0));
        late.due_at = Some(utc(2026, 9, 8, 6, 0));
        let rows = vec![
            late,
            row(Status::Delivered, "water", utc(2026, 11, 27, 6, 0)),
            row(Status::Rejected, "water", utc(2026, 11, 27, 7, 0)),
            answered("water", utc(2026, 11, 27, 6, 0), 1),
        ];
        let s = summarize(&rows, day(2026, 11, 27), day(2026, 11, 28), now);
        assert_eq!((s.open, s.overdue), (2, 1));
        let codes: Vec<(&str, u32, u32, u32)> = s
            .by_agency
            .iter()
            .map(|a| (a.agency_code.as_str(), a.open, a.overdue, a.answered))
            .collect();
        assert_eq!(codes, [("gas", 1, 1, 0), ("water", 1, 0, 1)]);
        assert_eq!(s.by_agency[1].median_answer_hours, Some(1.0));
    }

    #[test]
    fn late_answers_lower_the_on_time_share() {
        let now = utc(2026, 11, 28, 9, 0);
        let start = utc(2026, 11, 1, 6, 0);
        let rows = vec![
            answered("tax", start, 24),
            answered("tax", start, 24 * 8),
            answered("tax", start, 24 * 9),
        ];
        let s = summarize(&rows, day(2026, 11, 1), day(2026, 11, 28), now);
        assert_eq!(s.on_time_percent, Some(33.3));
        assert_eq!(s.by_agency[0].on_time_percent, Some(33.3));
        assert_eq!(s.median_answer_hours, Some(192.0));
    }

    #[test]
    fn an_empty_scope_has_zero_figures_and_no_medians() {
        let s = summarize(
            &[],
            day(2026, 11, 28),
            day(2026, 11, 28),
            utc(2026, 11, 28, 9, 0),
        );
        assert_eq!((s.registered, s.answered, s.open, s.overdue), (0, 0, 0, 0));
        assert_eq!(s.median_answer_hours, None);
        assert_eq!(s.on_time_percent, None);
        assert_eq!(s.per_day.len(), 1);
        assert!(s.by_agency.is_empty() && s.by_office.is_empty());
    }
}
