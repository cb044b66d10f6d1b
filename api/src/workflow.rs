//! The letter workflow with the database: registration, and each step
//! after it. A step checks who may take it, asks the `shared` state machine
//! whether the letter's state allows it, changes the letter only if nobody
//! changed it first (version check), and appends the event, the applicant's
//! SMS and the dashboard's rollups, all in the caller's transaction.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use shared::auth::ClientScope;
use shared::search::ScopeWord;
use shared::secretariat::{self, TypedReference};
use shared::workflow::{transition, Action, Status};
use shared::ErrorCode;

use crate::auth::{policy, Principal};
use crate::db::directory::{self as dir, now};
use crate::db::idempotency::{self, Answer};
use crate::db::inbox::{self, DeliveryRow};
use crate::db::letters::{self as db, LetterRow, NewDelivery, NewEvent, NewLetterRow, Scope};
use crate::db::rollups;
use crate::db::rollups::Tracked;
use crate::db::together::Unread;
use crate::db::DbConnection;
use crate::error::ApiError;
use shared::letters::{Classification, NewLetter};

/// A workflow step and its data.
pub enum Step<'a> {
    Refer {
        to_agency_code: &'a str,
        note: &'a str,
        /// Agencies that also get a copy.
        copies: &'a [String],
    },
    Answer {
        body: &'a str,
    },
    Reject {
        reason: &'a str,
    },
    Withdraw,
    Close,
}

/// What happened, for waking inbox readers after commit.
pub struct Outcome {
    pub letter: LetterRow,
    /// The agencies that received a new delivery (a referral and its copies).
    pub delivered_to: Vec<i32>,
}

/// The agency of a clerk, or of a client with `inbox:write` (see `auth::policy`).
pub fn agency_worker(p: &Principal) -> Result<i32, ApiError> {
    policy::agency_worker(p, ClientScope::InboxWrite)
}

fn office_worker(p: &Principal) -> Result<i32, ApiError> {
    p.registering_office().map(|(id, _)| id)
}

/// Compares `If-Match` with the letter's current ETag.
pub fn check_if_match(letter: &LetterRow, if_match: Option<&str>) -> Result<(), ApiError> {
    match if_match {
        Some(tag)
            if tag.trim() != "*"
                && !tag
                    .split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == letter.etag()) =>
        {
            Err(ApiError::PreconditionFailed)
        }
        _ => Ok(()),
    }
}

fn apply_state(
    conn: &mut DbConnection,
    letter: &LetterRow,
    to: Status,
    holder: i32,
    due: Option<chrono::NaiveDateTime>,
    at: chrono::NaiveDateTime,
) -> Result<(), ApiError> {
    if !inbox::bump_letter(
        conn,
        letter.id,
        letter.version,
        to.as_str(),
        holder,
        due,
        at,
    )? {
        return Err(ApiError::PreconditionFailed);
    }
    Ok(())
}

fn agency_name(conn: &mut DbConnection, id: i32) -> Result<String, ApiError> {
    use crate::db::schema::agencies;
    Ok(agencies::table
        .find(id)
        .select(agencies::name)
        .first(conn)?)
}

/// A fresh tracking code from the OS CSPRNG.
fn new_tracking_code() -> String {
    use rand::RngCore;
    let mut random = [0u32; shared::tracking::RANDOM_DIGITS];
    for r in random.iter_mut() {
        *r = rand::rngs::OsRng.next_u32();
    }
    shared::tracking::from_random(random)
}

/// The operator's decision on the possible duplicates it was shown, as the
/// `registered` event records it (empty: it was shown none).
fn duplicates_decision(seen: &[String]) -> String {
    if seen.is_empty() {
        return String::new();
    }
    let codes: Vec<String> = seen.iter().map(|c| shared::tracking::display(c)).collect();
    format!("ثبت با وجود نامهٔ مشابهِ باز: {}", codes.join("، "))
}

/// The active agencies of `codes` (the copy recipients), or an error
/// naming each code no active agency has (`field[i]`).
fn copy_agencies(
    conn: &mut DbConnection,
    field: &str,
    codes: &[String],
) -> Result<Vec<dir::AgencyRow>, ApiError> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        match dir::agency_by_code(conn, code).ok().filter(|a| a.active) {
            Some(agency) => found.push(agency),
            None => errors.push(shared::FieldError::new(
                format!("{field}[{i}]"),
                ErrorCode::AgencyNotActive,
            )),
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Sends copies (رونوشت) of a letter to `agencies`, from `from` (the
/// referring agency; `None` at the counter): a copy delivery into each
/// inbox.
fn send_copies<'a>(
    conn: &mut DbConnection,
    letter_id: i32,
    agencies: &[dir::AgencyRow],
    from: Option<i32>,
    main_due: NaiveDateTime,
    (actor, status, at): (&'a str, Status, NaiveDateTime),
) -> Result<Copies<'a>, ApiError> {
    let mut events = Vec::new();
    let mut copies = Vec::new();
    for agency in agencies {
        let delivery_id = db::insert_delivery(
            conn,
            &NewDelivery::copy(letter_id, agency.id, from, at, main_due),
        )?;
        copies.push(shared::letters::LetterCopy {
            delivery_id,
            agency_code: agency.code.clone(),
            agency_name: agency.name.clone(),
            delivered_at: db::utc(at),
            seen_at: None,
        });
        events.push(NewEvent {
            kind: "copied",
            status,
            actor,
            agency_id: from,
            to_agency_id: Some(agency.id),
            note: "",
            internal: false,
            at,
        });
    }
    let names: Vec<String> = agencies.iter().map(|a| a.name.clone()).collect();
    Ok(Copies {
        events,
        sms: shared::sms::copies_sentence(&names),
        copies,
    })
}

/// Copies just sent: their events to chain, the `{copies}` sentence of the
/// applicant's SMS, and their wire form.
struct Copies<'a> {
    events: Vec<NewEvent<'a>>,
    sms: String,
    copies: Vec<shared::letters::LetterCopy>,
}

/// Records the earlier letters a new letter names: each must be a letter
/// of the same applicant (the national code is what the applicant proves
/// with, as on public tracking), else nothing is registered.
fn relate(
    conn: &mut DbConnection,
    row: &LetterRow,
    named: &[shared::letters::RelatedRequest],
) -> Result<Vec<shared::letters::RelatedLetter>, ApiError> {
    if named.is_empty() {
        return Ok(Vec::new());
    }
    let codes: Vec<&str> = named.iter().map(|r| r.tracking_code.as_str()).collect();
    let found = db::letters_of_applicant(conn, &row.applicant_national_id, &codes)?;
    let mut errors = Vec::new();
    let mut related = Vec::new();
    for (i, r) in named.iter().enumerate() {
        match found.iter().find(|f| f.tracking_code == r.tracking_code) {
            None => errors.push(shared::FieldError::new(
                format!("related[{i}].tracking_code"),
                ErrorCode::RelatedUnknown,
            )),
            Some(earlier) => related.push((earlier, r.relation)),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let rows: Vec<(i32, i32, &str)> = related
        .iter()
        .map(|(earlier, relation)| (row.id, earlier.id, relation.as_str()))
        .collect();
    db::insert_relations(conn, &rows)?;
    Ok(related
        .into_iter()
        .map(|(earlier, relation)| shared::letters::RelatedLetter {
            tracking_code: earlier.tracking_code.clone(),
            relation,
            earlier: true,
            status: earlier.status(),
            created_at: db::utc(earlier.created_at),
        })
        .collect())
}

/// Registers a letter, inside the caller's transaction: the letter, its
/// `registered` and `delivered` events, the delivery into the agency's inbox,
/// and the applicant's SMS. Answers the row and its wire form (built from
/// what registration knows: a fixed, small number of statements in all).
///
/// `answer` gives the caller's idempotency answer for the wire form, if
/// the request had a key: it is recorded in the statement that writes the
/// delivery, the events and the SMS (on PostgreSQL one round trip for the
/// four). They come before the dashboard's rollups are counted, last,
/// because their rows are shared by every registration of the day: on
/// PostgreSQL each is locked from its upsert to the commit, so the fewer
/// statements after it, the more registrations commit at once.
pub fn register<'k>(
    conn: &mut DbConnection,
    office_id: i32,
    actor: &str,
    letter: &NewLetter,
    answer: impl FnOnce(&shared::letters::Letter) -> Result<Option<Answer<'k>>, ApiError>,
) -> Result<Registration, ApiError> {
    let facts = dir::registration_facts(
        conn,
        &letter.recipient_agency_code,
        office_id,
        &letter.applicant.mobile,
    )?
    .filter(|f| f.agency.active)
    .ok_or_else(|| ApiError::validation("recipient_agency_code", ErrorCode::AgencyNotActive))?;
    let agency = &facts.agency;
    let copies = copy_agencies(conn, "copies", &letter.copies)?;
    let at = now();
    let due = dir::due_for(conn, agency, at)?;
    let mut tracking_code = new_tracking_code();
    // The recipient's delivery, gathered (on PostgreSQL) with the inserts
    // below that nothing reads back; it owns its values, they borrow.
    let mut arrival: Unread<'static> = Unread::default();
    let (row, delivery) = loop {
        let inserted = db::insert_delivered_letter(
            conn,
            &mut arrival,
            &new_letter_row(
                letter,
                (office_id, actor),
                agency.id,
                &copies,
                &tracking_code,
                (at, due),
            ),
            |letter_id| NewDelivery::arriving(letter_id, agency.id, None, at, due),
        )?;
        match inserted {
            Some(inserted) => break inserted,
            None => tracking_code = new_tracking_code(),
        }
    };
    let related = relate(conn, &row, &letter.related)?;
    let mut decision = duplicates_decision(&letter.duplicates_seen);
    for r in &related {
        if !decision.is_empty() {
            decision.push_str("؛ ");
        }
        let code = shared::tracking::display(&r.tracking_code);
        decision.push_str(&format!("{} نامهٔ {code}", r.relation.persian()));
    }
    let registered = NewEvent {
        kind: "registered",
        status: Status::Registered,
        actor,
        agency_id: None,
        to_agency_id: Some(agency.id),
        note: &decision,
        internal: false,
        at,
    };
    let delivered = NewEvent {
        kind: "delivered",
        status: Status::Delivered,
        actor,
        agency_id: Some(agency.id),
        to_agency_id: None,
        note: "",
        internal: false,
        at,
    };
    let sent = send_copies(
        conn,
        row.id,
        &copies,
        None,
        due,
        (actor, Status::Delivered, at),
    )?;
    let mut events = vec![registered, delivered];
    events.extend(sent.events);
    let chain = db::chain_rows(row.id, &events);
    let template = db::template_or_default("registered", facts.registered_sms);
    let text = db::sms_text(
        &template,
        &row,
        &[("agency", &agency.name), ("copies", &sent.sms)],
    );
    let sms = db::sms_row(&row, "registered", &text, at);
    let mut written = arrival;
    db::start_chain(conn, &mut written, &chain)?;
    db::add_sms(conn, &mut written, &sms)?;
    let named = dir::Named {
        code: agency.code.clone(),
        name: agency.name.clone(),
    };
    let mut wire =
        db::WireFacts::registered(&row, (named, facts.office), facts.opted_out, delivery)
            .wire(&row, at);
    wire.related = related;
    wire.copies = sent.copies;
    match answer(&wire)? {
        Some(answer) => idempotency::record(conn, written, &answer)?,
        None => written.flush(conn)?,
    }
    rollups::record_registration(conn, &row, agency.id, due)?;
    let mut delivered_to = vec![agency.id];
    delivered_to.extend(copies.iter().map(|c| c.id));
    Ok(Registration {
        row,
        wire,
        delivered_to,
    })
}

/// The row of a letter registered `at`, due `due`, with the scope words of
/// the office, the recipient and the copies in its search text.
fn new_letter_row<'a>(
    letter: &'a NewLetter,
    (office_id, actor): (i32, &'a str),
    agency_id: i32,
    copies: &[dir::AgencyRow],
    tracking_code: &'a str,
    (at, due): (NaiveDateTime, NaiveDateTime),
) -> NewLetterRow<'a> {
    let a = &letter.applicant;
    let classification = letter.classification.unwrap_or_default();
    let confidential = classification == Classification::Confidential;
    NewLetterRow {
        tracking_code,
        counter_office_id: office_id,
        registered_by: actor,
        applicant_kind: a.kind.map(|k| k.as_str()).unwrap_or("natural"),
        applicant_national_id: &a.national_id,
        applicant_first_name: a.first_name.as_deref(),
        applicant_last_name: a.last_name.as_deref(),
        applicant_father_name: a.father_name.as_deref(),
        applicant_organization_name: a.organization_name.as_deref(),
        applicant_representative_name: a.representative_name.as_deref(),
        applicant_mobile: &a.mobile,
        applicant_postal_code: a.postal_code.as_deref(),
        applicant_address: a.address.as_deref(),
        applicant_reference: letter.applicant_reference.as_deref(),
        recipient_agency_id: agency_id,
        holder_agency_id: agency_id,
        subject: &letter.subject,
        body: &letter.body,
        priority: letter.priority.unwrap_or_default().as_str(),
        status: Status::Delivered.as_str(),
        version: 1,
        due_at: Some(due),
        answer_body: None,
        answer_agency_id: None,
        answered_at: None,
        search_text: copies.iter().fold(
            db::letter_search_text(
                tracking_code,
                a,
                // A confidential letter is not found by the words of its subject.
                if confidential { "" } else { &letter.subject },
                office_id,
                agency_id,
            ),
            |text, copy| db::search_text_with(&text, &ScopeWord::Agency(copy.id).text()),
        ),
        created_at: at,
        updated_at: at,
        classification: classification.as_str(),
    }
}

/// A registered letter: its row, its wire form, and the agencies whose
/// inboxes it entered (the recipient, then the copies).
pub struct Registration {
    pub row: LetterRow,
    pub wire: shared::letters::Letter,
    pub delivered_to: Vec<i32>,
}

/// Acknowledges a delivery (idempotent): the letter becomes `received`.
pub fn acknowledge(
    conn: &mut DbConnection,
    p: &Principal,
    delivery_id: i32,
    typed: &TypedReference,
) -> Result<LetterRow, ApiError> {
    let agency = agency_worker(p)?;
    let delivery: DeliveryRow = inbox::delivery_of_agency(conn, delivery_id, agency)?;
    let letter = db::letter_in_scope(conn, delivery.letter_id, Scope::All)?;
    if delivery.acknowledged_at.is_some() {
        return Ok(letter);
    }
    let at = now();
    let actor = p.actor();
    let reference = secretariat_number(conn, agency, &letter, typed, at)?;
    let reference = reference.as_ref().map(|(n, day)| (n.as_str(), *day));
    inbox::acknowledge(conn, delivery.id, &actor, reference, at)?;
    let reference = reference.map(|(number, _)| number);
    if let Some(reference) = reference {
        db::add_search_text(conn, &letter, reference)?;
    }
    if delivery.is_copy {
        // A copy is filed once seen: it leaves the inbox, the letter keeps its state.
        inbox::close_delivery(conn, delivery.id, at)?;
        inbox::touch_letter(conn, letter.id, at)?;
        db::append_event(
            conn,
            letter.id,
            &NewEvent::by_agency(
                "copy_seen",
                letter.status(),
                &actor,
                agency,
                reference.unwrap_or_default(),
                at,
            ),
        )?;
        return Ok(db::letter_in_scope(conn, letter.id, Scope::All)?);
    }
    // A delivery closed meanwhile (withdrawn) is acknowledged without moving the letter.
    if delivery.closed_at.is_none() && letter.status() == Status::Delivered {
        let tracked = Tracked::start(conn, &letter)?;
        let to = transition(letter.status(), Action::Receive).map_err(ApiError::NotAllowed)?;
        apply_state(
            conn,
            &letter,
            to,
            letter.holder_agency_id,
            letter.due_at,
            at,
        )?;
        db::append_event(
            conn,
            letter.id,
            &NewEvent::by_agency(
                "received",
                to,
                &actor,
                agency,
                reference.unwrap_or_default(),
                at,
            ),
        )?;
        let name = agency_name(conn, agency)?;
        db::enqueue_sms(conn, &letter, "received", &[("agency", &name)], at)?;
        let after = db::letter_in_scope(conn, letter.id, Scope::All)?;
        tracked.record(conn, &after)?;
        return Ok(after);
    }
    Ok(db::letter_in_scope(conn, letter.id, Scope::All)?)
}

/// The secretariat number a delivery is acknowledged under: the next of the
/// agency's own counter when it lets Chapar number its letters (then a typed
/// one is refused), else the one typed, which cannot predate the letter.
fn secretariat_number(
    conn: &mut DbConnection,
    agency: i32,
    letter: &LetterRow,
    typed: &TypedReference,
    at: NaiveDateTime,
) -> Result<Option<(String, NaiveDate)>, ApiError> {
    let pattern = dir::reference_pattern(conn, agency)?;
    let today = (at + shared::sla::tehran_offset()).date();
    if let Some(pattern) = pattern {
        if typed.number.is_some() {
            return Err(ApiError::validation(
                "agency_reference",
                ErrorCode::ReferenceAssigned,
            ));
        }
        let seq = inbox::next_reference_seq(conn, agency, secretariat::counter_year(today))?;
        return Ok(Some((secretariat::render(&pattern, today, seq), today)));
    }
    let registered = (letter.created_at + shared::sla::tehran_offset()).date();
    match (&typed.number, typed.date) {
        (Some(_), Some(day)) if day < registered => Err(ApiError::validation(
            "agency_reference_date",
            ErrorCode::DateBeforeRegistration,
        )),
        (Some(number), day) => Ok(Some((number.clone(), day.unwrap_or(today)))),
        (None, _) => Ok(None),
    }
}

/// Takes a step on a letter the caller may see.
pub fn take(
    conn: &mut DbConnection,
    p: &Principal,
    letter_id: i32,
    if_match: Option<&str>,
    step: Step<'_>,
) -> Result<Outcome, ApiError> {
    let scope = p.letters_scope()?;
    let letter = db::letter_in_scope(conn, letter_id, scope)?;
    let action = match step {
        Step::Refer { .. } => Action::Refer,
        Step::Answer { .. } => Action::Answer,
        Step::Reject { .. } => Action::Reject,
        Step::Withdraw => Action::Withdraw,
        Step::Close => Action::Close,
    };
    // Who may act: the holding agency for its steps, the registering office for the applicant's.
    let acting_agency = match action {
        Action::Refer | Action::Answer | Action::Reject => {
            let agency = agency_worker(p)?;
            let copy_here = agency != letter.holder_agency_id
                && inbox::copy_at_agency(conn, letter.id, agency)?;
            policy::require_holder(agency, letter.holder_agency_id, copy_here)?;
            Some(agency)
        }
        _ => {
            if office_worker(p)? != letter.counter_office_id {
                return Err(ApiError::forbidden("only the registering office does this"));
            }
            None
        }
    };
    check_if_match(&letter, if_match)?;
    let to = transition(letter.status(), action).map_err(ApiError::NotAllowed)?;
    let at = now();
    let actor = p.actor();
    let open = inbox::open_delivery(conn, letter.id)?;
    let mut tracked = Tracked::start(conn, &letter)?;
    let mut delivered_to = Vec::new();
    let mut copies_sentence = String::new();
    let (kind, note, agency_name) = match step {
        Step::Refer {
            to_agency_code,
            note,
            copies,
        } => {
            if letter.is_confidential() && !copies.is_empty() {
                return Err(ApiError::validation("copies", ErrorCode::CopyConfidential));
            }
            let copies = copy_agencies(conn, "copies", copies)?;
            let target = dir::agency_by_code(conn, to_agency_code)
                .ok()
                .filter(|a| a.active)
                .ok_or_else(|| {
                    ApiError::validation("to_agency_code", ErrorCode::AgencyNotActive)
                })?;
            if target.id == letter.holder_agency_id {
                return Err(ApiError::validation(
                    "to_agency_code",
                    ErrorCode::ReferSameAgency,
                ));
            }
            let due = dir::due_for(conn, &target, at)?;
            if let Some(d) = &open {
                inbox::close_delivery(conn, d.id, at)?;
            }
            db::insert_delivery(
                conn,
                &NewDelivery::arriving(letter.id, target.id, acting_agency, at, due),
            )?;
            apply_state(conn, &letter, to, target.id, Some(due), at)?;
            let words: Vec<String> = std::iter::once(target.id)
                .chain(copies.iter().map(|c| c.id))
                .map(|id| ScopeWord::Agency(id).text())
                .collect();
            db::add_search_text(conn, &letter, &words.join(" "))?;
            tracked.delivered_to(target.id, due);
            delivered_to.push(target.id);
            db::append_event(
                conn,
                letter.id,
                &NewEvent {
                    kind: "referred",
                    status: to,
                    actor: &actor,
                    agency_id: acting_agency,
                    to_agency_id: Some(target.id),
                    note,
                    internal: false,
                    at,
                },
            )?;
            let sent = send_copies(
                conn,
                letter.id,
                &copies,
                acting_agency,
                due,
                (&actor, to, at),
            )?;
            for event in &sent.events {
                db::append_event(conn, letter.id, event)?;
            }
            delivered_to.extend(copies.iter().map(|c| c.id));
            copies_sentence = sent.sms;
            ("referred", String::new(), Some(target.name.clone()))
        }
        Step::Answer { body } => {
            let agency = acting_agency.unwrap_or(letter.holder_agency_id);
            if let Some(d) = &open {
                inbox::close_delivery(conn, d.id, at)?;
            }
            apply_state(conn, &letter, to, letter.holder_agency_id, None, at)?;
            inbox::set_answer(conn, letter.id, body, agency, at)?;
            let name = agency_name(conn, agency)?;
            ("answered", String::new(), Some(name))
        }
        Step::Reject { reason } => {
            let agency = acting_agency.unwrap_or(letter.holder_agency_id);
            if let Some(d) = &open {
                inbox::close_delivery(conn, d.id, at)?;
            }
            apply_state(conn, &letter, to, letter.holder_agency_id, None, at)?;
            let name = agency_name(conn, agency)?;
            ("rejected", reason.to_owned(), Some(name))
        }
        Step::Withdraw => {
            if let Some(d) = &open {
                inbox::close_delivery(conn, d.id, at)?;
            }
            apply_state(conn, &letter, to, letter.holder_agency_id, None, at)?;
            ("withdrawn", String::new(), None)
        }
        Step::Close => {
            apply_state(conn, &letter, to, letter.holder_agency_id, None, at)?;
            ("closed", String::new(), None)
        }
    };
    if kind != "referred" {
        db::append_event(
            conn,
            letter.id,
            &NewEvent {
                kind,
                status: to,
                actor: &actor,
                agency_id: acting_agency,
                to_agency_id: None,
                note: &note,
                internal: false,
                at,
            },
        )?;
    }
    let mut vars: Vec<(&str, &str)> = Vec::new();
    if let Some(name) = &agency_name {
        vars.push(("agency", name));
    }
    if kind == "rejected" {
        vars.push(("reason", &note));
    }
    if kind == "referred" {
        vars.push(("copies", &copies_sentence));
    }
    db::enqueue_sms(conn, &letter, kind, &vars, at)?;
    let after = db::letter_in_scope(conn, letter.id, Scope::All)?;
    tracked.record(conn, &after)?;
    Ok(Outcome {
        letter: after,
        delivered_to,
    })
}

/// Adds an internal note (staff only; never shown on public tracking).
pub fn add_note(
    conn: &mut DbConnection,
    p: &Principal,
    letter_id: i32,
    note: &str,
) -> Result<(), ApiError> {
    if !policy::may_add_note(p) {
        return Err(ApiError::forbidden("only staff add notes"));
    }
    let letter = db::letter_in_scope(conn, letter_id, p.letters_scope()?)?;
    db::append_event(
        conn,
        letter.id,
        &NewEvent {
            kind: "note",
            status: letter.status(),
            actor: &p.actor(),
            agency_id: p.agency.as_ref().map(|(id, _)| *id),
            to_agency_id: None,
            note,
            internal: true,
            at: now(),
        },
    )?;
    Ok(())
}

/// Tells applicants whose letter passed its due date (once per delivery).
/// Run periodically by the SMS dispatcher; answers how many were told.
pub fn notify_overdue(conn: &mut DbConnection, limit: i64) -> Result<usize, ApiError> {
    crate::db::write_transaction(conn, |conn| {
        let at = now();
        let due = inbox::overdue_unnotified(conn, at, limit)?;
        for d in &due {
            let letter = db::letter_in_scope(conn, d.letter_id, Scope::All)?;
            let name = agency_name(conn, d.agency_id)?;
            let due_day =
                shared::jalali::format_persian((d.due_at + shared::sla::tehran_offset()).date());
            db::enqueue_sms(
                conn,
                &letter,
                "overdue",
                &[("agency", &name), ("due", &due_day)],
                at,
            )?;
            inbox::mark_overdue_notified(conn, d.id, at)?;
        }
        Ok(due.len())
    })
}
