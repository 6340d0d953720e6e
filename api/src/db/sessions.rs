//! Refresh-token sessions. Each login starts a family; every refresh spends
//! the presented token and issues the next one in the same family. A spent
//! token presented again means it was stolen or replayed, so the whole
//! family is revoked.

use super::{DbConn, DbError, schema::refresh_tokens, write};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::MemberId;
use uuid::Uuid;

/// One refresh token as stored: its hash, never the token.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct SessionRow {
    /// Row id.
    pub id: String,
    /// Whose session.
    pub member_id: String,
    /// The login this token descends from.
    pub family_id: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When it was issued.
    pub created_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When it was exchanged for the next one.
    pub spent_at: Option<NaiveDateTime>,
    /// When its family was revoked (logout or reuse).
    pub revoked_at: Option<NaiveDateTime>,
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Rotation {
    /// The token was good; here is the member it belongs to.
    Rotated(MemberId),
    /// Unknown, expired or revoked.
    Invalid,
    /// Spent before: the family has now been revoked.
    Reused,
}

/// Starts a new family with its first token.
pub fn start(
    conn: &mut DbConn,
    member: MemberId,
    token_hash: String,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    insert(
        conn,
        member.to_string(),
        Uuid::now_v7().to_string(),
        token_hash,
        now,
        expires_at,
    )
}

fn insert(
    conn: &mut DbConn,
    member_id: String,
    family_id: String,
    token_hash: String,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    let row = SessionRow {
        id: Uuid::now_v7().to_string(),
        member_id,
        family_id,
        token_hash,
        created_at: now,
        expires_at,
        spent_at: None,
        revoked_at: None,
    };
    diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Spends the token with `presented_hash` and stores `next_hash` in its
/// place, in one write transaction. The reuse revocation is committed, not
/// rolled back, so a thief's replay ends the victim's stolen session too.
pub fn rotate(
    conn: &mut DbConn,
    presented_hash: &str,
    next_hash: String,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<Rotation, DbError> {
    write(conn, |conn| {
        let Some(row) = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(presented_hash))
            .first::<SessionRow>(conn)
            .optional()?
        else {
            return Ok(Rotation::Invalid);
        };
        if row.revoked_at.is_some() || row.expires_at <= now {
            return Ok(Rotation::Invalid);
        }
        // Spend it only if nobody else has: two racing refreshes with the
        // same token are a reuse, whichever of them comes second.
        let spent = diesel::update(
            refresh_tokens::table
                .find(&row.id)
                .filter(refresh_tokens::spent_at.is_null()),
        )
        .set(refresh_tokens::spent_at.eq(now))
        .execute(conn)?;
        if spent == 0 {
            revoke_family(conn, &row.family_id, now)?;
            return Ok(Rotation::Reused);
        }
        let member = Uuid::parse_str(&row.member_id)
            .map(MemberId::from_uuid)
            .map_err(|_| DbError::Corrupt(format!("refresh token {}: member_id", row.id)))?;
        insert(
            conn,
            row.member_id,
            row.family_id,
            next_hash,
            now,
            expires_at,
        )?;
        Ok(Rotation::Rotated(member))
    })
}

/// Revokes the family the token belongs to; false when the token is unknown.
pub fn revoke(
    conn: &mut DbConn,
    presented_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    write(conn, |conn| {
        let family = refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(presented_hash))
            .select(refresh_tokens::family_id)
            .first::<String>(conn)
            .optional()?;
        match family {
            Some(family) => revoke_family(conn, &family, now).map(|_| true),
            None => Ok(false),
        }
    })
}

fn revoke_family(conn: &mut DbConn, family: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Every token row of the member, oldest first, for the export.
pub fn of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<SessionRow>, DbError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::member_id.eq(member.to_string()))
        .order(refresh_tokens::id.asc())
        .load(conn)?)
}
