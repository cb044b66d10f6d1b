//! Administration commands of the `chapar` binary that write to the database.

use shared::auth::Role;
use shared::directory::{NewUser, User};

use crate::auth::password::hash_blocking;
use crate::db::directory::now;
use crate::db::users::{self, user_to_wire, NewUserRow};
use crate::db::DbConnection;
use crate::error::ApiError;

/// `chapar create-admin`: validates like `POST /users`, hashes with argon2id.
pub fn create_admin(
    conn: &mut DbConnection,
    username: &str,
    display_name: Option<&str>,
    password: &str,
) -> Result<User, ApiError> {
    let new = NewUser {
        username: username.to_owned(),
        display_name: display_name.unwrap_or(username).to_owned(),
        password: password.to_owned(),
        role: Role::Admin,
        counter_office_code: None,
        agency_code: None,
    }
    .validate()
    .map_err(ApiError::Validation)?;
    let hash = hash_blocking(&new.password)?;
    let at = now();
    let id = users::insert_user(
        conn,
        &NewUserRow {
            username: &new.username,
            display_name: &new.display_name,
            password_hash: &hash,
            role: Role::Admin.as_str(),
            counter_office_id: None,
            agency_id: None,
            active: true,
            created_at: at,
            updated_at: at,
        },
    )
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict(_) => {
            ApiError::Conflict(format!("the username `{}` is taken", new.username))
        }
        other => other,
    })?;
    Ok(user_to_wire(users::user_with_bindings(conn, id)?))
}

/// A one-line explanation of a failed command for the terminal.
pub fn describe_error(err: &ApiError) -> String {
    match err {
        ApiError::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}
