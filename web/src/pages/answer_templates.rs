//! Answer templates: an agency's clerks (and admins, for any agency) keep
//! named answer texts with placeholders, picked when answering a letter.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::answer_templates::{AnswerTemplate, AnswerTemplateRequest, PLACEHOLDERS};
use shared::auth::Role;
use shared::directory::{Agency, Page};

use crate::api;
use crate::components::form::{after_save, error_of, EditActions, FormErrors, TextField};
use crate::i18n::use_strings;
use crate::session::use_session;

#[component]
pub fn AnswerTemplatesPage() -> impl IntoView {
    let t = use_strings();
    let is_admin = use_session().role() == Some(Role::Admin);
    let reload = RwSignal::new(0u32);
    // Admins pick the agency whose templates they keep.
    let agency = RwSignal::new(String::new());
    let agencies = LocalResource::new(move || async move {
        if is_admin {
            api::get::<Page<Agency>>("/api/v1/agencies?limit=200")
                .await
                .map(|p| p.items)
                .unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let list = LocalResource::new(move || {
        reload.track();
        let path = match agency.get() {
            a if is_admin && !a.is_empty() => {
                format!("/api/v1/answer-templates?agency={}", api::encode(&a))
            }
            _ => "/api/v1/answer-templates".to_owned(),
        };
        async move { api::get::<Vec<AnswerTemplate>>(&path).await }
    });
    let editing = RwSignal::new(None::<i32>);
    let name = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    let general = RwSignal::new(None::<String>);
    let clear = move || {
        editing.set(None);
        name.set(String::new());
        body.set(String::new());
        errors.set(Vec::new());
        general.set(None);
    };
    let save = Action::new_local(move |_: &()| {
        let request = AnswerTemplateRequest {
            agency_code: Some(agency.get_untracked()).filter(|a| is_admin && !a.is_empty()),
            name: name.get_untracked(),
            body: body.get_untracked(),
        };
        let id = editing.get_untracked();
        async move {
            let checked = match request.validate() {
                Ok(r) => r,
                Err(e) => return errors.set(e),
            };
            let result = match id {
                Some(id) => {
                    api::put::<_, AnswerTemplate>(
                        &format!("/api/v1/answer-templates/{id}"),
                        &checked,
                    )
                    .await
                }
                None => api::post::<_, AnswerTemplate>("/api/v1/answer-templates", &checked).await,
            };
            after_save(result, errors, general, clear, reload);
        }
    });
    let remove = move |id: i32| {
        spawn_local(async move {
            let _ = api::delete(&format!("/api/v1/answer-templates/{id}")).await;
            reload.update(|n| *n += 1);
        });
    };
    let body_error = error_of(errors, "body");
    let placeholders = PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ");
    view! {
        <section class="card">
            <h1>{move || t().answer_templates}</h1>
            <p class="muted">{move || t().answer_templates_hint} " " <span dir="ltr" data-latin-ok>{placeholders}</span></p>
            <Show when=move || is_admin>
                <label class="field">
                    <span class="field-label">{move || t().agency}</span>
                    <select data-testid="answer-template-agency" on:change=move |ev| { agency.set(event_target_value(&ev)); clear(); }>
                        <option value="">{move || t().all_agencies}</option>
                        {move || agencies.get().unwrap_or_default().into_iter()
                            .map(|a| view! { <option value=a.code.clone()>{a.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <table class="grid" data-testid="answer-template-table">
                <thead><tr><th>{move || t().name}</th><th>{move || t().text}</th><th>{move || t().actions}</th></tr></thead>
                <tbody>
                    <For
                        each=move || list.get().and_then(Result::ok).unwrap_or_default()
                        key=|a| (a.id, a.updated_at)
                        children=move |a| {
                            let for_edit = a.clone();
                            let id = a.id;
                            view! {
                                <tr data-testid=format!("answer-template-row-{id}")>
                                    <td data-label=move || t().name>{a.name.clone()} {is_admin.then(|| view! { <span class="muted">{format!(" · {}", a.agency_name)}</span> })}</td>
                                    <td data-label=move || t().text class="sms-text">{a.body.clone()}</td>
                                    <td data-label=move || t().actions class="row-actions">
                                        <button class="link-button" data-testid="answer-template-edit" on:click=move |_| {
                                            editing.set(Some(for_edit.id));
                                            name.set(for_edit.name.clone());
                                            body.set(for_edit.body.clone());
                                            errors.set(Vec::new());
                                        }>{move || t().edit}</button>
                                        <button class="link-button" data-testid="answer-template-remove" on:click=move |_| remove(id)>{move || t().remove}</button>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>{move || if editing.get().is_some() { t().edit } else { t().new_answer_template }}</h2>
            <form on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <TextField label=Signal::derive(move || t().name) value=name testid="answer-template-name" error=error_of(errors, "name")/>
                <label class="field">
                    <span class="field-label">{move || t().text}</span>
                    <textarea rows="5" id="answer-template-body" data-testid="answer-template-body" bind:value=body
                        aria-invalid=move || body_error.get().is_some().to_string() aria-describedby="answer-template-body-error"></textarea>
                    <Show when=move || body_error.get().is_some()>
                        <span class="field-error" id="answer-template-body-error" data-testid="answer-template-body-error">{move || body_error.get()}</span>
                    </Show>
                </label>
                <Show when=move || general.get().is_some()>
                    <p class="form-error" role="alert">{move || general.get()}</p>
                </Show>
                <EditActions editing=Signal::derive(move || editing.get().is_some()) pending=save.pending().into()
                    testid="answer-template-save" cancel=Callback::new(move |()| clear())/>
            </form>
        </section>
    }
}
