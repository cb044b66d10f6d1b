//! The root component: language context, header, routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::header::Header;
use crate::i18n::{self, Lang};
use crate::pages::{home::Home, not_found::NotFound};

#[component]
pub fn App() -> impl IntoView {
    let lang = RwSignal::new(i18n::saved_lang());
    provide_context(lang);
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
                    </Routes>
                </main>
            </div>
        </Router>
    }
}
