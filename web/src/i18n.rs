//! Every user-visible string, in Persian (the default) and English, in one
//! place. The chosen language is remembered in local storage.

use leptos::prelude::*;
use shared::{ErrorCode, FieldError};

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
    pub reset_password: &'static str,
    pub sms_templates: &'static str,
    pub saved_label: &'static str,
    pub reset_default: &'static str,
    pub working_days: &'static str,
    pub working_days_short: &'static str,
    pub sms_outbox: &'static str,
    pub sms_failed_badge: &'static str,
    pub sms_stuck_badge: &'static str,
    pub retry_now: &'static str,
    pub attempts: &'static str,
    pub last_error: &'static str,
    pub sent_at: &'static str,
    pub event: &'static str,
    pub text: &'static str,
    pub parts: &'static str,
    pub sms_opted_out: &'static str,
    pub classification: &'static str,
    pub classification_normal: &'static str,
    pub classification_confidential: &'static str,
    pub confidential_hidden: &'static str,
    pub inbox: &'static str,
    pub new_items: &'static str,
    pub overdue_items: &'static str,
    pub from_agency: &'static str,
    pub delivered_at: &'static str,
    pub acknowledge: &'static str,
    pub secretariat_number: &'static str,
    pub relation: &'static str,
    pub related_code: &'static str,
    pub later_letter: &'static str,
    pub export_csv: &'static str,
    pub downloading: &'static str,
    pub answer_templates: &'static str,
    pub answer_templates_hint: &'static str,
    pub new_answer_template: &'static str,
    pub all_agencies: &'static str,
    pub answer_template_pick: &'static str,
    pub secretariat_date: &'static str,
    pub reference_numbered: &'static str,
    pub reference_pattern: &'static str,
    pub reference_pattern_hint: &'static str,
    pub acknowledged: &'static str,
    pub refer: &'static str,
    pub refer_to: &'static str,
    pub note: &'static str,
    pub reject: &'static str,
    pub reason: &'static str,
    pub withdraw: &'static str,
    pub close: &'static str,
    pub internal_note: &'static str,
    pub add_note: &'static str,
    pub send_answer: &'static str,
    pub actions_title: &'static str,
    pub print_answer: &'static str,
    pub confirm_withdraw: &'static str,
    pub empty_inbox: &'static str,
    pub letters: &'static str,
    pub new_letter: &'static str,
    pub track: &'static str,
    pub applicant: &'static str,
    pub natural_person: &'static str,
    pub legal_person: &'static str,
    pub national_code: &'static str,
    pub legal_id: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub father_name: &'static str,
    pub organization_name: &'static str,
    pub representative_name: &'static str,
    pub mobile: &'static str,
    pub postal_code: &'static str,
    pub recipient_agency: &'static str,
    pub search_agency: &'static str,
    pub subject: &'static str,
    pub body: &'static str,
    pub priority: &'static str,
    pub priority_normal: &'static str,
    pub priority_urgent: &'static str,
    pub applicant_reference: &'static str,
    pub attachments: &'static str,
    pub attachments_hint: &'static str,
    pub register: &'static str,
    pub registering: &'static str,
    pub uploading: &'static str,
    pub receipt: &'static str,
    pub tracking_code: &'static str,
    pub registered_at: &'static str,
    pub due_at: &'static str,
    pub print: &'static str,
    pub receipt_hint: &'static str,
    pub timeline: &'static str,
    pub holder: &'static str,
    pub overdue: &'static str,
    pub all_statuses: &'static str,
    pub optional: &'static str,
    pub office_contact: &'static str,
    pub sms_pending: &'static str,
    pub sms_sent: &'static str,
    pub sms_failed: &'static str,
    pub sms_delivered: &'static str,
    pub sms_undelivered: &'static str,
    pub refresh: &'static str,
    pub open: &'static str,
    pub download: &'static str,
    pub answer: &'static str,
    pub track_title: &'static str,
    pub track_button: &'static str,
    pub track_not_found: &'static str,
    pub national_id: &'static str,
    pub chain_intact: &'static str,
    pub chain_broken: &'static str,
    pub no_letters: &'static str,
    pub status_registered: &'static str,
    pub status_delivered: &'static str,
    pub status_received: &'static str,
    pub status_answered: &'static str,
    pub status_rejected: &'static str,
    pub status_closed: &'static str,
    pub status_withdrawn: &'static str,
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
    pub session_ended: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub login_failed: &'static str,
    pub too_many_attempts: &'static str,
    /// `{n}`: seconds until a rate-limited request may be tried again.
    pub wait_seconds: &'static str,
    pub network_error: &'static str,
    pub unexpected_answer: &'static str,
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
    pub dashboard: &'static str,
    pub days_suffix: &'static str,
    pub hours: &'static str,
    pub kpi_registered: &'static str,
    pub kpi_answered: &'static str,
    pub kpi_median: &'static str,
    pub kpi_on_time: &'static str,
    pub kpi_open: &'static str,
    pub kpi_overdue: &'static str,
    pub chart_per_day: &'static str,
    pub chart_backlog: &'static str,
    pub chart_by_status: &'static str,
    pub chart_by_office: &'static str,
    pub chart_max: &'static str,
    pub no_data: &'static str,
    pub in_time: &'static str,
    pub holidays: &'static str,
    pub confidential_reads: &'static str,
    pub confidential_reads_hint: &'static str,
    pub no_confidential_reads: &'static str,
    pub read_at: &'static str,
    pub read_by: &'static str,
    pub read_what: &'static str,
    pub read_letter: &'static str,
    pub read_file: &'static str,
    pub read_tracking: &'static str,
    pub holidays_hint: &'static str,
    pub holiday_date: &'static str,
    pub holiday_name: &'static str,
    pub add_holiday: &'static str,
    pub remove: &'static str,
    pub overdue_only: &'static str,
    pub registered_from: &'static str,
    pub registered_to: &'static str,
    pub more: &'static str,
    pub menu: &'static str,
    pub skip_to_content: &'static str,
    pub fix_these: &'static str,
    pub next_applicant: &'static str,
    pub duplicate_title: &'static str,
    pub duplicate_hint: &'static str,
    pub register_anyway: &'static str,
    pub back_to_form: &'static str,
    pub choose_files: &'static str,
    pub no_file_chosen: &'static str,
    pub ev_registered: &'static str,
    pub ev_delivered: &'static str,
    pub ev_received: &'static str,
    pub ev_referred: &'static str,
    pub ev_answered: &'static str,
    pub ev_note: &'static str,
    pub copies: &'static str,
    pub copies_hint: &'static str,
    pub copy_badge: &'static str,
    pub copy_explained: &'static str,
    pub inbox_kind: &'static str,
    pub inbox_all_kinds: &'static str,
    pub inbox_originals: &'static str,
    pub inbox_copies: &'static str,
    pub copy_seen: &'static str,
    pub copy_not_seen: &'static str,
    pub ev_copied: &'static str,
    pub ev_copy_seen: &'static str,
    pub file_pdf: &'static str,
    pub file_image: &'static str,
    pub file_other: &'static str,
    pub kilobytes: &'static str,
    pub megabytes: &'static str,
}

pub const FA: Strings = Strings {
    reset_password: "تغییر گذرواژه",
    sms_templates: "متن پیامک‌ها",
    saved_label: "ذخیره شد",
    reset_default: "بازگشت به متن پیش‌فرض",
    working_days: "فقط روزهای کاری (بدون جمعه و تعطیلات)",
    working_days_short: "(کاری)",
    sms_outbox: "صف پیامک",
    sms_failed_badge: "پیامک ناموفق",
    sms_stuck_badge: "پیامک‌ها در صف مانده‌اند",
    retry_now: "ارسال دوباره",
    attempts: "تلاش‌ها",
    last_error: "آخرین خطا",
    sent_at: "زمان ارسال",
    event: "رویداد",
    text: "متن",
    parts: "بخش",
    sms_opted_out: "این شماره پیامک نمی‌خواهد",
    classification: "طبقه‌بندی",
    classification_normal: shared::letters::Classification::Normal.persian(),
    classification_confidential: shared::letters::Classification::Confidential.persian(),
    confidential_hidden: "متن و پیوست‌های این نامهٔ محرمانه فقط برای دفتر ثبت‌کننده، دستگاه دارندهٔ نامه و مدیر سامانه است.",
    inbox: "کارتابل",
    new_items: "جدید",
    overdue_items: "دیرکرد",
    from_agency: "ارجاع از",
    delivered_at: "تاریخ تحویل",
    acknowledge: "دریافت",
    secretariat_number: "شمارهٔ ثبت دبیرخانه",
    relation: "پیرو یا عطف به نامهٔ پیشین",
    related_code: "کد رهگیری نامهٔ پیشینِ همین متقاضی",
    later_letter: "نامهٔ بعدی",
    export_csv: "دریافت فهرست برای اکسل",
    downloading: "در حال دریافت:",
    answer_templates: "قالب‌های پاسخ",
    answer_templates_hint: "متن‌های آمادهٔ پاسخ که کارشناس هنگام پاسخ برمی‌گزیند و ویرایش می‌کند. جای‌نگهدارها از نامه پر می‌شوند (نام متقاضی، کد رهگیری، موضوع، تاریخ ثبت، امروز، نام دستگاه):",
    new_answer_template: "قالب پاسخ تازه",
    all_agencies: "همهٔ دستگاه‌ها",
    answer_template_pick: "قالب پاسخ",
    secretariat_date: "تاریخ ثبت دبیرخانه",
    reference_numbered: "شمارهٔ ثبت دبیرخانه را چاپار به ترتیب، از شمارندهٔ همین دستگاه، می‌دهد.",
    reference_pattern: "الگوی شماره‌گذاری خودکار دبیرخانه",
    reference_pattern_hint: "خالی: شماره را دبیرخانه خودش وارد می‌کند. نمونه: {year}/{seq} (سال شمسی و شمارهٔ ترتیب که هر سال از ۱ آغاز می‌شود؛ {yy} و {month} نیز هست).",
    acknowledged: "دریافت شده",
    refer: "ارجاع",
    refer_to: "ارجاع به",
    note: "یادداشت",
    reject: "رد نامه",
    reason: "علت",
    withdraw: "انصراف متقاضی (بازپس‌گیری)",
    close: "تحویل پاسخ به متقاضی",
    internal_note: "یادداشت داخلی (فقط کارکنان)",
    add_note: "افزودن یادداشت",
    send_answer: "ثبت پاسخ",
    actions_title: "اقدام",
    print_answer: "چاپ برگه پاسخ",
    confirm_withdraw: "نامه به درخواست متقاضی بازپس گرفته شود؟",
    empty_inbox: "کارتابل خالی است.",
    letters: "نامه‌ها",
    new_letter: "ثبت نامه جدید",
    track: "پیگیری نامه",
    applicant: "متقاضی",
    natural_person: "شخص حقیقی",
    legal_person: "شخص حقوقی",
    national_code: "کد ملی",
    legal_id: "شناسه ملی",
    first_name: "نام",
    last_name: "نام خانوادگی",
    father_name: "نام پدر",
    organization_name: "نام سازمان / شرکت",
    representative_name: "نام نماینده",
    mobile: "تلفن همراه",
    postal_code: "کد پستی",
    recipient_agency: "دستگاه گیرنده",
    search_agency: "جستجوی دستگاه…",
    subject: "موضوع",
    body: "متن نامه",
    priority: "فوریت",
    priority_normal: shared::letters::Priority::Normal.persian(),
    priority_urgent: shared::letters::Priority::Urgent.persian(),
    applicant_reference: "شماره مرجع متقاضی",
    attachments: "پیوست‌ها",
    attachments_hint: "سند پی‌دی‌اف یا تصویر (جی‌پگ، پی‌ان‌جی)؛ حداکثر ۱۰ مگابایت هر پرونده",
    register: "ثبت نامه",
    registering: "در حال ثبت…",
    uploading: "در حال بارگذاری پیوست‌ها…",
    receipt: "رسید ثبت نامه",
    tracking_code: "کد رهگیری",
    registered_at: "تاریخ ثبت",
    due_at: "مهلت پاسخ",
    print: "چاپ رسید",
    receipt_hint: "با کد ملی و این کد رهگیری، نامه را در هر دفتر پیشخوان یا در صفحه پیگیری دنبال کنید.",
    timeline: "گردش نامه",
    holder: "دستگاه فعلی",
    overdue: "دیرکرد",
    all_statuses: "همه وضعیت‌ها",
    optional: "اختیاری",
    office_contact: "نشانی و تلفن دفتر",
    sms_pending: "در صف ارسال",
    sms_sent: "ارسال‌شده",
    sms_failed: "ناموفق",
    sms_delivered: "رسیده",
    sms_undelivered: "نرسیده",
    refresh: "تازه‌سازی",
    open: "مشاهده",
    download: "دریافت",
    answer: "پاسخ",
    track_title: "پیگیری نامه با کد رهگیری",
    track_button: "پیگیری",
    track_not_found: "نامه‌ای با این کد رهگیری و کد ملی پیدا نشد.",
    national_id: "کد ملی / شناسه ملی",
    chain_intact: "تاریخچه دست‌نخورده است",
    chain_broken: "تاریخچه دست‌کاری شده است",
    no_letters: "نامه‌ای نیست.",
    status_registered: shared::workflow::Status::Registered.persian(),
    status_delivered: shared::workflow::Status::Delivered.persian(),
    status_received: shared::workflow::Status::Received.persian(),
    status_answered: shared::workflow::Status::Answered.persian(),
    status_rejected: shared::workflow::Status::Rejected.persian(),
    status_closed: shared::workflow::Status::Closed.persian(),
    status_withdrawn: shared::workflow::Status::Withdrawn.persian(),
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
    session_ended: "نشست شما به پایان رسید. برای ادامه دوباره وارد شوید؛ پس از ورود به همان صفحه بازمی‌گردید.",
    username: "نام کاربری",
    password: "گذرواژه",
    login_failed: "نام کاربری یا گذرواژه نادرست است.",
    too_many_attempts: "تلاش‌های ناموفق زیاد بود؛ کمی بعد دوباره امتحان کنید.",
    wait_seconds: "درخواست‌ها بیش از حد بود؛ {n} ثانیهٔ دیگر دوباره بکوشید.",
    network_error: "ارتباط با سامانه برقرار نشد؛ اتصال اینترنت را بررسی کنید و دوباره بکوشید.",
    unexpected_answer: "پاسخ سامانه خوانا نبود؛ صفحه را دوباره بارگذاری کنید.",
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
    dashboard: "داشبورد",
    days_suffix: "روز",
    hours: "ساعت",
    kpi_registered: "ثبت‌شده",
    kpi_answered: "پاسخ‌داده‌شده",
    kpi_median: "میانه زمان پاسخ",
    kpi_on_time: "پاسخ به‌موقع",
    kpi_open: "در جریان",
    kpi_overdue: "معوق",
    chart_per_day: "نامه‌ها در هر روز",
    chart_backlog: "نامه‌های در جریان هر دستگاه",
    chart_by_status: "وضعیت نامه‌های این دوره",
    chart_by_office: "ثبت در دفاتر پیشخوان",
    chart_max: "بیشینه",
    no_data: "موردی نیست",
    in_time: "در مهلت",
    holidays: "تعطیلات",
    confidential_reads: "خواندن نامه‌های محرمانه",
    confidential_reads_hint: "هر بار که متن یا پیوست نامه‌ای محرمانه خوانده می‌شود، اینجا ثبت می‌شود: چه کسی، کی و چه چیزی.",
    no_confidential_reads: "هنوز نامهٔ محرمانه‌ای خوانده نشده است.",
    read_at: "زمان",
    read_by: "خواننده",
    read_what: "آنچه خوانده شد",
    read_letter: "متن نامه",
    read_file: "پیوست",
    read_tracking: "صفحهٔ پیگیری متقاضی",
    holidays_hint: "روزهای تعطیل در مهلت‌های «روز کاری» شمرده نمی‌شوند؛ جمعه‌ها همیشه تعطیل‌اند. مهلت‌هایی که پیش‌تر تعیین شده‌اند تغییر نمی‌کنند.",
    holiday_date: "تاریخ (سال/ماه/روز)",
    holiday_name: "مناسبت",
    add_holiday: "افزودن یا تغییر نام",
    remove: "حذف",
    overdue_only: "فقط نامه‌های دارای دیرکرد",
    registered_from: "ثبت از تاریخ (۱۴۰۵/۰۹/۰۱)",
    registered_to: "تا تاریخ",
    more: "بیشتر",
    menu: "فهرست",
    skip_to_content: "پرش به محتوای صفحه",
    fix_these: "لطفاً این موارد را اصلاح کنید",
    next_applicant: "متقاضی بعدی",
    duplicate_title: "این متقاضی نامهٔ بازِ مشابهی به همین دستگاه دارد",
    duplicate_hint: "پیش از ثبت، نامهٔ قبلی را ببینید؛ اگر موضوع تازه است، با این وجود ثبت کنید.",
    register_anyway: "با این وجود ثبت شود",
    back_to_form: "بازگشت به فرم",
    choose_files: "انتخاب پرونده‌ها",
    no_file_chosen: "پرونده‌ای انتخاب نشده است",
    ev_registered: "ثبت در دفتر پیشخوان",
    ev_delivered: "تحویل به {agency}",
    ev_received: "دریافت در {agency}",
    ev_referred: "ارجاع از {from} به {to}",
    ev_answered: "پاسخ {agency}",
    ev_note: "یادداشت",
    copies: "رونوشت",
    copies_hint: "دستگاه‌هایی که برای آگاهی رونوشت نامه را می‌گیرند",
    copy_badge: "رونوشت",
    copy_explained: "این نامه رونوشت است و برای آگاهی به دستگاه شما رسیده؛ پاسخ، ارجاع و رد با گیرندهٔ اصلی است. با «دریافت» آن را بایگانی کنید.",
    inbox_kind: "نوع نامه",
    inbox_all_kinds: "اصل و رونوشت",
    inbox_originals: "فقط اصل",
    inbox_copies: "فقط رونوشت",
    copy_seen: "دیده شد",
    copy_not_seen: "هنوز دیده نشده",
    ev_copied: "رونوشت به {to}",
    ev_copy_seen: "رونوشت در {agency} دیده شد",
    file_pdf: "سند پی‌دی‌اف",
    file_image: "تصویر",
    file_other: "پرونده",
    kilobytes: "{n} کیلوبایت",
    megabytes: "{n} مگابایت",
};

pub const EN: Strings = Strings {
    reset_password: "Reset password",
    sms_templates: "SMS templates",
    saved_label: "Saved",
    reset_default: "Reset to default",
    working_days: "Working days only (no Fridays or holidays)",
    working_days_short: "(working)",
    sms_outbox: "SMS outbox",
    sms_failed_badge: "Failed SMS",
    sms_stuck_badge: "SMS are stuck in the queue",
    retry_now: "Retry now",
    attempts: "Attempts",
    last_error: "Last error",
    sent_at: "Sent",
    event: "Event",
    text: "Text",
    parts: "parts",
    sms_opted_out: "This number asked for no SMS",
    classification: "Classification",
    classification_normal: "Normal",
    classification_confidential: "Confidential",
    confidential_hidden: "This confidential letter's text and files are for the registering office, the holding agency and admins.",
    inbox: "Inbox",
    new_items: "New",
    overdue_items: "Overdue",
    from_agency: "Referred by",
    delivered_at: "Delivered",
    acknowledge: "Acknowledge",
    secretariat_number: "Secretariat number",
    relation: "Follows up or refers to an earlier letter",
    related_code: "Tracking code of the applicant's earlier letter",
    later_letter: "Later letter",
    export_csv: "Download list (CSV for Excel)",
    downloading: "Downloading:",
    answer_templates: "Answer templates",
    answer_templates_hint: "Ready answer texts a clerk picks and edits when answering. Placeholders are filled from the letter (applicant, tracking code, subject, registration day, today, agency):",
    new_answer_template: "New answer template",
    all_agencies: "All agencies",
    answer_template_pick: "Answer template",
    secretariat_date: "Secretariat date",
    reference_numbered: "Chapar gives the secretariat number, in order, from this agency's counter.",
    reference_pattern: "Automatic secretariat numbering",
    reference_pattern_hint: "Empty: the secretariat types its own numbers. Example: {year}/{seq} (Jalali year and a counter that starts at 1 each year; {yy} and {month} too).",
    acknowledged: "Acknowledged",
    refer: "Refer",
    refer_to: "Refer to",
    note: "Note",
    reject: "Reject",
    reason: "Reason",
    withdraw: "Withdraw (applicant's request)",
    close: "Hand over the answer",
    internal_note: "Internal note (staff only)",
    add_note: "Add note",
    send_answer: "Send answer",
    actions_title: "Actions",
    print_answer: "Print answer sheet",
    confirm_withdraw: "Withdraw this letter at the applicant's request?",
    empty_inbox: "The inbox is empty.",
    letters: "Letters",
    new_letter: "New letter",
    track: "Track a letter",
    applicant: "Applicant",
    natural_person: "Natural person",
    legal_person: "Legal person",
    national_code: "National code",
    legal_id: "National ID",
    first_name: "First name",
    last_name: "Last name",
    father_name: "Father's name",
    organization_name: "Organisation",
    representative_name: "Representative",
    mobile: "Mobile",
    postal_code: "Postal code",
    recipient_agency: "Recipient agency",
    search_agency: "Search agencies…",
    subject: "Subject",
    body: "Letter text",
    priority: "Priority",
    priority_normal: "Normal",
    priority_urgent: "Urgent",
    applicant_reference: "Applicant's reference",
    attachments: "Attachments",
    attachments_hint: "PDF, JPEG or PNG; up to 10 MB each",
    register: "Register letter",
    registering: "Registering…",
    uploading: "Uploading attachments…",
    receipt: "Letter receipt",
    tracking_code: "Tracking code",
    registered_at: "Registered on",
    due_at: "Due by",
    print: "Print receipt",
    receipt_hint: "Follow the letter at any counter office or on the tracking page with the national code and this tracking code.",
    timeline: "Timeline",
    holder: "Current agency",
    overdue: "Overdue",
    all_statuses: "All statuses",
    optional: "optional",
    office_contact: "Office address and phone",
    sms_pending: "Queued",
    sms_sent: "Sent",
    sms_failed: "Failed",
    sms_delivered: "Delivered",
    sms_undelivered: "Undelivered",
    refresh: "Refresh",
    open: "Open",
    download: "Download",
    answer: "Answer",
    track_title: "Track your letter",
    track_button: "Track",
    track_not_found: "No letter matches this tracking code and national code.",
    national_id: "National code / ID",
    chain_intact: "History intact",
    chain_broken: "History has been altered",
    no_letters: "No letters.",
    status_registered: "Registered",
    status_delivered: "Delivered",
    status_received: "Received",
    status_answered: "Answered",
    status_rejected: "Rejected",
    status_closed: "Closed",
    status_withdrawn: "Withdrawn",
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
    session_ended: "Your session has ended. Log in again to continue; you will return to the same page.",
    username: "Username",
    password: "Password",
    login_failed: "Wrong username or password.",
    too_many_attempts: "Too many attempts; try again in a minute.",
    wait_seconds: "Too many requests; try again in {n} s.",
    network_error: "Chapar could not be reached; check the connection and try again.",
    unexpected_answer: "The server's answer could not be read; reload the page.",
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
    dashboard: "Dashboard",
    days_suffix: "days",
    hours: "hours",
    kpi_registered: "Registered",
    kpi_answered: "Answered",
    kpi_median: "Median time to answer",
    kpi_on_time: "Answered on time",
    kpi_open: "Open",
    kpi_overdue: "Overdue",
    chart_per_day: "Letters per day",
    chart_backlog: "Open letters per agency",
    chart_by_status: "Status of this period's letters",
    chart_by_office: "Registrations per counter office",
    chart_max: "max",
    no_data: "Nothing yet",
    in_time: "Within the due date",
    holidays: "Holidays",
    confidential_reads: "Confidential reads",
    confidential_reads_hint: "Every read of a confidential letter's text or files is recorded here: who, when and what.",
    no_confidential_reads: "No confidential letter has been read yet.",
    read_at: "When",
    read_by: "Reader",
    read_what: "What was read",
    read_letter: "The letter's text",
    read_file: "An attachment",
    read_tracking: "The applicant's tracking page",
    holidays_hint: "Holidays do not count as working days in working-day SLAs; Fridays never do. Due dates already set do not move.",
    holiday_date: "Date (year/month/day, Jalali or ISO)",
    holiday_name: "Occasion",
    add_holiday: "Add or rename",
    remove: "Remove",
    overdue_only: "Overdue only",
    registered_from: "Registered from (1405/09/01)",
    registered_to: "Registered until",
    more: "More",
    menu: "Menu",
    skip_to_content: "Skip to content",
    fix_these: "Please correct these",
    next_applicant: "Next applicant",
    duplicate_title: "This applicant has a similar open letter at this agency",
    duplicate_hint: "Look at the earlier letter first; if the matter is new, register anyway.",
    register_anyway: "Register anyway",
    back_to_form: "Back to the form",
    choose_files: "Choose files",
    no_file_chosen: "No file chosen",
    ev_registered: "Registered at the counter office",
    ev_delivered: "Delivered to {agency}",
    ev_received: "Received by {agency}",
    ev_referred: "Referred from {from} to {to}",
    ev_answered: "Answered by {agency}",
    ev_note: "Note",
    copies: "Copies",
    copies_hint: "Agencies that get a copy of the letter for information",
    copy_badge: "Copy",
    copy_explained: "This letter is a copy, sent to your agency for information; the main recipient answers, refers or rejects it. Receive it to file it.",
    inbox_kind: "Kind",
    inbox_all_kinds: "Originals and copies",
    inbox_originals: "Originals only",
    inbox_copies: "Copies only",
    copy_seen: "seen",
    copy_not_seen: "not seen yet",
    ev_copied: "Copy sent to {to}",
    ev_copy_seen: "Copy seen at {agency}",
    file_pdf: "PDF document",
    file_image: "Image",
    file_other: "File",
    kilobytes: "{n} KB",
    megabytes: "{n} MB",
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

/// The label of a letter status in the current language.
pub fn status_label(t: &Strings, status: shared::workflow::Status) -> &'static str {
    use shared::workflow::Status;
    match status {
        Status::Registered => t.status_registered,
        Status::Delivered => t.status_delivered,
        Status::Received => t.status_received,
        Status::Answered => t.status_answered,
        Status::Rejected => t.status_rejected,
        Status::Closed => t.status_closed,
        Status::Withdrawn => t.status_withdrawn,
    }
}

/// A UTC time as the user reads it: the Solar Hijri calendar with Persian
/// digits in Persian (the browser's `Intl` does the conversion), Gregorian in
/// English.
pub fn format_time(lang: Lang, at: &chrono::DateTime<chrono::Utc>, with_time: bool) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    let options = js_sys::Object::new();
    let set = |k: &str, v: &str| {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    };
    set("year", "numeric");
    set("month", "long");
    set("day", "numeric");
    if with_time {
        set("hour", "2-digit");
        set("minute", "2-digit");
    }
    set("timeZone", "Asia/Tehran");
    let locale = match lang {
        Lang::Fa => "fa-IR-u-ca-persian",
        Lang::En => "en-GB",
    };
    date.to_locale_string(locale, &options).into()
}

/// A calendar day (a Tehran day, or a holiday) as the user reads it: Jalali
/// with Persian digits in Persian.
pub fn format_date(lang: Lang, day: chrono::NaiveDate) -> String {
    // Noon in Tehran: the same calendar day whatever the rendering.
    let noon = day.and_hms_opt(8, 30, 0).unwrap_or_default().and_utc();
    format_time(lang, &noon, false)
}

/// The words for an error code in the user's language, with its bound
/// (`limit`) or offending part (`value`) filled in. Every code has its
/// Persian text beside its definition (`shared::ErrorCode`, where a unit
/// test checks each is Persian); the server's English is never shown in Persian.
pub fn code_text(lang: Lang, code: ErrorCode, limit: Option<i64>, value: Option<&str>) -> String {
    let limit = digits(lang, &limit.map(|n| n.to_string()).unwrap_or_default());
    let template = match lang {
        Lang::En => code.english(),
        Lang::Fa => code.persian(),
    };
    template
        .replace("{limit}", &limit)
        .replace("{value}", value.unwrap_or_default())
}

/// A field error in the user's language.
pub fn field_text(lang: Lang, error: &FieldError) -> String {
    code_text(lang, error.code, error.limit, error.value.as_deref())
}

/// Numbers in the user's script: Persian digits in Persian.
pub fn digits(lang: Lang, s: &str) -> String {
    match lang {
        Lang::Fa => shared::sms::persian_digits(s),
        Lang::En => s.to_owned(),
    }
}

/// What a step of a letter's history did, in words: "ارجاع از آب و فاضلاب
/// به شهرداری" rather than a status and an agency code.
pub fn event_phrase(
    t: &Strings,
    kind: &str,
    status: shared::workflow::Status,
    agency: Option<&str>,
    to_agency: Option<&str>,
) -> String {
    let (agency, to_agency) = (agency.unwrap_or_default(), to_agency.unwrap_or_default());
    match kind {
        "registered" => t.ev_registered.to_owned(),
        "delivered" => t.ev_delivered.replace("{agency}", agency),
        "received" => t.ev_received.replace("{agency}", agency),
        "referred" => t
            .ev_referred
            .replace("{from}", agency)
            .replace("{to}", to_agency),
        "answered" => t.ev_answered.replace("{agency}", agency),
        "note" => t.ev_note.to_owned(),
        "copied" => t.ev_copied.replace("{to}", to_agency),
        "copy_seen" => t.ev_copy_seen.replace("{agency}", agency),
        _ => status_label(t, status).to_owned(),
    }
}

/// An SMS's state in words.
pub fn sms_status_label(t: &Strings, status: &str) -> &'static str {
    match status {
        "pending" => t.sms_pending,
        "sent" => t.sms_sent,
        "failed" => t.sms_failed,
        "delivered" => t.sms_delivered,
        "undelivered" => t.sms_undelivered,
        _ => t.status,
    }
}

/// The step an SMS reports, in words (the kinds are the letter's steps, and
/// the overdue notice).
pub fn sms_kind_label(t: &Strings, kind: &str) -> &'static str {
    match shared::workflow::Status::parse(kind) {
        Some(status) => status_label(t, status),
        None if kind == "overdue" => t.overdue,
        None => t.event,
    }
}

/// A file's kind in words, from its content type.
pub fn file_kind(t: &Strings, content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => t.file_pdf,
        kind if kind.starts_with("image/") => t.file_image,
        _ => t.file_other,
    }
}

/// A size in KB below a megabyte, in MB (one decimal) above, in the
/// user's digits.
pub fn file_size(lang: Lang, bytes: i64) -> String {
    let t = lang.strings();
    let (template, n) = if bytes < 1024 * 1024 {
        (t.kilobytes, (bytes.max(0) / 1024 + 1).to_string())
    } else {
        (
            t.megabytes,
            format!("{:.1}", bytes as f64 / (1024.0 * 1024.0)),
        )
    };
    let n = match lang {
        Lang::Fa => n.replace('.', "٫"),
        Lang::En => n,
    };
    template.replace("{n}", &digits(lang, &n))
}

/// A tracking code as the receipt prints it (`4076-4232-3733`), in the
/// user's digits.
pub fn tracking_code(lang: Lang, code: &str) -> String {
    digits(lang, &shared::tracking::display(code))
}
