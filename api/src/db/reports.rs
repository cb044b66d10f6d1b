//! What the dashboard reads. The province's and an agency's figures come
//! from the rollups each step keeps (`shared::rollup`, [`super::rollups`]):
//! a year of the province is a few thousand rows however many letters it
//! had, and what of them is final is summed once per instance and day
//! ([`super::settled`]), so a dashboard reads today's rows and the counts
//! that still move. A counter office's figures are counted from its own letters with
//! `GROUP BY` (an office's year is a few thousand letters; the only
//! backend-specific SQL is how a Tehran day and an hour count are written,
//! [`Dialect`]). Either way the figures are computed from the counts in
//! `shared::reports`, the same way for both databases.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Text, Timestamp};
use shared::reports::{last_settled_day, AgencyAnswers, Aggregates};
use shared::rollup::{cover, AnswerSum, Grain, RollupScope, ANSWERED};
use shared::workflow::Status;

use super::letters::{awaiting_agency, Scope};
use super::schema::{
    agencies, counter_offices, deliveries, letters, report_answers, report_backlog, report_days,
    report_late_arrivals, report_offices, report_status_months,
};
use super::{fixed, fixed_around, DbConnection, Fixed};

/// Codes and names of every agency and office (the directory is small).
#[derive(Default)]
pub struct Directory {
    agency_codes: HashMap<i32, String>,
    office_codes: HashMap<i32, String>,
    /// Names by code.
    pub agency_names: HashMap<String, String>,
    pub office_names: HashMap<String, String>,
}

/// What identifies a state of the directory: each table's row count and
/// latest change (agencies and offices are deactivated, never deleted).
pub type DirectoryVersion = (i64, Option<NaiveDateTime>, i64, Option<NaiveDateTime>);

/// The directory as an instance last read it, by version: a dashboard
/// asks one small query whether it changed instead of reading every office
/// and agency again (a fifth of a province dashboard's time at 500 offices).
pub type KeptDirectory = super::settled::Settled<DirectoryVersion, Directory>;

impl Directory {
    /// The directory now: as kept in `kept` unless a table changed since.
    pub fn current(
        conn: &mut DbConnection,
        kept: &KeptDirectory,
    ) -> QueryResult<std::sync::Arc<Directory>> {
        use diesel::dsl::{count_star, max};
        let (agencies, agencies_changed, offices, offices_changed) = diesel::select((
            agencies::table.select(count_star()).single_value(),
            agencies::table
                .select(max(agencies::updated_at))
                .single_value(),
            counter_offices::table.select(count_star()).single_value(),
            counter_offices::table
                .select(max(counter_offices::updated_at))
                .single_value(),
        ))
        .get_result::<(
            Option<i64>,
            Option<NaiveDateTime>,
            Option<i64>,
            Option<NaiveDateTime>,
        )>(conn)?;
        let version = (
            agencies.unwrap_or_default(),
            agencies_changed,
            offices.unwrap_or_default(),
            offices_changed,
        );
        kept.get_or_compute(&version, || Directory::load(conn))
    }

    pub fn load(conn: &mut DbConnection) -> QueryResult<Directory> {
        let mut directory = Directory::default();
        let agencies = agencies::table
            .select((agencies::id, agencies::code, agencies::name))
            .load::<(i32, String, String)>(conn)?;
        for (id, code, name) in agencies {
            directory.agency_codes.insert(id, code.clone());
            directory.agency_names.insert(code, name);
        }
        let offices = counter_offices::table
            .select((
                counter_offices::id,
                counter_offices::code,
                counter_offices::name,
            ))
            .load::<(i32, String, String)>(conn)?;
        for (id, code, name) in offices {
            directory.office_codes.insert(id, code.clone());
            directory.office_names.insert(code, name);
        }
        Ok(directory)
    }

    fn agency_code(&self, id: i32) -> String {
        self.agency_codes.get(&id).cloned().unwrap_or_default()
    }

    fn office_code(&self, id: i32) -> String {
        self.office_codes.get(&id).cloned().unwrap_or_default()
    }
}

/// How each backend writes what the report SQL needs.
struct Dialect {
    postgres: bool,
}

impl Dialect {
    /// The Tehran calendar day of a UTC timestamp column, as `YYYY-MM-DD`.
    fn day(&self, column: &str) -> String {
        let minutes = shared::sla::tehran_offset().num_minutes();
        if self.postgres {
            format!("to_char({column} + INTERVAL '{minutes} minutes', 'YYYY-MM-DD')")
        } else {
            format!("date({column}, '+{minutes} minutes')")
        }
    }

    /// Hours from `from` to `to`, from whole seconds divided as
    /// `shared::reports` divides them (so buckets match to the last bit).
    fn hours(&self, from: &str, to: &str) -> String {
        if self.postgres {
            format!(
                "(CAST(FLOOR(EXTRACT(EPOCH FROM ({to} - {from}))) AS DOUBLE PRECISION) / 3600.0)"
            )
        } else {
            format!(
                "((CAST(strftime('%s', {to}) AS INTEGER) - CAST(strftime('%s', {from}) AS INTEGER)) / 3600.0)"
            )
        }
    }

    /// `floor(expr)` of a non-negative number (SQLite builds may lack `FLOOR`;
    /// its integer cast truncates, which is the floor here).
    fn floor(&self, expr: &str) -> String {
        if self.postgres {
            format!("FLOOR({expr})")
        } else {
            format!("CAST({expr} AS INTEGER)")
        }
    }

    /// The `n`th bind parameter (1-based).
    fn param(&self, n: usize) -> String {
        if self.postgres {
            format!("${n}")
        } else {
            "?".to_owned()
        }
    }
}

#[derive(QueryableByName)]
struct DayStatusCount {
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct DayCount {
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct SpeedCount {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Double)]
    hours: f64,
    #[diesel(sql_type = Integer)]
    on_time: i32,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Backlog {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    overdue: i64,
}

/// Runs one report query with timestamp binds on the connection's backend.
fn load<R>(conn: &mut DbConnection, sql: &str, times: &[NaiveDateTime]) -> QueryResult<Vec<R>>
where
    R: QueryableByName<diesel::sqlite::Sqlite> + QueryableByName<diesel::pg::Pg> + 'static,
{
    fn bound<DB>(
        sql: &str,
        times: &[NaiveDateTime],
    ) -> diesel::query_builder::BoxedSqlQuery<'static, DB, diesel::query_builder::SqlQuery>
    where
        NaiveDateTime: diesel::serialize::ToSql<Timestamp, DB>,
        DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<Timestamp>,
    {
        let mut query = diesel::sql_query(sql.to_owned()).into_boxed::<DB>();
        for t in times {
            query = query.bind::<Timestamp, _>(*t);
        }
        query
    }
    match conn {
        DbConnection::Sqlite(c) => bound::<diesel::sqlite::Sqlite>(sql, times).load(c),
        DbConnection::Postgres(c) => bound::<diesel::pg::Pg>(sql, times).load(c),
    }
}

fn parse_day(day: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The counts of the caller's scope: letters registered and answers given
/// in the Tehran days `from..=to`, and the backlog at `now`.
pub fn aggregates(
    conn: &mut DbConnection,
    scope: Scope,
    (from, to): (NaiveDate, NaiveDate),
    now: NaiveDateTime,
    directory: &Directory,
    settled: &SettledCounts,
) -> QueryResult<Aggregates> {
    let rollup = match scope {
        Scope::Office(office) => {
            let (start, end) = shared::reports::utc_bounds(from, to);
            let period = (start.naive_utc(), end.naive_utc());
            return office_aggregates(conn, office, period, now, directory);
        }
        Scope::All => RollupScope::Province,
        Scope::Agency(agency) => RollupScope::Agency(agency),
    };
    rolled_up(conn, rollup, (from, to), now, directory, settled)
}

/// What the rollups count over a run of days, before it is summarised.
#[derive(Debug, Clone, Default)]
pub struct PeriodCounts {
    /// Letters registered per day, whatever their status now.
    registered: BTreeMap<NaiveDate, i64>,
    /// Letters registered per counter office.
    offices: BTreeMap<i32, i64>,
    /// Answers given per day.
    answered: BTreeMap<NaiveDate, i64>,
    /// Answers per answering agency.
    answers: BTreeMap<i32, AnswerSum>,
}

/// The two halves of the counts, each read on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Letters registered per day and per office.
    Registrations,
    /// Answers per day and per agency.
    Answers,
}

/// The settled figures an instance keeps, by scope, first and last day, and
/// the scope's count of late arrivals when they were summed: answers are
/// final once their day is over (a step counts on the day it is taken, and
/// an answered letter goes to no other agency), and so are registrations,
/// but for a referral that brings a letter into a new agency's figures on
/// the day it was registered, which moves that agency's count
/// ([`late_arrivals`]) and so asks for a new sum.
pub type SettledCounts =
    super::settled::Settled<(RollupScope, NaiveDate, NaiveDate, i64), PeriodCounts>;

/// How many times a referral brought a letter of a past day into `rollup`'s
/// figures (the province's never change so: 0).
fn late_arrivals(conn: &mut DbConnection, rollup: RollupScope) -> QueryResult<i64> {
    match rollup {
        RollupScope::Province => Ok(0),
        RollupScope::Agency(agency) => report_late_arrivals::table
            .find(agency)
            .select(report_late_arrivals::n)
            .first(conn)
            .optional()
            .map(Option::unwrap_or_default),
    }
}

/// The figures of the rollups of `rollup`. What the days up to
/// [`last_settled_day`] count for good comes from `settled` (computed once
/// per instance and day); today's rows, the statuses now and the backlog
/// are read every time. Only the overdue count reads letters: those due
/// earlier today (see [`backlog`]).
fn rolled_up(
    conn: &mut DbConnection,
    rollup: RollupScope,
    (from, to): (NaiveDate, NaiveDate),
    now: NaiveDateTime,
    directory: &Directory,
    settled: &SettledCounts,
) -> QueryResult<Aggregates> {
    let settled_to = to.min(last_settled_day(now.and_utc()));
    let mut counts = if from <= settled_to {
        // Read before the sum: an arrival committed in between is then
        // summed under the old count and summed again at the next request.
        let arrivals = late_arrivals(conn, rollup)?;
        let key = (rollup, from, settled_to, arrivals);
        let kept = settled.get_or_compute::<diesel::result::Error>(&key, || {
            let mut counts = PeriodCounts::default();
            for part in [Part::Registrations, Part::Answers] {
                count_part(conn, rollup, part, (from, settled_to), &mut counts)?;
            }
            Ok(counts)
        })?;
        (*kept).clone()
    } else {
        PeriodCounts::default()
    };
    let first = from.max(settled_to + Duration::days(1));
    if first <= to {
        for part in [Part::Registrations, Part::Answers] {
            count_part(conn, rollup, part, (first, to), &mut counts)?;
        }
    }
    let by_status = statuses(conn, rollup, (from, to))?;
    let backlog = backlog(conn, rollup, now)?;
    Ok(Aggregates {
        registered_per_day: positive(counts.registered),
        registered_by_status: by_status,
        registered_by_office: counts
            .offices
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(office, n)| (directory.office_code(office), count(n)))
            .collect(),
        answered: positive(counts.answered),
        answers: counts
            .answers
            .into_iter()
            .filter(|(_, c)| c.answered > 0)
            .map(|(agency, c)| AgencyAnswers {
                agency_code: directory.agency_code(agency),
                answered: count(c.answered),
                on_time: count(c.on_time),
                hours: c
                    .hours()
                    .iter()
                    .map(|(tenths, n)| (f64::from(*tenths) / 10.0, count(*n)))
                    .collect(),
            })
            .collect(),
        backlog: backlog
            .into_iter()
            .filter(|(_, (open, _))| *open > 0)
            .map(|(holder, (open, overdue))| {
                (directory.agency_code(holder), count(open), count(overdue))
            })
            .collect(),
    })
}

fn positive(per_day: BTreeMap<NaiveDate, i64>) -> Vec<(NaiveDate, u32)> {
    per_day
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(day, n)| (day, count(n)))
        .collect()
}

/// Adds `part` of the days `from..=to` of `rollup` to `counts`.
fn count_part(
    conn: &mut DbConnection,
    rollup: RollupScope,
    part: Part,
    (from, to): (NaiveDate, NaiveDate),
    counts: &mut PeriodCounts,
) -> QueryResult<()> {
    let (kind, id) = rollup.columns();
    let days = report_days::table
        .filter(report_days::scope_kind.eq(kind))
        .filter(report_days::scope_id.eq(id))
        .filter(report_days::day.between(from, to))
        .group_by(report_days::day)
        .select((report_days::day, summed()))
        .into_boxed();
    let (days, per_day) = match part {
        Part::Registrations => (
            days.filter(report_days::kind.ne(ANSWERED)),
            &mut counts.registered,
        ),
        Part::Answers => (
            days.filter(report_days::kind.eq(ANSWERED)),
            &mut counts.answered,
        ),
    };
    for (day, n) in days.load::<(NaiveDate, i64)>(conn)? {
        *per_day.entry(day).or_default() += n;
    }
    for (grain, first, last, sign) in periods(from, to) {
        match part {
            Part::Registrations => {
                for (office, n) in report_offices::table
                    .filter(report_offices::scope_kind.eq(kind))
                    .filter(report_offices::scope_id.eq(id))
                    .filter(report_offices::grain.eq(grain.column()))
                    .filter(report_offices::period.between(first, last))
                    .group_by(report_offices::counter_office_id)
                    .select((report_offices::counter_office_id, summed()))
                    .load::<(i32, i64)>(conn)?
                {
                    *counts.offices.entry(office).or_default() += sign * n;
                }
            }
            Part::Answers => {
                for (agency, answered, on_time, hours) in report_answers::table
                    .filter(report_answers::scope_kind.eq(kind))
                    .filter(report_answers::scope_id.eq(id))
                    .filter(report_answers::grain.eq(grain.column()))
                    .filter(report_answers::period.between(first, last))
                    .select((
                        report_answers::agency_id,
                        report_answers::answered,
                        report_answers::on_time,
                        report_answers::hours,
                    ))
                    .load::<(i32, i64, i64, Vec<u8>)>(conn)?
                {
                    counts
                        .answers
                        .entry(agency)
                        .or_default()
                        .add_row(sign, answered, on_time, &hours);
                }
            }
        }
    }
    Ok(())
}

/// Letters registered in `from..=to` by their status now: the one count
/// of the period that moves with every step, so read every time, from the
/// month rows of the whole months in it and the day rows of its ends
/// ([`periods`]).
fn statuses(
    conn: &mut DbConnection,
    rollup: RollupScope,
    (from, to): (NaiveDate, NaiveDate),
) -> QueryResult<Vec<(Status, u32)>> {
    let (kind, id) = rollup.columns();
    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    for (grain, first, last, sign) in periods(from, to) {
        let rows = match grain {
            Grain::Month => report_status_months::table
                .filter(report_status_months::scope_kind.eq(kind))
                .filter(report_status_months::scope_id.eq(id))
                .filter(report_status_months::month.between(first, last))
                .group_by(report_status_months::kind)
                .select((report_status_months::kind, summed()))
                .load::<(String, i64)>(conn)?,
            Grain::Day => report_days::table
                .filter(report_days::scope_kind.eq(kind))
                .filter(report_days::scope_id.eq(id))
                .filter(report_days::day.between(first, last))
                .filter(report_days::kind.ne(ANSWERED))
                .group_by(report_days::kind)
                .select((report_days::kind, summed()))
                .load::<(String, i64)>(conn)?,
        };
        for (status, n) in rows {
            *by_status.entry(status).or_default() += sign * n;
        }
    }
    Ok(by_status
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(status, n)| Some((Status::parse(&status)?, count(n))))
        .collect())
}

/// Open and overdue letters now per holding agency, from the backlog rows:
/// overdue are the letters of the due days before today (UTC) and those
/// due from today's midnight until `now`, the only letters read (by the
/// open letters' due index: at most a day's deadlines, however long the
/// history; see `shared::rollup::due_day`).
fn backlog(
    conn: &mut DbConnection,
    rollup: RollupScope,
    now: NaiveDateTime,
) -> QueryResult<BTreeMap<i32, (i64, i64)>> {
    let (kind, id) = rollup.columns();
    let today = now.date();
    let overdue_days = fixed_around::<BigInt, diesel::sql_types::Date, _>(
        "CAST(SUM(CASE WHEN due_day < ",
        today,
        " THEN n ELSE 0 END) AS BIGINT)",
    );
    let mut backlog: BTreeMap<i32, (i64, i64)> = report_backlog::table
        .filter(report_backlog::scope_kind.eq(kind))
        .filter(report_backlog::scope_id.eq(id))
        .group_by(report_backlog::holder_agency_id)
        .select((report_backlog::holder_agency_id, summed(), overdue_days))
        .load::<(i32, i64, i64)>(conn)?
        .into_iter()
        .map(|(holder, open, overdue)| (holder, (open, overdue)))
        .collect();
    let due_today = letters::table
        .filter(awaiting_agency())
        .filter(letters::due_at.ge(today.and_time(chrono::NaiveTime::MIN)))
        .filter(letters::due_at.lt(now))
        .select(letters::holder_agency_id)
        .into_boxed();
    // Counted as the backlog is: an agency's letters are those that are or
    // were its work, not those it only got a copy of (which its letters
    // list does show).
    let due_today = match rollup {
        RollupScope::Province => due_today,
        RollupScope::Agency(agency) => due_today.filter(diesel::dsl::exists(
            deliveries::table
                .filter(deliveries::letter_id.eq(letters::id))
                .filter(deliveries::agency_id.eq(agency))
                .filter(diesel::dsl::not(deliveries::is_copy)),
        )),
    };
    for holder in due_today.load::<i32>(conn)? {
        backlog.entry(holder).or_default().1 += 1;
    }
    Ok(backlog)
}

/// `SUM(n)` of a rollup table's counters, as a `BIGINT` on both backends
/// (PostgreSQL's `SUM` of a `BIGINT` is a `NUMERIC`). The database adds the
/// days and months up, so only one row per group leaves it.
fn summed() -> Fixed<BigInt> {
    fixed("CAST(SUM(n) AS BIGINT)")
}

/// The rows that cover `from..=to` ([`cover`]), each with the sign it is
/// added with: months and days added, days left out of a month taken away.
fn periods(from: NaiveDate, to: NaiveDate) -> Vec<(Grain, NaiveDate, NaiveDate, i64)> {
    let cover = cover(from, to);
    let months = cover
        .months
        .into_iter()
        .map(|(f, l)| (Grain::Month, f, l, 1));
    let days = cover.days.into_iter().map(|(f, l)| (Grain::Day, f, l, 1));
    let less = cover
        .less_days
        .into_iter()
        .map(|(f, l)| (Grain::Day, f, l, -1));
    months.chain(days).chain(less).collect()
}

/// An office's counts, from its own letters: `GROUP BY` over its indexes.
fn office_aggregates(
    conn: &mut DbConnection,
    office: i32,
    (start, end): (NaiveDateTime, NaiveDateTime),
    now: NaiveDateTime,
    directory: &Directory,
) -> QueryResult<Aggregates> {
    let d = Dialect {
        postgres: matches!(conn, DbConnection::Postgres(_)),
    };
    let scope = format!("l.counter_office_id = {office}");
    let (p1, p2) = (d.param(1), d.param(2));
    let registered_in = format!("{scope} AND l.created_at >= {p1} AND l.created_at < {p2}");
    let answered_in = format!("{scope} AND l.answered_at >= {p1} AND l.answered_at < {p2}");
    let period = [start, end];

    let registered: Vec<DayStatusCount> = load(
        conn,
        &format!(
            "SELECT {} AS day, l.status AS status, COUNT(*) AS n FROM letters l \
             WHERE {registered_in} GROUP BY 1, 2",
            d.day("l.created_at")
        ),
        &period,
    )?;
    let answered: Vec<DayCount> = load(
        conn,
        &format!(
            "SELECT {} AS day, COUNT(*) AS n FROM letters l WHERE {answered_in} GROUP BY 1",
            d.day("l.answered_at")
        ),
        &period,
    )?;
    // On time: by the due date of the answering agency's delivery.
    let speeds: Vec<SpeedCount> = load(
        conn,
        &format!(
            "SELECT x.agency AS id, \
                    CAST(CASE WHEN x.t < 100 THEN x.t / 10.0 ELSE {} END AS DOUBLE PRECISION) AS hours, \
                    x.on_time AS on_time, COUNT(*) AS n \
             FROM (SELECT l.answer_agency_id AS agency, {} AS t, \
                          CASE WHEN l.answered_at <= COALESCE((SELECT MAX(d.due_at) FROM deliveries d \
                               WHERE d.letter_id = l.id AND d.agency_id = l.answer_agency_id), l.answered_at) \
                          THEN 1 ELSE 0 END AS on_time \
                   FROM letters l WHERE {answered_in}) x \
             GROUP BY 1, 2, 3",
            d.floor("x.t / 10.0 + 0.5"),
            d.floor(&format!("{} * 10 + 0.5", d.hours("l.created_at", "l.answered_at")))
        ),
        &period,
    )?;
    let backlog: Vec<Backlog> = load(
        conn,
        &format!(
            "SELECT l.holder_agency_id AS id, COUNT(*) AS n, \
                    SUM(CASE WHEN l.due_at < {p1} THEN 1 ELSE 0 END) AS overdue \
             FROM letters l WHERE l.status IN ('delivered', 'received') AND {scope} \
             GROUP BY l.holder_agency_id"
        ),
        &[now],
    )?;

    let by_office: u32 = registered.iter().map(|r| count(r.n)).sum();
    let mut per_day: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    let mut by_status: BTreeMap<&'static str, (Status, u32)> = BTreeMap::new();
    for r in &registered {
        if let (Some(day), Some(status)) = (parse_day(&r.day), Status::parse(&r.status)) {
            *per_day.entry(day).or_default() += count(r.n);
            by_status.entry(status.as_str()).or_insert((status, 0)).1 += count(r.n);
        }
    }
    let mut answers: BTreeMap<i32, AgencyAnswers> = BTreeMap::new();
    for r in speeds {
        answers
            .entry(r.id)
            .or_insert_with(|| AgencyAnswers::new(directory.agency_code(r.id)))
            .add(r.hours, r.on_time == 1, count(r.n));
    }
    Ok(Aggregates {
        registered_per_day: per_day.into_iter().collect(),
        registered_by_status: by_status.into_values().collect(),
        registered_by_office: vec![(directory.office_code(office), by_office)],
        answered: answered
            .into_iter()
            .filter_map(|r| Some((parse_day(&r.day)?, count(r.n))))
            .collect(),
        answers: answers.into_values().collect(),
        backlog: backlog
            .into_iter()
            .map(|r| (directory.agency_code(r.id), count(r.n), count(r.overdue)))
            .collect(),
    })
}
