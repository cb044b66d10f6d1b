//! Letters, deliveries, the event chain, attachments and the SMS outbox:
//! rows and queries. Every function takes the connection of the caller's
//! transaction; the routes decide the transaction boundaries.

use shared::search::{FtsWord, ScopeWord, MOST_TERMS};
use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use shared::chain::{event_hash, EventFields, GENESIS};
use shared::letters::{
    AgencyReference, Applicant, ApplicantKind, Attachment, Classification, Letter, LetterAnswer,
    LetterCopy, LetterEvent, LetterSummary, Priority, RelatedLetter, Relation,
};
use shared::search::LetterSearch;
use shared::workflow::{allowed_actions, Status};

use super::directory::{agency_names, now, office_names, Named};
use super::schema::{attachments, deliveries, letter_events, letters, notifications};
use super::together::Unread;
use super::{fixed_around, DbConnection, Fixed, QueryBackend};

/// Which letters a caller may see; applied inside every query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Admins and auditors.
    All,
    /// An operator (or office-bound client): the office's letters.
    Office(i32),
    /// A clerk (or agency-bound client): letters that are or were at the agency.
    Agency(i32),
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = letters)]
pub struct LetterRow {
    pub id: i32,
    pub tracking_code: String,
    pub counter_office_id: i32,
    pub registered_by: String,
    pub applicant_kind: String,
    pub applicant_national_id: String,
    pub applicant_first_name: Option<String>,
    pub applicant_last_name: Option<String>,
    pub applicant_father_name: Option<String>,
    pub applicant_organization_name: Option<String>,
    pub applicant_representative_name: Option<String>,
    pub applicant_mobile: String,
    pub applicant_postal_code: Option<String>,
    pub applicant_address: Option<String>,
    pub applicant_reference: Option<String>,
    pub recipient_agency_id: i32,
    pub holder_agency_id: i32,
    pub subject: String,
    pub body: String,
    pub priority: String,
    pub status: String,
    pub version: i32,
    pub due_at: Option<NaiveDateTime>,
    pub answer_body: Option<String>,
    pub answer_agency_id: Option<i32>,
    pub answered_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// `normal` or `confidential` ([`Classification`]).
    pub classification: String,
}

/// The columns of a letter its summary shows (lists and searches): a page
/// of fifty read without the letters' texts, search words and the
/// applicant's contact details, which no list shows (per letter on the page,
/// that was a third of a words search's time at a million letters).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct LetterListRow {
    pub id: i32,
    pub tracking_code: String,
    pub counter_office_id: i32,
    pub applicant_kind: String,
    pub applicant_national_id: String,
    pub applicant_first_name: Option<String>,
    pub applicant_last_name: Option<String>,
    pub applicant_organization_name: Option<String>,
    pub recipient_agency_id: i32,
    pub holder_agency_id: i32,
    pub subject: String,
    pub priority: String,
    pub status: String,
    pub due_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub classification: String,
}

impl LetterListRow {
    fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Registered)
    }

    fn overdue(&self, at: NaiveDateTime) -> bool {
        overdue(self.status(), self.due_at, at)
    }

    /// The applicant's name as lists show it ([`Applicant::display_name`]).
    fn applicant_name(&self) -> String {
        Applicant {
            kind: ApplicantKind::parse(&self.applicant_kind),
            first_name: self.applicant_first_name.clone(),
            last_name: self.applicant_last_name.clone(),
            organization_name: self.applicant_organization_name.clone(),
            ..Applicant::default()
        }
        .display_name()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = letters, treat_none_as_default_value = false)]
pub struct NewLetterRow<'a> {
    pub tracking_code: &'a str,
    pub counter_office_id: i32,
    pub registered_by: &'a str,
    pub applicant_kind: &'a str,
    pub applicant_national_id: &'a str,
    pub applicant_first_name: Option<&'a str>,
    pub applicant_last_name: Option<&'a str>,
    pub applicant_father_name: Option<&'a str>,
    pub applicant_organization_name: Option<&'a str>,
    pub applicant_representative_name: Option<&'a str>,
    pub applicant_mobile: &'a str,
    pub applicant_postal_code: Option<&'a str>,
    pub applicant_address: Option<&'a str>,
    pub applicant_reference: Option<&'a str>,
    pub recipient_agency_id: i32,
    pub holder_agency_id: i32,
    pub subject: &'a str,
    pub body: &'a str,
    pub priority: &'a str,
    pub status: &'a str,
    pub version: i32,
    pub due_at: Option<NaiveDateTime>,
    /// Always `None` at registration (only `chapar seed` writes answered letters at once).
    pub answer_body: Option<&'a str>,
    pub answer_agency_id: Option<i32>,
    pub answered_at: Option<NaiveDateTime>,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub classification: &'a str,
}

/// Past its due date while an agency still has to act.
fn overdue(status: Status, due_at: Option<NaiveDateTime>, at: NaiveDateTime) -> bool {
    status.awaits_agency() && due_at.is_some_and(|d| d < at)
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

impl LetterRow {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Registered)
    }

    pub fn classification(&self) -> Classification {
        Classification::parse(&self.classification).unwrap_or_default()
    }

    pub fn is_confidential(&self) -> bool {
        self.classification() == Classification::Confidential
    }

    pub fn overdue(&self, at: NaiveDateTime) -> bool {
        overdue(self.status(), self.due_at, at)
    }

    pub fn applicant(&self) -> Applicant {
        Applicant {
            kind: ApplicantKind::parse(&self.applicant_kind),
            national_id: self.applicant_national_id.clone(),
            first_name: self.applicant_first_name.clone(),
            last_name: self.applicant_last_name.clone(),
            father_name: self.applicant_father_name.clone(),
            organization_name: self.applicant_organization_name.clone(),
            representative_name: self.applicant_representative_name.clone(),
            mobile: self.applicant_mobile.clone(),
            postal_code: self.applicant_postal_code.clone(),
            address: self.applicant_address.clone(),
        }
    }

    /// The agency's answer, if there is one (`agency_code` names the answering agency).
    pub fn answer(&self, agency: impl Fn(i32) -> Named) -> Option<LetterAnswer> {
        match (&self.answer_body, self.answer_agency_id, self.answered_at) {
            (Some(body), Some(id), Some(at)) => {
                let Named { code, name } = agency(id);
                Some(LetterAnswer {
                    body: body.clone(),
                    agency_code: code,
                    agency_name: name,
                    answered_at: utc(at),
                })
            }
            _ => None,
        }
    }

    /// The ETag of this version of the letter.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.version)
    }

    /// The ETag of this version as the caller sees it: the concealed form
    /// of a confidential letter is another representation, so a browser
    /// that cached a reader's copy never gets a 304 for it (nor the reverse).
    pub fn etag_as_seen(&self, concealed: bool) -> String {
        if concealed {
            format!("\"{}-{}-concealed\"", self.id, self.version)
        } else {
            self.etag()
        }
    }
}

/// Text stored for the letters search: subject, applicant names, national
/// id and tracking code, Persian-normalised and lower-cased, and the words
/// of who may see the letter (its office, its first agency; see
/// [`ScopeWord`]).
pub fn letter_search_text(
    tracking_code: &str,
    applicant: &Applicant,
    subject: &str,
    office_id: i32,
    agency_id: i32,
) -> String {
    shared::directory::search_text(&[
        tracking_code,
        &applicant.national_id,
        &applicant.display_name(),
        applicant.representative_name.as_deref().unwrap_or_default(),
        subject,
        &ScopeWord::Office(office_id).text(),
        &ScopeWord::Agency(agency_id).text(),
    ])
}

/// `search_text` with the words of `more` (normalised) it lacks appended:
/// an agency's secretariat number, given when it acknowledges, or the scope
/// word of an agency the letter is referred to.
pub fn search_text_with(search_text: &str, more: &str) -> String {
    let more = shared::directory::search_text(&[more]);
    let known: std::collections::HashSet<&str> = search_text.split_whitespace().collect();
    let new: Vec<&str> = more
        .split_whitespace()
        .filter(|w| !known.contains(w))
        .collect();
    if new.is_empty() {
        search_text.to_owned()
    } else {
        format!("{search_text} {}", new.join(" "))
    }
}

/// Makes the letter findable by more text as well (see [`search_text_with`]).
pub fn add_search_text(conn: &mut DbConnection, letter: &LetterRow, more: &str) -> QueryResult<()> {
    let text = search_text_with(&letter.search_text, more);
    if text == letter.search_text {
        return Ok(());
    }
    diesel::update(letters::table.find(letter.id))
        .set(letters::search_text.eq(text))
        .execute(conn)
        .map(drop)
}

/// SQLite: brings the words index (`letters_fts`, and the terms kept for
/// prefix words) up to date with the letters written since its last pass,
/// in one pass per transaction (migration 000027): run just before every
/// write transaction commits, so no reader sees a letter the index lacks.
/// FTS5 writes a segment per statement that changes it, so one statement
/// for all of a group commit's letters is far cheaper than one per letter.
pub(crate) fn index_changed_letters(conn: &mut diesel::SqliteConnection) -> QueryResult<()> {
    use diesel::sql_types::Bool;
    #[derive(QueryableByName)]
    struct Changed {
        #[diesel(sql_type = Bool)]
        any: bool,
    }
    let changed = diesel::sql_query("SELECT EXISTS (SELECT 1 FROM letters_search_changed) AS any")
        .get_result::<Changed>(conn)?;
    if changed.any {
        for statement in INDEX_CHANGED_LETTERS {
            diesel::sql_query(statement).execute(conn)?;
        }
    }
    Ok(())
}

/// The statements of [`index_changed_letters`] (public for the query-plan
/// test: each reads the letters it indexes by id, never the whole table).
pub const INDEX_CHANGED_LETTERS: [&str; 6] = [
    "INSERT INTO letters_fts (letters_fts, rowid, search_text) \
     SELECT 'delete', letter_id, indexed_text FROM letters_search_changed \
     WHERE indexed_text IS NOT NULL",
    "INSERT INTO letters_fts (rowid, search_text) SELECT letters.id, letters.search_text \
     FROM letters_search_changed JOIN letters ON letters.id = letters_search_changed.letter_id",
    // The new terms are read back from FTS5 itself, so they are its
    // tokenizer's to the byte (see migration 000024).
    "INSERT INTO letters_fts_scratch (rowid, search_text) SELECT letters.id, letters.search_text \
     FROM letters_search_changed JOIN letters ON letters.id = letters_search_changed.letter_id",
    "INSERT OR IGNORE INTO letters_fts_terms (term) SELECT term FROM letters_fts_scratch_terms",
    "INSERT INTO letters_fts_scratch (letters_fts_scratch) VALUES ('delete-all')",
    "DELETE FROM letters_search_changed",
];

/// SQLite: the FTS5 `MATCH` of a words search, each word that is one term
/// ([`shared::search::is_one_token`]) asked as the whole terms it begins
/// when there are at most [`MOST_TERMS`] of them (migration 000024 keeps
/// every term the index holds); other words as prefixes.
pub fn fts5_match(
    conn: &mut DbConnection,
    words: &[String],
    scope: Option<ScopeWord>,
) -> QueryResult<String> {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Term {
        #[diesel(sql_type = Text)]
        term: String,
    }
    let mut asked = Vec::with_capacity(words.len());
    for word in words {
        let terms: Vec<String> = if shared::search::is_one_token(word) {
            let (from, to) = shared::search::terms_range(word);
            diesel::sql_query(
                "SELECT term FROM letters_fts_terms WHERE term >= ? AND term < ? \
                 ORDER BY term LIMIT ?",
            )
            .bind::<Text, _>(from)
            .bind::<Text, _>(to)
            .bind::<BigInt, _>(MOST_TERMS as i64 + 1)
            .load::<Term>(conn)?
            .into_iter()
            .map(|t| t.term)
            .collect()
        } else {
            Vec::new()
        };
        asked.push(if (1..=MOST_TERMS).contains(&terms.len()) {
            FtsWord::Terms(terms)
        } else {
            FtsWord::Prefix(word.clone())
        });
    }
    Ok(shared::search::fts5_query(&asked, scope))
}

/// The scope word a words search of `scope` asks the index for.
fn scope_word(scope: Scope) -> Option<ScopeWord> {
    match scope {
        Scope::All => None,
        Scope::Office(id) => Some(ScopeWord::Office(id)),
        Scope::Agency(id) => Some(ScopeWord::Agency(id)),
    }
}

/// Inserts a letter in one statement; `None` when its tracking code is
/// already taken (the caller draws another: at a million letters, one draw
/// in ten thousand).
pub fn insert_letter(
    conn: &mut DbConnection,
    row: &NewLetterRow<'_>,
) -> QueryResult<Option<LetterRow>> {
    on_backend!(conn, |c| diesel::insert_into(letters::table)
        .values(row)
        .on_conflict(letters::tracking_code)
        .do_nothing()
        .returning(LetterRow::as_returning())
        .get_result(c)
        .optional())
}

/// Restricts a boxed query that reads `letters` to what `scope` may see (a
/// macro, as the words search queries the FTS index joined to letters).
macro_rules! scoped {
    ($query:expr, $scope:expr) => {
        match $scope {
            Scope::All => $query,
            Scope::Office(office) => $query.filter(letters::counter_office_id.eq(office)),
            Scope::Agency(agency) => $query.filter(diesel::dsl::exists(
                deliveries::table
                    .filter(deliveries::letter_id.eq(letters::id))
                    .filter(deliveries::agency_id.eq(agency)),
            )),
        }
    };
}

/// Restricts a query of letters to what `scope` may see. For an agency, one
/// indexed probe of `deliveries` per letter ("is it or was it at the
/// agency?") rather than the set of every letter the agency ever had.
pub(crate) fn in_scope<'a, ST: 'a>(
    query: letters::BoxedQuery<'a, QueryBackend, ST>,
    scope: Scope,
) -> letters::BoxedQuery<'a, QueryBackend, ST> {
    scoped!(query, scope)
}

/// "The letter waits for an agency" (status delivered or received), written
/// out rather than bound so both planners can use the partial indexes that
/// hold only open letters (`letters_open`, `letters_open_due`).
pub(crate) fn awaiting_agency() -> super::Fixed<diesel::sql_types::Bool> {
    debug_assert_eq!(Status::AWAITING_AGENCY_NAMES, ["delivered", "received"]);
    super::fixed("letters.status IN ('delivered', 'received')")
}

/// One letter, if the scope allows it (otherwise `NotFound`, as if it did not exist).
pub fn letter_in_scope(conn: &mut DbConnection, id: i32, scope: Scope) -> QueryResult<LetterRow> {
    let query = letters::table
        .filter(letters::id.eq(id))
        .select(LetterRow::as_select())
        .into_boxed();
    in_scope(query, scope).first(conn)
}

pub fn letter_by_tracking_code(
    conn: &mut DbConnection,
    code: &str,
) -> QueryResult<Option<LetterRow>> {
    letters::table
        .filter(letters::tracking_code.eq(code))
        .select(LetterRow::as_select())
        .first(conn)
        .optional()
}

/// Filters of the letters list.
#[derive(Debug, Default, Clone)]
pub struct LetterFilter {
    pub status: Option<Status>,
    pub holder_agency_id: Option<i32>,
    pub office_id: Option<i32>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub overdue: Option<bool>,
    pub q: Option<LetterSearch>,
    /// Newest first: the page starts below this id.
    pub before_id: Option<i32>,
    /// Open letters by due date, most urgent first (instead of newest first);
    /// the page starts after this (due date, id).
    pub by_due: bool,
    pub after_due: Option<(NaiveDateTime, i32)>,
    pub limit: i64,
}

impl LetterFilter {
    /// Whether a filter other than the search, the page and the order
    /// leaves letters out.
    fn narrowed(&self) -> bool {
        self.status.is_some()
            || self.holder_agency_id.is_some()
            || self.office_id.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.overdue.is_some()
    }
}

/// The list's scope, filters, page and order applied to a boxed query of
/// letters (from `letters`, or from SQLite's FTS index joined to it): one
/// body for both query types. `$id` is the column that orders newest first
/// (the FTS rowid, so SQLite reads matches in that order and stops at the
/// page).
macro_rules! listed {
    ($query:expr, $scope:expr, $f:expr, $id:expr) => {{
        let f: &LetterFilter = $f;
        let mut query = scoped!($query, $scope);
        if let Some(status) = f.status {
            query = query.filter(letters::status.eq(status.as_str()));
        }
        if let Some(agency) = f.holder_agency_id {
            query = query.filter(letters::holder_agency_id.eq(agency));
        }
        if let Some(office) = f.office_id {
            query = query.filter(letters::counter_office_id.eq(office));
        }
        if let Some(from) = f.from {
            query = query.filter(letters::created_at.ge(from));
        }
        if let Some(to) = f.to {
            query = query.filter(letters::created_at.lt(to));
        }
        if let Some(overdue) = f.overdue {
            let at = now();
            query = if overdue {
                query.filter(awaiting_agency().and(letters::due_at.lt(at)))
            } else {
                query.filter(
                    letters::status
                        .ne_all(Status::AWAITING_AGENCY_NAMES)
                        .or(letters::due_at.is_null())
                        .or(letters::due_at.ge(at)),
                )
            };
        }
        if f.by_due {
            query = query.filter(letters::due_at.is_not_null());
            if let Some((due, id)) = f.after_due {
                let later = letters::due_at.gt(due);
                let same_due_later_id = letters::due_at.eq(due).and(letters::id.gt(id));
                query = query.filter(BoolExpressionMethods::or(later, same_due_later_id));
            }
            query
                .order((letters::due_at.asc(), letters::id.asc()))
                .limit(f.limit)
        } else {
            if let Some(before) = f.before_id {
                query = query.filter($id.lt(before));
            }
            query.order($id.desc()).limit(f.limit)
        }
    }};
}

pub fn list_letters(
    conn: &mut DbConnection,
    scope: Scope,
    f: &LetterFilter,
) -> QueryResult<Vec<LetterListRow>> {
    use super::schema::letters_fts;
    use diesel::dsl::sql;
    use diesel::sql_types::{Bool, Text};
    match (&f.q, &*conn) {
        // Driven by the index, newest match first: the page's cost follows
        // the matches read before it is full, not every match ever.
        (Some(LetterSearch::Words(words)), DbConnection::Sqlite(_)) => {
            let asked = fts5_match(conn, words, scope_word(scope))?;
            let query = letters_fts::table
                .inner_join(letters::table.on(letters::id.eq(letters_fts::rowid)))
                .select(LetterListRow::as_select())
                .filter(sql::<Bool>("letters_fts MATCH ").bind::<Text, _>(asked))
                .into_boxed();
            listed!(query, scope, f, letters_fts::rowid).load(conn)
        }
        (q, _) => {
            let rare = match q {
                Some(LetterSearch::Words(words)) => {
                    if let Some(page) = scoped_matches(conn, scope, f, words)? {
                        return Ok(page);
                    }
                    let rare = some_word_is_rare(conn, words)?;
                    let walked = !rare && walks_newest(scope, f);
                    if walked {
                        if let Some(page) = newest_matches(conn, scope, f, words)? {
                            return Ok(page);
                        }
                    }
                    // Common words the walk found few of go to the index too.
                    rare || walked
                }
                _ => false,
            };
            let mut query = letters::table
                .select(LetterListRow::as_select())
                .into_boxed();
            match q {
                None => {}
                Some(LetterSearch::TrackingCode(code)) => {
                    query = query.filter(letters::tracking_code.eq(code.clone()))
                }
                Some(LetterSearch::NationalId(id)) => {
                    query = query.filter(letters::applicant_national_id.eq(id.clone()))
                }
                Some(LetterSearch::Words(words)) => {
                    query = query.filter(words_match(words, scope_word(scope), rare))
                }
            }
            listed!(query, scope, f, letters::id).load(conn)
        }
    }
}

/// PostgreSQL, a words search of an office or an agency, newest first,
/// from the words kept by scope (`letter_words`, migration 000023): the
/// terms that start with the driving word (the longest that
/// [`drives_scoped_search`](shared::search::drives_scoped_search)), found
/// one index seek each, then the newest entries of each term, then those letters'
/// rows with every word and filter. It reads a page's worth of entries,
/// not every match in the scope. `None` when it cannot tell the page — no
/// word can drive, the word starts more than
/// [`MOST_TERMS`] terms, or the other words and
/// filters left a window of candidates short — and the caller asks the GIN
/// index instead.
fn scoped_matches(
    conn: &mut DbConnection,
    scope: Scope,
    f: &LetterFilter,
    words: &[String],
) -> QueryResult<Option<Vec<LetterListRow>>> {
    use diesel::sql_types::{BigInt, Integer, Text};
    #[derive(QueryableByName)]
    struct Candidate {
        #[diesel(sql_type = Integer)]
        letter_id: i32,
        #[diesel(sql_type = BigInt)]
        terms: i64,
    }
    let (DbConnection::Postgres(pg), Some(scope_word)) = (&mut *conn, scope_word(scope)) else {
        return Ok(None);
    };
    let Some(driving) = words
        .iter()
        .filter(|w| shared::search::drives_scoped_search(w))
        .max_by_key(|w| w.chars().count())
    else {
        return Ok(None);
    };
    if f.by_due {
        return Ok(None);
    }
    // Only the driving word and the scope decide the candidates: with no
    // other word or filter they are the page itself.
    let unfiltered = words.len() == 1 && !f.narrowed();
    let wanted = if unfiltered { f.limit } else { SCOPED_WINDOW };
    let (from, to) = shared::search::terms_range(driving);
    let candidates: Vec<Candidate> = super::Kept(
        diesel::sql_query(
            "WITH RECURSIVE t(word) AS ( \
           (SELECT word FROM letter_words WHERE scope = $1 AND word >= $2 AND word < $3 \
            ORDER BY word LIMIT 1) \
           UNION ALL \
           SELECT (SELECT w.word FROM letter_words w WHERE w.scope = $1 AND w.word > t.word \
                   AND w.word < $3 ORDER BY w.word LIMIT 1) \
           FROM t WHERE t.word IS NOT NULL), \
         terms AS (SELECT word FROM t WHERE word IS NOT NULL LIMIT $4) \
         SELECT c.letter_id, (SELECT COUNT(*) FROM terms) AS terms \
         FROM terms, LATERAL (SELECT w.letter_id FROM letter_words w \
              WHERE w.scope = $1 AND w.word = terms.word AND w.letter_id < $5 \
              ORDER BY w.letter_id DESC LIMIT $6) c \
         GROUP BY c.letter_id ORDER BY c.letter_id DESC LIMIT $6",
        )
        .bind::<Text, _>(scope_word.text())
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .bind::<BigInt, _>(MOST_TERMS as i64 + 1)
        .bind::<Integer, _>(f.before_id.unwrap_or(i32::MAX))
        .bind::<BigInt, _>(wanted),
    )
    .load(pg)?;
    if candidates
        .first()
        .is_some_and(|c| c.terms > MOST_TERMS as i64)
    {
        return Ok(None);
    }
    let ids: Vec<i32> = candidates.iter().map(|c| c.letter_id).collect();
    let query = letters::table
        .select(LetterListRow::as_select())
        .filter(letters::id.eq_any(&ids))
        .filter(words_match(words, None, false))
        .into_boxed();
    let page = listed!(query, scope, f, letters::id).load(conn)?;
    // Fewer candidates than asked for are every match of the driving word.
    let complete = (ids.len() as i64) < wanted || page.len() as i64 >= f.limit;
    Ok(complete.then_some(page))
}

/// How many of the newest letters with the driving word a scoped search
/// sifts by its other words and filters before it asks the GIN index.
const SCOPED_WINDOW: i64 = 500;

/// How many of the scope's newest letters a search by common words walks
/// before it looks the words up in the index instead.
const WORDS_WALK_WINDOW: i64 = 2_000;

/// Whether [`newest_matches`] may walk: the newest letters of the whole
/// province or of an office, newest first, with no other filter, are the
/// first entries of an index (the primary key, `letters_office`); other
/// scopes and filters would sift history to find the window.
fn walks_newest(scope: Scope, f: &LetterFilter) -> bool {
    matches!(scope, Scope::All | Scope::Office(_)) && !f.by_due && !f.narrowed()
}

/// PostgreSQL, common words, newest first: the page from a walk of the
/// scope's newest [`WORDS_WALK_WINDOW`] letters, if it fills (no older match
/// can then be on it) or the scope has no more letters; `None` sends the
/// search to the index. Words common among all letters can be rare among a
/// scope's newest (a surname common in the province, absent from an
/// office's last thousand letters): an unbounded walk until the page is
/// full would read the office's whole history.
fn newest_matches(
    conn: &mut DbConnection,
    scope: Scope,
    f: &LetterFilter,
    words: &[String],
) -> QueryResult<Option<Vec<LetterListRow>>> {
    let bound_filter = LetterFilter {
        q: None,
        limit: 1,
        ..f.clone()
    };
    let oldest_walked: Option<i32> = listed!(
        letters::table.select(letters::id).into_boxed(),
        scope,
        &bound_filter,
        letters::id
    )
    .offset(WORDS_WALK_WINDOW - 1)
    .first(conn)
    .optional()?;
    let mut query = letters::table
        .select(LetterListRow::as_select())
        .filter(words_match(words, None, false))
        .into_boxed();
    if let Some(oldest) = oldest_walked {
        query = query.filter(letters::id.ge(oldest));
    }
    let page = listed!(query, scope, f, letters::id).load(conn)?;
    let complete = oldest_walked.is_none() || page.len() as i64 >= f.limit;
    Ok(complete.then_some(page))
}

/// The candidates of a duplicate check: letters of the applicant
/// `national_id` in `scope`, awaiting `agency_id` (sent to it, or held by it
/// now), registered since `since`. Few by nature — one applicant's month —
/// and found through the national ID index.
pub fn open_letters_of_applicant(
    conn: &mut DbConnection,
    scope: Scope,
    national_id: &str,
    agency_id: i32,
    since: NaiveDateTime,
) -> QueryResult<Vec<LetterListRow>> {
    let query = letters::table
        .select(LetterListRow::as_select())
        .filter(letters::applicant_national_id.eq(national_id.to_owned()))
        .filter(letters::created_at.ge(since))
        .filter(awaiting_agency())
        .filter(
            letters::recipient_agency_id
                .eq(agency_id)
                .or(letters::holder_agency_id.eq(agency_id)),
        )
        .order(letters::id.desc())
        .limit(50)
        .into_boxed();
    in_scope(query, scope).load(conn)
}

/// PostgreSQL: letters whose search text has every word (as a prefix),
/// through the GIN index of the stored `search_tsv`. How depends on how
/// common the words are ([`some_word_is_rare`]): a rare word is looked up in
/// the index (its matches are few); when every word is common, the newest
/// letters are walked until the page is full (matches are dense), which is
/// what the planner does for a plain `@@` under `LIMIT`.
///
/// Kept prepared only for the lookup of rare words, whose plan does not
/// hang on the words. Any other is planned for its words each time: a plan
/// kept for any words intersected the office's letters with every match of
/// the index, one that thinks them rare (3.6 ms against 0.15 for 15
/// candidate letters at 10,000 letters, and growing with history).
fn words_match(
    words: &[String],
    scope: Option<ScopeWord>,
    rare: bool,
) -> Fixed<diesel::sql_types::Bool, diesel::sql_types::Text, String> {
    let tsquery = shared::search::tsquery(words, scope.filter(|_| rare));
    if rare {
        // ARRAY(…): one index lookup, never a walk testing each letter; the
        // scope word makes the index yield only the caller's letters.
        let open = "letters.id = ANY(ARRAY(SELECT m.id FROM letters m WHERE m.search_tsv @@ to_tsquery('simple', ";
        fixed_around(open, tsquery, ")))")
    } else {
        // No scope word: the scope's own index orders the walk, and with the
        // word the planner would count the scope twice, misjudge the matches
        // as few and intersect whole posting lists instead (55 ms against
        // 4 ms for a surname in 4 % of 1,000,000 letters). Planned for its
        // words each time: how common they are decides the plan.
        fixed_around("letters.search_tsv @@ to_tsquery('simple', ", tsquery, ")").never_kept()
    }
}

/// Words in more than this share of letters are common enough that a
/// newest-first walk fills a page quickly.
const COMMON_WORD_SHARE: f64 = 0.002;

/// Whether some word (as a prefix) is rare, by the planner's own statistics
/// of `search_tsv` (its most common words and their shares; a word not
/// among them is rarer than all of them).
fn some_word_is_rare(conn: &mut DbConnection, words: &[String]) -> QueryResult<bool> {
    let common = common_words(conn)?;
    Ok(words.iter().any(|word| {
        let share: f64 = common
            .iter()
            .filter(|(w, _)| w.starts_with(word.as_str()))
            .map(|(_, share)| share)
            .sum();
        share < COMMON_WORD_SHARE
    }))
}

/// How long the common words are kept: they change only when `ANALYZE`
/// (autovacuum) runs, and reading them costs milliseconds (the `pg_stats`
/// view), far more than the search they decide.
const COMMON_WORDS_TTL: std::time::Duration = std::time::Duration::from_secs(300);

type CommonWords = std::sync::Arc<Vec<(String, f64)>>;

/// The most common words of `search_tsv` with their shares of letters,
/// cached for [`COMMON_WORDS_TTL`] (one database per process).
fn common_words(conn: &mut DbConnection) -> QueryResult<CommonWords> {
    use diesel::sql_types::{Double, Text};
    static CACHE: std::sync::Mutex<Option<(std::time::Instant, CommonWords)>> =
        std::sync::Mutex::new(None);
    if let Some((at, words)) = CACHE.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        if at.elapsed() < COMMON_WORDS_TTL {
            return Ok(words.clone());
        }
    }
    #[derive(QueryableByName)]
    struct Common {
        #[diesel(sql_type = Text)]
        word: String,
        #[diesel(sql_type = Double)]
        share: f64,
    }
    let rows: Vec<Common> = diesel::sql_query(
        "SELECT u.e AS word, u.f::float8 AS share FROM pg_stats s, \
         unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f) \
         WHERE s.tablename = 'letters' AND s.attname = 'search_tsv' AND u.e IS NOT NULL",
    )
    .load(conn)?;
    let words: CommonWords =
        std::sync::Arc::new(rows.into_iter().map(|c| (c.word, c.share)).collect());
    *CACHE.lock().unwrap_or_else(|e| e.into_inner()) =
        Some((std::time::Instant::now(), words.clone()));
    Ok(words)
}

/// Codes and names of the agencies and offices some letters reference.
pub struct Codes {
    pub agencies: HashMap<i32, Named>,
    pub offices: HashMap<i32, Named>,
}

impl Codes {
    pub fn load(conn: &mut DbConnection, rows: &[&LetterRow]) -> QueryResult<Codes> {
        let agencies = rows.iter().flat_map(|r| {
            [
                Some(r.recipient_agency_id),
                Some(r.holder_agency_id),
                r.answer_agency_id,
            ]
        });
        let offices = rows.iter().map(|r| r.counter_office_id);
        Codes::named(conn, agencies.flatten().collect(), offices.collect())
    }

    /// The codes and names a page of summaries shows.
    pub fn of_summaries(conn: &mut DbConnection, rows: &[LetterListRow]) -> QueryResult<Codes> {
        let agencies = rows
            .iter()
            .flat_map(|r| [r.recipient_agency_id, r.holder_agency_id]);
        let offices = rows.iter().map(|r| r.counter_office_id);
        Codes::named(conn, agencies.collect(), offices.collect())
    }

    fn named(
        conn: &mut DbConnection,
        mut agency_ids: Vec<i32>,
        mut office_ids: Vec<i32>,
    ) -> QueryResult<Codes> {
        agency_ids.sort_unstable();
        agency_ids.dedup();
        office_ids.sort_unstable();
        office_ids.dedup();
        Ok(Codes {
            agencies: agency_names(conn, &agency_ids)?,
            offices: office_names(conn, &office_ids)?,
        })
    }

    pub fn agency(&self, id: i32) -> Named {
        self.agencies.get(&id).cloned().unwrap_or_default()
    }

    pub fn office(&self, id: i32) -> Named {
        self.offices.get(&id).cloned().unwrap_or_default()
    }

    /// A letter's recipient agency, holding agency and counter office.
    pub fn of(&self, row: &LetterRow) -> (Named, Named, Named) {
        (
            self.agency(row.recipient_agency_id),
            self.agency(row.holder_agency_id),
            self.office(row.counter_office_id),
        )
    }
}

pub fn summary(row: &LetterListRow, codes: &Codes, at: NaiveDateTime) -> LetterSummary {
    let (recipient, holder, office) = (
        codes.agency(row.recipient_agency_id),
        codes.agency(row.holder_agency_id),
        codes.office(row.counter_office_id),
    );
    let classification = Classification::parse(&row.classification).unwrap_or_default();
    LetterSummary {
        id: row.id,
        tracking_code: row.tracking_code.clone(),
        status: row.status(),
        applicant_name: row.applicant_name(),
        applicant_national_id: row.applicant_national_id.clone(),
        recipient_agency_code: recipient.code,
        recipient_agency_name: recipient.name,
        holder_agency_code: holder.code,
        holder_agency_name: holder.name,
        counter_office_code: office.code,
        counter_office_name: office.name,
        subject: row.subject.clone(),
        priority: Priority::parse(&row.priority).unwrap_or_default(),
        due_at: row.due_at.map(utc),
        classification,
        overdue: row.overdue(at),
        created_at: utc(row.created_at),
    }
    // Lists, searches, exports and reports never show a confidential text.
    .concealed()
}

/// The full wire form of a letter (with its attachments).
pub fn to_wire(conn: &mut DbConnection, row: &LetterRow) -> QueryResult<Letter> {
    to_wire_many(conn, std::slice::from_ref(row))?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// The wire form of several letters with a fixed number of queries (codes,
/// attachments, open deliveries, opt-outs), whatever their number.
pub fn to_wire_many(conn: &mut DbConnection, rows: &[LetterRow]) -> QueryResult<Vec<Letter>> {
    let mut facts = WireFacts::load(conn, rows)?;
    let at = now();
    Ok(rows.iter().map(|row| facts.wire(row, at)).collect())
}

/// What a letter's wire form shows beyond its own row.
pub struct WireFacts {
    codes: Codes,
    files: HashMap<i32, Vec<Attachment>>,
    /// The open delivery of each letter.
    open: HashMap<i32, i32>,
    /// The secretariat numbers of each letter, in delivery order.
    references: HashMap<i32, Vec<AgencyReference>>,
    copies: HashMap<i32, Vec<LetterCopy>>,
    related: HashMap<i32, Vec<RelatedLetter>>,
    opted_out: std::collections::HashSet<String>,
}

impl WireFacts {
    pub fn load(conn: &mut DbConnection, rows: &[LetterRow]) -> QueryResult<WireFacts> {
        let refs: Vec<&LetterRow> = rows.iter().collect();
        let codes = Codes::load(conn, &refs)?;
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        let mut files: HashMap<i32, Vec<Attachment>> = HashMap::new();
        for a in attachments::table
            .filter(attachments::letter_id.eq_any(&ids))
            .order(attachments::id.asc())
            .select(AttachmentRow::as_select())
            .load(conn)?
        {
            files.entry(a.letter_id).or_default().push(a.into());
        }
        let DeliveryFacts {
            open,
            references,
            copies,
        } = deliveries_facts(conn, &ids)?;
        let mobiles: Vec<&str> = rows.iter().map(|r| r.applicant_mobile.as_str()).collect();
        Ok(WireFacts {
            codes,
            files,
            open,
            references,
            copies,
            related: relations_of(conn, &ids)?,
            opted_out: opted_out(conn, &mobiles)?,
        })
    }

    /// For a letter just registered, from what registration knows and read
    /// ([`super::directory::registration_facts`]): no files yet, one open
    /// delivery.
    pub fn registered(
        row: &LetterRow,
        (agency, office): (Named, Named),
        opted_out: bool,
        delivery_id: i32,
    ) -> WireFacts {
        WireFacts {
            codes: Codes {
                agencies: HashMap::from([(row.recipient_agency_id, agency)]),
                offices: HashMap::from([(row.counter_office_id, office)]),
            },
            files: HashMap::new(),
            open: HashMap::from([(row.id, delivery_id)]),
            references: HashMap::new(),
            copies: HashMap::new(),
            related: HashMap::new(),
            opted_out: if opted_out {
                std::collections::HashSet::from([row.applicant_mobile.clone()])
            } else {
                std::collections::HashSet::new()
            },
        }
    }

    /// The wire form of `row` (its files are taken out of the facts).
    pub fn wire(&mut self, row: &LetterRow, at: NaiveDateTime) -> Letter {
        let status = row.status();
        let codes = &self.codes;
        let (recipient, holder, office) = codes.of(row);
        Letter {
            id: row.id,
            tracking_code: row.tracking_code.clone(),
            status,
            applicant: row.applicant(),
            recipient_agency_code: recipient.code,
            recipient_agency_name: recipient.name,
            holder_agency_code: holder.code,
            holder_agency_name: holder.name,
            counter_office_code: office.code,
            counter_office_name: office.name,
            subject: row.subject.clone(),
            body: row.body.clone(),
            priority: Priority::parse(&row.priority).unwrap_or_default(),
            classification: row.classification(),
            applicant_reference: row.applicant_reference.clone(),
            due_at: row.due_at.map(utc),
            overdue: row.overdue(at),
            answer: row.answer(|id| codes.agency(id)),
            attachments: self.files.remove(&row.id).unwrap_or_default(),
            allowed_actions: allowed_actions(status).to_vec(),
            open_delivery_id: self.open.get(&row.id).copied(),
            agency_references: self.references.remove(&row.id).unwrap_or_default(),
            related: self.related.remove(&row.id).unwrap_or_default(),
            copies: self.copies.remove(&row.id).unwrap_or_default(),
            sms_opt_out: self.opted_out.contains(&row.applicant_mobile),
            tracking_url: crate::sms::tracking_link(&row.tracking_code),
            version: row.version,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// What a letter's deliveries add to its wire form.
#[derive(Default)]
struct DeliveryFacts {
    /// The open delivery (not a copy) of each letter.
    open: HashMap<i32, i32>,
    /// The secretariat numbers agencies gave, in delivery order.
    references: HashMap<i32, Vec<AgencyReference>>,
    /// The copies (رونوشت), in delivery order.
    copies: HashMap<i32, Vec<LetterCopy>>,
}

/// Of the deliveries of these letters, in one query: the one still open of
/// each letter, the secretariat numbers agencies gave, and the copies.
fn deliveries_facts(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<DeliveryFacts> {
    type Row = (
        i32,
        i32,
        i32,
        bool,
        Option<String>,
        Option<chrono::NaiveDate>,
        bool,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = deliveries::table
        .filter(super::among(deliveries::letter_id, ids))
        .filter(
            deliveries::closed_at
                .is_null()
                .or(deliveries::agency_reference.is_not_null())
                .or(deliveries::is_copy),
        )
        .order(deliveries::id.asc())
        .select((
            deliveries::letter_id,
            deliveries::id,
            deliveries::agency_id,
            deliveries::closed_at.is_null(),
            deliveries::agency_reference,
            deliveries::agency_reference_date,
            deliveries::is_copy,
            deliveries::delivered_at,
            deliveries::acknowledged_at,
        ))
        .load(conn)?;
    let mut agency_ids: Vec<i32> = rows
        .iter()
        .filter(|r| r.4.is_some() || r.6)
        .map(|r| r.2)
        .collect();
    agency_ids.sort_unstable();
    agency_ids.dedup();
    let names = if agency_ids.is_empty() {
        HashMap::new()
    } else {
        agency_names(conn, &agency_ids)?
    };
    let mut facts = DeliveryFacts::default();
    for (letter, delivery, agency, is_open, reference, date, is_copy, delivered, seen) in rows {
        let named = || names.get(&agency).cloned().unwrap_or_default();
        if is_copy {
            let named = named();
            facts.copies.entry(letter).or_default().push(LetterCopy {
                delivery_id: delivery,
                agency_code: named.code,
                agency_name: named.name,
                delivered_at: utc(delivered),
                seen_at: seen.map(utc),
            });
        } else if is_open {
            facts.open.insert(letter, delivery);
        }
        if let Some(reference) = reference {
            let named = named();
            facts
                .references
                .entry(letter)
                .or_default()
                .push(AgencyReference {
                    agency_code: named.code,
                    agency_name: named.name,
                    reference,
                    date,
                });
        }
    }
    Ok(facts)
}

/// The copies (رونوشت) of one letter, in the order they were sent.
pub fn copies_of(conn: &mut DbConnection, letter_id: i32) -> QueryResult<Vec<LetterCopy>> {
    Ok(deliveries_facts(conn, &[letter_id])?
        .copies
        .remove(&letter_id)
        .unwrap_or_default())
}

/// The applicant's letters with these tracking codes (at most a few).
pub fn letters_of_applicant(
    conn: &mut DbConnection,
    national_id: &str,
    codes: &[&str],
) -> QueryResult<Vec<LetterRow>> {
    letters::table
        .filter(letters::tracking_code.eq_any(codes))
        .filter(letters::applicant_national_id.eq(national_id))
        .select(LetterRow::as_select())
        .load(conn)
}

/// Records (letter, earlier letter, relation) rows.
pub fn insert_relations(conn: &mut DbConnection, rows: &[(i32, i32, &str)]) -> QueryResult<()> {
    use super::schema::letter_relations as r;
    for (letter, earlier, relation) in rows {
        diesel::insert_into(r::table)
            .values((
                r::letter_id.eq(letter),
                r::related_letter_id.eq(earlier),
                r::relation.eq(relation),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The related letters of each of these letters, both ways (two indexed
/// queries): the earlier letters each names, and the later letters naming it.
pub fn relations_of(
    conn: &mut DbConnection,
    ids: &[i32],
) -> QueryResult<HashMap<i32, Vec<RelatedLetter>>> {
    use super::schema::letter_relations as r;
    type Row = (i32, String, String, String, NaiveDateTime);
    let named: Vec<Row> = r::table
        .inner_join(letters::table.on(letters::id.eq(r::related_letter_id)))
        .filter(r::letter_id.eq_any(ids))
        .select((
            r::letter_id,
            r::relation,
            letters::tracking_code,
            letters::status,
            letters::created_at,
        ))
        .load(conn)?;
    let naming: Vec<Row> = r::table
        .inner_join(letters::table.on(letters::id.eq(r::letter_id)))
        .filter(r::related_letter_id.eq_any(ids))
        .select((
            r::related_letter_id,
            r::relation,
            letters::tracking_code,
            letters::status,
            letters::created_at,
        ))
        .load(conn)?;
    let mut out: HashMap<i32, Vec<RelatedLetter>> = HashMap::new();
    for (earlier, rows) in [(true, named), (false, naming)] {
        for (of, relation, code, status, created) in rows {
            let (Some(relation), Some(status)) =
                (Relation::parse(&relation), Status::parse(&status))
            else {
                continue;
            };
            out.entry(of).or_default().push(RelatedLetter {
                tracking_code: code,
                relation,
                earlier,
                status,
                created_at: utc(created),
            });
        }
    }
    for list in out.values_mut() {
        list.sort_by_key(|r| r.created_at);
    }
    Ok(out)
}

/// Which of these numbers opted out of SMS.
fn opted_out(
    conn: &mut DbConnection,
    mobiles: &[&str],
) -> QueryResult<std::collections::HashSet<String>> {
    use super::schema::sms_opt_outs;
    Ok(sms_opt_outs::table
        .filter(sms_opt_outs::mobile.eq_any(mobiles))
        .select(sms_opt_outs::mobile)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Letters by id, in no particular order.
/// The versions of these letters, by id (what an inbox page's tag needs of them).
pub fn letter_versions(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, i32>> {
    Ok(letters::table
        .filter(letters::id.eq_any(ids))
        .select((letters::id, letters::version))
        .load::<(i32, i32)>(conn)?
        .into_iter()
        .collect())
}

pub fn letters_by_ids(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<LetterRow>> {
    letters::table
        .filter(super::among(letters::id, ids))
        .select(LetterRow::as_select())
        .load(conn)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = deliveries, treat_none_as_default_value = false)]
pub struct NewDelivery<'a> {
    pub letter_id: i32,
    pub agency_id: i32,
    pub from_agency_id: Option<i32>,
    pub delivered_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<&'a str>,
    pub agency_reference: Option<&'a str>,
    pub closed_at: Option<NaiveDateTime>,
    pub overdue_notified_at: Option<NaiveDateTime>,
    pub agency_reference_date: Option<chrono::NaiveDate>,
    pub is_copy: bool,
}

impl<'a> NewDelivery<'a> {
    /// A delivery entering the agency's inbox now: not yet acknowledged.
    pub fn arriving(
        letter_id: i32,
        agency_id: i32,
        from_agency_id: Option<i32>,
        delivered_at: NaiveDateTime,
        due_at: NaiveDateTime,
    ) -> Self {
        NewDelivery {
            letter_id,
            agency_id,
            from_agency_id,
            delivered_at,
            due_at,
            acknowledged_at: None,
            acknowledged_by: None,
            agency_reference: None,
            closed_at: None,
            overdue_notified_at: None,
            agency_reference_date: None,
            is_copy: false,
        }
    }

    /// A copy (رونوشت) entering the agency's inbox now, for information. It
    /// has no deadline of its own: `due_at` is the main recipient's (so a
    /// due-date inbox sorts it beside its letter), and it counts as already
    /// told overdue, so the overdue job's index never holds it.
    pub fn copy(
        letter_id: i32,
        agency_id: i32,
        from_agency_id: Option<i32>,
        delivered_at: NaiveDateTime,
        main_due_at: NaiveDateTime,
    ) -> Self {
        NewDelivery {
            overdue_notified_at: Some(delivered_at),
            is_copy: true,
            ..NewDelivery::arriving(
                letter_id,
                agency_id,
                from_agency_id,
                delivered_at,
                main_due_at,
            )
        }
    }
}

/// Inserts a delivery, counted among its agency's new ones while it is
/// open and unacknowledged; answers its id.
pub fn insert_delivery(conn: &mut DbConnection, row: &NewDelivery<'_>) -> QueryResult<i32> {
    let id = diesel::insert_into(deliveries::table)
        .values(row)
        .returning(deliveries::id)
        .get_result(conn)?;
    count_arrival(conn, row, id)?;
    Ok(id)
}

/// Counts delivery `id` among its agency's new ones if it is open and
/// unacknowledged.
fn count_arrival(conn: &mut DbConnection, row: &NewDelivery<'_>, id: i32) -> QueryResult<()> {
    if row.acknowledged_at.is_none() && row.closed_at.is_none() {
        let change = shared::rollup::Rollup::new_in_inbox(row.agency_id, id, 1);
        super::rollups::add_step(conn, change)?;
    }
    Ok(())
}

/// Inserts a new letter's row and its first delivery (`delivery`, given
/// the letter's id); answers the row and the delivery's id, or `None` when
/// the tracking code is taken (nothing written). On PostgreSQL the
/// delivery's id comes from its sequence in the letter's own statement
/// (`RETURNING …, nextval(…)`) and its insert joins the step's unread ones
/// ([`Unread`]): no round trip of its own. SQLite inserts it at once.
pub fn insert_delivered_letter<'a>(
    conn: &mut DbConnection,
    written: &mut Unread<'a>,
    row: &NewLetterRow<'_>,
    delivery: impl FnOnce(i32) -> NewDelivery<'a>,
) -> QueryResult<Option<(LetterRow, i32)>> {
    let DbConnection::Postgres(pg) = conn else {
        let Some(letter) = insert_letter(conn, row)? else {
            return Ok(None);
        };
        let id = insert_delivery(conn, &delivery(letter.id))?;
        return Ok(Some((letter, id)));
    };
    let next_delivery =
        diesel::dsl::sql::<diesel::sql_types::Integer>("nextval('deliveries_id_seq')::integer");
    let inserted = super::Kept(
        diesel::insert_into(letters::table)
            .values(row)
            .on_conflict(letters::tracking_code)
            .do_nothing()
            .returning((LetterRow::as_returning(), next_delivery)),
    )
    .get_result::<(LetterRow, i32)>(pg)
    .optional()?;
    let Some((letter, id)) = inserted else {
        return Ok(None);
    };
    let new = delivery(letter.id);
    count_arrival(conn, &new, id)?;
    written.add(
        conn,
        diesel::insert_into(deliveries::table).values((deliveries::id.eq(id), new)),
    )?;
    Ok(Some((letter, id)))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = letter_events)]
pub struct EventRow {
    pub id: i32,
    pub letter_id: i32,
    pub seq: i32,
    pub kind: String,
    pub status: String,
    pub actor: String,
    pub agency_id: Option<i32>,
    pub to_agency_id: Option<i32>,
    pub note: String,
    pub internal: bool,
    pub created_at: NaiveDateTime,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = letter_events, treat_none_as_default_value = false)]
pub struct NewEventRow<'a> {
    letter_id: i32,
    seq: i32,
    kind: &'a str,
    status: &'a str,
    actor: &'a str,
    agency_id: Option<i32>,
    to_agency_id: Option<i32>,
    note: &'a str,
    internal: bool,
    created_at: NaiveDateTime,
    prev_hash: String,
    hash: String,
}

impl<'a> NewEventRow<'a> {
    /// The row of `e` as step `seq` of the letter's chain after `prev_hash`,
    /// with its own hash computed.
    pub(crate) fn chained(letter_id: i32, seq: i32, prev_hash: String, e: &NewEvent<'a>) -> Self {
        let mut row = NewEventRow {
            letter_id,
            seq,
            kind: e.kind,
            status: e.status.as_str(),
            actor: e.actor,
            agency_id: e.agency_id,
            to_agency_id: e.to_agency_id,
            note: e.note,
            internal: e.internal,
            created_at: e.at,
            prev_hash,
            hash: String::new(),
        };
        row.hash = event_hash(&row.fields());
        row
    }

    /// What the event's hash covers (the same fields as a stored [`EventRow`]).
    fn fields(&self) -> EventFields<'_> {
        EventFields {
            letter_id: self.letter_id,
            seq: self.seq,
            kind: self.kind,
            status: self.status,
            actor: self.actor,
            agency_id: self.agency_id,
            to_agency_id: self.to_agency_id,
            note: self.note,
            internal: self.internal,
            at: self.created_at,
            prev_hash: &self.prev_hash,
        }
    }
}

/// An event to append.
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub status: Status,
    pub actor: &'a str,
    pub agency_id: Option<i32>,
    pub to_agency_id: Option<i32>,
    pub note: &'a str,
    pub internal: bool,
    pub at: NaiveDateTime,
}

impl<'a> NewEvent<'a> {
    /// A public step taken by `agency` on its own (no destination agency),
    /// such as acknowledging an original or filing a copy.
    pub fn by_agency(
        kind: &'a str,
        status: Status,
        actor: &'a str,
        agency: i32,
        note: &'a str,
        at: NaiveDateTime,
    ) -> Self {
        NewEvent {
            kind,
            status,
            actor,
            agency_id: Some(agency),
            to_agency_id: None,
            note,
            internal: false,
            at,
        }
    }
}

impl EventRow {
    fn fields(&self) -> EventFields<'_> {
        EventFields {
            letter_id: self.letter_id,
            seq: self.seq,
            kind: &self.kind,
            status: &self.status,
            actor: &self.actor,
            agency_id: self.agency_id,
            to_agency_id: self.to_agency_id,
            note: &self.note,
            internal: self.internal,
            at: self.created_at,
            prev_hash: &self.prev_hash,
        }
    }
}

/// The rows of a letter's whole chain, from its first event (what
/// [`append_event`] would write one by one; `chapar seed` writes them at once).
pub(crate) fn chain_rows<'a>(letter_id: i32, events: &[NewEvent<'a>]) -> Vec<NewEventRow<'a>> {
    let mut rows: Vec<NewEventRow<'a>> = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        let prev = rows
            .last()
            .map_or_else(|| GENESIS.to_owned(), |r| r.hash.clone());
        rows.push(NewEventRow::chained(letter_id, i as i32 + 1, prev, e));
    }
    rows
}

/// Writes the first events of a new letter's chain, `rows` of
/// [`chain_rows`] (no earlier event to read), with the step's other unread
/// inserts ([`Unread`]: on PostgreSQL in its last statement). One insert
/// per row: SQLite prepares a statement of several rows anew each time and
/// one of a single row only once (a twentieth of the writer's time per
/// registration went to preparing it).
pub fn start_chain<'a>(
    conn: &mut DbConnection,
    written: &mut Unread<'a>,
    rows: &'a [NewEventRow<'a>],
) -> QueryResult<()> {
    rows.iter().try_for_each(|row| {
        written.add(conn, diesel::insert_into(letter_events::table).values(row))
    })
}

/// Appends an event to the letter's chain (`(letter_id, seq)` is unique, so
/// two writers racing on one letter cannot both append the same step).
pub fn append_event(conn: &mut DbConnection, letter_id: i32, e: &NewEvent<'_>) -> QueryResult<()> {
    let last: Option<(i32, String)> = letter_events::table
        .filter(letter_events::letter_id.eq(letter_id))
        .order(letter_events::seq.desc())
        .select((letter_events::seq, letter_events::hash))
        .first(conn)
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    diesel::insert_into(letter_events::table)
        .values(&NewEventRow::chained(letter_id, seq, prev_hash, e))
        .execute(conn)
        .map(drop)
}

pub fn events_of(conn: &mut DbConnection, letter_id: i32) -> QueryResult<Vec<EventRow>> {
    letter_events::table
        .filter(letter_events::letter_id.eq(letter_id))
        .order(letter_events::seq.asc())
        .select(EventRow::as_select())
        .load(conn)
}

pub fn events_to_wire(conn: &mut DbConnection, rows: &[EventRow]) -> QueryResult<Vec<LetterEvent>> {
    let ids: Vec<i32> = rows
        .iter()
        .flat_map(|r| [r.agency_id, r.to_agency_id])
        .flatten()
        .collect();
    let agencies = agency_names(conn, &ids)?;
    let actors: Vec<&str> = rows.iter().map(|r| r.actor.as_str()).collect();
    let people = super::users::actor_names(conn, &actors)?;
    let named = |id: Option<i32>| id.and_then(|id| agencies.get(&id).cloned());
    Ok(rows
        .iter()
        .map(|r| {
            let (agency, to_agency) = (named(r.agency_id), named(r.to_agency_id));
            LetterEvent {
                seq: r.seq,
                kind: r.kind.clone(),
                status: Status::parse(&r.status).unwrap_or(Status::Registered),
                actor: r.actor.clone(),
                actor_name: people
                    .get(&r.actor)
                    .cloned()
                    .unwrap_or_else(|| r.actor.clone()),
                agency_code: agency.as_ref().map(|a| a.code.clone()),
                agency_name: agency.map(|a| a.name),
                to_agency_code: to_agency.as_ref().map(|a| a.code.clone()),
                to_agency_name: to_agency.map(|a| a.name),
                note: r.note.clone(),
                internal: r.internal,
                at: utc(r.created_at),
                prev_hash: r.prev_hash.clone(),
                hash: r.hash.clone(),
            }
        })
        .collect())
}

/// Recomputes the chain: `None` when intact, or the first seq that breaks it.
pub fn verify_chain(rows: &[EventRow]) -> Option<i32> {
    let mut prev = GENESIS.to_owned();
    for (i, row) in rows.iter().enumerate() {
        let expected_seq = i as i32 + 1;
        if row.seq != expected_seq || row.prev_hash != prev || event_hash(&row.fields()) != row.hash
        {
            return Some(expected_seq.min(row.seq));
        }
        prev = row.hash.clone();
    }
    None
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: i32,
    pub letter_id: i32,
    pub kind: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = attachments, treat_none_as_default_value = false)]
pub struct NewAttachmentRow<'a> {
    pub letter_id: i32,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
    pub uploaded_by: &'a str,
    pub created_at: NaiveDateTime,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Attachment {
            id: r.id,
            kind: r.kind,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            created_at: utc(r.created_at),
        }
    }
}

pub fn attachments_of(conn: &mut DbConnection, letter_id: i32) -> QueryResult<Vec<Attachment>> {
    Ok(attachments::table
        .filter(attachments::letter_id.eq(letter_id))
        .order(attachments::id.asc())
        .select(AttachmentRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Attachment::from)
        .collect())
}

pub fn count_attachments(conn: &mut DbConnection, letter_id: i32, kind: &str) -> QueryResult<i64> {
    attachments::table
        .filter(attachments::letter_id.eq(letter_id))
        .filter(attachments::kind.eq(kind))
        .count()
        .get_result(conn)
}

pub fn insert_attachment(
    conn: &mut DbConnection,
    row: &NewAttachmentRow<'_>,
) -> QueryResult<AttachmentRow> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)?;
    attachments::table
        .filter(attachments::storage_key.eq(row.storage_key))
        .select(AttachmentRow::as_select())
        .first(conn)
}

/// Which of `keys` an attachment row names (for the orphan sweep).
pub fn existing_storage_keys(
    conn: &mut DbConnection,
    keys: &[String],
) -> QueryResult<std::collections::HashSet<String>> {
    Ok(attachments::table
        .filter(attachments::storage_key.eq_any(keys))
        .select(attachments::storage_key)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

pub fn attachment_by_id(conn: &mut DbConnection, id: i32) -> QueryResult<AttachmentRow> {
    attachments::table
        .find(id)
        .select(AttachmentRow::as_select())
        .first(conn)
}

/// A row of the SMS outbox, to be sent by the dispatcher.
#[derive(Debug, Insertable)]
#[diesel(table_name = notifications, treat_none_as_default_value = false)]
pub struct NewNotification<'a> {
    pub letter_id: i32,
    pub event_kind: &'a str,
    pub mobile: &'a str,
    pub text: &'a str,
    pub status: &'a str,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub provider_status: Option<&'a str>,
    pub delivered_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// The SMS body template of `kind`: the admin's edited one, or the default.
pub fn sms_template(conn: &mut DbConnection, kind: &str) -> QueryResult<String> {
    use super::schema::sms_templates;
    let edited: Option<String> = sms_templates::table
        .find(kind)
        .select(sms_templates::body)
        .first(conn)
        .optional()?;
    Ok(template_or_default(kind, edited))
}

/// The admin's text for `kind` if edited, else the default one.
pub fn template_or_default(kind: &str, edited: Option<String>) -> String {
    edited.unwrap_or_else(|| {
        shared::sms::template(kind)
            .map(|t| t.default.to_owned())
            .unwrap_or_default()
    })
}

/// The text of an SMS about `letter` from `template`; `code` and `url` are
/// filled in from the letter.
pub fn sms_text(template: &str, letter: &LetterRow, vars: &[(&str, &str)]) -> String {
    let link = crate::sms::tracking_link(&letter.tracking_code);
    let mut all: Vec<(&str, &str)> = vec![
        ("code", letter.tracking_code.as_str()),
        ("url", link.as_str()),
    ];
    all.extend_from_slice(vars);
    shared::sms::render(template, &all)
}

/// Writes an SMS for the applicant into the outbox (same transaction as the
/// step), from the admin's template for `kind` or the default one.
pub fn enqueue_sms(
    conn: &mut DbConnection,
    letter: &LetterRow,
    kind: &str,
    vars: &[(&str, &str)],
    at: NaiveDateTime,
) -> QueryResult<()> {
    let template = sms_template(conn, kind)?;
    enqueue_sms_from(conn, letter, (kind, &template), vars, at)
}

/// [`enqueue_sms`] from a template already read.
pub fn enqueue_sms_from(
    conn: &mut DbConnection,
    letter: &LetterRow,
    (kind, template): (&str, &str),
    vars: &[(&str, &str)],
    at: NaiveDateTime,
) -> QueryResult<()> {
    let text = sms_text(template, letter, vars);
    diesel::insert_into(notifications::table)
        .values(&sms_row(letter, kind, &text, at))
        .execute(conn)
        .map(drop)
}

/// The outbox row of an SMS of `text` to `letter`'s applicant, about the
/// step `kind` taken `at`.
pub fn sms_row<'a>(
    letter: &'a LetterRow,
    kind: &'a str,
    text: &'a str,
    at: NaiveDateTime,
) -> NewNotification<'a> {
    NewNotification {
        letter_id: letter.id,
        event_kind: kind,
        mobile: &letter.applicant_mobile,
        text,
        status: "pending",
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
        sent_at: None,
        provider_status: None,
        delivered_at: None,
        updated_at: at,
    }
}

/// Writes `sms` into the outbox with the step's other unread inserts.
pub fn add_sms<'a>(
    conn: &mut DbConnection,
    written: &mut Unread<'a>,
    sms: &'a NewNotification<'a>,
) -> QueryResult<()> {
    written.add(conn, diesel::insert_into(notifications::table).values(sms))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: i32,
    pub letter_id: i32,
    pub event_kind: String,
    pub mobile: String,
    pub text: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub leased_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub provider_message_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub lease_owner: Option<String>,
    pub provider_status: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

/// The statuses an SMS goes through.
pub const NOTIFICATION_STATUSES: [&str; 5] =
    ["pending", "sent", "failed", "delivered", "undelivered"];

/// A page of SMS, newest first; of one status (one of
/// [`NOTIFICATION_STATUSES`]; another matches nothing) from
/// `notifications_status` in id order.
pub fn notifications_of(
    conn: &mut DbConnection,
    letter_ids: Option<&[i32]>,
    status: Option<&str>,
    after: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = notifications::table
        .select(NotificationRow::as_select())
        .into_boxed();
    if let Some(status) = status {
        let Some(known) = NOTIFICATION_STATUSES.iter().find(|s| **s == status) else {
            return Ok(Vec::new());
        };
        // A literal, not a parameter: PostgreSQL's generic plan of the
        // prepared statement cannot tell a rare status (failed) from a
        // common one, and would walk every message ever sent newest first.
        query = query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "notifications.status = '{known}'"
        )));
    }
    if let Some(ids) = letter_ids {
        query = query.filter(notifications::letter_id.eq_any(ids.to_vec()));
    }
    if let Some(after) = after {
        query = query.filter(notifications::id.lt(after));
    }
    query
        .order(notifications::id.desc())
        .limit(limit)
        .load(conn)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::LetterRow;

    /// A letter of office `office` held by agency `holder`, for rule tests.
    pub fn row(office: i32, holder: i32) -> LetterRow {
        let at = chrono::DateTime::UNIX_EPOCH.naive_utc();
        LetterRow {
            id: 1,
            tracking_code: "729440183651".into(),
            counter_office_id: office,
            registered_by: "op".into(),
            applicant_kind: "natural".into(),
            applicant_national_id: "0499370899".into(),
            applicant_first_name: None,
            applicant_last_name: None,
            applicant_father_name: None,
            applicant_organization_name: None,
            applicant_representative_name: None,
            applicant_mobile: "09121234567".into(),
            applicant_postal_code: None,
            applicant_address: None,
            applicant_reference: None,
            recipient_agency_id: holder,
            holder_agency_id: holder,
            subject: "موضوع".into(),
            body: "متن".into(),
            priority: "normal".into(),
            status: "delivered".into(),
            version: 1,
            due_at: None,
            answer_body: None,
            answer_agency_id: None,
            answered_at: None,
            search_text: String::new(),
            created_at: at,
            updated_at: at,
            classification: "normal".into(),
        }
    }
}
