//! Secretariat numbers: the number and day an agency registers a letter
//! under when it takes it in, typed by its clerk or drawn by Chapar from the
//! agency's own counter; shown on the letter and the inbox, and searchable.

use crate::common;

use common::TestApp;
use serde_json::{json, Value};

/// The delivery of the newest letter in `clerk`'s inbox.
async fn newest_delivery(app: &TestApp, clerk: &str) -> i64 {
    let inbox = app.get_as(clerk, "/api/v1/inbox").await.json();
    inbox["items"]
        .as_array()
        .and_then(|items| items.iter().map(|i| i["delivery_id"].as_i64()).max())
        .flatten()
        .expect("a delivery")
}

/// Registers a letter to `agency` with the operator's token; its tracking code and id.
async fn register(app: &TestApp, op: &str, agency: &str) -> (String, i64) {
    let letter = json!({
        "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "علی",
                      "last_name": "رضایی", "mobile": "09121234567"},
        "recipient_agency_code": agency, "subject": "نمونه", "body": "متن", "priority": "normal"
    });
    let res = app.post_as(op, "/api/v1/letters", &letter).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let json = res.json();
    (
        json["tracking_code"].as_str().expect("code").to_owned(),
        json["id"].as_i64().expect("id"),
    )
}

fn jalali_year_today() -> i32 {
    let today = shared::reports::tehran_day(chrono::Utc::now());
    shared::jalali::from_gregorian(today).0
}

both_backends! {
    async fn a_typed_number_and_day_are_shown_and_found(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let (code, id) = register(&app, &op, "water").await;
        let clerk = app.token("clerk-water").await;
        let delivery = newest_delivery(&app, &clerk).await;
        let ack = format!("/api/v1/inbox/{delivery}/ack");

        // A day in the future, or before the letter existed, is refused; nothing is acknowledged.
        let future = app.post_as(&clerk, &ack, &json!({"agency_reference": "۴۵/۱۲۳۴", "agency_reference_date": "1499/01/01"})).await;
        assert_eq!(future.status, 422, "{}", future.text());
        assert_eq!(future.json()["errors"][0]["field"], "agency_reference_date");
        assert_eq!(future.json()["errors"][0]["code"], "date.in_future");
        let before = app.post_as(&clerk, &ack, &json!({"agency_reference": "۴۵/۱۲۳۴", "agency_reference_date": "1400/01/01"})).await;
        assert_eq!(before.status, 422, "{}", before.text());
        assert_eq!(before.json()["errors"][0]["code"], "date.before_registration");
        let alone = app.post_as(&clerk, &ack, &json!({"agency_reference_date": "1400/01/01"})).await;
        assert_eq!(alone.status, 422, "{}", alone.text());
        let letter = app.get_as(&clerk, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(letter["status"], "delivered", "nothing was acknowledged");
        assert_eq!(letter["agency_references"], json!([]));

        // Persian digits typed, today's day given in the Jalali calendar.
        let today = shared::reports::tehran_day(chrono::Utc::now());
        let (y, m, d) = shared::jalali::from_gregorian(today);
        let typed_day = shared::sms::persian_digits(&format!("{y}/{m:02}/{d:02}"));
        let acked = app.post_as(&clerk, &ack, &json!({"agency_reference": "۴۵/۱۲۳۴", "agency_reference_date": typed_day})).await;
        assert_eq!(acked.status, 200, "{}", acked.text());
        let references = &acked.json()["agency_references"];
        assert_eq!(*references, json!([{"agency_code": "water", "agency_name": "شرکت آب و فاضلاب استان هرمزگان",
            "reference": "45/1234", "date": today.to_string()}]));

        // The operator who registered it sees it too, and the inbox item carries it.
        let seen = app.get_as(&op, &format!("/api/v1/letters/{id}")).await.json();
        assert_eq!(seen["agency_references"], *references);
        let open = app.get_as(&clerk, "/api/v1/inbox?view=open").await.json();
        let item = open["items"].as_array().expect("items").iter()
            .find(|i| i["delivery_id"] == delivery).expect("the item").clone();
        assert_eq!(item["agency_reference"], "45/1234");
        assert_eq!(item["agency_reference_date"], today.to_string());

        // The clerk finds the letter by its number.
        let found = app.get_as(&clerk, "/api/v1/letters?q=45%2F1234").await.json();
        let codes: Vec<&str> = found["items"].as_array().expect("items").iter()
            .filter_map(|l| l["tracking_code"].as_str()).collect();
        assert_eq!(codes, [code.as_str()]);
    }

    async fn chapar_numbers_an_agencys_letters_without_gaps_under_parallel_acks(app) {
        app.seed_demo();
        let admin = app.token("admin").await;
        // The demo municipality numbers its letters; the tax office does not, until asked.
        let bad = app.patch_as(&admin, "/api/v1/agencies/tax", &json!({"reference_pattern": "{year}/{date}"})).await;
        assert_eq!(bad.status, 422, "{}", bad.text());
        let errors = bad.json()["errors"].clone();
        let codes: Vec<&str> = errors.as_array().expect("errors").iter()
            .filter_map(|e| e["code"].as_str()).collect();
        assert_eq!(codes, ["template.unknown_placeholder", "reference_pattern.seq"]);
        let set = app.patch_as(&admin, "/api/v1/agencies/tax", &json!({"reference_pattern": "م/{yy}/{seq}"})).await;
        assert_eq!(set.status, 200, "{}", set.text());
        assert_eq!(set.json()["reference_pattern"], "م/{yy}/{seq}");

        let op = app.token("op-bnd-1021").await;
        for _ in 0..20 {
            register(&app, &op, "tax").await;
        }
        let clerk = app.token("clerk-tax").await;
        let inbox = app.get_as(&clerk, "/api/v1/inbox?limit=50").await.json();
        let deliveries: Vec<i64> = inbox["items"].as_array().expect("items").iter()
            .filter_map(|i| i["delivery_id"].as_i64()).collect();
        assert_eq!(deliveries.len(), 20);

        // A typed number is refused: the agency's numbers are Chapar's to give.
        let first = format!("/api/v1/inbox/{}/ack", deliveries[0]);
        let typed = app.post_as(&clerk, &first, &json!({"agency_reference": "99"})).await;
        assert_eq!(typed.status, 422, "{}", typed.text());
        assert_eq!(typed.json()["errors"][0]["code"], "agency_reference.assigned");

        let acks = deliveries.iter().map(|d| {
            let path = format!("/api/v1/inbox/{d}/ack");
            let clerk = clerk.clone();
            let app = &app;
            async move { app.post_as(&clerk, &path, &json!(null)).await }
        });
        let answers = futures_util::future::join_all(acks).await;
        let yy = format!("{:02}", jalali_year_today() % 100);
        let mut numbers: Vec<u32> = answers.iter().map(|a| {
            assert_eq!(a.status, 200, "{}", a.text());
            let reference = a.json()["agency_references"][0]["reference"].as_str().expect("numbered").to_owned();
            let seq = reference.strip_prefix(&format!("م/{yy}/")).unwrap_or_else(|| panic!("{reference}"));
            seq.parse().expect("a number")
        }).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=20).collect::<Vec<u32>>(), "each number once, none skipped");

        // Acknowledging again gives no new number.
        let again = app.post_as(&clerk, &first, &json!(null)).await.json();
        assert_eq!(again["agency_references"].as_array().map(Vec::len), Some(1));
        let next = register(&app, &op, "tax").await.1;
        let delivery = newest_delivery(&app, &clerk).await;
        let acked: Value = app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({})).await.json();
        assert_eq!(acked["id"], next);
        assert_eq!(acked["agency_references"][0]["reference"], format!("م/{yy}/21"));

        // An empty pattern stops the numbering: typed numbers are taken again.
        let off = app.patch_as(&admin, "/api/v1/agencies/tax", &json!({"reference_pattern": ""})).await;
        assert_eq!(off.json()["reference_pattern"], Value::Null);
        register(&app, &op, "tax").await;
        let delivery = newest_delivery(&app, &clerk).await;
        let typed = app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({"agency_reference": "99"})).await;
        assert_eq!(typed.status, 200, "{}", typed.text());
    }

    async fn the_inbox_searches_like_a_secretariat(app) {
        app.seed_demo();
        let op = app.token("op-bnd-1021").await;
        let letter = |national_id: &str, last_name: &str, subject: &str| json!({
            "applicant": {"kind": "natural", "national_id": national_id, "first_name": "مریم",
                          "last_name": last_name, "mobile": "09121234567"},
            "recipient_agency_code": "water", "subject": subject, "body": "متن", "priority": "normal"
        });
        let leak = app.post_as(&op, "/api/v1/letters", &letter("0499370899", "کاظمی", "نشت لوله‌کشی خیابان")).await;
        assert_eq!(leak.status, 201, "{}", leak.text());
        let bill = app.post_as(&op, "/api/v1/letters", &letter("0012345679", "یزدانی", "اعتراض به قبض")).await;
        assert_eq!(bill.status, 201, "{}", bill.text());
        // A letter at another agency is never in water's inbox.
        let gas = app.post_as(&op, "/api/v1/letters", &json!({
            "applicant": {"kind": "natural", "national_id": "0499370899", "first_name": "مریم",
                          "last_name": "کاظمی", "mobile": "09121234567"},
            "recipient_agency_code": "gas", "subject": "نشت لوله", "body": "متن", "priority": "normal"
        })).await;
        assert_eq!(gas.status, 201, "{}", gas.text());
        let (leak, bill) = (leak.json(), bill.json());
        let clerk = app.token("clerk-water").await;
        let found = |answer: common::Answer| -> Vec<i64> {
            assert_eq!(answer.status, 200, "{}", answer.text());
            answer.json()["items"].as_array().expect("items").iter()
                .map(|i| i["letter"]["id"].as_i64().expect("id")).collect()
        };
        let search_in = |view: &str, q: &str| format!("/api/v1/inbox?view={view}&q={}", common::urlencode(q));
        let search = |q: &str| search_in("open", q);

        // A tracking code as the receipt prints it, in Persian digits.
        let printed = shared::sms::persian_digits(&shared::tracking::display(leak["tracking_code"].as_str().expect("code")));
        assert_eq!(found(app.get_as(&clerk, &search(&printed)).await), [leak["id"].as_i64().expect("id")]);
        // A national code; words typed with Arabic letters (ي, ك) match the Persian subject and name.
        assert_eq!(found(app.get_as(&clerk, &search("۰۰۱۲۳۴۵۶۷۹")).await), [bill["id"].as_i64().expect("id")]);
        let leaks = found(app.get_as(&clerk, &search("نشت كاظمي")).await);
        assert!(leaks.contains(&leak["id"].as_i64().expect("id")), "{leaks:?}");
        assert!(!leaks.contains(&gas.json()["id"].as_i64().expect("id")), "another agency's letter: {leaks:?}");
        assert_eq!(found(app.get_as(&clerk, &search("قبض")).await), [bill["id"].as_i64().expect("id")]);

        // The secretariat number given at acknowledgement is searchable in the open view.
        let inbox = app.get_as(&clerk, &search_in("new", "قبض")).await.json();
        let delivery = inbox["items"][0]["delivery_id"].as_i64().expect("delivery");
        let acked = app.post_as(&clerk, &format!("/api/v1/inbox/{delivery}/ack"), &json!({"agency_reference": "۷۷/۹۰۱۲"})).await;
        assert_eq!(acked.status, 200, "{}", acked.text());
        assert_eq!(found(app.get_as(&clerk, &search("77/9012")).await), [bill["id"].as_i64().expect("id")]);
        assert_eq!(found(app.get_as(&clerk, &search_in("new", "قبض")).await), Vec::<i64>::new(), "acknowledged: no longer new");

        // Delivery days: today's letters are in today's range, not in yesterday's.
        let today = chrono::Utc::now().date_naive();
        let yesterday = today.pred_opt().expect("yesterday");
        let in_range = found(app.get_as(&clerk, &format!("{}&from={today}&to={today}", search("نشت"))).await);
        assert!(in_range.contains(&leak["id"].as_i64().expect("id")), "{in_range:?}");
        assert_eq!(found(app.get_as(&clerk, &format!("{}&to={yesterday}", search("نشت"))).await), Vec::<i64>::new());

        // The export takes the same search.
        let export = app.get_as(&clerk, &format!("/api/v1/inbox/export?view=open&q={}", common::urlencode("قبض"))).await;
        assert_eq!(export.status, 200, "{}", export.text());
        assert_eq!(export.text().trim_end().split("\r\n").count(), 2, "header and one row: {}", export.text());
    }
}
