//! What the current user may do with a letter: the holding agency's clerk
//! acknowledges, refers, answers or rejects; the registering office's
//! operator withdraws or hands the answer over; staff add internal notes.
//! Only the actions the state machine allows are shown; each sends the
//! letter's version as `If-Match`, so a stale page cannot overwrite news.

use leptos::prelude::*;
use shared::answer_templates::{fill, AnswerTemplate};
use shared::auth::Role;
use shared::inbox::{AnswerRequest, NoteRequest, ReferRequest, RejectRequest};
use shared::letters::{Attachment, Letter};
use shared::workflow::Action as Step;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::components::copies::{active_agencies, CopiesPicker};
use crate::components::receive::ReceiveBox;
use crate::i18n::{field_text, use_lang, use_strings};
use crate::session::use_session;

#[component]
pub fn LetterActions(
    letter: Letter,
    /// Bumped after a successful action so the page reloads.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let session = use_session();
    let me = session.me.get_untracked();
    let role = me.as_ref().and_then(|m| m.role);
    let my_agency = me.as_ref().and_then(|m| m.agency_code.clone());
    let my_office = me.as_ref().and_then(|m| m.counter_office_code.clone());
    let is_holder_clerk = role == Some(Role::Clerk)
        && my_agency.as_deref() == Some(letter.holder_agency_code.as_str());
    // The copy (رونوشت) of this letter at the clerk's agency, not yet filed.
    let my_copy = letter
        .copies
        .iter()
        .find(|c| {
            role == Some(Role::Clerk)
                && c.seen_at.is_none()
                && my_agency.as_deref() == Some(c.agency_code.as_str())
        })
        .map(|c| c.delivery_id);
    let is_office_operator = role == Some(Role::Operator)
        && my_office.as_deref() == Some(letter.counter_office_code.as_str());
    let can_note = matches!(role, Some(Role::Admin | Role::Operator | Role::Clerk));
    let allowed = letter.allowed_actions.clone();
    let may = move |s: Step| allowed.contains(&s);
    let (may_receive, may_refer, may_answer, may_reject) = (
        is_holder_clerk && may(Step::Receive) && letter.open_delivery_id.is_some(),
        is_holder_clerk && may(Step::Refer),
        is_holder_clerk && may(Step::Answer),
        is_holder_clerk && may(Step::Reject),
    );
    let (may_withdraw, may_close) = (
        is_office_operator && may(Step::Withdraw),
        is_office_operator && may(Step::Close),
    );

    let id = letter.id;
    let etag = format!("\"{}-{}\"", letter.id, letter.version);
    // The last failure, and which action it belongs to (shown under it).
    let error = RwSignal::new(None::<(&'static str, String)>);
    let refer_to = RwSignal::new(String::new());
    let refer_note = RwSignal::new(String::new());
    let refer_copies = RwSignal::new(Vec::<String>::new());
    let answer_body = RwSignal::new(String::new());
    let answer_files = RwSignal::new(Vec::<web_sys::File>::new());
    let templates = LocalResource::new(move || async move {
        if may_answer {
            api::get::<Vec<AnswerTemplate>>("/api/v1/answer-templates")
                .await
                .unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let answering = StoredValue::new(letter.clone());
    // A picked template fills the answer box, placeholders filled from the letter.
    let pick = move |id: String| {
        let chosen = templates
            .get_untracked()
            .unwrap_or_default()
            .into_iter()
            .find(|a| a.id.to_string() == id);
        if let Some(template) = chosen {
            let today = shared::reports::tehran_day(
                chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
                    .unwrap_or_default(),
            );
            answering.with_value(|l| {
                answer_body.set(fill(&template.body, l, &l.holder_agency_name, today));
            });
        }
    };
    let reject_reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let active_agencies = active_agencies();

    let show = move |action: &'static str, err: ApiError| {
        let message = match &err {
            ApiError::Problem(p) if !p.errors.is_empty() => p
                .errors
                .iter()
                .map(|e| field_text(lang.get_untracked(), e))
                .collect::<Vec<_>>()
                .join("؛ "),
            other => other.text(lang.get_untracked()),
        };
        error.set(Some((action, message)));
    };
    let act = Action::new_local(move |step: &Step| {
        let step = *step;
        let etag = etag.clone();
        async move {
            let headers = [("If-Match", etag.as_str())];
            let path = |what: &str| format!("/api/v1/letters/{id}/{what}");
            let result: Result<Letter, ApiError> = match step {
                Step::Refer => {
                    let request = ReferRequest {
                        to_agency_code: refer_to.get_untracked(),
                        note: refer_note.get_untracked(),
                        copies: refer_copies.get_untracked(),
                    };
                    match request.validate() {
                        Ok(r) => api::post_with_headers(&path("refer"), &r, &headers).await,
                        Err(e) => Err(ApiError::Problem(problem(e))),
                    }
                }
                Step::Answer => {
                    let request = AnswerRequest {
                        body: answer_body.get_untracked(),
                    };
                    match request.validate() {
                        Err(e) => Err(ApiError::Problem(problem(e))),
                        Ok(r) => {
                            let files = answer_files.get_untracked();
                            let uploaded = if files.is_empty() {
                                Ok(Vec::new())
                            } else {
                                api::upload::<Vec<Attachment>>(
                                    &format!("{}?kind=answer", path("attachments")),
                                    &files,
                                )
                                .await
                            };
                            match uploaded {
                                Err(e) => Err(e),
                                // The upload does not change the letter's version.
                                Ok(_) => {
                                    api::post_with_headers(&path("answer"), &r, &headers).await
                                }
                            }
                        }
                    }
                }
                Step::Reject => {
                    let request = RejectRequest {
                        reason: reject_reason.get_untracked(),
                    };
                    match request.validate() {
                        Ok(r) => api::post_with_headers(&path("reject"), &r, &headers).await,
                        Err(e) => Err(ApiError::Problem(problem(e))),
                    }
                }
                Step::Withdraw => {
                    api::post_with_headers(&path("withdraw"), &serde_json::json!({}), &headers)
                        .await
                }
                Step::Close => {
                    api::post_with_headers(&path("close"), &serde_json::json!({}), &headers).await
                }
                // Receiving has a box of its own (`ReceiveBox`).
                Step::Deliver | Step::Receive => return,
            };
            match result {
                Ok(_) => {
                    error.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => show(step.as_str(), e),
            }
        }
    });
    let add_note = Action::new_local(move |_: &()| {
        let request = NoteRequest {
            note: note.get_untracked(),
        };
        async move {
            let result = match request.validate() {
                Ok(r) => api::post::<_, ()>(&format!("/api/v1/letters/{id}/notes"), &r).await,
                Err(e) => Err(ApiError::Problem(problem(e))),
            };
            match result {
                Ok(()) => {
                    error.set(None);
                    note.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => show(NOTE, e),
            }
        }
    });
    let on_files = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let mut chosen = Vec::new();
        if let Some(list) = input.and_then(|i| i.files()) {
            for i in 0..list.length() {
                chosen.extend(list.item(i));
            }
        }
        answer_files.set(chosen);
    };
    let holder = StoredValue::new(letter.holder_agency_code.clone());
    let nothing = !(may_receive
        || my_copy.is_some()
        || may_refer
        || may_answer
        || may_reject
        || may_withdraw
        || may_close
        || can_note);

    view! {
        <Show when=move || !nothing>
            <section class="card no-print" data-testid="letter-actions">
                <h2>{move || t().actions_title}</h2>
                {may_receive.then(|| view! { <ReceiveBox delivery=letter.open_delivery_id.unwrap_or_default() reload/> })}
                {my_copy.map(|delivery| view! {
                    <p class="muted" data-testid="copy-explained">{move || t().copy_explained}</p>
                    <ReceiveBox delivery reload/>
                })}
                <Show when=move || may_refer>
                    <div class="action-box">
                        <label class="field">
                            <span class="field-label">{move || t().refer_to}</span>
                            <select data-testid="refer-agency" on:change=move |ev| refer_to.set(event_target_value(&ev))>
                                <option value="">{move || t().choose}</option>
                                {
                                    move || active_agencies.get().into_iter()
                                        .filter(|a| holder.with_value(|h| &a.code != h))
                                        .map(|a| view! { <option value=a.code.clone()>{a.name.clone()}</option> })
                                        .collect_view()
                                }
                            </select>
                        </label>
                        <label class="field">
                            <span class="field-label">{move || t().note}</span>
                            <input type="text" data-testid="refer-note" bind:value=refer_note/>
                        </label>
                        <CopiesPicker agencies=Signal::derive(move || active_agencies.get().into_iter()
                                .filter(|a| holder.with_value(|h| &a.code != h)).collect())
                            main=refer_to.into() chosen=refer_copies error=Signal::derive(|| None) testid="refer-copies"/>
                        <button data-testid="action-refer" on:click=move |_| { act.dispatch(Step::Refer); }>{move || t().refer}</button>
                        <ActionError action=Step::Refer.as_str() error/>
                    </div>
                </Show>
                <Show when=move || may_answer>
                    <div class="action-box">
                        <Show when=move || !templates.get().unwrap_or_default().is_empty()>
                            <label class="field">
                                <span class="field-label">{move || t().answer_template_pick}</span>
                                <select data-testid="answer-template" on:change=move |ev| pick(event_target_value(&ev))>
                                    <option value="">{move || t().choose}</option>
                                    {move || templates.get().unwrap_or_default().into_iter()
                                        .map(|a| view! { <option value=a.id.to_string()>{a.name}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                        </Show>
                        <label class="field">
                            <span class="field-label">{move || t().answer}</span>
                            <textarea rows="5" data-testid="answer-body" bind:value=answer_body></textarea>
                        </label>
                        <label class="file-picker">
                            <input type="file" class="visually-hidden" multiple accept=".pdf,.jpg,.jpeg,.png" data-testid="answer-files" on:change=on_files/>
                            <span class="button-like">{move || t().choose_files}</span>
                            <span class="muted">{move || {
                                let names: Vec<String> = answer_files.get().iter().map(|f| f.name()).collect();
                                if names.is_empty() { t().no_file_chosen.to_owned() } else { names.join("، ") }
                            }}</span>
                        </label>
                        <button class="primary" data-testid="action-answer" on:click=move |_| { act.dispatch(Step::Answer); }>{move || t().send_answer}</button>
                        <ActionError action=Step::Answer.as_str() error/>
                    </div>
                </Show>
                <Show when=move || may_reject>
                    <div class="action-box">
                        <label class="field">
                            <span class="field-label">{move || t().reason}</span>
                            <input type="text" data-testid="reject-reason" bind:value=reject_reason/>
                        </label>
                        <button data-testid="action-reject" on:click=move |_| { act.dispatch(Step::Reject); }>{move || t().reject}</button>
                        <ActionError action=Step::Reject.as_str() error/>
                    </div>
                </Show>
                <Show when=move || may_close>
                    <div class="action-box">
                        <button class="primary" data-testid="action-close" on:click=move |_| { act.dispatch(Step::Close); }>{move || t().close}</button>
                        <button data-testid="print-answer" on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>{move || t().print_answer}</button>
                        <ActionError action=Step::Close.as_str() error/>
                    </div>
                </Show>
                <Show when=move || may_withdraw>
                    <div class="action-box">
                        <button data-testid="action-withdraw" on:click=move |_| {
                            let ok = web_sys::window().and_then(|w| w.confirm_with_message(t().confirm_withdraw).ok()).unwrap_or(false);
                            if ok { act.dispatch(Step::Withdraw); }
                        }>{move || t().withdraw}</button>
                        <ActionError action=Step::Withdraw.as_str() error/>
                    </div>
                </Show>
                <Show when=move || can_note>
                    <div class="action-box">
                        <label class="field">
                            <span class="field-label">{move || t().internal_note}</span>
                            <input type="text" data-testid="note-text" bind:value=note/>
                        </label>
                        <button data-testid="action-note" on:click=move |_| { add_note.dispatch(()); }>{move || t().add_note}</button>
                        <ActionError action=NOTE error/>
                    </div>
                </Show>
                <Show when=move || act.pending().get() || add_note.pending().get()>
                    <span class="spinner" aria-hidden="true"></span>
                </Show>
            </section>
        </Show>
    }
}

/// The key of the note box's errors (notes are not a step of the letter).
const NOTE: &str = "note";

/// An action's failure, under that action (announced as it appears).
#[component]
fn ActionError(
    action: &'static str,
    error: RwSignal<Option<(&'static str, String)>>,
) -> impl IntoView {
    let message = move || error.get().filter(|(a, _)| *a == action).map(|(_, m)| m);
    view! {
        <Show when=move || message().is_some()>
            <p class="form-error" role="alert" data-testid=format!("{action}-error")>{message}</p>
        </Show>
    }
}

fn problem(errors: Vec<shared::FieldError>) -> shared::Problem {
    shared::Problem {
        kind: "about:blank".into(),
        title: "Invalid input".into(),
        status: 422,
        code: shared::ErrorCode::Validation,
        detail: None,
        errors,
        current_status: None,
        allowed_actions: None,
    }
}
