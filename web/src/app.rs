//! The root component: language and session contexts, header, routes with
//! role guards.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::auth::Role;

use crate::components::form::focus_by_id;
use crate::components::guard::RequireRole;
use crate::components::header::Header;
use crate::i18n::{self, Lang};
use crate::pages::admin::{
    agencies::AgenciesPage, clients::ClientsPage, confidential::ConfidentialReadsPage,
    holidays::HolidaysPage, offices::OfficesPage, sms::SmsPage, templates::TemplatesPage,
    users::UsersPage,
};
use crate::pages::answer_templates::AnswerTemplatesPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::inbox::InboxPage;
use crate::pages::letters::{
    detail::LetterPage, list::LettersPage, new::NewLetterPage, receipt::ReceiptPage,
};
use crate::pages::{home::Home, login::Login, not_found::NotFound};
use crate::session::provide_session;

const ADMIN: &[Role] = &[Role::Admin];
const OPERATOR: &[Role] = &[Role::Operator];
const CLERK: &[Role] = &[Role::Clerk];
const CLERK_OR_ADMIN: &[Role] = &[Role::Clerk, Role::Admin];
const STAFF: &[Role] = &[Role::Admin, Role::Operator, Role::Clerk, Role::Auditor];

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(i18n::saved_lang());
    provide_context(lang);
    provide_session();
    Effect::new(move |_| {
        let current: Lang = lang.get();
        i18n::apply_to_document(current);
        i18n::save_lang(current);
    });

    let t = i18n::use_strings();
    view! {
        <Router>
            <FocusOnNavigation/>
            <div class="shell" dir=move || lang.get().dir() data-testid="shell">
                <a class="skip-link" href="#main" data-testid="skip-link" on:click=|ev| { ev.prevent_default(); focus_by_id("main"); }>{move || t().skip_to_content}</a>
                <Header/>
                <main class="content" id="main" tabindex="-1">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=Home/>
                        <Route path=path!("/login") view=Login/>
                        <Route path=path!("/dashboard") view=|| view! { <RequireRole roles=STAFF><DashboardPage/></RequireRole> }/>
                        <Route path=path!("/inbox") view=|| view! { <RequireRole roles=CLERK><InboxPage/></RequireRole> }/>
                        <Route path=path!("/letters") view=|| view! { <RequireRole roles=STAFF><LettersPage/></RequireRole> }/>
                        <Route path=path!("/letters/new") view=|| view! { <RequireRole roles=OPERATOR><NewLetterPage/></RequireRole> }/>
                        <Route path=path!("/letters/:id") view=|| view! { <RequireRole roles=STAFF><LetterPage/></RequireRole> }/>
                        <Route path=path!("/letters/:id/receipt") view=|| view! { <RequireRole roles=STAFF><ReceiptPage/></RequireRole> }/>
                        <Route path=path!("/answer-templates") view=|| view! { <RequireRole roles=CLERK_OR_ADMIN><AnswerTemplatesPage/></RequireRole> }/>
                        <Route path=path!("/admin/agencies") view=|| view! { <RequireRole roles=ADMIN><AgenciesPage/></RequireRole> }/>
                        <Route path=path!("/admin/offices") view=|| view! { <RequireRole roles=ADMIN><OfficesPage/></RequireRole> }/>
                        <Route path=path!("/admin/users") view=|| view! { <RequireRole roles=ADMIN><UsersPage/></RequireRole> }/>
                        <Route path=path!("/admin/sms-templates") view=|| view! { <RequireRole roles=ADMIN><TemplatesPage/></RequireRole> }/>
                        <Route path=path!("/admin/sms") view=|| view! { <RequireRole roles=ADMIN><SmsPage/></RequireRole> }/>
                        <Route path=path!("/admin/holidays") view=|| view! { <RequireRole roles=ADMIN><HolidaysPage/></RequireRole> }/>
                        <Route path=path!("/admin/clients") view=|| view! { <RequireRole roles=ADMIN><ClientsPage/></RequireRole> }/>
                        <Route path=path!("/admin/confidential-reads") view=|| view! { <RequireRole roles=ADMIN><ConfidentialReadsPage/></RequireRole> }/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}

/// After a navigation the focus moves to the new page's heading (or its
/// main area), so keyboard and screen-reader users start at the top of the
/// page they asked for, unless the page put the focus somewhere itself (the
/// counter form focuses its first field).
#[component]
fn FocusOnNavigation() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    // Not on the first load: only when the path changes.
    let path = location.pathname;
    Effect::watch(
        move || path.get(),
        move |_, _, _| {
            request_animation_frame(|| {
                use wasm_bindgen::JsCast;
                let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                    return;
                };
                let Some(main) = document.get_element_by_id("main") else {
                    return;
                };
                let focused_inside = document
                    .active_element()
                    .is_some_and(|active| main.contains(Some(&active)) && active != main);
                if focused_inside {
                    return;
                }
                let target = main
                    .query_selector("h1")
                    .ok()
                    .flatten()
                    .unwrap_or(main)
                    .dyn_into::<web_sys::HtmlElement>();
                if let Ok(target) = target {
                    let _ = target.set_attribute("tabindex", "-1");
                    let _ = target.focus();
                }
            });
        },
        false,
    );
}
