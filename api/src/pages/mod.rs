//! Pages the server renders itself, as plain HTML with no script: the public
//! tracking page, which a citizen opens from an SMS on a phone and a slow
//! line. The SPA's WASM (≈ 420 KB) is for staff; this page is a few KB of
//! HTML over the SPA's own stylesheet and fonts, and it works without
//! JavaScript. Its words and formatting come from `shared::track_page`, as
//! the SPA's do.

mod track;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::{html, Markup, DOCTYPE};
use shared::track_page::{lang_cookie, lang_in_cookies, Lang};

/// Registers the pages (before the SPA's fallback takes every other path).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/track")
            .route(web::get().to(track::form))
            .route(web::head().to(track::form))
            .route(web::post().to(track::look_up)),
    );
}

/// No script at all, the SPA's stylesheet and fonts, forms only to itself.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; font-src 'self'; \
     img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The language of a page: `?lang=` when a link switched it, else the
/// cookie the SPA (or an earlier switch) left, else Persian.
fn lang_of(req: &HttpRequest) -> (Lang, bool) {
    let asked = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .ok()
        .and_then(|q| {
            q.iter()
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::from_code(v))
        });
    if let Some(lang) = asked {
        return (lang, true);
    }
    let saved = req
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .find_map(lang_in_cookies);
    (saved.unwrap_or(Lang::Fa), false)
}

/// The page around `content`: the SPA's top bar and a skip link, in
/// `lang`'s direction.
fn layout(lang: Lang, title: &str, switch_to: &str, content: Markup) -> Markup {
    let w = lang.words();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (w.app_name) }
                link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/assets/style.css";
            }
            body {
                div class="shell" dir=(lang.dir()) data-testid="shell" {
                    a class="skip-link" href="#main" data-testid="skip-link" { (w.skip_to_content) }
                    (top_bar(lang, switch_to, true))
                    main class="content" id="main" tabindex="-1" { (content) }
                }
            }
        }
    }
}

/// The SPA's top bar as a visitor sees it: the name, the way to log in and
/// the switch to the other language (`switch_to`); `testids` off where the
/// SPA will replace it (the browser tests wait for the SPA's own).
fn top_bar(lang: Lang, switch_to: &str, testids: bool) -> Markup {
    let w = lang.words();
    let id = |name: &'static str| testids.then_some(name);
    html! {
        header class="topbar" {
            a class="brand" href="/" {
                span class="brand-name" data-testid=[id("app-name")] { (w.app_name) }
                span class="brand-tagline" { (w.tagline) }
            }
            div class="user-box" {
                a href="/login" data-testid=[id("nav-login")] { (w.login) }
                a class="lang-switch" href=(switch_to) data-testid=[id("lang-switch")]
                    hreflang=(lang.other().code()) lang=(lang.other().code()) { (w.switch_language) }
            }
        }
    }
}

/// What the SPA's home page shows a visitor, as HTML in its `index.html`
/// (see `crate::spa`): painted at once on a slow line, and its tracking
/// form works (it posts to `/track`) before the WASM has arrived, which
/// then takes its place. Answers the language (and whether a link chose
/// it) and the markup.
pub fn home_preview(req: &HttpRequest) -> ((Lang, bool), Markup) {
    let (lang, switched) = lang_of(req);
    let w = lang.words();
    let switch_to = format!("/?lang={}", lang.other().code());
    let markup = html! {
        div id="preview" class="shell" dir=(lang.dir()) {
            (top_bar(lang, &switch_to, false))
            main class="content" {
                section class="card" {
                    h1 { (w.welcome_title) }
                    p { (w.welcome_body) }
                }
                (track::form_card(lang))
            }
        }
    };
    ((lang, switched), markup)
}

/// `markup` as a page: never cached (it may hold a citizen's letter), and
/// with the language remembered when a link switched it.
fn page(status: StatusCode, markup: Markup, (lang, switched): (Lang, bool)) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    res.content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ));
    if switched {
        res.insert_header((header::SET_COOKIE, lang_cookie(lang)));
    }
    res.body(markup.into_string())
}
