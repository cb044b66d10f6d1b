//! The recipient agency at the counter: a search box over the agencies and
//! a radio group of the matches (WAI-ARIA radio group: one Tab stop, the
//! arrow keys move the choice; Enter in the search picks the one match).

use leptos::prelude::*;
use shared::directory::Agency;
use shared::normalize::normalize_text;

use crate::components::form::focus_by_id;
use crate::i18n::{use_lang, use_strings, Lang};

fn option_id(code: &str) -> String {
    format!("agency-option-{code}")
}

#[component]
pub fn AgencyPicker(
    agencies: Signal<Vec<Agency>>,
    /// The chosen agency's code (empty: none yet).
    chosen: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let query = RwSignal::new(String::new());
    let matching = move || {
        let q = normalize_text(&query.get()).to_lowercase();
        agencies
            .get()
            .into_iter()
            .filter(|a| {
                q.is_empty()
                    || normalize_text(&format!("{} {} {}", a.code, a.name, a.name_en))
                        .to_lowercase()
                        .contains(&q)
            })
            .collect::<Vec<_>>()
    };
    // The arrow keys step through the matches, in reading order.
    let step = move |ev: leptos::ev::KeyboardEvent| {
        let forward = match (ev.key().as_str(), lang.get_untracked()) {
            ("ArrowDown", _) | ("ArrowLeft", Lang::Fa) | ("ArrowRight", Lang::En) => true,
            ("ArrowUp", _) | ("ArrowRight", Lang::Fa) | ("ArrowLeft", Lang::En) => false,
            _ => return,
        };
        ev.prevent_default();
        let codes: Vec<String> = matching().into_iter().map(|a| a.code).collect();
        if codes.is_empty() {
            return;
        }
        let at = codes.iter().position(|c| *c == chosen.get_untracked());
        let next = match (at, forward) {
            (Some(i), true) => (i + 1) % codes.len(),
            (Some(i), false) => (i + codes.len() - 1) % codes.len(),
            (None, _) => 0,
        };
        chosen.set(codes[next].clone());
        focus_by_id(&option_id(&codes[next]));
    };
    view! {
        <input class="search" type="search" id="agency-picker-search" data-testid="agency-picker-search" aria-label=move || t().search_agency
            placeholder=move || t().search_agency bind:value=query
            on:keydown=move |ev| {
                // Enter picks the one agency that matches (and never submits the form).
                if ev.key() == "Enter" {
                    ev.prevent_default();
                    if let [only] = matching().as_slice() {
                        chosen.set(only.code.clone());
                    }
                }
            }/>
        <div class="agency-picker" role="radiogroup" aria-label=move || t().recipient_agency data-testid="agency-picker"
            aria-invalid=move || error.get().is_some().then_some("true")
            aria-describedby=move || error.get().is_some().then_some("agency-picker-error")
            class:invalid=move || error.get().is_some() on:keydown=step>
            <For each=matching key=|a| a.code.clone() children=move |a| {
                let code = a.code.clone();
                let selected = {
                    let code = code.clone();
                    move || chosen.get() == code
                };
                // One Tab stop: the chosen option, or the first when none is.
                let tab_stop = {
                    let code = code.clone();
                    move || {
                        let current = chosen.get();
                        let first = matching().first().map(|f| f.code == code).unwrap_or(false);
                        if current == code || (first && !matching().iter().any(|m| m.code == current)) { "0" } else { "-1" }
                    }
                };
                view! {
                    <button type="button" role="radio" class="agency-option" id=option_id(&a.code) class:selected=selected.clone()
                        aria-checked=move || if selected() { "true" } else { "false" } tabindex=tab_stop
                        data-testid=option_id(&a.code) on:click=move |_| chosen.set(code.clone())>
                        <strong>{a.name.clone()}</strong>
                    </button>
                }
            }/>
        </div>
        <Show when=move || error.get().is_some()>
            <span class="field-error" id="agency-picker-error">{move || error.get()}</span>
        </Show>
    }
}
