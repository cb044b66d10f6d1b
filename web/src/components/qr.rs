//! A QR code drawn as inline SVG (nothing is fetched).

use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::QrCode;

/// The SVG markup of a QR code for `text`.
pub fn qr_svg(text: &str) -> String {
    QrCode::new(text.as_bytes())
        .map(|code| {
            code.render::<svg::Color<'_>>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default()
}

#[component]
pub fn Qr(
    /// What the code encodes (e.g. the public tracking address).
    text: String,
    testid: &'static str,
) -> impl IntoView {
    view! { <div class="qr" data-testid=testid inner_html=qr_svg(&text)></div> }
}
