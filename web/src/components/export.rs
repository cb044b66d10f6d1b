//! A CSV export button: downloads the export of the list as it is filtered,
//! showing how much has arrived while the server streams it.

use leptos::prelude::*;

use crate::api;
use crate::i18n::{file_size, use_lang, use_strings};

#[component]
pub fn ExportButton(
    /// The export's path with the list's filters.
    path: Signal<String>,
    testid: &'static str,
) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    // Bytes received while a download runs; `None` when idle.
    let received = RwSignal::new(None::<usize>);
    let failed = RwSignal::new(None::<String>);
    let start = move |_| {
        if received.get_untracked().is_some() {
            return;
        }
        let path = path.get_untracked();
        received.set(Some(0));
        failed.set(None);
        leptos::task::spawn_local(async move {
            let result = api::download_with_progress(&path, None, |n| received.set(Some(n))).await;
            received.set(None);
            if let Err(e) = result {
                failed.set(Some(e.text(lang.get_untracked())));
            }
        });
    };
    view! {
        <span class="export">
            <button type="button" data-testid=testid on:click=start disabled=move || received.get().is_some()>
                {move || t().export_csv}
            </button>
            <span class="muted" role="status" aria-live="polite" data-testid=format!("{testid}-progress")>
                {move || received.get().map(|n| format!("{} {}", t().downloading, file_size(lang.get(), n as i64)))}
            </span>
            <Show when=move || failed.get().is_some()>
                <span class="form-error" role="alert">{move || failed.get()}</span>
            </Show>
        </span>
    }
}
