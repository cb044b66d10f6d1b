//! The root component: language and session contexts, header, routes with
//! role guards.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::auth::Role;

use crate::components::guard::RequireRole;
use crate::components::header::Header;
use crate::i18n::{self, Lang};
use crate::pages::admin::{
    agencies::AgenciesPage, clients::ClientsPage, offices::OfficesPage, users::UsersPage,
};
use crate::pages::{home::Home, login::Login, not_found::NotFound};
use crate::session::provide_session;

const ADMIN: &[Role] = &[Role::Admin];

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

    view! {
        <Router>
            <div class="shell" dir=move || lang.get().dir() data-testid="shell">
                <Header/>
                <main class="content">
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=Home/>
                        <Route path=path!("/login") view=Login/>
                        <Route path=path!("/admin/agencies") view=|| view! { <RequireRole roles=ADMIN><AgenciesPage/></RequireRole> }/>
                        <Route path=path!("/admin/offices") view=|| view! { <RequireRole roles=ADMIN><OfficesPage/></RequireRole> }/>
                        <Route path=path!("/admin/users") view=|| view! { <RequireRole roles=ADMIN><UsersPage/></RequireRole> }/>
                        <Route path=path!("/admin/clients") view=|| view! { <RequireRole roles=ADMIN><ClientsPage/></RequireRole> }/>
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
