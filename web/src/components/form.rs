//! Form parts: a labelled input that shows its error next to it, and helpers
//! to merge live (shared) validation with the server's problem document.

use leptos::prelude::*;
use shared::{ErrorCode, FieldError};

use crate::api::ApiError;
use crate::i18n::{code_text, field_text, use_lang};

/// Field errors of a form: from live validation or from the server.
pub type FormErrors = RwSignal<Vec<FieldError>>;

/// The message for `field`, in the user's language.
pub fn error_of(errors: FormErrors, field: &'static str) -> Signal<Option<String>> {
    let lang = use_lang();
    Signal::derive(move || {
        errors
            .get()
            .iter()
            .find(|e| e.field == field)
            .map(|e| field_text(lang.get(), e))
    })
}

/// A live check's error, in the user's language.
pub fn code_error(code: Signal<Option<ErrorCode>>) -> Signal<Option<String>> {
    let lang = use_lang();
    Signal::derive(move || code.get().map(|c| code_text(lang.get(), c, None, None)))
}

/// Shows an API failure: field errors go next to their fields, the rest to `general`.
pub fn show_api_error(err: &ApiError, errors: FormErrors, general: RwSignal<Option<String>>) {
    match err {
        ApiError::Problem(p) if !p.errors.is_empty() => {
            errors.set(p.errors.clone());
            general.set(None);
        }
        other => general.set(Some(other.text(use_lang().get_untracked()))),
    }
}

/// A labelled text input bound to `value`, with its error below it.
#[component]
pub fn TextField(
    label: Signal<&'static str>,
    value: RwSignal<String>,
    #[prop(optional)] error: Option<Signal<Option<String>>>,
    /// `data-testid` of the input.
    testid: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] dir: Option<&'static str>,
    /// Takes the focus when the form opens (the first field at the counter).
    #[prop(optional)]
    autofocus: bool,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let error_id = format!("{testid}-error");
    let input = NodeRef::<leptos::html::Input>::new();
    if autofocus {
        Effect::new(move |_| {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        });
    }
    view! {
        <label class="field">
            <span class="field-label">{move || label.get()}</span>
            <input
                type=kind
                dir=dir
                data-testid=testid
                node_ref=input
                class:invalid=move || error.get().is_some()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                bind:value=value
            />
            <Show when=move || error.get().is_some()>
                <span class="field-error" id=error_id.clone() data-testid=format!("{testid}-error")>{move || error.get()}</span>
            </Show>
        </label>
    }
}
