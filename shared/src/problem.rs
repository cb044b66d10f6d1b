//! RFC 9457 problem details, the one error shape of the API.

use serde::{Deserialize, Serialize};

/// One bad input field, named by its JSON path (e.g. `applicant.national_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// JSON path of the field, e.g. `applicant.national_id`.
    #[cfg_attr(feature = "openapi", schema(example = "applicant.national_id"))]
    pub field: String,
    /// What is wrong, as a stable code (show your own words for it).
    pub code: ErrorCode,
    /// What is wrong, in English, for developers.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "the check digit does not match; please re-check the number")
    )]
    pub message: String,
    /// The bound the message refers to (`field.too_long`: the most characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// The offending part of the value, where naming it helps (an unknown placeholder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl FieldError {
    /// `field` is wrong as `code` says (its English text as the message).
    pub fn new(field: impl Into<String>, code: ErrorCode) -> Self {
        Self::with_message(field, code, code.english())
    }

    /// `field` is wrong as `code` says, with a message of its own (serde's, or the allowed values).
    pub fn with_message(
        field: impl Into<String>,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
            limit: None,
            value: None,
        }
    }

    /// `field` passes the bound `limit` (`field.too_long`, `field.too_short`, …).
    pub fn limit(field: impl Into<String>, code: ErrorCode, limit: i64) -> Self {
        let message = code.english().replace("{limit}", &limit.to_string());
        Self {
            limit: Some(limit),
            ..Self::with_message(field, code, message)
        }
    }

    /// `field` is wrong because of `value` (e.g. an unknown placeholder).
    pub fn value(field: impl Into<String>, code: ErrorCode, value: impl Into<String>) -> Self {
        let value = value.into();
        let message = code.english().replace("{value}", &value);
        Self {
            value: Some(value),
            ..Self::with_message(field, code, message)
        }
    }
}

/// An error answer (`application/problem+json`, RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://chapar.ir/problems/validation")
    )]
    pub kind: String,
    /// Short summary of the kind of problem.
    #[cfg_attr(feature = "openapi", schema(example = "Invalid input"))]
    pub title: String,
    /// The HTTP status code.
    #[cfg_attr(feature = "openapi", schema(example = 422))]
    pub status: u16,
    /// What went wrong, as a stable code (show your own words for it).
    pub code: ErrorCode,
    /// What went wrong in this occurrence, in English, for developers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// One entry per bad field; empty when no field is at fault.
    #[serde(default)]
    pub errors: Vec<FieldError>,
    /// For an action the letter's state does not allow (409): its status now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
    /// For an action the letter's state does not allow (409): what is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<String>>,
}

impl Problem {
    /// The error of `field`, if the problem names it (the SPA shows it next to the field).
    pub fn field_error(&self, field: &str) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }
}

/// Declares [`ErrorCode`]: each variant with its wire string, the English
/// text sent beside it, and the Persian text the SPA shows (`{limit}` and
/// `{value}` are filled from the field error).
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $english:literal, $persian:literal;)*) => {
        /// Every error the API answers, by a stable code: the problem's `code`
        /// and each field error's `code`. Clients show their own words per
        /// code (the SPA has a Persian text for each); the English `detail`
        /// and `message` beside it are for developers and may change.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, for documentation and for tests that each has a text.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as sent.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The English text template of the code.
            pub fn english(self) -> &'static str {
                match self { $(ErrorCode::$variant => $english,)* }
            }

            /// The Persian text template of the code (what a person reads).
            pub fn persian(self) -> &'static str {
                match self { $(ErrorCode::$variant => $persian,)* }
            }
        }
    };
}

error_codes! {
    // Problems: the `code` of the whole answer.
    /// 422: one or more fields are invalid; see `errors`.
    Validation = "validation", "one or more fields are invalid; see `errors`",
        "برخی از خانه‌ها درست پر نشده‌اند؛ پیام کنار هر خانه را ببینید.";
    /// 400: the body, query string or form could not be read.
    MalformedRequest = "request.malformed", "the request could not be read",
        "درخواست خوانا نبود. صفحه را دوباره بارگذاری کنید و دوباره بکوشید.";
    /// 405: the path exists, the method does not (see `Allow`).
    MethodNotAllowed = "request.method_not_allowed", "this method is not allowed on this resource",
        "این کار در این بخش انجام‌شدنی نیست.";
    /// 413.
    PayloadTooLarge = "request.too_large", "the request body is too large",
        "حجم ارسال بیش از حد مجاز است.";
    /// 415.
    UnsupportedMediaType = "request.unsupported_media_type", "unsupported content type",
        "نوع این پرونده یا داده پذیرفته نیست.";
    /// 401: no access token was sent.
    AuthRequired = "auth.required", "send an access token: `Authorization: Bearer …`",
        "برای این کار باید وارد سامانه شوید.";
    /// 401: the access token is invalid or has expired (refresh it).
    AuthInvalidToken = "auth.invalid_token", "the access token is invalid or has expired",
        "اعتبار ورود شما تمام شده است؛ دوباره وارد شوید.";
    /// 401: wrong username or password (or a disabled account).
    AuthWrongLogin = "auth.wrong_login", "wrong username or password",
        "نام کاربری یا گذرواژه نادرست است.";
    /// 401: the refresh token is no longer valid: log in again.
    AuthSessionEnded = "auth.session_ended", "the session has ended; log in again",
        "نشست شما به پایان رسید؛ دوباره وارد شوید.";
    /// 403: the caller's role may not do this.
    Forbidden = "auth.forbidden", "you may not do this",
        "شما اجازهٔ این کار را ندارید.";
    /// 403: the token lacks the scope this operation needs.
    ScopeMissing = "auth.scope_missing", "the token lacks the scope this operation needs",
        "این دسترسی به سامانهٔ شما داده نشده است.";
    /// 403: the caller's agency has the letter as a copy (رونوشت), for
    /// information: only the agency that holds it answers, refers or rejects.
    CopyForInformation = "letter.copy_only", "your agency has this letter as a copy, for information: only the agency holding it answers, refers or rejects it",
        "این نامه رونوشت است و برای آگاهی به دستگاه شما رسیده؛ پاسخ، ارجاع و رد با دستگاه گیرندهٔ اصلی است.";
    /// 403: a confidential letter's text and files are for the registering
    /// office, the holding agency and admins.
    LetterConfidential = "letter.confidential", "this letter is confidential: its text and files are for the registering office, the holding agency and admins",
        "این نامه محرمانه است؛ متن و پیوست‌های آن فقط برای دفتر ثبت‌کننده، دستگاه دارندهٔ نامه و مدیر سامانه است.";
    /// 404: no such resource, or not one the caller may see.
    NotFound = "not_found", "no such resource",
        "پیدا نشد؛ یا وجود ندارد یا شما به آن دسترسی ندارید.";
    /// 409: a record with this key (username, code) exists.
    AlreadyExists = "conflict.exists", "a record with this key already exists",
        "رکوردی با همین شناسه از پیش وجود دارد.";
    /// 409: a request with this `Idempotency-Key` is still being processed.
    IdempotencyInProgress = "idempotency.in_progress", "a request with this Idempotency-Key is still being processed",
        "همین درخواست هنوز در حال انجام است؛ چند لحظه بعد نتیجه را ببینید.";
    /// 409: the letter's state does not allow the action (`allowed_actions` says what does).
    LetterWrongState = "letter.wrong_state", "the letter's state does not allow this action",
        "وضعیت نامه اجازهٔ این کار را نمی‌دهد؛ صفحه را تازه کنید.";
    /// 409: the letter no longer takes attachments of this kind.
    AttachmentsClosed = "attachments.closed", "the letter no longer takes these attachments",
        "به این نامه دیگر نمی‌توان پیوست افزود.";
    /// 409: the letter has as many attachments of this kind as allowed.
    AttachmentsFull = "attachments.full", "at most {limit} attachments",
        "حداکثر {limit} پیوست مجاز است.";
    /// 409: only a failed message can be sent again.
    NotificationNotFailed = "notification.not_failed", "only failed messages can be retried",
        "فقط پیامک‌های ناموفق دوباره فرستاده می‌شوند.";
    /// 403: a download link expired, or made for another file.
    DownloadLinkInvalid = "download.link_invalid", "this download link has expired or is not valid",
        "این پیوند دریافت منقضی شده یا معتبر نیست؛ نامه را دوباره جست‌وجو کنید.";
    /// 412: the resource changed since it was read (`If-Match`).
    PreconditionFailed = "precondition_failed", "the resource has changed since you read it",
        "این مورد در این فاصله تغییر کرده است؛ صفحه را تازه کنید.";
    /// 429: too many requests; `Retry-After` says when to try again.
    RateLimited = "rate_limited", "too many requests; try again later",
        "درخواست‌ها بیش از حد بود؛ کمی بعد دوباره بکوشید.";
    /// 503: a store is unreachable or overloaded; `Retry-After` says when to retry.
    Unavailable = "unavailable", "the service is unavailable; try again later",
        "سامانه موقتاً در دسترس نیست؛ چند لحظه بعد دوباره بکوشید.";
    /// 500: logged on the server; retrying may help.
    Internal = "internal", "something went wrong on our side; it has been logged",
        "خطایی در سامانه رخ داد و ثبت شد؛ دوباره بکوشید.";

    // Fields: the `code` of each entry of `errors`.
    /// The field is missing or empty.
    Required = "field.required", "this field is required",
        "این فیلد الزامی است";
    /// Longer than `limit` characters.
    TooLong = "field.too_long", "at most {limit} characters",
        "حداکثر {limit} نویسه";
    /// Shorter than `limit` characters.
    TooShort = "field.too_short", "at least {limit} characters",
        "دست‌کم {limit} نویسه";
    /// A number above `limit`.
    TooLarge = "field.too_large", "at most {limit}",
        "حداکثر {limit}";
    /// A value of the wrong type or shape (the message says which).
    InvalidValue = "field.invalid", "not a valid value here",
        "مقدار این فیلد معتبر نیست";
    /// Not one of the values the field takes (the message lists them).
    InvalidChoice = "field.invalid_choice", "not one of the allowed values",
        "این مقدار از گزینه‌های مجاز نیست";
    /// A page size outside 1–200.
    PageSize = "field.page_size", "between 1 and 200",
        "بین ۱ تا ۲۰۰";
    /// A public code (agency, office) that is not 2–32 of `a-z 0-9 - _`.
    CodeFormat = "code.format", "2 to 32 characters: Latin letters, digits, '-' or '_'",
        "۲ تا ۳۲ نویسه: حروف لاتین، رقم، «-» یا «_»";
    /// A username that is not 3–64 of `a-z 0-9 . _ -`.
    UsernameFormat = "username.format", "3 to 64 characters: Latin letters, digits, '.', '_' or '-'",
        "۳ تا ۶۴ نویسه: حروف لاتین، رقم، «.»، «_» یا «-»";
    /// An operator needs a counter office.
    OperatorNeedsOffice = "user.operator_needs_office", "an operator belongs to a counter office",
        "متصدی باید به یک دفتر پیشخوان وابسته باشد";
    /// A clerk needs an agency.
    ClerkNeedsAgency = "user.clerk_needs_agency", "a clerk belongs to an agency",
        "کاربر دبیرخانه باید به یک دستگاه وابسته باشد";
    /// Only operators belong to a counter office.
    OfficeOnlyForOperators = "user.office_only_for_operators", "only operators belong to a counter office",
        "فقط متصدیان به دفتر پیشخوان وابسته‌اند";
    /// Only clerks belong to an agency.
    AgencyOnlyForClerks = "user.agency_only_for_clerks", "only clerks belong to an agency",
        "فقط کاربران دبیرخانه به دستگاه وابسته‌اند";
    /// An API client is bound to exactly one agency or one counter office.
    ClientBinding = "client.binding", "bind the client to exactly one agency or one counter office",
        "کلاینت باید دقیقاً به یک دستگاه یا یک دفتر پیشخوان وابسته باشد";
    /// An API client needs at least one scope.
    ScopesEmpty = "scopes.empty", "grant at least one scope",
        "دست‌کم یک دسترسی انتخاب کنید";
    /// No such scope.
    ScopeUnknown = "scopes.unknown", "unknown scope",
        "دسترسی ناشناخته";
    /// A scope the client's binding cannot have.
    ScopeNotForBinding = "scopes.not_for_binding", "not available for this binding",
        "این دسترسی برای این وابستگی مجاز نیست";
    /// An SLA outside 1–365 days.
    SlaDays = "agency.sla_days", "between 1 and 365 days",
        "بین ۱ تا ۳۶۵ روز";
    /// A national code / national ID with characters other than digits.
    IdDigitsOnly = "national_id.digits_only", "only digits are allowed",
        "فقط رقم مجاز است";
    /// A national code / national ID of the wrong length.
    IdLength = "national_id.length", "wrong number of digits",
        "تعداد رقم‌ها نادرست است";
    /// A national code of one repeated digit.
    IdSameDigits = "national_id.same_digits", "not a valid code (all digits are the same)",
        "کد معتبر نیست (همه رقم‌ها یکسان است)";
    /// The national code's check digit does not match (a typing mistake).
    IdCheckDigit = "national_id.check_digit", "the check digit does not match; please re-check the number",
        "رقم کنترل نمی‌خواند؛ لطفاً شماره را دوباره بررسی کنید";
    /// A national code typed with fewer than 10 digits that is not valid
    /// padded either: most often a dropped leading zero, or a digit missing.
    IdLeadingZero = "national_id.leading_zero", "a national code has 10 digits: a leading zero (or a digit) may be missing",
        "کد ملی ۱۰ رقم است؛ شاید صفر ابتدای آن (یا رقمی) از قلم افتاده باشد";
    /// Not an Iranian mobile number.
    MobileInvalid = "mobile.invalid", "not an Iranian mobile number (09xxxxxxxxx)",
        "شماره همراه معتبر نیست (مانند ۰۹۱۲۱۲۳۴۵۶۷)";
    /// The applicant's kind (natural or legal person) is missing.
    ApplicantKind = "applicant.kind", "choose natural or legal person",
        "نوع متقاضی (حقیقی یا حقوقی) را انتخاب کنید";
    /// A postal code is 10 digits.
    PostalCode = "postal_code.length", "a postal code has 10 digits",
        "کد پستی ۱۰ رقم است";
    /// The letter's recipient agency is missing.
    RecipientRequired = "recipient.required", "choose the agency the letter is for",
        "دستگاه گیرنده را انتخاب کنید";
    /// A tracking code is 12 digits.
    TrackingLength = "tracking_code.length", "a tracking code has 12 digits",
        "کد رهگیری ۱۲ رقم است";
    /// A tracking code has only digits.
    TrackingDigitsOnly = "tracking_code.digits_only", "a tracking code has only digits",
        "کد رهگیری فقط رقم دارد";
    /// The tracking code's check digit does not match (a typing mistake).
    TrackingCheckDigit = "tracking_code.check_digit", "this tracking code has a typing mistake; please re-check it",
        "کد رهگیری اشتباه تایپ شده است؛ لطفاً دوباره بررسی کنید";
    /// No agency has this code.
    AgencyUnknown = "agency.unknown", "no agency has this code",
        "دستگاهی با این کد وجود ندارد";
    /// No active agency has this code (letters go to active agencies only).
    AgencyNotActive = "agency.not_active", "no active agency has this code",
        "دستگاه فعالی با این کد وجود ندارد";
    /// No counter office has this code.
    OfficeUnknown = "counter_office.unknown", "no counter office has this code",
        "دفتر پیشخوانی با این کد وجود ندارد";
    /// A referral to the agency that holds the letter.
    ReferSameAgency = "referral.same_agency", "the letter is already at this agency",
        "نامه هم‌اکنون در همین دستگاه است";
    /// A template with a `{` not closed.
    TemplateUnclosed = "template.unclosed_brace", "a `{` is not closed",
        "یک «{» بسته نشده است";
    /// A template placeholder its message kind does not have (`value`).
    TemplatePlaceholder = "template.unknown_placeholder", "unknown placeholder {value}",
        "جای‌نگهدار {value} برای این پیامک تعریف نشده است";
    /// No SMS message of this kind.
    SmsKindUnknown = "sms.kind_unknown", "unknown message kind",
        "نوع پیامک ناشناخته است";
    /// A date not written as year/month/day.
    DateFormat = "date.format", "write the date as year/month/day, e.g. 1405/12/25",
        "تاریخ را به شکل سال/ماه/روز بنویسید، مثلاً ۱۴۰۵/۱۲/۲۵";
    /// A date the calendar does not have.
    DateNoSuchDay = "date.no_such_day", "there is no such day in the calendar",
        "چنین روزی در تقویم نیست";
    /// A date after today where only past days make sense (a secretariat number's date).
    DateInFuture = "date.in_future", "must not be after today",
        "این تاریخ نباید پس از امروز باشد";
    /// A secretariat number dated before the letter was registered at the counter.
    DateBeforeRegistration = "date.before_registration", "must not be before the letter was registered",
        "این تاریخ نباید پیش از ثبت نامه در پیشخوان باشد";
    /// A related letter's tracking code that no letter of this applicant has.
    RelatedUnknown = "related.unknown", "no letter of this applicant has this tracking code",
        "این متقاضی نامه‌ای با این کد رهگیری ندارد";
    /// A copy to the agency the letter goes (or is referred) to itself.
    CopyToRecipient = "copies.recipient", "the main recipient does not also get a copy",
        "گیرندهٔ اصلی نامه رونوشت جداگانه نمی‌گیرد";
    /// 422: a confidential letter goes to its recipient alone.
    CopyConfidential = "copies.confidential", "a confidential letter is not copied to other agencies",
        "نامهٔ محرمانه رونوشت نمی‌خورد";
    /// A numbering pattern without exactly one `{seq}`.
    PatternSeq = "reference_pattern.seq", "a numbering pattern has `{seq}` exactly once",
        "الگوی شماره‌گذاری باید دقیقاً یک «{seq}» داشته باشد";
    /// A secretariat number typed for an agency whose numbers Chapar gives.
    ReferenceAssigned = "agency_reference.assigned", "this agency's secretariat numbers are given by Chapar; leave the number and date out",
        "شمارهٔ ثبت این دستگاه را چاپار خودکار می‌دهد؛ شماره و تاریخ را خالی بگذارید";
    /// A report period whose `from` is after its `to`.
    PeriodReversed = "period.reversed", "must not be after `to`",
        "تاریخ آغاز نباید پس از تاریخ پایان باشد";
    /// A report period longer than `limit` days.
    PeriodTooLong = "period.too_long", "a report covers at most {limit} days",
        "گزارش حداکثر {limit} روز را در بر می‌گیرد";
    /// An `Idempotency-Key` that is not 1–200 printable ASCII characters.
    IdempotencyKeyFormat = "idempotency_key.format", "1 to 200 printable ASCII characters",
        "شناسهٔ یکتایی درخواست معتبر نیست";
    /// An `Idempotency-Key` used before with a different body.
    IdempotencyKeyReused = "idempotency_key.reused", "this key was used with a different request body",
        "این شناسهٔ یکتایی پیش‌تر برای درخواست دیگری به کار رفته است";
    /// A cursor that no page of this listing gave.
    CursorInvalid = "cursor.invalid", "not a cursor from this listing",
        "فهرست تغییر کرده است؛ از صفحهٔ نخست دوباره ببینید";
    /// A scoped caller lists the messages of one letter at a time.
    LetterRequired = "notifications.letter_required", "name the letter whose messages you want",
        "نامه‌ای را که پیامک‌هایش را می‌خواهید مشخص کنید";
    /// An upload without a part named `file`.
    FileMissing = "file.missing", "send at least one part named `file`",
        "دست‌کم یک پرونده انتخاب کنید";
}

/// The schema lists every code with its English text (derived schemas would
/// show the variant names, not the codes sent).
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let mut description = String::from(
            "A stable error code: the problem's `code` and each field error's `code`. \
             Show your own words per code; the English `detail` and `message` are for \
             developers and may change.\n",
        );
        for code in ErrorCode::ALL {
            description.push_str(&format!("\n- `{}`: {}", code.as_str(), code.english()));
        }
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
            .description(Some(description))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ErrorCode {}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_code_and_errors_and_omits_empty_parts() {
        let p = Problem {
            kind: "https://chapar.ir/problems/not-found".into(),
            title: "Not found".into(),
            status: 404,
            code: ErrorCode::NotFound,
            detail: None,
            errors: vec![],
            current_status: None,
            allowed_actions: None,
        };
        let json = serde_json::to_value(&p).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({"type": "https://chapar.ir/problems/not-found", "title": "Not found",
                "status": 404, "code": "not_found", "errors": []})
        );
    }

    #[test]
    fn finds_the_error_of_a_field() {
        let p = Problem {
            kind: "about:blank".into(),
            title: "Invalid input".into(),
            status: 422,
            code: ErrorCode::Validation,
            detail: None,
            errors: vec![FieldError::new("mobile", ErrorCode::MobileInvalid)],
            current_status: None,
            allowed_actions: None,
        };
        let error = p.field_error("mobile").expect("named");
        assert_eq!(error.code, ErrorCode::MobileInvalid);
        assert_eq!(error.message, "not an Iranian mobile number (09xxxxxxxxx)");
        assert!(p.field_error("subject").is_none());
    }

    #[test]
    fn codes_are_unique_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            let json = serde_json::to_string(code).expect("serializes");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).ok(), Some(*code));
        }
    }

    #[test]
    fn every_code_has_a_persian_text() {
        for code in ErrorCode::ALL {
            let text = code.persian();
            assert!(
                text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
                "{code} has no Persian text"
            );
            // Latin letters only where the text shows a format (09xxxxxxxxx)
            // or a placeholder the user types (`{seq}`).
            let words = text
                .replace("{limit}", "")
                .replace("{value}", "")
                .replace("{seq}", "");
            let latin = words.chars().filter(char::is_ascii_alphabetic).count();
            assert!(latin == 0 || text.contains("xxxxxxxxx"), "{code}: {text}");
            assert_eq!(
                code.english().contains("{limit}"),
                text.contains("{limit}"),
                "{code}: both texts show the bound, or neither"
            );
            assert_eq!(code.english().contains("{value}"), text.contains("{value}"));
        }
    }

    #[test]
    fn bounds_and_values_fill_the_message() {
        let e = FieldError::limit("subject", ErrorCode::TooLong, 200);
        assert_eq!(
            (e.message.as_str(), e.limit),
            ("at most 200 characters", Some(200))
        );
        let e = FieldError::value("body", ErrorCode::TemplatePlaceholder, "{x}");
        assert_eq!(e.message, "unknown placeholder {x}");
    }
}
