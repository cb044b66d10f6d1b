//! The dashboard's figures over HTTP: counted from real letters, scoped like
//! the letters list, with a checked period.

mod common;

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
        // The second one is past its due date.
        app.execute(&format!("UPDATE letters SET due_at = '2020-01-01 00:00:00' WHERE id = {late}"));

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
}
