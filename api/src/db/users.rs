//! Staff users, their refresh tokens, and the authentication audit trail.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::auth::Role;
use shared::directory::User;

use super::schema::{agencies, auth_events, counter_offices, refresh_tokens, users};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub counter_office_id: Option<i32>,
    pub agency_id: Option<i32>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewUserRow<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub counter_office_id: Option<i32>,
    pub agency_id: Option<i32>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChangeset {
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

/// A user with the codes of its bindings.
pub type UserWithBindings = (UserRow, Option<String>, Option<String>);

impl UserRow {
    /// The stored role; `None` (logged) for a value this version does not
    /// know, which grants nothing: no token is issued for such a user.
    pub fn role(&self) -> Option<Role> {
        let role = Role::parse(&self.role);
        if role.is_none() {
            tracing::error!(user = self.id, role = %self.role, "unknown stored role");
        }
        role
    }
}

pub fn user_to_wire((row, office, agency): UserWithBindings) -> User {
    User {
        id: row.id,
        // Shown as the least privileged role; such a user cannot log in.
        role: row.role().unwrap_or(Role::Auditor),
        username: row.username,
        display_name: row.display_name,
        counter_office_code: office,
        agency_code: agency,
        active: row.active,
    }
}

pub fn user_with_bindings(conn: &mut DbConnection, id: i32) -> QueryResult<UserWithBindings> {
    users::table
        .left_join(counter_offices::table)
        .left_join(agencies::table)
        .filter(users::id.eq(id))
        .select((
            UserRow::as_select(),
            counter_offices::code.nullable(),
            agencies::code.nullable(),
        ))
        .first(conn)
}

pub fn user_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<UserWithBindings> {
    users::table
        .left_join(counter_offices::table)
        .left_join(agencies::table)
        .filter(users::username.eq(username))
        .select((
            UserRow::as_select(),
            counter_offices::code.nullable(),
            agencies::code.nullable(),
        ))
        .first(conn)
}

pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<Role>,
    pub after: Option<i32>,
    pub limit: i64,
}

pub fn list_users(
    conn: &mut DbConnection,
    filter: &UserFilter,
) -> QueryResult<Vec<UserWithBindings>> {
    let mut query = users::table
        .left_join(counter_offices::table)
        .left_join(agencies::table)
        .select((
            UserRow::as_select(),
            counter_offices::code.nullable(),
            agencies::code.nullable(),
        ))
        .into_boxed();
    if let Some(q) = &filter.q {
        let pattern = super::directory::contains_pattern(q);
        query = query.filter(
            users::username
                .like(pattern.clone())
                .escape('\\')
                .or(users::display_name.like(pattern).escape('\\')),
        );
    }
    if let Some(role) = filter.role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(after) = filter.after {
        query = query.filter(users::id.gt(after));
    }
    query.order(users::id.asc()).limit(filter.limit).load(conn)
}

pub fn insert_user(conn: &mut DbConnection, row: &NewUserRow<'_>) -> QueryResult<i32> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    users::table
        .filter(users::username.eq(row.username))
        .select(users::id)
        .first(conn)
}

/// Inserts a validated new user; a taken username is a 409 naming it.
pub fn create_user(
    conn: &mut DbConnection,
    new: &shared::directory::NewUser,
    password_hash: &str,
    counter_office_id: Option<i32>,
    agency_id: Option<i32>,
) -> Result<i32, crate::error::ApiError> {
    use crate::error::ApiError;
    let at = super::directory::now();
    insert_user(
        conn,
        &NewUserRow {
            username: &new.username,
            display_name: &new.display_name,
            password_hash,
            role: new.role.as_str(),
            counter_office_id,
            agency_id,
            active: true,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(code, _) => {
            ApiError::Conflict(code, format!("The username `{}` is taken.", new.username))
        }
        other => other,
    })
}

pub fn update_user(
    conn: &mut DbConnection,
    id: i32,
    changes: &UserChangeset,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)
}

pub fn count_users(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: i32,
    pub user_id: i32,
    pub family: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens, treat_none_as_default_value = false)]
pub struct NewRefreshToken<'a> {
    pub user_id: i32,
    pub family: &'a str,
    pub token_hash: &'a str,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert_refresh_token(conn: &mut DbConnection, row: &NewRefreshToken<'_>) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn refresh_token_by_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Marks a token used, only if nobody did first; false means it was already
/// used or revoked (a replay, or two refreshes racing).
pub fn claim_refresh_token(
    conn: &mut DbConnection,
    id: i32,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::rotated_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(Some(at)))
    .execute(conn)?;
    Ok(claimed == 1)
}

pub fn revoke_family(
    conn: &mut DbConnection,
    family: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(at)))
    .execute(conn)
}

pub fn revoke_all_of_user(
    conn: &mut DbConnection,
    user_id: i32,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(at)))
    .execute(conn)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = auth_events, treat_none_as_default_value = false)]
pub struct NewAuthEvent<'a> {
    pub at: NaiveDateTime,
    pub kind: &'a str,
    pub principal: &'a str,
    pub ip: &'a str,
    pub detail: &'a str,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = auth_events)]
pub struct AuthEventRow {
    pub id: i32,
    pub at: NaiveDateTime,
    pub kind: String,
    pub principal: String,
    pub ip: String,
    pub detail: String,
}

/// Appends one authentication event to the audit trail.
pub fn record_auth_event(
    conn: &mut DbConnection,
    kind: &str,
    principal: &str,
    ip: &str,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(auth_events::table)
        .values(&NewAuthEvent {
            at: super::directory::now(),
            kind,
            principal,
            ip,
            detail,
        })
        .execute(conn)
        .map(drop)
}

pub fn list_auth_events(
    conn: &mut DbConnection,
    before: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<AuthEventRow>> {
    let mut query = auth_events::table
        .select(AuthEventRow::as_select())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(auth_events::id.lt(before));
    }
    query.order(auth_events::id.desc()).limit(limit).load(conn)
}

/// The names people read for the actors of a letter's history: a staff
/// member's display name by username, an API client's name for
/// `client:<client_id>` (two queries whatever the number of actors).
pub fn actor_names(
    conn: &mut DbConnection,
    actors: &[&str],
) -> QueryResult<std::collections::HashMap<String, String>> {
    use super::schema::api_clients;
    let (clients, usernames): (Vec<&str>, Vec<&str>) =
        actors.iter().partition(|a| a.starts_with("client:"));
    let mut names = std::collections::HashMap::new();
    if !usernames.is_empty() {
        for (username, name) in users::table
            .filter(users::username.eq_any(&usernames))
            .select((users::username, users::display_name))
            .load::<(String, String)>(conn)?
        {
            names.insert(username, name);
        }
    }
    let client_ids: Vec<&str> = clients
        .iter()
        .filter_map(|a| a.strip_prefix("client:"))
        .collect();
    if !client_ids.is_empty() {
        for (client_id, name) in api_clients::table
            .filter(api_clients::client_id.eq_any(&client_ids))
            .select((api_clients::client_id, api_clients::name))
            .load::<(String, String)>(conn)?
        {
            names.insert(format!("client:{client_id}"), name);
        }
    }
    Ok(names)
}
