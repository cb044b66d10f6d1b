//! Admin screens: the directory, staff accounts and API clients.

pub mod agencies;
pub mod clients;
pub mod offices;
pub mod sms;
pub mod templates;
pub mod users;

use leptos::prelude::*;

use crate::i18n::use_strings;

/// "Active"/"Inactive" badge.
#[component]
pub fn ActiveBadge(active: bool) -> impl IntoView {
    let t = use_strings();
    view! {
        <span class=if active { "badge ok" } else { "badge off" }>
            {move || if active { t().active } else { t().inactive }}
        </span>
    }
}
