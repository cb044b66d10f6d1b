//! A letter's timeline, for staff (with actors and notes).

use leptos::prelude::*;
use shared::letters::LetterEvent;

use crate::i18n::{format_time, status_label, use_lang, use_strings};

#[component]
pub fn Timeline(events: Vec<LetterEvent>) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    view! {
        <ol class="timeline" data-testid="timeline">
            {events.into_iter().map(|e| {
                let at = e.at;
                view! {
                    <li class:internal=e.internal data-kind=e.kind.clone()>
                        <span class="when">{move || format_time(lang.get(), &at, true)}</span>
                        <span class="what">{move || status_label(t(), e.status)}</span>
                        <span class="who" dir="ltr">{e.actor.clone()}</span>
                        {e.agency_code.clone().or(e.to_agency_code.clone()).map(|a| view! { <span class="agency" dir="ltr">{a}</span> })}
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
