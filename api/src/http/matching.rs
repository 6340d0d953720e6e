//! Finding partners: suggestions for one member, and a facilitator pairing
//! a whole group at once. The scoring and the matching are the domain's
//! (`tether_domain::partners`); this loads who is in the groups and who is
//! already partnered with whom.

use super::{
    error::{
        ApiError, FieldErrors, Problem,
        responses::{BadBody, NotFound, Unauthorized},
    },
    extract::Caller,
    groups::{facilitating, path_id},
    idempotency::{self, IdempotencyHeader, IdempotencyKey},
    json::{Body, Fingerprinted},
    page::{self, Page},
    partnerships::PartnerView,
};
use crate::{
    clock,
    db::{
        self, DbConn, blocks, groups, members,
        members::Member,
        notifications::{Notice, notify},
        partnerships::{self, Partnership},
    },
    state::AppState,
};
use actix_web::{HttpResponse, http::StatusCode, web};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use tether_domain::{
    MemberId, NotificationKind, PartnerMessage,
    partners::{self, Agreed, PartnershipStatus, Person},
};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

super::schema::names!(
    ReasonCodeName,
    "SuggestionReason",
    "shared_focus; waking_hours (their waking hours, 08:00 to 22:00 local, overlap); mentor (they have a year or more in recovery and offer to mentor a newcomer); mentee (they are new to recovery and the caller offers to mentor); spare_capacity (they have room for more partners).",
    [
        "shared_focus",
        "waking_hours",
        "mentor",
        "mentee",
        "spare_capacity"
    ]
);
super::schema::names!(
    UnpairedName,
    "UnpairedReason",
    "odd_one_out: a pairing existed but the best total left them out; no_candidate: nobody they could be paired with; at_capacity: they have all the partners they want.",
    ["odd_one_out", "no_candidate", "at_capacity"]
);

/// Why someone is suggested: a stable code and words the app may show.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    /// Stable, for the app to choose an icon or its own words.
    #[schema(value_type = ReasonCodeName)]
    pub code: &'static str,
    /// Words to show as they are.
    pub text: String,
}

/// A member suggested as a partner.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    /// Their member id.
    pub member_id: Uuid,
    /// The name they chose.
    pub display_name: String,
    /// Higher is a better match; comparable within one answer only.
    pub score: u32,
    /// Why, best reason first.
    pub reasons: Vec<ReasonView>,
}

/// Where to look, and a page of what is found.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionsQuery {
    /// One of the caller's groups; all of them when left out.
    #[param(value_type = Option<Uuid>)]
    pub group_id: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// `next_cursor` of the page before: the suggestions ranked after it.
    #[param(value_type = Option<String>, pattern = r"^[0-9]{1,9}~[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub cursor: Option<String>,
}

/// A suggestions cursor: the score and member id of the last one shown.
fn rank_cursor(raw: &str) -> Result<(u32, Uuid), &'static str> {
    let wrong = "is not a cursor this list gave";
    let (score, id) = raw.split_once('~').ok_or(wrong)?;
    Ok((
        score.parse().map_err(|_| wrong)?,
        Uuid::parse_str(id).map_err(|_| wrong)?,
    ))
}

/// A member as the domain's scoring sees them, with how many open
/// (pending or active) partnerships they have as of `now`.
fn person(member: &Member, open: &HashMap<MemberId, u32>) -> Person {
    let profile = &member.profile;
    Person {
        id: member.id,
        display_name: profile.display_name.clone(),
        focus: profile.recovery_focus.clone(),
        timezone: profile.timezone,
        recovery_since: profile.recovery_since.map(|since| since.date()),
        willing_to_mentor: profile.willing_to_mentor,
        open_to_partnering: profile.open_to_partnering,
        max_partners: profile.max_partners.get(),
        open_partnerships: open.get(&member.id).copied().unwrap_or(0),
    }
}

/// Who is in the groups, how many open partnerships each has, and which
/// pairs already have one.
struct Candidates {
    members: Vec<Member>,
    open_count: HashMap<MemberId, u32>,
    open_pairs: HashSet<(MemberId, MemberId)>,
}

fn ordered(a: MemberId, b: MemberId) -> (MemberId, MemberId) {
    if a.to_string() <= b.to_string() {
        (a, b)
    } else {
        (b, a)
    }
}

fn load_field(
    conn: &mut DbConn,
    groups: &[Uuid],
    now: NaiveDateTime,
) -> Result<Candidates, ApiError> {
    let members = members::in_groups(conn, groups)?;
    let ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
    let open: Vec<Partnership> = partnerships::open_among(conn, &ids)?
        .into_iter()
        .filter(|p| p.status(now).is_open())
        .collect();
    let mut open_count = HashMap::new();
    let mut open_pairs = HashSet::new();
    for p in &open {
        for member in [p.requester, p.invitee] {
            if p.holds_place_of(member, now) {
                *open_count.entry(member).or_insert(0) += 1;
            }
        }
        open_pairs.insert(ordered(p.requester, p.invitee));
    }
    // A pair that said no, or parted, is left alone for a while; a pair
    // with a block either way, for as long as it lasts.
    for (a, b) in partnerships::recently_closed_among(conn, &ids, now)?
        .into_iter()
        .chain(blocks::among(conn, &ids)?)
    {
        open_pairs.insert(ordered(a, b));
    }
    Ok(Candidates {
        members,
        open_count,
        open_pairs,
    })
}

/// Members of the caller's groups who would make good accountability
/// partners, best first, each with the reasons. Only members open to
/// partnering, with room for a partner, and with no open request or
/// partnership with the caller are suggested.
#[utoipa::path(
    operation_id = "suggest_partners",
    get,
    path = "/v1/partners/suggestions",
    tag = "partners",
    security(("bearer" = [])),
    params(SuggestionsQuery),
    responses(
        (status = 200, description = "Suggestions, best first", body = Page<SuggestionView>),
        (status = 404, description = "The group named is not one of the caller's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad group id, limit or cursor", body = Problem, content_type = "application/problem+json"),
        Unauthorized,
    )
)]
pub async fn suggestions(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<SuggestionsQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::new();
    let group = match query.group_id.as_deref() {
        None => None,
        Some(raw) => errors.check(
            "group_id",
            Uuid::parse_str(raw).map_err(|_| "must be a group id"),
        ),
    };
    let limit = page::limit(query.limit.as_deref(), &mut errors);
    let after = page::cursor(query.cursor.as_deref(), &mut errors, rank_cursor);
    errors.into_result(|| Some(()))?;
    let now = clock::now();
    let items = state
        .db
        .run(move |conn| {
            let me = caller.member(conn)?;
            let groups = match group {
                Some(group) => {
                    groups::membership(conn, group, me.id)?.ok_or(ApiError::NotFound)?;
                    vec![group]
                }
                None => groups::memberships(conn, me.id, None, i64::MAX)?
                    .into_iter()
                    .map(|membership| membership.group.id)
                    .collect(),
            };
            let field = load_field(conn, &groups, now)?;
            let today = me.profile.timezone.today(now.and_utc());
            let mine = person(&me, &field.open_count);
            let others: Vec<Person> = field
                .members
                .iter()
                .filter(|other| !field.open_pairs.contains(&ordered(me.id, other.id)))
                .map(|other| person(other, &field.open_count))
                .collect();
            Ok::<_, ApiError>(partners::suggest(&mine, &others, today))
        })
        .await?;
    // Best first, ties by member id (the domain's order): the page after
    // the cursor is what ranks after it.
    let ranked = items.into_iter().skip_while(|suggestion| {
        after.is_some_and(|(score, id)| {
            (
                suggestion.score,
                std::cmp::Reverse(suggestion.member.as_uuid()),
            ) >= (score, std::cmp::Reverse(id))
        })
    });
    let items: Vec<_> = ranked
        .take(
            usize::try_from(limit)
                .unwrap_or(usize::MAX)
                .saturating_add(1),
        )
        .collect();
    Ok(HttpResponse::Ok().json(page::page(
        items,
        limit,
        |suggestion| format!("{}~{}", suggestion.score, suggestion.member),
        |suggestion| SuggestionView {
            member_id: suggestion.member.as_uuid(),
            display_name: suggestion.display_name.as_str().to_owned(),
            score: suggestion.score,
            reasons: suggestion
                .reasons
                .iter()
                .map(|reason| ReasonView {
                    code: reason.code.as_str(),
                    text: reason.text.clone(),
                })
                .collect(),
        },
    )))
}

/// Nothing to send: a pairing takes no fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairingRequest {}

/// A pair the facilitator's pairing made, and the request it sent them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairView {
    /// The pending partnership proposed to them: both must accept.
    pub partnership_id: Uuid,
    /// The two members.
    pub members: [PartnerView; 2],
    /// How well they match.
    pub score: u32,
}

/// A member the pairing could not pair, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnpairedView {
    /// Who.
    pub member: PartnerView,
    /// Why.
    #[schema(value_type = UnpairedName)]
    pub reason: &'static str,
}

/// What a pairing did.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairingView {
    /// The pairs, each sent a pending request.
    pub pairs: Vec<PairView>,
    /// Willing members left unpaired, with the reason.
    pub unpaired: Vec<UnpairedView>,
}

/// The words a facilitator's pairing sends with each request.
const PAIRING_MESSAGE: &str = "Your group's facilitator paired you up. Accept if you would like to be accountability partners.";

/// A facilitator pairs the group's members who are open to partnering and
/// have room for a partner, so that the pairs' total match is the highest
/// there is (a maximum-weight matching), and proposes each pair a pending
/// partnership that both must accept. Pairs with an open request or
/// partnership, or who declined or parted in the last 90 days, are not
/// paired.
#[utoipa::path(
    operation_id = "pair_group",
    post,
    path = "/v1/groups/{id}/pairings",
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The group"), IdempotencyHeader),
    request_body(content = PairingRequest, description = "An empty object"),
    responses(
        (status = 200, description = "The pairs made and who was left unpaired", body = PairingView,
            headers(("Idempotent-Replayed" = String, description = "`true` when this is the answer kept for a repeated Idempotency-Key"))),
        (status = 403, description = "The caller is not a facilitator", body = Problem, content_type = "application/problem+json"),
        BadBody, Unauthorized, NotFound,
    )
)]
pub async fn pair(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    key: IdempotencyKey,
    Fingerprinted {
        body: Body { errors, .. },
        fingerprint,
    }: Fingerprinted<PairingRequest>,
) -> Result<HttpResponse, ApiError> {
    let group = path_id(&id)?;
    let now = clock::now();
    let answer = state
        .db
        .run(move |conn| {
            db::write(conn, |conn| {
                // The group's lock also keeps two pairings of it from
                // pairing the same members twice.
                let (me, _) = facilitating(conn, &caller, group)?;
                errors.into_result(|| Some(()))?;
                if let Some(answer) = idempotency::recall(conn, me, &key, &fingerprint, now)? {
                    return Ok(answer);
                }
                let view = pair_group(conn, group, now)?;
                idempotency::answer(
                    conn,
                    me,
                    &key,
                    fingerprint,
                    (StatusCode::OK, None, &view),
                    now,
                )
            })
        })
        .await?;
    answer.respond()
}

fn pair_group(conn: &mut DbConn, group: Uuid, now: NaiveDateTime) -> Result<PairingView, ApiError> {
    let field = load_field(conn, &[group], now)?;
    let today: NaiveDate = now.date();
    let people: Vec<Person> = field
        .members
        .iter()
        .map(|member| person(member, &field.open_count))
        .collect();
    let names: HashMap<MemberId, &Member> = field.members.iter().map(|m| (m.id, m)).collect();
    let view_of = |id: MemberId| PartnerView {
        member_id: id.as_uuid(),
        display_name: names
            .get(&id)
            .map(|m| m.profile.display_name.as_str().to_owned())
            .unwrap_or_default(),
    };
    let excluded = |a: MemberId, b: MemberId| field.open_pairs.contains(&ordered(a, b));
    let pairing = partners::pair(&people, &excluded, today);
    let message = PartnerMessage::parse(PAIRING_MESSAGE)
        .map_err(|_| ApiError::internal("the pairing message breaks its own rule"))?;
    let mut pairs = Vec::with_capacity(pairing.pairs.len());
    let mut notices = Vec::with_capacity(2 * pairing.pairs.len());
    for found in &pairing.pairs {
        // Neither asked: both must accept before they are partners.
        let partnership = Partnership {
            id: Uuid::now_v7(),
            requester: found.a,
            invitee: found.b,
            group: Some(group),
            message: message.clone(),
            stored_status: PartnershipStatus::Pending,
            agreed: Agreed::PROPOSAL,
            closed_by: None,
            requested_at: now,
            responded_at: None,
            ended_at: None,
        };
        partnerships::expire_stale(conn, found.a, found.b, now)?;
        // A pair that was asked meanwhile, in another group or by one of
        // them, has its request already.
        if !partnerships::create_if_free(conn, &partnership)? {
            continue;
        }
        let proposed = |member| Notice {
            member,
            kind: NotificationKind::PairingProposed,
            partnership: Some(partnership.id),
            goal: None,
            group: Some(group),
        };
        notices.extend([proposed(found.a), proposed(found.b)]);
        pairs.push(PairView {
            partnership_id: partnership.id,
            members: [view_of(found.a), view_of(found.b)],
            score: found.score,
        });
    }
    notify(conn, &notices, now)?;
    Ok(PairingView {
        pairs,
        unpaired: pairing
            .unpaired
            .iter()
            .map(|(id, reason)| UnpairedView {
                member: view_of(*id),
                reason: reason.as_str(),
            })
            .collect(),
    })
}
