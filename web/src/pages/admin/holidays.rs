//! The holiday calendar of working-day SLAs: admins add, rename and remove
//! holidays, typing dates in the Jalali calendar (Persian digits welcome).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::directory::Holiday;
use shared::FieldError;

use crate::api;
use crate::components::form::{error_of, show_api_error, FormErrors, TextField};
use crate::i18n::{format_date, use_lang, use_strings};

#[component]
pub fn HolidaysPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        async move { api::get::<Vec<Holiday>>("/api/v1/holidays").await }
    });
    let date = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let errors: FormErrors = RwSignal::new(Vec::new());
    let general = RwSignal::new(None::<String>);

    let save = Action::new_local(move |_: &()| {
        let typed = date.get_untracked();
        let occasion = name.get_untracked();
        async move {
            let day = match shared::jalali::parse_date(&typed) {
                Ok(day) => day,
                Err(e) => return errors.set(vec![FieldError::new("day", e.code())]),
            };
            let holiday = Holiday {
                day,
                name: occasion,
            };
            match api::post::<_, ()>("/api/v1/holidays", &holiday).await {
                Ok(()) => {
                    date.set(String::new());
                    name.set(String::new());
                    errors.set(Vec::new());
                    general.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(err) => show_api_error(&err, errors, general),
            }
        }
    });
    let remove = move |day: chrono::NaiveDate| {
        spawn_local(async move {
            let _ = api::delete(&format!("/api/v1/holidays/{day}")).await;
            reload.update(|n| *n += 1);
        });
    };

    view! {
        <section class="card">
            <h1>{move || t().holidays}</h1>
            <p class="muted">{move || t().holidays_hint}</p>
            <form class="form-grid" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <TextField label=Signal::derive(move || t().holiday_date) value=date testid="holiday-date"
                    dir="ltr" error=error_of(errors, "day")/>
                <TextField label=Signal::derive(move || t().holiday_name) value=name testid="holiday-name"
                    error=error_of(errors, "name")/>
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="holiday-save"
                        disabled=move || save.pending().get()>{move || t().add_holiday}</button>
                </div>
                <Show when=move || general.get().is_some()>
                    <p class="form-error">{move || general.get()}</p>
                </Show>
            </form>
            <table class="grid" data-testid="holiday-table">
                <thead><tr>
                    <th>{move || t().holiday_date}</th><th>{move || t().holiday_name}</th><th></th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || list.get().and_then(Result::ok).unwrap_or_default()
                        key=|h| (h.day, h.name.clone())
                        children=move |h| {
                            let day = h.day;
                            view! {
                                <tr data-testid=format!("holiday-{day}")>
                                    <td>{move || format_date(lang.get(), day)}</td>
                                    <td>{h.name.clone()}</td>
                                    <td class="row-actions">
                                        <button class="link-button" data-testid="holiday-remove"
                                            on:click=move |_| remove(day)>{move || t().remove}</button>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
    }
}
