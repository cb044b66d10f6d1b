//! Form parts: a labelled input that shows its error next to it, and helpers
//! to merge live (shared) validation with the server's problem document.

use leptos::prelude::*;
use shared::{ErrorCode, FieldError};

use crate::api::ApiError;
use crate::i18n::{code_text, field_text, use_lang, use_strings, Strings};

/// Field errors of a form: from live validation or from the server.
pub type FormErrors = RwSignal<Vec<FieldError>>;

/// The message for `field`, in the user's language.
/// The first error of a list field or of any of its items (`copies`, `copies[2]`).
pub fn error_of_list(errors: FormErrors, field: &'static str) -> Signal<Option<String>> {
    let lang = use_lang();
    Signal::derive(move || {
        errors
            .get()
            .iter()
            .find(|e| {
                e.field
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
            })
            .map(|e| field_text(lang.get(), e))
    })
}

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

/// A day typed into a date filter (Jalali or ISO, Persian digits too):
/// `Ok(None)` when empty.
pub fn typed_day(text: &str) -> Result<Option<chrono::NaiveDate>, ErrorCode> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    shared::jalali::parse_date(text)
        .map(Some)
        .map_err(|e| e.code())
}

/// A list's date filter: two typed days, from and to (inclusive).
#[derive(Clone, Copy)]
pub struct DayRange {
    pub from: RwSignal<String>,
    pub to: RwSignal<String>,
}

impl DayRange {
    pub fn new() -> DayRange {
        DayRange {
            from: RwSignal::new(String::new()),
            to: RwSignal::new(String::new()),
        }
    }

    /// `&from=…&to=…` of the days typed (each left out when empty); `None`
    /// while either is half-typed, so the list stays as it was.
    pub fn query(&self) -> Option<String> {
        let (Ok(from), Ok(to)) = (typed_day(&self.from.get()), typed_day(&self.to.get())) else {
            return None;
        };
        let mut query = String::new();
        if let Some(day) = from {
            query.push_str(&format!("&from={day}"));
        }
        if let Some(day) = to {
            query.push_str(&format!("&to={day}"));
        }
        Some(query)
    }
}

/// The two fields of a [`DayRange`], with their live errors.
#[component]
pub fn DayRangeFields(
    range: DayRange,
    from_label: Signal<&'static str>,
    to_label: Signal<&'static str>,
    /// `data-testid`s of the two inputs.
    testids: (&'static str, &'static str),
) -> impl IntoView {
    let DayRange { from, to } = range;
    let from_error = code_error(Signal::derive(move || typed_day(&from.get()).err()));
    let to_error = code_error(Signal::derive(move || typed_day(&to.get()).err()));
    let (from_id, to_id) = testids;
    view! {
        <div class="filters dates">
            <TextField label=from_label value=from testid=from_id dir="ltr" error=from_error/>
            <TextField label=to_label value=to testid=to_id dir="ltr" error=to_error/>
        </div>
    }
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

/// After an editing form's save: on success the form is cleared and the
/// list reloaded; a failure is shown as [`show_api_error`] does.
pub fn after_save<T>(
    result: Result<T, ApiError>,
    errors: FormErrors,
    general: RwSignal<Option<String>>,
    clear: impl FnOnce(),
    reload: RwSignal<u32>,
) {
    match result {
        Ok(_) => {
            clear();
            reload.update(|n| *n += 1);
        }
        Err(err) => show_api_error(&err, errors, general),
    }
}

/// The buttons of a form that creates or edits a row: "create" (or "save"
/// while editing, then with "cancel", which calls `cancel`).
#[component]
pub fn EditActions(
    editing: Signal<bool>,
    pending: Signal<bool>,
    /// `data-testid` of the submit button.
    testid: &'static str,
    cancel: Callback<()>,
) -> impl IntoView {
    let t = use_strings();
    view! {
        <div class="form-actions">
            <button type="submit" class="primary" data-testid=testid disabled=move || pending.get()>
                {move || if editing.get() { t().save } else { t().create }}
            </button>
            <Show when=move || editing.get()>
                <button type="button" on:click=move |_| cancel.run(())>{move || t().cancel}</button>
            </Show>
        </div>
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
    /// May be left empty: the label says so (the GOV.UK way: required is
    /// the norm, optional is marked), and the field is not `aria-required`.
    #[prop(optional)]
    optional: bool,
) -> impl IntoView {
    let t = crate::i18n::use_strings();
    let given = error.unwrap_or_else(|| Signal::derive(|| None));
    // Checked when left, never while the first digits are typed: a field
    // entered without an error keeps quiet until the user leaves it; one
    // entered with an error re-checks live, so the error goes as soon as
    // it is fixed. (Leaving the field for the submit button shows all.)
    let typing = RwSignal::new(false);
    let error = Signal::derive(move || if typing.get() { None } else { given.get() });
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
            <span class="field-label">
                {move || label.get()}
                {optional.then(|| view! { " " <span class="optional">{move || format!("({})", t().optional)}</span> })}
            </span>
            <input
                type=kind
                aria-required=(!optional).then_some("true")
                dir=dir
                id=testid
                data-testid=testid
                node_ref=input
                class:invalid=move || error.get().is_some()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                bind:value=value
                on:focus=move |_| typing.set(given.get_untracked().is_none())
                on:blur=move |_| typing.set(false)
            />
            <Show when=move || error.get().is_some()>
                <span class="field-error" id=error_id.clone() data-testid=format!("{testid}-error")>{move || error.get()}</span>
            </Show>
        </label>
    }
}

/// Drops `field`'s error once its value changes: a message never stays
/// under a field the user has since filled in.
pub fn clear_on_change(errors: FormErrors, field: &'static str, value: RwSignal<String>) {
    Effect::new(move |before: Option<()>| {
        value.track();
        if before.is_some() {
            errors.update(|all| all.retain(|e| e.field != field));
        }
    });
}

/// A field of an [`ErrorSummary`]: its JSON path, the id of its input, its label.
pub type SummaryField = (&'static str, &'static str, fn(&Strings) -> &'static str);

/// The GOV.UK pattern after a failed submit: a box at the top listing each
/// error as a link to its field, which takes the focus (so the page does not
/// stay scrolled at the button, and screen readers read it out).
#[component]
pub fn ErrorSummary(
    errors: FormErrors,
    fields: &'static [SummaryField],
    /// Bumped on each failed submit: the summary takes the focus again.
    shown: RwSignal<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let t = use_strings();
    let summary = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if shown.get() > 0 {
            if let Some(el) = summary.get() {
                let _ = el.focus();
            }
        }
    });
    let listed = move || {
        let all = errors.get();
        fields
            .iter()
            .filter_map(|(path, id, label)| {
                let e = all.iter().find(|e| e.field == *path)?;
                Some((
                    *id,
                    format!("{}: {}", label(t()), field_text(lang.get(), e)),
                ))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !listed().is_empty()>
            <div class="error-summary" role="alert" tabindex="-1" node_ref=summary data-testid="error-summary">
                <h2>{move || t().fix_these}</h2>
                <ul>
                    {move || listed().into_iter().map(|(id, text)| view! {
                        <li><a href=format!("#{id}") on:click=move |ev| {
                            // Focus the field itself (a fragment link only scrolls to it).
                            ev.prevent_default();
                            focus_by_id(id);
                        }>{text}</a></li>
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// Focuses (and so scrolls to) the element with this id. (The router
/// takes over fragment links, so in-page links focus their target here.)
pub fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
