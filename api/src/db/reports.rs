//! What the dashboard reads: counts aggregated by the database (`GROUP BY`
//! over indexed columns), never the letters one by one, so the server's
//! memory does not grow with the period or the province. The figures are
//! computed from these counts in `shared::reports`, the same way for both
//! databases; the only backend-specific SQL is how a Tehran calendar day
//! and an hour count are written ([`Dialect`]).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Integer, Text, Timestamp};
use shared::reports::{Aggregates, AnswerTimes};
use shared::workflow::Status;

use super::letters::Scope;
use super::schema::{agencies, counter_offices};
use super::DbConnection;

/// Codes and names of every agency and office (the directory is small).
#[derive(Default)]
pub struct Directory {
    agency_codes: HashMap<i32, String>,
    office_codes: HashMap<i32, String>,
    /// Names by code.
    pub agency_names: HashMap<String, String>,
    pub office_names: HashMap<String, String>,
}

impl Directory {
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

/// The SQL condition that limits `letters l` to what `scope` may see: the
/// same rule as [`super::letters::in_scope`] (the report's queries are
/// written in SQL for their `GROUP BY` expressions), kept in step with it.
fn scope_sql(scope: Scope) -> String {
    match scope {
        Scope::All => "1 = 1".to_owned(),
        Scope::Office(office) => format!("l.counter_office_id = {office}"),
        Scope::Agency(agency) => format!(
            "EXISTS (SELECT 1 FROM deliveries d WHERE d.letter_id = l.id AND d.agency_id = {agency})"
        ),
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
struct IdCount {
    #[diesel(sql_type = Integer)]
    id: i32,
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
/// in `[start, end)`, and the backlog at `now`. Each is one `GROUP BY`
/// query over an index (see the migration `hot_paths`).
pub fn aggregates(
    conn: &mut DbConnection,
    scope: Scope,
    start: NaiveDateTime,
    end: NaiveDateTime,
    now: NaiveDateTime,
    directory: &Directory,
) -> QueryResult<Aggregates> {
    let d = Dialect {
        postgres: matches!(conn, DbConnection::Postgres(_)),
    };
    let scope = scope_sql(scope);
    let (p1, p2) = (d.param(1), d.param(2));
    let registered_in = format!("l.created_at >= {p1} AND l.created_at < {p2} AND {scope}");
    let answered_in = format!("l.answered_at >= {p1} AND l.answered_at < {p2} AND {scope}");
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
    let by_office: Vec<IdCount> = load(
        conn,
        &format!(
            "SELECT l.counter_office_id AS id, COUNT(*) AS n FROM letters l \
             WHERE {registered_in} GROUP BY l.counter_office_id"
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

    Ok(Aggregates {
        registered: registered
            .into_iter()
            .filter_map(|r| Some((parse_day(&r.day)?, Status::parse(&r.status)?, count(r.n))))
            .collect(),
        registered_by_office: by_office
            .into_iter()
            .map(|r| (directory.office_code(r.id), count(r.n)))
            .collect(),
        answered: answered
            .into_iter()
            .filter_map(|r| Some((parse_day(&r.day)?, count(r.n))))
            .collect(),
        answer_times: speeds
            .into_iter()
            .map(|r| AnswerTimes {
                agency_code: directory.agency_code(r.id),
                hours: r.hours,
                on_time: r.on_time == 1,
                count: count(r.n),
            })
            .collect(),
        backlog: backlog
            .into_iter()
            .map(|r| (directory.agency_code(r.id), count(r.n), count(r.overdue)))
            .collect(),
    })
}
