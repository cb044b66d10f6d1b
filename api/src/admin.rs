//! Administration commands of the `chapar` binary that write to the database.

use shared::auth::Role;
use shared::directory::{NewUser, User};

use crate::auth::password::hash_blocking;
use crate::db::users::{self, user_to_wire};
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
    let id = users::create_user(conn, &new, &hash, None, None)?;
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
