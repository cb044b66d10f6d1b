//! Copies (رونوشت): a letter has one main recipient and may go, for
//! information, to other agencies. A copy lands in each copy agency's inbox
//! marked as a copy; it is acknowledged (filed) and noted, never answered,
//! referred or rejected, and never changes the letter's state.

use crate::common;

use common::TestApp;
use serde_json::{json, Value};

fn letter(copies: Value) -> Value {
    json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water", "subject": "شکستگی لوله در خیابان", "body": "متن",
        "priority": "normal", "copies": copies
    })
}

/// The item of letter `id` in the inbox page at `path`, if there.
async fn inbox_item(app: &TestApp, token: &str, path: &str, id: i64) -> Option<Value> {
    let page = app.get_as(token, path).await.json();
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["letter"]["id"] == id)
        .cloned()
}

both_backends! {
    async fn a_copy_informs_its_agency_and_never_moves_the_letter(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let created = app.post_as(&op, "/api/v1/letters", &letter(json!(["municipality", " Electricity "]))).await;
        assert_eq!(created.status, 201, "{}", created.text());
        let created = created.json();
        let id = created["id"].as_i64().expect("id");
        let copies: Vec<&str> = created["copies"].as_array().expect("copies").iter()
            .map(|c| c["agency_code"].as_str().unwrap_or_default()).collect();
        assert_eq!(copies, ["municipality", "electricity"]);

        // The copy agency finds it in its inbox, marked as a copy, not overdue ever.
        let clerk = app.token("clerk-municipality").await;
        let item = inbox_item(&app, &clerk, "/api/v1/inbox", id).await.expect("copy in the inbox");
        assert_eq!(item["copy"], true);
        assert_eq!(item["overdue"], false);
        assert!(inbox_item(&app, &clerk, "/api/v1/inbox?kind=original", id).await.is_none());
        assert!(inbox_item(&app, &clerk, "/api/v1/inbox?kind=copy", id).await.is_some());
        let water = app.token("clerk-water").await;
        let main = inbox_item(&app, &water, "/api/v1/inbox", id).await.expect("original");
        assert_eq!(main["copy"], false);
        assert!(inbox_item(&app, &water, "/api/v1/inbox?kind=copy", id).await.is_none());

        // It can't be answered, referred or rejected by the copy agency.
        for (step, body) in [
            ("answer", json!({"body": "پاسخ"})),
            ("refer", json!({"to_agency_code": "gas"})),
            ("reject", json!({"reason": "نه"})),
        ] {
            let refused = app.post_as(&clerk, &format!("/api/v1/letters/{id}/{step}"), &body).await;
            assert_eq!(refused.status, 403, "{step}: {}", refused.text());
            assert_eq!(refused.json()["code"], "letter.copy_only", "{step}");
        }

        // Acknowledged, it is filed: out of the inbox, the letter still waiting at water.
        let delivery = item["delivery_id"].as_i64().expect("delivery");
        // (The municipality numbers its incoming letters, copies too.)
        let acked = app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await;
        assert_eq!(acked.status, 200, "{}", acked.text());
        let acked = acked.json();
        assert_eq!(acked["status"], "delivered");
        assert!(acked["version"].as_i64() > created["version"].as_i64(), "a new version for caches and ETags");
        assert_eq!(acked["open_delivery_id"], main["delivery_id"]);
        assert!(acked["copies"][0]["seen_at"].is_string(), "{}", acked["copies"]);
        assert_eq!(acked["agency_references"][0]["agency_code"], "municipality");
        assert!(inbox_item(&app, &clerk, "/api/v1/inbox?view=open", id).await.is_none());
        // Its clerks can still read and note it.
        let read = app.get_as(&clerk, &format!("/api/v1/letters/{id}")).await;
        assert_eq!(read.status, 200);
        let noted = app.post_as(&clerk, &format!("/api/v1/letters/{id}/notes"), &json!({"note": "برای آگاهی بایگانی شد"})).await;
        assert!(noted.status.is_success(), "{}", noted.text());

        // The main recipient acts as usual.
        let received = app.post_as(&water, &format!("/api/v1/inbox/{}/ack", main["delivery_id"]), &json!({})).await;
        assert_eq!(received.json()["status"], "received");
        let answered = app.post_as(&water, &format!("/api/v1/letters/{id}/answer"), &json!({"body": "لوله تعمیر شد."})).await;
        assert_eq!(answered.status, 200, "{}", answered.text());

        // The applicant's SMS and public tracking say where copies went.
        let outbox = app.get_as(&op, &format!("/api/v1/notifications?letter_id={id}")).await.json();
        let registered = outbox["items"].as_array().expect("items").iter()
            .find(|n| n["event_kind"] == "registered").expect("registered SMS").clone();
        let text = registered["text"].as_str().unwrap_or_default();
        assert!(text.contains("رونوشت:") && text.contains("شهرداری"), "{text}");
        let code = created["tracking_code"].as_str().expect("code");
        let tracked = app.post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "0499370899"})).await.json();
        assert_eq!(tracked["copies"].as_array().map(Vec::len), Some(2), "{tracked}");
        let kinds: Vec<&str> = tracked["events"].as_array().expect("events").iter()
            .map(|e| e["kind"].as_str().unwrap_or_default()).collect();
        assert_eq!(kinds, ["registered", "delivered", "copied", "copied", "copy_seen", "received", "answered"]);
        let verify = app.get_as(&op, &format!("/api/v1/letters/{id}/verify")).await.json();
        assert_eq!(verify["intact"], true);
    }

    async fn a_referral_may_add_copies_and_bad_copies_write_nothing(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;

        // The recipient itself, an unknown agency, a malformed code: each named.
        let bad = app.post_as(&op, "/api/v1/letters", &letter(json!(["water", "no-such-agency"]))).await;
        assert_eq!(bad.status, 422, "{}", bad.text());
        assert_eq!(bad.json()["errors"][0]["field"], "copies[0]");
        assert_eq!(bad.json()["errors"][0]["code"], "copies.recipient");
        let unknown = app.post_as(&op, "/api/v1/letters", &letter(json!(["no-such-agency"]))).await;
        assert_eq!(unknown.status, 422, "{}", unknown.text());
        assert_eq!(unknown.json()["errors"][0]["field"], "copies[0]");
        assert_eq!(unknown.json()["errors"][0]["code"], "agency.not_active");
        let listed = app.get_as(&op, "/api/v1/letters?q=0499370899").await.json();
        assert_eq!(listed["items"], json!([]), "nothing half-written");

        let (_, id) = app.register_letter("op-bnd-1021", "water").await;
        let water = app.token("clerk-water").await;
        let item = inbox_item(&app, &water, "/api/v1/inbox", id).await.expect("delivered");
        app.post_as(&water, &format!("/api/v1/inbox/{}/ack", item["delivery_id"]), &json!({})).await;
        let to_self = app.post_as(&water, &format!("/api/v1/letters/{id}/refer"), &json!({"to_agency_code": "gas", "copies": ["gas"]})).await;
        assert_eq!(to_self.status, 422, "{}", to_self.text());
        let referred = app.post_as(&water, &format!("/api/v1/letters/{id}/refer"), &json!({"to_agency_code": "gas", "copies": ["governorate"]})).await;
        assert_eq!(referred.status, 200, "{}", referred.text());
        let referred = referred.json();
        assert_eq!(referred["holder_agency_code"], "gas");
        assert_eq!(referred["copies"][0]["agency_code"], "governorate");

        let governorate = app.token("clerk-governorate").await;
        let copy = inbox_item(&app, &governorate, "/api/v1/inbox", id).await.expect("copy");
        assert_eq!(copy["copy"], true);
        assert_eq!(copy["from_agency_code"], "water");
        // The copy agency finds it by its words (its scope holds the letter).
        let subject = referred["subject"].as_str().expect("subject").to_owned();
        let found = app.get_as(&governorate, &format!("/api/v1/letters?q={}", common::urlencode(&subject))).await.json();
        assert!(found["items"].as_array().expect("items").iter().any(|l| l["id"] == id), "{found}");
        let gas = app.token("clerk-gas").await;
        let original = inbox_item(&app, &gas, "/api/v1/inbox", id).await.expect("original");
        assert_eq!(original["copy"], false);

        let outbox = app.get_as(&op, &format!("/api/v1/notifications?letter_id={id}")).await.json();
        let sms = outbox["items"].as_array().expect("items").iter()
            .find(|n| n["event_kind"] == "referred").expect("referred SMS").clone();
        assert!(sms["text"].as_str().unwrap_or_default().contains("رونوشت:"), "{sms}");
    }
}
