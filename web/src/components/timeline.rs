//! A letter's timeline, for staff (with actors and notes).

use leptos::prelude::*;
use shared::letters::LetterEvent;

use crate::i18n::{event_phrase, format_time, status_label, use_lang, use_strings};

#[component]
pub fn Timeline(events: Vec<LetterEvent>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ol class="timeline" data-testid="timeline">
            {events.into_iter().map(|e| {
                let at = e.at;
                let (kind, status) = (e.kind.clone(), e.status);
                let (agency, to_agency) = (e.agency_name.clone(), e.to_agency_name.clone());
                view! {
                    <li class:internal=e.internal class:note-item=e.kind == "note" data-kind=e.kind.clone()>
                        <span class="when">{move || format_time(lang.get(), &at, true)}</span>
                        <span class="what">{move || event_phrase(lang.get(), &kind, status, agency.as_deref(), to_agency.as_deref())}</span>
                        <span class="who">{e.actor_name.clone()}</span>
                        {(!e.note.is_empty()).then(|| view! { <p class="note">{e.note.clone()}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// A status pill.
#[component]
pub fn StatusBadge(status: shared::workflow::Status) -> impl IntoView {
    let t = use_strings();
    view! {
        <span class=format!("status status-{}", status.as_str()) data-testid="letter-status" data-status=status.as_str()>
            {move || status_label(t(), status)}
        </span>
    }
}
