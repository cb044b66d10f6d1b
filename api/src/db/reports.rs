//! What the dashboard reads: one row per letter in the caller's scope that
//! was registered or answered in the period, or is open now. The figures are
//! computed in `shared::reports`, the same way for both databases.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::reports::ReportRow;
use shared::workflow::Status;

use super::letters::{in_scope, utc, Scope};
use super::schema::{agencies, counter_offices, letters};
use super::DbConnection;

type Columns = (
    String,
    i32,
    i32,
    Option<i32>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// Codes and names of every agency and office (the directory is small).
#[derive(Default)]
pub struct Directory {
    agency_codes: HashMap<i32, String>,
    office_codes: HashMap<i32, String>,
    /// Names by code.
    pub agency_names: HashMap<String, String>,
    pub office_names: HashMap<String, String>,
}

impl Directory {
    pub fn load(conn: &mut DbConnection) -> QueryResult<Directory> {
        let mut directory = Directory::default();
        let agencies = agencies::table
            .select((agencies::id, agencies::code, agencies::name))
            .load::<(i32, String, String)>(conn)?;
        for (id, code, name) in agencies {
            directory.agency_codes.insert(id, code.clone());
            directory.agency_names.insert(code, name);
        }
        let offices = counter_offices::table
            .select((
                counter_offices::id,
                counter_offices::code,
                counter_offices::name,
            ))
            .load::<(i32, String, String)>(conn)?;
        for (id, code, name) in offices {
            directory.office_codes.insert(id, code.clone());
            directory.office_names.insert(code, name);
        }
        Ok(directory)
    }

    fn agency_code(&self, id: i32) -> String {
        self.agency_codes.get(&id).cloned().unwrap_or_default()
    }

    fn office_code(&self, id: i32) -> String {
        self.office_codes.get(&id).cloned().unwrap_or_default()
    }
}

/// The letters the report needs: registered or answered in `[start, end)`,
/// or open now.
pub fn report_rows(
    conn: &mut DbConnection,
    scope: Scope,
    start: NaiveDateTime,
    end: NaiveDateTime,
    directory: &Directory,
) -> QueryResult<Vec<ReportRow>> {
    let open = Status::AWAITING_AGENCY_NAMES;
    let mut query = letters::table
        .filter(
            letters::created_at
                .ge(start)
                .and(letters::created_at.lt(end))
                .or(letters::answered_at
                    .ge(start)
                    .and(letters::answered_at.lt(end)))
                .or(letters::status.eq_any(open)),
        )
        .select((
            letters::status,
            letters::counter_office_id,
            letters::holder_agency_id,
            letters::answer_agency_id,
            letters::created_at,
            letters::answered_at,
            letters::due_at,
        ))
        .into_boxed();
    query = in_scope(query, scope);
    let rows: Vec<Columns> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(status, office, holder, answerer, created_at, answered_at, due_at)| ReportRow {
                status: Status::parse(&status).unwrap_or(Status::Registered),
                counter_office_code: directory.office_code(office),
                holder_agency_code: directory.agency_code(holder),
                answer_agency_code: answerer.map(|id| directory.agency_code(id)),
                created_at: utc(created_at),
                answered_at: answered_at.map(utc),
                due_at: due_at.map(utc),
            },
        )
        .collect())
}
