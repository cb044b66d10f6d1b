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
    pub loading: &'static str,
    pub forbidden: &'static str,
    pub login: &'static str,
    pub logout: &'static str,
    pub login_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_failed: &'static str,
    pub too_many_attempts: &'static str,
    pub agencies: &'static str,
    pub offices: &'static str,
    pub users: &'static str,
    pub api_clients: &'static str,
    pub search: &'static str,
    pub code: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    pub sla_days: &'static str,
    pub province: &'static str,
    pub city: &'static str,
    pub address: &'static str,
    pub phone: &'static str,
    pub status: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub actions: &'static str,
    pub create: &'static str,
    pub save: &'static str,
    pub edit: &'static str,
    pub cancel: &'static str,
    pub deactivate: &'static str,
    pub activate: &'static str,
    pub new_agency: &'static str,
    pub new_office: &'static str,
    pub new_user: &'static str,
    pub new_client: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    pub role_admin: &'static str,
    pub role_operator: &'static str,
    pub role_clerk: &'static str,
    pub role_auditor: &'static str,
    pub office: &'static str,
    pub agency: &'static str,
    pub binding: &'static str,
    pub scopes: &'static str,
    pub choose: &'static str,
    pub client_id: &'static str,
    pub client_secret: &'static str,
    pub secret_once: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
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
    loading: "در حال بارگذاری…",
    forbidden: "شما به این صفحه دسترسی ندارید.",
    login: "ورود",
    logout: "خروج",
    login_title: "ورود به سامانه",
    username: "نام کاربری",
    password: "گذرواژه",
    login_failed: "نام کاربری یا گذرواژه نادرست است.",
    too_many_attempts: "تلاش‌های ناموفق زیاد بود؛ کمی بعد دوباره امتحان کنید.",
    agencies: "دستگاه‌ها",
    offices: "دفاتر پیشخوان",
    users: "کاربران",
    api_clients: "کلاینت‌های API",
    search: "جستجو",
    code: "کد",
    name: "نام",
    name_en: "نام انگلیسی",
    sla_days: "مهلت پاسخ (روز)",
    province: "استان",
    city: "شهر",
    address: "نشانی",
    phone: "تلفن",
    status: "وضعیت",
    active: "فعال",
    inactive: "غیرفعال",
    actions: "عملیات",
    create: "ایجاد",
    save: "ذخیره",
    edit: "ویرایش",
    cancel: "انصراف",
    deactivate: "غیرفعال‌سازی",
    activate: "فعال‌سازی",
    new_agency: "دستگاه جدید",
    new_office: "دفتر پیشخوان جدید",
    new_user: "کاربر جدید",
    new_client: "کلاینت API جدید",
    display_name: "نام نمایشی",
    role: "نقش",
    role_admin: "مدیر سامانه",
    role_operator: "متصدی دفتر پیشخوان",
    role_clerk: "دبیرخانه دستگاه",
    role_auditor: "بازرس",
    office: "دفتر پیشخوان",
    agency: "دستگاه",
    binding: "وابسته به",
    scopes: "دسترسی‌ها",
    choose: "انتخاب کنید…",
    client_id: "شناسه کلاینت",
    client_secret: "رمز کلاینت",
    secret_once: "این رمز فقط همین یک بار نمایش داده می‌شود؛ آن را اکنون کپی کنید.",
    copy: "کپی",
    copied: "کپی شد",
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
    loading: "Loading…",
    forbidden: "You may not open this page.",
    login: "Log in",
    logout: "Log out",
    login_title: "Log in to Chapar",
    username: "Username",
    password: "Password",
    login_failed: "Wrong username or password.",
    too_many_attempts: "Too many attempts; try again in a minute.",
    agencies: "Agencies",
    offices: "Counter offices",
    users: "Users",
    api_clients: "API clients",
    search: "Search",
    code: "Code",
    name: "Name",
    name_en: "English name",
    sla_days: "Answer within (days)",
    province: "Province",
    city: "City",
    address: "Address",
    phone: "Phone",
    status: "Status",
    active: "Active",
    inactive: "Inactive",
    actions: "Actions",
    create: "Create",
    save: "Save",
    edit: "Edit",
    cancel: "Cancel",
    deactivate: "Deactivate",
    activate: "Activate",
    new_agency: "New agency",
    new_office: "New counter office",
    new_user: "New user",
    new_client: "New API client",
    display_name: "Display name",
    role: "Role",
    role_admin: "Administrator",
    role_operator: "Counter operator",
    role_clerk: "Agency clerk",
    role_auditor: "Auditor",
    office: "Counter office",
    agency: "Agency",
    binding: "Bound to",
    scopes: "Scopes",
    choose: "Choose…",
    client_id: "Client id",
    client_secret: "Client secret",
    secret_once: "This secret is shown only once: copy it now.",
    copy: "Copy",
    copied: "Copied",
};

/// The label of a role in the current language.
pub fn role_label(t: &Strings, role: shared::auth::Role) -> &'static str {
    use shared::auth::Role;
    match role {
        Role::Admin => t.role_admin,
        Role::Operator => t.role_operator,
        Role::Clerk => t.role_clerk,
        Role::Auditor => t.role_auditor,
    }
}
