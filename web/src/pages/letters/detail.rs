//! One letter: its content, attachments, timeline and whether its history
//! is intact.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::letters::{
    AgencyReference, ChainVerification, Classification, Letter, LetterCopy, LetterEvent,
    RelatedLetter,
};

use crate::api;
use crate::components::letter_actions::LetterActions;
use crate::components::timeline::{StatusBadge, Timeline};
use crate::i18n::{
    digits, file_kind, file_size, format_date, format_time, status_label, tracking_code, use_lang,
    use_strings,
};

/// The secretariat numbers the letter was registered under, one per agency
/// that gave one: the number, the agency, the day.
#[component]
fn References(references: Vec<AgencyReference>) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    references
        .into_iter()
        .map(|r| {
            let (number, day) = (r.reference.clone(), r.date);
            view! {
                <dt>{move || t().secretariat_number}</dt>
                <dd data-testid="agency-reference">
                    <span dir="ltr">{move || digits(lang.get(), &number)}</span>
                    {format!(" · {}", r.agency_name)}
                    {move || day.map(|d| format!(" · {}", format_date(lang.get(), d)))}
                </dd>
            }
        })
        .collect_view()
}

/// The applicant's letters this one follows up or refers to, and the later
/// letters that name it: the relation, the tracking code, the state.
#[component]
pub fn Related(related: Vec<RelatedLetter>) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    related
        .into_iter()
        .map(|r| {
            let code = r.tracking_code.clone();
            let relation = r.relation.persian();
            view! {
                <dt>{move || if r.earlier { relation.to_owned() } else { format!("{} ({relation})", t().later_letter) }}</dt>
                <dd data-testid="related-letter">
                    <span dir="ltr">{move || tracking_code(lang.get(), &code)}</span>
                    {move || format!(" · {}", status_label(t(), r.status))}
                </dd>
            }
        })
        .collect_view()
}

/// Where copies (رونوشت) of the letter went, and whether each was seen.
#[component]
pub fn Copies(copies: Vec<LetterCopy>) -> impl IntoView {
    let t = use_strings();
    (!copies.is_empty()).then(|| {
        let names = copies
            .into_iter()
            .map(|c| {
                let seen = c.seen_at.is_some();
                view! {
                    <li data-testid="letter-copy">
                        {c.agency_name.clone()}
                        <span class="muted">{move || format!(" · {}", if seen { t().copy_seen } else { t().copy_not_seen })}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <dt>{move || t().copies}</dt>
            <dd><ul class="plain-list">{names}</ul></dd>
        }
    })
}

#[component]
pub fn LetterPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    // Bumped by an action: every part of the page reloads.
    let reload = RwSignal::new(0u32);
    let letter = LocalResource::new(move || {
        reload.track();
        let id = id();
        async move { api::get::<Letter>(&format!("/api/v1/letters/{id}")).await }
    });
    let events = LocalResource::new(move || {
        reload.track();
        let id = id();
        async move { api::get::<Vec<LetterEvent>>(&format!("/api/v1/letters/{id}/events")).await }
    });
    let chain = LocalResource::new(move || {
        reload.track();
        let id = id();
        async move { api::get::<ChainVerification>(&format!("/api/v1/letters/{id}/verify")).await }
    });
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t().loading}</p> }>
            {move || letter.get().map(|r| match r {
                Err(e) => view! { <section class="card"><p class="form-error">{e.text(crate::i18n::use_lang().get_untracked())}</p></section> }.into_any(),
                Ok(l) => {
                    let created = l.created_at;
                    let due = l.due_at;
                    let for_actions = l.clone();
                    let code = l.tracking_code.clone();
                    let national_id = l.applicant.national_id.clone();
                    let mobile = l.applicant.mobile.clone();
                    let confidential = l.classification == Classification::Confidential;
                    view! {
                        <section class="card" data-testid="letter-detail">
                            <h1>{l.subject.clone()} " " <StatusBadge status=l.status/>
                                {confidential.then(|| view! { " " <span class="badge confidential-badge" data-testid="letter-confidential">{move || t().classification_confidential}</span> })}
                            </h1>
                            <dl class="facts">
                                <dt>{move || t().tracking_code}</dt>
                                <dd dir="ltr" data-testid="detail-tracking-code">{move || tracking_code(lang.get(), &code)}</dd>
                                <dt>{move || t().applicant}</dt>
                                <dd>{l.applicant.display_name()} " (" <span dir="ltr">{move || digits(lang.get(), &national_id)}</span> ")"</dd>
                                <dt>{move || t().mobile}</dt>
                                <dd>
                                    <span dir="ltr">{move || digits(lang.get(), &mobile)}</span>
                                    {l.sms_opt_out.then(|| view! { <span class="badge late" data-testid="sms-opt-out">{move || t().sms_opted_out}</span> })}
                                </dd>
                                <dt>{move || t().recipient_agency}</dt>
                                <dd>{l.recipient_agency_name.clone()}</dd>
                                <dt>{move || t().holder}</dt>
                                <dd>{l.holder_agency_name.clone()}</dd>
                                <dt>{move || t().office}</dt>
                                <dd>{l.counter_office_name.clone()}</dd>
                                <dt>{move || t().registered_at}</dt>
                                <dd>{move || format_time(lang.get(), &created, true)}</dd>
                                <dt>{move || t().due_at}</dt>
                                <dd class:overdue=l.overdue>{move || due.map(|d| format_time(lang.get(), &d, false)).unwrap_or_default()}</dd>
                                <References references=l.agency_references.clone()/>
                                <Related related=l.related.clone()/>
                                <Copies copies=l.copies.clone()/>
                            </dl>
                            {(confidential && l.body.is_empty()).then(|| view! { <p class="hint" data-testid="confidential-hidden">{move || t().confidential_hidden}</p> })}
                            <p class="letter-body">{l.body.clone()}</p>
                            {l.answer.clone().map(|a| view! {
                                <div class="answer" data-testid="letter-answer">
                                    <h2>{move || t().answer}</h2>
                                    <p>{a.body}</p>
                                </div>
                            })}
                            <h2>{move || t().attachments}</h2>
                            <ul class="attachments" data-testid="attachments">
                                {l.attachments.into_iter().map(|a| {
                                    let (path, name) = (format!("/api/v1/attachments/{}", a.id), a.file_name.clone());
                                    view! {
                                        <li>
                                            <button class="link-button" title=move || t().download on:click=move |_| {
                                                let (path, name) = (path.clone(), name.clone());
                                                spawn_local(async move { let _ = api::download(&path, &name).await; });
                                            }>{a.file_name.clone()}</button>
                                            <span class="muted" title=format!("SHA-256 {}", a.sha256)>
                                                {move || format!(" · {} · {}", file_kind(t(), &a.content_type), file_size(lang.get(), a.size_bytes))}
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                        // The letter first, then what this caller may do with it now.
                        <LetterActions letter=for_actions reload/>
                    }.into_any()
                }
            })}
        </Suspense>
        // The answer sheet prints the letter, its answer, files and dates:
        // never the notes or the audit trail.
        <section class="card no-print" data-testid="timeline-card">
            <h2>{move || t().timeline}</h2>
            <Suspense fallback=|| ()>
                {move || events.get().and_then(Result::ok).map(|events| view! { <Timeline events/> })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || chain.get().and_then(Result::ok).map(|c| view! {
                    <p class=if c.intact { "status-ok" } else { "status-down" } data-testid="chain-status">
                        {move || if c.intact { t().chain_intact } else { t().chain_broken }}
                    </p>
                })}
            </Suspense>
        </section>
    }
}
