//! The strategies and strategy_marks tables: coping strategies members
//! share with their group, and who found each helpful.

use super::{
    DbConn, DbError,
    schema::{members, strategies, strategy_marks},
};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use tether_domain::{DisplayName, MemberId, StrategyBody, StrategyTitle};
use uuid::Uuid;

/// A strategy as stored, parsed back into domain types.
#[derive(Debug, Clone)]
pub struct Strategy {
    /// Its id.
    pub id: Uuid,
    /// The group it was shared with.
    pub group_id: Uuid,
    /// Who shared it.
    pub author: MemberId,
    /// Its title.
    pub title: StrategyTitle,
    /// What to do.
    pub body: StrategyBody,
    /// When it was shared.
    pub created_at: NaiveDateTime,
}

/// A strategy as the board shows it to one member.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The strategy.
    pub strategy: Strategy,
    /// Its author's display name.
    pub author_name: DisplayName,
    /// How many members found it helpful.
    pub helpful: i64,
    /// Whether the member looking found it helpful.
    pub helped_me: bool,
}

type Row = (String, String, String, String, String, NaiveDateTime);

fn parse(row: Row) -> Result<Strategy, DbError> {
    let (id, group_id, author, title, body, created_at) = row;
    let corrupt = |what: &str| DbError::Corrupt(format!("strategy {id}: {what}"));
    Ok(Strategy {
        id: Uuid::parse_str(&id).map_err(|_| corrupt("id"))?,
        group_id: Uuid::parse_str(&group_id).map_err(|_| corrupt("group_id"))?,
        author: Uuid::parse_str(&author)
            .map(MemberId::from_uuid)
            .map_err(|_| corrupt("author_id"))?,
        title: StrategyTitle::stored(title),
        body: StrategyBody::stored(body),
        created_at,
    })
}

/// Shares a strategy.
pub fn insert(conn: &mut DbConn, strategy: &Strategy) -> Result<(), DbError> {
    diesel::insert_into(strategies::table)
        .values((
            strategies::id.eq(strategy.id.to_string()),
            strategies::group_id.eq(strategy.group_id.to_string()),
            strategies::author_id.eq(strategy.author.to_string()),
            strategies::title.eq(strategy.title.as_str()),
            strategies::body.eq(strategy.body.as_str()),
            strategies::created_at.eq(strategy.created_at),
        ))
        .execute(conn)?;
    Ok(())
}

diesel::alias!(strategy_marks as mine: Mine);

/// Where a page of the board starts: after this many helpful marks and
/// this id (most helpful first, then newest).
#[derive(Debug, Clone, Copy)]
pub struct After {
    /// The helpful count of the last strategy shown.
    pub helpful: i64,
    /// Its id.
    pub id: Uuid,
}

/// A page of the group's board as `viewer` sees it: most helpful first,
/// then newest. Only strategies in `group` when `only` is `None`, or the
/// one strategy `only` wherever it is.
pub fn board(
    conn: &mut DbConn,
    group: Option<Uuid>,
    only: Option<Uuid>,
    viewer: MemberId,
    after: Option<After>,
    limit: i64,
) -> Result<Vec<Shown>, DbError> {
    let helpful = strategy_marks::table
        .filter(strategy_marks::strategy_id.eq(strategies::id))
        .count()
        .single_value()
        .assume_not_null();
    let helped_me = diesel::dsl::exists(
        mine.filter(
            mine.field(strategy_marks::strategy_id)
                .eq(strategies::id)
                .and(mine.field(strategy_marks::member_id).eq(viewer.to_string())),
        ),
    );
    let mut query = strategies::table
        .inner_join(members::table)
        .select((
            strategies::all_columns,
            members::display_name,
            helpful,
            helped_me,
        ))
        .order((helpful.desc(), strategies::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(group) = group {
        query = query.filter(strategies::group_id.eq(group.to_string()));
    }
    if let Some(only) = only {
        query = query.filter(strategies::id.eq(only.to_string()));
    }
    if let Some(After { helpful: count, id }) = after {
        query = query.filter(
            helpful
                .lt(count)
                .or(helpful.eq(count).and(strategies::id.lt(id.to_string()))),
        );
    }
    query
        .load::<(Row, String, i64, bool)>(conn)?
        .into_iter()
        .map(|(row, name, helpful, helped_me)| {
            Ok(Shown {
                strategy: parse(row)?,
                author_name: DisplayName::stored(name),
                helpful,
                helped_me,
            })
        })
        .collect()
}

/// One strategy as `viewer` sees it, wherever it is: the caller checks the
/// viewer is in its group.
pub fn shown(conn: &mut DbConn, id: Uuid, viewer: MemberId) -> Result<Option<Shown>, DbError> {
    Ok(board(conn, None, Some(id), viewer, None, 1)?
        .into_iter()
        .next())
}

/// Marks the strategy helpful for the member; marking twice is once.
pub fn mark(
    conn: &mut DbConn,
    strategy: Uuid,
    member: MemberId,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let row = (
        strategy_marks::strategy_id.eq(strategy.to_string()),
        strategy_marks::member_id.eq(member.to_string()),
        strategy_marks::marked_at.eq(now),
    );
    let query = diesel::insert_into(strategy_marks::table)
        .values(row)
        .on_conflict((strategy_marks::strategy_id, strategy_marks::member_id))
        .do_nothing();
    match conn {
        DbConn::Postgres(c) => query.execute(c)?,
        DbConn::Sqlite(c) => query.execute(c)?,
    };
    Ok(())
}

/// Takes the member's mark back; nothing when there was none.
pub fn unmark(conn: &mut DbConn, strategy: Uuid, member: MemberId) -> Result<(), DbError> {
    diesel::delete(
        strategy_marks::table
            .filter(strategy_marks::strategy_id.eq(strategy.to_string()))
            .filter(strategy_marks::member_id.eq(member.to_string())),
    )
    .execute(conn)?;
    Ok(())
}

/// Removes the strategy with its marks.
pub fn delete(conn: &mut DbConn, strategy: Uuid) -> Result<bool, DbError> {
    let deleted = diesel::delete(strategies::table.find(strategy.to_string())).execute(conn)?;
    Ok(deleted == 1)
}

/// Every strategy the member shared, for the export.
pub fn all_of_member(conn: &mut DbConn, member: MemberId) -> Result<Vec<Strategy>, DbError> {
    strategies::table
        .filter(strategies::author_id.eq(member.to_string()))
        .order(strategies::id.asc())
        .load::<Row>(conn)?
        .into_iter()
        .map(parse)
        .collect()
}

/// The strategies the member found helpful, with when, for the export.
pub fn marks_of_member(
    conn: &mut DbConn,
    member: MemberId,
) -> Result<Vec<(String, NaiveDateTime)>, DbError> {
    Ok(strategy_marks::table
        .filter(strategy_marks::member_id.eq(member.to_string()))
        .select((strategy_marks::strategy_id, strategy_marks::marked_at))
        .order(strategy_marks::marked_at.asc())
        .load(conn)?)
}
