//! The directory: agencies, counter offices, staff users and API clients,
//! as the API answers them and as an admin creates or edits them. Each
//! request type validates itself so the SPA can show the same errors live.

use serde::{Deserialize, Serialize};

use crate::auth::{scopes, Role};
use crate::normalize::normalize_text;
use crate::validate::Errors;
use crate::{ErrorCode, FieldError};

/// A list page: `next_cursor` is passed back as `after` for the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A government agency connected to the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    #[cfg_attr(feature = "openapi", schema(example = "water"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "شرکت آب و فاضلاب"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "Water and Wastewater Company"))]
    pub name_en: String,
    pub parent_code: Option<String>,
    /// Days the agency has to answer a letter.
    #[cfg_attr(feature = "openapi", schema(example = 7))]
    pub sla_days: i32,
    /// Count only working days (no Fridays, no holidays) towards the SLA.
    pub sla_working_days: bool,
    pub active: bool,
    /// When set, Chapar numbers the letters the agency acknowledges (their
    /// secretariat numbers) by this pattern, from a counter of the agency's
    /// that starts at 1 each Jalali year: `{year}` (1405), `{yy}` (05),
    /// `{month}` (09) and `{seq}` (the counter, exactly once).
    #[cfg_attr(feature = "openapi", schema(example = "{year}/{seq}"))]
    pub reference_pattern: Option<String>,
}

/// `POST /api/v1/agencies`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "water", "name": "شرکت آب و فاضلاب", "name_en": "Water and Wastewater Company", "sla_days": 7
})))]
pub struct NewAgency {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name_en: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub parent_code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub sla_days: i32,
    /// Count only working days (no Fridays, no holidays).
    #[serde(default)]
    pub sla_working_days: bool,
    /// Let Chapar number the agency's incoming letters (see `Agency`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40, example = "{year}/{seq}"))]
    pub reference_pattern: Option<String>,
}

fn check_sla(errors: &mut Errors, days: i32) {
    if !(1..=365).contains(&days) {
        errors.add("sla_days", ErrorCode::SlaDays);
    }
}

impl NewAgency {
    /// The normalised request, or every bad field.
    pub fn validate(&self) -> Result<NewAgency, Vec<FieldError>> {
        let mut e = Errors::default();
        let code = e.code("code", &self.code);
        let name = e.text("name", &self.name, 200);
        let name_en = e.optional_text("name_en", &self.name_en, 200);
        let parent_code = self
            .parent_code
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .map(|p| e.code("parent_code", p));
        check_sla(&mut e, self.sla_days);
        let reference_pattern = reference_pattern(&mut e, self.reference_pattern.as_deref());
        e.finish(NewAgency {
            code,
            name,
            name_en,
            parent_code,
            sla_days: self.sla_days,
            sla_working_days: self.sla_working_days,
            reference_pattern: reference_pattern.flatten(),
        })
    }
}

/// `PATCH /api/v1/agencies/{code}`: only the fields present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"sla_days": 10, "active": false})))]
pub struct AgencyUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name_en: Option<String>,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 365))]
    pub sla_days: Option<i32>,
    pub sla_working_days: Option<bool>,
    pub active: Option<bool>,
    /// A numbering pattern (see `Agency`); an empty string stops numbering.
    #[cfg_attr(feature = "openapi", schema(max_length = 40, example = "{year}/{seq}"))]
    pub reference_pattern: Option<String>,
}

/// A numbering pattern as given: absent (`None`), turned off (`Some(None)`,
/// an empty string) or checked (`Some(Some(pattern))`).
fn reference_pattern(e: &mut Errors, given: Option<&str>) -> Option<Option<String>> {
    let given = given?;
    if given.trim().is_empty() {
        return Some(None);
    }
    Some(Some(crate::secretariat::validate_pattern(
        e,
        "reference_pattern",
        given,
    )))
}

impl AgencyUpdate {
    pub fn validate(&self) -> Result<AgencyUpdate, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = self.name.as_deref().map(|n| e.text("name", n, 200));
        let name_en = self
            .name_en
            .as_deref()
            .map(|n| e.optional_text("name_en", n, 200));
        if let Some(days) = self.sla_days {
            check_sla(&mut e, days);
        }
        let reference_pattern = reference_pattern(&mut e, self.reference_pattern.as_deref())
            .map(Option::unwrap_or_default);
        e.finish(AgencyUpdate {
            name,
            name_en,
            sla_days: self.sla_days,
            sla_working_days: self.sla_working_days,
            active: self.active,
            reference_pattern,
        })
    }
}

/// A government service counter office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterOffice {
    #[cfg_attr(feature = "openapi", schema(example = "bnd-1021"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "دفتر پیشخوان ۱۰۲۱"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "هرمزگان"))]
    pub province: String,
    #[cfg_attr(feature = "openapi", schema(example = "بندرعباس"))]
    pub city: String,
    pub address: String,
    pub phone: String,
    pub active: bool,
}

/// `POST /api/v1/counter-offices`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "bnd-1021", "name": "دفتر پیشخوان ۱۰۲۱", "province": "هرمزگان", "city": "بندرعباس"
})))]
pub struct NewCounterOffice {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub name: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub province: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub city: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub address: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub phone: String,
}

impl NewCounterOffice {
    pub fn validate(&self) -> Result<NewCounterOffice, Vec<FieldError>> {
        let mut e = Errors::default();
        let office = NewCounterOffice {
            code: e.code("code", &self.code),
            name: e.text("name", &self.name, 200),
            province: e.text("province", &self.province, 100),
            city: e.text("city", &self.city, 100),
            address: e.optional_text("address", &self.address, 500),
            phone: e.optional_text("phone", &self.phone, 30),
        };
        e.finish(office)
    }
}

/// `PATCH /api/v1/counter-offices/{code}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"phone": "076-3333 1021", "active": true})))]
pub struct CounterOfficeUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub name: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub province: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub city: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub address: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 30))]
    pub phone: Option<String>,
    pub active: Option<bool>,
}

impl CounterOfficeUpdate {
    pub fn validate(&self) -> Result<CounterOfficeUpdate, Vec<FieldError>> {
        let mut e = Errors::default();
        let update = CounterOfficeUpdate {
            name: self.name.as_deref().map(|v| e.text("name", v, 200)),
            province: self.province.as_deref().map(|v| e.text("province", v, 100)),
            city: self.city.as_deref().map(|v| e.text("city", v, 100)),
            address: self
                .address
                .as_deref()
                .map(|v| e.optional_text("address", v, 500)),
            phone: self
                .phone
                .as_deref()
                .map(|v| e.optional_text("phone", v, 30)),
            active: self.active,
        };
        e.finish(update)
    }
}

/// A staff account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub counter_office_code: Option<String>,
    pub agency_code: Option<String>,
    pub active: bool,
}

pub const MIN_PASSWORD_LEN: usize = 10;

fn check_password(e: &mut Errors, field: &str, password: &str) {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        e.add_limit(field, ErrorCode::TooShort, MIN_PASSWORD_LEN);
    } else if len > 128 {
        e.add_limit(field, ErrorCode::TooLong, 128);
    }
}

/// Usernames: 3–64 of `a-z 0-9 . _ -`, lower-cased.
pub fn normalize_username(input: &str) -> String {
    crate::normalize::ascii_digits(input.trim()).to_lowercase()
}

/// `POST /api/v1/users`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "username": "op-bnd-1021", "display_name": "مریم احمدی", "password": "a long passphrase",
    "role": "operator", "counter_office_code": "bnd-1021"
})))]
pub struct NewUser {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._-]{3,64}$"))]
    pub username: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub display_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 128))]
    pub password: String,
    pub role: Role,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub counter_office_code: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub agency_code: Option<String>,
}

impl NewUser {
    pub fn validate(&self) -> Result<NewUser, Vec<FieldError>> {
        let mut e = Errors::default();
        let username = normalize_username(&self.username);
        let ok = username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if username.len() < 3 || username.len() > 64 || !ok {
            e.add("username", ErrorCode::UsernameFormat);
        }
        let display_name = e.text("display_name", &self.display_name, 200);
        check_password(&mut e, "password", &self.password);
        let office = non_empty(&self.counter_office_code).map(|c| e.code("counter_office_code", c));
        let agency = non_empty(&self.agency_code).map(|c| e.code("agency_code", c));
        match self.role {
            Role::Operator if office.is_none() => {
                e.add("counter_office_code", ErrorCode::OperatorNeedsOffice)
            }
            Role::Clerk if agency.is_none() => e.add("agency_code", ErrorCode::ClerkNeedsAgency),
            _ => {}
        }
        if self.role != Role::Operator && office.is_some() {
            e.add("counter_office_code", ErrorCode::OfficeOnlyForOperators);
        }
        if self.role != Role::Clerk && agency.is_some() {
            e.add("agency_code", ErrorCode::AgencyOnlyForClerks);
        }
        e.finish(NewUser {
            username,
            display_name,
            password: self.password.clone(),
            role: self.role,
            counter_office_code: office,
            agency_code: agency,
        })
    }
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `PATCH /api/v1/users/{id}`: rename, reset the password, (de)activate.
/// Any other field (a role, a binding) is refused with 422 rather than
/// silently ignored: to change a role, create the account anew.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"active": false})))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub display_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 128))]
    pub password: Option<String>,
    pub active: Option<bool>,
}

impl UserUpdate {
    pub fn validate(&self) -> Result<UserUpdate, Vec<FieldError>> {
        let mut e = Errors::default();
        let display_name = self
            .display_name
            .as_deref()
            .map(|v| e.text("display_name", v, 200));
        if let Some(p) = &self.password {
            check_password(&mut e, "password", p);
        }
        e.finish(UserUpdate {
            display_name,
            password: self.password.clone(),
            active: self.active,
        })
    }
}

/// An API client of an agency system or an integrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiClient {
    pub id: i32,
    #[cfg_attr(feature = "openapi", schema(example = "cl_water_3f9a1c"))]
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub agency_code: Option<String>,
    pub counter_office_code: Option<String>,
    pub active: bool,
}

/// `POST /api/v1/api-clients`: bound to exactly one agency or counter office.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Water company inbox system", "scopes": ["inbox:read", "inbox:write"], "agency_code": "water"
})))]
pub struct NewApiClient {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub agency_code: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{2,32}$"))]
    pub counter_office_code: Option<String>,
}

impl NewApiClient {
    pub fn validate(&self) -> Result<NewApiClient, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = e.text("name", &self.name, 200);
        let agency = non_empty(&self.agency_code).map(|c| e.code("agency_code", c));
        let office = non_empty(&self.counter_office_code).map(|c| e.code("counter_office_code", c));
        let allowed: &[&str] = match (&agency, &office) {
            (Some(_), None) => &scopes::FOR_AGENCY,
            (None, Some(_)) => &scopes::FOR_COUNTER_OFFICE,
            _ => {
                e.add("agency_code", ErrorCode::ClientBinding);
                &[]
            }
        };
        let mut granted: Vec<String> = Vec::new();
        if self.scopes.is_empty() {
            e.add("scopes", ErrorCode::ScopesEmpty);
        }
        for (i, scope) in self.scopes.iter().enumerate() {
            let scope = scope.trim();
            if !scopes::ALL.contains(&scope) {
                e.add(&format!("scopes[{i}]"), ErrorCode::ScopeUnknown);
            } else if !allowed.is_empty() && !allowed.contains(&scope) {
                e.add(&format!("scopes[{i}]"), ErrorCode::ScopeNotForBinding);
            } else if !granted.iter().any(|g| g == scope) {
                granted.push(scope.to_owned());
            }
        }
        e.finish(NewApiClient {
            name,
            scopes: granted,
            agency_code: agency,
            counter_office_code: office,
        })
    }
}

/// `PATCH /api/v1/api-clients/{id}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"active": false})))]
pub struct ApiClientUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub name: Option<String>,
    pub active: Option<bool>,
}

/// The answer to creating an API client: the only time the secret is shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiClient {
    #[serde(flatten)]
    pub client: ApiClient,
    /// Shown once; only its hash is stored.
    pub client_secret: String,
}

/// Text stored beside a directory row for search (Persian-normalised, lower-case).
pub fn search_text(parts: &[&str]) -> String {
    normalize_text(&parts.join(" ")).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_needs_an_office_and_clerk_an_agency() {
        let mut u = NewUser {
            username: "Op.One".into(),
            display_name: "علي".into(),
            password: "long enough pw".into(),
            role: Role::Operator,
            counter_office_code: None,
            agency_code: Some("water".into()),
        };
        let errs = u.validate().expect_err("no office");
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["counter_office_code", "agency_code"]);
        u.counter_office_code = Some("BND-۱".into());
        u.agency_code = None;
        let ok = u.validate().expect("valid");
        assert_eq!(ok.username, "op.one");
        assert_eq!(ok.display_name, "علی");
        assert_eq!(ok.counter_office_code.as_deref(), Some("bnd-1"));
    }

    #[test]
    fn short_passwords_are_refused() {
        let u = UserUpdate {
            password: Some("short".into()),
            ..Default::default()
        };
        assert_eq!(u.validate().expect_err("short")[0].field, "password");
    }

    #[test]
    fn client_scopes_must_fit_the_binding() {
        let c = NewApiClient {
            name: "portal".into(),
            scopes: vec!["letters:write".into(), "inbox:read".into(), "nope".into()],
            agency_code: None,
            counter_office_code: Some("bnd-1".into()),
        };
        let errs = c.validate().expect_err("bad scopes");
        assert_eq!(errs[0].field, "scopes[1]");
        assert_eq!(errs[1].field, "scopes[2]");
    }

    #[test]
    fn agency_sla_is_bounded() {
        let a = NewAgency {
            code: "tax".into(),
            name: "اداره مالیات".into(),
            name_en: String::new(),
            parent_code: None,
            sla_days: 0,
            sla_working_days: false,
            reference_pattern: None,
        };
        assert_eq!(a.validate().expect_err("sla")[0].field, "sla_days");
    }

    #[test]
    fn an_empty_pattern_stops_numbering_and_a_bad_one_is_named() {
        let off = AgencyUpdate {
            reference_pattern: Some(" ".into()),
            ..AgencyUpdate::default()
        };
        assert_eq!(
            off.validate().expect("valid").reference_pattern,
            Some(String::new())
        );
        let bad = AgencyUpdate {
            reference_pattern: Some("{year}".into()),
            ..AgencyUpdate::default()
        };
        assert_eq!(
            bad.validate().expect_err("no seq")[0].field,
            "reference_pattern"
        );
    }
}

/// A public holiday: not a working day for working-day SLAs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"day": "2027-02-11", "name": "پیروزی انقلاب اسلامی (۲۲ بهمن)"})))]
pub struct Holiday {
    /// The day (Gregorian, `YYYY-MM-DD`).
    pub day: chrono::NaiveDate,
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = "[^\\s\\x00-\\x1f\\x7f-\\x9f]"
        )
    )]
    pub name: String,
}
