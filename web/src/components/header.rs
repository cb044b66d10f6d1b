//! The top bar: product name, navigation for the user's role, the user and
//! logout, and the language switch.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::auth::Role;

use crate::api;
use crate::i18n::{use_lang, use_strings};
use crate::session::use_session;

#[component]
pub fn Header() -> impl IntoView {
    let lang = use_lang();
    let t = use_strings();
    let session = use_session();
    let navigate = use_navigate();
    let logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            api::logout().await;
            session.me.set(None);
            navigate("/login", Default::default());
        });
    };
    let is_admin = move || session.role() == Some(Role::Admin);
    // On a phone the links fold behind a menu button; a navigation folds them again.
    let menu_open = RwSignal::new(false);
    let location = leptos_router::hooks::use_location();
    let path = location.pathname;
    Effect::watch(
        move || path.get(),
        move |_, _, _| menu_open.set(false),
        false,
    );
    view! {
        <header class="topbar" class:menu-open=move || menu_open.get()>
            <A href="/" attr:class="brand">
                <span class="brand-name" data-testid="app-name">{move || t().app_name}</span>
                <span class="brand-tagline">{move || t().tagline}</span>
            </A>
            <button
                class="menu-toggle"
                data-testid="menu-toggle"
                aria-controls="main-nav"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|open| *open = !*open)
            >
                {move || t().menu}
            </button>
            <nav class="nav" id="main-nav">
                <Show when=move || session.role() == Some(Role::Operator)>
                    <A href="/letters/new" attr:data-testid="nav-new-letter">{move || t().new_letter}</A>
                </Show>
                <Show when=move || session.role() == Some(Role::Clerk)>
                    <A href="/inbox" attr:data-testid="nav-inbox">{move || t().inbox}</A>
                </Show>
                <Show when=move || matches!(session.role(), Some(Role::Clerk | Role::Admin))>
                    <A href="/answer-templates" attr:data-testid="nav-answer-templates">{move || t().answer_templates}</A>
                </Show>
                <Show when=move || session.me.get().is_some()>
                    <A href="/letters" attr:data-testid="nav-letters">{move || t().letters}</A>
                    <A href="/dashboard" attr:data-testid="nav-dashboard">{move || t().dashboard}</A>
                </Show>
                <Show when=is_admin>
                    <A href="/admin/agencies" attr:data-testid="nav-agencies">{move || t().agencies}</A>
                    <A href="/admin/offices" attr:data-testid="nav-offices">{move || t().offices}</A>
                    <A href="/admin/users" attr:data-testid="nav-users">{move || t().users}</A>
                    <A href="/admin/clients" attr:data-testid="nav-clients">{move || t().api_clients}</A>
                    <A href="/admin/sms" attr:data-testid="nav-sms">{move || t().sms_outbox}</A>
                    <A href="/admin/sms-templates" attr:data-testid="nav-templates">{move || t().sms_templates}</A>
                    <A href="/admin/holidays" attr:data-testid="nav-holidays">{move || t().holidays}</A>
                    <A href="/admin/confidential-reads" attr:data-testid="nav-confidential-reads">{move || t().confidential_reads}</A>
                    <SmsAlarm/>
                </Show>
                // The tracking page is the server's own HTML (no WASM): a full load.
                <a href="/track" rel="external" data-testid="nav-track">{move || t().track}</a>
            </nav>
            <div class="user-box">
                <Show
                    when=move || session.me.get().is_some()
                    fallback=move || view! { <A href="/login" attr:data-testid="nav-login">{move || t().login}</A> }
                >
                    <span class="user-name" data-testid="current-user">
                        {move || session.me.get().map(|m| m.display_name).unwrap_or_default()}
                    </span>
                    <button class="link-button" data-testid="logout" on:click=logout.clone()>{move || t().logout}</button>
                </Show>
                <button
                    class="lang-switch"
                    data-testid="lang-switch"
                    on:click=move |_| lang.update(|l| *l = l.other())
                >
                    {move || t().switch_language}
                </button>
            </div>
        </header>
    }
}

/// Failed and stuck SMS, so a failing gateway is noticed within minutes.
#[component]
fn SmsAlarm() -> impl IntoView {
    let t = use_strings();
    let stats = LocalResource::new(|| async {
        api::get::<shared::sms::QueueStats>("/api/v1/sms/stats").await
    });
    let location = leptos_router::hooks::use_location();
    // Re-read on every navigation.
    Effect::new(move |_| {
        location.pathname.track();
        stats.refetch();
    });
    move || {
        stats.get().and_then(Result::ok).map(|s| {
            let stuck = s.oldest_pending_seconds.is_some_and(|age| age > 300);
            view! {
                <Show when=move || { s.failed > 0 }>
                    <A href="/admin/sms" attr:class="alarm" attr:data-testid="sms-failed-alarm">{move || format!("{}: {}", t().sms_failed_badge, s.failed)}</A>
                </Show>
                <Show when=move || stuck>
                    <span class="alarm" data-testid="sms-stuck-alarm">{move || t().sms_stuck_badge}</span>
                </Show>
            }
        })
    }
}
