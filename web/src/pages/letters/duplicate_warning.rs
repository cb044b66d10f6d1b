//! The duplicate warning at intake: before a letter is registered, the
//! applicant's open letters at the same agency about the same matter (the
//! API decides what is "the same", `shared::duplicates`). The operator
//! looks, then registers anyway or goes back to the form; nothing is blocked.

use leptos::html::H2;
use leptos::prelude::*;
use shared::letters::{DuplicateCheck, NewLetter, PossibleDuplicate, PossibleDuplicates};

use crate::api;
use crate::i18n::{format_time, status_label, tracking_code, use_lang, use_strings};

/// The possible duplicates of `letter` (none when the check itself fails:
/// a warning that cannot be fetched must not stop the counter).
pub async fn possible_duplicates(letter: &NewLetter) -> Vec<PossibleDuplicate> {
    let check = DuplicateCheck {
        national_id: letter.applicant.national_id.clone(),
        recipient_agency_code: letter.recipient_agency_code.clone(),
        subject: letter.subject.clone(),
    };
    api::post::<_, PossibleDuplicates>("/api/v1/letters/possible-duplicates", &check)
        .await
        .map(|found| found.items)
        .unwrap_or_default()
}

/// The warning, while `found` is not empty; its heading takes focus.
#[component]
pub fn DuplicateWarning(
    found: RwSignal<Vec<PossibleDuplicate>>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let heading = NodeRef::<H2>::new();
    Effect::new(move |_| {
        if !found.get().is_empty() {
            if let Some(h) = heading.get() {
                let _ = h.focus();
            }
        }
    });
    view! {
        <Show when=move || !found.get().is_empty()>
            <section class="card warning" role="alert" data-testid="duplicate-warning">
                <h2 tabindex="-1" node_ref=heading>{move || t().duplicate_title}</h2>
                <p>{move || t().duplicate_hint}</p>
                <ul class="duplicates">
                    {move || found.get().into_iter().map(|d| {
                        let l = d.letter;
                        let code = l.tracking_code.clone();
                        let created = l.created_at;
                        view! {
                            <li data-testid="duplicate-item">
                                <a href=format!("/letters/{}", l.id) target="_blank" rel="noopener" dir="ltr">
                                    {move || tracking_code(lang.get(), &code)}
                                </a>
                                " · " {l.subject.clone()}
                                " · " {move || status_label(t(), l.status)}
                                " · " {move || format_time(lang.get(), &created, false)}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <div class="form-actions">
                    <button type="button" class="primary" data-testid="duplicate-register-anyway"
                        on:click=move |_| on_confirm.run(())>{move || t().register_anyway}</button>
                    <button type="button" data-testid="duplicate-back"
                        on:click=move |_| found.set(Vec::new())>{move || t().back_to_form}</button>
                </div>
            </section>
        </Show>
    }
}
