//! The top bar: product name and the language switch.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{use_lang, use_strings};

#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let t = use_strings();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-name" data-testid="app-name">{move || t().app_name}</span>
                <span class="brand-tagline">{move || t().tagline}</span>
            </A>
            <button
                class="lang-switch"
                data-testid="lang-switch"
                on:click=move |_| lang.update(|l| *l = l.other())
            >
                {move || t().switch_language}
            </button>
        </header>
    }
}
