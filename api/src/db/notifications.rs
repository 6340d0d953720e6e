//! The notifications (inbox) and outbox tables. An event a member should
//! hear about writes both, with [`notify`], inside the event's own
//! transaction: the event and its notice are stored together or not at
//! all. The outbox waits for the push dispatcher.

use super::{
    DbConn, DbError,
    schema::{notifications, outbox},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::{MemberId, NotificationKind};
use uuid::Uuid;

/// Something to tell one member, and what it is about.
#[derive(Debug, Clone)]
pub struct Notice {
    /// Who is told.
    pub member: MemberId,
    /// What happened.
    pub kind: NotificationKind,
    /// The partnership it is about, if any.
    pub partnership: Option<Uuid>,
    /// The goal it is about, if any.
    pub goal: Option<Uuid>,
    /// The group it is about, if any.
    pub group: Option<Uuid>,
}

/// An inbox item as stored.
#[derive(Debug, Clone, Queryable)]
pub struct Notification {
    /// Its id: time-ordered, so newest first is by id.
    pub id: String,
    /// Whose.
    pub member_id: String,
    /// What happened.
    pub kind: String,
    /// How urgently it is pushed.
    pub priority: String,
    /// Generic title.
    pub title: String,
    /// Generic body.
    pub body: String,
    /// The partnership it is about.
    pub partnership_id: Option<String>,
    /// The goal it is about.
    pub goal_id: Option<String>,
    /// The group it is about.
    pub group_id: Option<String>,
    /// When it was written.
    pub created_at: NaiveDateTime,
    /// When the member read it.
    pub read_at: Option<NaiveDateTime>,
}

/// Writes each notice to its member's inbox and the outbox: two
/// statements however many notices, inside the caller's transaction.
pub fn notify(conn: &mut DbConn, notices: &[Notice], now: NaiveDateTime) -> Result<(), DbError> {
    if notices.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = notices.iter().map(|_| Uuid::now_v7().to_string()).collect();
    let inbox: Vec<_> = notices
        .iter()
        .zip(&ids)
        .map(|(notice, id)| {
            (
                notifications::id.eq(id.clone()),
                notifications::member_id.eq(notice.member.to_string()),
                notifications::kind.eq(notice.kind.as_str()),
                notifications::priority.eq(notice.kind.priority().as_str()),
                notifications::title.eq(notice.kind.title()),
                notifications::body.eq(notice.kind.body()),
                notifications::partnership_id.eq(notice.partnership.map(|id| id.to_string())),
                notifications::goal_id.eq(notice.goal.map(|id| id.to_string())),
                notifications::group_id.eq(notice.group.map(|id| id.to_string())),
                notifications::created_at.eq(now),
            )
        })
        .collect();
    let pushes: Vec<_> = notices
        .iter()
        .zip(&ids)
        .map(|(notice, id)| {
            (
                outbox::id.eq(Uuid::now_v7().to_string()),
                outbox::notification_id.eq(id.clone()),
                outbox::member_id.eq(notice.member.to_string()),
                outbox::priority.eq(notice.kind.priority().as_str()),
                outbox::due_at.eq(now),
            )
        })
        .collect();
    match conn {
        DbConn::Postgres(c) => {
            diesel::insert_into(notifications::table)
                .values(&inbox)
                .execute(c)?;
            diesel::insert_into(outbox::table)
                .values(&pushes)
                .execute(c)?;
        }
        DbConn::Sqlite(c) => {
            diesel::insert_into(notifications::table)
                .values(&inbox)
                .execute(c)?;
            diesel::insert_into(outbox::table)
                .values(&pushes)
                .execute(c)?;
        }
    }
    Ok(())
}

/// A page of the member's inbox, newest first, before the id `before`;
/// only unread items when `unread`.
pub fn page(
    conn: &mut DbConn,
    member: MemberId,
    unread: bool,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Notification>, DbError> {
    let mut query = notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .order(notifications::id.desc())
        .limit(limit)
        .into_boxed();
    if unread {
        query = query.filter(notifications::read_at.is_null());
    }
    if let Some(before) = before {
        query = query.filter(notifications::id.lt(before.to_string()));
    }
    Ok(query.load(conn)?)
}

/// Marks one of the member's items read (once: a second time keeps the
/// first time) and answers it; `None` when it is not theirs.
pub fn mark_read(
    conn: &mut DbConn,
    member: MemberId,
    id: Uuid,
    now: NaiveDateTime,
) -> Result<Option<Notification>, DbError> {
    let mine = notifications::table
        .find(id.to_string())
        .filter(notifications::member_id.eq(member.to_string()));
    diesel::update(mine.clone().filter(notifications::read_at.is_null()))
        .set(notifications::read_at.eq(Some(now)))
        .execute(conn)?;
    Ok(mine.first(conn).optional()?)
}

/// Whether `id` is one of the member's inbox items.
pub fn is_theirs(conn: &mut DbConn, member: MemberId, id: Uuid) -> Result<bool, DbError> {
    let found: Option<String> = notifications::table
        .find(id.to_string())
        .filter(notifications::member_id.eq(member.to_string()))
        .select(notifications::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Marks every unread item of the member up to and including `up_to` read;
/// how many.
pub fn mark_all_read(
    conn: &mut DbConn,
    member: MemberId,
    up_to: Uuid,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::member_id.eq(member.to_string()))
            .filter(notifications::read_at.is_null())
            .filter(notifications::id.le(up_to.to_string())),
    )
    .set(notifications::read_at.eq(Some(now)))
    .execute(conn)?)
}

/// Every inbox item of the member, oldest first, for the export.
pub fn all_of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<Notification>, DbError> {
    Ok(notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .order(notifications::id.asc())
        .load(conn)?)
}

/// Every push owed to or made for the member, for the export: the
/// notification, when it is due, when it was sent.
pub fn pushes_of_member(
    conn: &mut DbConn,
    member: MemberId,
) -> Result<Vec<(String, NaiveDateTime, Option<NaiveDateTime>)>, DbError> {
    Ok(outbox::table
        .filter(outbox::member_id.eq(member.to_string()))
        .select((outbox::notification_id, outbox::due_at, outbox::sent_at))
        .order(outbox::id.asc())
        .load(conn)?)
}

/// Forgets the pushes not yet sent to `member` for notices about their
/// partnerships with the pair `pair_key`: after a block, nothing more of the
/// blocked member reaches the blocker's phone. (The inbox items stay: they
/// are the member's record. The blocked member's own pushes go out as they
/// would have: they tell of things done before the block, and holding them
/// back would tell of the block.)
pub fn unqueue_between(
    conn: &mut DbConn,
    member: MemberId,
    pair_key: &str,
) -> Result<usize, DbError> {
    use super::schema::partnerships;
    let theirs = partnerships::table
        .filter(partnerships::pair_key.eq(pair_key.to_owned()))
        .select(partnerships::id.nullable());
    let notices = notifications::table
        .filter(notifications::member_id.eq(member.to_string()))
        .filter(notifications::partnership_id.eq_any(theirs))
        .select(notifications::id);
    Ok(diesel::delete(
        outbox::table
            .filter(outbox::sent_at.is_null())
            .filter(outbox::notification_id.eq_any(notices)),
    )
    .execute(conn)?)
}
