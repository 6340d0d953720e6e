//! The idempotency_keys table: the first answer to a keyed request.

use super::{DbConn, DbError, schema::idempotency_keys};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::MemberId;

/// An answer kept for replay.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredAnswer {
    /// Whose request.
    pub member_id: String,
    /// The client's key.
    pub key: String,
    /// Fingerprint of the request body it answered.
    pub fingerprint: String,
    /// Its HTTP status.
    pub status: i32,
    /// Its `Location` header, if it had one.
    pub location: Option<String>,
    /// Its JSON body.
    pub body: String,
    /// When it was first answered.
    pub created_at: NaiveDateTime,
}

/// The member's answer under `key`, if one was kept after `since`.
pub fn find(
    conn: &mut DbConn,
    member: MemberId,
    key: &str,
    since: NaiveDateTime,
) -> Result<Option<StoredAnswer>, DbError> {
    Ok(idempotency_keys::table
        .find((member.to_string(), key))
        .filter(idempotency_keys::created_at.gt(since))
        .first(conn)
        .optional()?)
}

/// Keeps an answer, in place of an expired one under the same key (from
/// before `expired`) that the sweep has not yet deleted.
pub fn keep(
    conn: &mut DbConn,
    answer: &StoredAnswer,
    expired: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::delete(
        idempotency_keys::table
            .find((&answer.member_id, &answer.key))
            .filter(idempotency_keys::created_at.le(expired)),
    )
    .execute(conn)?;
    diesel::insert_into(idempotency_keys::table)
        .values(answer)
        .execute(conn)?;
    Ok(())
}

/// Deletes the answers kept from before `expired`: a retry comes within
/// hours, not days.
pub fn purge(conn: &mut DbConn, expired: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.le(expired)))
            .execute(conn)?,
    )
}

/// Every answer of the member kept after `since`, for the export.
pub fn all_of_member(
    conn: &mut DbConn,
    member: MemberId,
    since: NaiveDateTime,
) -> Result<Vec<StoredAnswer>, DbError> {
    Ok(idempotency_keys::table
        .filter(idempotency_keys::member_id.eq(member.to_string()))
        .filter(idempotency_keys::created_at.gt(since))
        .order(idempotency_keys::created_at.asc())
        .load(conn)?)
}

/// Forgets the answers kept for other members that mention `member` (a
/// partnership request names its invitee, a pairing everyone it paired):
/// erasing an account leaves no copy of it in a replay.
pub fn forget_mentions(conn: &mut DbConn, member: MemberId) -> Result<usize, DbError> {
    Ok(diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::body.like(format!("%{member}%"))),
    )
    .execute(conn)?)
}
