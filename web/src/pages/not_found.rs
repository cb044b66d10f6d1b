//! Shown for any address the router does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_strings;

#[component]
pub fn NotFound() -> impl IntoView {
    let t = use_strings();
    view! {
        <section class="card" data-testid="not-found">
            <h1>{move || t().not_found_title}</h1>
            <p>{move || t().not_found_body}</p>
            <A href="/">{move || t().back_home}</A>
        </section>
    }
}
