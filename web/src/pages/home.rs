//! Home: what Chapar is, and whether the server and its database are up.

use leptos::prelude::*;

use crate::api;
use crate::i18n::use_strings;

#[component]
pub fn Home() -> impl IntoView {
    let t = use_strings();
    view! {
        <section class="card">
            <h1 data-testid="welcome-title">{move || t().welcome_title}</h1>
            <p>{move || t().welcome_body}</p>
        </section>
        <ServerStatus/>
    }
}

/// Asks `/readyz` and shows the answer.
#[component]
fn ServerStatus() -> impl IntoView {
    let t = use_strings();
    let readiness = LocalResource::new(api::readiness);
    view! {
        <section class="card">
            <h2>{move || t().server_status}</h2>
            <div data-testid="server-status">
                {move || match readiness.get() {
                    None => view! { <p class="muted">{t().server_checking}</p> }.into_any(),
                    Some(Ok(health)) => view! {
                        <p class="status-ok" data-status="ok">{t().server_ok}</p>
                        <dl class="facts">
                            <dt>{t().database}</dt>
                            <dd data-testid="server-database">{health.database.unwrap_or_default()}</dd>
                            <dt>{t().version}</dt>
                            <dd>{health.version}</dd>
                        </dl>
                    }.into_any(),
                    Some(Err(err)) => view! {
                        <p class="status-down" data-status="down">{t().server_down}</p>
                        <p class="muted">{err.text(crate::i18n::use_lang().get_untracked())}</p>
                    }.into_any(),
                }}
            </div>
        </section>
    }
}
