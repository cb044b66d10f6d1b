//! Confidentiality (طبقه‌بندی): a confidential letter's subject and body
//! appear in no list, search, export, inbox or SMS ("محرمانه" in their
//! place); its detail and files are for the registering office, the holding
//! agency and admins, and every read of them is in the audit trail.

use crate::common;

use common::TestApp;
use serde_json::{json, Value};

const SUBJECT: &str = "شکایت از رفتار مأمور قرائت کنتور";
const BODY: &str = "متن محرمانهٔ شکایت با نام مأمور";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn letter(classification: &str, copies: Value) -> Value {
    json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water", "subject": SUBJECT, "body": BODY,
        "classification": classification, "copies": copies
    })
}

/// The reads the audit trail holds for letter `id`, as (actor, what).
async fn reads(app: &TestApp, admin: &str, id: i64) -> Vec<(String, String)> {
    let page = app
        .get_as(admin, &format!("/api/v1/confidential-reads?letter_id={id}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    let mut out: Vec<(String, String)> = page.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (s("actor"), s("what"))
        })
        .collect();
    out.reverse();
    out
}

both_backends! {
    async fn a_confidential_letter_shows_its_text_only_to_its_readers_and_audits_them(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let refused = app.post_as(&op, "/api/v1/letters", &letter("confidential", json!(["gas"]))).await;
        assert_eq!(refused.status, 422, "{}", refused.text());
        assert_eq!(refused.json()["errors"][0]["code"], "copies.confidential");

        let created = app.post_as(&op, "/api/v1/letters", &letter("confidential", json!([]))).await;
        assert_eq!(created.status, 201, "{}", created.text());
        let created = created.json();
        assert_eq!(created["classification"], "confidential");
        assert_eq!(created["subject"], SUBJECT, "the operator who typed it sees it");
        let id = created["id"].as_i64().expect("id");
        let code = created["tracking_code"].as_str().expect("code").to_owned();
        let files = app.upload(&op, &format!("/api/v1/letters/{id}/attachments"), &[("شکایت.pdf", PDF)]).await;
        assert_eq!(files.status, 201, "{}", files.text());
        let file = files.json()[0]["id"].as_i64().expect("file id");

        // No list, search, export or inbox shows the text; search by its words finds nothing.
        let admin = app.token("admin").await;
        let water = app.token("clerk-water").await;
        for (token, path) in [
            (&op, "/api/v1/letters".to_owned()),
            (&op, format!("/api/v1/letters?q={code}")),
            (&admin, "/api/v1/letters".to_owned()),
            (&water, "/api/v1/inbox".to_owned()),
            (&op, "/api/v1/letters/export".to_owned()),
            (&water, "/api/v1/inbox/export".to_owned()),
        ] {
            let text = app.get_as(token, &path).await.text();
            assert!(text.contains("محرمانه"), "{path}: {text}");
            assert!(!text.contains("مأمور"), "{path} shows the text: {text}");
        }
        let by_word = app.get_as(&op, &format!("/api/v1/letters?q={}", common::urlencode("کنتور"))).await.json();
        assert_eq!(by_word["items"], json!([]), "found by the words of its subject");
        let dupes = app.post_as(&op, "/api/v1/letters/possible-duplicates", &json!({
            "national_id": "0499370899", "recipient_agency_code": "water", "subject": SUBJECT})).await;
        assert!(!dupes.text().contains("مأمور"), "{}", dupes.text());
        let outbox = app.get_as(&op, &format!("/api/v1/notifications?letter_id={id}")).await.text();
        assert!(!outbox.contains("مأمور") && outbox.contains("کد رهگیری"), "{outbox}");

        // Its readers: the office's operator, the holding agency's clerk, the admin — each recorded.
        for token in [&op, &water, &admin] {
            let detail = app.get_as(token, &format!("/api/v1/letters/{id}")).await.json();
            assert_eq!(detail["body"], BODY);
            assert_eq!(detail["attachments"][0]["id"], file);
        }
        let download = app.get_as(&water, &format!("/api/v1/attachments/{file}")).await;
        assert_eq!(download.status, 200, "{}", download.text());
        assert_eq!(
            reads(&app, &admin, id).await,
            [("op-bnd-1021", "letter"), ("clerk-water", "letter"), ("admin", "letter"), ("clerk-water", "file")]
                .map(|(a, w)| (a.to_owned(), w.to_owned()))
        );

        // The auditor sees the route, not the words or the files; a former holder neither.
        let auditor = app.token("auditor").await;
        // A reader's copy is not cached, and its ETag gets no 304 for the concealed form.
        let whole = app.get_as(&op, &format!("/api/v1/letters/{id}")).await;
        assert_eq!(whole.header("cache-control"), Some("no-store"));
        let etag = whole.header("etag").expect("etag").to_owned();
        let req = app.server.get(format!("/api/v1/letters/{id}")).bearer_auth(&auditor).insert_header(("If-None-Match", etag));
        let revalidated = app.send(req, None).await;
        assert_eq!(revalidated.status, 200);
        assert_eq!(revalidated.json()["subject"], "محرمانه");
        let seen = app.get_as(&auditor, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(seen["subject"], "محرمانه");
        assert_eq!(seen["body"], "");
        assert_eq!(seen["attachments"], json!([]));
        let file_refused = app.get_as(&auditor, &format!("/api/v1/attachments/{file}")).await;
        assert_eq!(file_refused.status, 403);
        assert_eq!(file_refused.json()["code"], "letter.confidential");
        assert_eq!(app.get_as(&auditor, "/api/v1/confidential-reads").await.status, 403);

        let item = app.get_as(&water, "/api/v1/inbox").await.json()["items"].as_array().expect("items")
            .iter().find(|i| i["letter"]["id"] == id).cloned().expect("in water's inbox");
        app.post_as(&water, &format!("/api/v1/inbox/{}/ack", item["delivery_id"]), &json!({})).await;
        let no_copies = app.post_as(&water, &format!("/api/v1/letters/{id}/refer"),
            &json!({"to_agency_code": "gas", "copies": ["governorate"]})).await;
        assert_eq!(no_copies.status, 422, "{}", no_copies.text());
        let referred = app.post_as(&water, &format!("/api/v1/letters/{id}/refer"),
            &json!({"to_agency_code": "gas", "note": "دربارهٔ مأمور قرائت"})).await;
        assert_eq!(referred.status, 200, "{}", referred.text());
        assert_eq!(referred.json()["subject"], "محرمانه", "water no longer holds it");
        let former = app.get_as(&water, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(former["body"], "");
        let events = app.get_as(&water, &format!("/api/v1/letters/{id}/events")).await.text();
        assert!(!events.contains("مأمور"), "{events}");
        let gas = app.token("clerk-gas").await;
        assert_eq!(app.get_as(&gas, &format!("/api/v1/letters/{id}")).await.json()["body"], BODY);

        // The applicant reads it on the public page: recorded as the applicant.
        let tracked = app.post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "0499370899"})).await;
        assert_eq!(tracked.json()["subject"], SUBJECT);
        let trail = reads(&app, &admin, id).await;
        assert_eq!(trail[trail.len() - 2], ("clerk-gas".to_owned(), "letter".to_owned()));
        assert_eq!(trail[trail.len() - 1], ("applicant".to_owned(), "tracking".to_owned()));
    }

    async fn a_normal_letter_is_read_freely_and_not_audited(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let created = app.post_as(&op, "/api/v1/letters", &letter("normal", json!(["gas"]))).await;
        assert_eq!(created.status, 201, "{}", created.text());
        let id = created.json()["id"].as_i64().expect("id");
        let auditor = app.token("auditor").await;
        assert_eq!(app.get_as(&auditor, &format!("/api/v1/letters/{id}")).await.json()["subject"], SUBJECT);
        let listed = app.get_as(&op, &format!("/api/v1/letters?q={}", common::urlencode("کنتور"))).await.json();
        assert_eq!(listed["items"][0]["id"], id);
        let admin = app.token("admin").await;
        assert_eq!(reads(&app, &admin, id).await, Vec::<(String, String)>::new());
    }
}
