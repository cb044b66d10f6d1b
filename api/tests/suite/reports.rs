//! The dashboard's figures over HTTP: counted from real letters, scoped like
//! the letters list, with a checked period.

use crate::common;

use common::TestApp;
use serde_json::{json, Value};

async fn summary(app: &TestApp, user: &str, query: &str) -> Value {
    let token = app.token(user).await;
    let res = app
        .get_as(&token, &format!("/api/v1/reports/summary{query}"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

fn agency<'a>(summary: &'a Value, code: &str) -> &'a Value {
    summary["by_agency"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["agency_code"] == code))
        .unwrap_or_else(|| panic!("no {code} in {summary}"))
}

both_backends! {
    async fn the_dashboard_counts_volume_answers_and_backlog_in_scope(app) {
        app.seed_demo();
        let answered = app.register_letter("op-bnd-1021", "water").await.1;
        let late = app.register_letter("op-bnd-1021", "water").await.1;
        app.register_letter("op-qsh-2034", "gas").await;
        // The water clerk receives and answers the first letter.
        let clerk = app.token("clerk-water").await;
        let inbox = app.get_as(&clerk, "/api/v1/inbox").await.json();
        for item in inbox["items"].as_array().expect("items") {
            let delivery = item["delivery_id"].as_i64().expect("delivery");
            assert_eq!(app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.status, 200);
        }
        let res = app.post_as(&clerk, &format!("/api/v1/letters/{answered}/answer"), &json!({"body": "انجام شد"})).await;
        assert_eq!(res.status, 200, "{}", res.text());
        // The second one is past its due date (the rollups count open
        // letters by due day, so they are counted again).
        app.execute(&format!("UPDATE letters SET due_at = '2020-01-01 00:00:00' WHERE id = {late}"));
        app.rolled_up_afresh();

        let all = summary(&app, "admin", "").await;
        assert_eq!(all["registered"], 3);
        assert_eq!(all["answered"], 1);
        assert_eq!((all["open"].as_u64(), all["overdue"].as_u64()), (Some(2), Some(1)));
        assert_eq!(all["on_time_percent"], 100.0);
        assert_eq!(all["per_day"].as_array().map(Vec::len), Some(30));
        let today = &all["per_day"][29];
        assert_eq!((today["registered"].as_u64(), today["answered"].as_u64()), (Some(3), Some(1)));
        let water = agency(&all, "water");
        assert_eq!((water["open"].as_u64(), water["overdue"].as_u64(), water["answered"].as_u64()), (Some(1), Some(1), Some(1)));
        assert!(!water["agency_name"].as_str().unwrap_or_default().is_empty());
        assert_eq!(agency(&all, "gas")["open"], 1);
        assert_eq!(all["by_office"][0]["counter_office_code"], "bnd-1021");
        assert_eq!(all["by_office"][0]["registered"], 2);
        let received = all["by_status"].as_array().expect("by_status").iter().find(|s| s["status"] == "received").expect("received");
        assert_eq!(received["count"], 1);

        // An operator sees its office's letters only; a clerk its agency's.
        let office = summary(&app, "op-qsh-2034", "").await;
        assert_eq!((office["registered"].as_u64(), office["open"].as_u64()), (Some(1), Some(1)));
        assert_eq!(office["by_office"].as_array().map(Vec::len), Some(1));
        let gas = summary(&app, "clerk-gas", "").await;
        assert_eq!((gas["registered"].as_u64(), gas["answered"].as_u64()), (Some(1), Some(0)));
        assert!(gas["by_agency"].as_array().expect("agencies").iter().all(|a| a["agency_code"] == "gas"));

        // A period before any letter: nothing registered, the backlog stays.
        let old = summary(&app, "admin", "?from=2025-01-01&to=2025-01-31").await;
        assert_eq!((old["registered"].as_u64(), old["open"].as_u64()), (Some(0), Some(2)));
        assert_eq!(old["per_day"].as_array().map(Vec::len), Some(31));
    }

    async fn a_bad_period_is_refused_with_the_field_named(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let res = app.get_as(&admin, "/api/v1/reports/summary?from=2026-02-01&to=2026-01-01").await;
        assert_eq!(res.status, 422, "{}", res.text());
        assert_eq!(res.json()["errors"][0]["field"], "from");
        let res = app.get_as(&admin, "/api/v1/reports/summary?from=2024-01-01&to=2026-01-01").await;
        assert_eq!(res.status, 422);
        let res = app.get_as(&admin, "/api/v1/reports/summary?from=yesterday").await;
        assert_eq!(res.status, 400);
        assert!(res.content_type().starts_with("application/problem+json"));
        assert_eq!(app.get("/api/v1/reports/summary").await.status, 401);
    }

    async fn each_dashboard_table_downloads_as_csv_in_scope(app) {
        {
            let mut conn = app.db.pool().get().expect("connection");
            chapar::seed::seed(&mut conn, 600, 9).expect("seed");
        }
        let admin = app.token("admin").await;
        let period = "from=2026-06-01&to=2026-11-30";
        let summary = app.get_as(&admin, &format!("/api/v1/reports/summary?{period}")).await.json();
        let sheet = |answer: common::Answer| -> Vec<Vec<String>> {
            assert_eq!(answer.status, 200, "{}", answer.text());
            assert_eq!(answer.content_type(), "text/csv; charset=utf-8");
            let text = answer.text();
            let text = text.strip_prefix('\u{feff}').expect("a BOM first").to_owned();
            text.split("\r\n").filter(|l| !l.is_empty())
                .map(|l| l.split(',').map(str::to_owned).collect()).collect()
        };
        let days = sheet(app.get_as(&admin, &format!("/api/v1/reports/summary/export?table=days&{period}")).await);
        assert_eq!(days[0], ["تاریخ", "تاریخ (ISO)", "ثبت شده", "پاسخ داده شده"]);
        let per_day = summary["per_day"].as_array().expect("days");
        assert_eq!(days.len() - 1, per_day.len(), "a line per day of the period");
        for (line, day) in days[1..].iter().zip(per_day) {
            assert_eq!(line[1], day["date"].as_str().expect("date"));
            assert_eq!(line[2], day["registered"].to_string());
            assert_eq!(line[3], day["answered"].to_string());
        }
        assert!(days[1][0].starts_with("1405/03/"), "Jalali first: {:?}", days[1]);
        let registered: u64 = days[1..].iter().map(|l| l[2].parse::<u64>().expect("count")).sum();
        assert_eq!(registered, summary["registered"].as_u64().expect("registered"));

        let agencies = sheet(app.get_as(&admin, &format!("/api/v1/reports/summary/export?table=agencies&{period}")).await);
        let by_agency = summary["by_agency"].as_array().expect("agencies");
        assert_eq!(agencies.len() - 1, by_agency.len());
        assert_eq!(agencies[1][0], by_agency[0]["agency_name"].as_str().expect("name"));
        assert_eq!(agencies[1][2], by_agency[0]["open"].to_string());

        // An operator's sheets are its office's figures only.
        let op = app.token("op-bnd-1021").await;
        let offices = sheet(app.get_as(&op, &format!("/api/v1/reports/summary/export?table=offices&{period}")).await);
        assert_eq!(offices.len(), 2, "{offices:?}");
        assert_eq!(offices[1][1], "bnd-1021");
        let statuses = sheet(app.get_as(&op, &format!("/api/v1/reports/summary/export?table=statuses&{period}")).await);
        let office_total: u64 = statuses[1..].iter().map(|l| l[1].parse::<u64>().expect("count")).sum();
        assert_eq!(office_total.to_string(), offices[1][2]);

        let unknown = app.get_as(&admin, "/api/v1/reports/summary/export?table=letters").await;
        assert_eq!(unknown.status, 422, "{}", unknown.text());
        assert_eq!(unknown.json()["errors"][0]["field"], "table");
    }
}

/// Every letter of the database as the reference computation reads it: an
/// answered letter is judged by the due date of the answering agency's
/// delivery, an open one by its own due date.
fn reference_rows(app: &TestApp) -> Vec<shared::reports::ReportRow> {
    use chapar::db::schema::{agencies, counter_offices, deliveries, letters};
    use diesel::prelude::*;
    use std::collections::HashMap;
    let mut conn = app.db.pool().get().expect("connection");
    let agency: HashMap<i32, String> = agencies::table
        .select((agencies::id, agencies::code))
        .load(&mut conn)
        .expect("agencies")
        .into_iter()
        .collect();
    let office: HashMap<i32, String> = counter_offices::table
        .select((counter_offices::id, counter_offices::code))
        .load(&mut conn)
        .expect("offices")
        .into_iter()
        .collect();
    let mut due: HashMap<(i32, i32), chrono::NaiveDateTime> = HashMap::new();
    for (letter, agency_id, at) in deliveries::table
        .select((
            deliveries::letter_id,
            deliveries::agency_id,
            deliveries::due_at,
        ))
        .load::<(i32, i32, chrono::NaiveDateTime)>(&mut conn)
        .expect("deliveries")
    {
        let entry = due.entry((letter, agency_id)).or_insert(at);
        *entry = (*entry).max(at);
    }
    type Columns = (
        i32,
        String,
        i32,
        i32,
        Option<i32>,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
    );
    letters::table
        .select((
            letters::id,
            letters::status,
            letters::counter_office_id,
            letters::holder_agency_id,
            letters::answer_agency_id,
            letters::created_at,
            letters::answered_at,
            letters::due_at,
        ))
        .load::<Columns>(&mut conn)
        .expect("letters")
        .into_iter()
        .map(
            |(id, status, office_id, holder, answerer, created, answered, letter_due)| {
                shared::reports::ReportRow {
                    status: shared::workflow::Status::parse(&status).expect("status"),
                    counter_office_code: office[&office_id].clone(),
                    holder_agency_code: agency[&holder].clone(),
                    answer_agency_code: answerer.map(|a| agency[&a].clone()),
                    created_at: created.and_utc(),
                    answered_at: answered.map(|a| a.and_utc()),
                    due_at: match answerer {
                        Some(a) => due.get(&(id, a)).copied(),
                        None => letter_due,
                    }
                    .map(|d| d.and_utc()),
                }
            },
        )
        .collect()
}

both_backends! {
    async fn the_sql_counts_agree_with_the_reference_computation(app) {
        {
            let mut conn = app.db.pool().get().expect("connection");
            chapar::seed::seed(&mut conn, 1_200, 3).expect("seed");
        }
        let rows = reference_rows(&app);
        let admin = app.token("admin").await;
        let op = app.token("op-bnd-1021").await;
        let now = chrono::Utc::now();
        let today = shared::reports::tehran_day(now);
        for days in [30, 200, 366] {
            let from = today - chrono::Duration::days(days - 1);
            let query = format!("/api/v1/reports/summary?from={from}&to={today}");
            let mut expected = shared::reports::summarize(&rows, from, today, now);
            let got: shared::reports::Summary = serde_json::from_slice(&app.get_as(&admin, &query).await.body).expect("summary");
            // Names come from the directory; the reference leaves them empty.
            for (e, g) in expected.by_agency.iter_mut().zip(&got.by_agency) {
                e.agency_name.clone_from(&g.agency_name);
            }
            for (e, g) in expected.by_office.iter_mut().zip(&got.by_office) {
                e.counter_office_name.clone_from(&g.counter_office_name);
            }
            assert_eq!(got, expected, "{days} days");
            assert!(got.registered > 0 && got.answered > 0 && got.open > 0, "{days} days: {got:?}");
            // An operator's figures are its office's letters only.
            let office_rows: Vec<_> = rows.iter().filter(|r| r.counter_office_code == "bnd-1021").cloned().collect();
            let office: shared::reports::Summary = serde_json::from_slice(&app.get_as(&op, &query).await.body).expect("summary");
            let reference = shared::reports::summarize(&office_rows, from, today, now);
            assert_eq!((office.registered, office.answered, office.open, office.overdue, office.median_answer_hours), (reference.registered, reference.answered, reference.open, reference.overdue, reference.median_answer_hours));
        }
    }
}

both_backends! {
    async fn the_rollups_each_step_keeps_equal_a_count_from_scratch(app) {
        app.seed_demo();
        let mut ids = Vec::new();
        for (op, agency) in [("op-bnd-1021", "water"), ("op-bnd-1021", "water"), ("op-qsh-2034", "water"), ("op-bnd-1021", "water"), ("op-qsh-2034", "gas"), ("op-bnd-1021", "water")] {
            ids.push(app.register_letter(op, agency).await.1);
        }
        let water = app.token("clerk-water").await;
        let gas = app.token("clerk-gas").await;
        let ack_all = |token: String| {
            let app = &app;
            async move {
                let inbox = app.get_as(&token, "/api/v1/inbox").await.json();
                for item in inbox["items"].as_array().expect("items") {
                    let delivery = item["delivery_id"].as_i64().expect("delivery");
                    assert_eq!(app.post_as(&token, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.status, 200);
                }
            }
        };
        ack_all(water.clone()).await;
        let step = |token: &str, id: i64, action: &str, body: Value| {
            let (app, token, action) = (&app, token.to_owned(), action.to_owned());
            async move {
                let res = app.post_as(&token, &format!("/api/v1/letters/{id}/{action}"), &body).await;
                assert_eq!(res.status, 200, "{action}: {}", res.text());
            }
        };
        let op = app.token("op-bnd-1021").await;
        step(&water, ids[0], "refer", json!({"to_agency_code": "gas", "note": ""})).await;
        step(&water, ids[1], "answer", json!({"body": "انجام شد"})).await;
        step(&water, ids[2], "reject", json!({"reason": "ناقص"})).await;
        step(&op, ids[3], "withdraw", json!({})).await;
        step(&op, ids[1], "close", json!({})).await;
        // Late: the answer comes after the due date.
        app.execute(&format!("UPDATE deliveries SET due_at = '2020-01-01 00:00:00' WHERE letter_id = {}", ids[5]));
        step(&water, ids[5], "answer", json!({"body": "با تأخیر"})).await;
        ack_all(gas.clone()).await;
        step(&gas, ids[0], "answer", json!({"body": "پاسخ گاز"})).await;
        // New in gas's inbox: one letter, and a copy of another sent to it.
        app.register_letter("op-bnd-1021", "gas").await;
        let copied = app.register_letter("op-bnd-1021", "water").await.1;
        ack_all(water.clone()).await;
        step(&water, copied, "refer", json!({"to_agency_code": "electricity", "note": "", "copies": ["gas"]})).await;
        let gas_inbox = app.get_as(&gas, "/api/v1/inbox").await.json();
        assert_eq!(gas_inbox["new_count"], 2, "{gas_inbox}");
        assert_eq!(gas_inbox["items"].as_array().map(Vec::len), Some(2));

        let kept = app.rollup_rows();
        assert!(kept.iter().any(|r| r.starts_with("answers")) && kept.iter().any(|r| r.starts_with("backlog")), "{kept:#?}");
        assert!(kept.iter().any(|r| r.starts_with("inbox")), "{kept:#?}");
        assert_eq!(kept, app.rolled_up_afresh());

        // And the figures read from them are the reference computation's.
        let now = chrono::Utc::now();
        let today = shared::reports::tehran_day(now);
        let from = today - chrono::Duration::days(29);
        let expected = shared::reports::summarize(&reference_rows(&app), from, today, now);
        let got: shared::reports::Summary = serde_json::from_slice(&app.get_as(&app.token("admin").await, "/api/v1/reports/summary").await.body).expect("summary");
        assert_eq!((got.registered, got.answered, got.open, got.on_time_percent, got.median_answer_hours), (expected.registered, expected.answered, expected.open, expected.on_time_percent, expected.median_answer_hours));
        assert_eq!(got.on_time_percent, Some(66.7), "one of three answers was late");
        let gas_view: shared::reports::Summary = serde_json::from_slice(&app.get_as(&gas, "/api/v1/reports/summary").await.body).expect("summary");
        assert_eq!((gas_view.registered, gas_view.answered), (3, 1), "the letter referred to gas counts for it, the copy sent to it does not");
    }
}

/// The dashboard of `token` for the default 30 days, parsed.
async fn figures(app: &TestApp, token: &str) -> shared::reports::Summary {
    let res = app.get_as(token, "/api/v1/reports/summary").await;
    assert_eq!(res.status, 200, "{}", res.text());
    serde_json::from_slice(&res.body).expect("summary")
}

fn registered_on(summary: &shared::reports::Summary, day: chrono::NaiveDate) -> u32 {
    summary
        .per_day
        .iter()
        .find(|d| d.date == day)
        .map_or(0, |d| d.registered)
}

/// `n` letters of the demo province registered to `agency` and received
/// there; answers its clerk's token and the letters' ids.
async fn received_at(app: &TestApp, agency: &str, n: usize) -> (String, Vec<i64>) {
    app.seed_demo();
    let mut ids = Vec::new();
    for _ in 0..n {
        ids.push(app.register_letter("op-bnd-1021", agency).await.1);
    }
    let clerk = app.token(&format!("clerk-{agency}")).await;
    for item in app.get_as(&clerk, "/api/v1/inbox").await.json()["items"]
        .as_array()
        .expect("items")
    {
        let delivery = item["delivery_id"].as_i64().expect("delivery");
        let path = format!("/api/v1/inbox/{delivery}/ack");
        assert_eq!(app.post_as(&clerk, &path, &json!({})).await.status, 200);
    }
    (clerk, ids)
}

both_backends! {
    async fn days_that_are_over_are_kept_and_what_still_moves_is_read_again(app) {
        let (water, ids) = received_at(&app, "water", 3).await;
        // The three were registered ten days ago (08:00 UTC is 11:30 in Tehran).
        let today = shared::reports::tehran_day(chrono::Utc::now());
        let old_day = today - chrono::Duration::days(10);
        let at = old_day.and_hms_opt(8, 0, 0).expect("time");
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        app.execute(&format!("UPDATE letters SET created_at = '{at}' WHERE id IN ({list})"));
        app.rolled_up_afresh();

        let (admin, gas) = (app.token("admin").await, app.token("clerk-gas").await);
        let before = figures(&app, &admin).await;
        assert_eq!((before.registered, registered_on(&before, old_day)), (3, 3));
        assert_eq!(figures(&app, &gas).await.registered, 0);

        // Today one is referred on to gas and one answered; one more is registered.
        let refer = json!({"to_agency_code": "gas", "note": ""});
        assert_eq!(app.post_as(&water, &format!("/api/v1/letters/{}/refer", ids[0]), &refer).await.status, 200);
        let answer = json!({"body": "انجام شد"});
        assert_eq!(app.post_as(&water, &format!("/api/v1/letters/{}/answer", ids[1]), &answer).await.status, 200);
        app.register_letter("op-bnd-1021", "electricity").await;

        let now = chrono::Utc::now();
        let mut expected = shared::reports::summarize(&reference_rows(&app), today - chrono::Duration::days(29), today, now);
        let province = figures(&app, &admin).await;
        for (e, g) in expected.by_agency.iter_mut().zip(&province.by_agency) {
            e.agency_name.clone_from(&g.agency_name);
        }
        for (e, g) in expected.by_office.iter_mut().zip(&province.by_office) {
            e.counter_office_name.clone_from(&g.counter_office_name);
        }
        assert_eq!(province, expected, "statuses, today's registration and answer are read again");
        assert_eq!((province.answered, registered_on(&province, today)), (1, 1));

        let gas_view = figures(&app, &gas).await;
        assert_eq!(
            (gas_view.registered, registered_on(&gas_view, old_day)),
            (1, 1),
            "a letter referred to gas counts for it on the day it was registered, though gas read that day before"
        );
    }
}

/// Day counters by scope, day and kind.
type DayTotals = std::collections::BTreeMap<(i16, i32, chrono::NaiveDate, String), i64>;

/// The day counters summed over their shards; and how many rows hold them.
fn day_totals(app: &TestApp) -> (DayTotals, usize) {
    use chapar::db::schema::report_days as d;
    use diesel::prelude::*;
    app.fold_pending_counts();
    let mut conn = app.db.pool().get().expect("connection");
    let rows = d::table
        .select((d::scope_kind, d::scope_id, d::day, d::kind, d::n))
        .load::<(i16, i32, chrono::NaiveDate, String, i64)>(&mut conn)
        .expect("days");
    let mut totals = std::collections::BTreeMap::new();
    for (kind, id, day, what, n) in &rows {
        *totals.entry((*kind, *id, *day, what.clone())).or_default() += n;
    }
    totals.retain(|_, n| *n != 0);
    (totals, rows.len())
}

both_backends! {
    async fn a_day_that_is_over_loses_the_rows_its_moves_left_at_zero_not_a_figure(app) {
        // Both letters answered: today's "received" row is at zero (on
        // PostgreSQL once counted: a fold adds up its steps' changes first).
        let (water, ids) = received_at(&app, "water", 2).await;
        app.fold_pending_counts();
        let answer = json!({"body": "انجام شد"});
        for id in &ids {
            assert_eq!(app.post_as(&water, &format!("/api/v1/letters/{id}/answer"), &answer).await.status, 200);
        }
        let admin = app.token("admin").await;
        let before = figures(&app, &admin).await;
        let (totals, rows) = day_totals(&app);

        // Three days on, today takes no more registrations: its zero rows go.
        let today = shared::reports::tehran_day(chrono::Utc::now());
        {
            let mut conn = app.db.pool().get().expect("connection");
            let later = chrono::Utc::now() + chrono::Duration::days(3);
            assert!(chapar::db::rollups::prune_recent_days(&mut conn, later).expect("prune") > 0);
        }
        let (pruned, pruned_rows) = day_totals(&app);
        assert_eq!(pruned, totals, "the same counts");
        assert!(pruned_rows < rows, "fewer rows: {rows} -> {pruned_rows}");
        {
            use chapar::db::schema::report_days as d;
            use diesel::prelude::*;
            let mut conn = app.db.pool().get().expect("connection");
            let left = d::table
                .filter(d::day.eq(today))
                .filter(d::shard.ne(0).or(d::n.eq(0)))
                .count()
                .get_result::<i64>(&mut conn)
                .expect("rows");
            assert_eq!(left, 0, "one row per count, none at zero");
        }
        assert_eq!(figures(&app, &admin).await, before);

        // A step afterwards writes its row again.
        app.register_letter("op-bnd-1021", "water").await;
        let kept = day_totals(&app).0;
        app.rolled_up_afresh();
        assert_eq!(kept, day_totals(&app).0);
    }
}

both_backends! {
    async fn an_agency_counts_overdue_the_letters_that_were_its_work_not_its_copies(app) {
        // Gas's work, referred on to water.
        let (gas, ids) = received_at(&app, "gas", 1).await;
        let refer = json!({"to_agency_code": "water", "note": ""});
        assert_eq!(app.post_as(&gas, &format!("/api/v1/letters/{}/refer", ids[0]), &refer).await.status, 200);
        // Water's, with a copy to gas for information.
        let op = app.token("op-bnd-1021").await;
        let copied = json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                          "last_name": "رضایی", "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": "نمونه", "body": "متن",
            "priority": "normal", "copies": ["gas"]
        });
        let res = app.post_as(&op, "/api/v1/letters", &copied).await;
        assert_eq!(res.status, 201, "{}", res.text());
        let copy = res.json()["id"].as_i64().expect("id");
        app.execute(&format!("UPDATE letters SET due_at = '2020-01-01 00:00:00' WHERE id IN ({}, {copy})", ids[0]));
        app.rolled_up_afresh();

        let view = summary(&app, "clerk-gas", "").await;
        let water = agency(&view, "water");
        assert_eq!((&water["open"], &water["overdue"]), (&json!(1), &json!(1)), "{view}");
        let province = summary(&app, "admin", "").await;
        assert_eq!((&agency(&province, "water")["open"], &agency(&province, "water")["overdue"]), (&json!(2), &json!(2)));
    }
}

/// The open letters of `holder` in `view` (a dashboard's JSON): (open, overdue).
fn backlog_of(view: &Value, holder: &str) -> (Value, Value) {
    let row = agency(view, holder);
    (row["open"].clone(), row["overdue"].clone())
}

both_backends! {
    async fn overdue_counts_the_days_past_and_the_letters_due_earlier_today(app) {
        let (water, ids) = received_at(&app, "water", 4).await;
        // Due three days ago, at midnight today (UTC), in an hour, and as given.
        let now = chrono::Utc::now().naive_utc();
        let midnight = now.date().and_time(chrono::NaiveTime::MIN);
        for (id, due) in [(ids[0], now - chrono::Duration::days(3)), (ids[1], midnight), (ids[2], now + chrono::Duration::hours(1))] {
            app.execute(&format!("UPDATE letters SET due_at = '{}' WHERE id = {id}", due.format("%Y-%m-%d %H:%M:%S")));
        }
        app.rolled_up_afresh();
        let province = summary(&app, "admin", "").await;
        assert_eq!(backlog_of(&province, "water"), (json!(4), json!(2)), "{province}");
        let own = summary(&app, "clerk-water", "").await;
        assert_eq!(backlog_of(&own, "water"), (json!(4), json!(2)), "{own}");

        // Days long past are counted on one row per holder.
        let long_overdue = |app: &TestApp| {
            use chapar::db::schema::report_backlog as b;
            use diesel::prelude::*;
            let mut conn = app.db.pool().get().expect("connection");
            b::table
                .filter(b::due_day.lt(now.date() - chrono::Duration::days(1)))
                .select((b::due_day, b::n))
                .load::<(chrono::NaiveDate, i64)>(&mut conn)
                .expect("rows")
        };
        assert!(long_overdue(&app).iter().all(|(day, _)| *day == shared::rollup::LONG_OVERDUE), "{:?}", long_overdue(&app));

        // A letter answered from a folded day leaves the figures at once (its
        // step takes it off its own day's row), and the hourly job folds that
        // row in: no row at zero is left.
        let answer = json!({"body": "انجام شد"});
        assert_eq!(app.post_as(&water, &format!("/api/v1/letters/{}/answer", ids[0]), &answer).await.status, 200);
        assert_eq!(backlog_of(&summary(&app, "admin", "").await, "water"), (json!(3), json!(1)));
        assert!(long_overdue(&app).iter().any(|(day, n)| *day > shared::rollup::LONG_OVERDUE && *n < 0), "{:?}", long_overdue(&app));
        let folded = {
            let mut conn = app.db.pool().get().expect("connection");
            chapar::db::write_transaction(&mut conn, |c| chapar::db::rollups::fold_past_dues(c, chrono::Utc::now())).expect("fold")
        };
        assert!(folded > 0);
        assert_eq!(long_overdue(&app), []);
        assert_eq!(backlog_of(&summary(&app, "admin", "").await, "water"), (json!(3), json!(1)));
    }
}

both_backends! {
    async fn a_renamed_agency_or_office_is_named_anew_on_the_next_dashboard(app) {
        app.seed_demo();
        app.register_letter("op-bnd-1021", "water").await;
        let before = summary(&app, "admin", "").await;
        assert_ne!(agency(&before, "water")["agency_name"], "آبفای هرمزگان");
        let admin = app.token("admin").await;
        let res = app.patch_as(&admin, "/api/v1/agencies/water", &json!({"name": "آبفای هرمزگان"})).await;
        assert_eq!(res.status, 200, "{}", res.text());
        let res = app.patch_as(&admin, "/api/v1/counter-offices/bnd-1021", &json!({"name": "پیشخوان مرکزی بندر"})).await;
        assert_eq!(res.status, 200, "{}", res.text());

        let after = summary(&app, "admin", "").await;
        assert_eq!(agency(&after, "water")["agency_name"], "آبفای هرمزگان");
        assert_eq!(after["by_office"][0]["counter_office_name"], "پیشخوان مرکزی بندر");
    }
}
