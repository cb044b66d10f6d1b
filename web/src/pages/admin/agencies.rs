//! Agencies: list with search, create, edit, (de)activate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::directory::{Agency, AgencyUpdate, NewAgency, Page};

use super::ActiveBadge;
use crate::api;
use crate::components::form::{after_save, error_of, EditActions, FormErrors, TextField};
use crate::i18n::use_strings;

#[component]
pub fn AgenciesPage() -> impl IntoView {
    let t = use_strings();
    let q = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        let path = format!("/api/v1/agencies?limit=200&q={}", api::encode(&q.get()));
        reload.track();
        async move { api::get::<Page<Agency>>(&path).await }
    });

    let editing = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let sla = RwSignal::new("7".to_owned());
    let working_days = RwSignal::new(false);
    let pattern = RwSignal::new(String::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    let general = RwSignal::new(None::<String>);
    let clear = move || {
        editing.set(None);
        for s in [code, name, name_en, pattern] {
            s.set(String::new());
        }
        sla.set("7".into());
        working_days.set(false);
        errors.set(Vec::new());
        general.set(None);
    };

    let save = Action::new_local(move |_: &()| {
        let request = NewAgency {
            code: code.get_untracked(),
            name: name.get_untracked(),
            name_en: name_en.get_untracked(),
            parent_code: None,
            sla_days: shared::normalize::ascii_digits(sla.get_untracked().trim())
                .parse()
                .unwrap_or(0),
            sla_working_days: working_days.get_untracked(),
            reference_pattern: Some(pattern.get_untracked()).filter(|p| !p.trim().is_empty()),
        };
        let editing_code = editing.get_untracked();
        async move {
            let checked = match request.validate() {
                Ok(r) => r,
                Err(e) => return errors.set(e),
            };
            let result = match editing_code {
                Some(code) => {
                    let update = AgencyUpdate {
                        name: Some(checked.name),
                        name_en: Some(checked.name_en),
                        sla_days: Some(checked.sla_days),
                        sla_working_days: Some(checked.sla_working_days),
                        active: None,
                        // Empty turns the numbering off.
                        reference_pattern: Some(checked.reference_pattern.unwrap_or_default()),
                    };
                    api::patch::<_, Agency>(&format!("/api/v1/agencies/{code}"), &update).await
                }
                None => api::post::<_, Agency>("/api/v1/agencies", &checked).await,
            };
            after_save(result, errors, general, clear, reload);
        }
    });

    let toggle = move |a: Agency| {
        spawn_local(async move {
            let update = AgencyUpdate {
                active: Some(!a.active),
                ..Default::default()
            };
            let _ = api::patch::<_, Agency>(&format!("/api/v1/agencies/{}", a.code), &update).await;
            reload.update(|n| *n += 1);
        });
    };
    let start_edit = move |a: Agency| {
        editing.set(Some(a.code.clone()));
        code.set(a.code);
        name.set(a.name);
        name_en.set(a.name_en);
        sla.set(a.sla_days.to_string());
        working_days.set(a.sla_working_days);
        pattern.set(a.reference_pattern.unwrap_or_default());
        errors.set(Vec::new());
    };

    view! {
        <section class="card">
            <h1>{move || t().agencies}</h1>
            <input class="search" type="search" data-testid="agency-search"
                placeholder=move || t().search bind:value=q/>
            <table class="grid" data-testid="agency-table">
                <thead><tr>
                    <th>{move || t().code}</th><th>{move || t().name}</th><th>{move || t().name_en}</th>
                    <th>{move || t().sla_days}</th><th>{move || t().status}</th><th>{move || t().actions}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || list.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default()
                        key=|a| format!("{}|{}|{}|{}|{}|{:?}", a.code, a.name, a.name_en, a.sla_days, a.active, a.reference_pattern)
                        children=move |a| {
                            let (for_toggle, for_edit) = (a.clone(), a.clone());
                            view! {
                                <tr data-testid=format!("agency-row-{}", a.code)>
                                    <td dir="ltr">{a.code.clone()}</td>
                                    <td>
                                        {a.name.clone()}
                                        {a.reference_pattern.clone().map(|p| view! {
                                            <span class="muted" data-latin-ok title=move || t().reference_pattern>{format!(" · {p}")}</span>
                                        })}
                                    </td>
                                    <td dir="ltr">{a.name_en.clone()}</td>
                                    <td>{a.sla_days} {a.sla_working_days.then(|| view! { <span class="muted">{move || t().working_days_short}</span> })}</td>
                                    <td><ActiveBadge active=a.active/></td>
                                    <td class="row-actions">
                                        <button class="link-button" on:click=move |_| start_edit(for_edit.clone())>{move || t().edit}</button>
                                        <button class="link-button" data-testid="toggle-active"
                                            on:click=move |_| toggle(for_toggle.clone())>
                                            {move || if a.active { t().deactivate } else { t().activate }}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>{move || if editing.get().is_some() { t().edit } else { t().new_agency }}</h2>
            <form class="form-grid" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <TextField label=Signal::derive(move || t().code) value=code testid="agency-code" dir="ltr"
                    error=error_of(errors, "code")/>
                <TextField label=Signal::derive(move || t().name) value=name testid="agency-name"
                    error=error_of(errors, "name")/>
                <TextField label=Signal::derive(move || t().name_en) value=name_en testid="agency-name-en" dir="ltr"
                    error=error_of(errors, "name_en") optional=true/>
                <TextField label=Signal::derive(move || t().sla_days) value=sla testid="agency-sla"
                    error=error_of(errors, "sla_days")/>
                <label class="check">
                    <input type="checkbox" data-testid="agency-working-days" prop:checked=move || working_days.get()
                        on:change=move |ev| working_days.set(event_target_checked(&ev))/>
                    {move || t().working_days}
                </label>
                <div>
                    <TextField label=Signal::derive(move || t().reference_pattern) value=pattern testid="agency-reference-pattern" dir="ltr"
                        error=error_of(errors, "reference_pattern") optional=true/>
                    <p class="muted" data-latin-ok>{move || t().reference_pattern_hint}</p>
                </div>
                <Show when=move || general.get().is_some()>
                    <p class="form-error" data-testid="agency-form-error">{move || general.get()}</p>
                </Show>
                <EditActions editing=Signal::derive(move || editing.get().is_some()) pending=save.pending().into()
                    testid="agency-save" cancel=Callback::new(move |()| clear())/>
            </form>
        </section>
    }
}
