//! Route guard: shows its children only to a logged-in user with one of the
//! given roles; sends others to the login page, which brings them back here.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use shared::auth::Role;

use crate::i18n::use_strings;
use crate::session::use_session;

#[component]
pub fn RequireRole(
    /// Roles allowed to see the page.
    roles: &'static [Role],
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let t = use_strings();
    let children = StoredValue::new(children);
    let location = leptos_router::hooks::use_location();
    let login = move || {
        let path = location.pathname.get_untracked();
        // Logging out has already moved to the login page: no way back.
        if path.starts_with("/login") {
            return "/login".to_owned();
        }
        let here = format!("{path}{}", location.search.get_untracked());
        format!("/login?next={}", js_sys::encode_uri_component(&here))
    };
    move || {
        if !session.ready.get() {
            return view! { <p class="muted">{t().loading}</p> }.into_any();
        }
        match session.me.get() {
            None => view! { <Redirect path=login()/> }.into_any(),
            Some(me) if me.role.is_some_and(|r| roles.contains(&r)) => {
                children.with_value(|c| c()).into_any()
            }
            Some(_) => view! {
                <section class="card" data-testid="forbidden"><p>{t().forbidden}</p></section>
            }
            .into_any(),
        }
    }
}
