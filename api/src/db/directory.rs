//! Agencies and counter offices: rows, queries and their wire form.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::directory::{search_text, Agency, CounterOffice};

use super::schema::{agencies, counter_offices};
use super::DbConnection;

/// The current UTC time at microsecond precision: what both databases store
/// exactly, so values read back (and hashes over them) match what was written.
pub fn now() -> NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// A `LIKE` pattern matching `q` anywhere, with `%`, `_` and `\` taken literally.
pub fn contains_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Filters shared by the directory lists.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    /// Normalised search text.
    pub q: Option<String>,
    pub active: Option<bool>,
    /// Code (agencies, offices) after which the page starts.
    pub after: Option<String>,
    pub limit: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub parent_id: Option<i32>,
    pub sla_days: i32,
    pub active: bool,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sla_working_days: bool,
    pub reference_pattern: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = agencies)]
pub struct NewAgencyRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub name_en: &'a str,
    pub parent_id: Option<i32>,
    pub sla_days: i32,
    pub sla_working_days: bool,
    pub active: bool,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub reference_pattern: Option<&'a str>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = agencies)]
pub struct AgencyChangeset {
    pub name: Option<String>,
    pub name_en: Option<String>,
    pub sla_days: Option<i32>,
    pub sla_working_days: Option<bool>,
    pub active: Option<bool>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
    /// `Some(None)` turns numbering off.
    pub reference_pattern: Option<Option<String>>,
}

impl AgencyRow {
    pub fn search_text_of(code: &str, name: &str, name_en: &str) -> String {
        search_text(&[code, name, name_en])
    }

    pub fn into_wire(self, parent_code: Option<String>) -> Agency {
        Agency {
            code: self.code,
            name: self.name,
            name_en: self.name_en,
            parent_code,
            sla_days: self.sla_days,
            sla_working_days: self.sla_working_days,
            active: self.active,
            reference_pattern: self.reference_pattern,
        }
    }
}

/// The agency's numbering pattern, when it lets Chapar number its letters.
pub fn reference_pattern(conn: &mut DbConnection, agency: i32) -> QueryResult<Option<String>> {
    agencies::table
        .find(agency)
        .select(agencies::reference_pattern)
        .first(conn)
}

pub fn agency_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<AgencyRow> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(AgencyRow::as_select())
        .first(conn)
}

/// What registering a letter reads besides what it writes, in one statement
/// (on PostgreSQL one round trip instead of three).
pub struct RegistrationFacts {
    /// The recipient, by its code.
    pub agency: AgencyRow,
    /// The registering office, for the answer.
    pub office: Named,
    /// Whether the applicant's mobile opted out of SMS (the answer says so).
    pub opted_out: bool,
    /// The admin's text of the "registered" SMS, if edited.
    pub registered_sms: Option<String>,
}

/// [`RegistrationFacts`] for a letter to the agency `agency_code` from
/// `office_id` by the applicant on `mobile` (`None`: no such agency).
pub fn registration_facts(
    conn: &mut DbConnection,
    agency_code: &str,
    office_id: i32,
    mobile: &str,
) -> QueryResult<Option<RegistrationFacts>> {
    use super::schema::{sms_opt_outs, sms_templates};
    let found: Option<(AgencyRow, String, String, bool, Option<String>)> = agencies::table
        .inner_join(counter_offices::table.on(counter_offices::id.eq(office_id)))
        .filter(agencies::code.eq(agency_code))
        .select((
            AgencyRow::as_select(),
            counter_offices::code,
            counter_offices::name,
            diesel::dsl::exists(sms_opt_outs::table.filter(sms_opt_outs::mobile.eq(mobile))),
            sms_templates::table
                .find("registered")
                .select(sms_templates::body)
                .single_value(),
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(
        |(agency, code, name, opted_out, registered_sms)| RegistrationFacts {
            agency,
            office: Named { code, name },
            opted_out,
            registered_sms,
        },
    ))
}

/// Codes of the given agencies, for answering `parent_code` and bindings.
pub fn agency_codes(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(agencies::table
        .filter(super::among(agencies::id, ids))
        .select((agencies::id, agencies::code))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect())
}

/// An agency's or a counter office's public code and the name people read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// Codes and names of the given agencies.
pub fn agency_names(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, Named>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(agencies::table
        .filter(super::among(agencies::id, ids))
        .select((agencies::id, agencies::code, agencies::name))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, name)| (id, Named { code, name }))
        .collect())
}

/// Codes and names of the given counter offices.
pub fn office_names(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, Named>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(counter_offices::table
        .filter(super::among(counter_offices::id, ids))
        .select((
            counter_offices::id,
            counter_offices::code,
            counter_offices::name,
        ))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, code, name)| (id, Named { code, name }))
        .collect())
}

pub fn list_agencies(conn: &mut DbConnection, filter: &ListFilter) -> QueryResult<Vec<AgencyRow>> {
    let mut query = agencies::table.select(AgencyRow::as_select()).into_boxed();
    if let Some(q) = &filter.q {
        query = query.filter(agencies::search_text.like(contains_pattern(q)).escape('\\'));
    }
    if let Some(active) = filter.active {
        query = query.filter(agencies::active.eq(active));
    }
    if let Some(after) = &filter.after {
        query = query.filter(agencies::code.gt(after.clone()));
    }
    query
        .order(agencies::code.asc())
        .limit(filter.limit)
        .load(conn)
}

/// Wire form of a page of agencies (one extra query for parent codes).
pub fn agencies_to_wire(conn: &mut DbConnection, rows: Vec<AgencyRow>) -> QueryResult<Vec<Agency>> {
    let parent_ids: Vec<i32> = rows.iter().filter_map(|r| r.parent_id).collect();
    let codes = agency_codes(conn, &parent_ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let parent = r.parent_id.and_then(|id| codes.get(&id).cloned());
            r.into_wire(parent)
        })
        .collect())
}

pub fn insert_agency(conn: &mut DbConnection, row: &NewAgencyRow<'_>) -> QueryResult<AgencyRow> {
    diesel::insert_into(agencies::table)
        .values(row)
        .execute(conn)?;
    agency_by_code(conn, row.code)
}

pub fn update_agency(
    conn: &mut DbConnection,
    id: i32,
    changes: &AgencyChangeset,
) -> QueryResult<()> {
    diesel::update(agencies::table.find(id))
        .set(changes)
        .execute(conn)
        .map(drop)
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = counter_offices)]
pub struct CounterOfficeRow {
    pub id: i32,
    pub code: String,
    pub name: String,
    pub province: String,
    pub city: String,
    pub address: String,
    pub phone: String,
    pub active: bool,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = counter_offices)]
pub struct NewCounterOfficeRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub province: &'a str,
    pub city: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub active: bool,
    pub search_text: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = counter_offices)]
pub struct CounterOfficeChangeset {
    pub name: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub active: Option<bool>,
    pub search_text: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

impl CounterOfficeRow {
    pub fn search_text_of(code: &str, name: &str, province: &str, city: &str) -> String {
        search_text(&[code, name, province, city])
    }
}

impl From<CounterOfficeRow> for CounterOffice {
    fn from(r: CounterOfficeRow) -> Self {
        CounterOffice {
            code: r.code,
            name: r.name,
            province: r.province,
            city: r.city,
            address: r.address,
            phone: r.phone,
            active: r.active,
        }
    }
}

pub fn office_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<CounterOfficeRow> {
    counter_offices::table
        .filter(counter_offices::code.eq(code))
        .select(CounterOfficeRow::as_select())
        .first(conn)
}

pub fn list_offices(
    conn: &mut DbConnection,
    filter: &ListFilter,
) -> QueryResult<Vec<CounterOfficeRow>> {
    let mut query = counter_offices::table
        .select(CounterOfficeRow::as_select())
        .into_boxed();
    if let Some(q) = &filter.q {
        query = query.filter(
            counter_offices::search_text
                .like(contains_pattern(q))
                .escape('\\'),
        );
    }
    if let Some(active) = filter.active {
        query = query.filter(counter_offices::active.eq(active));
    }
    if let Some(after) = &filter.after {
        query = query.filter(counter_offices::code.gt(after.clone()));
    }
    query
        .order(counter_offices::code.asc())
        .limit(filter.limit)
        .load(conn)
}

pub fn insert_office(
    conn: &mut DbConnection,
    row: &NewCounterOfficeRow<'_>,
) -> QueryResult<CounterOfficeRow> {
    diesel::insert_into(counter_offices::table)
        .values(row)
        .execute(conn)?;
    office_by_code(conn, row.code)
}

pub fn update_office(
    conn: &mut DbConnection,
    id: i32,
    changes: &CounterOfficeChangeset,
) -> QueryResult<()> {
    diesel::update(counter_offices::table.find(id))
        .set(changes)
        .execute(conn)
        .map(drop)
}

/// Holidays between two days (inclusive), for working-day due dates.
pub fn holidays_between(
    conn: &mut DbConnection,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> QueryResult<std::collections::HashSet<chrono::NaiveDate>> {
    use super::schema::holidays;
    Ok(holidays::table
        .filter(holidays::day.ge(from))
        .filter(holidays::day.le(to))
        .select(holidays::day)
        .load::<chrono::NaiveDate>(conn)?
        .into_iter()
        .collect())
}

/// When a delivery made `at` to `agency` is due, by its SLA.
pub fn due_for(
    conn: &mut DbConnection,
    agency: &AgencyRow,
    at: NaiveDateTime,
) -> QueryResult<NaiveDateTime> {
    if !agency.sla_working_days {
        return Ok(shared::sla::due_date(at, agency.sla_days, false, |_| false));
    }
    let from = at.date();
    // Generous: every week has a Friday, and holidays cluster at Nowruz.
    let to = from + chrono::Duration::days(i64::from(agency.sla_days) * 2 + 30);
    let holidays = holidays_between(conn, from, to)?;
    Ok(shared::sla::due_date(at, agency.sla_days, true, |d| {
        holidays.contains(&d)
    }))
}

pub fn list_holidays(
    conn: &mut DbConnection,
    from: chrono::NaiveDate,
) -> QueryResult<Vec<(chrono::NaiveDate, String)>> {
    use super::schema::holidays;
    holidays::table
        .filter(holidays::day.ge(from))
        .order(holidays::day.asc())
        .select((holidays::day, holidays::name))
        .load(conn)
}

pub fn upsert_holiday(
    conn: &mut DbConnection,
    day: chrono::NaiveDate,
    name: &str,
) -> QueryResult<()> {
    use super::schema::holidays;
    let updated = diesel::update(holidays::table.find(day))
        .set(holidays::name.eq(name))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(holidays::table)
            .values((holidays::day.eq(day), holidays::name.eq(name)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_holiday(conn: &mut DbConnection, day: chrono::NaiveDate) -> QueryResult<usize> {
    use super::schema::holidays;
    diesel::delete(holidays::table.find(day)).execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("50%_off"), "%50\\%\\_off%");
    }
}
