//! Login: username and password; on success, back to the page that sent the
//! user here (`?next=`, a path of this site only) or to the start page.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiError};
use crate::components::form::TextField;
use crate::i18n::use_strings;
use crate::session::{home_of, use_session};

#[component]
pub fn Login() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let query = use_query_map();
    let next = move || {
        query
            .get_untracked()
            .get("next")
            .filter(|p| p.starts_with('/') && !p.starts_with("//"))
    };

    let submit = Action::new_local(move |_: &()| {
        let (u, p) = (username.get_untracked(), password.get_untracked());
        async move { api::login(u, p).await }
    });
    Effect::new(move |_| {
        if let Some(result) = submit.value().get() {
            match result {
                Ok(me) => {
                    let target = next().unwrap_or_else(|| home_of(me.role).to_owned());
                    session.me.set(Some(me));
                    session.ended.set(false);
                    failure.set(None);
                    navigate(&target, Default::default());
                }
                Err(ApiError::RateLimited { .. }) => {
                    failure.set(Some(t().too_many_attempts.into()))
                }
                Err(ApiError::Problem(p)) if p.status == 401 => {
                    failure.set(Some(t().login_failed.into()))
                }
                Err(other) => {
                    failure.set(Some(other.text(crate::i18n::use_lang().get_untracked())))
                }
            }
        }
    });

    view! {
        <section class="card narrow">
            <h1>{move || t().login_title}</h1>
            <Show when=move || session.ended.get()>
                <p class="notice" role="status" data-testid="session-ended">{move || t().session_ended}</p>
            </Show>
            <form on:submit=move |ev| {
                ev.prevent_default();
                submit.dispatch(());
            }>
                <TextField label=Signal::derive(move || t().username) value=username testid="login-username" dir="ltr"/>
                <TextField label=Signal::derive(move || t().password) value=password testid="login-password" kind="password" dir="ltr"/>
                <Show when=move || failure.get().is_some()>
                    <p class="form-error" data-testid="login-error">{move || failure.get()}</p>
                </Show>
                <button type="submit" class="primary" data-testid="login-submit" disabled=move || submit.pending().get()>
                    {move || t().login}
                </button>
            </form>
        </section>
    }
}
