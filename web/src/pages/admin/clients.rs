//! API clients: list, create (secret shown once, with a copy button),
//! (de)activate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::scopes;
use shared::directory::{ApiClient, ApiClientUpdate, CreatedApiClient, NewApiClient, Page};

use super::{ActiveBadge, Bindings};
use crate::api;
use crate::components::form::{error_of, show_api_error, FormErrors, TextField};
use crate::i18n::use_strings;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Binding {
    Agency,
    Office,
}

fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let t = use_strings();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        async move { api::get::<Page<ApiClient>>("/api/v1/api-clients?limit=200").await }
    });
    let bindings = Bindings::load();

    let name = RwSignal::new(String::new());
    let binding_kind = RwSignal::new(Binding::Agency);
    let binding = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    let general = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<CreatedApiClient>);
    let copied = RwSignal::new(false);

    let allowed = move || -> &'static [&'static str] {
        match binding_kind.get() {
            Binding::Agency => &scopes::FOR_AGENCY,
            Binding::Office => &scopes::FOR_COUNTER_OFFICE,
        }
    };

    let save = Action::new_local(move |_: &()| {
        let code = Some(binding.get_untracked()).filter(|c| !c.is_empty());
        let kind = binding_kind.get_untracked();
        let request = NewApiClient {
            name: name.get_untracked(),
            scopes: chosen.get_untracked(),
            agency_code: code.clone().filter(|_| kind == Binding::Agency),
            counter_office_code: code.filter(|_| kind == Binding::Office),
        };
        async move {
            let checked = match request.validate() {
                Ok(r) => r,
                Err(e) => return errors.set(e),
            };
            match api::post::<_, CreatedApiClient>("/api/v1/api-clients", &checked).await {
                Ok(client) => {
                    created.set(Some(client));
                    copied.set(false);
                    name.set(String::new());
                    chosen.set(Vec::new());
                    errors.set(Vec::new());
                    general.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(err) => show_api_error(&err, errors, general),
            }
        }
    });
    let toggle = move |c: ApiClient| {
        spawn_local(async move {
            let update = ApiClientUpdate {
                active: Some(!c.active),
                name: None,
            };
            let _ =
                api::patch::<_, ApiClient>(&format!("/api/v1/api-clients/{}", c.id), &update).await;
            reload.update(|n| *n += 1);
        });
    };
    let rename = move |c: ApiClient| {
        let answer = web_sys::window().and_then(|w| {
            w.prompt_with_message_and_default(t().name, &c.name)
                .ok()
                .flatten()
        });
        let Some(name) = answer.filter(|v| !v.trim().is_empty()) else {
            return;
        };
        spawn_local(async move {
            let update = ApiClientUpdate {
                name: Some(name),
                active: None,
            };
            if let Err(e) =
                api::patch::<_, ApiClient>(&format!("/api/v1/api-clients/{}", c.id), &update).await
            {
                general.set(Some(e.text(crate::i18n::use_lang().get_untracked())));
            }
            reload.update(|n| *n += 1);
        });
    };
    let binding_options = move || bindings.options(binding_kind.get() == Binding::Office);
    let binding_error = Signal::derive(move || {
        error_of(errors, "agency_code")
            .get()
            .or_else(|| error_of(errors, "counter_office_code").get())
    });
    let scopes_error = Signal::derive(move || {
        errors
            .get()
            .iter()
            .find(|e| e.field.starts_with("scopes"))
            .map(|e| e.message.clone())
    });

    view! {
        <section class="card">
            <h1>{move || t().api_clients}</h1>
            <table class="grid" data-testid="client-table">
                <thead><tr>
                    <th>{move || t().client_id}</th><th>{move || t().name}</th><th>{move || t().binding}</th>
                    <th>{move || t().scopes}</th><th>{move || t().status}</th><th>{move || t().actions}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || list.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default()
                        key=|c| format!("{}|{}", c.id, c.active)
                        children=move |c| {
                            let for_toggle = c.clone();
                            let for_rename = c.clone();
                            view! {
                                <tr>
                                    <td dir="ltr">{c.client_id.clone()}</td>
                                    <td>{c.name.clone()}</td>
                                    <td dir="ltr">{c.agency_code.clone().or(c.counter_office_code.clone()).unwrap_or_default()}</td>
                                    <td dir="ltr">{c.scopes.join(" ")}</td>
                                    <td><ActiveBadge active=c.active/></td>
                                    <td class="row-actions">
                                        <button class="link-button" on:click=move |_| rename(for_rename.clone())>{move || t().edit}</button>
                                        <button class="link-button" on:click=move |_| toggle(for_toggle.clone())>
                                            {move || if c.active { t().deactivate } else { t().activate }}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
        <Show when=move || created.get().is_some()>
            <section class="card secret" data-testid="client-secret-box">
                <p><strong>{move || t().secret_once}</strong></p>
                <dl class="facts">
                    <dt>{move || t().client_id}</dt>
                    <dd dir="ltr" data-testid="created-client-id">{move || created.get().map(|c| c.client.client_id)}</dd>
                    <dt>{move || t().client_secret}</dt>
                    <dd dir="ltr"><code data-testid="created-client-secret">{move || created.get().map(|c| c.client_secret)}</code></dd>
                </dl>
                <button data-testid="copy-secret" on:click=move |_| {
                    if let Some(c) = created.get_untracked() {
                        copy_to_clipboard(&c.client_secret);
                        copied.set(true);
                    }
                }>{move || if copied.get() { t().copied } else { t().copy }}</button>
            </section>
        </Show>
        <section class="card">
            <h2>{move || t().new_client}</h2>
            <form class="form-grid" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <TextField label=Signal::derive(move || t().name) value=name testid="client-name" error=error_of(errors, "name")/>
                <label class="field">
                    <span class="field-label">{move || t().binding}</span>
                    <select data-testid="client-binding-kind" on:change=move |ev| {
                        binding_kind.set(if event_target_value(&ev) == "office" { Binding::Office } else { Binding::Agency });
                        binding.set(String::new());
                        chosen.set(Vec::new());
                    }>
                        <option value="agency">{move || t().agency}</option>
                        <option value="office">{move || t().office}</option>
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || if binding_kind.get() == Binding::Office { t().office } else { t().agency }}</span>
                    <select data-testid="client-binding" class:invalid=move || binding_error.get().is_some()
                        on:change=move |ev| binding.set(event_target_value(&ev))>
                        <option value="" selected=move || binding.get().is_empty()>{move || t().choose}</option>
                        {move || binding_options().into_iter().map(|(code, label)| {
                            let c = code.clone();
                            view! { <option value=code.clone() selected=move || binding.get() == c>{label}</option> }
                        }).collect_view()}
                    </select>
                    <Show when=move || binding_error.get().is_some()>
                        <span class="field-error">{move || binding_error.get()}</span>
                    </Show>
                </label>
                <fieldset class="field">
                    <legend class="field-label">{move || t().scopes}</legend>
                    {move || allowed().iter().map(|scope| {
                        let scope = *scope;
                        view! {
                            <label class="check" dir="ltr">
                                <input type="checkbox" data-testid=format!("scope-{scope}")
                                    prop:checked=move || chosen.get().iter().any(|s| s == scope)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|list| {
                                            list.retain(|s| s != scope);
                                            if on { list.push(scope.to_owned()); }
                                        });
                                    }/>
                                {scope}
                            </label>
                        }
                    }).collect_view()}
                    <Show when=move || scopes_error.get().is_some()>
                        <span class="field-error">{move || scopes_error.get()}</span>
                    </Show>
                </fieldset>
                <Show when=move || general.get().is_some()>
                    <p class="form-error">{move || general.get()}</p>
                </Show>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="client-save" disabled=move || save.pending().get()>
                        {move || t().create}
                    </button>
                </div>
            </form>
        </section>
    }
}
