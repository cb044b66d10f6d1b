//! The words of the public pages and how they phrase a letter's history,
//! in Persian and English. The server renders the tracking page, and the
//! home page's first paint, as plain HTML (a citizen on a slow line gets
//! them without waiting for the SPA's WASM), and the SPA's own screens take
//! the same words from here, so both say the same.

use chrono::{DateTime, Utc};

use crate::workflow::Status;

/// A language the pages are written in.
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

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fa" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::Fa => &FA,
            Lang::En => &EN,
        }
    }

    /// Numbers in this language's script: Persian digits in Persian.
    pub fn digits(self, s: &str) -> String {
        match self {
            Lang::Fa => crate::sms::persian_digits(s),
            Lang::En => s.to_owned(),
        }
    }

    /// A status in words.
    pub fn status(self, status: Status) -> &'static str {
        match self {
            Lang::Fa => status.persian(),
            Lang::En => status.english(),
        }
    }
}

/// The cookie that carries the language chosen in the SPA to the pages the
/// server renders (the SPA keeps it in local storage too).
pub const LANG_COOKIE: &str = "chapar_lang";

/// The `Cookie`/`Set-Cookie` value that remembers `lang` for a year.
pub fn lang_cookie(lang: Lang) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    )
}

/// The language remembered in a `Cookie` header's value (`a=1; b=2`).
pub fn lang_in_cookies(cookies: &str) -> Option<Lang> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANG_COOKIE)
        .and_then(|(_, value)| Lang::from_code(value))
}

/// Every word of the tracking page, and the steps of a letter's history.
#[derive(Debug)]
pub struct Words {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub switch_language: &'static str,
    pub login: &'static str,
    pub skip_to_content: &'static str,
    pub welcome_title: &'static str,
    pub welcome_body: &'static str,
    pub track_title: &'static str,
    pub tracking_code: &'static str,
    pub national_id: &'static str,
    pub track_button: &'static str,
    pub track_not_found: &'static str,
    /// `{n}`: seconds until a rate-limited lookup may be tried again.
    pub wait_seconds: &'static str,
    pub try_later: &'static str,
    pub fix_these: &'static str,
    pub holder: &'static str,
    pub due_at: &'static str,
    pub answer: &'static str,
    pub later_letter: &'static str,
    pub copies: &'static str,
    pub copy_seen: &'static str,
    pub copy_not_seen: &'static str,
    pub kilobytes: &'static str,
    pub megabytes: &'static str,
    pub ev_registered: &'static str,
    pub ev_delivered: &'static str,
    pub ev_received: &'static str,
    pub ev_referred: &'static str,
    pub ev_answered: &'static str,
    pub ev_note: &'static str,
    pub ev_copied: &'static str,
    pub ev_copy_seen: &'static str,
}

pub const FA: Words = Words {
    app_name: "چاپار",
    tagline: "شبکه مکاتبات دولت در دفاتر پیشخوان",
    switch_language: "English",
    login: "ورود",
    skip_to_content: "پرش به محتوای صفحه",
    welcome_title: "نامه به هر دستگاه دولتی، از نزدیک‌ترین دفتر پیشخوان",
    welcome_body: "متصدی دفتر پیشخوان نامه را ثبت می‌کند، کد رهگیری صادر می‌شود، دستگاه پاسخ می‌دهد و هر مرحله با پیامک به متقاضی اطلاع داده می‌شود.",
    track_title: "پیگیری نامه با کد رهگیری",
    tracking_code: "کد رهگیری",
    national_id: "کد ملی / شناسه ملی",
    track_button: "پیگیری",
    track_not_found: "نامه‌ای با این کد رهگیری و کد ملی پیدا نشد.",
    wait_seconds: "درخواست‌ها بیش از حد بود؛ {n} ثانیهٔ دیگر دوباره بکوشید.",
    try_later: "سامانه اکنون پاسخ نداد؛ کمی بعد دوباره بکوشید.",
    fix_these: "لطفاً این موارد را اصلاح کنید",
    holder: "دستگاه فعلی",
    due_at: "مهلت پاسخ",
    answer: "پاسخ",
    later_letter: "نامهٔ بعدی",
    copies: "رونوشت",
    copy_seen: "دیده شد",
    copy_not_seen: "هنوز دیده نشده",
    kilobytes: "{n} کیلوبایت",
    megabytes: "{n} مگابایت",
    ev_registered: "ثبت در دفتر پیشخوان",
    ev_delivered: "تحویل به {agency}",
    ev_received: "دریافت در {agency}",
    ev_referred: "ارجاع از {from} به {to}",
    ev_answered: "پاسخ {agency}",
    ev_note: "یادداشت",
    ev_copied: "رونوشت به {to}",
    ev_copy_seen: "رونوشت در {agency} دیده شد",
};

pub const EN: Words = Words {
    app_name: "Chapar",
    tagline: "Government correspondence through the service counter offices",
    switch_language: "فارسی",
    login: "Log in",
    skip_to_content: "Skip to content",
    welcome_title: "A letter to any agency, from the nearest counter office",
    welcome_body: "The counter operator registers the letter, a tracking code is issued, the agency answers, and every step reaches the applicant by SMS.",
    track_title: "Track your letter",
    tracking_code: "Tracking code",
    national_id: "National code / ID",
    track_button: "Track",
    track_not_found: "No letter matches this tracking code and national code.",
    wait_seconds: "Too many requests; try again in {n} s.",
    try_later: "The service did not answer; try again in a moment.",
    fix_these: "Please correct these",
    holder: "Current agency",
    due_at: "Due by",
    answer: "Answer",
    later_letter: "Later letter",
    copies: "Copies",
    copy_seen: "seen",
    copy_not_seen: "not seen yet",
    kilobytes: "{n} KB",
    megabytes: "{n} MB",
    ev_registered: "Registered at the counter office",
    ev_delivered: "Delivered to {agency}",
    ev_received: "Received by {agency}",
    ev_referred: "Referred from {from} to {to}",
    ev_answered: "Answered by {agency}",
    ev_note: "Note",
    ev_copied: "Copy sent to {to}",
    ev_copy_seen: "Copy seen at {agency}",
};

/// What a step of a letter's history did, in words: "ارجاع از آب و فاضلاب
/// به شهرداری" rather than a status and an agency code. `status_word` is
/// said for a step of no kind of its own.
pub fn event_phrase(
    words: &Words,
    kind: &str,
    status_word: &str,
    agency: Option<&str>,
    to_agency: Option<&str>,
) -> String {
    let (agency, to_agency) = (agency.unwrap_or_default(), to_agency.unwrap_or_default());
    match kind {
        "registered" => words.ev_registered.to_owned(),
        "delivered" => words.ev_delivered.replace("{agency}", agency),
        "received" => words.ev_received.replace("{agency}", agency),
        "referred" => words
            .ev_referred
            .replace("{from}", agency)
            .replace("{to}", to_agency),
        "answered" => words.ev_answered.replace("{agency}", agency),
        "note" => words.ev_note.to_owned(),
        "copied" => words.ev_copied.replace("{to}", to_agency),
        "copy_seen" => words.ev_copy_seen.replace("{agency}", agency),
        _ => status_word.to_owned(),
    }
}

/// A file size in words: whole KB below a megabyte (rounded up, so a small
/// file is never "0 KB"), MB to a tenth above.
pub fn file_size(lang: Lang, bytes: i64) -> String {
    let words = lang.words();
    let (template, n) = if bytes < 1024 * 1024 {
        (words.kilobytes, (bytes.max(0) / 1024 + 1).to_string())
    } else {
        (
            words.megabytes,
            format!("{:.1}", bytes as f64 / (1024.0 * 1024.0)),
        )
    };
    let n = match lang {
        Lang::Fa => n.replace('.', "٫"),
        Lang::En => n,
    };
    template.replace("{n}", &lang.digits(&n))
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A UTC time as a person in Iran reads it, in Tehran time: `۱۵ آذر ۱۴۰۵`
/// (Jalali, Persian digits) or `5 December 2026`; with the time of day
/// after a comma (`۱۵ آذر ۱۴۰۵، ۱۰:۲۰`).
pub fn format_time(lang: Lang, at: &DateTime<Utc>, with_time: bool) -> String {
    use chrono::{Datelike, Timelike};
    let local = at.naive_utc() + crate::sla::tehran_offset();
    let day = match lang {
        Lang::Fa => crate::jalali::format_persian(local.date()),
        Lang::En => {
            let month = MONTHS_EN[local.month0() as usize];
            format!("{} {month} {}", local.day(), local.year())
        }
    };
    if !with_time {
        return day;
    }
    let clock = lang.digits(&format!("{:02}:{:02}", local.hour(), local.minute()));
    match lang {
        Lang::Fa => format!("{day}، {clock}"),
        Lang::En => format!("{day}, {clock}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn steps_read_as_sentences_naming_the_agencies() {
        let referred = event_phrase(&FA, "referred", "", Some("آب و فاضلاب"), Some("شهرداری"));
        assert_eq!(referred, "ارجاع از آب و فاضلاب به شهرداری");
        assert_eq!(
            event_phrase(&EN, "answered", "", Some("Water"), None),
            "Answered by Water"
        );
        assert_eq!(
            event_phrase(&FA, "closed", "بسته شد", None, None),
            "بسته شد"
        );
    }

    #[test]
    fn times_are_tehran_days_in_the_reader_s_calendar_and_digits() {
        // 20:40 UTC is 00:10 the next day in Tehran.
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 20, 40, 0).unwrap();
        assert_eq!(format_time(Lang::Fa, &at, false), "۷ آذر ۱۴۰۵");
        assert_eq!(format_time(Lang::Fa, &at, true), "۷ آذر ۱۴۰۵، ۰۰:۱۰");
        assert_eq!(format_time(Lang::En, &at, true), "28 November 2026, 00:10");
    }

    #[test]
    fn sizes_are_kilobytes_or_megabytes_in_the_reader_s_digits() {
        assert_eq!(file_size(Lang::Fa, 10), "۱ کیلوبایت");
        assert_eq!(file_size(Lang::En, 1536 * 1024), "1.5 MB");
        assert_eq!(file_size(Lang::Fa, 1536 * 1024), "۱٫۵ مگابایت");
    }

    #[test]
    fn persian_words_have_no_latin_letters_but_their_placeholders() {
        let w = &FA;
        for text in [
            w.track_title,
            w.track_not_found,
            w.ev_referred,
            w.wait_seconds,
        ] {
            let bare = ["{n}", "{from}", "{to}", "{agency}"]
                .iter()
                .fold(text.to_owned(), |t, p| t.replace(p, ""));
            assert!(!bare.chars().any(|c| c.is_ascii_alphabetic()), "{text}");
        }
        assert_eq!(Lang::from_code(Lang::En.code()), Some(Lang::En));
        assert_eq!(lang_in_cookies("a=1; chapar_lang=en; b=2"), Some(Lang::En));
        assert_eq!(lang_in_cookies("a=1"), None);
        assert_eq!(Lang::Fa.other().dir(), "ltr");
    }
}
