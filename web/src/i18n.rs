//! Every user-visible string, in Persian (the default) and English, in one
//! place. The chosen language is remembered in local storage.

use leptos::prelude::*;

const STORAGE_KEY: &str = "chapar.lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fa,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fa => "fa",
            Lang::En => "en",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::Fa => "rtl",
            Lang::En => "ltr",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Fa => Lang::En,
            Lang::En => Lang::Fa,
        }
    }

    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Fa => &FA,
            Lang::En => &EN,
        }
    }

    fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fa" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The language saved by an earlier visit, Persian otherwise.
pub fn saved_lang() -> Lang {
    local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or(Lang::Fa)
}

pub fn save_lang(lang: Lang) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, lang.code());
    }
}

/// Sets `<html lang dir>` so the whole page, not only the app, flips direction.
pub fn apply_to_document(lang: Lang) {
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", lang.code());
        let _ = html.set_attribute("dir", lang.dir());
    }
}

/// The language signal, provided at the root.
pub fn use_lang() -> RwSignal<Lang> {
    use_context::<RwSignal<Lang>>().unwrap_or_else(|| RwSignal::new(Lang::Fa))
}

/// A reactive accessor for the current strings.
pub fn use_strings() -> impl Fn() -> &'static Strings + Copy {
    let lang = use_lang();
    move || lang.get().strings()
}

pub struct Strings {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub switch_language: &'static str,
    pub welcome_title: &'static str,
    pub welcome_body: &'static str,
    pub server_status: &'static str,
    pub server_checking: &'static str,
    pub server_ok: &'static str,
    pub server_down: &'static str,
    pub database: &'static str,
    pub version: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
}

pub const FA: Strings = Strings {
    app_name: "چاپار",
    tagline: "شبکه مکاتبات دولت در دفاتر پیشخوان",
    switch_language: "English",
    welcome_title: "نامه به هر دستگاه دولتی، از نزدیک‌ترین دفتر پیشخوان",
    welcome_body: "متصدی دفتر پیشخوان نامه را ثبت می‌کند، کد رهگیری صادر می‌شود، دستگاه پاسخ می‌دهد و هر مرحله با پیامک به متقاضی اطلاع داده می‌شود.",
    server_status: "وضعیت سامانه",
    server_checking: "در حال بررسی…",
    server_ok: "سامانه در دسترس است",
    server_down: "سامانه در دسترس نیست",
    database: "پایگاه داده",
    version: "نسخه",
    not_found_title: "صفحه پیدا نشد",
    not_found_body: "نشانی واردشده در سامانه وجود ندارد.",
    back_home: "بازگشت به خانه",
};

pub const EN: Strings = Strings {
    app_name: "Chapar",
    tagline: "Government correspondence through the service counter offices",
    switch_language: "فارسی",
    welcome_title: "A letter to any agency, from the nearest counter office",
    welcome_body: "The counter operator registers the letter, a tracking code is issued, the agency answers, and every step reaches the applicant by SMS.",
    server_status: "System status",
    server_checking: "Checking…",
    server_ok: "The system is up",
    server_down: "The system is unavailable",
    database: "Database",
    version: "Version",
    not_found_title: "Page not found",
    not_found_body: "There is no such address in Chapar.",
    back_home: "Back to home",
};
