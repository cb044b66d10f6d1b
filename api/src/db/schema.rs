//! The one portable schema, valid on SQLite and PostgreSQL alike (only types
//! both backends share). Kept by hand in step with `migrations/`.

diesel::table! {
    agencies (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        name_en -> Text,
        parent_id -> Nullable<Integer>,
        sla_days -> Integer,
        active -> Bool,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    counter_offices (id) {
        id -> Integer,
        code -> Text,
        name -> Text,
        province -> Text,
        city -> Text,
        address -> Text,
        phone -> Text,
        active -> Bool,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        counter_office_id -> Nullable<Integer>,
        agency_id -> Nullable<Integer>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Integer,
        client_id -> Text,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        agency_id -> Nullable<Integer>,
        counter_office_id -> Nullable<Integer>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    auth_events (id) {
        id -> Integer,
        at -> Timestamp,
        kind -> Text,
        principal -> Text,
        ip -> Text,
        detail -> Text,
    }
}

diesel::joinable!(users -> counter_offices (counter_office_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_clients -> agencies (agency_id));
diesel::joinable!(api_clients -> counter_offices (counter_office_id));
diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    counter_offices,
    users,
    refresh_tokens,
    api_clients,
    auth_events
);
