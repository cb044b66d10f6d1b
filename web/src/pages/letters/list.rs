//! The letters the user may see (an office's, an agency's, or all), with
//! search and a status filter.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::directory::Page;
use shared::letters::LetterSummary;
use shared::workflow::Status;

use crate::api;
use crate::components::timeline::StatusBadge;
use crate::i18n::{format_time, status_label, use_lang, use_strings};

#[component]
pub fn LettersPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let q = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let list = LocalResource::new(move || {
        let mut path = format!("/api/v1/letters?limit=100&q={}", api::encode(&q.get()));
        let s = status.get();
        if !s.is_empty() {
            path.push_str(&format!("&status={s}"));
        }
        async move { api::get::<Page<LetterSummary>>(&path).await }
    });
    view! {
        <section class="card">
            <h1>{move || t().letters}</h1>
            <div class="filters">
                <input class="search" type="search" data-testid="letters-search" placeholder=move || t().search bind:value=q/>
                <select data-testid="letters-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{move || t().all_statuses}</option>
                    {Status::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || status_label(t(), s)}</option> }).collect_view()}
                </select>
            </div>
            <table class="grid" data-testid="letters-table">
                <thead><tr>
                    <th>{move || t().tracking_code}</th><th>{move || t().applicant}</th><th>{move || t().subject}</th>
                    <th>{move || t().holder}</th><th>{move || t().status}</th><th>{move || t().registered_at}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || list.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default()
                        key=|l| (l.id, l.status)
                        children=move |l| {
                            let created = l.created_at;
                            let row_id = format!("letter-row-{}", l.tracking_code);
                            view! {
                                <tr class:overdue=l.overdue data-testid=row_id>
                                    <td dir="ltr"><A href=format!("/letters/{}", l.id)>{shared::tracking::display(&l.tracking_code)}</A></td>
                                    <td>{l.applicant_name.clone()}</td>
                                    <td>{l.subject.clone()}</td>
                                    <td dir="ltr">{l.holder_agency_code.clone()}</td>
                                    <td>
                                        <StatusBadge status=l.status/>
                                        <Show when=move || l.overdue><span class="badge late">{move || t().overdue}</span></Show>
                                    </td>
                                    <td>{move || format_time(lang.get(), &created, false)}</td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
            <Show when=move || list.get().and_then(Result::ok).is_some_and(|p| p.items.is_empty())>
                <p class="muted">{move || t().no_letters}</p>
            </Show>
        </section>
    }
}
