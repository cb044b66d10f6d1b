//! CSV exports: the letters list and the inbox as spreadsheets read them
//! (BOM, Persian headers, Jalali and ISO dates), scoped exactly like the
//! lists, streamed page by page.

use crate::common;

use chapar::db::schema::{deliveries, letters};
use diesel::prelude::*;
use serde_json::json;

/// The export's lines after the BOM, the first one being the header row.
fn lines(answer: &common::Answer) -> Vec<String> {
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.content_type(), "text/csv; charset=utf-8");
    let text = answer.text();
    let text = text.strip_prefix('\u{feff}').expect("a BOM first");
    assert!(text.ends_with("\r\n"), "complete lines");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

both_backends! {
    async fn the_letters_export_holds_what_the_list_holds_for_that_caller(app) {
        {
            let mut conn = app.db.pool().get().expect("connection");
            chapar::seed::seed(&mut conn, 3_000, 5).expect("seed");
        }
        let admin = app.token("admin").await;
        let all = app.get_as(&admin, "/api/v1/letters/export").await;
        // Streamed: no length known in advance.
        assert_eq!(all.header("content-length"), None);
        assert!(all.header("content-disposition").is_some_and(|d| d.starts_with("attachment; filename=\"letters-")));
        let rows = lines(&all);
        assert_eq!(rows[0], shared::export::LETTER_COLUMNS.join(","));
        assert_eq!(rows.len() - 1, 3_000, "every letter, each once");

        // An operator's export is the office's letters only, and filters apply.
        let op = app.token("op-bnd-1021").await;
        let office: i32 = chapar::db::directory::office_by_code(&mut app.db.pool().get().expect("connection"), "bnd-1021").expect("office").id;
        let (mine, answered): (i64, i64) = {
            let mut conn = app.db.pool().get().expect("connection");
            let mine = letters::table.filter(letters::counter_office_id.eq(office)).count().get_result(&mut conn).expect("count");
            let answered = letters::table.filter(letters::counter_office_id.eq(office)).filter(letters::status.eq("answered"))
                .count().get_result(&mut conn).expect("count");
            (mine, answered)
        };
        assert!(mine > 0 && answered > 0, "the seed gives the office letters of each kind");
        let office_rows = lines(&app.get_as(&op, "/api/v1/letters/export").await);
        assert_eq!(office_rows.len() as i64 - 1, mine);
        let filtered = lines(&app.get_as(&op, "/api/v1/letters/export?status=answered").await);
        assert_eq!(filtered.len() as i64 - 1, answered);
        assert!(filtered[1..].iter().all(|l| l.contains(",پاسخ داده شده,")), "{}", filtered[1]);

        // A subject typed as a formula stays text.
        let letter = json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                          "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": "=HYPERLINK(\"http://x\", \"قبض\")", "body": "متن", "priority": "urgent"
        });
        let made = app.post_as(&op, "/api/v1/letters", &letter).await;
        assert_eq!(made.status, 201, "{}", made.text());
        let code = shared::tracking::display(made.json()["tracking_code"].as_str().expect("code"));
        let newest = lines(&app.get_as(&op, "/api/v1/letters/export").await)[1].clone();
        assert!(newest.starts_with(&format!("{code},تحویل دستگاه شده,علی رضایی,0499370899,\"'=HYPERLINK(\"\"http://x\"\", \"\"قبض\"\")\",فوری,")), "{newest}");
    }

    async fn the_inbox_export_is_the_agencys_inbox(app) {
        {
            let mut conn = app.db.pool().get().expect("connection");
            chapar::seed::seed(&mut conn, 1_500, 9).expect("seed");
        }
        let clerk = app.token("clerk-water").await;
        let page = app.get_as(&clerk, "/api/v1/inbox?view=open&limit=1").await.json();
        let water: i32 = chapar::db::directory::agency_by_code(&mut app.db.pool().get().expect("connection"), "water").expect("agency").id;
        let open: i64 = deliveries::table
            .filter(deliveries::agency_id.eq(water))
            .filter(deliveries::closed_at.is_null())
            .count()
            .get_result(&mut app.db.pool().get().expect("connection"))
            .expect("count");
        assert!(open > 1, "the seed leaves letters open at the water company");
        let rows = lines(&app.get_as(&clerk, "/api/v1/inbox/export?view=open&sort=due").await);
        assert_eq!(rows[0], shared::export::INBOX_COLUMNS.join(","));
        assert_eq!(rows.len() as i64 - 1, open);
        let new = lines(&app.get_as(&clerk, "/api/v1/inbox/export").await);
        assert_eq!(new.len() as i64 - 1, page["new_count"].as_i64().expect("count"));
        // Operators have no inbox.
        let op = app.token("op-bnd-1021").await;
        assert_eq!(app.get_as(&op, "/api/v1/inbox/export").await.status, 403);
    }
}
