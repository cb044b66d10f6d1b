//! Public tracking: no login; tracking code + national code.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::letters::{TrackingAnswer, TrackingRequest};

use crate::api::{self, ApiError};
use crate::components::form::{code_error, TextField};
use crate::components::timeline::StatusBadge;
use crate::i18n::{event_phrase, file_size, format_time, use_lang, use_strings};
use crate::pages::letters::detail::{Copies, Related};

#[component]
pub fn TrackPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let query = use_query_map();
    let code = RwSignal::new(query.read_untracked().get("code").unwrap_or_default());
    let national_id = RwSignal::new(String::new());
    let code_error = code_error(Signal::derive(move || {
        let v = code.get();
        if v.trim().is_empty() {
            None
        } else {
            shared::tracking::parse(&v).err().map(|e| e.code())
        }
    }));
    let lookup = Action::new_local(move |_: &()| {
        let request = TrackingRequest {
            tracking_code: code.get_untracked(),
            national_id: national_id.get_untracked(),
        };
        async move { api::post_public::<_, TrackingAnswer>("/api/v1/tracking", &request).await }
    });
    view! {
        <section class="card narrow">
            <h1>{move || t().track_title}</h1>
            <form on:submit=move |ev| { ev.prevent_default(); lookup.dispatch(()); }>
                <TextField label=Signal::derive(move || t().tracking_code) value=code testid="track-code" dir="ltr" error=code_error/>
                <TextField label=Signal::derive(move || t().national_id) value=national_id testid="track-national-id" dir="ltr"/>
                <button type="submit" class="primary" data-testid="track-submit" disabled=move || lookup.pending().get()>{move || t().track_button}</button>
            </form>
        </section>
        {move || lookup.value().get().map(|result| match result {
            Err(ApiError::Problem(p)) if p.status == 404 => view! {
                <section class="card narrow"><p class="form-error" data-testid="track-not-found">{t().track_not_found}</p></section>
            }.into_any(),
            Err(e) => view! { <section class="card narrow"><p class="form-error" role="alert" data-testid="track-error">{e.text(lang.get_untracked())}</p></section> }.into_any(),
            Ok(answer) => view! {
                <section class="card narrow" data-testid="track-result">
                    <h2>{answer.subject.clone()} " " <StatusBadge status=answer.status/></h2>
                    <p>{move || t().holder} ": " <span data-testid="track-holder">{answer.holder_agency_name.clone()}</span></p>
                    {answer.due_at.map(|due| view! {
                        <p>{move || t().due_at} ": " <span data-testid="track-due">{move || format_time(lang.get(), &due, false)}</span></p>
                    })}
                    {(!answer.related.is_empty()).then(|| view! {
                        <dl class="facts" data-testid="track-related">
                            <Related related=answer.related.clone()/>
                            <Copies copies=answer.copies.clone()/>
                        </dl>
                    })}
                    <ol class="timeline" data-testid="track-timeline">
                        {answer.events.into_iter().map(|e| {
                            let at = e.at;
                            let (kind, status) = (e.kind.clone(), e.status);
                            let (agency, to_agency) = (e.agency_name.clone(), e.to_agency_name.clone());
                            view! {
                                <li data-kind=e.kind.clone()>
                                    <span class="when">{move || format_time(lang.get(), &at, true)}</span>
                                    <span class="what">{move || event_phrase(t(), &kind, status, agency.as_deref(), to_agency.as_deref())}</span>
                                    {(!e.note.is_empty()).then(|| view! { <p class="note">{e.note.clone()}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    {answer.answer.map(|a| view! {
                        <div class="answer" data-testid="track-answer">
                            <h3>{move || t().answer}</h3>
                            <p>{a.body}</p>
                            {(!a.attachments.is_empty()).then(|| view! {
                                <ul class="attachments" data-testid="track-answer-files">
                                    {a.attachments.into_iter().map(|f| view! {
                                        // A plain link: the token in it stands for the lookup.
                                        <li><a href=f.download_url download=f.file_name.clone()>{f.file_name.clone()}</a>
                                            <span class="muted">{move || format!(" · {}", file_size(lang.get(), f.size_bytes))}</span></li>
                                    }).collect_view()}
                                </ul>
                            })}
                        </div>
                    })}
                </section>
            }.into_any(),
        })}
    }
}
