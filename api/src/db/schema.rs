// The tables, as diesel sees them. Kept by hand in step with both
// migration folders: only types both engines share.

diesel::table! {
    members (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        timezone -> Text,
        bio -> Nullable<Text>,
        recovery_focus -> Text,
        recovery_since -> Nullable<Date>,
        open_to_partnering -> Bool,
        max_partners -> Integer,
        willing_to_mentor -> Bool,
        quiet_hours_start -> Nullable<Text>,
        quiet_hours_end -> Nullable<Text>,
        partner_alerts -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        member_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        session_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    throttle_events (id) {
        id -> Text,
        key -> Text,
        member_id -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::joinable!(sessions -> members (member_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(throttle_events -> members (member_id));

diesel::table! {
    goals (id) {
        id -> Text,
        member_id -> Text,
        title -> Text,
        description -> Nullable<Text>,
        kind -> Text,
        cadence -> Text,
        cadence_times -> Nullable<Integer>,
        cadence_days -> Nullable<Text>,
        reminder_time -> Nullable<Text>,
        visibility -> Text,
        started_on -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    check_ins (id) {
        id -> Text,
        goal_id -> Text,
        day -> Date,
        status -> Text,
        note -> Nullable<Text>,
        note_shared -> Bool,
        mood -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    milestones (id) {
        id -> Text,
        goal_id -> Text,
        metric -> Text,
        threshold -> Integer,
        reached_on -> Date,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (member_id, key) {
        member_id -> Text,
        key -> Text,
        fingerprint -> Text,
        status -> Integer,
        location -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recovery_groups (id) {
        id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        focus -> Text,
        invite_code -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    group_members (group_id, member_id) {
        group_id -> Text,
        member_id -> Text,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    strategies (id) {
        id -> Text,
        group_id -> Text,
        author_id -> Text,
        title -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    strategy_marks (strategy_id, member_id) {
        strategy_id -> Text,
        member_id -> Text,
        marked_at -> Timestamp,
    }
}

diesel::table! {
    partnerships (id) {
        id -> Text,
        requester_id -> Text,
        invitee_id -> Text,
        pair_key -> Text,
        group_id -> Nullable<Text>,
        message -> Nullable<Text>,
        status -> Text,
        requester_agreed -> Bool,
        invitee_agreed -> Bool,
        requested_at -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        member_id -> Text,
        kind -> Text,
        priority -> Text,
        title -> Text,
        body -> Text,
        partnership_id -> Nullable<Text>,
        goal_id -> Nullable<Text>,
        group_id -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        notification_id -> Text,
        member_id -> Text,
        priority -> Text,
        due_at -> Timestamp,
        attempts -> Integer,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    blocks (blocker_id, blocked_id) {
        blocker_id -> Text,
        blocked_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    encouragements (id) {
        id -> Text,
        partnership_id -> Text,
        sender_id -> Text,
        recipient_id -> Text,
        kind -> Text,
        goal_id -> Nullable<Text>,
        text -> Nullable<Text>,
        sender_day -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        reporter_id -> Text,
        reported_id -> Nullable<Text>,
        reason -> Text,
        detail -> Nullable<Text>,
        status -> Text,
        resolution_note -> Nullable<Text>,
        resolved_by -> Nullable<Text>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    report_groups (report_id, group_id) {
        report_id -> Text,
        group_id -> Text,
    }
}

diesel::joinable!(report_groups -> reports (report_id));
diesel::joinable!(goals -> members (member_id));
diesel::joinable!(group_members -> recovery_groups (group_id));
diesel::joinable!(group_members -> members (member_id));
diesel::joinable!(strategies -> recovery_groups (group_id));
diesel::joinable!(strategies -> members (author_id));
diesel::joinable!(strategy_marks -> strategies (strategy_id));
diesel::joinable!(idempotency_keys -> members (member_id));
diesel::joinable!(check_ins -> goals (goal_id));
diesel::joinable!(milestones -> goals (goal_id));

diesel::allow_tables_to_appear_in_same_query!(
    members,
    sessions,
    refresh_tokens,
    throttle_events,
    goals,
    check_ins,
    milestones,
    idempotency_keys,
    recovery_groups,
    group_members,
    strategies,
    strategy_marks,
    partnerships,
    notifications,
    outbox,
    blocks,
    encouragements,
    reports,
    report_groups
);
