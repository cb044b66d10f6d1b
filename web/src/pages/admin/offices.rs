//! Counter offices: list with search, create, edit, (de)activate.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::directory::{CounterOffice, CounterOfficeUpdate, NewCounterOffice, Page};

use super::ActiveBadge;
use crate::api;
use crate::components::form::{after_save, error_of, EditActions, FormErrors, TextField};
use crate::i18n::use_strings;

#[component]
pub fn OfficesPage() -> impl IntoView {
    let t = use_strings();
    let q = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        let path = format!(
            "/api/v1/counter-offices?limit=200&q={}",
            api::encode(&q.get())
        );
        reload.track();
        async move { api::get::<Page<CounterOffice>>(&path).await }
    });

    let editing = RwSignal::new(None::<String>);
    let [code, name, province, city, address, phone] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let errors: FormErrors = RwSignal::new(Vec::new());
    let general = RwSignal::new(None::<String>);
    let clear = move || {
        editing.set(None);
        for s in [code, name, province, city, address, phone] {
            s.set(String::new());
        }
        errors.set(Vec::new());
        general.set(None);
    };

    let save = Action::new_local(move |_: &()| {
        let request = NewCounterOffice {
            code: code.get_untracked(),
            name: name.get_untracked(),
            province: province.get_untracked(),
            city: city.get_untracked(),
            address: address.get_untracked(),
            phone: phone.get_untracked(),
        };
        let editing_code = editing.get_untracked();
        async move {
            let checked = match request.validate() {
                Ok(r) => r,
                Err(e) => return errors.set(e),
            };
            let result = match editing_code {
                Some(code) => {
                    let update = CounterOfficeUpdate {
                        name: Some(checked.name),
                        province: Some(checked.province),
                        city: Some(checked.city),
                        address: Some(checked.address),
                        phone: Some(checked.phone),
                        active: None,
                    };
                    api::patch::<_, CounterOffice>(
                        &format!("/api/v1/counter-offices/{code}"),
                        &update,
                    )
                    .await
                }
                None => api::post::<_, CounterOffice>("/api/v1/counter-offices", &checked).await,
            };
            after_save(result, errors, general, clear, reload);
        }
    });

    let toggle = move |o: CounterOffice| {
        spawn_local(async move {
            let update = CounterOfficeUpdate {
                active: Some(!o.active),
                ..Default::default()
            };
            let _ = api::patch::<_, CounterOffice>(
                &format!("/api/v1/counter-offices/{}", o.code),
                &update,
            )
            .await;
            reload.update(|n| *n += 1);
        });
    };
    let start_edit = move |o: CounterOffice| {
        editing.set(Some(o.code.clone()));
        code.set(o.code);
        name.set(o.name);
        province.set(o.province);
        city.set(o.city);
        address.set(o.address);
        phone.set(o.phone);
        errors.set(Vec::new());
    };

    view! {
        <section class="card">
            <h1>{move || t().offices}</h1>
            <input class="search" type="search" data-testid="office-search"
                placeholder=move || t().search bind:value=q/>
            <table class="grid" data-testid="office-table">
                <thead><tr>
                    <th>{move || t().code}</th><th>{move || t().name}</th><th>{move || t().city}</th>
                    <th>{move || t().phone}</th><th>{move || t().status}</th><th>{move || t().actions}</th>
                </tr></thead>
                <tbody>
                    <For
                        each=move || list.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default()
                        key=|o| format!("{:?}", o)
                        children=move |o| {
                            let (for_toggle, for_edit) = (o.clone(), o.clone());
                            view! {
                                <tr data-testid=format!("office-row-{}", o.code)>
                                    <td dir="ltr">{o.code.clone()}</td>
                                    <td>{o.name.clone()}</td>
                                    <td>{o.city.clone()}</td>
                                    <td dir="ltr">{o.phone.clone()}</td>
                                    <td><ActiveBadge active=o.active/></td>
                                    <td class="row-actions">
                                        <button class="link-button" on:click=move |_| start_edit(for_edit.clone())>{move || t().edit}</button>
                                        <button class="link-button" data-testid="toggle-active"
                                            on:click=move |_| toggle(for_toggle.clone())>
                                            {move || if o.active { t().deactivate } else { t().activate }}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </section>
        <section class="card">
            <h2>{move || if editing.get().is_some() { t().edit } else { t().new_office }}</h2>
            <form class="form-grid" on:submit=move |ev| { ev.prevent_default(); save.dispatch(()); }>
                <TextField label=Signal::derive(move || t().code) value=code testid="office-code" dir="ltr" error=error_of(errors, "code")/>
                <TextField label=Signal::derive(move || t().name) value=name testid="office-name" error=error_of(errors, "name")/>
                <TextField label=Signal::derive(move || t().province) value=province testid="office-province" error=error_of(errors, "province")/>
                <TextField label=Signal::derive(move || t().city) value=city testid="office-city" error=error_of(errors, "city")/>
                <TextField label=Signal::derive(move || t().address) value=address testid="office-address" error=error_of(errors, "address") optional=true/>
                <TextField label=Signal::derive(move || t().phone) value=phone testid="office-phone" dir="ltr" error=error_of(errors, "phone") optional=true/>
                <Show when=move || general.get().is_some()>
                    <p class="form-error">{move || general.get()}</p>
                </Show>
                <EditActions editing=Signal::derive(move || editing.get().is_some()) pending=save.pending().into()
                    testid="office-save" cancel=Callback::new(move |()| clear())/>
            </form>
        </section>
    }
}
