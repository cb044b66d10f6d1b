//! The logged-in user, as a reactive context. On start, a saved session is
//! checked against `/me` (refreshing the access token when needed).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::{Me, Role};

use crate::api;

#[derive(Clone, Copy)]
pub struct Session {
    /// The caller, once known; `None` when logged out.
    pub me: RwSignal<Option<Me>>,
    /// False until the saved session (if any) has been checked.
    pub ready: RwSignal<bool>,
    /// The server ended the session (the login page says so).
    pub ended: RwSignal<bool>,
}

impl Session {
    pub fn role(&self) -> Option<Role> {
        self.me.get().and_then(|m| m.role)
    }
}

pub fn provide_session() -> Session {
    let session = Session {
        me: RwSignal::new(None),
        ready: RwSignal::new(!api::has_session()),
        ended: RwSignal::new(false),
    };
    provide_context(session);
    // The session ended while in use: pages guarded by a role send the user
    // to log in again (and back), instead of showing empty lists.
    let _ =
        leptos::leptos_dom::helpers::window_event_listener_untyped(api::SESSION_ENDED, move |_| {
            session.ended.set(true);
            session.me.set(None);
        });
    if api::has_session() {
        spawn_local(async move {
            if let Ok(me) = api::get::<Me>("/api/v1/me").await {
                session.me.set(Some(me));
            }
            session.ready.set(true);
        });
    }
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Where a user lands after logging in.
pub fn home_of(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Admin) => "/admin/agencies",
        Some(Role::Operator) => "/letters/new",
        Some(Role::Clerk) => "/inbox",
        Some(Role::Auditor) => "/letters",
        None => "/",
    }
}
