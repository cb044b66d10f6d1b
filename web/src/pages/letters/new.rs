//! Registering a letter at the counter: the applicant, the agency, the
//! letter and its attachments, validated live with the same rules as the API.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::identifiers::{parse_legal_id, parse_mobile, parse_national_code};
use shared::letters::{
    Applicant, ApplicantKind, Attachment, Classification, Letter, NewLetter, PossibleDuplicate,
    Priority, RelatedRequest, Relation,
};
use shared::ErrorCode;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::copies::{active_agencies, CopiesPicker};
use crate::components::form::{
    clear_on_change, error_of, error_of_list, show_api_error, ErrorSummary, FormErrors,
    SummaryField, TextField,
};
use crate::i18n::{code_text, use_lang, use_strings};

use super::agency_picker::AgencyPicker;
use super::duplicate_warning::{possible_duplicates, DuplicateWarning};

#[component]
pub fn NewLetterPage() -> impl IntoView {
    let t = use_strings();
    let navigate = use_navigate();
    let active_agencies = active_agencies();

    let kind = RwSignal::new(ApplicantKind::Natural);
    let [national_id, first_name, last_name, father_name, organization_name, representative_name, mobile, postal_code, address] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let [agency_code, subject, body, reference, earlier_code] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let priority = RwSignal::new(Priority::Normal);
    let classification = RwSignal::new(Classification::Normal);
    let relation = RwSignal::new(Relation::FollowsUp);
    let copies = RwSignal::new(Vec::<String>::new());
    let files = RwSignal::new(Vec::<web_sys::File>::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    for (field, value) in [
        ("applicant.national_id", national_id),
        ("applicant.first_name", first_name),
        ("applicant.last_name", last_name),
        ("applicant.father_name", father_name),
        ("applicant.organization_name", organization_name),
        ("applicant.representative_name", representative_name),
        ("applicant.mobile", mobile),
        ("applicant.postal_code", postal_code),
        ("applicant.address", address),
        ("recipient_agency_code", agency_code),
        ("subject", subject),
        ("body", body),
        ("applicant_reference", reference),
        ("related[0].tracking_code", earlier_code),
    ] {
        clear_on_change(errors, field, value);
    }
    let failed = RwSignal::new(0u32);
    let general = RwSignal::new(None::<String>);
    let progress = RwSignal::new(None::<&'static str>);
    // One key per form: a retried submit never registers the letter twice.
    let idempotency_key = StoredValue::new(api::new_idempotency_key());

    // Live checks of the identifiers, as the operator types.
    let lang = use_lang();
    let live = move |code: ErrorCode| code_text(lang.get(), code, None, None);
    let id_error = Signal::derive(move || {
        let v = national_id.get();
        if v.trim().is_empty() {
            return error_of(errors, "applicant.national_id").get();
        }
        let checked = match kind.get() {
            ApplicantKind::Natural => parse_national_code(&v).map(drop),
            ApplicantKind::Legal => parse_legal_id(&v).map(drop),
        };
        checked.err().map(|e| live(e.code()))
    });
    let mobile_error = Signal::derive(move || {
        let v = mobile.get();
        if v.trim().is_empty() {
            return error_of(errors, "applicant.mobile").get();
        }
        parse_mobile(&v).err().map(|e| live(e.code()))
    });

    let request = move || NewLetter {
        applicant: Applicant {
            kind: Some(kind.get_untracked()),
            national_id: national_id.get_untracked(),
            first_name: Some(first_name.get_untracked()),
            last_name: Some(last_name.get_untracked()),
            father_name: Some(father_name.get_untracked()),
            organization_name: Some(organization_name.get_untracked()),
            representative_name: Some(representative_name.get_untracked()),
            mobile: mobile.get_untracked(),
            postal_code: Some(postal_code.get_untracked()),
            address: Some(address.get_untracked()),
        },
        recipient_agency_code: agency_code.get_untracked(),
        subject: subject.get_untracked(),
        body: body.get_untracked(),
        priority: Some(priority.get_untracked()),
        classification: Some(classification.get_untracked()),
        applicant_reference: Some(reference.get_untracked()),
        duplicates_seen: Vec::new(),
        related: Some(earlier_code.get_untracked())
            .filter(|c| !c.trim().is_empty())
            .map(|tracking_code| RelatedRequest {
                tracking_code,
                relation: relation.get_untracked(),
            })
            .into_iter()
            .collect(),
        copies: copies.get_untracked(),
    };

    // Possible duplicates shown; registering anyway names them.
    let duplicates = RwSignal::new(Vec::new());
    let submit = Action::new_local(move |anyway: &bool| {
        let anyway = *anyway;
        let letter = request();
        let key = idempotency_key.get_value();
        let to_upload = files.get_untracked();
        async move {
            let mut checked = match letter.validate() {
                Ok(l) => l,
                Err(e) => {
                    errors.set(e);
                    failed.update(|n| *n += 1);
                    return None;
                }
            };
            if anyway {
                checked.duplicates_seen = duplicates
                    .get_untracked()
                    .iter()
                    .map(|d: &PossibleDuplicate| d.letter.tracking_code.clone())
                    .collect();
            } else {
                let found = possible_duplicates(&checked).await;
                if !found.is_empty() {
                    duplicates.set(found);
                    return None;
                }
            }
            progress.set(Some(t().registering));
            let created: Letter = match api::post_with_headers(
                "/api/v1/letters",
                &checked,
                &[("Idempotency-Key", &key)],
            )
            .await
            {
                Ok(l) => l,
                Err(err) => {
                    progress.set(None);
                    show_api_error(&err, errors, general);
                    failed.update(|n| *n += 1);
                    return None;
                }
            };
            if !to_upload.is_empty() {
                progress.set(Some(t().uploading));
                if let Err(err) = api::upload::<Vec<Attachment>>(
                    &format!("/api/v1/letters/{}/attachments", created.id),
                    &to_upload,
                )
                .await
                {
                    // The letter is registered; the receipt says which files did not make it.
                    general.set(Some(err.text(crate::i18n::use_lang().get_untracked())));
                }
            }
            progress.set(None);
            Some(created.id)
        }
    });
    Effect::new(move |_| {
        if let Some(Some(id)) = submit.value().get() {
            navigate(&format!("/letters/{id}/receipt"), Default::default());
        }
    });

    let on_files = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let mut chosen = Vec::new();
        if let Some(list) = input.and_then(|i| i.files()) {
            for i in 0..list.length() {
                chosen.extend(list.item(i));
            }
        }
        files.set(chosen);
    };
    let label = move |f: fn(&crate::i18n::Strings) -> &'static str| Signal::derive(move || f(t()));

    view! {
        <form class="letter-form" on:submit=move |ev| { ev.prevent_default(); submit.dispatch(false); }>
            <ErrorSummary errors fields=SUMMARY shown=failed/>
            <section class="card">
                <h1>{move || t().new_letter}</h1>
                <h2>{move || t().applicant}</h2>
                <div class="radio-row">
                    <label><input type="radio" name="kind" data-testid="kind-natural" checked=move || kind.get() == ApplicantKind::Natural
                        on:change=move |_| kind.set(ApplicantKind::Natural)/>{move || t().natural_person}</label>
                    <label><input type="radio" name="kind" data-testid="kind-legal" checked=move || kind.get() == ApplicantKind::Legal
                        on:change=move |_| kind.set(ApplicantKind::Legal)/>{move || t().legal_person}</label>
                </div>
                <div class="form-grid">
                    <TextField label=Signal::derive(move || if kind.get() == ApplicantKind::Legal { t().legal_id } else { t().national_code })
                        value=national_id testid="applicant-national-id" dir="ltr" error=id_error autofocus=true/>
                    <Show when=move || kind.get() == ApplicantKind::Natural fallback=move || view! {
                        <TextField label=label(|t| t.organization_name) value=organization_name testid="applicant-organization" error=error_of(errors, "applicant.organization_name")/>
                        <TextField label=label(|t| t.representative_name) value=representative_name testid="applicant-representative" error=error_of(errors, "applicant.representative_name") optional=true/>
                    }>
                        <TextField label=label(|t| t.first_name) value=first_name testid="applicant-first-name" error=error_of(errors, "applicant.first_name")/>
                        <TextField label=label(|t| t.last_name) value=last_name testid="applicant-last-name" error=error_of(errors, "applicant.last_name")/>
                        <TextField label=label(|t| t.father_name) value=father_name testid="applicant-father-name" error=error_of(errors, "applicant.father_name") optional=true/>
                    </Show>
                    <TextField label=label(|t| t.mobile) value=mobile testid="applicant-mobile" dir="ltr" error=mobile_error/>
                    <TextField label=label(|t| t.postal_code) value=postal_code testid="applicant-postal-code" dir="ltr" error=error_of(errors, "applicant.postal_code") optional=true/>
                    <TextField label=label(|t| t.address) value=address testid="applicant-address" error=error_of(errors, "applicant.address") optional=true/>
                </div>
            </section>
            <section class="card">
                <h2>{move || t().recipient_agency}</h2>
                <AgencyPicker agencies=active_agencies chosen=agency_code error=error_of(errors, "recipient_agency_code")/>
                <CopiesPicker agencies=active_agencies main=agency_code.into() chosen=copies
                    error=error_of_list(errors, "copies") testid="letter-copies"/>
            </section>
            <section class="card">
                <h2>{move || t().letters}</h2>
                <TextField label=label(|t| t.subject) value=subject testid="letter-subject" error=error_of(errors, "subject")/>
                <label class="field">
                    <span class="field-label">{move || t().body}</span>
                    <textarea rows="8" id="letter-body" data-testid="letter-body" aria-required="true" class:invalid=move || error_of(errors, "body").get().is_some() bind:value=body></textarea>
                    <Show when=move || error_of(errors, "body").get().is_some()>
                        <span class="field-error">{move || error_of(errors, "body").get()}</span>
                    </Show>
                </label>
                <div class="form-grid">
                    <label class="field">
                        <span class="field-label">{move || t().priority}</span>
                        <select data-testid="letter-priority" on:change=move |ev| priority.set(Priority::parse(&event_target_value(&ev)).unwrap_or_default())>
                            <option value="normal">{move || t().priority_normal}</option>
                            <option value="urgent">{move || t().priority_urgent}</option>
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">{move || t().classification}</span>
                        <select data-testid="letter-classification" on:change=move |ev| classification.set(Classification::parse(&event_target_value(&ev)).unwrap_or_default())>
                            <option value="normal">{move || t().classification_normal}</option>
                            <option value="confidential">{move || t().classification_confidential}</option>
                        </select>
                    </label>
                    <TextField label=label(|t| t.applicant_reference) value=reference testid="letter-reference" error=error_of(errors, "applicant_reference") optional=true/>
                </div>
                // Rarely needed at the counter: one Tab stop while closed.
                <details class="related-box" data-testid="letter-related-box"
                    prop:open=move || errors.with(|e| e.iter().any(|e| e.field.starts_with("related")))>
                    <summary data-testid="letter-related-toggle">{move || t().relation} " " <span class="optional">{move || format!("({})", t().optional)}</span></summary>
                    <div class="form-grid">
                        <label class="field">
                            <span class="field-label">{move || t().relation}</span>
                            <select data-testid="letter-relation" on:change=move |ev| relation.set(Relation::parse(&event_target_value(&ev)).unwrap_or(Relation::FollowsUp))>
                                <option value="follows_up">{Relation::FollowsUp.persian()}</option>
                                <option value="refers_to">{Relation::RefersTo.persian()}</option>
                            </select>
                        </label>
                        <TextField label=label(|t| t.related_code) value=earlier_code testid="letter-related" dir="ltr"
                            error=error_of(errors, "related[0].tracking_code") optional=true/>
                    </div>
                </details>
                <div class="field">
                    <span class="field-label">{move || t().attachments} " " <span class="optional">{move || format!("({})", t().optional)}</span></span>
                    // A Persian file picker: the browser's own button speaks the browser's language.
                    <label class="file-picker">
                        <input type="file" class="visually-hidden" multiple accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" data-testid="letter-files" on:change=on_files/>
                        <span class="button-like">{move || t().choose_files}</span>
                        <span class="muted" data-testid="letter-files-chosen">{move || {
                            let names: Vec<String> = files.get().iter().map(|f| f.name()).collect();
                            if names.is_empty() { t().no_file_chosen.to_owned() } else { names.join("، ") }
                        }}</span>
                    </label>
                    <span class="muted">{move || t().attachments_hint}</span>
                </div>
            </section>
            <Show when=move || general.get().is_some()>
                <p class="form-error" data-testid="letter-form-error">{move || general.get()}</p>
            </Show>
            <DuplicateWarning found=duplicates on_confirm=Callback::new(move |_| { submit.dispatch(true); })/>
            // What the form is doing, for screen readers (the button shows it on screen).
            <p class="visually-hidden" aria-live="polite" data-testid="letter-form-status">{move || progress.get().unwrap_or_default()}</p>
            <div class="form-actions">
                <button type="submit" class="primary" data-testid="letter-submit" disabled=move || submit.pending().get()>
                    {move || progress.get().unwrap_or(t().register)}
                </button>
                <Show when=move || submit.pending().get()>
                    <span class="spinner" aria-hidden="true"></span>
                </Show>
            </div>
        </form>
    }
}

/// The form's fields in the error summary, in the order they appear.
const SUMMARY: &[SummaryField] = &[
    ("applicant.national_id", "applicant-national-id", |t| {
        t.national_code
    }),
    ("applicant.first_name", "applicant-first-name", |t| {
        t.first_name
    }),
    ("applicant.last_name", "applicant-last-name", |t| {
        t.last_name
    }),
    ("applicant.father_name", "applicant-father-name", |t| {
        t.father_name
    }),
    (
        "applicant.organization_name",
        "applicant-organization",
        |t| t.organization_name,
    ),
    (
        "applicant.representative_name",
        "applicant-representative",
        |t| t.representative_name,
    ),
    ("applicant.mobile", "applicant-mobile", |t| t.mobile),
    ("applicant.postal_code", "applicant-postal-code", |t| {
        t.postal_code
    }),
    ("applicant.address", "applicant-address", |t| t.address),
    ("recipient_agency_code", "agency-picker-search", |t| {
        t.recipient_agency
    }),
    ("subject", "letter-subject", |t| t.subject),
    ("body", "letter-body", |t| t.body),
    ("applicant_reference", "letter-reference", |t| {
        t.applicant_reference
    }),
    ("related[0].tracking_code", "letter-related", |t| {
        t.related_code
    }),
    ("copies", "letter-copies-toggle", |t| t.copies),
];
