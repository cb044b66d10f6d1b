//! Chapar SPA entry point: mounts the app.

mod api;
mod app;
mod components;
mod i18n;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    // The home page as the server painted it for the wait (`api::pages`):
    // the app takes its place.
    if let Some(preview) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("preview"))
    {
        preview.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
