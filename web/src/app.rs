//! The root component: language and session contexts, header, routes with
//! role guards.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};
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
            <PrefetchPages/>
            <div class="shell" dir=move || lang.get().dir() data-testid="shell">
                <a class="skip-link" href="#main" data-testid="skip-link" on:click=|ev| { ev.prevent_default(); focus_by_id("main"); }>{move || t().skip_to_content}</a>
                <Header/>
                <main class="content" id="main" tabindex="-1">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=Home/>
                        <Route path=path!("/login") view=Login/>
                        <Route path=path!("/dashboard") view={Lazy::<Dashboard>::new()}/>
                        <Route path=path!("/inbox") view={Lazy::<Inbox>::new()}/>
                        <Route path=path!("/letters") view={Lazy::<Letters>::new()}/>
                        <Route path=path!("/letters/new") view=|| view! { <RequireRole roles=OPERATOR><NewLetterPage/></RequireRole> }/>
                        <Route path=path!("/letters/:id") view={Lazy::<Letter>::new()}/>
                        <Route path=path!("/letters/:id/receipt") view=|| view! { <RequireRole roles=STAFF><ReceiptPage/></RequireRole> }/>
                        <Route path=path!("/answer-templates") view={Lazy::<AnswerTemplates>::new()}/>
                        <Route path=path!("/admin/agencies") view={Lazy::<Agencies>::new()}/>
                        <Route path=path!("/admin/offices") view={Lazy::<Offices>::new()}/>
                        <Route path=path!("/admin/users") view={Lazy::<Users>::new()}/>
                        <Route path=path!("/admin/sms-templates") view={Lazy::<SmsTemplates>::new()}/>
                        <Route path=path!("/admin/sms") view={Lazy::<Sms>::new()}/>
                        <Route path=path!("/admin/holidays") view={Lazy::<Holidays>::new()}/>
                        <Route path=path!("/admin/clients") view={Lazy::<Clients>::new()}/>
                        <Route path=path!("/admin/confidential-reads") view={Lazy::<ConfidentialReads>::new()}/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}

// The pages below are loaded on their first visit: each is a split point
// (`#[lazy_route]`), its code a separate WASM chunk (`cargo xtask build-web`
// splits the module), so the counter's first screen (login, the new letter
// form, the receipt) does not download the dashboard's, the inbox's or the
// admin's. One struct per page (the split points are named after them),
// each listed once with who may open it: its guard and the background
// prefetch both read that.
macro_rules! pages_loaded_on_first_visit {
    ($($(#[$doc:meta])* $page:ident: $component:ident for $roles:ident;)*) => {
        $(
            $(#[$doc])*
            struct $page;

            #[lazy_route]
            impl LazyRoute for $page {
                fn data() -> Self {
                    $page
                }

                fn view(_this: Self) -> AnyView {
                    view! { <RequireRole roles=$roles><$component/></RequireRole> }.into_any()
                }
            }
        )*

        /// The lazy pages `role` may open, in the order listed (most used
        /// first), fetched one after another.
        async fn prefetch_pages(role: Role) {
            $(
                if $roles.contains(&role) {
                    $page::preload().await;
                }
            )*
        }
    };
}

pages_loaded_on_first_visit! {
    /// `/inbox`.
    Inbox: InboxPage for CLERK;
    /// `/letters/:id`.
    Letter: LetterPage for STAFF;
    /// `/letters`.
    Letters: LettersPage for STAFF;
    /// `/dashboard`.
    Dashboard: DashboardPage for STAFF;
    /// `/answer-templates`.
    AnswerTemplates: AnswerTemplatesPage for CLERK_OR_ADMIN;
    /// `/admin/agencies`.
    Agencies: AgenciesPage for ADMIN;
    /// `/admin/offices`.
    Offices: OfficesPage for ADMIN;
    /// `/admin/users`.
    Users: UsersPage for ADMIN;
    /// `/admin/sms-templates`.
    SmsTemplates: TemplatesPage for ADMIN;
    /// `/admin/sms`.
    Sms: SmsPage for ADMIN;
    /// `/admin/holidays`.
    Holidays: HolidaysPage for ADMIN;
    /// `/admin/clients`.
    Clients: ClientsPage for ADMIN;
    /// `/admin/confidential-reads`.
    ConfidentialReads: ConfidentialReadsPage for ADMIN;
}

/// Once someone is signed in, fetches the chunks of the pages their role
/// opens, one page after another, in the background: the first screen
/// stays light, and a first visit to a letter's page does not wait on its
/// thirty-odd chunk requests (a few round trips on a slow line).
#[component]
fn PrefetchPages() -> impl IntoView {
    let session = crate::session::use_session();
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let Some(role) = session.role() else {
            return false;
        };
        leptos::task::spawn_local(prefetch_pages(role));
        true
    });
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
        move |_, _, _| request_animation_frame(|| focus_page_heading(HEADING_WAIT_FRAMES)),
        false,
    );
}

/// Frames [`focus_page_heading`] waits for a page's heading: a page loaded
/// on first visit renders once its chunk has arrived (a second at most,
/// but on a slow line).
const HEADING_WAIT_FRAMES: u32 = 60;

/// Focuses the heading of the page in `main` (its main area when it has
/// none after `frames_left` more frames), unless the page put the focus in
/// it already.
fn focus_page_heading(frames_left: u32) {
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
    let heading = main.query_selector("h1").ok().flatten();
    if heading.is_none() && frames_left > 0 {
        request_animation_frame(move || focus_page_heading(frames_left - 1));
        return;
    }
    if let Ok(target) = heading.unwrap_or(main).dyn_into::<web_sys::HtmlElement>() {
        let _ = target.set_attribute("tabindex", "-1");
        let _ = target.focus();
    }
}
