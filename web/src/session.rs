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
    };
    provide_context(session);
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
