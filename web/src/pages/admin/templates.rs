//! SMS templates: edit the text of each step with a live preview and its
//! length in SMS parts; unknown placeholders are flagged as you type.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::sms::{preview, validate_template, SmsTemplate, TemplateBody};

use crate::api;
use crate::i18n::{digits, field_text, use_lang, use_strings};

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let t = use_strings();
    let reload = RwSignal::new(0u32);
    let templates = LocalResource::new(move || {
        reload.track();
        async move { api::get::<Vec<SmsTemplate>>("/api/v1/sms/templates").await }
    });
    view! {
        <section class="card">
            <h1>{move || t().sms_templates}</h1>
            <Suspense fallback=move || view! { <p class="muted">{t().loading}</p> }>
                {move || templates.get().and_then(Result::ok).map(|list| list.into_iter().map(|tpl| view! { <TemplateEditor tpl reload/> }).collect_view())}
            </Suspense>
        </section>
    }
}

#[component]
fn TemplateEditor(tpl: SmsTemplate, reload: RwSignal<u32>) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let kind = tpl.kind.clone();
    let body = RwSignal::new(tpl.body.clone());
    let saved = RwSignal::new(false);
    let k = kind.clone();
    let problem = Signal::derive(move || {
        validate_template(&k, &body.get()).err().map(|e| {
            e.into_iter()
                .map(|e| field_text(lang.get(), &e))
                .collect::<Vec<_>>()
                .join("؛ ")
        })
    });
    let shown = Signal::derive(move || preview(&body.get()));
    let (save_kind, reset_kind) = (kind.clone(), kind.clone());
    let save = move |_| {
        let kind = save_kind.clone();
        let request = TemplateBody {
            body: body.get_untracked(),
        };
        spawn_local(async move {
            if api::put::<_, SmsTemplate>(&format!("/api/v1/sms/templates/{kind}"), &request)
                .await
                .is_ok()
            {
                saved.set(true);
            }
        });
    };
    let reset = move |_| {
        let kind = reset_kind.clone();
        spawn_local(async move {
            let _ = api::call::<(), ()>(
                gloo_net::http::Method::DELETE,
                &format!("/api/v1/sms/templates/{kind}"),
                None,
            )
            .await;
            reload.update(|n| *n += 1);
        });
    };
    let placeholders = tpl
        .placeholders
        .iter()
        .map(|p| format!("{{{p}}}"))
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="action-box template" data-testid=format!("template-{kind}")>
            <label class="field">
                <span class="field-label">{kind.clone()} <span class="muted" dir="ltr">{placeholders}</span></span>
                <textarea rows="3" data-testid="template-body" class:invalid=move || problem.get().is_some()
                    on:input=move |ev| { body.set(event_target_value(&ev)); saved.set(false); } prop:value=move || body.get()></textarea>
                <Show when=move || problem.get().is_some()>
                    <span class="field-error" data-testid="template-error">{move || problem.get()}</span>
                </Show>
            </label>
            <p class="muted" data-testid="template-preview">
                {move || shown.get().text} " — "
                {move || digits(lang.get(), &shown.get().characters.to_string())} " / "
                {move || digits(lang.get(), &shown.get().parts.to_string())} " " {move || t().parts}
            </p>
            <button class="primary" data-testid="template-save" disabled=move || problem.get().is_some() on:click=save>{move || if saved.get() { t().saved_label } else { t().save }}</button>
            <Show when=move || tpl.edited>
                <button on:click=reset.clone()>{move || t().reset_default}</button>
            </Show>
        </div>
    }
}
