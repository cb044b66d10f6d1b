//! Admin screens: the directory, staff accounts and API clients.

pub mod agencies;
pub mod clients;
pub mod confidential;
pub mod holidays;
pub mod offices;
pub mod sms;
pub mod templates;
pub mod users;

use leptos::prelude::*;
use shared::directory::{Agency, CounterOffice, Page};

use crate::api;
use crate::i18n::use_strings;

/// The active counter offices and agencies, for the binding pickers of the
/// user and API-client forms.
#[derive(Clone, Copy)]
pub struct Bindings {
    offices: LocalResource<Result<Page<CounterOffice>, api::ApiError>>,
    agencies: LocalResource<Result<Page<Agency>, api::ApiError>>,
}

impl Bindings {
    pub fn load() -> Self {
        Bindings {
            offices: LocalResource::new(|| async {
                api::get::<Page<CounterOffice>>("/api/v1/counter-offices?limit=200&active=true")
                    .await
            }),
            agencies: LocalResource::new(|| async {
                api::get::<Page<Agency>>("/api/v1/agencies?limit=200&active=true").await
            }),
        }
    }

    /// (code, name) of the offices, or of the agencies.
    pub fn options(&self, offices: bool) -> Vec<(String, String)> {
        if offices {
            self.offices
                .get()
                .and_then(Result::ok)
                .map(|p| p.items.into_iter().map(|o| (o.code, o.name)).collect())
                .unwrap_or_default()
        } else {
            self.agencies
                .get()
                .and_then(Result::ok)
                .map(|p| p.items.into_iter().map(|a| (a.code, a.name)).collect())
                .unwrap_or_default()
        }
    }
}

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
