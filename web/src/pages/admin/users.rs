//! Staff accounts: list, create (operators with an office, clerks with an
//! agency), (de)activate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::Role;
use shared::directory::{NewUser, Page, User, UserUpdate};

use super::{ActiveBadge, Bindings};
use crate::api;
use crate::components::form::{error_of, show_api_error, FormErrors, TextField};
use crate::i18n::{role_label, use_strings};

#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_strings();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        async move { api::get::<Page<User>>("/api/v1/users?limit=200").await }
    });
    let bindings = Bindings::load();

    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator);
    let binding = RwSignal::new(String::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    let general = RwSignal::new(None::<String>);

    let save = Action::new_local(move |_: &()| {
        let role_now = role.get_untracked();
        let code = Some(binding.get_untracked()).filter(|c| !c.is_empty());
        let request = NewUser {
            username: username.get_untracked(),
            display_name: display_name.get_untracked(),
            password: password.get_untracked(),
            role: role_now,
            counter_office_code: code.clone().filter(|_| role_now == Role::Operator),
            agency_code: code.filter(|_| role_now == Role::Clerk),
        };
        async move {
            let checked = match request.validate() {
                Ok(r) => r,
                Err(e) => return errors.set(e),
            };
            match api::post::<_, User>("/api/v1/users", &checked).await {
                Ok(_) => {
                    for s in [username, display_name, password, binding] {
                        s.set(String::new());
                    }
                    errors.set(Vec::new());
                    general.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(err) => show_api_error(&err, errors, general),
            }
        }
    });
    let toggle = move |u: User| {
        spawn_local(async move {
            let update = UserUpdate {
                active: Some(!u.active),
                ..Default::default()
            };
            let _ = api::patch::<_, User>(&format!("/api/v1/users/{}", u.id), &update).await;
            reload.update(|n| *n += 1);
        });
    };

    // Rename and password reset ask for the new value in a dialog.
    let edit = move |u: User, password: bool| {
        let t = t();
        let (question, current) = if password {
            (t.password, String::new())
        } else {
            (t.display_name, u.display_name.clone())
        };
        let answer = web_sys::window().and_then(|w| {
            w.prompt_with_message_and_default(question, &current)
                .ok()
                .flatten()
        });
        let Some(value) = answer.filter(|v| !v.trim().is_empty()) else {
            return;
        };
        let update = if password {
            UserUpdate {
                password: Some(value),
                ..Default::default()
            }
        } else {
            UserUpdate {
                display_name: Some(value),
                ..Default::default()
            }
        };
        spawn_local(async move {
            match update.validate() {
                Err(e) => general.set(e.first().map(|e| e.message.clone())),
                Ok(update) => {
                    match api::patch::<_, User>(&format!("/api/v1/users/{}", u.id), &update).await {
                        Ok(_) => {
                            general.set(None);
                            reload.update(|n| *n += 1);
                        }
                        Err(e) => {
                            general.set(Some(e.text(crate::i18n::use_lang().get_untracked())))
                        }
                    }
                }
            }
        });
    };
    let binding_options = move || -> Vec<(String, String)> {
        match role.get() {
            Role::Operator => bindings.options(true),
            Role::Clerk => bindings.options(false),
            _ => Vec::new(),
        }
    };
    let binding_error = Signal::derive(move || {
        error_of(errors, "counter_office_code")
            .get()
            .or_else(|| error_of(errors, "agency_code").get())
    });

    view! {
        <section class="card">
            <h1>{move || t().users}</h1>
            <table class="grid" data-testid="user-table">
                <thead><tr>
                    <th>{move || t().username}</th><th>{move || t().display_name}</th><th>{move || t().role}</th>
                    <th>{move || t().binding}</th><th>{move || t().status}</th><th>{move || t().actions}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || list.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default()
                        key=|u| format!("{}|{}|{}", u.id, u.display_name, u.active)
                        children=move |u| {
                            let for_toggle = u.clone();
                            let (for_rename, for_password) = (u.clone(), u.clone());
                            view! {
                                <tr data-testid=format!("user-row-{}", u.username)>
                                    <td dir="ltr">{u.username.clone()}</td>
                                    <td>{u.display_name.clone()}</td>
                                    <td>{move || role_label(t(), u.role)}</td>
                                    <td dir="ltr">{u.counter_office_code.clone().or(u.agency_code.clone()).unwrap_or_default()}</td>
                                    <td><ActiveBadge active=u.active/></td>
                                    <td class="row-actions">
                                        <button class="link-button" data-testid="user-rename" on:click=move |_| edit(for_rename.clone(), false)>{move || t().edit}</button>
                                        <button class="link-button" data-testid="user-reset-password" on:click=move |_| edit(for_password.clone(), true)>{move || t().reset_password}</button>
                                        <button class="link-button" data-testid="toggle-active"
                                            on:click=move |_| toggle(for_toggle.clone())>
                                            {move || if u.active { t().deactivate } else { t().activate }}
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
            <h2>{move || t().new_user}</h2>
            <form class="form-grid" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <TextField label=Signal::derive(move || t().username) value=username testid="user-username" dir="ltr" error=error_of(errors, "username")/>
                <TextField label=Signal::derive(move || t().display_name) value=display_name testid="user-display-name" error=error_of(errors, "display_name")/>
                <TextField label=Signal::derive(move || t().password) value=password testid="user-password" kind="password" dir="ltr" error=error_of(errors, "password")/>
                <label class="field">
                    <span class="field-label">{move || t().role}</span>
                    <select data-testid="user-role" on:change=move |ev| {
                        role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Operator));
                        binding.set(String::new());
                    }>
                        {Role::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == r>{move || role_label(t(), r)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || matches!(role.get(), Role::Operator | Role::Clerk)>
                    <label class="field">
                        <span class="field-label">{move || if role.get() == Role::Operator { t().office } else { t().agency }}</span>
                        <select data-testid="user-binding" class:invalid=move || binding_error.get().is_some()
                            on:change=move |ev| binding.set(event_target_value(&ev))>
                            <option value="" selected=move || binding.get().is_empty()>{move || t().choose}</option>
                            {move || binding_options().into_iter().map(|(code, name)| {
                                let c = code.clone();
                                view! { <option value=code.clone() selected=move || binding.get() == c>{name}</option> }
                            }).collect_view()}
                        </select>
                        <Show when=move || binding_error.get().is_some()>
                            <span class="field-error">{move || binding_error.get()}</span>
                        </Show>
                    </label>
                </Show>
                <Show when=move || general.get().is_some()>
                    <p class="form-error" data-testid="user-form-error">{move || general.get()}</p>
                </Show>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="user-save" disabled=move || save.pending().get()>
                        {move || t().create}
                    </button>
                </div>
            </form>
        </section>
    }
}
