//! A search by words common in the province but absent from an office's
//! newest letters (PostgreSQL): the office's older matches are all found,
//! newest first, page after page, by the office (from its words kept by
//! scope) and by the province (a walk of its newest letters finds none).
//! And (SQLite) the words index's terms table, which lets a word be asked as
//! the terms it begins. A file of its own: the common words are cached per
//! process, and must be this database's.

use crate::common;

use chapar::db::Backend;
use common::{urlencode, TestApp};
use serde_json::json;

/// More than the walk's window (2,000) of the office's newest letters.
const NEWER_WITHOUT_THE_WORD: i32 = 2_100;

#[actix_web::test]
async fn older_matches_behind_thousands_of_newer_letters_are_found() {
    let Some(app) = TestApp::with_demo(Backend::Postgres).await else {
        return;
    };
    let op = app.token("op-bnd-1021").await;
    let mut matching = Vec::new();
    for i in 0..12 {
        let letter = json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                          "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": format!("آبرسانی کوچه {i}"),
            "body": "متن", "priority": "normal"
        });
        let res = app.post_as(&op, "/api/v1/letters", &letter).await;
        assert_eq!(res.status, 201, "{}", res.text());
        matching.push(res.json()["id"].as_i64().expect("id"));
    }
    // Newer letters of the same office without the word, written directly
    // (thousands through the API would only slow the test).
    app.execute(&format!(
        "INSERT INTO letters (tracking_code, counter_office_id, registered_by, applicant_kind, \
             applicant_national_id, applicant_mobile, recipient_agency_id, holder_agency_id, \
             subject, body, priority, status, version, due_at, search_text, created_at, \
             updated_at, classification) \
         SELECT '8' || lpad(g::text, 11, '0'), l.counter_office_id, l.registered_by, l.applicant_kind, \
             l.applicant_national_id, l.applicant_mobile, l.recipient_agency_id, \
             l.holder_agency_id, 'پرکننده', l.body, l.priority, l.status, 1, l.due_at, \
             'پرکننده zzo' || l.counter_office_id, l.created_at, l.updated_at, l.classification \
         FROM letters l, generate_series(1, {NEWER_WITHOUT_THE_WORD}) g WHERE l.id = {}; \
         ANALYZE letters;",
        matching[0]
    ));
    // The word is common by the planner's statistics, so the search walks
    // the office's newest letters first (rare words go to the index at once).
    use diesel::prelude::*;
    let conn = &mut *app.db.pool().get().expect("connection");
    let common: Vec<bool> = diesel::dsl::sql::<diesel::sql_types::Bool>(
        "SELECT 'آبرسانی' = ANY(most_common_elems::text::text[]) FROM pg_stats \
         WHERE tablename = 'letters' AND attname = 'search_tsv'",
    )
    .load(conn)
    .expect("statistics");
    assert_eq!(common, [true], "the word must be common for this test");

    matching.reverse();
    // The province's search walks its newest letters, then asks the GIN
    // index; the office's reads its words' newest entries (letter_words).
    let admin = app.token("admin").await;
    for (token, limit) in [(&admin, 50), (&op, 50), (&op, 5)] {
        let mut ids: Vec<i64> = Vec::new();
        let mut cursor = String::new();
        loop {
            let found = app
                .get_as(
                    token,
                    &format!(
                        "/api/v1/letters?q={}&limit={limit}{cursor}",
                        urlencode("آبرسانی")
                    ),
                )
                .await;
            assert_eq!(found.status, 200, "{}", found.text());
            let page = found.json();
            ids.extend(
                page["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .filter_map(|l| l["id"].as_i64()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&after={}", urlencode(next)),
                None => break,
            }
        }
        assert_eq!(ids, matching, "every match, newest first, pages of {limit}");
    }
}

/// SQLite: the terms table (migration 000024) holds every term of the words
/// index, whether it came with a registration or with a later change of the
/// search text (a secretariat number), so a word asked as the terms it
/// begins finds what its prefix finds. And FTS5 keeps each character such a
/// word may have as itself (`shared::search::is_one_token`): a word is
/// looked up among the terms as typed. The index is up to date after every
/// commit.
#[actix_web::test]
async fn the_words_index_terms_are_all_known_and_kept_as_typed() {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Term {
        #[diesel(sql_type = Text)]
        term: String,
    }
    let Some(app) = TestApp::with_demo(Backend::Sqlite).await else {
        return;
    };
    let terms = |sql: &str| -> Vec<String> {
        let mut conn = app.db.pool().get().expect("connection");
        let rows: Vec<Term> = diesel::sql_query(sql).load(&mut conn).expect("terms");
        rows.into_iter().map(|t| t.term).collect()
    };

    // Every character a word looked up among the terms may have.
    let typable: String = (0..=0x10FFFF_u32)
        .filter_map(char::from_u32)
        .filter(|c| shared::search::is_one_token(&c.to_string()))
        .collect();
    let words: Vec<String> = typable
        .chars()
        .collect::<Vec<_>>()
        .chunks(12)
        .map(|chunk| chunk.iter().collect())
        .collect();
    app.execute(&format!(
        "INSERT INTO letters_fts_scratch(rowid, search_text) VALUES (1, '{}'); ",
        words.join(" ")
    ));
    let indexed = terms("SELECT term FROM letters_fts_scratch_terms ORDER BY term");
    app.execute("INSERT INTO letters_fts_scratch(letters_fts_scratch) VALUES ('delete-all')");
    let mut expected = words.clone();
    expected.sort();
    assert_eq!(indexed, expected, "FTS5 splits or folds none of them");

    let (operator, id) = app.register_letter("op-bnd-1021", "water").await;
    let clerk = app.token("clerk-water").await;
    // The demo has no other letter: the inbox's one delivery is the new letter's.
    let inbox = app.get_as(&clerk, "/api/v1/inbox").await.json();
    let delivery = inbox["items"][0]["delivery_id"]
        .as_i64()
        .expect("the new delivery");
    let ack = app
        .post_as(
            &clerk,
            &format!("/api/v1/inbox/{delivery}/ack"),
            &json!({"agency_reference": "۴۵/۷۷۱۲۳۴"}),
        )
        .await;
    assert_eq!(ack.status, 200, "{}", ack.text());
    // The index was written at each commit (migration 000027): it holds
    // exactly what the letters say now, the acknowledged text and not the
    // registered one, and no letter waits for it.
    app.execute("INSERT INTO letters_fts (letters_fts, rank) VALUES ('integrity-check', 1)");
    assert_eq!(
        terms("SELECT CAST(letter_id AS TEXT) AS term FROM letters_search_changed"),
        Vec::<String>::new(),
        "letters left for the index after the commit"
    );
    let missing =
        terms("SELECT term FROM letters_fts_all_terms EXCEPT SELECT term FROM letters_fts_terms");
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "terms of the index not in the terms table"
    );
    assert_eq!(
        terms("SELECT term FROM letters_fts_terms WHERE term = '771234'"),
        ["771234"]
    );
    let found = app
        .get_as(&operator, "/api/v1/letters?q=77123")
        .await
        .json();
    let ids: Vec<i64> = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|l| l["id"].as_i64())
        .collect();
    assert_eq!(
        ids,
        [id],
        "found by the number's prefix, asked as its terms"
    );
}
