//! Answer templates: an agency's clerks keep named answer texts that they
//! pick when answering; other agencies never see them.

use serde_json::json;

both_backends! {
    async fn an_agencys_templates_are_kept_by_its_clerks_and_seen_by_no_other_agency(app) {
        app.seed_demo();
        let water = app.token("clerk-water").await;
        let body = "{applicant} گرامی، قبض نامهٔ {code} در {today} اصلاح شد.";
        let made = app.post_as(&water, "/api/v1/answer-templates", &json!({"name": " اصلاح  قبض ", "body": body})).await;
        assert_eq!(made.status, 201, "{}", made.text());
        let made = made.json();
        assert_eq!(made["name"], "اصلاح قبض");
        assert_eq!(made["agency_code"], "water");
        assert_eq!(made["agency_name"], "شرکت آب و فاضلاب استان هرمزگان");
        let id = made["id"].as_i64().expect("id");

        // The same name twice is refused; an unknown placeholder is named.
        let twice = app.post_as(&water, "/api/v1/answer-templates", &json!({"name": "اصلاح قبض", "body": "متن"})).await;
        assert_eq!(twice.status, 409, "{}", twice.text());
        let unknown = app.post_as(&water, "/api/v1/answer-templates", &json!({"name": "دیگر", "body": "کد ملی {national_id}"})).await;
        assert_eq!(unknown.status, 422, "{}", unknown.text());
        assert_eq!(unknown.json()["errors"][0]["value"], "{national_id}");

        // Another agency's clerk neither sees nor touches it.
        let tax = app.token("clerk-tax").await;
        assert_eq!(app.get_as(&tax, "/api/v1/answer-templates").await.json(), json!([]));
        let edit = json!({"name": "اصلاح قبض", "body": "دیگر"});
        assert_eq!(app.request_put(&tax, &format!("/api/v1/answer-templates/{id}"), &edit).await.status, 404);
        let list = app.get_as(&water, "/api/v1/answer-templates").await.json();
        assert_eq!(list[0]["body"], body);

        // Admins keep every agency's, naming the agency.
        let admin = app.token("admin").await;
        let unnamed = app.post_as(&admin, "/api/v1/answer-templates", &json!({"name": "عمومی", "body": "متن"})).await;
        assert_eq!(unnamed.status, 422, "{}", unnamed.text());
        assert_eq!(unnamed.json()["errors"][0]["field"], "agency_code");
        let for_tax = app.post_as(&admin, "/api/v1/answer-templates", &json!({"agency_code": "tax", "name": "عمومی", "body": "متن"})).await;
        assert_eq!(for_tax.status, 201, "{}", for_tax.text());
        assert_eq!(app.get_as(&admin, "/api/v1/answer-templates").await.json().as_array().map(Vec::len), Some(2));
        let only_water = app.get_as(&admin, "/api/v1/answer-templates?agency=water").await.json();
        assert_eq!(only_water.as_array().map(Vec::len), Some(1));

        // The clerk edits and removes it.
        let edited = app.request_put(&water, &format!("/api/v1/answer-templates/{id}"), &json!({"name": "اصلاح قبض", "body": "{agency}: انجام شد"})).await;
        assert_eq!(edited.status, 200, "{}", edited.text());
        assert_eq!(edited.json()["body"], "{agency}: انجام شد");
        let removed = app.server.delete(format!("/api/v1/answer-templates/{id}")).bearer_auth(&water);
        assert_eq!(app.send(removed, None).await.status, 204);
        assert_eq!(app.get_as(&water, "/api/v1/answer-templates").await.json(), json!([]));
    }
}
