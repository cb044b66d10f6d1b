//! Identity and the directory: logins, refresh rotation, forged tokens,
//! client credentials, admin CRUD, row visibility and rate limits.

use base64::Engine;
use chapar::auth::keys::Keyring;
use chapar::auth::tokens::{issue_access, Subject};
use serde_json::{json, Value};
use shared::auth::Role;

const PW: &str = chapar::demo::DEMO_PASSWORD;

both_backends! {
    async fn login_answers_a_token_pair_and_me_knows_the_caller(app) {
        app.seed_demo();
        let res = app.login("op-bnd-1021", PW).await;
        assert_eq!(res.status, 200, "{}", res.text());
        let pair = res.json();
        assert_eq!(pair["token_type"], "Bearer");
        assert_eq!(pair["expires_in"], 900);
        assert!(pair["refresh_token"].as_str().is_some_and(|t| t.len() >= 40));

        let me = app.get_as(pair["access_token"].as_str().unwrap_or_default(), "/api/v1/me").await;
        assert_eq!(me.status, 200);
        let me = me.json();
        assert_eq!(me["kind"], "staff");
        assert_eq!(me["role"], "operator");
        assert_eq!(me["counter_office_code"], "bnd-1021");
        assert_eq!(me["agency_code"], serde_json::Value::Null);
    }

    async fn unknown_user_wrong_password_and_inactive_user_get_the_same_answer(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let wrong_pw = app.login("op-qsh-2034", "not the password").await;
        let unknown = app.login("nobody-here", PW).await;
        // Deactivate an operator: the right password no longer opens the door.
        let users = app.get_as(&admin, "/api/v1/users?q=op-mnb").await.json();
        let id = users["items"][0]["id"].as_i64().expect("user id");
        let res = app.patch_as(&admin, &format!("/api/v1/users/{id}"), &json!({"active": false})).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.json()["active"], false);
        let inactive = app.login("op-mnb-3012", PW).await;

        for res in [&wrong_pw, &unknown, &inactive] {
            assert_eq!(res.status, 401);
            assert!(res.content_type().starts_with("application/problem+json"));
        }
        assert_eq!(wrong_pw.body, unknown.body);
        assert_eq!(wrong_pw.body, inactive.body);

        let events = app.get_as(&admin, "/api/v1/auth-events").await.json();
        let kinds: Vec<&str> = events["items"].as_array().expect("items").iter().filter_map(|e| e["kind"].as_str()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "login_failed").count(), 3, "{kinds:?}");
        assert!(kinds.contains(&"login"));
        let at = events["items"][0]["at"].as_str().unwrap_or_default();
        assert!(at.ends_with('Z'), "timestamps carry their zone: {at}");
    }

    async fn refresh_rotates_and_a_reused_token_revokes_the_family(app) {
        app.seed_demo();
        let first = app.login("clerk-water", PW).await.json();
        let r1 = first["refresh_token"].as_str().expect("r1").to_owned();

        let second = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1})).await;
        assert_eq!(second.status, 200, "{}", second.text());
        let r2 = second.json()["refresh_token"].as_str().expect("r2").to_owned();
        assert_ne!(r1, r2);
        let me = app.get_as(second.json()["access_token"].as_str().unwrap_or_default(), "/api/v1/me").await;
        assert_eq!(me.json()["agency_code"], "water");

        // r1 again at once (a request that raced the rotation), r2 unused: r2 again.
        let again = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1})).await;
        assert_eq!(again.status, 200, "{}", again.text());
        assert_eq!(again.json()["refresh_token"], r2.as_str());

        // Once r2 is used, r1 again is a copied token: refused, and r3 dies with it.
        let third = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r2})).await;
        assert_eq!(third.status, 200);
        let r3 = third.json()["refresh_token"].as_str().expect("r3").to_owned();
        let replay = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1})).await;
        assert_eq!(replay.status, 401);
        let after = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r3})).await;
        assert_eq!(after.status, 401);

        let admin = app.token("admin").await;
        let events = app.get_as(&admin, "/api/v1/auth-events").await.json();
        assert!(events["items"].as_array().expect("items").iter().any(|e| e["kind"] == "refresh_reuse"));
    }

    async fn concurrent_refreshes_with_one_token_keep_the_session(app) {
        app.seed_demo();
        for _ in 0..5 {
            let login = app.login("op-bnd-1021", PW).await.json();
            let r1 = login["refresh_token"].as_str().expect("r1").to_owned();
            let body = json!({"refresh_token": r1});
            let answers = futures_util::future::join_all((0..3).map(|_| app.post_json("/api/v1/auth/refresh", &body))).await;
            let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
            assert_eq!(statuses, [200, 200, 200]);
            let successors: Vec<Value> = answers.iter().map(|a| a.json()["refresh_token"].clone()).collect();
            assert!(successors.iter().all(|s| *s == successors[0]), "{successors:?}");
            let next = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": successors[0]})).await;
            assert_eq!(next.status, 200, "the session goes on: {}", next.text());
        }
    }

    async fn a_token_replayed_after_the_grace_window_revokes_the_family(app) {
        app.seed_demo();
        let r1 = app.login("clerk-water", PW).await.json()["refresh_token"].as_str().expect("r1").to_owned();
        let second = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1})).await;
        let r2 = second.json()["refresh_token"].as_str().expect("r2").to_owned();
        // The rotation was longer ago than the grace window.
        app.execute("UPDATE refresh_tokens SET rotated_at = '2020-01-01 00:00:00' WHERE rotated_at IS NOT NULL");
        let replay = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r1})).await;
        assert_eq!(replay.status, 401);
        let after = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": r2})).await;
        assert_eq!(after.status, 401, "the family is revoked");
    }

    async fn logout_revokes_the_refresh_token(app) {
        app.seed_demo();
        let pair = app.login("admin", PW).await.json();
        let refresh = pair["refresh_token"].as_str().expect("refresh").to_owned();
        let res = app.post_json("/api/v1/auth/logout", &json!({"refresh_token": refresh})).await;
        assert_eq!(res.status, 204);
        let res = app.post_json("/api/v1/auth/refresh", &json!({"refresh_token": refresh})).await;
        assert_eq!(res.status, 401);
    }

    async fn forged_expired_and_wrong_kind_tokens_are_refused(app) {
        app.seed_demo();
        let pair = app.login("admin", PW).await.json();
        let access = pair["access_token"].as_str().expect("access").to_owned();
        let refresh = pair["refresh_token"].as_str().expect("refresh").to_owned();
        assert_eq!(app.get_as(&access, "/api/v1/me").await.status, 200);

        let admin_subject = || Subject {
            sub: "user:1".into(),
            name: "admin".into(),
            role: Some(Role::Admin),
            office: None,
            agency: None,
            scope: String::new(),
        };
        // alg: none, with the real payload.
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = access.split('.').nth(1).expect("payload");
        let none_header = b64.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let alg_none = format!("{none_header}.{payload}.");
        // Signed with another key under the same kid.
        let own = Keyring::load(app.data_dir(), None, "env").expect("own keys");
        let other_dir = tempfile::tempdir().expect("tmp");
        std::fs::create_dir_all(other_dir.path().join("jwt-keys")).expect("mkdir");
        let kid = own.signing().0.to_owned();
        std::fs::write(
            other_dir.path().join("jwt-keys").join(format!("{kid}.key")),
            base64::engine::general_purpose::STANDARD.encode([7u8; 48]),
        )
        .expect("write key");
        let other = Keyring::load(other_dir.path(), None, "env").expect("other keys");
        let other_key = issue_access(&other, admin_subject(), 600).expect("sign");
        // Expired, signed with the server's own key.
        let expired = issue_access(&own, admin_subject(), -600).expect("sign");

        for (what, token) in [
            ("alg none", alg_none.as_str()),
            ("other key", other_key.as_str()),
            ("expired", expired.as_str()),
            ("refresh token as access token", refresh.as_str()),
            ("garbage", "not-a-jwt"),
        ] {
            let res = app.get_as(token, "/api/v1/me").await;
            assert_eq!(res.status, 401, "{what}");
            assert!(res.content_type().starts_with("application/problem+json"), "{what}");
        }
        assert_eq!(app.get("/api/v1/me").await.status, 401);
    }

    async fn client_credentials_issue_scoped_tokens_and_refuse_wrong_secrets(app) {
        app.seed_demo();
        let form = app
            .post_raw(
                "/api/v1/auth/token",
                "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=demo-water&client_secret=demo-secret-water&scope=inbox%3Aread",
            )
            .await;
        assert_eq!(form.status, 200, "{}", form.text());
        let token = form.json();
        assert_eq!(token["token_type"], "Bearer");
        assert_eq!(token["scope"], "inbox:read");

        let json_grant = app
            .post_json(
                "/api/v1/auth/token",
                &json!({"grant_type": "client_credentials", "client_id": "demo-water", "client_secret": "demo-secret-water"}),
            )
            .await;
        assert_eq!(json_grant.status, 200);
        assert_eq!(json_grant.json()["scope"], "inbox:read inbox:write letters:read");

        let me = app.get_as(token["access_token"].as_str().unwrap_or_default(), "/api/v1/me").await.json();
        assert_eq!(me["kind"], "client");
        assert_eq!(me["agency_code"], "water");
        assert_eq!(me["scopes"], json!(["inbox:read"]));
        // A client is not an admin.
        let res = app.get_as(token["access_token"].as_str().unwrap_or_default(), "/api/v1/users").await;
        assert_eq!(res.status, 403);

        let wrong = app
            .post_json(
                "/api/v1/auth/token",
                &json!({"grant_type": "client_credentials", "client_id": "demo-water", "client_secret": "guess"}),
            )
            .await;
        assert_eq!(wrong.status, 401);
        assert_eq!(wrong.json()["error"], "invalid_client");
        let unknown = app
            .post_json(
                "/api/v1/auth/token",
                &json!({"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "guess"}),
            )
            .await;
        assert_eq!(unknown.json()["error"], "invalid_client");
        let grant = app
            .post_json("/api/v1/auth/token", &json!({"grant_type": "password", "client_id": "demo-water", "client_secret": "x"}))
            .await;
        assert_eq!(grant.status, 400);
        assert_eq!(grant.json()["error"], "unsupported_grant_type");
        let scope = app
            .post_json(
                "/api/v1/auth/token",
                &json!({"grant_type": "client_credentials", "client_id": "demo-water", "client_secret": "demo-secret-water", "scope": "letters:write"}),
            )
            .await;
        assert_eq!(scope.status, 400);
        assert_eq!(scope.json()["error"], "invalid_scope");
    }

    async fn admins_manage_the_directory_and_others_may_only_read_it(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let operator = app.token("op-bnd-1021").await;

        let new_agency = json!({"code": "Ports", "name": "اداره كل بنادر و دريانوردي", "name_en": "Ports and Maritime", "sla_days": 5});
        let created = app.post_as(&admin, "/api/v1/agencies", &new_agency).await;
        assert_eq!(created.status, 201, "{}", created.text());
        assert_eq!(created.header("location"), Some("/api/v1/agencies/ports"));
        let agency = created.json();
        assert_eq!(agency["code"], "ports");
        // Arabic kaf and yeh are stored as Persian.
        assert_eq!(agency["name"], "اداره کل بنادر و دریانوردی");
        assert_eq!(app.post_as(&admin, "/api/v1/agencies", &new_agency).await.status, 409);

        let bad = app.post_as(&admin, "/api/v1/agencies", &json!({"code": "a b", "name": " ", "sla_days": 0})).await;
        assert_eq!(bad.status, 422);
        let fields: Vec<String> = bad.json()["errors"].as_array().expect("errors").iter()
            .map(|e| e["field"].as_str().unwrap_or_default().to_owned()).collect();
        assert_eq!(fields, ["code", "name", "sla_days"]);

        // Everyone signed in reads and searches (Arabic letters and Persian digits in the query).
        let found = app.get_as(&operator, "/api/v1/agencies?q=%D8%AF%D8%B1%D9%8A%D8%A7%D9%86%D9%88%D8%B1%D8%AF%D9%8A").await;
        assert_eq!(found.status, 200);
        assert_eq!(found.json()["items"][0]["code"], "ports");
        let offices = app.get_as(&operator, "/api/v1/counter-offices?q=%DB%B1%DB%B0%DB%B2%DB%B1").await.json();
        assert_eq!(offices["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(offices["items"][0]["code"], "bnd-1021");

        // Cursor paging walks every agency once.
        let mut seen = Vec::new();
        let mut path = "/api/v1/agencies?limit=4".to_owned();
        loop {
            let page = app.get_as(&operator, &path).await.json();
            seen.extend(page["items"].as_array().expect("items").iter().map(|a| a["code"].as_str().unwrap_or_default().to_owned()));
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/agencies?limit=4&after={c}"),
                None => break,
            }
        }
        assert_eq!(seen.len(), 11);

        // Only admins write.
        assert_eq!(app.post_as(&operator, "/api/v1/agencies", &json!({"code": "x1", "name": "x", "sla_days": 3})).await.status, 403);
        assert_eq!(app.patch_as(&operator, "/api/v1/agencies/ports", &json!({"active": false})).await.status, 403);
        assert_eq!(app.get("/api/v1/agencies").await.status, 401);

        // Deactivating keeps the row.
        let res = app.patch_as(&admin, "/api/v1/agencies/ports", &json!({"active": false, "sla_days": 9})).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.json()["active"], false);
        assert_eq!(res.json()["sla_days"], 9);
        let active_only = app.get_as(&operator, "/api/v1/agencies?active=true&limit=200").await.json();
        assert!(!active_only["items"].as_array().expect("items").iter().any(|a| a["code"] == "ports"));
        assert_eq!(app.get_as(&operator, "/api/v1/agencies/ports").await.status, 200);
        assert_eq!(app.get_as(&operator, "/api/v1/agencies/nope").await.status, 404);

        let office = app
            .post_as(&admin, "/api/v1/counter-offices", &json!({"code": "hjb-6001", "name": "دفتر پیشخوان ۶۰۰۱", "province": "هرمزگان", "city": "حاجی‌آباد"}))
            .await;
        assert_eq!(office.status, 201, "{}", office.text());
        let res = app.patch_as(&admin, "/api/v1/counter-offices/hjb-6001", &json!({"phone": "076-1"})).await;
        assert_eq!(res.json()["phone"], "076-1");
    }

    async fn admins_create_users_who_can_then_log_in(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let missing = app
            .post_as(&admin, "/api/v1/users", &json!({"username": "op-new", "display_name": "مریم", "password": "a long passphrase", "role": "operator"}))
            .await;
        assert_eq!(missing.status, 422);
        assert_eq!(missing.json()["errors"][0]["field"], "counter_office_code");
        let unknown_office = app
            .post_as(&admin, "/api/v1/users", &json!({"username": "op-new", "display_name": "مریم", "password": "a long passphrase", "role": "operator", "counter_office_code": "zzz-1"}))
            .await;
        assert_eq!(unknown_office.status, 422);
        assert_eq!(unknown_office.json()["errors"][0]["field"], "counter_office_code");

        let created = app
            .post_as(&admin, "/api/v1/users", &json!({"username": "Op-New", "display_name": "مریم", "password": "a long passphrase", "role": "operator", "counter_office_code": "qsh-2034"}))
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        assert_eq!(created.json()["username"], "op-new");
        assert!(created.json().get("password_hash").is_none());
        let taken = app
            .post_as(&admin, "/api/v1/users", &json!({"username": "op-new", "display_name": "x", "password": "a long passphrase", "role": "auditor"}))
            .await;
        assert_eq!(taken.status, 409);

        let login = app.login("op-new", "a long passphrase").await;
        assert_eq!(login.status, 200);
        let me = app.get_as(login.json()["access_token"].as_str().unwrap_or_default(), "/api/v1/me").await.json();
        assert_eq!(me["counter_office_code"], "qsh-2034");
        // Operators cannot manage users.
        let op = login.json()["access_token"].as_str().unwrap_or_default().to_owned();
        assert_eq!(app.get_as(&op, "/api/v1/users").await.status, 403);
        assert_eq!(app.get_as(&op, "/api/v1/auth-events").await.status, 403);
    }

    async fn api_client_secret_is_shown_once_and_works(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let bad = app
            .post_as(&admin, "/api/v1/api-clients", &json!({"name": "portal", "scopes": ["inbox:read"], "counter_office_code": "bnd-1021"}))
            .await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.json()["errors"][0]["field"], "scopes[0]");
        let created = app
            .post_as(&admin, "/api/v1/api-clients", &json!({"name": "portal", "scopes": ["letters:write", "letters:read"], "counter_office_code": "bnd-1021"}))
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        let client = created.json();
        let (id, secret) = (client["client_id"].as_str().expect("id"), client["client_secret"].as_str().expect("secret"));
        let listed = app.get_as(&admin, "/api/v1/api-clients?limit=200").await.text();
        assert!(listed.contains(id));
        assert!(!listed.contains(secret));
        let grant = app
            .post_json("/api/v1/auth/token", &json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}))
            .await;
        assert_eq!(grant.status, 200);
        assert_eq!(grant.json()["scope"], "letters:write letters:read");

        // Deactivated: no more tokens.
        let row = client["id"].as_i64().expect("row id");
        app.patch_as(&admin, &format!("/api/v1/api-clients/{row}"), &json!({"active": false})).await;
        let grant = app
            .post_json("/api/v1/auth/token", &json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}))
            .await;
        assert_eq!(grant.status, 401);
    }

    async fn repeated_logins_are_rate_limited(app) {
        app.seed_demo();
        let mut last = None;
        for _ in 0..11 {
            last = Some(app.login("op-jsk-5019", "wrong password!").await);
        }
        let res = last.expect("answer");
        assert_eq!(res.status, 429);
        assert!(res.header("retry-after").and_then(|s| s.parse::<u64>().ok()).is_some_and(|s| s >= 1));
        assert!(res.content_type().starts_with("application/problem+json"));
        // The right password is refused too while the limit lasts.
        assert_eq!(app.login("op-jsk-5019", PW).await.status, 429);

        // The token endpoint says when to come back too (in OAuth's own shape).
        let mut last = None;
        for _ in 0..11 {
            last = Some(app.post_json("/api/v1/auth/token", &json!({"grant_type": "client_credentials", "client_id": "demo-gas", "client_secret": "guess"})).await);
        }
        let res = last.expect("answer");
        assert_eq!(res.status, 429);
        assert_eq!(res.json()["error"], "slow_down");
        assert!(res.header("retry-after").and_then(|s| s.parse::<u64>().ok()).is_some_and(|s| s >= 1));
    }

    async fn malformed_json_is_a_problem_not_a_crash(app) {
        let res = app.post_raw("/api/v1/auth/login", "application/json", "{bad").await;
        assert_eq!(res.status, 400);
        assert!(res.content_type().starts_with("application/problem+json"));
        let res = app.post_raw("/api/v1/auth/login", "application/json", "{\"username\": \"a\"}").await;
        assert_eq!(res.status, 422);
        assert_eq!(res.json()["errors"][0]["field"], "password");
        let res = app.post_raw("/api/v1/auth/login", "text/plain", "hello").await;
        assert_eq!(res.status, 415);
        assert!(res.content_type().starts_with("application/problem+json"));
    }
}

both_backends! {
    async fn roles_fail_closed_and_are_never_silently_kept(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        let users = app.get_as(&admin, "/api/v1/users?q=op-bnd-1021").await.json();
        let id = users["items"][0]["id"].as_i64().expect("id");
        for body in [json!({"role": "admin"}), json!({"role": "supervisor"}), json!({"display_name": "x", "agency_code": "water"})] {
            let res = app.patch_as(&admin, &format!("/api/v1/users/{id}"), &body).await;
            assert_eq!(res.status, 422, "{body}: {}", res.text());
            let field = res.json()["errors"][0]["field"].as_str().unwrap_or_default().to_owned();
            assert!(body.get(&field).is_some(), "{body}: the field named is {field:?}");
        }
        let me = app.get_as(&app.token("op-bnd-1021").await, "/api/v1/me").await.json();
        assert_eq!(me["role"], "operator", "nothing changed");
        // A role this version does not know grants nothing: no login.
        app.execute("UPDATE users SET role = 'superuser' WHERE username = 'op-bnd-1021'");
        assert_eq!(app.login("op-bnd-1021", PW).await.status, 401);
    }
}
