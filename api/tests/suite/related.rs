//! Related letters: a letter may name earlier letters of the same applicant
//! it follows up (پیرو) or refers to (عطف); both letters show it, to staff
//! and on public tracking.

use serde_json::{json, Value};

fn letter(national_id: &str, subject: &str, related: Value) -> Value {
    json!({
        "applicant": {"kind": "natural", "national_id": national_id, "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water", "subject": subject, "body": "متن", "priority": "normal",
        "related": related
    })
}

both_backends! {
    async fn a_follow_up_shows_on_both_letters_and_on_public_tracking(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let first = app.post_as(&op, "/api/v1/letters", &letter("0499370899", "قبض اشتباه", json!([]))).await.json();
        let code = first["tracking_code"].as_str().expect("code").to_owned();
        let typed = shared::sms::persian_digits(&shared::tracking::display(&code));

        // Another applicant's letter cannot be named: nothing is registered.
        let other = app.post_as(&op, "/api/v1/letters", &letter("1234567891", "قبض اشتباه", json!([{"tracking_code": typed, "relation": "follows_up"}]))).await;
        assert_eq!(other.status, 422, "{}", other.text());
        assert_eq!(other.json()["errors"][0]["field"], "related[0].tracking_code");
        assert_eq!(other.json()["errors"][0]["code"], "related.unknown");
        let listed = app.get_as(&op, "/api/v1/letters?q=1234567891").await.json();
        assert_eq!(listed["items"], json!([]), "nothing half-written");

        // The same applicant follows it up (code typed with dashes, in Persian digits).
        let second = app.post_as(&op, "/api/v1/letters", &letter("0499370899", "پیگیری قبض", json!([{"tracking_code": typed, "relation": "follows_up"}]))).await;
        assert_eq!(second.status, 201, "{}", second.text());
        let second = second.json();
        assert_eq!(second["related"][0]["tracking_code"], code);
        assert_eq!(second["related"][0]["relation"], "follows_up");
        assert_eq!(second["related"][0]["earlier"], true);
        let id = second["id"].as_i64().expect("id");
        let events = app.get_as(&op, &format!("/api/v1/letters/{id}/events")).await.json();
        assert!(events[0]["note"].as_str().is_some_and(|n| n.contains("پیرو نامهٔ")), "{}", events[0]);

        // The earlier letter names the later one.
        let first_id = first["id"].as_i64().expect("id");
        let earlier = app.get_as(&op, &format!("/api/v1/letters/{first_id}")).await.json();
        assert_eq!(earlier["related"][0]["tracking_code"], second["tracking_code"]);
        assert_eq!(earlier["related"][0]["earlier"], false);

        // The agency's inbox item carries it; so does public tracking.
        let clerk = app.token("clerk-water").await;
        let inbox = app.get_as(&clerk, "/api/v1/inbox").await.json();
        let item = inbox["items"].as_array().expect("items").iter()
            .find(|i| i["letter"]["id"] == id).expect("in the inbox").clone();
        assert_eq!(item["letter"]["related"][0]["tracking_code"], code);
        let tracked = app.post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "0499370899"})).await;
        assert_eq!(tracked.status, 200, "{}", tracked.text());
        assert_eq!(tracked.json()["related"][0]["tracking_code"], second["tracking_code"]);

        // A bad code is named by its place.
        let bad = app.post_as(&op, "/api/v1/letters", &letter("0499370899", "دیگر", json!([{"tracking_code": "12", "relation": "refers_to"}]))).await;
        assert_eq!(bad.status, 422, "{}", bad.text());
        assert_eq!(bad.json()["errors"][0]["field"], "related[0].tracking_code");
    }
}
