//! The audit trail of confidential letters: every read of a confidential
//! letter's detail, files or public tracking page, with who and when. Who
//! may read is `policy::may_read_text`; this only records and lists.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use shared::letters::ConfidentialRead;

use super::letters::utc;
use super::schema::{confidential_reads, letters};
use super::DbConnection;

/// The actor of a read through the public tracking page (national code and
/// tracking code, no account).
pub const APPLICANT: &str = "applicant";

/// What was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOf {
    /// The letter's detail (subject, body, answer).
    Letter,
    /// One attachment's bytes.
    File(i32),
    /// The applicant's public tracking page.
    Tracking,
}

#[derive(Insertable)]
#[diesel(table_name = confidential_reads, treat_none_as_default_value = false)]
struct NewRead<'a> {
    letter_id: i32,
    at: NaiveDateTime,
    actor: &'a str,
    what: &'a str,
    attachment_id: Option<i32>,
}

/// Records that `actor` read `what` of the letter, now.
pub fn record_read(
    conn: &mut DbConnection,
    letter_id: i32,
    actor: &str,
    what: ReadOf,
) -> QueryResult<()> {
    let (what, attachment_id) = match what {
        ReadOf::Letter => ("letter", None),
        ReadOf::File(id) => ("file", Some(id)),
        ReadOf::Tracking => ("tracking", None),
    };
    diesel::insert_into(confidential_reads::table)
        .values(&NewRead {
            letter_id,
            at: super::directory::now(),
            actor,
            what,
            attachment_id,
        })
        .execute(conn)
        .map(drop)
}

/// Reads newest first, of one letter or of all, older than the cursor id.
pub fn list_reads(
    conn: &mut DbConnection,
    letter_id: Option<i32>,
    before: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<ConfidentialRead>> {
    type Row = (i32, i32, String, String, String, Option<i32>, NaiveDateTime);
    let mut query = confidential_reads::table
        .inner_join(letters::table)
        .select((
            confidential_reads::id,
            confidential_reads::letter_id,
            letters::tracking_code,
            confidential_reads::actor,
            confidential_reads::what,
            confidential_reads::attachment_id,
            confidential_reads::at,
        ))
        .order(confidential_reads::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(letter) = letter_id {
        query = query.filter(confidential_reads::letter_id.eq(letter));
    }
    if let Some(before) = before {
        query = query.filter(confidential_reads::id.lt(before));
    }
    let rows: Vec<Row> = query.load(conn)?;
    let actors: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
    let names = super::users::actor_names(conn, &actors)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, letter_id, tracking_code, actor, what, attachment_id, at)| ConfidentialRead {
                id,
                letter_id,
                tracking_code,
                actor_name: match names.get(&actor) {
                    Some(name) => name.clone(),
                    None if actor == APPLICANT => "متقاضی".into(),
                    None => actor.clone(),
                },
                actor,
                what,
                attachment_id,
                at: utc(at),
            },
        )
        .collect())
}
