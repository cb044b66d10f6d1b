//! Home: what Chapar is and, for the citizen who comes here, the tracking
//! form at once; for an admin, whether the server and its database are up.

use leptos::prelude::*;
use shared::auth::Role;

use crate::api;
use crate::i18n::use_strings;
use crate::pages::track::TrackPage;
use crate::session::use_session;

#[component]
pub fn Home() -> impl IntoView {
    let t = use_strings();
    let session = use_session();
    view! {
        <section class="card">
            <h1 data-testid="welcome-title">{move || t().welcome_title}</h1>
            <p>{move || t().welcome_body}</p>
        </section>
        <TrackPage/>
        <Show when=move || session.role() == Some(Role::Admin)>
            <ServerStatus/>
        </Show>
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
