//! Keeping the dashboard's rollups (see `shared::rollup`) in step with the
//! letters: each workflow step adds, in its own transaction, what it changed
//! ([`Tracked`]); [`rebuild`] counts every letter afresh (after `seed`, or
//! once for a database that had letters before the rollups existed).

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;
use diesel::upsert::excluded;
use shared::rollup::{
    AnswerCounts, AnswerFacts, AnswerKey, BacklogKey, DayKey, InboxKey, LetterFacts, OfficeKey,
    Rollup, RollupScope,
};
use shared::workflow::Status;

use super::letters::LetterRow;
use super::schema::{
    deliveries, inbox_new, letters, report_answers, report_backlog, report_days,
    report_late_arrivals, report_offices, report_rollups_built, report_status_months,
};
use super::DbConnection;

/// Each agency a letter has been at, with the latest due date it was given.
/// A copy (رونوشت) informs an agency without making the letter its work, so
/// it counts in no agency's figures.
type Dues = Vec<(i32, Option<NaiveDateTime>)>;

fn dues_of(conn: &mut DbConnection, letter_id: i32) -> QueryResult<Dues> {
    deliveries::table
        .filter(deliveries::letter_id.eq(letter_id))
        .filter(diesel::dsl::not(deliveries::is_copy))
        .group_by(deliveries::agency_id)
        .select((deliveries::agency_id, max(deliveries::due_at)))
        .load(conn)
}

/// The columns of a letter the rollups count by.
#[derive(Debug, Clone, Queryable)]
pub struct CountedLetter {
    pub id: i32,
    pub created_at: NaiveDateTime,
    pub counter_office_id: i32,
    pub status: String,
    pub holder_agency_id: i32,
    pub due_at: Option<NaiveDateTime>,
    pub answer_agency_id: Option<i32>,
    pub answered_at: Option<NaiveDateTime>,
}

impl From<&LetterRow> for CountedLetter {
    fn from(r: &LetterRow) -> Self {
        CountedLetter {
            id: r.id,
            created_at: r.created_at,
            counter_office_id: r.counter_office_id,
            status: r.status.clone(),
            holder_agency_id: r.holder_agency_id,
            due_at: r.due_at,
            answer_agency_id: r.answer_agency_id,
            answered_at: r.answered_at,
        }
    }
}

/// A letter as the rollups see it. An answer is on time by the latest due
/// date the answering agency was given (none: on time), as the reference
/// computation in `shared::reports` judges it.
pub fn facts(letter: &CountedLetter, dues: &[(i32, Option<NaiveDateTime>)]) -> LetterFacts {
    let answer = match (letter.answer_agency_id, letter.answered_at) {
        (Some(agency_id), Some(at)) => Some(AnswerFacts {
            agency_id,
            answered_at: at.and_utc(),
            on_time: dues
                .iter()
                .find(|(agency, _)| *agency == agency_id)
                .and_then(|(_, due)| *due)
                .is_none_or(|due| at <= due),
        }),
        _ => None,
    };
    LetterFacts {
        letter_id: letter.id,
        created_at: letter.created_at.and_utc(),
        counter_office_id: letter.counter_office_id,
        status: Status::parse(&letter.status).unwrap_or(Status::Registered),
        holder_agency_id: letter.holder_agency_id,
        due_at: letter.due_at.map(|due| due.and_utc()),
        agencies: dues.iter().map(|(agency, _)| *agency).collect(),
        answer,
    }
}

/// A letter before a step, so the step can add the difference it made.
pub struct Tracked {
    before: LetterFacts,
    dues: Dues,
}

impl Tracked {
    /// Reads what the rollups need of `letter` (one query for its deliveries).
    pub fn start(conn: &mut DbConnection, letter: &LetterRow) -> QueryResult<Tracked> {
        let dues = dues_of(conn, letter.id)?;
        Ok(Tracked {
            before: facts(&letter.into(), &dues),
            dues,
        })
    }

    /// The step delivered the letter to `agency`, due at `due`.
    pub fn delivered_to(&mut self, agency: i32, due: NaiveDateTime) {
        match self.dues.iter_mut().find(|(a, _)| *a == agency) {
            Some((_, latest)) => *latest = (*latest).max(Some(due)),
            None => self.dues.push((agency, Some(due))),
        }
    }

    /// Adds the step's change: `after` is the letter as the step left it.
    pub fn record(self, conn: &mut DbConnection, after: &LetterRow) -> QueryResult<()> {
        let after = facts(&after.into(), &self.dues);
        add_step(conn, Rollup::change(Some(&self.before), &after))
    }
}

/// Counts a letter just registered (delivered to `agency`, due at `due`).
pub fn record_registration(
    conn: &mut DbConnection,
    letter: &LetterRow,
    agency: i32,
    due: NaiveDateTime,
) -> QueryResult<()> {
    let after = facts(&letter.into(), &[(agency, Some(due))]);
    add_step(conn, Rollup::change(None, &after))
}

thread_local! {
    /// The change of the step running on this thread, while [`deferred`]
    /// collects it instead of writing it.
    static DEFERRED: RefCell<Option<Rollup>> = const { RefCell::new(None) };
}

/// Adds one workflow step's change: at once, or to the collection of a
/// surrounding [`deferred`].
pub(super) fn add_step(conn: &mut DbConnection, change: Rollup) -> QueryResult<()> {
    let change = DEFERRED.with(|deferred| match deferred.borrow_mut().as_mut() {
        Some(collected) => {
            collected.merge(change);
            None
        }
        None => Some(change),
    });
    match change {
        Some(change) => apply(conn, &change),
        None => Ok(()),
    }
}

/// Runs `steps` with their rollup changes collected, not written, and
/// answers them beside the result (unpruned: the caller sums several and
/// prunes once), for the caller to [`apply`] later in the
/// same transaction. The SQLite writer commits dozens of registrations in
/// one transaction, and each one's change upserts the same few rows of the
/// day: applied once per group, they cost one upsert per row instead of one
/// per row per registration (a fifth of the writer's time). The caller
/// keeps the change only if `steps` succeeded as a whole: a step that fails
/// inside a surviving `steps` must fail it.
pub fn deferred<T>(steps: impl FnOnce() -> T) -> (T, Rollup) {
    /// Stops collecting even when `steps` panics.
    struct Collecting;
    impl Drop for Collecting {
        fn drop(&mut self) {
            DEFERRED.with(|deferred| deferred.borrow_mut().take());
        }
    }
    DEFERRED.with(|deferred| *deferred.borrow_mut() = Some(Rollup::default()));
    let collecting = Collecting;
    let result = steps();
    let change = DEFERRED
        .with(|deferred| deferred.borrow_mut().take())
        .unwrap_or_default();
    drop(collecting);
    (result, change)
}

/// The `shard` of every dashboard counter row: one row per count
/// (`shared::rollup`); the column is left from when they were split.
const ONE_ROW: i32 = 0;

#[derive(Insertable)]
#[diesel(table_name = report_days)]
struct DayRow {
    scope_kind: i16,
    scope_id: i32,
    day: chrono::NaiveDate,
    kind: &'static str,
    shard: i32,
    n: i64,
}

#[derive(Insertable)]
#[diesel(table_name = report_status_months)]
struct MonthRow {
    scope_kind: i16,
    scope_id: i32,
    month: chrono::NaiveDate,
    kind: &'static str,
    shard: i32,
    n: i64,
}

impl MonthRow {
    fn new((k, n): (&DayKey, &i64)) -> MonthRow {
        let (scope_kind, scope_id) = k.scope.columns();
        MonthRow {
            scope_kind,
            scope_id,
            month: k.day,
            kind: k.kind,
            shard: ONE_ROW,
            n: *n,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = report_offices)]
struct OfficeRow {
    scope_kind: i16,
    scope_id: i32,
    grain: i16,
    period: chrono::NaiveDate,
    counter_office_id: i32,
    n: i64,
}

#[derive(Insertable)]
#[diesel(table_name = report_backlog)]
struct BacklogRow {
    scope_kind: i16,
    scope_id: i32,
    holder_agency_id: i32,
    due_day: chrono::NaiveDate,
    shard: i32,
    n: i64,
}

/// One agency's count of late arrivals ([`Rollup::late_arrivals`]) to add.
#[derive(Insertable)]
#[diesel(table_name = report_late_arrivals)]
struct ArrivalRow {
    agency_id: i32,
    n: i64,
}

#[derive(Insertable)]
#[diesel(table_name = inbox_new)]
struct InboxRow {
    agency_id: i32,
    shard: i32,
    n: i64,
}

impl InboxRow {
    fn new((k, n): (&InboxKey, &i64)) -> InboxRow {
        InboxRow {
            agency_id: k.agency_id,
            shard: k.shard,
            n: *n,
        }
    }
}

impl DayRow {
    fn new((k, n): (&DayKey, &i64)) -> DayRow {
        let (scope_kind, scope_id) = k.scope.columns();
        DayRow {
            scope_kind,
            scope_id,
            day: k.day,
            kind: k.kind,
            shard: ONE_ROW,
            n: *n,
        }
    }
}

impl OfficeRow {
    fn new((k, n): (&OfficeKey, &i64)) -> OfficeRow {
        let (scope_kind, scope_id) = k.scope.columns();
        OfficeRow {
            scope_kind,
            scope_id,
            grain: k.grain.column(),
            period: k.period,
            counter_office_id: k.counter_office_id,
            n: *n,
        }
    }
}

impl BacklogRow {
    fn new((k, n): (&BacklogKey, &i64)) -> BacklogRow {
        let (scope_kind, scope_id) = k.scope.columns();
        BacklogRow {
            scope_kind,
            scope_id,
            holder_agency_id: k.holder_agency_id,
            due_day: k.due_day,
            shard: ONE_ROW,
            n: *n,
        }
    }
}

#[derive(Insertable, Queryable)]
#[diesel(table_name = report_answers)]
struct AnswerRow {
    scope_kind: i16,
    scope_id: i32,
    grain: i16,
    period: chrono::NaiveDate,
    agency_id: i32,
    answered: i64,
    on_time: i64,
    hours: Vec<u8>,
}

impl AnswerRow {
    fn new(key: &AnswerKey, counts: &AnswerCounts) -> AnswerRow {
        let (scope_kind, scope_id) = key.scope.columns();
        AnswerRow {
            scope_kind,
            scope_id,
            grain: key.grain.column(),
            period: key.period,
            agency_id: key.agency_id,
            answered: counts.answered,
            on_time: counts.on_time,
            hours: counts.encode_hours(),
        }
    }

    fn key(&self) -> (i16, i32, i16, chrono::NaiveDate, i32) {
        (
            self.scope_kind,
            self.scope_id,
            self.grain,
            self.period,
            self.agency_id,
        )
    }
}

/// Adds `change` to the rollups. Counters are added by the database
/// (`n = n + excluded.n`), so concurrent steps on PostgreSQL never lose one;
/// the answer histograms are read, merged and written back under the rows'
/// locks. Every path touches the tables in one order (answers, days,
/// months, offices, backlog, inbox, late arrivals) and rows in key order,
/// so two steps cannot deadlock.
pub fn apply(conn: &mut DbConnection, change: &Rollup) -> QueryResult<()> {
    match &mut *conn {
        DbConnection::Postgres(_) => apply_then(conn, change, ""),
        DbConnection::Sqlite(_) => {
            let change = change.clone().in_shards(SQLITE_SHARDS);
            apply_answers(conn, &change)?;
            add_counts(conn, &Counts::of_step(&change, chrono::Utc::now()))
        }
    }
}

/// SQLite's one writer never waits on a counter row's lock: one row each.
const SQLITE_SHARDS: i32 = 1;

/// Rows each inbox's new count is split over on `conn`'s database.
fn shards(conn: &DbConnection) -> i32 {
    match conn {
        DbConnection::Postgres(_) => shared::rollup::SHARDS,
        DbConnection::Sqlite(_) => SQLITE_SHARDS,
    }
}

/// PostgreSQL: adds `change` and runs `then` (SQL, such as `COMMIT`) in the
/// round trip of the counters. The inboxes' counters it upserts are few
/// and every registration adds to them, so each step holds their locks
/// from its upsert to its commit: sent with the `COMMIT`, that is the
/// server's own few microseconds, not a round trip and a wait for a busy
/// client thread between the two (with 16 writers, registrations queued
/// on those locks for 6 ms each). The dashboard's counters it leaves
/// pending ([`fold_pending`]).
pub fn apply_then(conn: &mut DbConnection, change: &Rollup, then: &str) -> QueryResult<()> {
    apply_answers(conn, change)?;
    let counts = Counts::of_step(change, chrono::Utc::now());
    let sql = if counts.rows() <= ONE_STATEMENT_ROWS {
        counts.sql() + then
    } else {
        add_counts(conn, &counts)?;
        then.to_owned()
    };
    if sql.is_empty() {
        return Ok(());
    }
    diesel::connection::SimpleConnection::batch_execute(conn, &sql)
}

/// The counter rows of a change, but for the answers.
struct Counts {
    days: Vec<DayRow>,
    months: Vec<MonthRow>,
    offices: Vec<OfficeRow>,
    backlog: Vec<BacklogRow>,
    inbox: Vec<InboxRow>,
    arrivals: Vec<ArrivalRow>,
}

impl Counts {
    /// The counter rows of `change` (no late arrivals: a count of letters).
    fn of(change: &Rollup) -> Counts {
        Counts {
            days: change.days.iter().map(DayRow::new).collect(),
            months: change.months.iter().map(MonthRow::new).collect(),
            offices: change.offices.iter().map(OfficeRow::new).collect(),
            backlog: change.backlog.iter().map(BacklogRow::new).collect(),
            inbox: change.inbox.iter().map(InboxRow::new).collect(),
            arrivals: Vec::new(),
        }
    }

    /// The rows a step taken at `now` adds: its counters, and a late
    /// arrival for each agency it brought a letter of a day before today
    /// (Tehran; a day's margin over what a dashboard may have summed for
    /// good, `last_settled_day`, so clocks a little apart still agree).
    fn of_step(change: &Rollup, now: chrono::DateTime<chrono::Utc>) -> Counts {
        Counts {
            arrivals: change
                .late_arrivals(shared::reports::tehran_day(now))
                .into_iter()
                .map(|agency_id| ArrivalRow { agency_id, n: 1 })
                .collect(),
            ..Counts::of(change)
        }
    }

    fn rows(&self) -> usize {
        self.days.len()
            + self.months.len()
            + self.offices.len()
            + self.backlog.len()
            + self.inbox.len()
            + self.arrivals.len()
    }
}

/// Adds the counters but for the answers, table by table.
fn add_counts(conn: &mut DbConnection, counts: &Counts) -> QueryResult<()> {
    let Counts {
        days,
        months,
        offices,
        backlog,
        inbox,
        arrivals,
    } = counts;
    {
        use report_days::dsl as t;
        insert_rows!(conn, t::report_days, days, |q| q
            .on_conflict((t::scope_kind, t::scope_id, t::day, t::kind, t::shard))
            .do_update()
            .set(t::n.eq(t::n + excluded(t::n))));
    }
    {
        use report_status_months::dsl as t;
        insert_rows!(conn, t::report_status_months, months, |q| q
            .on_conflict((t::scope_kind, t::scope_id, t::month, t::kind, t::shard))
            .do_update()
            .set(t::n.eq(t::n + excluded(t::n))));
    }
    {
        use report_offices::dsl as t;
        insert_rows!(conn, t::report_offices, offices, |q| q
            .on_conflict((
                t::scope_kind,
                t::scope_id,
                t::grain,
                t::period,
                t::counter_office_id
            ))
            .do_update()
            .set(t::n.eq(t::n + excluded(t::n))));
    }
    {
        use report_backlog::dsl as t;
        insert_rows!(conn, t::report_backlog, backlog, |q| q
            .on_conflict((
                t::scope_kind,
                t::scope_id,
                t::holder_agency_id,
                t::due_day,
                t::shard
            ))
            .do_update()
            .set(t::n.eq(t::n + excluded(t::n))));
    }
    {
        use inbox_new::dsl as t;
        insert_rows!(conn, t::inbox_new, inbox, |q| q
            .on_conflict((t::agency_id, t::shard))
            .do_update()
            .set(t::n.eq(t::n + excluded(t::n))));
    }
    {
        use report_late_arrivals::dsl as t;
        insert_rows!(conn, t::report_late_arrivals, arrivals, |q| q
            .on_conflict(t::agency_id)
            .do_update()
            .set(t::n.eq(t::n + excluded(t::n))));
    }
    Ok(())
}

fn apply_answers(conn: &mut DbConnection, change: &Rollup) -> QueryResult<()> {
    let keys: Vec<&AnswerKey> = change.answers.keys().collect();
    for chunk in keys.chunks(super::CHUNK / 4) {
        merge_answers(conn, chunk, &change.answers)?;
    }
    Ok(())
}

/// Counter rows a change has at most for [`Counts::sql`] (a step touches a
/// dozen; a rebuild, thousands, which go table by table).
const ONE_STATEMENT_ROWS: usize = 200;

impl Counts {
    /// PostgreSQL: the counters as statements for one round trip. The
    /// dashboard's go into one pending row ([`fold_pending`] adds them up
    /// later); the inboxes' new counts (an inbox poll reads them) and the
    /// late arrivals (a dashboard reads them to know its kept sums stale)
    /// are added at once, each in key order. The values are numbers, dates
    /// and status names, written as literals (nothing a caller typed).
    fn sql(&self) -> String {
        let Counts {
            inbox, arrivals, ..
        } = self;
        fn rows<T>(rows: &[T], row: impl Fn(&T) -> String) -> String {
            rows.iter().map(row).collect::<Vec<_>>().join(", ")
        }
        let mut sql = pending_sql(&pending_rows(self));
        if !inbox.is_empty() {
            sql.push_str(&format!(
                "INSERT INTO inbox_new (agency_id, shard, n) VALUES {} \
                 ON CONFLICT (agency_id, shard) DO UPDATE SET n = inbox_new.n + excluded.n;",
                rows(inbox, |r| format!(
                    "({}, {}, {})",
                    r.agency_id, r.shard, r.n
                ))
            ));
        }
        if !arrivals.is_empty() {
            sql.push_str(&format!(
                "INSERT INTO report_late_arrivals (agency_id, n) VALUES {} \
                 ON CONFLICT (agency_id) DO UPDATE SET n = report_late_arrivals.n + excluded.n;",
                rows(arrivals, |r| format!("({}, {})", r.agency_id, r.n))
            ));
        }
        sql
    }
}

/// PostgreSQL: one dashboard counter row of a step as `report_pending`
/// keeps it (migration 000032 says which counter keeps what in which
/// column): counter, scope kind, scope id, period, kind, part, ref id, n.
type PendingRow = (
    i16,
    i16,
    i32,
    chrono::NaiveDate,
    &'static str,
    i32,
    i32,
    i64,
);

/// The dashboard's counter rows of `counts`, in the order they are added.
fn pending_rows(counts: &Counts) -> Vec<PendingRow> {
    let Counts {
        days,
        months,
        offices,
        backlog,
        ..
    } = counts;
    let days = days
        .iter()
        .map(|r| (1, r.scope_kind, r.scope_id, r.day, r.kind, r.shard, 0, r.n));
    let months = months.iter().map(|r| {
        (
            2,
            r.scope_kind,
            r.scope_id,
            r.month,
            r.kind,
            r.shard,
            0,
            r.n,
        )
    });
    let offices = offices.iter().map(|r| {
        let (grain, office) = (i32::from(r.grain), r.counter_office_id);
        (
            3,
            r.scope_kind,
            r.scope_id,
            r.period,
            "",
            grain,
            office,
            r.n,
        )
    });
    let backlog = backlog.iter().map(|r| {
        let holder = r.holder_agency_id;
        (
            4,
            r.scope_kind,
            r.scope_id,
            r.due_day,
            "",
            r.shard,
            holder,
            r.n,
        )
    });
    days.chain(months).chain(offices).chain(backlog).collect()
}

/// The step's one `report_pending` row, its counter rows as parallel
/// arrays (nothing when the step changed no count). Kinds are status
/// names, checked to need no quoting.
fn pending_sql(rows: &[PendingRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    debug_assert!(rows
        .iter()
        .all(|r| r.4.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    fn array<T: std::fmt::Display>(
        rows: &[PendingRow],
        column: impl Fn(&PendingRow) -> T,
    ) -> String {
        let items: Vec<String> = rows.iter().map(|r| column(r).to_string()).collect();
        format!("'{{{}}}'", items.join(","))
    }
    format!(
        "INSERT INTO report_pending (counter, scope_kind, scope_id, period, kind, part, ref_id, n) \
         VALUES ({}, {}, {}, {}, {}, {}, {}, {});",
        array(rows, |r| r.0),
        array(rows, |r| r.1),
        array(rows, |r| r.2),
        array(rows, |r| r.3),
        array(rows, |r| format!("\"{}\"", r.4)),
        array(rows, |r| r.5),
        array(rows, |r| r.6),
        array(rows, |r| r.7),
    )
}

/// PostgreSQL: adds the dashboard counts the steps left pending to the
/// rollups, and removes them, in one statement; answers how many steps'
/// counts it added. Run ten times a second (so few wait), and before each
/// dashboard is read (so it counts every step committed before it).
/// Several at once are safe: each takes the rows the others did not, and
/// one that finds a row another is taking waits for it, then skips it, so
/// a dashboard's fold ends after every fold that began before it. Counter
/// rows are added to in key order, table by table, as every path does.
/// Each count goes to its one row ([`ONE_ROW`]), whatever shard an older
/// server left pending.
pub fn fold_pending(conn: &mut diesel::PgConnection) -> QueryResult<usize> {
    #[derive(QueryableByName)]
    struct Folded {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        steps: i64,
    }
    let folded: Folded = super::Kept(diesel::sql_query(
        "WITH taken AS (DELETE FROM report_pending RETURNING *), \
         counts AS (SELECT c.* FROM taken, \
             unnest(taken.counter, taken.scope_kind, taken.scope_id, taken.period, taken.kind, \
                    taken.part, taken.ref_id, taken.n) \
             AS c(counter, scope_kind, scope_id, period, kind, part, ref_id, n)), \
         days AS (INSERT INTO report_days (scope_kind, scope_id, day, kind, shard, n) \
             SELECT scope_kind, scope_id, period, kind, 0, CAST(SUM(n) AS BIGINT) FROM counts \
             WHERE counter = 1 GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4 \
             ON CONFLICT (scope_kind, scope_id, day, kind, shard) \
             DO UPDATE SET n = report_days.n + excluded.n), \
         months AS (INSERT INTO report_status_months (scope_kind, scope_id, month, kind, shard, n) \
             SELECT scope_kind, scope_id, period, kind, 0, CAST(SUM(n) AS BIGINT) FROM counts \
             WHERE counter = 2 GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4 \
             ON CONFLICT (scope_kind, scope_id, month, kind, shard) \
             DO UPDATE SET n = report_status_months.n + excluded.n), \
         offices AS (INSERT INTO report_offices \
                 (scope_kind, scope_id, grain, period, counter_office_id, n) \
             SELECT scope_kind, scope_id, CAST(part AS SMALLINT), period, ref_id, \
                 CAST(SUM(n) AS BIGINT) FROM counts \
             WHERE counter = 3 GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5 \
             ON CONFLICT (scope_kind, scope_id, grain, period, counter_office_id) \
             DO UPDATE SET n = report_offices.n + excluded.n), \
         backlog AS (INSERT INTO report_backlog \
                 (scope_kind, scope_id, holder_agency_id, due_day, shard, n) \
             SELECT scope_kind, scope_id, ref_id, period, 0, CAST(SUM(n) AS BIGINT) FROM counts \
             WHERE counter = 4 GROUP BY 1, 2, 3, 4 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4 \
             ON CONFLICT (scope_kind, scope_id, holder_agency_id, due_day, shard) \
             DO UPDATE SET n = report_backlog.n + excluded.n) \
         SELECT COUNT(*) AS steps FROM taken",
    ))
    .get_result(conn)?;
    Ok(usize::try_from(folded.steps).unwrap_or_default())
}

/// PostgreSQL: lets the space of the folded rows of `report_pending` be
/// used again. Each step's row is dead once folded, and autovacuum looks
/// at a table once a minute: meanwhile the steps' inserts went on at its
/// end and each fold read every page of it (40 s of registrations: 15 MB,
/// a fold 40 ms on average and 140 ms at worst). Vacuumed twice a second
/// it stays a few pages long. Not in a transaction (`VACUUM` cannot be).
pub fn vacuum_pending(conn: &mut diesel::PgConnection) -> QueryResult<()> {
    diesel::sql_query("VACUUM (SKIP_LOCKED) report_pending")
        .execute(conn)
        .map(drop)
}

/// Adds answer counts and histograms to their rows: makes sure each row
/// exists and holds its lock (a no-op update of an existing row), reads the
/// rows, and writes the merged values back.
fn merge_answers(
    conn: &mut DbConnection,
    keys: &[&AnswerKey],
    change: &BTreeMap<AnswerKey, AnswerCounts>,
) -> QueryResult<()> {
    use report_answers::dsl as t;
    let empty: Vec<AnswerRow> = keys
        .iter()
        .map(|k| AnswerRow::new(k, &AnswerCounts::default()))
        .collect();
    insert_rows!(conn, t::report_answers, empty, |q| q
        .on_conflict((
            t::scope_kind,
            t::scope_id,
            t::grain,
            t::period,
            t::agency_id
        ))
        .do_update()
        .set(t::answered.eq(t::answered)));
    let mut query = t::report_answers.into_boxed();
    for row in &empty {
        query = query.or_filter(
            t::scope_kind
                .eq(row.scope_kind)
                .and(t::scope_id.eq(row.scope_id))
                .and(t::grain.eq(row.grain))
                .and(t::period.eq(row.period))
                .and(t::agency_id.eq(row.agency_id)),
        );
    }
    let stored: BTreeMap<_, AnswerRow> = query
        .load::<AnswerRow>(conn)?
        .into_iter()
        .map(|row| (row.key(), row))
        .collect();
    let merged: Vec<AnswerRow> = keys
        .iter()
        .map(|k| {
            let blank = AnswerRow::new(k, &AnswerCounts::default());
            let mut counts = match stored.get(&blank.key()) {
                Some(row) => AnswerCounts {
                    answered: row.answered,
                    on_time: row.on_time,
                    hours: AnswerCounts::decode_hours(&row.hours),
                },
                None => AnswerCounts::default(),
            };
            counts.merge(&change[*k]);
            AnswerRow::new(k, &counts)
        })
        .collect();
    insert_rows!(conn, t::report_answers, merged, |q| q
        .on_conflict((
            t::scope_kind,
            t::scope_id,
            t::grain,
            t::period,
            t::agency_id
        ))
        .do_update()
        .set((
            t::answered.eq(excluded(t::answered)),
            t::on_time.eq(excluded(t::on_time)),
            t::hours.eq(excluded(t::hours)),
        )));
    Ok(())
}

/// Letters read per batch by [`rebuild`].
const REBUILD_BATCH: i64 = 20_000;

/// Counts every letter afresh into empty rollups, and the inboxes' new
/// deliveries, in the caller's transaction; answers how many letters were
/// counted.
pub fn rebuild(conn: &mut DbConnection) -> QueryResult<usize> {
    rebuild_inbox_counts(conn)?;
    if let DbConnection::Postgres(pg) = &mut *conn {
        // What the steps left pending is in the letters counted below.
        diesel::sql_query("DELETE FROM report_pending").execute(pg)?;
    }
    diesel::delete(report_days::table).execute(conn)?;
    diesel::delete(report_status_months::table).execute(conn)?;
    diesel::delete(report_offices::table).execute(conn)?;
    diesel::delete(report_answers::table).execute(conn)?;
    diesel::delete(report_backlog::table).execute(conn)?;
    diesel::delete(report_rollups_built::table).execute(conn)?;
    let mut total = Rollup::default();
    let mut after = 0;
    let mut counted = 0;
    loop {
        let batch: Vec<CountedLetter> = letters::table
            .filter(letters::id.gt(after))
            .order(letters::id)
            .limit(REBUILD_BATCH)
            .select((
                letters::id,
                letters::created_at,
                letters::counter_office_id,
                letters::status,
                letters::holder_agency_id,
                letters::due_at,
                letters::answer_agency_id,
                letters::answered_at,
            ))
            .load(conn)?;
        let Some(last) = batch.last().map(|l| l.id) else {
            break;
        };
        let mut dues: BTreeMap<i32, Dues> = BTreeMap::new();
        for (letter, agency, due) in deliveries::table
            .filter(deliveries::letter_id.gt(after))
            .filter(deliveries::letter_id.le(last))
            .filter(diesel::dsl::not(deliveries::is_copy))
            .group_by((deliveries::letter_id, deliveries::agency_id))
            .select((
                deliveries::letter_id,
                deliveries::agency_id,
                max(deliveries::due_at),
            ))
            .load::<(i32, i32, Option<NaiveDateTime>)>(conn)?
        {
            dues.entry(letter).or_default().push((agency, due));
        }
        for letter in &batch {
            let letter_dues = dues.get(&letter.id).map(Vec::as_slice).unwrap_or(&[]);
            total.add(&facts(letter, letter_dues), 1);
        }
        counted += batch.len();
        after = last;
    }
    let total = total.fold_dues(shared::rollup::fold_past_dues_before(chrono::Utc::now()));
    insert_fresh(conn, &total)?;
    mark_built(conn)?;
    Ok(counted)
}

/// Writes a whole rollup into the emptied tables of [`rebuild`]: plain
/// inserts, as there is nothing to add to. ([`apply`] would look each
/// answers row up first, and PostgreSQL spent most of a million letters'
/// rebuild planning those lookups.)
fn insert_fresh(conn: &mut DbConnection, total: &Rollup) -> QueryResult<()> {
    let answers: Vec<AnswerRow> = total
        .answers
        .iter()
        .map(|(key, counts)| AnswerRow::new(key, counts))
        .collect();
    insert_rows!(conn, report_answers::table, answers, |q| q);
    // The inboxes' counts follow deliveries, not letters: counted apart.
    let Counts {
        days,
        months,
        offices,
        backlog,
        inbox: _,
        arrivals: _,
    } = Counts::of(total);
    insert_rows!(conn, report_days::table, days, |q| q);
    insert_rows!(conn, report_status_months::table, months, |q| q);
    insert_rows!(conn, report_offices::table, offices, |q| q);
    insert_rows!(conn, report_backlog::table, backlog, |q| q);
    Ok(())
}

/// Counts each agency's new deliveries afresh (as migration 000022 did).
fn rebuild_inbox_counts(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::delete(inbox_new::table).execute(conn)?;
    let shards = shards(conn);
    diesel::sql_query(format!(
        "INSERT INTO inbox_new (agency_id, shard, n) \
         SELECT agency_id, id % {shards}, COUNT(*) FROM deliveries \
         WHERE closed_at IS NULL AND acknowledged_at IS NULL GROUP BY agency_id, id % {shards}"
    ))
    .execute(conn)
    .map(drop)
}

fn mark_built(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::insert_into(report_rollups_built::table)
        .values((
            report_rollups_built::id.eq(1),
            report_rollups_built::built_at.eq(super::directory::now()),
        ))
        .execute(conn)
        .map(drop)
}

/// Days before the open ones that [`prune_recent_days`] looks at: a job
/// that could not run for a week still finds the days that closed
/// meanwhile.
const PRUNE_DAYS_BACK: i64 = 7;

/// Removes the day counters that letters' moves left at zero on the days
/// that no longer take registrations (a day's letters answered, its
/// "delivered" row goes to zero): the same counts, and a dashboard's year
/// sums fewer rows. Days still open keep theirs, which the next step of
/// the day would write again. Safe with several instances at once.
/// Answers how many rows went.
pub fn prune_recent_days(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> QueryResult<usize> {
    use report_days::dsl as t;
    let open = shared::rollup::hot_since(now);
    let first = open - chrono::Duration::days(PRUNE_DAYS_BACK);
    let agencies: Vec<i32> = super::schema::agencies::table
        .select(super::schema::agencies::id)
        .load(conn)?;
    // Scope by scope, so each delete is a range of the key.
    let scopes =
        std::iter::once(RollupScope::Province).chain(agencies.into_iter().map(RollupScope::Agency));
    let mut gone = 0;
    for scope in scopes {
        let (kind, id) = scope.columns();
        gone += diesel::delete(
            t::report_days
                .filter(t::scope_kind.eq(kind))
                .filter(t::scope_id.eq(id))
                .filter(t::day.ge(first))
                .filter(t::day.lt(open))
                .filter(t::n.eq(0)),
        )
        .execute(conn)?;
    }
    Ok(gone)
}

/// Folds the backlog rows of due days long past (before
/// [`fold_past_dues_before`](shared::rollup::fold_past_dues_before)) into
/// one row per scope and holder on [`LONG_OVERDUE`]: all of them are
/// overdue, so the report needs only their sum, and the rows then stay as
/// many as the due days ahead however long the history. Steps that later
/// take a letter off a folded day add to that day's row again, which the
/// next run folds. Safe with steps and other instances at once: on
/// PostgreSQL the rows folded are the rows deleted, in one statement.
/// Answers how many rows it wrote or removed (for the log).
pub fn fold_past_dues(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> QueryResult<usize> {
    use diesel::sql_types::Date;
    use shared::rollup::LONG_OVERDUE;
    let before = shared::rollup::fold_past_dues_before(now);
    let folded = match &mut *conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "WITH moved AS (DELETE FROM report_backlog WHERE due_day > $1 AND due_day < $2 \
               RETURNING scope_kind, scope_id, holder_agency_id, n) \
             INSERT INTO report_backlog (scope_kind, scope_id, holder_agency_id, due_day, shard, n) \
             SELECT scope_kind, scope_id, holder_agency_id, $1, 0, CAST(SUM(n) AS BIGINT) FROM moved \
             GROUP BY scope_kind, scope_id, holder_agency_id \
             ON CONFLICT (scope_kind, scope_id, holder_agency_id, due_day, shard) \
             DO UPDATE SET n = report_backlog.n + excluded.n",
        )
        .bind::<Date, _>(LONG_OVERDUE)
        .bind::<Date, _>(before)
        .execute(pg)?,
        DbConnection::Sqlite(lite) => {
            // One writer: nothing moves between the two statements.
            diesel::sql_query(
                "INSERT INTO report_backlog (scope_kind, scope_id, holder_agency_id, due_day, shard, n) \
                 SELECT scope_kind, scope_id, holder_agency_id, ?1, 0, SUM(n) FROM report_backlog \
                 WHERE due_day > ?1 AND due_day < ?2 GROUP BY scope_kind, scope_id, holder_agency_id \
                 ON CONFLICT (scope_kind, scope_id, holder_agency_id, due_day, shard) \
                 DO UPDATE SET n = report_backlog.n + excluded.n",
            )
            .bind::<Date, _>(LONG_OVERDUE)
            .bind::<Date, _>(before)
            .execute(lite)?;
            diesel::sql_query("DELETE FROM report_backlog WHERE due_day > ?1 AND due_day < ?2")
                .bind::<Date, _>(LONG_OVERDUE)
                .bind::<Date, _>(before)
                .execute(lite)?
        }
    };
    let emptied =
        diesel::delete(report_backlog::table.filter(report_backlog::n.eq(0))).execute(conn)?;
    Ok(folded + emptied)
}

/// Counts the letters of a database whose rollups were never built (one
/// that had letters before they existed). Run at startup after migrations.
pub fn ensure_built(conn: &mut DbConnection) -> QueryResult<()> {
    let built: i64 = report_rollups_built::table.count().get_result(conn)?;
    if built == 0 {
        let counted = super::write_transaction(conn, rebuild)?;
        tracing::info!(letters = counted, "dashboard rollups built");
    }
    Ok(())
}
