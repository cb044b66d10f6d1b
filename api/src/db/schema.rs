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

diesel::allow_tables_to_appear_in_same_query!(agencies, counter_offices);
