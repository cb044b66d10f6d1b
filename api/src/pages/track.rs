//! `/track`: the applicant's tracking page. GET shows the form (the code of
//! the SMS or the receipt's QR link filled in); POST looks the letter up
//! exactly as `POST /api/v1/tracking` does (same rate limits, same answer
//! for a wrong code and a wrong national code) and shows it under the form.

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use maud::{html, Markup};
use shared::letters::{LetterCopy, PublicAnswer, RelatedLetter, TrackingAnswer};
use shared::track_page::{event_phrase, file_size, format_time, Lang};
use shared::{ErrorCode, FieldError};

use super::{lang_of, layout, page};
use crate::error::ApiError;
use crate::read_your_writes::ReadAfter;
use crate::state::AppState;

const CODE_FIELD: &str = "tracking_code";
const NATIONAL_ID_FIELD: &str = "national_id";

/// What the form holds and what became of it.
#[derive(Default)]
struct Form {
    code: String,
    /// Shown again after a lookup, to be corrected rather than retyped (the
    /// page is never cached).
    national_id: String,
    errors: Vec<FieldError>,
    outcome: Option<Outcome>,
}

enum Outcome {
    Found(Box<TrackingAnswer>),
    NotFound,
    /// Rate limited: seconds to wait.
    Wait(u64),
    Failed,
}

/// `GET /track[?code=…]`: the form.
pub async fn form(req: HttpRequest) -> HttpResponse {
    let lang = lang_of(&req);
    let code = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.iter().find(|(k, _)| k == "code").map(|(_, v)| v.clone()))
        .unwrap_or_default();
    let other = lang.0.other().code();
    let query: Vec<(&str, &str)> = if code.is_empty() {
        vec![("lang", other)]
    } else {
        vec![("code", &code), ("lang", other)]
    };
    let switch_to = format!(
        "/track?{}",
        serde_urlencoded::to_string(query).unwrap_or_default()
    );
    let form = Form {
        code,
        ..Form::default()
    };
    page(StatusCode::OK, render(lang.0, &switch_to, &form), lang)
}

/// `POST /track` (a form: `tracking_code`, `national_id`): the letter, or
/// what to correct, under the form.
pub async fn look_up(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> HttpResponse {
    let lang = lang_of(&req);
    let switch_to = format!("/track?lang={}", lang.0.other().code());
    let (mut form, code) = read_form(&body);
    let status = match code {
        Some(code) => {
            let found = crate::routes::tracking::look_up(
                &state,
                &req,
                code,
                &form.national_id,
                ReadAfter::default(),
            )
            .await;
            let (status, outcome) = outcome_of(found);
            form.outcome = Some(outcome);
            status
        }
        None => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let mut res = page(status, render(lang.0, &switch_to, &form), lang);
    if let Some(Outcome::Wait(secs)) = form.outcome {
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    }
    res
}

/// The posted form, with an error per field that cannot be looked up, and
/// the tracking code as [`shared::tracking::parse`] reads it when both
/// fields can.
fn read_form(body: &[u8]) -> (Form, Option<String>) {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut form = Form {
        code: field(CODE_FIELD),
        national_id: field(NATIONAL_ID_FIELD),
        ..Form::default()
    };
    let parsed = if form.code.is_empty() {
        Err(ErrorCode::Required)
    } else {
        shared::tracking::parse(&form.code).map_err(|e| e.code())
    };
    if let Err(code) = &parsed {
        form.errors.push(FieldError::new(CODE_FIELD, *code));
    }
    if form.national_id.is_empty() {
        form.errors
            .push(FieldError::new(NATIONAL_ID_FIELD, ErrorCode::Required));
    }
    let code = parsed.ok().filter(|_| form.errors.is_empty());
    (form, code)
}

/// What a lookup's answer shows, and with what status.
fn outcome_of(found: Result<TrackingAnswer, ApiError>) -> (StatusCode, Outcome) {
    let status = found
        .as_ref()
        .map_or_else(ResponseError::status_code, |_| StatusCode::OK);
    let outcome = match found {
        Ok(answer) => Outcome::Found(Box::new(answer)),
        Err(ApiError::NotFound) => Outcome::NotFound,
        Err(ApiError::TooManyRequests { retry_after_secs }) => Outcome::Wait(retry_after_secs),
        Err(e) => {
            tracing::error!(error = %e, "tracking page lookup failed");
            Outcome::Failed
        }
    };
    (status, outcome)
}

/// The whole page: the form (with its errors) and the outcome below it.
fn render(lang: Lang, switch_to: &str, form: &Form) -> Markup {
    let w = lang.words();
    let error_of = |field: &str| {
        form.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| error_text(lang, e.code))
    };
    let content = html! {
        section class="card narrow" {
            h1 { (w.track_title) }
            @if !form.errors.is_empty() {
                div class="error-summary" role="alert" tabindex="-1" autofocus data-testid="error-summary" {
                    h2 { (w.fix_these) }
                    ul {
                        @for (field, id, label) in [(CODE_FIELD, "track-code", w.tracking_code), (NATIONAL_ID_FIELD, "track-national-id", w.national_id)] {
                            @if let Some(text) = error_of(field) {
                                li { a href={ "#" (id) } { (label) ": " (text) } }
                            }
                        }
                    }
                }
            }
            form method="post" action="/track" novalidate {
                (field(w.tracking_code, CODE_FIELD, "track-code", &form.code, error_of(CODE_FIELD), form.code.is_empty()))
                (field(w.national_id, NATIONAL_ID_FIELD, "track-national-id", &form.national_id, error_of(NATIONAL_ID_FIELD), !form.code.is_empty() && form.outcome.is_none() && form.errors.is_empty()))
                button type="submit" class="primary" data-testid="track-submit" { (w.track_button) }
            }
        }
        @match &form.outcome {
            None => {},
            Some(Outcome::Found(answer)) => (letter(lang, answer)),
            Some(Outcome::NotFound) => section class="card narrow" {
                p class="form-error" role="alert" data-testid="track-not-found" { (w.track_not_found) }
            },
            Some(Outcome::Wait(secs)) => section class="card narrow" {
                p class="form-error" role="alert" data-testid="track-error" {
                    (w.wait_seconds.replace("{n}", &lang.digits(&secs.to_string())))
                }
            },
            Some(Outcome::Failed) => section class="card narrow" {
                p class="form-error" role="alert" data-testid="track-error" { (w.try_later) }
            },
        }
    };
    layout(lang, w.track_title, switch_to, content)
}

/// A labelled input with its error (`aria-invalid`, `aria-describedby`).
fn field(
    label: &str,
    name: &str,
    id: &str,
    value: &str,
    error: Option<&str>,
    focus: bool,
) -> Markup {
    let error_id = format!("{id}-error");
    html! {
        label class="field" {
            span class="field-label" { (label) }
            input name=(name) id=(id) data-testid=(id) value=(value) dir="ltr" inputmode="numeric"
                autocomplete="off" aria-required="true" autofocus[focus]
                class=[error.as_ref().map(|_| "invalid")]
                aria-invalid=(error.is_some()) aria-describedby=[error.as_ref().map(|_| &error_id)];
            @if let Some(text) = error {
                span class="field-error" id=(error_id) data-testid=(error_id) { (text) }
            }
        }
    }
}

/// An error code in the reader's words.
fn error_text(lang: Lang, code: ErrorCode) -> &'static str {
    match lang {
        Lang::Fa => code.persian(),
        Lang::En => code.english(),
    }
}

/// The letter as its applicant sees it.
fn letter(lang: Lang, answer: &TrackingAnswer) -> Markup {
    let w = lang.words();
    html! {
        section class="card narrow" data-testid="track-result" {
            h2 tabindex="-1" autofocus {
                (answer.subject) " "
                span class={ "status status-" (answer.status.as_str()) } data-testid="letter-status" data-status=(answer.status.as_str()) {
                    (lang.status(answer.status))
                }
            }
            p { (w.holder) ": " span data-testid="track-holder" { (answer.holder_agency_name) } }
            @if let Some(due) = answer.due_at {
                p { (w.due_at) ": " span data-testid="track-due" { (format_time(lang, &due, false)) } }
            }
            @if !answer.related.is_empty() || !answer.copies.is_empty() {
                dl class="facts" data-testid="track-related" {
                    (related(lang, &answer.related))
                    (copies(lang, &answer.copies))
                }
            }
            ol class="timeline" data-testid="track-timeline" {
                @for e in &answer.events {
                    li data-kind=(e.kind) {
                        span class="when" { (format_time(lang, &e.at, true)) }
                        span class="what" {
                            (event_phrase(w, &e.kind, lang.status(e.status), e.agency_name.as_deref(), e.to_agency_name.as_deref()))
                        }
                        @if !e.note.is_empty() { p class="note" { (e.note) } }
                    }
                }
            }
            @if let Some(a) = &answer.answer { (answer_part(lang, a)) }
        }
    }
}

fn related(lang: Lang, related: &[RelatedLetter]) -> Markup {
    let w = lang.words();
    html! {
        @for r in related {
            dt {
                @if r.earlier { (r.relation.persian()) } @else { (w.later_letter) " (" (r.relation.persian()) ")" }
            }
            dd data-testid="related-letter" {
                span dir="ltr" { (lang.digits(&shared::tracking::display(&r.tracking_code))) }
                " · " (lang.status(r.status))
            }
        }
    }
}

fn copies(lang: Lang, copies: &[LetterCopy]) -> Markup {
    let w = lang.words();
    html! {
        @if !copies.is_empty() {
            dt { (w.copies) }
            dd {
                ul class="plain-list" {
                    @for c in copies {
                        li data-testid="letter-copy" {
                            (c.agency_name)
                            span class="muted" { " · " (if c.seen_at.is_some() { w.copy_seen } else { w.copy_not_seen }) }
                        }
                    }
                }
            }
        }
    }
}

fn answer_part(lang: Lang, answer: &PublicAnswer) -> Markup {
    let w = lang.words();
    html! {
        div class="answer" data-testid="track-answer" {
            h3 { (w.answer) }
            p { (answer.body) }
            @if !answer.attachments.is_empty() {
                ul class="attachments" data-testid="track-answer-files" {
                    @for f in &answer.attachments {
                        // A plain link: the token in it stands for the lookup.
                        li {
                            a href=(f.download_url) download=(f.file_name) { (f.file_name) }
                            span class="muted" { " · " (file_size(lang, f.size_bytes)) }
                        }
                    }
                }
            }
        }
    }
}

/// The tracking form as the SPA's home page shows it (`super::home_preview`).
pub(super) fn form_card(lang: Lang) -> Markup {
    let w = lang.words();
    html! {
        section class="card narrow" {
            h2 { (w.track_title) }
            form method="post" action="/track" {
                (field(w.tracking_code, CODE_FIELD, "track-code", "", None, false))
                (field(w.national_id, NATIONAL_ID_FIELD, "track-national-id", "", None, false))
                button type="submit" class="primary" { (w.track_button) }
            }
        }
    }
}
