//! The public tracking page the server renders itself (`/track`): what a
//! citizen opening the SMS link on a phone reads, without the SPA.

use crate::common;

use common::{urlencode, Answer, TestApp};
use serde_json::json;

/// Registers a letter as the Bandar Abbas operator; answers its tracking code.
async fn register(app: &TestApp, subject: &str) -> String {
    let op = app.token("op-bnd-1021").await;
    let letter = json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": "water",
        "subject": subject,
        "body": "متن نامه",
    });
    let res = app.post_as(&op, "/api/v1/letters", &letter).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["tracking_code"]
        .as_str()
        .expect("code")
        .to_owned()
}

/// The form posted as a browser posts it.
async fn look_up(app: &TestApp, code: &str, national_id: &str) -> Answer {
    let body = format!(
        "tracking_code={}&national_id={}",
        urlencode(code),
        urlencode(national_id)
    );
    app.post_raw("/track", "application/x-www-form-urlencoded", &body)
        .await
}

fn assert_is_page(res: &Answer) {
    assert_eq!(res.content_type(), "text/html; charset=utf-8");
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let policy = res.header("content-security-policy").unwrap_or_default();
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(!res.text().contains("<script"), "the page runs no script");
}

both_backends! {
    async fn the_page_shows_the_letter_in_persian_words_and_digits(app) {
        app.seed_demo();
        let code = register(&app, "<i>قبض</i> آب").await;

        // The SMS link opens the form with the code filled in.
        let form = app.get(&format!("/track?code={code}")).await;
        assert_eq!(form.status, 200);
        assert_is_page(&form);
        assert!(form.text().contains(&format!("value=\"{code}\"")), "{}", form.text());
        assert!(form.text().contains("<html lang=\"fa\" dir=\"rtl\">"));

        // The code as the receipt prints it, the national code in Persian digits.
        let res = look_up(&app, &shared::tracking::display(&code), "۰۴۹۹۳۷۰۸۹۹").await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_is_page(&res);
        let page = res.text();
        assert!(page.contains("&lt;i&gt;قبض&lt;/i&gt; آب"), "the subject is text, not markup: {page}");
        assert!(page.contains("data-status=\"delivered\">تحویل دستگاه شده</span>"), "{page}");
        assert!(page.contains("تحویل به شرکت آب و فاضلاب استان هرمزگان"), "{page}");
        assert!(page.contains("ثبت در دفتر پیشخوان"));
        // The due day in the Jalali calendar with Persian digits.
        let due = page.split("data-testid=\"track-due\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or_default();
        assert!(due.chars().any(|c| ('۰'..='۹').contains(&c)) && !due.chars().any(|c| c.is_ascii_digit()), "{due}");
        assert!(!page.contains("op-bnd-1021"), "no staff names on the public page");
    }

    async fn a_wrong_national_code_and_an_unknown_code_read_alike(app) {
        app.seed_demo();
        let code = register(&app, "بررسی قبض آب").await;
        let unknown = shared::tracking::from_random([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
        for (code, national_id) in [(code.as_str(), "1234567891"), (unknown.as_str(), "0499370899")] {
            let res = look_up(&app, code, national_id).await;
            assert_eq!(res.status, 404);
            assert_is_page(&res);
            assert!(res.text().contains("data-testid=\"track-not-found\">نامه‌ای با این کد رهگیری و کد ملی پیدا نشد."));
            assert!(!res.text().contains("track-result"));
        }
    }

    async fn mistyped_fields_are_listed_at_the_top_and_marked(app) {
        let res = look_up(&app, "12", "").await;
        assert_eq!(res.status, 422);
        assert_is_page(&res);
        let page = res.text();
        let summary = page.split("data-testid=\"error-summary\"").nth(1).unwrap_or_default();
        assert!(summary.contains("<a href=\"#track-code\">کد رهگیری: کد رهگیری ۱۲ رقم است</a>"), "{page}");
        assert!(summary.contains("<a href=\"#track-national-id\">کد ملی / شناسه ملی: این فیلد الزامی است</a>"), "{page}");
        assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"track-code-error\""), "{page}");
        // What was typed stays in the field, to be corrected.
        assert!(page.contains("value=\"12\""));
        // A check-digit slip is named as such.
        let slip = look_up(&app, "123456789012", "0499370899").await;
        assert_eq!(slip.status, 422);
        assert!(slip.text().contains("کد رهگیری اشتباه تایپ شده است"));
    }

    async fn the_page_and_the_api_share_one_rate_limit(app) {
        app.seed_demo();
        let code = register(&app, "بررسی قبض آب").await;
        // Ten lookups of one code a minute, whichever way they come.
        for _ in 0..5 {
            let api = app.post_json("/api/v1/tracking", &json!({"tracking_code": code, "national_id": "1234567891"})).await;
            assert_eq!(api.status, 404);
            assert_eq!(look_up(&app, &code, "1234567891").await.status, 404);
        }
        let res = look_up(&app, &code, "0499370899").await;
        assert_eq!(res.status, 429);
        assert_is_page(&res);
        let wait: u64 = res.header("retry-after").and_then(|v| v.parse().ok()).expect("Retry-After");
        let told = shared::sms::persian_digits(&wait.to_string());
        assert!(res.text().contains(&format!("درخواست‌ها بیش از حد بود؛ {told} ثانیهٔ دیگر")), "{}", res.text());
        assert!(!res.text().contains("track-result"));
    }

    async fn english_is_kept_from_the_spa_or_chosen_on_the_page(app) {
        let from_spa = app
            .send(app.server.get("/track").insert_header(("cookie", "chapar_lang=en")), None)
            .await;
        assert!(from_spa.text().contains("<html lang=\"en\" dir=\"ltr\">"));
        assert!(from_spa.text().contains("<h1>Track your letter</h1>"));
        assert!(from_spa.text().contains("href=\"/track?lang=fa\""), "the switch back");

        let switched = app.get("/track?code=123&lang=en").await;
        assert!(switched.text().contains("<h1>Track your letter</h1>"));
        assert!(switched.text().contains("href=\"/track?code=123&amp;lang=fa\""), "{}", switched.text());
        let cookie = switched.header("set-cookie").unwrap_or_default();
        assert!(cookie.starts_with("chapar_lang=en;"), "{cookie}");
    }
}
