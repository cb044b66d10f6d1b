//! The receipt handed to the applicant: tracking code, QR code of the public
//! tracking address, and a print layout.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::directory::CounterOffice;
use shared::letters::Letter;

use crate::api;
use crate::components::qr::Qr;
use crate::i18n::{digits, format_time, tracking_code, use_lang, use_strings};
use leptos_router::components::A;

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let params = use_params_map();
    let letter = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move { api::get::<Letter>(&format!("/api/v1/letters/{id}")).await }
    });
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t().loading}</p> }>
            {move || letter.get().map(|r| match r {
                Err(e) => view! { <p class="form-error">{e.text(crate::i18n::use_lang().get_untracked())}</p> }.into_any(),
                Ok(l) => {
                    let national_id = l.applicant.national_id.clone();
                    let files = l.attachments.len().to_string();
                    let code = l.tracking_code.clone();
                    let created = l.created_at;
                    let due = l.due_at;
                    view! {
                        <section class="card receipt" data-testid="receipt">
                            <h1>{move || t().receipt}</h1>
                            <div class="receipt-body">
                                <dl class="facts">
                                    <dt>{move || t().tracking_code}</dt>
                                    <dd class="tracking-code" dir="ltr" data-testid="receipt-tracking-code" data-code=code.clone()>
                                        {let code = code.clone(); move || tracking_code(lang.get(), &code)}
                                    </dd>
                                    <dt>{move || t().applicant}</dt>
                                    <dd>{l.applicant.display_name()}</dd>
                                    <dt>{move || t().national_code}</dt>
                                    <dd dir="ltr">{move || digits(lang.get(), &national_id)}</dd>
                                    <dt>{move || t().recipient_agency}</dt>
                                    <dd data-testid="receipt-agency">{l.recipient_agency_name.clone()}</dd>
                                    <dt>{move || t().office}</dt>
                                    <dd data-testid="receipt-office">{l.counter_office_name.clone()}</dd>
                                    <OfficeContact code=l.counter_office_code.clone()/>
                                    <dt>{move || t().subject}</dt>
                                    <dd>{l.subject.clone()}</dd>
                                    <dt>{move || t().registered_at}</dt>
                                    <dd>{move || format_time(lang.get(), &created, true)}</dd>
                                    <dt>{move || t().due_at}</dt>
                                    <dd>{move || due.map(|d| format_time(lang.get(), &d, false)).unwrap_or_default()}</dd>
                                    <dt>{move || t().attachments}</dt>
                                    <dd data-testid="receipt-attachments">{move || digits(lang.get(), &files)}</dd>
                                </dl>
                                <Qr text=l.tracking_url.clone() testid="receipt-qr"/>
                            </div>
                            <p class="muted">{move || t().receipt_hint}</p>
                            <p class="tracking-url" dir="ltr" data-latin-ok data-testid="receipt-url">{l.tracking_url.clone()}</p>
                            <div class="form-actions no-print">
                                <button class="primary" data-testid="print" on:click=move |_| {
                                    if let Some(w) = web_sys::window() { let _ = w.print(); }
                                }>{move || t().print}</button>
                                // The queue moves on: a fresh form, the focus on the national code.
                                <A href="/letters/new" attr:class="button-like" attr:data-testid="next-applicant">{move || t().next_applicant}</A>
                                <a href=format!("/letters/{}", l.id)>{move || t().open}</a>
                            </div>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// Where the applicant can come back or call: the registering office's
/// address and phone (nothing when they cannot be read).
#[component]
fn OfficeContact(code: String) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let office = LocalResource::new(move || {
        let code = code.clone();
        async move { api::get::<CounterOffice>(&format!("/api/v1/counter-offices/{code}")).await }
    });
    move || {
        office.get().and_then(Result::ok).map(|o| {
            let contact = format!("{}، {} — {}", o.city, o.address, o.phone);
            view! {
                <dt>{move || t().office_contact}</dt>
                <dd data-testid="receipt-office-contact">{move || digits(lang.get(), &contact)}</dd>
            }
        })
    }
}
