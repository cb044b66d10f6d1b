//! The skeleton's promises: ops endpoints, problem+json everywhere, the SPA
//! fallback, Swagger UI, and migrations that go up, down and up again.

use crate::common;

use common::TestApp;

both_backends! {
    async fn healthz_and_readyz_answer(app) {
        let health = app.get("/healthz").await;
        assert_eq!(health.status, 200);
        assert_eq!(health.json()["status"], "ok");

        let ready = app.get("/readyz").await;
        assert_eq!(ready.status, 200);
        assert_eq!(ready.json()["database"], app.backend.name());
    }

    async fn unknown_api_routes_answer_problem_json(app) {
        let res = app.post_raw("/api/v1/anything", "application/json", "{bad").await;
        assert_eq!(res.status, 404);
        assert!(res.content_type().starts_with("application/problem+json"), "{}", res.content_type());
        let problem = res.json();
        assert_eq!(problem["status"], 404);
        assert_eq!(problem["title"], "Not found");

        let res = app.get("/api/v1/nothing/here?x=1").await;
        assert_eq!(res.status, 404);
        assert!(res.content_type().starts_with("application/problem+json"));
    }

    async fn a_known_path_asked_with_another_method_answers_405_with_allow(app) {
        let res = app.request_put("no-token", "/api/v1/letters", &serde_json::json!({})).await;
        assert_eq!(res.status, 405);
        assert_eq!(res.header("allow"), Some("GET, POST"));
        let problem = res.json();
        assert_eq!(problem["code"], "request.method_not_allowed");
        assert_eq!(problem["errors"], serde_json::json!([]));
        let res = app.patch_as("no-token", "/api/v1/letters/7/events", &serde_json::json!({})).await;
        assert_eq!(res.status, 405);
        assert_eq!(res.header("allow"), Some("GET"));
        // An unknown path stays 404.
        let res = app.request_put("no-token", "/api/v1/no-such-thing", &serde_json::json!({})).await;
        assert_eq!(res.status, 404);
    }

    async fn every_problem_carries_a_stable_code_and_its_errors(app) {
        let res = app.get("/api/v1/letters").await;
        assert_eq!(res.status, 401);
        assert_eq!(res.json()["code"], "auth.required");
        assert_eq!(res.json()["errors"], serde_json::json!([]));
        let res = app.get_as("not-a-token", "/api/v1/letters").await;
        assert_eq!(res.json()["code"], "auth.invalid_token");
        let res = app.post_json("/api/v1/tracking", &serde_json::json!({
            "tracking_code": "12345", "national_id": "0499370899"
        })).await;
        assert_eq!(res.status, 422);
        let problem = res.json();
        assert_eq!(problem["code"], "validation");
        assert_eq!(problem["errors"][0]["field"], "tracking_code");
        assert_eq!(problem["errors"][0]["code"], "tracking_code.length");
        let res = app.post_json("/api/v1/auth/refresh", &serde_json::json!({"refresh_token": "gone"})).await;
        assert_eq!(res.status, 401);
        assert_eq!(res.json()["code"], "auth.session_ended");
    }

    async fn a_body_that_is_not_a_json_object_changes_nothing(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let before = app.get_as(&admin, "/api/v1/agencies/gas").await.json();
        for body in [serde_json::json!([null, null]), serde_json::json!(["گاز", 9]), serde_json::json!(7)] {
            let res = app.patch_as(&admin, "/api/v1/agencies/gas", &body).await;
            assert_eq!(res.status, 422, "{body}: {}", res.text());
            assert_eq!(res.json()["errors"][0]["code"], "field.invalid");
        }
        assert_eq!(app.get_as(&admin, "/api/v1/agencies/gas").await.json(), before);
    }

    async fn metrics_count_requests_by_route(app) {
        app.get("/healthz").await;
        app.get("/healthz").await;
        let res = app.get("/metrics").await;
        assert_eq!(res.status, 200);
        let text = res.text();
        assert!(
            text.contains(r#"chapar_http_requests_total{method="GET",route="/healthz",status="200"} 2"#),
            "{text}"
        );
        assert!(text.contains("chapar_db_pool_connections"));
    }

    async fn openapi_and_swagger_ui_are_served_locally(app) {
        let spec = app.get("/api/openapi.json").await;
        assert_eq!(spec.status, 200);
        assert!(spec.json()["paths"]["/healthz"].is_object());

        let ui = app.get("/api/docs/").await;
        assert_eq!(ui.status, 200);
        let html = ui.text();
        assert!(html.contains("swagger"), "{html}");
        assert!(!html.contains("cdn"), "Swagger UI must not load from a CDN");
    }

    async fn migrations_go_up_down_and_up_again(app) {
        let mut conn = app.db.pool().get().expect("connection");
        chapar::db::revert_all_migrations(&mut conn).expect("down");
        chapar::db::run_migrations(&mut conn).expect("up again");
        drop(conn);
        assert_eq!(app.get("/readyz").await.status, 200);
    }
}

/// On PostgreSQL the letters name their agencies and office without foreign
/// keys (migration 000020): the database itself refuses to delete or
/// renumber an agency or an office, so no letter is left naming nothing.
#[actix_web::test]
async fn postgresql_refuses_to_delete_an_agency_or_an_office_letters_name() {
    use diesel::connection::SimpleConnection;
    let Some(app) = TestApp::with_demo(chapar::db::Backend::Postgres).await else {
        return;
    };
    app.register_letter("op-bnd-1021", "water").await;
    let mut conn = app.db.pool().get().expect("connection");
    for sql in [
        "DELETE FROM agencies WHERE code = 'water'",
        "UPDATE agencies SET id = id + 1000 WHERE code = 'water'",
        "DELETE FROM counter_offices WHERE code = 'bnd-1021'",
        "TRUNCATE counter_offices CASCADE",
    ] {
        let refused = conn.batch_execute(sql).expect_err(sql).to_string();
        assert!(refused.contains("never deleted"), "{sql}: {refused}");
    }
    drop(conn);
    let op = app.token("op-bnd-1021").await;
    let listed = app.get_as(&op, "/api/v1/letters").await.json();
    assert_eq!(
        listed["items"][0]["recipient_agency_code"], "water",
        "{listed}"
    );
}

#[actix_web::test]
async fn spa_is_served_with_history_fallback_and_cache_headers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spa = dir.path().join("dist");
    std::fs::create_dir_all(spa.join("pkg-abc")).expect("mkdir");
    std::fs::write(spa.join("index.html"), "<html>chapar shell</html>").expect("write");
    std::fs::write(spa.join("pkg-abc/web_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    let url = format!("sqlite://{}", dir.path().join("chapar.db").display());
    let app = TestApp::start_with(chapar::db::Backend::Sqlite, url, dir, Some(spa));

    let index = app.get("/").await;
    assert_eq!(index.status, 200);
    assert!(index.text().contains("chapar shell"));
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    let csp = index.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // Every response, the API's too, forbids sniffing, framing and referrers.
    let health = app.get("/healthz").await;
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(health.header("x-frame-options"), Some("DENY"));
    assert_eq!(health.header("referrer-policy"), Some("no-referrer"));

    // A client-side route falls back to index.html.
    let route = app.get("/letters/42").await;
    assert_eq!(route.status, 200);
    assert!(route.text().contains("chapar shell"));

    let wasm = app.get("/pkg-abc/web_bg.wasm").await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.content_type(), "application/wasm");
    assert!(wasm
        .header("cache-control")
        .unwrap_or("")
        .contains("immutable"));

    // A missing asset is a 404, not index.html; API paths never fall back.
    assert_eq!(app.get("/pkg-abc/missing.js").await.status, 404);
    let api = app.get("/api/v1/unknown").await;
    assert_eq!(api.status, 404);
    assert!(api.content_type().starts_with("application/problem+json"));
}

#[actix_web::test]
async fn precompressed_files_are_sent_as_the_client_accepts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spa = dir.path().join("dist");
    std::fs::create_dir_all(spa.join("pkg-abc")).expect("mkdir");
    std::fs::create_dir_all(spa.join("assets/fonts")).expect("mkdir");
    std::fs::write(spa.join("index.html"), "<html>shell</html>").expect("write");
    std::fs::write(spa.join("index.html.br"), b"brotli index").expect("write");
    std::fs::write(spa.join("pkg-abc/app.js"), "console.log(1)").expect("write");
    std::fs::write(spa.join("pkg-abc/app.js.br"), b"brotli bytes").expect("write");
    std::fs::write(spa.join("pkg-abc/app.js.gz"), b"gzip bytes").expect("write");
    std::fs::write(spa.join("assets/fonts/f.woff2"), b"wOF2 font").expect("write");
    let url = format!("sqlite://{}", dir.path().join("chapar.db").display());
    let app = TestApp::start_with(chapar::db::Backend::Sqlite, url, dir, Some(spa));
    let fetch = |path: &'static str, accept: &'static str| {
        let req = app
            .server
            .get(path)
            .no_decompress()
            .insert_header(("accept-encoding", accept));
        app.send(req, None)
    };

    let br = fetch("/pkg-abc/app.js", "gzip, deflate, br").await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.body, b"brotli bytes");
    assert!(
        br.content_type().contains("javascript"),
        "{}",
        br.content_type()
    );
    assert_eq!(br.header("content-disposition"), None);
    assert_eq!(br.header("vary"), Some("Accept-Encoding"));
    assert!(br
        .header("cache-control")
        .unwrap_or_default()
        .contains("immutable"));

    let gz = fetch("/pkg-abc/app.js", "gzip").await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.body, b"gzip bytes");

    let plain = fetch("/pkg-abc/app.js", "identity").await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, b"console.log(1)");

    // A client route gets the precompressed shell, typed as HTML.
    let route = fetch("/letters/7", "br").await;
    assert_eq!(route.header("content-encoding"), Some("br"));
    assert!(
        route.content_type().starts_with("text/html"),
        "{}",
        route.content_type()
    );

    // Fonts are compressed already: never gzipped again on the fly.
    let font = fetch("/assets/fonts/f.woff2", "gzip, br").await;
    assert_eq!(font.body, b"wOF2 font");
    assert_ne!(font.header("content-encoding"), Some("gzip"));
}

#[actix_web::test]
async fn the_home_page_is_painted_before_the_spa_starts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spa = dir.path().join("dist");
    std::fs::create_dir_all(&spa).expect("mkdir");
    let shell = "<!doctype html><html lang=\"fa\" dir=\"rtl\"><head></head><body><noscript>x</noscript></body></html>";
    std::fs::write(spa.join("index.html"), shell).expect("write");
    let url = format!("sqlite://{}", dir.path().join("chapar.db").display());
    let app = TestApp::start_with(chapar::db::Backend::Sqlite, url, dir, Some(spa));

    let home = app.get("/").await.text();
    // The welcome and a tracking form that works without the SPA, inside
    // the element the SPA removes when it starts.
    let preview = home
        .split("<body><div id=\"preview\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        preview.contains("<h1>نامه به هر دستگاه دولتی، از نزدیک‌ترین دفتر پیشخوان</h1>"),
        "{home}"
    );
    assert!(
        preview.contains("<form method=\"post\" action=\"/track\">"),
        "{home}"
    );
    assert!(home.ends_with("<noscript>x</noscript></body></html>"));
    // Other routes get the shell as it is.
    assert!(!app.get("/letters").await.text().contains("preview"));

    let english = app
        .send(
            app.server
                .get("/")
                .insert_header(("cookie", "chapar_lang=en")),
            None,
        )
        .await;
    assert!(english
        .text()
        .starts_with("<!doctype html><html lang=\"en\" dir=\"ltr\">"));
    assert!(english
        .text()
        .contains("<h1>A letter to any agency, from the nearest counter office</h1>"));
    assert_eq!(english.header("vary"), Some("Accept-Encoding, Cookie"));
}
