//! Answer templates: rows and queries (who may touch which is the policy's).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::answer_templates::AnswerTemplate;

use super::directory::agency_names;
use super::letters::utc;
use super::schema::answer_templates;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = answer_templates)]
pub struct TemplateRow {
    pub id: i32,
    pub agency_id: i32,
    pub name: String,
    pub body: String,
    pub updated_at: NaiveDateTime,
}

/// The templates of one agency, or of every agency, by agency and name.
pub fn list(conn: &mut DbConnection, agency: Option<i32>) -> QueryResult<Vec<TemplateRow>> {
    let mut query = answer_templates::table
        .select(TemplateRow::as_select())
        .order((answer_templates::agency_id, answer_templates::name))
        .into_boxed();
    if let Some(agency) = agency {
        query = query.filter(answer_templates::agency_id.eq(agency));
    }
    query.load(conn)
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<TemplateRow> {
    answer_templates::table
        .find(id)
        .select(TemplateRow::as_select())
        .first(conn)
}

pub fn insert(
    conn: &mut DbConnection,
    agency: i32,
    name: &str,
    body: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<TemplateRow> {
    diesel::insert_into(answer_templates::table)
        .values((
            answer_templates::agency_id.eq(agency),
            answer_templates::name.eq(name),
            answer_templates::body.eq(body),
            answer_templates::updated_by.eq(by),
            answer_templates::created_at.eq(at),
            answer_templates::updated_at.eq(at),
        ))
        .execute(conn)?;
    answer_templates::table
        .filter(answer_templates::agency_id.eq(agency))
        .filter(answer_templates::name.eq(name))
        .select(TemplateRow::as_select())
        .first(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i32,
    name: &str,
    body: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<TemplateRow> {
    diesel::update(answer_templates::table.find(id))
        .set((
            answer_templates::name.eq(name),
            answer_templates::body.eq(body),
            answer_templates::updated_by.eq(by),
            answer_templates::updated_at.eq(at),
        ))
        .execute(conn)?;
    find(conn, id)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(answer_templates::table.find(id)).execute(conn)
}

/// The wire form of rows, with their agencies' codes and names (one query).
pub fn to_wire(
    conn: &mut DbConnection,
    rows: Vec<TemplateRow>,
) -> QueryResult<Vec<AnswerTemplate>> {
    let mut ids: Vec<i32> = rows.iter().map(|r| r.agency_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = agency_names(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let agency = names.get(&r.agency_id).cloned().unwrap_or_default();
            AnswerTemplate {
                id: r.id,
                agency_code: agency.code,
                agency_name: agency.name,
                name: r.name,
                body: r.body,
                updated_at: utc(r.updated_at),
            }
        })
        .collect())
}
