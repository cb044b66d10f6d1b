//! Copy recipients (رونوشت): the agencies that get a letter for information.
//! Rarely needed at the counter, so a closed `<details>` (one Tab stop) with
//! a checkbox per agency; the main recipient is never offered.

use leptos::prelude::*;
use shared::directory::{Agency, Page};

use crate::api;
use crate::i18n::{digits, use_lang, use_strings};

/// The active agencies a letter can be sent or copied to (empty while
/// loading or on error: the pickers then offer nothing rather than fail).
pub fn active_agencies() -> Signal<Vec<Agency>> {
    let agencies = LocalResource::new(|| async {
        api::get::<Page<Agency>>("/api/v1/agencies?active=true&limit=200").await
    });
    Signal::derive(move || {
        agencies
            .get()
            .and_then(Result::ok)
            .map(|p| p.items)
            .unwrap_or_default()
    })
}

#[component]
pub fn CopiesPicker(
    agencies: Signal<Vec<Agency>>,
    /// The main recipient's code (left out of the choice).
    main: Signal<String>,
    /// The chosen agencies' codes, in the order ticked.
    chosen: RwSignal<Vec<String>>,
    error: Signal<Option<String>>,
    testid: &'static str,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    // Choosing the main recipient drops it from the copies.
    Effect::new(move |_| {
        let main = main.get();
        if chosen.with_untracked(|c| c.contains(&main)) {
            chosen.update(|c| c.retain(|code| *code != main));
        }
    });
    let offered = move || {
        let main = main.get();
        agencies
            .get()
            .into_iter()
            .filter(|a| a.code != main)
            .collect::<Vec<_>>()
    };
    let count = move || {
        let n = chosen.with(Vec::len);
        (n > 0).then(|| format!(" · {}", digits(lang.get(), &n.to_string())))
    };
    view! {
        <details class="related-box" data-testid=testid prop:open=move || error.get().is_some()>
            <summary id=format!("{testid}-toggle") data-testid=format!("{testid}-toggle")>
                {move || t().copies} " " <span class="optional">{move || format!("({})", t().optional)}</span>{count}
            </summary>
            <fieldset class="copies-list" id=format!("{testid}-list")>
                <legend class="muted">{move || t().copies_hint}</legend>
                <For each=offered key=|a| a.code.clone() children=move |a| {
                    let code = StoredValue::new(a.code.clone());
                    let checked = move || code.with_value(|code| chosen.with(|c| c.contains(code)));
                    let toggle = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        let code = code.get_value();
                        chosen.update(|c| {
                            c.retain(|x| *x != code);
                            if on {
                                c.push(code);
                            }
                        });
                    };
                    view! {
                        <label class="copy-option">
                            <input type="checkbox" data-testid=format!("copy-option-{}", a.code) prop:checked=checked on:change=toggle/>
                            {a.name.clone()}
                        </label>
                    }
                }/>
            </fieldset>
            <Show when=move || error.get().is_some()>
                <span class="field-error" role="alert">{move || error.get()}</span>
            </Show>
        </details>
    }
}
