//! `chapar seed --letters N`: a year of realistic history in an empty
//! database, for benchmarks and for trying the product at volume.
//!
//! The directory is the demo province (with its logins) grown to 50 agencies
//! and 505 counter offices. Each letter lives a plausible life up to now:
//! most are answered and handed over, some withdrawn or rejected, some
//! referred on, and the recent ones (and a few stuck ones) still open, part
//! of them overdue. Rows are built by the code the API writes with
//! ([`NewLetterRow`], [`letters::chain_rows`] for the hash chain,
//! [`letters::sms_text`], `shared::sla::due_date`), so every chain verifies
//! and every figure is one the API could have produced; they are only
//! written in batches, many letters per transaction, instead of one by one.
//! Attachment rows are metadata only: their bytes are not stored.

use crate::db::on_backend;
use shared::ErrorCode;
use std::collections::HashMap;
use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::workflow::Status;

use crate::db::directory::{self as dir, now, AgencyRow, CounterOfficeRow};
use crate::db::letters::{
    self, LetterRow, NewAttachmentRow, NewDelivery, NewEvent, NewLetterRow, NewNotification,
};
use crate::db::schema::{
    attachments, deliveries, letter_events, letters as letters_t, notifications,
};
use crate::db::{write_transaction, DbConnection};
use crate::error::ApiError;

/// Agencies and offices of the seeded province (the demo ones included).
pub const AGENCIES: usize = 50;
pub const OFFICES: usize = 505;
/// Letters written per transaction.
const LETTERS_PER_BATCH: usize = 2_000;
/// Rows per INSERT statement (keeps every statement under SQLite's 32,766
/// bound parameters).
const ROWS_PER_INSERT: usize = 1_000;

const FIRST_NAMES: &[&str] = &[
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "فاطمه",
    "زهرا",
    "مریم",
    "سارا",
    "نرگس",
    "احمد",
    "امیر",
    "حمید",
    "لیلا",
    "سمیه",
    "یوسف",
    "ابراهیم",
    "کبری",
    "محبوبه",
    "عباس",
];
const LAST_NAMES: &[&str] = &[
    "احمدی",
    "محمدی",
    "حسینی",
    "رضایی",
    "کریمی",
    "موسوی",
    "جعفری",
    "قاسمی",
    "بلوچی",
    "زارعی",
    "انصاری",
    "دهقانی",
    "سلیمانی",
    "نوروزی",
    "کازرونی",
    "میناب‌زاده",
    "بندری",
    "هرمزی",
    "قشمی",
    "صیادی",
    "ملاحی",
    "درویشی",
    "شهبازی",
    "یزدانی",
    "فرهادی",
];
const COMPANIES: &[&str] = &[
    "شرکت بازرگانی خلیج",
    "شرکت حمل و نقل دریایی هرمز",
    "شرکت ساختمانی نخل",
    "تعاونی صیادان قشم",
    "شرکت صنایع غذایی جنوب",
];
const SUBJECTS: &[&str] = &[
    "درخواست انشعاب آب",
    "اعتراض به قبض برق",
    "درخواست قطع موقت گاز",
    "شکایت از کیفیت آب شرب",
    "درخواست پروانه ساختمانی",
    "اعتراض به مالیات بر درآمد",
    "درخواست سابقه بیمه",
    "استعلام سند ملک",
    "درخواست انتقال پرونده تحصیلی",
    "درخواست کارت بهداشت",
    "پیگیری خسارت سیل",
    "درخواست مجوز کسب",
    "تقسیط بدهی مالیاتی",
    "درخواست نصب کنتور",
    "شکایت از صدای ساخت‌وساز",
    "درخواست تعمیر معبر",
    "گواهی عدم بدهی",
    "درخواست بازدید کارشناس",
];
const PLACES: &[&str] = &[
    "بندرعباس",
    "قشم",
    "میناب",
    "بندر لنگه",
    "جاسک",
    "رودان",
    "حاجی‌آباد",
    "پارسیان",
    "بستک",
    "خمیر",
    "سیریک",
    "کیش",
];

/// What `chapar seed` wrote.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub letters: usize,
    pub events: usize,
    pub deliveries: usize,
    pub notifications: usize,
    pub attachments: usize,
    pub seconds: f64,
}

/// The province the letters are spread over.
struct Province {
    agencies: Vec<AgencyRow>,
    offices: Vec<CounterOfficeRow>,
    holidays: std::collections::HashSet<chrono::NaiveDate>,
    templates: HashMap<&'static str, String>,
}

impl Province {
    fn due(&self, agency: &AgencyRow, at: NaiveDateTime) -> NaiveDateTime {
        shared::sla::due_date(at, agency.sla_days, agency.sla_working_days, |d| {
            self.holidays.contains(&d)
        })
    }

    /// Demo agencies get half the letters (the water and power companies of
    /// a province receive most of the mail); the rest are spread evenly.
    fn pick_agency(&self, rng: &mut StdRng, except: Option<i32>) -> &AgencyRow {
        loop {
            let demo = crate::demo::AGENCIES.len().min(self.agencies.len());
            let i = if rng.gen_bool(0.5) {
                rng.gen_range(0..demo)
            } else {
                rng.gen_range(0..self.agencies.len())
            };
            let agency = &self.agencies[i];
            if Some(agency.id) != except {
                return agency;
            }
        }
    }
}

/// Fills an empty database with `count` letters registered over the year
/// before now. Refuses a database that already has letters.
pub fn seed(conn: &mut DbConnection, count: usize, seed: u64) -> Result<SeedReport, ApiError> {
    let started = Instant::now();
    let existing: i64 = letters_t::table.count().get_result(conn)?;
    if existing > 0 {
        return Err(ApiError::Conflict(
            ErrorCode::AlreadyExists,
            format!("the database already has {existing} letters; seed an empty one"),
        ));
    }
    crate::demo::seed_if_empty(conn)?;
    let province = grow_province(conn)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = SeedReport::default();
    let end = now();
    let start = end - Duration::days(365);
    let span = (end - start).num_seconds().max(1) as f64;
    // Applicants come back: about three letters per person over the year.
    let applicants: Vec<Applicant> = (0..(count / 3).max(1))
        .map(|_| Applicant::random(&mut rng))
        .collect();
    // Codes are random, so a million of them repeat a few times: draw again.
    let mut codes_used = std::collections::HashSet::with_capacity(count);
    // PostgreSQL: the words by scope are written once after the load, and
    // every index a load needs not be checked against is built then, by
    // sorting (inserted row by row, the letters' GIN index and `letter_words`
    // were most of the load's time).
    let deferred = match conn {
        DbConnection::Postgres(pg) => Some(defer_indexes(pg)?),
        DbConnection::Sqlite(sqlite) => {
            sqlite.batch_execute(SQLITE_LOAD_SETTINGS)?;
            None
        }
    };
    let mut done = 0;
    while done < count {
        let n = LETTERS_PER_BATCH.min(count - done);
        let lives: Vec<Life> = (done..done + n)
            .map(|i| {
                let created = start
                    + Duration::seconds(
                        (span * (i as f64 + rng.gen::<f64>()) / count as f64) as i64,
                    );
                let applicant = &applicants[rng.gen_range(0..applicants.len())];
                let mut life = Life::plan(&mut rng, &province, applicant, created, end);
                while !codes_used.insert(life.tracking_code.parse::<u64>().unwrap_or_default()) {
                    life.tracking_code = random_tracking_code(&mut rng);
                }
                life
            })
            .collect();
        write_transaction(conn, |conn| {
            write_batch(conn, &province, &lives, &mut report)
        })?;
        done += n;
        if done % 100_000 < n {
            tracing::info!(letters = done, "seeding");
        }
    }
    if let (DbConnection::Postgres(pg), Some(deferred)) = (&mut *conn, deferred) {
        build_deferred_indexes(pg, &deferred)?;
        tracing::info!(
            seconds = started.elapsed().as_secs(),
            "words by scope and indexes built"
        );
    }
    // The dashboard's rollups and the inboxes' new counts, from the rows just written.
    write_transaction(conn, |conn| {
        crate::db::rollups::rebuild(conn).map_err(ApiError::from)
    })?;
    tracing::info!(seconds = started.elapsed().as_secs(), "rollups built");
    match conn {
        // The statistics and visibility map autovacuum would make after
        // such a load, so the planner sees the database as it runs later.
        DbConnection::Postgres(pg) => pg.batch_execute("VACUUM ANALYZE")?,
        // Everything in the database file, on disk, and the log empty: a
        // server started next does not begin by copying it.
        DbConnection::Sqlite(sqlite) => {
            sqlite.batch_execute(crate::db::SQLITE_SESSION_SETTINGS)?;
            sqlite.batch_execute(SQLITE_LOAD_DONE)?;
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// SQLite, for the load's connection only: no `fsync` (a load that dies is
/// started again on an empty file: `seed` refuses a database with letters),
/// a page cache of 512 MiB instead of 2, and the log copied into the
/// database file every 400 MB rather than every 4: most of what a batch
/// touches (the letters' indexes, the words index) is then read and written
/// in memory, not through the file.
const SQLITE_LOAD_SETTINGS: &str =
    "PRAGMA synchronous = OFF; PRAGMA cache_size = -524288; PRAGMA wal_autocheckpoint = 100000;";

/// SQLite, once loaded (after the connection's session settings are put
/// back): SQLite's default cache and checkpoint threshold, then the log
/// copied into the database file, on disk, and emptied.
const SQLITE_LOAD_DONE: &str =
    "PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000; PRAGMA wal_checkpoint(TRUNCATE);";

/// The tables `chapar seed` fills in bulk; their indexes that no insert of
/// the load relies on are dropped for it (see [`defer_indexes`]).
const BULK_TABLES: &[&str] = &[
    "letters",
    "letter_events",
    "deliveries",
    "notifications",
    "attachments",
    "letter_words",
];

/// Turns off what a bulk load should not pay row by row: the trigger that
/// writes `letter_words`, and every index of [`BULK_TABLES`] but the unique
/// ones (constraints the load relies on, and cheap). Answers the dropped
/// indexes' definitions, read from the catalogue so they are rebuilt exactly
/// as the migrations made them.
fn defer_indexes(pg: &mut diesel::PgConnection) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Index {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        definition: String,
    }
    let indexes: Vec<Index> = diesel::sql_query(
        "SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         JOIN pg_class t ON t.oid = i.indrelid \
         WHERE t.relname = ANY($1) AND NOT i.indisunique AND NOT i.indisprimary \
           AND t.relnamespace = 'public'::regnamespace",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(BULK_TABLES)
    .load(pg)?;
    let mut sql = String::from(
        "ALTER TABLE letters DISABLE TRIGGER letters_words; \
         ALTER TABLE letter_words DROP CONSTRAINT letter_words_pkey;",
    );
    for index in &indexes {
        sql.push_str(&format!(" DROP INDEX \"{}\";", index.name));
    }
    pg.batch_execute(&sql)?;
    let mut definitions: Vec<String> = indexes.into_iter().map(|i| i.definition).collect();
    definitions
        .push("ALTER TABLE letter_words ADD PRIMARY KEY (scope, word, letter_id)".to_owned());
    Ok(definitions)
}

/// After the load: the words by scope of every letter, then the indexes
/// [`defer_indexes`] dropped, built by sorting with memory to do it in.
fn build_deferred_indexes(
    pg: &mut diesel::PgConnection,
    definitions: &[String],
) -> QueryResult<()> {
    pg.batch_execute(
        "INSERT INTO letter_words (scope, word, letter_id) \
         SELECT o.scope, o.word, l.id FROM letters l, letter_words_of(l.search_tsv) o; \
         SET maintenance_work_mem = '512MB';",
    )?;
    for definition in definitions {
        pg.batch_execute(definition)?;
    }
    pg.batch_execute(
        "RESET maintenance_work_mem; ALTER TABLE letters ENABLE TRIGGER letters_words;",
    )
}

/// The demo province plus generated agencies and offices up to
/// [`AGENCIES`] and [`OFFICES`].
fn grow_province(conn: &mut DbConnection) -> Result<Province, ApiError> {
    use crate::db::schema::{agencies, counter_offices};
    let at = now();
    let have_agencies: i64 = agencies::table.count().get_result(conn)?;
    for i in have_agencies as usize..AGENCIES {
        let code = format!("agency-{:02}", i + 1);
        let name = format!(
            "اداره کل شماره {} استان هرمزگان",
            shared::sms::persian_digits(&(i + 1).to_string())
        );
        let name_en = format!("Provincial Office {}", i + 1);
        dir::insert_agency(
            conn,
            &dir::NewAgencyRow {
                code: &code,
                name: &name,
                name_en: &name_en,
                parent_id: None,
                sla_days: [7, 10, 14][i % 3],
                sla_working_days: i % 3 == 2,
                active: true,
                search_text: AgencyRow::search_text_of(&code, &name, &name_en),
                created_at: at,
                updated_at: at,
                reference_pattern: None,
            },
        )?;
    }
    let have_offices: i64 = counter_offices::table.count().get_result(conn)?;
    for i in have_offices as usize..OFFICES {
        let number = 6000 + i;
        let city = PLACES[i % PLACES.len()];
        let code = format!("po-{number}");
        let name = format!(
            "دفتر پیشخوان دولت {} {city}",
            shared::sms::persian_digits(&number.to_string())
        );
        dir::insert_office(
            conn,
            &dir::NewCounterOfficeRow {
                code: &code,
                name: &name,
                province: "هرمزگان",
                city,
                address: "",
                phone: "",
                active: true,
                search_text: CounterOfficeRow::search_text_of(&code, &name, "هرمزگان", city),
                created_at: at,
                updated_at: at,
            },
        )?;
    }
    let agencies = agencies::table
        .order(agencies::id.asc())
        .select(AgencyRow::as_select())
        .load(conn)?;
    let offices = counter_offices::table
        .order(counter_offices::id.asc())
        .select(CounterOfficeRow::as_select())
        .load(conn)?;
    let holidays = dir::holidays_between(
        conn,
        (at - Duration::days(400)).date(),
        (at + Duration::days(200)).date(),
    )?;
    let mut templates = HashMap::new();
    for t in shared::sms::TEMPLATES {
        templates.insert(t.kind, letters::sms_template(conn, t.kind)?);
    }
    Ok(Province {
        agencies,
        offices,
        holidays,
        templates,
    })
}

/// A person or company that writes letters.
struct Applicant {
    legal: bool,
    national_id: String,
    first_name: String,
    last_name: String,
    organization: String,
    mobile: String,
}

impl Applicant {
    fn random(rng: &mut StdRng) -> Applicant {
        let legal = rng.gen_bool(0.05);
        Applicant {
            legal,
            national_id: if legal {
                random_legal_id(rng)
            } else {
                random_national_code(rng)
            },
            first_name: FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())].to_owned(),
            last_name: LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())].to_owned(),
            organization: COMPANIES[rng.gen_range(0..COMPANIES.len())].to_owned(),
            mobile: format!(
                "09{:02}{:07}",
                rng.gen_range(10..40),
                rng.gen_range(0..10_000_000)
            ),
        }
    }

    fn wire(&self) -> shared::letters::Applicant {
        shared::letters::Applicant {
            kind: Some(if self.legal {
                shared::letters::ApplicantKind::Legal
            } else {
                shared::letters::ApplicantKind::Natural
            }),
            national_id: self.national_id.clone(),
            first_name: (!self.legal).then(|| self.first_name.clone()),
            last_name: (!self.legal).then(|| self.last_name.clone()),
            father_name: None,
            organization_name: self.legal.then(|| self.organization.clone()),
            representative_name: self
                .legal
                .then(|| format!("{} {}", self.first_name, self.last_name)),
            mobile: self.mobile.clone(),
            postal_code: None,
            address: None,
        }
    }
}

fn random_tracking_code(rng: &mut StdRng) -> String {
    let mut random = [0u32; shared::tracking::RANDOM_DIGITS];
    for r in random.iter_mut() {
        *r = rng.gen();
    }
    shared::tracking::from_random(random)
}

/// A valid 10-digit national code (check digit per DESIGN.md).
fn random_national_code(rng: &mut StdRng) -> String {
    loop {
        let d: Vec<u32> = (0..9).map(|_| rng.gen_range(0..10)).collect();
        if d.iter().all(|x| *x == d[0]) {
            continue;
        }
        let c: u32 = d.iter().enumerate().map(|(i, x)| x * (10 - i as u32)).sum();
        let r = c % 11;
        let check = if r < 2 { r } else { 11 - r };
        return d
            .iter()
            .chain([check].iter())
            .map(|x| x.to_string())
            .collect();
    }
}

/// A valid 11-digit legal-person national ID.
fn random_legal_id(rng: &mut StdRng) -> String {
    const W: [u32; 5] = [29, 27, 23, 19, 17];
    let d: Vec<u32> = (0..10).map(|_| rng.gen_range(0..10)).collect();
    let k = d[9] + 2;
    let s: u32 = d.iter().enumerate().map(|(i, x)| (x + k) * W[i % 5]).sum();
    let check = match s % 11 {
        10 => 0,
        r => r,
    };
    d.iter()
        .chain([check].iter())
        .map(|x| x.to_string())
        .collect()
}

/// One step of a letter's life.
struct Step {
    kind: &'static str,
    status: Status,
    agency_id: Option<i32>,
    to_agency_id: Option<i32>,
    note: String,
    at: NaiveDateTime,
    /// Whether the applicant got an SMS about it, and with which agency name.
    sms: Option<String>,
}

/// One visit of the letter to an agency's inbox.
struct Visit {
    agency_id: i32,
    from_agency_id: Option<i32>,
    delivered_at: NaiveDateTime,
    due_at: NaiveDateTime,
    acknowledged_at: Option<NaiveDateTime>,
    reference: Option<String>,
    closed_at: Option<NaiveDateTime>,
    overdue_notified_at: Option<NaiveDateTime>,
}

/// Everything one letter went through, up to `end`.
struct Life {
    tracking_code: String,
    office: usize,
    applicant: shared::letters::Applicant,
    recipient_id: i32,
    subject: String,
    body: String,
    priority: &'static str,
    created_at: NaiveDateTime,
    steps: Vec<Step>,
    visits: Vec<Visit>,
    answer: Option<(String, i32, NaiveDateTime)>,
    files: usize,
    answer_files: usize,
}

fn hours(rng: &mut StdRng, low: f64, high: f64) -> Duration {
    Duration::seconds((rng.gen_range(low..high) * 3600.0) as i64)
}

impl Life {
    fn status(&self) -> Status {
        self.steps.last().map_or(Status::Registered, |s| s.status)
    }

    fn holder(&self) -> i32 {
        self.visits
            .last()
            .map_or(self.recipient_id, |v| v.agency_id)
    }

    fn plan(
        rng: &mut StdRng,
        province: &Province,
        applicant: &Applicant,
        created: NaiveDateTime,
        end: NaiveDateTime,
    ) -> Life {
        let office = if rng.gen_bool(0.2) {
            rng.gen_range(0..crate::demo::OFFICES.len().min(province.offices.len()))
        } else {
            rng.gen_range(0..province.offices.len())
        };
        let agency = province.pick_agency(rng, None);
        let subject = format!(
            "{} در {}",
            SUBJECTS[rng.gen_range(0..SUBJECTS.len())],
            PLACES[rng.gen_range(0..PLACES.len())]
        );
        let mut life = Life {
            tracking_code: random_tracking_code(rng),
            office,
            applicant: applicant.wire(),
            recipient_id: agency.id,
            body: format!(
                "با سلام، احتراماً {subject} را درخواست دارم. خواهشمند است دستور فرمایید پیگیری شود."
            ),
            subject,
            priority: if rng.gen_bool(0.1) {
                "urgent"
            } else {
                "normal"
            },
            created_at: created,
            steps: Vec::new(),
            visits: Vec::new(),
            answer: None,
            files: usize::from(rng.gen_bool(0.3)),
            answer_files: 0,
        };
        life.step(
            "registered",
            Status::Registered,
            None,
            Some(agency.id),
            created,
            Some(&agency.name),
        );
        life.visit(province, agency, None, created);
        life.step(
            "delivered",
            Status::Delivered,
            Some(agency.id),
            None,
            created,
            None,
        );
        life.live(rng, province, agency, end);
        life.note_overdue(end);
        life
    }

    /// The letter's fate after delivery, cut off at `end`.
    fn live(
        &mut self,
        rng: &mut StdRng,
        province: &Province,
        first: &AgencyRow,
        end: NaiveDateTime,
    ) {
        let fate: f64 = rng.gen();
        let mut agency = first;
        let mut t = self.created_at;
        if fate < 0.03 {
            t += hours(rng, 1.0, 72.0);
            if t < end {
                self.leave(t);
                self.step("withdrawn", Status::Withdrawn, None, None, t, Some(""));
            }
            return;
        }
        t += hours(rng, 0.2, 48.0);
        if t >= end {
            return;
        }
        self.receive(rng, agency, t);
        if rng.gen_bool(0.15) {
            t += hours(rng, 1.0, 24.0 * f64::from(agency.sla_days) * 0.5);
            if t >= end {
                return;
            }
            let next = province.pick_agency(rng, Some(agency.id));
            self.leave(t);
            self.visit(province, next, Some(agency.id), t);
            self.step(
                "referred",
                Status::Delivered,
                Some(agency.id),
                Some(next.id),
                t,
                Some(&next.name),
            );
            agency = next;
            t += hours(rng, 0.2, 48.0);
            if t >= end {
                return;
            }
            self.receive(rng, agency, t);
        }
        if fate > 0.96 && end - self.created_at < Duration::days(60) {
            return; // stuck at the agency: open, and overdue soon
        }
        let sla_hours = 24.0 * f64::from(agency.sla_days);
        if fate < 0.10 {
            t += hours(rng, 1.0, sla_hours);
            if t < end {
                self.leave(t);
                let reason = "مدارک ناقص است؛ لطفاً با مدارک کامل مراجعه فرمایید.".to_owned();
                self.steps.push(Step {
                    kind: "rejected",
                    status: Status::Rejected,
                    agency_id: Some(agency.id),
                    to_agency_id: None,
                    note: reason,
                    at: t,
                    sms: Some(agency.name.clone()),
                });
            }
            return;
        }
        // Most answers come within the SLA; a fifth are late.
        t += hours(rng, 2.0, sla_hours * 1.25);
        if t >= end {
            return;
        }
        self.leave(t);
        self.answer = Some((
            format!("پاسخ {}: درخواست شما بررسی و با آن موافقت شد.", agency.name),
            agency.id,
            t,
        ));
        self.answer_files = usize::from(rng.gen_bool(0.2));
        self.step(
            "answered",
            Status::Answered,
            Some(agency.id),
            None,
            t,
            Some(&agency.name),
        );
        if rng.gen_bool(0.8) {
            t += hours(rng, 1.0, 120.0);
            if t < end {
                self.step("closed", Status::Closed, None, None, t, Some(""));
            }
        }
    }

    fn step(
        &mut self,
        kind: &'static str,
        status: Status,
        agency_id: Option<i32>,
        to_agency_id: Option<i32>,
        at: NaiveDateTime,
        sms: Option<&str>,
    ) {
        self.steps.push(Step {
            kind,
            status,
            agency_id,
            to_agency_id,
            note: String::new(),
            at,
            sms: sms.map(str::to_owned),
        });
    }

    fn visit(
        &mut self,
        province: &Province,
        agency: &AgencyRow,
        from: Option<i32>,
        at: NaiveDateTime,
    ) {
        self.visits.push(Visit {
            agency_id: agency.id,
            from_agency_id: from,
            delivered_at: at,
            due_at: province.due(agency, at),
            acknowledged_at: None,
            reference: None,
            closed_at: None,
            overdue_notified_at: None,
        });
    }

    fn receive(&mut self, rng: &mut StdRng, agency: &AgencyRow, at: NaiveDateTime) {
        let reference = rng
            .gen_bool(0.7)
            .then(|| format!("1405/{}", rng.gen_range(1000..99_999)));
        if let Some(v) = self.visits.last_mut() {
            v.acknowledged_at = Some(at);
            v.reference = reference.clone();
        }
        self.steps.push(Step {
            kind: "received",
            status: Status::Received,
            agency_id: Some(agency.id),
            to_agency_id: None,
            note: reference.unwrap_or_default(),
            at,
            sms: Some(agency.name.clone()),
        });
    }

    fn leave(&mut self, at: NaiveDateTime) {
        if let Some(v) = self.visits.last_mut() {
            v.closed_at = Some(at);
        }
    }

    /// The overdue job told the applicant an hour after each missed due date.
    fn note_overdue(&mut self, end: NaiveDateTime) {
        for v in &mut self.visits {
            let told = v.due_at + Duration::hours(1);
            if told < end && v.closed_at.is_none_or(|c| told < c) {
                v.overdue_notified_at = Some(told);
            }
        }
    }

    fn due_at(&self) -> Option<NaiveDateTime> {
        self.status()
            .awaits_agency()
            .then(|| self.visits.last().map(|v| v.due_at))
            .flatten()
    }

    fn row<'a>(&'a self, province: &'a Province, search_text: String) -> NewLetterRow<'a> {
        let a = &self.applicant;
        let office = &province.offices[self.office];
        NewLetterRow {
            tracking_code: &self.tracking_code,
            counter_office_id: office.id,
            registered_by: "seed",
            applicant_kind: a.kind.map(|k| k.as_str()).unwrap_or("natural"),
            applicant_national_id: &a.national_id,
            applicant_first_name: a.first_name.as_deref(),
            applicant_last_name: a.last_name.as_deref(),
            applicant_father_name: None,
            applicant_organization_name: a.organization_name.as_deref(),
            applicant_representative_name: a.representative_name.as_deref(),
            applicant_mobile: &a.mobile,
            applicant_postal_code: None,
            applicant_address: None,
            applicant_reference: None,
            recipient_agency_id: self.recipient_id,
            holder_agency_id: self.holder(),
            subject: &self.subject,
            body: &self.body,
            priority: self.priority,
            status: self.status().as_str(),
            version: self.steps.len() as i32 - 1,
            due_at: self.due_at(),
            answer_body: self.answer.as_ref().map(|a| a.0.as_str()),
            answer_agency_id: self.answer.as_ref().map(|a| a.1),
            answered_at: self.answer.as_ref().map(|a| a.2),
            search_text,
            created_at: self.created_at,
            updated_at: self.steps.last().map_or(self.created_at, |s| s.at),
            classification: "normal",
        }
    }
}

/// Writes the letters of one batch and everything that hangs off them.
fn write_batch(
    conn: &mut DbConnection,
    province: &Province,
    lives: &[Life],
    report: &mut SeedReport,
) -> Result<(), ApiError> {
    let rows: Vec<NewLetterRow<'_>> = lives
        .iter()
        .map(|l| {
            let office = province.offices[l.office].id;
            let mut text = letters::letter_search_text(
                &l.tracking_code,
                &l.applicant,
                &l.subject,
                office,
                l.recipient_id,
            );
            for visit in &l.visits {
                let agency = shared::search::ScopeWord::Agency(visit.agency_id).text();
                text = letters::search_text_with(&text, &agency);
                if let Some(reference) = &visit.reference {
                    text = letters::search_text_with(&text, reference);
                }
            }
            l.row(province, text)
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT / 2) {
        on_backend!(conn, |c| diesel::insert_into(letters_t::table)
            .values(chunk)
            .execute(c))?;
    }
    let codes: Vec<&str> = lives.iter().map(|l| l.tracking_code.as_str()).collect();
    let stored: HashMap<String, LetterRow> = letters_t::table
        .filter(letters_t::tracking_code.eq_any(&codes))
        .select(LetterRow::as_select())
        .load::<LetterRow>(conn)?
        .into_iter()
        .map(|r| (r.tracking_code.clone(), r))
        .collect();
    let mut events = Vec::new();
    let mut visits = Vec::new();
    let mut texts: Vec<(i32, &'static str, &str, String, NaiveDateTime)> = Vec::new();
    let mut files = Vec::new();
    let keys: Vec<Vec<String>> = lives
        .iter()
        .map(|l| {
            (0..l.files + l.answer_files)
                .map(|n| format!("seed/{}/{n}", l.tracking_code))
                .collect()
        })
        .collect();
    for (life, keys) in lives.iter().zip(&keys) {
        let letter = stored
            .get(&life.tracking_code)
            .ok_or_else(|| ApiError::Internal("a seeded letter was not stored".into()))?;
        let new_events: Vec<NewEvent<'_>> = life
            .steps
            .iter()
            .map(|s| NewEvent {
                kind: s.kind,
                status: s.status,
                actor: if s.agency_id.is_some() {
                    "seed-clerk"
                } else {
                    "seed-operator"
                },
                agency_id: s.agency_id,
                to_agency_id: s.to_agency_id,
                note: &s.note,
                internal: false,
                at: s.at,
            })
            .collect();
        events.extend(letters::chain_rows(letter.id, &new_events));
        for v in &life.visits {
            visits.push(NewDelivery {
                letter_id: letter.id,
                agency_id: v.agency_id,
                from_agency_id: v.from_agency_id,
                delivered_at: v.delivered_at,
                due_at: v.due_at,
                acknowledged_at: v.acknowledged_at,
                acknowledged_by: v.acknowledged_at.map(|_| "seed-clerk"),
                agency_reference: v.reference.as_deref(),
                closed_at: v.closed_at,
                overdue_notified_at: v.overdue_notified_at,
                agency_reference_date: v.reference.as_ref().and(
                    v.acknowledged_at
                        .map(|at| (at + shared::sla::tehran_offset()).date()),
                ),
                is_copy: false,
            });
            if let Some(told) = v.overdue_notified_at {
                let name = province
                    .agencies
                    .iter()
                    .find(|a| a.id == v.agency_id)
                    .map_or("", |a| a.name.as_str());
                let due = shared::jalali::format_persian(
                    (v.due_at + shared::sla::tehran_offset()).date(),
                );
                let text = letters::sms_text(
                    &province.templates["overdue"],
                    letter,
                    &[("agency", name), ("due", &due)],
                );
                texts.push((letter.id, "overdue", &letter.applicant_mobile, text, told));
            }
        }
        for s in &life.steps {
            let (Some(agency), Some(template)) = (&s.sms, province.templates.get(s.kind)) else {
                continue;
            };
            // No seeded letter has copies: their sentence is empty, as the API writes it.
            let mut vars = vec![("agency", agency.as_str()), ("copies", "")];
            if s.kind == "rejected" {
                vars.push(("reason", s.note.as_str()));
            }
            let text = letters::sms_text(template, letter, &vars);
            texts.push((letter.id, s.kind, &letter.applicant_mobile, text, s.at));
        }
        for (n, key) in keys.iter().enumerate() {
            let answer = n >= life.files;
            files.push(NewAttachmentRow {
                letter_id: letter.id,
                kind: if answer { "answer" } else { "letter" },
                file_name: if answer {
                    "پاسخ.pdf"
                } else {
                    "مدارک.pdf"
                },
                content_type: "application/pdf",
                size_bytes: 180_000,
                sha256: "0000000000000000000000000000000000000000000000000000000000000000",
                storage_key: key,
                uploaded_by: "seed",
                created_at: life
                    .answer
                    .as_ref()
                    .filter(|_| answer)
                    .map_or(life.created_at, |a| a.2),
            });
        }
    }
    let sms: Vec<NewNotification<'_>> = texts
        .iter()
        .map(|(letter_id, kind, mobile, text, at)| {
            let sent = *at + Duration::seconds(2);
            NewNotification {
                letter_id: *letter_id,
                event_kind: kind,
                mobile,
                text,
                status: "delivered",
                attempts: 1,
                next_attempt_at: *at,
                created_at: *at,
                sent_at: Some(sent),
                provider_status: Some("delivered"),
                delivered_at: Some(sent + Duration::seconds(5)),
                updated_at: sent,
            }
        })
        .collect();
    // PostgreSQL takes the rows that hang off the letters by `COPY` (binary):
    // a third less of the load's time than multi-row `INSERT`s.
    macro_rules! bulk {
        ($table:expr, $rows:expr) => {
            match &mut *conn {
                DbConnection::Postgres(c) => {
                    diesel::copy_from($table)
                        .from_insertable(&$rows)
                        .execute(c)?;
                }
                DbConnection::Sqlite(c) => {
                    for chunk in $rows.chunks(ROWS_PER_INSERT) {
                        diesel::insert_into($table).values(chunk).execute(c)?;
                    }
                }
            }
        };
    }
    bulk!(letter_events::table, events);
    bulk!(deliveries::table, visits);
    bulk!(notifications::table, sms);
    bulk!(attachments::table, files);
    report.letters += lives.len();
    report.events += events.len();
    report.deliveries += visits.len();
    report.notifications += sms.len();
    report.attachments += files.len();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identifiers_are_valid() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..500 {
            let code = random_national_code(&mut rng);
            assert_eq!(
                shared::identifiers::parse_national_code(&code),
                Ok(code.clone())
            );
            let id = random_legal_id(&mut rng);
            assert_eq!(shared::identifiers::parse_legal_id(&id), Ok(id.clone()));
        }
    }
}
