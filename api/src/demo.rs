//! Demo data for `chapar serve --demo`: a small, realistic province
//! (Hormozgan) with agencies, counter offices, one admin, one operator per
//! office, one clerk per agency and one API client per agency. Seeded only
//! into an empty database; the logins are printed at start.

use diesel::prelude::*;
use shared::auth::{scopes, Role};

use crate::auth::password::hash_blocking;
use crate::auth::secrets::hash_secret;
use crate::db::api_clients::{self, NewApiClientRow};
use crate::db::directory::{
    self as dir, now, AgencyRow, CounterOfficeRow, NewAgencyRow, NewCounterOfficeRow,
};
use crate::db::users::{self, NewUserRow};
use crate::db::{schema, DbConnection};
use crate::error::ApiError;

/// Every demo account has this password (demo data only).
pub const DEMO_PASSWORD: &str = "chapar-demo";

/// (code, Persian name, English name, SLA days)
pub const AGENCIES: &[(&str, &str, &str, i32)] = &[
    (
        "water",
        "شرکت آب و فاضلاب استان هرمزگان",
        "Hormozgan Water and Wastewater Company",
        7,
    ),
    (
        "electricity",
        "شرکت توزیع نیروی برق استان هرمزگان",
        "Hormozgan Electricity Distribution Company",
        7,
    ),
    ("gas", "شرکت گاز استان هرمزگان", "Hormozgan Gas Company", 7),
    (
        "municipality",
        "شهرداری بندرعباس",
        "Bandar Abbas Municipality",
        10,
    ),
    (
        "tax",
        "اداره کل امور مالیاتی استان هرمزگان",
        "Hormozgan Tax Administration",
        14,
    ),
    (
        "social-security",
        "اداره کل تأمین اجتماعی استان هرمزگان",
        "Hormozgan Social Security Organization",
        10,
    ),
    (
        "registry",
        "اداره کل ثبت اسناد و املاک استان هرمزگان",
        "Hormozgan Deeds and Property Registration",
        14,
    ),
    (
        "education",
        "اداره کل آموزش و پرورش استان هرمزگان",
        "Hormozgan Education Department",
        10,
    ),
    (
        "health",
        "دانشگاه علوم پزشکی هرمزگان",
        "Hormozgan University of Medical Sciences",
        10,
    ),
    (
        "governorate",
        "استانداری هرمزگان",
        "Hormozgan Governorate",
        14,
    ),
];

/// (code, name, city, address, phone)
pub const OFFICES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "bnd-1021",
        "دفتر پیشخوان دولت ۱۰۲۱ بندرعباس",
        "بندرعباس",
        "بلوار امام خمینی، نبش کوچه ۱۲",
        "076-33331021",
    ),
    (
        "qsh-2034",
        "دفتر پیشخوان دولت ۲۰۳۴ قشم",
        "قشم",
        "خیابان امام، روبروی بانک ملی",
        "076-35252034",
    ),
    (
        "mnb-3012",
        "دفتر پیشخوان دولت ۳۰۱۲ میناب",
        "میناب",
        "میدان شهدا، ساختمان پارس",
        "076-32233012",
    ),
    (
        "lng-4007",
        "دفتر پیشخوان دولت ۴۰۰۷ بندر لنگه",
        "بندر لنگه",
        "خیابان ساحلی، پلاک ۴۰",
        "076-44224007",
    ),
    (
        "jsk-5019",
        "دفتر پیشخوان دولت ۵۰۱۹ جاسک",
        "جاسک",
        "بلوار ولیعصر، جنب شهرداری",
        "076-44325019",
    ),
];

const PROVINCE: &str = "هرمزگان";

/// One printed demo login.
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub binding: String,
}

/// What was seeded, for printing.
pub struct DemoData {
    pub logins: Vec<DemoLogin>,
    /// (client_id, secret, agency)
    pub clients: Vec<(String, String, String)>,
}

/// Seeds the demo province when the database has no agencies and no users.
pub fn seed_if_empty(conn: &mut DbConnection) -> Result<Option<DemoData>, ApiError> {
    let agencies: i64 = schema::agencies::table.count().get_result(conn)?;
    if agencies > 0 || users::count_users(conn)? > 0 {
        return Ok(None);
    }
    crate::db::write_transaction(conn, |conn| {
        let at = now();
        let mut data = DemoData {
            logins: Vec::new(),
            clients: Vec::new(),
        };
        let mut add_user = |conn: &mut DbConnection,
                            username: &str,
                            display_name: &str,
                            role: Role,
                            office: Option<(i32, &str)>,
                            agency: Option<(i32, &str)>|
         -> Result<(), ApiError> {
            users::insert_user(
                conn,
                &NewUserRow {
                    username,
                    display_name,
                    password_hash: &hash_blocking(DEMO_PASSWORD)?,
                    role: role.as_str(),
                    counter_office_id: office.map(|o| o.0),
                    agency_id: agency.map(|a| a.0),
                    active: true,
                    created_at: at,
                    updated_at: at,
                },
            )?;
            data.logins.push(DemoLogin {
                username: username.to_owned(),
                role,
                binding: office
                    .or(agency)
                    .map(|b| b.1.to_owned())
                    .unwrap_or_default(),
            });
            Ok(())
        };
        add_user(conn, "admin", "مدیر سامانه", Role::Admin, None, None)?;
        for (code, name, city, address, phone) in OFFICES {
            let office = dir::insert_office(
                conn,
                &NewCounterOfficeRow {
                    code,
                    name,
                    province: PROVINCE,
                    city,
                    address,
                    phone,
                    active: true,
                    search_text: CounterOfficeRow::search_text_of(code, name, PROVINCE, city),
                    created_at: at,
                    updated_at: at,
                },
            )?;
            let display = format!("متصدی {name}");
            add_user(
                conn,
                &format!("op-{code}"),
                &display,
                Role::Operator,
                Some((office.id, code)),
                None,
            )?;
        }
        let mut client_rows = Vec::new();
        for (code, name, name_en, sla_days) in AGENCIES {
            let agency = dir::insert_agency(
                conn,
                &NewAgencyRow {
                    code,
                    name,
                    name_en,
                    parent_id: None,
                    sla_days: *sla_days,
                    // Agencies with long SLAs count working days (a realistic mix for the demo).
                    sla_working_days: *sla_days >= 14,
                    active: true,
                    search_text: AgencyRow::search_text_of(code, name, name_en),
                    created_at: at,
                    updated_at: at,
                    // The municipality lets Chapar number its incoming letters.
                    reference_pattern: (*code == "municipality").then_some("{year}/ش/{seq}"),
                },
            )?;
            let display = format!("دبیرخانه {name}");
            add_user(
                conn,
                &format!("clerk-{code}"),
                &display,
                Role::Clerk,
                None,
                Some((agency.id, code)),
            )?;
            client_rows.push((agency.id, code.to_string(), name_en.to_string()));
        }
        add_user(conn, "auditor", "بازرس", Role::Auditor, None, None)?;
        for (agency_id, code, name_en) in client_rows {
            let client_id = format!("demo-{code}");
            let secret = format!("demo-secret-{code}");
            let granted = [
                scopes::INBOX_READ,
                scopes::INBOX_WRITE,
                scopes::LETTERS_READ,
            ]
            .join(" ");
            api_clients::insert_client(
                conn,
                &NewApiClientRow {
                    client_id: &client_id,
                    name: &format!("{name_en} inbox system"),
                    secret_hash: &hash_secret(&secret),
                    scopes: &granted,
                    agency_id: Some(agency_id),
                    counter_office_id: None,
                    active: true,
                    created_at: at,
                    updated_at: at,
                },
            )?;
            data.clients.push((client_id, secret, code));
        }
        Ok(Some(data))
    })
}

/// The banner printed by `chapar serve --demo`.
pub fn describe(data: &DemoData) -> String {
    let mut out =
        String::from("\nDemo data seeded. Every demo account's password is `chapar-demo`.\n\n");
    out.push_str("  username                 role       office / agency\n");
    for login in &data.logins {
        out.push_str(&format!(
            "  {:<24} {:<10} {}\n",
            login.username,
            login.role.as_str(),
            login.binding
        ));
    }
    out.push_str("\nAPI clients (OAuth2 client credentials, POST /api/v1/auth/token):\n");
    for (id, secret, agency) in &data.clients {
        out.push_str(&format!("  {id:<24} secret {secret:<30} agency {agency}\n"));
    }
    out
}
