//! Home: what Chapar is and, for the citizen who comes here, the tracking
//! form at once; for an admin, whether the server and its database are up.
//! The form posts to the server's tracking page (plain HTML, no WASM), the
//! page the SMS and the receipt's QR code link to.

use leptos::prelude::*;
use shared::auth::Role;

use crate::api;
use crate::i18n::use_strings;
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
        <TrackForm/>
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

/// The tracking page's form: a plain POST to `/track`, which answers with
/// the letter (or what to correct) as the server's own page.
#[component]
fn TrackForm() -> impl IntoView {
    let t = use_strings();
    view! {
        <section class="card narrow">
            <h2>{move || t().track_title}</h2>
            <form method="post" action="/track">
                <label class="field">
                    <span class="field-label">{move || t().tracking_code}</span>
                    <input name="tracking_code" id="track-code" data-testid="track-code" dir="ltr" required inputmode="numeric" autocomplete="off"/>
                </label>
                <label class="field">
                    <span class="field-label">{move || t().national_id}</span>
                    <input name="national_id" id="track-national-id" data-testid="track-national-id" dir="ltr" required inputmode="numeric" autocomplete="off"/>
                </label>
                <button type="submit" class="primary" data-testid="track-submit">{move || t().track_button}</button>
            </form>
        </section>
    }
}
