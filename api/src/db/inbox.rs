//! Deliveries: the rows of agencies' inboxes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use diesel::sql_types::{Bool, Text};
use shared::search::{LetterSearch, ScopeWord};

use super::schema::{deliveries, letters};
use super::Condition;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = deliveries)]
pub struct DeliveryRow {
    pub id: i32,
    pub letter_id: i32,
    pub agency_id: i32,
    pub from_agency_id: Option<i32>,
    pub delivered_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<String>,
    pub agency_reference: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub overdue_notified_at: Option<NaiveDateTime>,
    pub agency_reference_date: Option<NaiveDate>,
    /// A copy (رونوشت), for information only.
    pub is_copy: bool,
}

/// Which deliveries of an agency to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxView {
    /// Not yet acknowledged (what an agency system polls).
    New,
    /// Still at the agency: not yet answered, referred on or rejected.
    Open,
}

/// Where a page starts: after a delivery id (delivery order), or after a
/// (due date, id) pair (due-date order, most urgent first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxCursor {
    Delivery(Option<i32>),
    Due(Option<(NaiveDateTime, i32)>),
}

/// Which of an agency's deliveries a page holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxFilter {
    pub view: InboxView,
    /// Only deliveries past their due date (never copies: they have none).
    pub overdue_only: bool,
    /// Only copies (`Some(true)`), only originals (`Some(false)`), or both.
    pub copies: Option<bool>,
    /// Only deliveries of letters that match (as the letters search does).
    pub search: Option<LetterSearch>,
    /// Delivered at or after this instant.
    pub delivered_from: Option<NaiveDateTime>,
    /// Delivered before this instant.
    pub delivered_before: Option<NaiveDateTime>,
}

impl InboxFilter {
    pub fn of(view: InboxView) -> InboxFilter {
        InboxFilter {
            view,
            overdue_only: false,
            copies: None,
            search: None,
            delivered_from: None,
            delivered_before: None,
        }
    }
}

/// The deliveries whose letter matches `search`. An exact code is looked up
/// in its index (a letter or an applicant's few). Words: on PostgreSQL the
/// stored `tsvector` of each letter among the agency's open deliveries is
/// checked, so the cost follows the inbox, never the agency's history; on
/// SQLite the word index is asked for the agency's letters with the words
/// (its scope word, as the letters search asks: `fts5`, from
/// [`super::letters::fts5_match`]), because FTS5 evaluates a whole `MATCH`
/// for each row it is asked about (1.6 ms a delivery at 1,000,000 letters).
fn matching(search: &LetterSearch, fts5: Option<String>) -> Condition<deliveries::table> {
    use diesel::dsl::sql;
    match (search, fts5) {
        (LetterSearch::TrackingCode(code), _) => Box::new(
            deliveries::letter_id.eq_any(
                letters::table
                    .filter(letters::tracking_code.eq(code.clone()))
                    .select(letters::id),
            ),
        ),
        (LetterSearch::NationalId(id), _) => Box::new(
            deliveries::letter_id.eq_any(
                letters::table
                    .filter(letters::applicant_national_id.eq(id.clone()))
                    .select(letters::id),
            ),
        ),
        (LetterSearch::Words(_), Some(fts5)) => Box::new(
            sql::<Bool>(
                "deliveries.letter_id IN (SELECT rowid FROM letters_fts WHERE letters_fts MATCH ",
            )
            .bind::<Text, _>(fts5)
            .sql(")"),
        ),
        (LetterSearch::Words(words), None) => Box::new(
            sql::<Bool>(
                "EXISTS (SELECT 1 FROM letters m WHERE m.id = deliveries.letter_id \
                 AND m.search_tsv @@ to_tsquery('simple', ",
            )
            .bind::<Text, _>(shared::search::tsquery(words, None))
            .sql("))"),
        ),
    }
}

/// A page of an agency's inbox, in delivery order or by due date.
///
/// Delivery order is asked for as `(agency_id, id)`, and on PostgreSQL with
/// the agency as a range of one: given `agency_id = $1`, the planner drops
/// the agency from the order, and when one agency's unacknowledged letters
/// are a large share of the table it walks the primary key from the first
/// delivery ever made, filtering (11,000 rows for a page of 50). A range
/// keeps the order, which only the agency's `(agency_id, id)` indexes give,
/// and `id > $after` still positions the scan (`>=` on the first column).
/// SQLite's planner has no such trap but would not position on `id` after a
/// range, so it keeps the equality.
pub fn inbox_page(
    conn: &mut DbConnection,
    agency_id: i32,
    filter: &InboxFilter,
    cursor: InboxCursor,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    let agency_as_range =
        matches!(cursor, InboxCursor::Delivery(_)) && matches!(conn, DbConnection::Postgres(_));
    let of_agency: Condition<deliveries::table> = if agency_as_range {
        Box::new(deliveries::agency_id.between(agency_id, agency_id))
    } else {
        Box::new(deliveries::agency_id.eq(agency_id))
    };
    let mut query = deliveries::table
        .filter(of_agency)
        .filter(deliveries::closed_at.is_null())
        .select(DeliveryRow::as_select())
        .into_boxed();
    if filter.view == InboxView::New {
        query = query.filter(deliveries::acknowledged_at.is_null());
    }
    if filter.overdue_only {
        query = query
            .filter(deliveries::due_at.lt(super::directory::now()))
            .filter(deliveries::is_copy.eq(false));
    }
    if let Some(copies) = filter.copies {
        query = query.filter(deliveries::is_copy.eq(copies));
    }
    if let Some(from) = filter.delivered_from {
        query = query.filter(deliveries::delivered_at.ge(from));
    }
    if let Some(before) = filter.delivered_before {
        query = query.filter(deliveries::delivered_at.lt(before));
    }
    if let Some(search) = &filter.search {
        let fts5 = match (search, &*conn) {
            (LetterSearch::Words(words), DbConnection::Sqlite(_)) => Some(
                super::letters::fts5_match(conn, words, Some(ScopeWord::Agency(agency_id)))?,
            ),
            _ => None,
        };
        query = query.filter(matching(search, fts5));
    }
    match cursor {
        InboxCursor::Delivery(after) => {
            if let Some(after) = after {
                query = query.filter(deliveries::id.gt(after));
            }
            query
                .order((deliveries::agency_id.asc(), deliveries::id.asc()))
                .limit(limit)
                .load(conn)
        }
        InboxCursor::Due(after) => {
            if let Some((due, id)) = after {
                let later = deliveries::due_at.gt(due);
                let same_due_later_id = deliveries::due_at.eq(due).and(deliveries::id.gt(id));
                query = query.filter(BoolExpressionMethods::or(later, same_due_later_id));
            }
            query
                .order((deliveries::due_at.asc(), deliveries::id.asc()))
                .limit(limit)
                .load(conn)
        }
    }
}

/// `<microseconds since the epoch>_<id>`: a due-date cursor as text.
pub fn due_cursor(due: NaiveDateTime, id: i32) -> String {
    format!("{}_{id}", due.and_utc().timestamp_micros())
}

pub fn parse_due_cursor(text: &str) -> Option<(NaiveDateTime, i32)> {
    let (micros, id) = text.split_once('_')?;
    let due = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
    Some((due, id.parse().ok()?))
}

/// (not yet acknowledged, open and past due) of an agency: the first from
/// its maintained counter (four rows, whatever the backlog), the second
/// from the index of open originals by due date alone (past due depends on
/// the hour, so it is counted, not kept).
pub fn inbox_counts(
    conn: &mut DbConnection,
    agency_id: i32,
    at: NaiveDateTime,
) -> QueryResult<(i64, i64)> {
    use super::schema::inbox_new;
    let new: i64 = inbox_new::table
        .filter(inbox_new::agency_id.eq(agency_id))
        .select(inbox_new::n)
        .load::<i64>(conn)?
        .into_iter()
        .sum();
    let overdue = deliveries::table
        .filter(deliveries::agency_id.eq(agency_id))
        .filter(deliveries::closed_at.is_null())
        .filter(diesel::dsl::not(deliveries::is_copy))
        .filter(deliveries::due_at.lt(at))
        .count()
        .get_result(conn)?;
    Ok((new, overdue))
}

/// A delivery of the agency (`NotFound` for another agency's).
pub fn delivery_of_agency(
    conn: &mut DbConnection,
    id: i32,
    agency_id: i32,
) -> QueryResult<DeliveryRow> {
    deliveries::table
        .filter(deliveries::id.eq(id))
        .filter(deliveries::agency_id.eq(agency_id))
        .select(DeliveryRow::as_select())
        .first(conn)
}

/// The letter's delivery that is still open (at most one at a time; copies
/// are not the letter's own).
pub fn open_delivery(conn: &mut DbConnection, letter_id: i32) -> QueryResult<Option<DeliveryRow>> {
    deliveries::table
        .filter(deliveries::letter_id.eq(letter_id))
        .filter(deliveries::closed_at.is_null())
        .filter(deliveries::is_copy.eq(false))
        .order(deliveries::id.desc())
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()
}

/// Whether the agency got the letter as a copy (one probe of the
/// letter's deliveries).
pub fn copy_at_agency(
    conn: &mut DbConnection,
    letter_id: i32,
    agency_id: i32,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        deliveries::table
            .filter(deliveries::letter_id.eq(letter_id))
            .filter(deliveries::agency_id.eq(agency_id))
            .filter(deliveries::is_copy),
    ))
    .get_result(conn)
}

/// Marks a delivery acknowledged, once (false when it already was), with
/// the secretariat number and day the agency registered it under.
pub fn acknowledge(
    conn: &mut DbConnection,
    id: i32,
    by: &str,
    reference: Option<(&str, NaiveDate)>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let acknowledged: Option<(i32, Option<NaiveDateTime>)> = super::on_backend!(conn, |c| {
        diesel::update(
            deliveries::table
                .filter(deliveries::id.eq(id))
                .filter(deliveries::acknowledged_at.is_null()),
        )
        .set((
            deliveries::acknowledged_at.eq(Some(at)),
            deliveries::acknowledged_by.eq(Some(by)),
            deliveries::agency_reference.eq(reference.map(|(number, _)| number)),
            deliveries::agency_reference_date.eq(reference.map(|(_, day)| day)),
        ))
        .returning((deliveries::agency_id, deliveries::closed_at))
        .get_result(c)
        .optional()
    })?;
    if let Some((agency_id, None)) = acknowledged {
        no_longer_new(conn, agency_id, id)?;
    }
    Ok(acknowledged.is_some())
}

/// An open delivery that stops being new (acknowledged, or closed before
/// it was), for its agency's count.
fn no_longer_new(conn: &mut DbConnection, agency_id: i32, id: i32) -> QueryResult<()> {
    super::rollups::add_step(
        conn,
        shared::rollup::Rollup::new_in_inbox(agency_id, id, -1),
    )
}

/// The next number of `agency`'s counter for the Jalali `year`. The counter
/// row stays locked (PostgreSQL) or the database written (SQLite's one
/// writer) until the acknowledgement commits, and rolls back with it: the
/// numbers are gap-free and each is given once.
pub fn next_reference_seq(conn: &mut DbConnection, agency: i32, year: i32) -> QueryResult<i64> {
    use super::schema::agency_reference_counters as c;
    super::on_backend!(conn, |conn| diesel::insert_into(c::table)
        .values((
            c::agency_id.eq(agency),
            c::year.eq(year),
            c::last_seq.eq(1_i64)
        ))
        .on_conflict((c::agency_id, c::year))
        .do_update()
        .set(c::last_seq.eq(c::last_seq + 1_i64))
        .returning(c::last_seq)
        .get_result(conn))
}

/// Closes an open delivery (a closed one keeps the time it was closed).
pub fn close_delivery(conn: &mut DbConnection, id: i32, at: NaiveDateTime) -> QueryResult<()> {
    let closed: Option<(i32, Option<NaiveDateTime>)> = super::on_backend!(conn, |c| {
        diesel::update(
            deliveries::table
                .filter(deliveries::id.eq(id))
                .filter(deliveries::closed_at.is_null()),
        )
        .set(deliveries::closed_at.eq(Some(at)))
        .returning((deliveries::agency_id, deliveries::acknowledged_at))
        .get_result(c)
        .optional()
    })?;
    match closed {
        Some((agency_id, None)) => no_longer_new(conn, agency_id, id),
        _ => Ok(()),
    }
}

/// A new version of a letter whose state stays as it is but whose wire form
/// changed (a copy filed: its `seen_at` and secretariat number), so that
/// ETags and caches see the change.
pub fn touch_letter(conn: &mut DbConnection, id: i32, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(letters::table.find(id))
        .set((
            letters::version.eq(letters::version + 1),
            letters::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Changes a letter only if nobody changed it since `version` was read
/// (optimistic locking); false means another writer won.
pub fn bump_letter(
    conn: &mut DbConnection,
    id: i32,
    version: i32,
    status: &str,
    holder_agency_id: i32,
    due_at: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        letters::table
            .filter(letters::id.eq(id))
            .filter(letters::version.eq(version)),
    )
    .set((
        letters::status.eq(status),
        letters::holder_agency_id.eq(holder_agency_id),
        letters::due_at.eq(due_at),
        letters::version.eq(version + 1),
        letters::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_answer(
    conn: &mut DbConnection,
    id: i32,
    body: &str,
    agency_id: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(letters::table.find(id))
        .set((
            letters::answer_body.eq(Some(body)),
            letters::answer_agency_id.eq(Some(agency_id)),
            letters::answered_at.eq(Some(at)),
        ))
        .execute(conn)
        .map(drop)
}

/// Open deliveries past their due date whose applicant was not told yet,
/// longest overdue first.
pub fn overdue_unnotified(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    deliveries::table
        .filter(deliveries::closed_at.is_null())
        .filter(deliveries::due_at.lt(at))
        .filter(deliveries::overdue_notified_at.is_null())
        .order((deliveries::due_at.asc(), deliveries::id.asc()))
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}

pub fn mark_overdue_notified(
    conn: &mut DbConnection,
    id: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(deliveries::table.find(id))
        .set(deliveries::overdue_notified_at.eq(Some(at)))
        .execute(conn)
        .map(drop)
}
