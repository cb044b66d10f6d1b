//! The audit trail of confidential letters: who read which letter's text or
//! files, and when (admins). Newest first, the first 200.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::directory::Page;
use shared::letters::ConfidentialRead;

use crate::api;
use crate::i18n::{format_time, tracking_code, use_lang, use_strings, Strings};

/// What was read, in words.
fn what_read(t: &Strings, what: &str) -> &'static str {
    match what {
        "file" => t.read_file,
        "tracking" => t.read_tracking,
        _ => t.read_letter,
    }
}

#[component]
pub fn ConfidentialReadsPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let reads = LocalResource::new(|| async {
        api::get::<Page<ConfidentialRead>>("/api/v1/confidential-reads?limit=200").await
    });
    let items = move || reads.get().and_then(Result::ok).map(|p| p.items);
    view! {
        <section class="card">
            <h1>{move || t().confidential_reads}</h1>
            <p class="hint">{move || t().confidential_reads_hint}</p>
            <Show when=move || items().is_some_and(|i| i.is_empty())>
                <p class="muted" data-testid="confidential-reads-empty">{move || t().no_confidential_reads}</p>
            </Show>
            <table class="grid" data-testid="confidential-reads">
                <thead><tr>
                    <th>{move || t().read_at}</th><th>{move || t().tracking_code}</th>
                    <th>{move || t().read_by}</th><th>{move || t().read_what}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || items().unwrap_or_default()
                        key=|r| r.id
                        children=move |r| {
                            let (at, code, what) = (r.at, r.tracking_code.clone(), r.what.clone());
                            view! {
                                <tr data-testid="confidential-read">
                                    <td>{move || format_time(lang.get(), &at, true)}</td>
                                    <td dir="ltr"><A href=format!("/letters/{}", r.letter_id)>{move || tracking_code(lang.get(), &code)}</A></td>
                                    <td data-latin-ok>{r.actor_name.clone()}</td>
                                    <td>{move || what_read(t(), &what)}</td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
    }
}
