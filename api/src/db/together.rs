//! Inserts a step writes and never reads back, sent with the step's last
//! statement.
//!
//! On PostgreSQL every statement is a round trip, and its fixed cost (the
//! client's send and wait, the server's bind and executor start, both
//! sides' system calls) is larger than a small insert's own work. Gathered
//! as `WITH` clauses of the step's last statement, a registration's
//! delivery, events, SMS and idempotency record cost one round trip instead
//! of four (`pgbench` with a registration's rows: 1,040 – 1,280
//! transactions a second with events, SMS and key as three statements,
//! 1,230 – 1,480 as one).
//! The clauses run in one snapshot and in no set order, so only inserts
//! that depend on none of each other belong here.
//!
//! SQLite has no round trips (the library runs in the process): there
//! each insert runs at once.

use diesel::connection::Connection;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

use super::DbConnection;

/// A statement both backends can run.
pub trait Statement: QueryFragment<Pg> + QueryFragment<Sqlite> + QueryId {}

impl<S: QueryFragment<Pg> + QueryFragment<Sqlite> + QueryId> Statement for S {}

/// The inserts gathered so far (PostgreSQL only: SQLite's ran at once).
/// Hand it to [`Unread::execute_with`] or [`Unread::flush`]: dropped, what
/// it holds is not written.
#[derive(Default)]
pub struct Unread<'a> {
    postgres: Vec<Box<dyn QueryFragment<Pg> + 'a>>,
}

impl<'a> Unread<'a> {
    /// Gathers `insert` on PostgreSQL; runs it now on SQLite.
    pub fn add(&mut self, conn: &mut DbConnection, insert: impl Statement + 'a) -> QueryResult<()> {
        match conn {
            DbConnection::Postgres(_) => {
                self.postgres.push(Box::new(insert));
                Ok(())
            }
            DbConnection::Sqlite(sqlite) => sqlite.execute_returning_count(&insert).map(drop),
        }
    }

    /// Runs `last` with the gathered inserts; answers the rows `last` changed.
    pub fn execute_with(self, conn: &mut DbConnection, last: impl Statement) -> QueryResult<usize> {
        match conn {
            DbConnection::Postgres(pg) => pg.execute_returning_count(&Together {
                first: &self.postgres,
                last: &last,
            }),
            DbConnection::Sqlite(sqlite) => sqlite.execute_returning_count(&last),
        }
    }

    /// Writes the gathered inserts, with nothing after them.
    pub fn flush(mut self, conn: &mut DbConnection) -> QueryResult<()> {
        let (Some(last), DbConnection::Postgres(pg)) = (self.postgres.pop(), conn) else {
            return Ok(());
        };
        pg.execute_returning_count(&Together {
            first: &self.postgres,
            last: &*last,
        })
        .map(drop)
    }
}

/// `WITH w0 AS (first[0]), w1 AS (first[1]), … last`: one statement.
struct Together<'s, 'a> {
    first: &'s [Box<dyn QueryFragment<Pg> + 'a>],
    last: &'s dyn QueryFragment<Pg>,
}

impl QueryFragment<Pg> for Together<'_, '_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for (i, insert) in self.first.iter().enumerate() {
            out.push_sql(if i == 0 { "WITH " } else { ", " });
            out.push_sql(&format!("w{i} AS ("));
            insert.walk_ast(out.reborrow())?;
            out.push_sql(") ");
        }
        self.last.walk_ast(out.reborrow())
    }

    /// Kept prepared by its text, which differs only with the number and
    /// kinds of the statements (a registration's copies add events).
    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

impl QueryId for Together<'_, '_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
