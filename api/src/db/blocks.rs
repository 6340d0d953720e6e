//! The blocks table: who blocked whom.

use super::{
    DbConn, DbError,
    schema::{blocks, members},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::{DisplayName, MemberId};
use uuid::Uuid;

/// A block the member made, with the blocked member's name.
#[derive(Debug, Clone)]
pub struct Block {
    /// Who is blocked.
    pub blocked: MemberId,
    /// Their display name.
    pub name: DisplayName,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Records that `blocker` blocked `blocked`; blocking twice is once (the
/// first time stays). True when this made it.
pub fn insert(
    conn: &mut DbConn,
    blocker: MemberId,
    blocked: MemberId,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let query = diesel::insert_into(blocks::table)
        .values((
            blocks::blocker_id.eq(blocker.to_string()),
            blocks::blocked_id.eq(blocked.to_string()),
            blocks::created_at.eq(now),
        ))
        .on_conflict((blocks::blocker_id, blocks::blocked_id))
        .do_nothing();
    let inserted = match conn {
        DbConn::Postgres(c) => query.execute(c)?,
        DbConn::Sqlite(c) => query.execute(c)?,
    };
    Ok(inserted == 1)
}

/// Lifts the block; false when there was none.
pub fn delete(conn: &mut DbConn, blocker: MemberId, blocked: MemberId) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        blocks::table
            .filter(blocks::blocker_id.eq(blocker.to_string()))
            .filter(blocks::blocked_id.eq(blocked.to_string())),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// Whether either of the two blocked the other.
pub fn between(conn: &mut DbConn, a: MemberId, b: MemberId) -> Result<bool, DbError> {
    let (a, b) = (a.to_string(), b.to_string());
    let found: Option<String> = blocks::table
        .filter(
            blocks::blocker_id
                .eq(&a)
                .and(blocks::blocked_id.eq(&b))
                .or(blocks::blocker_id.eq(&b).and(blocks::blocked_id.eq(&a))),
        )
        .select(blocks::blocker_id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Every block made by or against any of `members`, as pairs.
pub fn among(
    conn: &mut DbConn,
    members_: &[MemberId],
) -> Result<Vec<(MemberId, MemberId)>, DbError> {
    let ids: Vec<String> = members_.iter().map(ToString::to_string).collect();
    blocks::table
        .filter(
            blocks::blocker_id
                .eq_any(&ids)
                .or(blocks::blocked_id.eq_any(&ids)),
        )
        .select((blocks::blocker_id, blocks::blocked_id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(a, b)| Ok((member_id(&a)?, member_id(&b)?)))
        .collect()
}

fn member_id(raw: &str) -> Result<MemberId, DbError> {
    Uuid::parse_str(raw)
        .map(MemberId::from_uuid)
        .map_err(|_| DbError::Corrupt(format!("block: member {raw}")))
}

/// A page of the blocks the member made, by blocked member id after
/// `after`.
pub fn page(
    conn: &mut DbConn,
    blocker: MemberId,
    after: Option<MemberId>,
    limit: i64,
) -> Result<Vec<Block>, DbError> {
    let mut query = blocks::table
        .inner_join(members::table.on(members::id.eq(blocks::blocked_id)))
        .filter(blocks::blocker_id.eq(blocker.to_string()))
        .select((
            blocks::blocked_id,
            members::display_name,
            blocks::created_at,
        ))
        .order(blocks::blocked_id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(blocks::blocked_id.gt(after.to_string()));
    }
    query
        .load::<(String, String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, name, created_at)| {
            Ok(Block {
                blocked: member_id(&id)?,
                name: DisplayName::stored(name),
                created_at,
            })
        })
        .collect()
}
