//! The duplicate warning at intake: before registering, the operator asks
//! whether the applicant already has an open letter at the agency about the
//! same matter; registering anyway records that decision.

use crate::common;

use common::TestApp;
use serde_json::{json, Value};

fn letter(agency: &str, subject: &str) -> Value {
    json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": agency, "subject": subject, "body": "متن", "priority": "normal"
    })
}

async fn check(app: &TestApp, token: &str, agency: &str, subject: &str) -> common::Answer {
    app.post_as(
        token,
        "/api/v1/letters/possible-duplicates",
        // The national code typed in Persian digits, without its leading zero.
        &json!({"national_id": "۴۹۹۳۷۰۸۹۹", "recipient_agency_code": agency, "subject": subject}),
    )
    .await
}

fn tracking_codes(answer: &common::Answer) -> Vec<String> {
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|d| d["letter"]["tracking_code"].as_str().map(str::to_owned))
        .collect()
}

both_backends! {
    async fn an_open_letter_about_the_same_matter_is_flagged_however_it_was_typed(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let first = app.post_as(&op, "/api/v1/letters", &letter("water", "قطعی مکرر آب در کوچه‌ی ۵")).await;
        assert_eq!(first.status, 201, "{}", first.text());
        let code = first.json()["tracking_code"].as_str().expect("code").to_owned();

        // Arabic letters, a diacritic, no half-space, Latin digits: the same matter.
        let same = check(&app, &op, "water", "قطعي مكرر آبِ كوچهی 5").await;
        assert_eq!(tracking_codes(&same), std::slice::from_ref(&code));
        assert_eq!(same.json()["items"][0]["overlap"], 1.0);
        assert_eq!(same.json()["items"][0]["letter"]["recipient_agency_name"], "شرکت آب و فاضلاب استان هرمزگان");

        // Another matter, another agency: nothing.
        assert!(tracking_codes(&check(&app, &op, "water", "قبض اشتباه").await).is_empty());
        assert!(tracking_codes(&check(&app, &op, "electricity", "قطعی مکرر آب کوچه ۵").await).is_empty());
        // Another office's operator cannot see this office's letters, nor learn of them.
        let other = app.token("op-qsh-2034").await;
        assert!(tracking_codes(&check(&app, &other, "water", "قطعی مکرر آب کوچه ۵").await).is_empty());

        // Registered anyway: the decision is in the registered event.
        let mut again = letter("water", "قطعی مکرر آب کوچه ۵");
        again["duplicates_seen"] = json!([shared::tracking::display(&code)]);
        let second = app.post_as(&op, "/api/v1/letters", &again).await;
        assert_eq!(second.status, 201, "{}", second.text());
        let id = second.json()["id"].as_i64().expect("id");
        let events = app.get_as(&op, &format!("/api/v1/letters/{id}/events")).await.json();
        let note = events[0]["note"].as_str().expect("note");
        assert!(note.contains(&shared::tracking::display(&code)), "{note}");

        // Withdrawn letters are not open: only the second is flagged now.
        let first_id = first.json()["id"].as_i64().expect("id");
        let withdrawn = app.post_as(&op, &format!("/api/v1/letters/{first_id}/withdraw"), &json!({})).await;
        assert_eq!(withdrawn.status, 200, "{}", withdrawn.text());
        let now = tracking_codes(&check(&app, &op, "water", "قطعی آب کوچه ۵").await);
        assert_eq!(now, [second.json()["tracking_code"].as_str().expect("code").to_owned()]);
    }

    async fn the_check_names_each_bad_field_and_is_for_those_who_register(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let res = app
            .post_as(&op, "/api/v1/letters/possible-duplicates", &json!({"national_id": " ", "recipient_agency_code": "", "subject": ""}))
            .await;
        assert_eq!(res.status, 422, "{}", res.text());
        let fields: Vec<String> = res.json()["errors"].as_array().expect("errors").iter()
            .filter_map(|e| e["field"].as_str().map(str::to_owned)).collect();
        assert_eq!(fields, ["national_id", "recipient_agency_code", "subject"]);
        let unknown = check(&app, &op, "no-such-agency", "قطعی آب").await;
        assert_eq!(unknown.status, 422, "{}", unknown.text());

        let clerk = app.token("clerk-water").await;
        assert_eq!(check(&app, &clerk, "water", "قطعی آب").await.status, 403);

        let mut bad = letter("water", "قطعی آب");
        bad["duplicates_seen"] = json!(["1234"]);
        let res = app.post_as(&op, "/api/v1/letters", &bad).await;
        assert_eq!(res.status, 422, "{}", res.text());
        assert_eq!(res.json()["errors"][0]["field"], "duplicates_seen[0]");
    }
}
