//! Letters: registration at the counter, the receipt, lists and detail.

pub mod detail;
pub mod list;
pub mod new;
pub mod receipt;

/// The public tracking address of a letter (printed as a QR code).
pub fn tracking_url(code: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/track?code={code}")
}
