//! The encouragements table: cheers, nudges and messages between active
//! partners.

use super::{
    DbConn, DbError,
    schema::{encouragements, goals, members, partnerships},
};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tether_domain::{EncouragementKind, MemberId, Visibility, partners::PartnershipStatus};
use uuid::Uuid;

/// An encouragement to store.
#[derive(Debug, Clone)]
pub struct NewEncouragement {
    /// Its id.
    pub id: Uuid,
    /// Between whom.
    pub partnership: Uuid,
    /// Who sends it.
    pub sender: MemberId,
    /// Who gets it.
    pub recipient: MemberId,
    /// What kind.
    pub kind: EncouragementKind,
    /// The recipient's shared goal it is about, if any.
    pub goal: Option<Uuid>,
    /// A message's words.
    pub text: Option<String>,
    /// The sender's local date.
    pub sender_day: NaiveDate,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Stores it.
pub fn insert(conn: &mut DbConn, new: &NewEncouragement) -> Result<(), DbError> {
    diesel::insert_into(encouragements::table)
        .values((
            encouragements::id.eq(new.id.to_string()),
            encouragements::partnership_id.eq(new.partnership.to_string()),
            encouragements::sender_id.eq(new.sender.to_string()),
            encouragements::recipient_id.eq(new.recipient.to_string()),
            encouragements::kind.eq(new.kind.as_str()),
            encouragements::goal_id.eq(new.goal.map(|id| id.to_string())),
            encouragements::text.eq(new.text.as_deref()),
            encouragements::sender_day.eq(new.sender_day),
            encouragements::created_at.eq(new.created_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many of `kind` the sender sent in the partnership on their `day` or
/// on any later day: a sender who moves their time zone ahead sends on
/// tomorrow's count, and moving back does not give them today's again.
pub fn count_on(
    conn: &mut DbConn,
    partnership: Uuid,
    sender: MemberId,
    kind: EncouragementKind,
    day: NaiveDate,
) -> Result<i64, DbError> {
    Ok(encouragements::table
        .filter(encouragements::partnership_id.eq(partnership.to_string()))
        .filter(encouragements::sender_id.eq(sender.to_string()))
        .filter(encouragements::kind.eq(kind.as_str()))
        .filter(encouragements::sender_day.ge(day))
        .count()
        .get_result(conn)?)
}

/// An encouragement as one side lists it: the other member's name, and the
/// goal's title while the goal is still shared and active.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Its id.
    pub id: String,
    /// The partnership.
    pub partnership_id: String,
    /// The other member's id.
    pub other_id: String,
    /// The other member's display name.
    pub other_name: String,
    /// What kind.
    pub kind: String,
    /// The goal, while shared: id and title.
    pub goal: Option<(String, String)>,
    /// A message's words.
    pub text: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

type ListedRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

/// A page of the member's encouragements, received (`sent` false) or sent,
/// newest first, before the id `before`.
pub fn page(
    conn: &mut DbConn,
    member: MemberId,
    sent: bool,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
    let me = member.to_string();
    // The goal shows while it is shared and active; otherwise as if gone.
    // A partner's goal (on the sent list) shows only while the partnership
    // that shared it lasts; one's own (received) while one shares it.
    let partnership_lasts = partnerships::table
        .filter(partnerships::id.eq(encouragements::partnership_id))
        .filter(partnerships::status.eq(PartnershipStatus::Active.as_str()))
        .select(partnerships::id);
    let shared_goal = goals::table.on(goals::id
        .nullable()
        .eq(encouragements::goal_id)
        .and(goals::visibility.eq(Visibility::Partners.as_str()))
        .and(goals::archived_at.is_null())
        .and(
            diesel::dsl::exists(partnership_lasts)
                .or(diesel::dsl::not(sent.into_sql::<diesel::sql_types::Bool>())),
        ));
    let columns = (
        encouragements::id,
        encouragements::partnership_id,
        members::id,
        members::display_name,
        encouragements::kind,
        goals::id.nullable(),
        goals::title.nullable(),
        encouragements::text,
        encouragements::goal_id,
        encouragements::created_at,
    );
    let rows: Vec<ListedRow> = if sent {
        let mut query = encouragements::table
            .inner_join(members::table.on(members::id.eq(encouragements::recipient_id)))
            .left_join(shared_goal)
            .filter(encouragements::sender_id.eq(&me))
            .select(columns)
            .order(encouragements::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(encouragements::id.lt(before.to_string()));
        }
        query.load(conn)?
    } else {
        let mut query = encouragements::table
            .inner_join(members::table.on(members::id.eq(encouragements::sender_id)))
            .left_join(shared_goal)
            .filter(encouragements::recipient_id.eq(&me))
            .select(columns)
            .order(encouragements::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(encouragements::id.lt(before.to_string()));
        }
        query.load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                partnership_id,
                other_id,
                other_name,
                kind,
                goal_id,
                title,
                text,
                _,
                created_at,
            )| {
                Listed {
                    id,
                    partnership_id,
                    other_id,
                    other_name,
                    kind,
                    goal: goal_id.zip(title),
                    text,
                    created_at,
                }
            },
        )
        .collect())
}
