//! A clerk's inbox: everything at the agency, new and overdue counted,
//! overdue rows highlighted, acknowledge in place.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::inbox::{AckRequest, InboxPage};
use shared::letters::Letter;

use crate::api;
use crate::components::export::ExportButton;
use crate::components::form::{DayRange, DayRangeFields};
use crate::components::timeline::StatusBadge;
use crate::i18n::{digits, format_time, tracking_code, use_lang, use_strings};

#[component]
pub fn InboxPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let reload = RwSignal::new(0u32);
    let overdue_only = RwSignal::new(false);
    // `original`, `copy`, or empty for both.
    let kind = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let days = DayRange::new();
    // The filters as a query string; a half-typed date leaves the inbox as it was.
    let query = Memo::new(move |previous: Option<&String>| {
        let Some(days) = days.query() else {
            return previous.cloned().unwrap_or_default();
        };
        let mut query = format!(
            "view=open&sort=due&overdue={}&q={}{days}",
            overdue_only.get(),
            api::encode(&q.get())
        );
        let kind = kind.get();
        if !kind.is_empty() {
            query.push_str(&format!("&kind={kind}"));
        }
        query
    });
    let page = LocalResource::new(move || {
        reload.track();
        let path = format!("/api/v1/inbox?limit=200&{}", query.get());
        async move { api::get::<InboxPage>(&path).await }
    });
    let ack = move |delivery: i32| {
        spawn_local(async move {
            let _ = api::post::<_, Letter>(
                &format!("/api/v1/inbox/{delivery}/ack"),
                &AckRequest::default(),
            )
            .await;
            reload.update(|n| *n += 1);
        });
    };
    let fa_count = move |n: i64| crate::i18n::digits(lang.get(), &n.to_string());
    view! {
        <section class="card">
            <h1>{move || t().inbox}</h1>
            <div class="filters">
                <input class="search" type="search" data-testid="inbox-search" aria-label=move || t().inbox_search placeholder=move || t().inbox_search bind:value=q/>
                <span class="badge ok" data-testid="inbox-new-count">
                    {move || t().new_items} ": " {move || page.get().and_then(Result::ok).map(|p| fa_count(p.new_count)).unwrap_or_default()}
                </span>
                <span class="badge late" data-testid="inbox-overdue-count">
                    {move || t().overdue_items} ": " {move || page.get().and_then(Result::ok).map(|p| fa_count(p.overdue_count)).unwrap_or_default()}
                </span>
                <label class="check"><input type="checkbox" data-testid="inbox-overdue-only" on:change=move |ev| overdue_only.set(event_target_checked(&ev))/>{move || t().overdue}</label>
                    <select data-testid="inbox-kind" aria-label=move || t().inbox_kind on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="">{move || t().inbox_all_kinds}</option>
                        <option value="original">{move || t().inbox_originals}</option>
                        <option value="copy">{move || t().inbox_copies}</option>
                    </select>
                <ExportButton path=Signal::derive(move || format!("/api/v1/inbox/export?{}", query.get())) testid="inbox-export"/>
            </div>
            <DayRangeFields range=days from_label=Signal::derive(move || t().delivered_from)
                to_label=Signal::derive(move || t().delivered_to) testids=("inbox-from", "inbox-to")/>
            <table class="grid" data-testid="inbox-table">
                <thead><tr>
                    <th>{move || t().tracking_code}</th><th>{move || t().subject}</th><th>{move || t().from_agency}</th>
                    <th>{move || t().delivered_at}</th><th>{move || t().due_at}</th><th>{move || t().status}</th><th>{move || t().actions}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || page.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default()
                        key=|i| (i.delivery_id, i.acknowledged_at.is_some(), i.letter.version)
                        children=move |i| {
                            let (delivered, due) = (i.delivered_at, i.due_at);
                            let delivery = i.delivery_id;
                            let row_id = format!("inbox-row-{}", i.letter.tracking_code);
                            let unacked = i.acknowledged_at.is_none();
                            let code = i.letter.tracking_code.clone();
                            let reference = i.agency_reference.clone().unwrap_or_default();
                            view! {
                                <tr class:overdue=i.overdue class:unread=unacked data-testid=row_id>
                                    <td dir="ltr" data-label=move || t().tracking_code><A href=format!("/letters/{}", i.letter.id)>{move || tracking_code(lang.get(), &code)}</A></td>
                                    <td data-label=move || t().subject>
                                        {i.letter.subject.clone()}
                                        {i.copy.then(|| view! {
                                            " " <span class="badge copy-badge" data-testid="inbox-copy">{move || t().copy_badge}</span>
                                        })}
                                        {i.letter.related.iter().find(|r| r.earlier).map(|r| view! {
                                            " " <span class="badge" data-testid="inbox-follow-up">{r.relation.persian()}</span>
                                        })}
                                    </td>
                                    <td data-label=move || t().from_agency>{i.from_agency_name.clone().unwrap_or_else(|| i.letter.counter_office_name.clone())}</td>
                                    <td data-label=move || t().delivered_at>{move || format_time(lang.get(), &delivered, false)}</td>
                                    <td data-label=move || t().due_at>{move || format_time(lang.get(), &due, false)}</td>
                                    <td data-label=move || t().status><StatusBadge status=i.letter.status/></td>
                                    <td data-label=move || t().actions>
                                        <Show when=move || unacked fallback=move || {
                                            let reference = reference.clone();
                                            view! {
                                                <span class="muted">{move || t().acknowledged}</span>
                                                " " <span dir="ltr" data-testid="inbox-reference" title=move || t().secretariat_number>{move || digits(lang.get(), &reference)}</span>
                                            }
                                        }>
                                            <button class="link-button" data-testid="inbox-ack" on:click=move |_| ack(delivery)>{move || t().acknowledge}</button>
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
            <Show when=move || page.get().and_then(Result::ok).is_some_and(|p| p.items.is_empty())>
                <p class="muted">{move || t().empty_inbox}</p>
            </Show>
        </section>
    }
}
