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
    refresh_tokens (id) {
        id -> Text,
        member_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(refresh_tokens -> members (member_id));
diesel::allow_tables_to_appear_in_same_query!(members, refresh_tokens);
