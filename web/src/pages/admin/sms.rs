//! The SMS outbox: filter by status, see attempts and errors, retry failed
//! messages.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::directory::Page;
use shared::sms::{sms_parts, AttemptRow, OutboxRow};

use crate::api;
use crate::i18n::{digits, format_time, sms_kind_label, sms_status_label, use_lang, use_strings};

const STATUSES: [&str; 5] = ["pending", "sent", "failed", "delivered", "undelivered"];

#[component]
pub fn SmsPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let status = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let rows = LocalResource::new(move || {
        reload.track();
        let s = status.get();
        let path = if s.is_empty() {
            "/api/v1/notifications?limit=200".to_owned()
        } else {
            format!("/api/v1/notifications?limit=200&status={s}")
        };
        async move { api::get::<Page<OutboxRow>>(&path).await }
    });
    let open = RwSignal::new(None::<i32>);
    let attempts = LocalResource::new(move || {
        let id = open.get();
        async move {
            match id {
                Some(id) => {
                    api::get::<Vec<AttemptRow>>(&format!("/api/v1/notifications/{id}/attempts"))
                        .await
                        .unwrap_or_default()
                }
                None => Vec::new(),
            }
        }
    });
    let retry = move |id: i32| {
        spawn_local(async move {
            let _ = api::post::<_, ()>(
                &format!("/api/v1/notifications/{id}/retry"),
                &serde_json::json!({}),
            )
            .await;
            reload.update(|n| *n += 1);
        });
    };
    view! {
        <section class="card">
            <h1>{move || t().sms_outbox}</h1>
            <div class="filters">
                <select data-testid="sms-status" aria-label=move || t().status on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{move || t().all_statuses}</option>
                    {STATUSES.into_iter().map(|s| view! { <option value=s>{move || sms_status_label(t(), s)}</option> }).collect_view()}
                </select>
                <button aria-label=move || t().refresh title=move || t().refresh on:click=move |_| reload.update(|n| *n += 1)>"↻"</button>
            </div>
            <table class="grid" data-testid="sms-table">
                <thead><tr>
                    <th>"#"</th><th>{move || t().mobile}</th><th>{move || t().event}</th><th>{move || t().text}</th>
                    <th>{move || t().status}</th><th>{move || t().attempts}</th><th>{move || t().last_error}</th><th>{move || t().sent_at}</th><th><span class="visually-hidden">{move || t().actions}</span></th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || rows.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default()
                        key=|r| (r.id, r.status.clone(), r.attempts)
                        children=move |r| {
                            let id = r.id;
                            let failed = r.status == "failed";
                            let sent = r.sent_at;
                            let parts = sms_parts(&r.text);
                            let (mobile, kind, state, attempts) =
                                (r.mobile.clone(), r.event_kind.clone(), r.status.clone(), r.attempts);
                            view! {
                                <tr data-testid=format!("sms-row-{}", r.id) data-status=r.status.clone() on:click=move |_| open.set(Some(id))>
                                    <td>{move || digits(lang.get(), &id.to_string())}</td>
                                    <td dir="ltr">{move || digits(lang.get(), &mobile)}</td>
                                    <td>{move || sms_kind_label(t(), &kind)}</td>
                                    <td class="sms-text">{r.text.clone()} <span class="muted">{move || format!(" ({} {})", digits(lang.get(), &parts.to_string()), t().parts)}</span></td>
                                    <td><span class=format!("badge sms-{}", r.status)>{move || sms_status_label(t(), &state)}</span></td>
                                    <td>{move || digits(lang.get(), &attempts.to_string())}</td>
                                    <td class="muted">{r.last_error.clone().unwrap_or_default()}</td>
                                    <td>{move || sent.map(|s| format_time(lang.get(), &s, true)).unwrap_or_default()}</td>
                                    <td>
                                        <Show when=move || failed>
                                            <button class="link-button" data-testid="sms-retry" on:click=move |_| retry(id)>{move || t().retry_now}</button>
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
        <Show when=move || open.get().is_some()>
            <section class="card" data-testid="sms-attempts">
                <h2>{move || t().attempts} " #" {move || open.get().unwrap_or_default()}</h2>
                <ol>
                    {move || attempts.get().unwrap_or_default().into_iter().map(|a| {
                        let at = a.at;
                        view! {
                            <li>
                                {move || format_time(lang.get(), &at, true)} " · " {a.outcome.clone()} " · " {format!("{} ms", a.duration_ms)}
                                {a.error.clone().map(|e| view! { <span class="muted">" · " {e}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        </Show>
    }
}
