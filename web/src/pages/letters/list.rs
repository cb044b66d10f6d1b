//! The letters the user may see (an office's, an agency's, or all), with
//! search, status, overdue and registration-date filters (dates typed in the
//! Jalali calendar), fifty at a time.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::directory::Page;
use shared::letters::LetterSummary;
use shared::workflow::Status;

use crate::api;
use crate::components::export::ExportButton;
use crate::components::form::{DayRange, DayRangeFields};
use crate::components::timeline::StatusBadge;
use crate::i18n::{format_time, status_label, tracking_code, use_lang, use_strings};

#[component]
pub fn LettersPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let q = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let overdue_only = RwSignal::new(false);
    let days = DayRange::new();
    // The filters as a query string; a half-typed date leaves the list as it was.
    let filters = Memo::new(move |previous: Option<&String>| {
        let Some(days) = days.query() else {
            return previous.cloned().unwrap_or_default();
        };
        let mut query = format!("q={}{days}", api::encode(&q.get()));
        let s = status.get();
        if !s.is_empty() {
            query.push_str(&format!("&status={s}"));
        }
        if overdue_only.get() {
            query.push_str("&overdue=true");
        }
        query
    });
    // Pages already shown, and the cursor of the next one.
    let items = RwSignal::new(Vec::<LetterSummary>::new());
    let next = RwSignal::new(None::<String>);
    // "More" asks for the page after a cursor of these very filters; new
    // filters start again from the first page.
    let after = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        filters.track();
        after.set(None);
    });
    let page = LocalResource::new(move || {
        let current = filters.get();
        let mut path = format!("/api/v1/letters?limit=50&{current}");
        let cursor = after
            .get()
            .filter(|(for_filters, _)| *for_filters == current)
            .map(|(_, cursor)| cursor);
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&after={}", api::encode(cursor)));
        }
        async move {
            (
                cursor.is_some(),
                api::get::<Page<LetterSummary>>(&path).await,
            )
        }
    });
    Effect::new(move |_| {
        if let Some((more, Ok(p))) = page.get() {
            if more {
                items.update(|all| all.extend(p.items));
            } else {
                items.set(p.items);
            }
            next.set(p.next_cursor);
        }
    });
    view! {
        <section class="card">
            <h1>{move || t().letters}</h1>
            <div class="filters">
                <input class="search" type="search" data-testid="letters-search" placeholder=move || t().search bind:value=q/>
                <select data-testid="letters-status" aria-label=move || t().status on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{move || t().all_statuses}</option>
                    {Status::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || status_label(t(), s)}</option> }).collect_view()}
                </select>
                <label class="check"><input type="checkbox" data-testid="letters-overdue" bind:checked=overdue_only/>{move || t().overdue_only}</label>
                <ExportButton path=Signal::derive(move || format!("/api/v1/letters/export?{}", filters.get())) testid="letters-export"/>
            </div>
            <DayRangeFields range=days from_label=Signal::derive(move || t().registered_from)
                to_label=Signal::derive(move || t().registered_to) testids=("letters-from", "letters-to")/>
            <table class="grid" data-testid="letters-table">
                <thead><tr>
                    <th>{move || t().tracking_code}</th><th>{move || t().applicant}</th><th>{move || t().subject}</th>
                    <th>{move || t().holder}</th><th>{move || t().status}</th><th>{move || t().registered_at}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || items.get()
                        key=|l| (l.id, l.status)
                        children=move |l| {
                            let created = l.created_at;
                            let row_id = format!("letter-row-{}", l.tracking_code);
                            let code = l.tracking_code.clone();
                            view! {
                                <tr class:overdue=l.overdue data-testid=row_id>
                                    <td dir="ltr" data-label=move || t().tracking_code><A href=format!("/letters/{}", l.id)>{move || tracking_code(lang.get(), &code)}</A></td>
                                    <td data-label=move || t().applicant>{l.applicant_name.clone()}</td>
                                    <td data-label=move || t().subject>{l.subject.clone()}</td>
                                    <td data-label=move || t().holder>{l.holder_agency_name.clone()}</td>
                                    <td data-label=move || t().status>
                                        <StatusBadge status=l.status/>
                                        <Show when=move || l.overdue><span class="badge late">{move || t().overdue}</span></Show>
                                    </td>
                                    <td data-label=move || t().registered_at>{move || format_time(lang.get(), &created, false)}</td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
            <Show when=move || page.get().is_some() && items.with(Vec::is_empty)>
                <p class="muted">{move || t().no_letters}</p>
            </Show>
            <Show when=move || next.get().is_some()>
                <button data-testid="letters-more" on:click=move |_| after.set(next.get_untracked().map(|c| (filters.get_untracked(), c)))>{move || t().more}</button>
            </Show>
        </section>
    }
}
