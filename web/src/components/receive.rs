//! Taking a letter in: the clerk records the secretariat number and day the
//! agency registered it under (both optional, the day defaulting to today);
//! where the agency lets Chapar number its letters, the clerk just
//! acknowledges and Chapar gives the next number.

use leptos::prelude::*;
use shared::directory::Agency;
use shared::inbox::AckRequest;
use shared::letters::Letter;

use crate::api;
use crate::components::form::{error_of, show_api_error, FormErrors, TextField};
use crate::i18n::use_strings;
use crate::session::use_session;

#[component]
pub fn ReceiveBox(
    delivery: i32,
    /// Bumped once the letter is received, so the page reloads.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let t = use_strings();
    let agency = use_session().me.get_untracked().and_then(|m| m.agency_code);
    // Whether the clerk's agency numbers its letters through Chapar.
    let numbered = LocalResource::new(move || {
        let agency = agency.clone();
        async move {
            let agency = agency?;
            let path = format!("/api/v1/agencies/{agency}");
            api::get::<Agency>(&path).await.ok()?.reference_pattern
        }
    });
    let number = RwSignal::new(String::new());
    let day = RwSignal::new(String::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    let general = RwSignal::new(None::<String>);
    let send = Action::new_local(move |_: &()| {
        let given = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
        let request = AckRequest {
            agency_reference: given(number),
            agency_reference_date: given(day),
        };
        async move {
            let path = format!("/api/v1/inbox/{delivery}/ack");
            match api::post::<_, Letter>(&path, &request).await {
                Ok(_) => {
                    errors.set(Vec::new());
                    general.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => show_api_error(&e, errors, general),
            }
        }
    });
    let is_numbered = move || numbered.get().flatten().is_some();
    view! {
        <div class="action-box" data-testid="receive-box">
            <Show
                when=move || !is_numbered()
                fallback=move || view! { <p class="muted" data-testid="reference-numbered">{move || t().reference_numbered}</p> }
            >
                <TextField label=Signal::derive(move || t().secretariat_number) value=number testid="ack-reference"
                    error=error_of(errors, "agency_reference") optional=true/>
                <TextField label=Signal::derive(move || t().secretariat_date) value=day testid="ack-reference-date"
                    error=error_of(errors, "agency_reference_date") optional=true/>
            </Show>
            <button class="primary" data-testid="action-receive" on:click=move |_| { send.dispatch(()); }>{move || t().acknowledge}</button>
            <Show when=move || general.get().is_some()>
                <p class="form-error" role="alert" data-testid="receive-error">{move || general.get()}</p>
            </Show>
        </div>
    }
}
