//! API clients of agency systems and integrators.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::directory::ApiClient;

use super::schema::{agencies, api_clients, counter_offices};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = api_clients)]
pub struct ApiClientRow {
    pub id: i32,
    pub client_id: String,
    pub name: String,
    pub secret_hash: String,
    pub scopes: String,
    pub agency_id: Option<i32>,
    pub counter_office_id: Option<i32>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_clients)]
pub struct NewApiClientRow<'a> {
    pub client_id: &'a str,
    pub name: &'a str,
    pub secret_hash: &'a str,
    pub scopes: &'a str,
    pub agency_id: Option<i32>,
    pub counter_office_id: Option<i32>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = api_clients)]
pub struct ApiClientChangeset {
    pub name: Option<String>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

/// A client with the codes of its binding (agency, office).
pub type ApiClientWithBindings = (ApiClientRow, Option<String>, Option<String>);

pub fn client_to_wire((row, agency, office): ApiClientWithBindings) -> ApiClient {
    ApiClient {
        id: row.id,
        client_id: row.client_id,
        name: row.name,
        scopes: row.scopes.split_whitespace().map(str::to_owned).collect(),
        agency_code: agency,
        counter_office_code: office,
        active: row.active,
    }
}

#[diesel::dsl::auto_type]
fn with_bindings() -> _ {
    api_clients::table
        .left_join(agencies::table)
        .left_join(counter_offices::table)
}

pub fn client_by_client_id(
    conn: &mut DbConnection,
    client_id: &str,
) -> QueryResult<Option<ApiClientWithBindings>> {
    with_bindings()
        .filter(api_clients::client_id.eq(client_id))
        .select((
            ApiClientRow::as_select(),
            agencies::code.nullable(),
            counter_offices::code.nullable(),
        ))
        .first(conn)
        .optional()
}

pub fn client_by_id(conn: &mut DbConnection, id: i32) -> QueryResult<ApiClientWithBindings> {
    with_bindings()
        .filter(api_clients::id.eq(id))
        .select((
            ApiClientRow::as_select(),
            agencies::code.nullable(),
            counter_offices::code.nullable(),
        ))
        .first(conn)
}

pub fn list_clients(
    conn: &mut DbConnection,
    after: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<ApiClientWithBindings>> {
    let mut query = with_bindings()
        .select((
            ApiClientRow::as_select(),
            agencies::code.nullable(),
            counter_offices::code.nullable(),
        ))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(api_clients::id.gt(after));
    }
    query.order(api_clients::id.asc()).limit(limit).load(conn)
}

pub fn insert_client(conn: &mut DbConnection, row: &NewApiClientRow<'_>) -> QueryResult<i32> {
    diesel::insert_into(api_clients::table)
        .values(row)
        .execute(conn)?;
    api_clients::table
        .filter(api_clients::client_id.eq(row.client_id))
        .select(api_clients::id)
        .first(conn)
}

pub fn update_client(
    conn: &mut DbConnection,
    id: i32,
    changes: &ApiClientChangeset,
) -> QueryResult<usize> {
    diesel::update(api_clients::table.find(id))
        .set(changes)
        .execute(conn)
}
