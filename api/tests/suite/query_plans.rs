//! Hot queries are proven, not hoped: each query that a request or a
//! background job runs on every call is captured as diesel sends it and
//! `EXPLAIN`ed on a seeded database, and the test fails when any of them
//! reads a history table (letters, deliveries, events, SMS, the words
//! indexes' own tables) whole instead of through an index.
//!
//! SQLite: `EXPLAIN QUERY PLAN`, refusing `SCAN <history table>` (a full
//! table or full index scan), without `ANALYZE` (as a production file has
//! no statistics). PostgreSQL: the generic plan of the prepared statement
//! with sequential scans disabled, so that a query no index serves shows up
//! as a `Seq Scan` (or an index scan with no index condition) whatever the
//! size of the test tables.

use std::sync::{Arc, Mutex};

use chapar::db::inbox::{self, InboxCursor, InboxFilter, InboxView};
use chapar::db::letters::{self as db, LetterFilter, Scope};
use chapar::db::{notifications, DbConnection};
use chrono::Duration;
use diesel::connection::{InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::sql_types::Text;
use shared::search::parse_letter_search;

const HISTORY: &[&str] = &[
    "letters",
    "deliveries",
    "letter_events",
    "notifications",
    "letter_relations",
    "attachments",
    "letter_words",
    "letters_fts_terms",
];

/// Partial indexes of work still to do (never history): walking one in
/// order reads the work, however much history the table holds.
const LIVE_ONLY_INDEXES: &[&str] = &["notifications_pending"];

/// Records the SQL of every statement the connection runs.
fn record(conn: &mut DbConnection) -> Arc<Mutex<Vec<String>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text
                .split(" -- binds: ")
                .next()
                .unwrap_or_default()
                .to_owned();
            sink.lock().expect("lock").push(sql);
        }
    });
    seen
}

fn stop_recording(conn: &mut DbConnection) {
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
}

fn is_query(sql: &str) -> bool {
    let head = sql.trim_start().to_ascii_uppercase();
    ["SELECT", "UPDATE", "DELETE", "WITH"]
        .iter()
        .any(|k| head.starts_with(k))
}

#[derive(QueryableByName)]
struct SqlitePlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PgPlan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    plan: String,
}

/// The history tables a plan reads whole, with the plan for the message.
fn full_scans(conn: &mut DbConnection, sql: &str) -> (Vec<String>, String) {
    match conn {
        DbConnection::Sqlite(c) => {
            let lines = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load::<SqlitePlanLine>(c)
                .unwrap_or_else(|e| panic!("explain {sql}: {e}"));
            let scans = lines
                .iter()
                .filter_map(|l| {
                    let table = l.detail.strip_prefix("SCAN ")?;
                    let table = table.split([' ', '(']).next()?;
                    HISTORY.contains(&table).then(|| table.to_owned())
                })
                .collect();
            let text = lines
                .iter()
                .map(|l| l.detail.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            (scans, text)
        }
        DbConnection::Postgres(c) => {
            let params = (1..=40)
                .take_while(|n| sql.contains(&format!("${n}")))
                .count();
            let args = vec!["NULL"; params].join(", ");
            c.batch_execute(&format!("PREPARE hot AS {sql}"))
                .unwrap_or_else(|e| panic!("prepare {sql}: {e}"));
            let explain = if params == 0 {
                "EXPLAIN (FORMAT JSON) EXECUTE hot".to_owned()
            } else {
                format!("EXPLAIN (FORMAT JSON) EXECUTE hot({args})")
            };
            let plan = diesel::sql_query(explain)
                .load::<PgPlan>(c)
                .expect("explain");
            c.batch_execute("DEALLOCATE hot").expect("deallocate");
            let json: serde_json::Value = serde_json::from_str(&plan[0].plan).expect("plan JSON");
            let mut scans = Vec::new();
            pg_scans(&json[0]["Plan"], &mut scans);
            (
                scans,
                serde_json::to_string_pretty(&json).unwrap_or_default(),
            )
        }
    }
}

/// Scans of history in a PostgreSQL plan. A newest-first walk of an index
/// right under `LIMIT` (a page of letters matching a common word) stops at
/// the page, so it is not one.
fn pg_scans(node: &serde_json::Value, out: &mut Vec<String>) {
    pg_scans_under(node, "", out);
}

fn pg_scans_under(node: &serde_json::Value, parent: &str, out: &mut Vec<String>) {
    let relation = node["Relation Name"].as_str().unwrap_or_default();
    let kind = node["Node Type"].as_str().unwrap_or_default();
    if HISTORY.contains(&relation) {
        let page_walk = parent == "Limit" && node["Scan Direction"] == "Backward";
        let live_only =
            LIVE_ONLY_INDEXES.contains(&node["Index Name"].as_str().unwrap_or_default());
        let unbounded_index = matches!(kind, "Index Scan" | "Index Only Scan")
            && node.get("Index Cond").is_none()
            && !page_walk
            && !live_only;
        if kind == "Seq Scan" || unbounded_index {
            out.push(relation.to_owned());
        }
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        pg_scans_under(child, kind, out);
    }
}

/// Runs `op`, then checks the plan of every query it sent.
fn assert_indexed(conn: &mut DbConnection, name: &str, op: impl FnOnce(&mut DbConnection)) {
    let seen = record(conn);
    op(conn);
    stop_recording(conn);
    let statements: Vec<String> = seen.lock().expect("lock").clone();
    let queries: Vec<&String> = statements.iter().filter(|s| is_query(s)).collect();
    assert!(!queries.is_empty(), "{name}: no query was captured");
    for sql in queries {
        let (scans, plan) = full_scans(conn, sql);
        assert!(
            scans.is_empty(),
            "{name} reads {scans:?} whole:\n{sql}\n{plan}"
        );
    }
}

/// The plans of every query `op` sends, as text.
fn plans(conn: &mut DbConnection, op: impl FnOnce(&mut DbConnection)) -> Vec<String> {
    let seen = record(conn);
    op(conn);
    stop_recording(conn);
    let statements: Vec<String> = seen.lock().expect("lock").clone();
    statements
        .iter()
        .filter(|s| is_query(s))
        .map(|sql| format!("{sql}\n{}", full_scans(conn, sql).1))
        .collect()
}

fn words(q: &str) -> LetterFilter {
    LetterFilter {
        q: parse_letter_search(q),
        limit: 50,
        ..LetterFilter::default()
    }
}

both_backends! {
    async fn hot_queries_never_scan_history(app) {
        let mut conn = app.db.pool().get().expect("connection");
        chapar::seed::seed(&mut conn, 1_500, 11).expect("seed");
        // The seed's SMS are the texts the API would have sent: every placeholder filled.
        let unfilled: Vec<i64> = diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "SELECT COUNT(*) FROM notifications WHERE text LIKE '%{%'",
        )
        .load(&mut conn)
        .expect("count");
        assert_eq!(unfilled, [0], "seeded SMS with a placeholder left in");
        // Follow-ups are rare; the seed makes none. A tenth of the letters name the one before.
        conn.batch_execute("INSERT INTO letter_relations (letter_id, related_letter_id, relation) SELECT id, id - 1, 'follows_up' FROM letters WHERE id % 10 = 0")
            .expect("relations");
        if let DbConnection::Postgres(c) = &mut *conn {
            // Searches read a GIN index's whole pending list: the search
            // index has none, whatever the plan (migration 000021).
            let options: Vec<String> = diesel::dsl::sql::<diesel::sql_types::Text>(
                "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'letters_search'",
            )
            .load(c)
            .expect("index options");
            assert_eq!(options, ["fastupdate=off"], "letters_search writes through");
            c.batch_execute("ANALYZE; SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off;")
                .expect("planner settings");
        }
        if let DbConnection::Sqlite(_) = &*conn {
            // The words index's pass before each commit reads the letters
            // written since the last one by id, never the whole table.
            for statement in chapar::db::letters::INDEX_CHANGED_LETTERS {
                let (scans, plan) = full_scans(&mut conn, statement);
                assert!(scans.is_empty(), "the words index pass reads {scans:?} whole:\n{statement}\n{plan}");
            }
        }
        let sample = chapar::db::letters::letters_by_ids(&mut conn, &[700]).expect("a seeded letter").remove(0);
        let office = Scope::Office(sample.counter_office_id);
        let agency = sample.holder_agency_id;
        let at = chapar::db::directory::now();

        assert_indexed(&mut conn, "inbox page (new)", |c| {
            inbox::inbox_page(c, agency, &InboxFilter::of(InboxView::New), InboxCursor::Delivery(Some(10)), 50).expect("page");
        });
        assert_indexed(&mut conn, "inbox page (open, by due date)", |c| {
            inbox::inbox_page(c, agency, &InboxFilter::of(InboxView::Open), InboxCursor::Due(Some((at, 10))), 50).expect("page");
        });
        assert_indexed(&mut conn, "inbox page (overdue)", |c| {
            inbox::inbox_page(c, agency, &InboxFilter { overdue_only: true, ..InboxFilter::of(InboxView::Open) }, InboxCursor::Delivery(None), 50).expect("page");
        });
        assert_indexed(&mut conn, "inbox page (copies only)", |c| {
            inbox::inbox_page(c, agency, &InboxFilter { copies: Some(true), ..InboxFilter::of(InboxView::Open) }, InboxCursor::Delivery(None), 50).expect("page");
        });
        let searched = |q: &str| InboxFilter {
            search: shared::search::parse_letter_search(q),
            delivered_from: Some(at - chrono::Duration::days(30)),
            ..InboxFilter::of(InboxView::Open)
        };
        let word: String = sample.subject.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
        for (name, q) in [
            ("tracking code", shared::tracking::display(&sample.tracking_code)),
            ("national code", sample.applicant_national_id.clone()),
            ("words", word.clone()),
        ] {
            assert_indexed(&mut conn, &format!("inbox search by {name}"), |c| {
                inbox::inbox_page(c, agency, &searched(&q), InboxCursor::Delivery(None), 50).expect("page");
            });
        }
        assert_indexed(&mut conn, "wire form of a page of letters (files, deliveries, copies, relations, opt-outs)", |c| {
            let rows = db::letters_by_ids(c, &(690..740).collect::<Vec<_>>()).expect("letters");
            db::to_wire_many(c, &rows).expect("wire");
        });
        assert_indexed(&mut conn, "versions of an inbox page's letters (its ETag)", |c| {
            db::letter_versions(c, &(690..740).collect::<Vec<_>>()).expect("versions");
        });
        assert_indexed(&mut conn, "inbox counts", |c| {
            inbox::inbox_counts(c, agency, at).expect("counts");
        });
        // New: the agency's counter rows; overdue: open originals by due
        // date, from their own index (no row read to tell copies apart).
        let counted = plans(&mut conn, |c| {
            inbox::inbox_counts(c, agency, at).expect("counts");
        });
        assert!(counted.iter().any(|p| p.contains("inbox_new")), "{counted:#?}");
        assert!(counted.iter().any(|p| p.contains("deliveries_inbox_overdue")), "{counted:#?}");
        if matches!(&*conn, DbConnection::Sqlite(_)) {
            assert!(counted.iter().any(|p| p.contains("COVERING INDEX deliveries_inbox_overdue")), "{counted:#?}");
        }
        let one_word = shared::directory::search_text(&[&sample.subject])
            .split_whitespace()
            .find(|w| shared::search::drives_scoped_search(w))
            .expect("a subject word")
            .to_owned();
        for (name, scope) in [("office", office), ("everything", Scope::All), ("agency", Scope::Agency(agency))] {
            assert_indexed(&mut conn, &format!("search by tracking code ({name})"), |c| {
                let found = db::list_letters(c, scope, &words(&shared::tracking::display(&sample.tracking_code))).expect("search");
                assert_eq!(found.iter().map(|l| l.id).collect::<Vec<_>>(), [sample.id]);
            });
            assert_indexed(&mut conn, &format!("search by national code ({name})"), |c| {
                let found = db::list_letters(c, scope, &words(&sample.applicant_national_id)).expect("search");
                assert!(found.iter().any(|l| l.id == sample.id));
            });
            assert_indexed(&mut conn, &format!("search by words ({name})"), |c| {
                let word: String = sample.subject.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
                let found = db::list_letters(c, scope, &words(&word)).expect("search");
                assert!(!found.is_empty(), "{word}");
            });
            assert_indexed(&mut conn, &format!("search by one word ({name})"), |c| {
                let found = db::list_letters(c, scope, &words(&one_word)).expect("search");
                assert!(!found.is_empty(), "{one_word}");
            });
        }
        if matches!(&*conn, DbConnection::Sqlite(_)) {
            // A words search looks the terms its word begins up first
            // (migration 000024), by the terms' key.
            let searched = plans(&mut conn, |c| {
                db::list_letters(c, office, &words(&one_word)).expect("search");
            });
            assert!(searched.iter().any(|p| p.contains("SEARCH letters_fts_terms")), "{searched:#?}");
        }
        if matches!(&*conn, DbConnection::Postgres(_)) {
            // An office's or an agency's words search reads the newest
            // entries of its words, not the GIN index's every match.
            for scope in [office, Scope::Agency(agency)] {
                let searched = plans(&mut conn, |c| {
                    db::list_letters(c, scope, &words(&one_word)).expect("search");
                });
                assert!(searched.iter().any(|p| p.contains("letter_words_pkey")), "{searched:#?}");
                assert!(!searched.iter().any(|p| p.contains("letters_search")), "{searched:#?}");
            }
        }
        assert_indexed(&mut conn, "duplicate check at intake", |c| {
            let since = at - Duration::days(shared::duplicates::WINDOW_DAYS);
            db::open_letters_of_applicant(c, office, &sample.applicant_national_id, agency, since).expect("candidates");
        });
        assert_indexed(&mut conn, "letter read in an agency's scope", |c| {
            db::letter_in_scope(c, sample.id, Scope::Agency(agency)).expect("in scope");
        });
        let directory = chapar::db::reports::Directory::load(&mut conn).expect("directory");
        for (name, scope) in [("office", office), ("everything", Scope::All), ("agency", Scope::Agency(agency))] {
            assert_indexed(&mut conn, &format!("dashboard ({name})"), |c| {
                let (from, to) = (shared::reports::tehran_day((at - Duration::days(365)).and_utc()), shared::reports::tehran_day(at.and_utc()));
                // Nothing kept yet: the settled days are read too.
                let settled = chapar::db::reports::SettledCounts::default();
                let counts = chapar::db::reports::aggregates(c, scope, (from, to), at, &directory, &settled).expect("dashboard");
                assert!(!counts.registered_per_day.is_empty() && !counts.registered_by_status.is_empty());
            });
        }
        assert_indexed(&mut conn, "idempotency record of a key seen before", |c| {
            use chapar::db::{idempotency, together::Unread};
            let answer = || idempotency::Answer { principal: "plan-test", key: "key-1", request_hash: "hash", status: 201, body: "{}".into() };
            idempotency::record(c, Unread::default(), &answer()).expect("record");
            let again = idempotency::record(c, Unread::default(), &answer()).expect_err("recorded");
            assert!(chapar::db::idempotency::is_taken(&again));
            chapar::db::idempotency::recorded(c, "plan-test", "key-1", "hash").expect("replay");
        });
        assert_indexed(&mut conn, "idempotency sweep", |c| {
            chapar::db::idempotency::sweep_expired(c).expect("sweep");
        });
        assert_indexed(&mut conn, "overdue job", |c| {
            inbox::overdue_unnotified(c, at, 100).expect("overdue");
        });
        assert_indexed(&mut conn, "SMS hourly cap", |c| {
            let mobiles = [sample.applicant_mobile.clone(), "09120000000".to_owned()];
            notifications::sent_last_hour(c, &mobiles, at).expect("cap");
        });
        assert_indexed(&mut conn, "SMS claim", |c| {
            notifications::claim(c, "plan-test", 20, at, at + Duration::seconds(60)).expect("claim");
        });
        // The oldest pending messages, and a page of the outbox by status,
        // come from the status index in id order, not from a walk of every
        // message ever sent.
        let claimed = plans(&mut conn, |c| {
            notifications::claim(c, "plan-test", 20, at, at + Duration::seconds(60)).expect("claim");
        });
        let pending_index = match &*conn {
            DbConnection::Postgres(_) => "notifications_pending",
            DbConnection::Sqlite(_) => "notifications_status",
        };
        assert!(claimed.iter().any(|p| p.contains(pending_index)), "{claimed:#?}");
        for status in ["failed", "pending"] {
            let listed = plans(&mut conn, |c| {
                db::notifications_of(c, None, Some(status), None, 50).expect("outbox");
            });
            let by_status = |p: &String| p.contains("notifications_status") || p.contains("notifications_pending");
            assert!(listed.iter().any(by_status) && !listed.iter().any(|p| p.contains("notifications_pkey")), "{listed:#?}");
        }
        // Messages awaiting a delivery report: those of the last two days
        // still marked sent, not every message marked sent ever.
        let awaited = plans(&mut conn, |c| {
            notifications::awaiting_report(c, at - Duration::days(2), 100).expect("awaiting");
        });
        assert!(awaited.iter().any(|p| p.contains("notifications_awaiting_report")), "{awaited:#?}");
    }
}

/// Rows of `deliveries` this PostgreSQL session has read so far, counts not
/// yet flushed to the statistics included; 0 on SQLite.
fn deliveries_read(conn: &mut DbConnection) -> QueryResult<i64> {
    let DbConnection::Postgres(pg) = conn else {
        return Ok(0);
    };
    diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "SELECT idx_tup_fetch + seq_tup_read FROM pg_stat_xact_user_tables WHERE relname = 'deliveries'",
    )
    .get_result(pg)
}

both_backends! {
    // One agency whose unacknowledged deliveries are most of the table (an
    // agency system that stopped polling): its pages are read through the
    // agency's index, not by a walk of every delivery since the first.
    async fn a_large_backlog_is_paged_through_the_agency_index(app) {
        let mut conn = app.db.pool().get().expect("connection");
        chapar::seed::seed(&mut conn, 1_500, 11).expect("seed");
        let agency = chapar::db::letters::letters_by_ids(&mut conn, &[700]).expect("a seeded letter").remove(0).holder_agency_id;
        conn.batch_execute(&format!(
            "INSERT INTO deliveries (letter_id, agency_id, delivered_at, due_at, is_copy) \
             SELECT l.id, {agency}, l.created_at, l.created_at, false FROM letters l, \
             (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) copies"
        ))
        .expect("backlog");
        if let DbConnection::Postgres(c) = &mut *conn {
            c.batch_execute("VACUUM ANALYZE deliveries").expect("statistics");
        }
        let backlog: Vec<i32> = diesel::dsl::sql::<diesel::sql_types::Integer>(&format!(
            "SELECT id FROM deliveries WHERE agency_id = {agency} AND closed_at IS NULL \
             AND acknowledged_at IS NULL ORDER BY id LIMIT 100"
        ))
        .load(&mut conn)
        .expect("backlog ids");
        let new = InboxFilter::of(InboxView::New);
        // In one transaction, so that no flush of the counts falls between.
        let (first, after, read) = conn
            .transaction::<_, diesel::result::Error, _>(|c| {
                let before = deliveries_read(c)?;
                let first = inbox::inbox_page(c, agency, &new, InboxCursor::Delivery(None), 50)?;
                let after = inbox::inbox_page(c, agency, &new, InboxCursor::Delivery(Some(backlog[49])), 50)?;
                Ok((first, after, deliveries_read(c)? - before))
            })
            .expect("two pages");
        assert!(read <= 2 * 50 + 10, "two pages of 50 read {read} deliveries");
        let ids = |rows: &[inbox::DeliveryRow]| rows.iter().map(|d| d.id).collect::<Vec<_>>();
        assert_eq!(ids(&first), backlog[..50]);
        assert_eq!(ids(&after), backlog[50..]);
    }
}

both_backends! {
    // What a public tracking request asks PostgreSQL (the shared rate
    // limit, the letter and its wire form), and the terms of an office's
    // words search, are kept prepared, and after the first few calls run
    // from one kept plan: nothing is parsed or planned per request.
    async fn hot_statements_are_planned_once(app) {
        let mut conn = app.db.pool().get().expect("connection");
        if !matches!(&*conn, DbConnection::Postgres(_)) {
            return;
        }
        chapar::seed::seed(&mut conn, 200, 11).expect("seed");
        let sample = db::letters_by_ids(&mut conn, &[50]).expect("a seeded letter").remove(0);
        let word = shared::directory::search_text(&[&sample.subject])
            .split_whitespace()
            .find(|w| shared::search::drives_scoped_search(w))
            .expect("a subject word")
            .to_owned();
        let directory = chapar::db::reports::Directory::load(&mut conn).expect("directory");
        let settled = chapar::db::reports::SettledCounts::default();
        let at = chrono::Utc::now().naive_utc();
        let year = (shared::reports::tehran_day((at - Duration::days(365)).and_utc()), shared::reports::tehran_day(at.and_utc()));
        for i in 0..8 {
            if let DbConnection::Postgres(pg) = &mut *conn {
                chapar::db::rollups::fold_pending(pg).expect("pending counts");
            }
            chapar::db::reports::aggregates(&mut conn, Scope::All, year, at, &directory, &settled).expect("dashboard");
            chapar::auth::rate_limit::count_shared(&mut conn, &[(format!("plan-test:{i}"), 1_000)]).expect("rate limit");
            let rows = db::letters_by_ids(&mut conn, &[50 + i]).expect("letter");
            db::to_wire_many(&mut conn, &rows).expect("wire form");
            let found = db::list_letters(&mut conn, Scope::Office(sample.counter_office_id), &words(&word)).expect("search");
            assert!(!found.is_empty(), "{word}");
        }
        #[derive(QueryableByName, Debug)]
        struct Kept {
            #[diesel(sql_type = Text)]
            statement: String,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            custom_plans: i64,
        }
        let kept: Vec<Kept> = diesel::sql_query("SELECT statement, custom_plans FROM pg_prepared_statements")
            .load(&mut conn)
            .expect("prepared statements");
        assert!(kept.iter().any(|k| k.statement.contains("rate_limit_windows")), "{kept:#?}");
        assert!(kept.iter().any(|k| k.statement.contains("FROM \"deliveries\"")), "{kept:#?}");
        assert!(kept.iter().any(|k| k.statement.contains("WITH RECURSIVE")), "{kept:#?}");
        // The dashboard's counts, summed by SQL of fixed text.
        assert!(kept.iter().any(|k| k.statement.starts_with("SELECT \"report_status_months\"")), "{kept:#?}");
        assert!(kept.iter().any(|k| k.statement.starts_with("SELECT \"report_backlog\"")), "{kept:#?}");
        // And the fold of the steps' pending counts before each dashboard.
        assert!(kept.iter().any(|k| k.statement.starts_with("WITH taken AS (DELETE FROM report_pending")), "{kept:#?}");
        // Except the dashboard's letters due earlier today: for that range
        // PostgreSQL's own estimate prefers a plan for the day's bounds.
        let replanned: Vec<&Kept> = kept
            .iter()
            .filter(|k| k.custom_plans > 5 && !k.statement.contains("\"letters\".\"due_at\" >="))
            .collect();
        assert!(replanned.is_empty(), "planned on every call: {replanned:#?}");
    }
}
