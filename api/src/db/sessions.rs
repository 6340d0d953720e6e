//! Sign-in sessions and their refresh tokens. Each login starts a session;
//! every refresh spends the presented token and issues the next one in the
//! same session. A spent token presented again means it was stolen or
//! replayed, so the whole session is revoked. Access tokens name their
//! session, and [`is_live`] is what every authenticated request asks.

use super::{
    DbConn, DbError,
    schema::{refresh_tokens, sessions},
    write,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::MemberId;
use uuid::Uuid;

/// A session as stored.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// Its id, which access tokens carry.
    pub id: String,
    /// Whose session.
    pub member_id: String,
    /// When it began (the login).
    pub created_at: NaiveDateTime,
    /// When its newest refresh token expires.
    pub expires_at: NaiveDateTime,
    /// When it was ended (logout or reuse), if it was.
    pub revoked_at: Option<NaiveDateTime>,
}

/// One refresh token as stored: its hash, never the token.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct TokenRow {
    /// Row id.
    pub id: String,
    /// The session it belongs to.
    pub session_id: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When it was issued.
    pub created_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When it was exchanged for the next one.
    pub spent_at: Option<NaiveDateTime>,
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum Rotation {
    /// The token was good; the session goes on with the next one.
    Rotated {
        /// Whose session.
        member: MemberId,
        /// Which session.
        session: Uuid,
    },
    /// Unknown, expired or revoked.
    Invalid,
    /// Spent before: the session has now been revoked.
    Reused,
}

/// The live-session condition every check shares: not ended, not expired.
#[diesel::dsl::auto_type]
pub fn live(now: NaiveDateTime) -> _ {
    sessions::revoked_at
        .is_null()
        .and(sessions::expires_at.gt(now))
}

/// Starts a session with its first refresh token; returns its id.
pub fn start(
    conn: &mut DbConn,
    member: MemberId,
    token_hash: String,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<Uuid, DbError> {
    let session = Uuid::now_v7();
    diesel::insert_into(sessions::table)
        .values(SessionRow {
            id: session.to_string(),
            member_id: member.to_string(),
            created_at: now,
            expires_at,
            revoked_at: None,
        })
        .execute(conn)?;
    insert_token(conn, session.to_string(), token_hash, now, expires_at)?;
    Ok(session)
}

fn insert_token(
    conn: &mut DbConn,
    session_id: String,
    token_hash: String,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(refresh_tokens::table)
        .values(TokenRow {
            id: Uuid::now_v7().to_string(),
            session_id,
            token_hash,
            created_at: now,
            expires_at,
            spent_at: None,
        })
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
        let found = refresh_tokens::table
            .inner_join(sessions::table)
            .filter(refresh_tokens::token_hash.eq(presented_hash))
            .select((
                refresh_tokens::id,
                refresh_tokens::expires_at,
                sessions::id,
                sessions::member_id,
                sessions::revoked_at,
            ))
            .first::<(String, NaiveDateTime, String, String, Option<NaiveDateTime>)>(conn)
            .optional()?;
        let Some((token, token_expires, session, member, revoked)) = found else {
            return Ok(Rotation::Invalid);
        };
        if revoked.is_some() || token_expires <= now {
            return Ok(Rotation::Invalid);
        }
        // Spend it only if nobody else has: two racing refreshes with the
        // same token are a reuse, whichever of them comes second.
        let spent = diesel::update(
            refresh_tokens::table
                .find(&token)
                .filter(refresh_tokens::spent_at.is_null()),
        )
        .set(refresh_tokens::spent_at.eq(now))
        .execute(conn)?;
        if spent == 0 {
            revoke_session(conn, &session, now)?;
            return Ok(Rotation::Reused);
        }
        let corrupt = || DbError::Corrupt(format!("session {session}: id"));
        let ids = (Uuid::parse_str(&member), Uuid::parse_str(&session));
        let (Ok(member), Ok(id)) = ids else {
            return Err(corrupt());
        };
        insert_token(conn, session.clone(), next_hash, now, expires_at)?;
        diesel::update(sessions::table.find(&session))
            .set(sessions::expires_at.eq(expires_at))
            .execute(conn)?;
        Ok(Rotation::Rotated {
            member: MemberId::from_uuid(member),
            session: id,
        })
    })
}

/// Ends the session the token belongs to, if it is known: one statement,
/// so an unknown token costs no write transaction.
pub fn revoke(conn: &mut DbConn, presented_hash: &str, now: NaiveDateTime) -> Result<(), DbError> {
    let session = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(presented_hash))
        .select(refresh_tokens::session_id);
    diesel::update(
        sessions::table
            .filter(sessions::id.eq_any(session))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

fn revoke_session(conn: &mut DbConn, session: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(
        sessions::table
            .find(session)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Whether the member's session is live: what an access token needs, on
/// every request, beyond its signature.
pub fn is_live(
    conn: &mut DbConn,
    member: MemberId,
    session: Uuid,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let found = sessions::table
        .find(session.to_string())
        .filter(sessions::member_id.eq(member.to_string()))
        .filter(live(now))
        .select(sessions::id)
        .first::<String>(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Deletes the sessions that can no longer be used (expired or ended), and
/// with them their refresh tokens, spent ones included: a token of a dead
/// session is refused all the same. In live sessions it deletes refresh
/// tokens past their own expiry: such a token is refused before it could
/// count as reused, so it serves nothing. Returns (sessions, tokens).
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> Result<(usize, usize), DbError> {
    let sessions = diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(now)
                .or(sessions::revoked_at.is_not_null()),
        ),
    )
    .execute(conn)?;
    let tokens = diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.le(now)))
        .execute(conn)?;
    Ok((sessions, tokens))
}

/// Every session of the member with its refresh tokens, oldest first, for
/// the export.
pub fn of_member(
    conn: &mut DbConn,
    member: MemberId,
) -> Result<Vec<(SessionRow, Vec<TokenRow>)>, DbError> {
    let sessions: Vec<SessionRow> = sessions::table
        .filter(sessions::member_id.eq(member.to_string()))
        .order(sessions::id.asc())
        .load(conn)?;
    let mut tokens: Vec<TokenRow> = refresh_tokens::table
        .inner_join(sessions::table)
        .filter(sessions::member_id.eq(member.to_string()))
        .select(refresh_tokens::all_columns)
        .order(refresh_tokens::id.asc())
        .load(conn)?;
    Ok(sessions
        .into_iter()
        .map(|session| {
            let (own, rest) = tokens
                .drain(..)
                .partition(|token| token.session_id == session.id);
            tokens = rest;
            (session, own)
        })
        .collect())
}
