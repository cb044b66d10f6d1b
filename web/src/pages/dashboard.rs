//! The dashboard: the period's volume and answer speed, letters per day, the
//! backlog per agency and registrations per office, in the caller's scope
//! (the province for admins and auditors, an office, an agency). Charts are
//! plain SVG: nothing to download, readable when printed.

use leptos::prelude::*;
use shared::reports::{AgencyFigures, DayCount, Summary};

use crate::api;
use crate::components::export::ExportButton;
use crate::i18n::{digits, format_date, status_label, use_lang, use_strings, Lang};

/// Periods offered, in days, ending today.
const PERIODS: [i64; 4] = [7, 30, 90, 365];

#[component]
pub fn DashboardPage() -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let days = RwSignal::new(30i64);
    // The period's query, shared by the figures and their exports.
    let period = move || {
        let today = shared::reports::tehran_day(browser_now());
        let from = today - chrono::Duration::days(days.get() - 1);
        format!("from={from}&to={today}")
    };
    let summary = LocalResource::new(move || {
        let path = format!("/api/v1/reports/summary?{}", period());
        async move { api::get::<Summary>(&path).await }
    });
    let table = RwSignal::new("days".to_owned());
    view! {
        <section class="card" data-testid="dashboard">
            <div class="dashboard-head">
                <h1>{move || t().dashboard}</h1>
                <div class="period-switch" role="group">
                    {PERIODS.into_iter().map(|n| view! {
                        <button
                            class:selected=move || days.get() == n
                            data-testid=format!("period-{n}")
                            on:click=move |_| days.set(n)
                        >{move || format!("{} {}", digits(lang.get(), &n.to_string()), t().days_suffix)}</button>
                    }).collect_view()}
                </div>
            </div>
            <div class="filters" data-testid="dashboard-export">
                <select data-testid="dashboard-export-table" aria-label=move || t().export_table on:change=move |ev| table.set(event_target_value(&ev))>
                    <option value="days">{move || t().chart_per_day}</option>
                    <option value="agencies">{move || t().chart_backlog}</option>
                    <option value="statuses">{move || t().chart_by_status}</option>
                    <option value="offices">{move || t().chart_by_office}</option>
                </select>
                <ExportButton path=Signal::derive(move || format!("/api/v1/reports/summary/export?table={}&{}", table.get(), period())) testid="dashboard-export-button"/>
            </div>
            {move || match summary.get() {
                None => view! { <p class="muted">{t().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error">{e.text(crate::i18n::use_lang().get_untracked())}</p> }.into_any(),
                Some(Ok(s)) => view! { <Figures summary=s/> }.into_any(),
            }}
        </section>
    }
}

/// Now, from the browser's clock (chrono's own clock is not available in
/// wasm32-unknown-unknown).
fn browser_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

#[component]
fn Figures(summary: Summary) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let n = move |v: u32| digits(lang.get(), &v.to_string());
    let hours = move |h: Option<f64>| match h {
        None => "—".to_owned(),
        Some(h) if h < 48.0 => format!("{} {}", one_decimal(lang.get(), h), t().hours),
        Some(h) => format!("{} {}", one_decimal(lang.get(), h / 24.0), t().days_suffix),
    };
    let percent = move |p: Option<f64>| {
        p.map_or("—".to_owned(), |p| {
            let sign = if lang.get() == Lang::Fa { "٪" } else { "%" };
            format!(
                "{}{sign}",
                digits(lang.get(), &(p.round() as i64).to_string())
            )
        })
    };
    let Summary {
        registered,
        answered,
        median_answer_hours,
        on_time_percent,
        by_status,
        per_day,
        open,
        overdue,
        by_agency,
        by_office,
        ..
    } = summary;
    let status_max = by_status.iter().map(|s| s.count).max().unwrap_or(0).max(1);
    let office_max = by_office
        .iter()
        .map(|o| o.registered)
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <div class="kpis">
            <Kpi label=Signal::derive(move || t().kpi_registered) value=Signal::derive(move || n(registered)) testid="kpi-registered"/>
            <Kpi label=Signal::derive(move || t().kpi_answered) value=Signal::derive(move || n(answered)) testid="kpi-answered"/>
            <Kpi label=Signal::derive(move || t().kpi_median) value=Signal::derive(move || hours(median_answer_hours)) testid="kpi-median"/>
            <Kpi label=Signal::derive(move || t().kpi_on_time) value=Signal::derive(move || percent(on_time_percent)) testid="kpi-on-time"/>
            <Kpi label=Signal::derive(move || t().kpi_open) value=Signal::derive(move || n(open)) testid="kpi-open"/>
            <Kpi label=Signal::derive(move || t().kpi_overdue) value=Signal::derive(move || n(overdue)) testid="kpi-overdue" alert={overdue > 0}/>
        </div>

        <h2>{move || t().chart_per_day}</h2>
        <PerDayChart days=per_day/>

        <div class="chart-columns">
            <div>
                <h2>{move || t().chart_backlog}</h2>
                <AgencyBars agencies=by_agency/>
            </div>
            <div>
                <h2>{move || t().chart_by_status}</h2>
                <ul class="hbars" data-testid="chart-status">
                    {by_status.into_iter().map(|s| {
                        let width = percent_of(s.count, status_max);
                        view! {
                            <li data-status=s.status.as_str()>
                                <span class="hbar-label" dir="auto">{move || status_label(t(), s.status)}</span>
                                <span class="hbar-track"><span class=format!("hbar status-{}", s.status.as_str()) style=format!("inline-size: {width}%")></span></span>
                                <span class="hbar-value">{move || n(s.count)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <h2>{move || t().chart_by_office}</h2>
                {by_office.is_empty().then(|| view! { <p class="muted">{move || t().no_data}</p> })}
                <ul class="hbars" data-testid="chart-offices">
                    {by_office.into_iter().map(|o| {
                        let width = percent_of(o.registered, office_max);
                        view! {
                            <li data-code=o.counter_office_code.clone()>
                                <span class="hbar-label" dir="auto">{o.counter_office_name.clone()}</span>
                                <span class="hbar-track"><span class="hbar" style=format!("inline-size: {width}%")></span></span>
                                <span class="hbar-value">{move || n(o.registered)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </div>
    }
}

#[component]
fn Kpi(
    label: Signal<&'static str>,
    value: Signal<String>,
    testid: &'static str,
    #[prop(optional)] alert: bool,
) -> impl IntoView {
    view! {
        <div class="kpi" class:alert=alert data-testid=testid>
            <span class="kpi-value">{value}</span>
            <span class="kpi-label">{label}</span>
        </div>
    }
}

/// `part` of `whole` in whole percent (bar widths).
fn percent_of(part: u32, whole: u32) -> u32 {
    part * 100 / whole.max(1)
}

/// One decimal, in the user's digits and decimal separator, without float
/// formatting (which would add ~8 KiB of WASM).
fn one_decimal(lang: Lang, value: f64) -> String {
    let tenths = (value * 10.0).round() as i64;
    let separator = if lang == Lang::Fa { "٫" } else { "." };
    let text = format!("{}{separator}{}", tenths / 10, (tenths % 10).abs());
    digits(lang, &text)
}

/// Registered and answered letters per day: two bars a day. The SVG is drawn
/// left to right in time; in Persian the whole chart is mirrored so time runs
/// right to left like the text.
#[component]
fn PerDayChart(days: Vec<DayCount>) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    const HEIGHT: u32 = 160;
    const SLOT: u32 = 10;
    let highest = days
        .iter()
        .map(|d| d.registered.max(d.answered))
        .max()
        .unwrap_or(0);
    let max = highest.max(1);
    let width = SLOT * days.len().max(1) as u32;
    let scale = move |v: u32| v * (HEIGHT - 4) / max;
    let first = days.first().map(|d| d.date);
    let last = days.last().map(|d| d.date);
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let x = i as u32 * SLOT;
            let (r, a) = (scale(d.registered), scale(d.answered));
            let date = d.date;
            let tip = move || {
                format!(
                    "{}: {} {} · {} {}",
                    format_date(lang.get(), date),
                    digits(lang.get(), &d.registered.to_string()),
                    t().kpi_registered,
                    digits(lang.get(), &d.answered.to_string()),
                    t().kpi_answered
                )
            };
            view! {
                <g data-date=date.to_string() data-registered=d.registered data-answered=d.answered>
                    <title>{tip}</title>
                    <rect class="bar-registered" x=x + 1 y=HEIGHT - r width=4 height=r/>
                    <rect class="bar-answered" x=x + 5 y=HEIGHT - a width=4 height=a/>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid="chart-per-day">
            <svg
                viewBox=format!("0 0 {width} {HEIGHT}")
                preserveAspectRatio="none"
                class:mirrored=move || lang.get() == Lang::Fa
                role="img"
                aria-label=move || t().chart_per_day
            >
                <line class="axis" x1=0 y1=HEIGHT x2=width y2=HEIGHT/>
                {bars}
            </svg>
            <figcaption>
                <span class="legend"><i class="swatch bar-registered"></i>{move || t().kpi_registered}</span>
                <span class="legend"><i class="swatch bar-answered"></i>{move || t().kpi_answered}</span>
                <span class="muted">
                    {move || first.map(|d| format_date(lang.get(), d)).unwrap_or_default()}
                    " – "
                    {move || last.map(|d| format_date(lang.get(), d)).unwrap_or_default()}
                    " · " {move || t().chart_max} " " {move || digits(lang.get(), &highest.to_string())}
                </span>
            </figcaption>
        </figure>
    }
}

/// Open letters per agency, the overdue part in red, with answer figures.
#[component]
fn AgencyBars(agencies: Vec<AgencyFigures>) -> impl IntoView {
    let t = use_strings();
    let lang = use_lang();
    let max = agencies.iter().map(|a| a.open).max().unwrap_or(0).max(1);
    if agencies.is_empty() {
        return view! { <p class="muted" data-testid="chart-agencies">{move || t().no_data}</p> }
            .into_any();
    }
    view! {
        <ul class="hbars" data-testid="chart-agencies">
            {agencies.into_iter().map(|a| {
                let on_time = a.open - a.overdue;
                let w_on_time = percent_of(on_time, max);
                let w_late = percent_of(a.overdue, max);
                let detail = move || format!(
                    "{} {} · {} {} · {} {}",
                    digits(lang.get(), &a.open.to_string()), t().kpi_open,
                    digits(lang.get(), &a.overdue.to_string()), t().kpi_overdue,
                    digits(lang.get(), &a.answered.to_string()), t().kpi_answered,
                );
                view! {
                    <li data-code=a.agency_code.clone() data-open=a.open data-overdue=a.overdue>
                        <span class="hbar-label" dir="auto">{a.agency_name.clone()}</span>
                        <span class="hbar-track" title=detail>
                            <span class="hbar" style=format!("inline-size: {w_on_time}%")></span>
                            <span class="hbar late" style=format!("inline-size: {w_late}%")></span>
                        </span>
                        <span class="hbar-value">{move || digits(lang.get(), &a.open.to_string())}
                            {(a.overdue > 0).then(|| view! { <span class="badge late">{move || digits(lang.get(), &a.overdue.to_string())}</span> })}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
        <p class="chart-legend">
            <span class="legend"><i class="swatch hbar"></i>{move || t().in_time}</span>
            <span class="legend"><i class="swatch hbar late"></i>{move || t().kpi_overdue}</span>
        </p>
    }.into_any()
}
