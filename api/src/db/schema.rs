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
        sla_working_days -> Bool,
        reference_pattern -> Nullable<Text>,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        name -> Text,
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
    confidential_reads (id) {
        id -> Integer,
        letter_id -> Integer,
        at -> Timestamp,
        actor -> Text,
        what -> Text,
        attachment_id -> Nullable<Integer>,
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

diesel::table! {
    letters (id) {
        id -> Integer,
        tracking_code -> Text,
        counter_office_id -> Integer,
        registered_by -> Text,
        applicant_kind -> Text,
        applicant_national_id -> Text,
        applicant_first_name -> Nullable<Text>,
        applicant_last_name -> Nullable<Text>,
        applicant_father_name -> Nullable<Text>,
        applicant_organization_name -> Nullable<Text>,
        applicant_representative_name -> Nullable<Text>,
        applicant_mobile -> Text,
        applicant_postal_code -> Nullable<Text>,
        applicant_address -> Nullable<Text>,
        applicant_reference -> Nullable<Text>,
        recipient_agency_id -> Integer,
        holder_agency_id -> Integer,
        subject -> Text,
        body -> Text,
        priority -> Text,
        status -> Text,
        version -> Integer,
        due_at -> Nullable<Timestamp>,
        answer_body -> Nullable<Text>,
        answer_agency_id -> Nullable<Integer>,
        answered_at -> Nullable<Timestamp>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        classification -> Text,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Integer,
        letter_id -> Integer,
        agency_id -> Integer,
        from_agency_id -> Nullable<Integer>,
        delivered_at -> Timestamp,
        due_at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<Text>,
        agency_reference -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        overdue_notified_at -> Nullable<Timestamp>,
        agency_reference_date -> Nullable<Date>,
        is_copy -> Bool,
    }
}

diesel::table! {
    answer_templates (id) {
        id -> Integer,
        agency_id -> Integer,
        name -> Text,
        body -> Text,
        updated_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    letter_relations (letter_id, related_letter_id) {
        letter_id -> Integer,
        related_letter_id -> Integer,
        relation -> Text,
    }
}

diesel::table! {
    agency_reference_counters (agency_id, year) {
        agency_id -> Integer,
        year -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    sms_templates (kind) {
        kind -> Text,
        body -> Text,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    letter_events (id) {
        id -> Integer,
        letter_id -> Integer,
        seq -> Integer,
        kind -> Text,
        status -> Text,
        actor -> Text,
        agency_id -> Nullable<Integer>,
        to_agency_id -> Nullable<Integer>,
        note -> Text,
        internal -> Bool,
        created_at -> Timestamp,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> Integer,
        letter_id -> Integer,
        kind -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Integer,
        letter_id -> Integer,
        event_kind -> Text,
        mobile -> Text,
        text -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        leased_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        provider_message_id -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        provider_status -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notification_attempts (id) {
        id -> Integer,
        notification_id -> Integer,
        attempt -> Integer,
        at -> Timestamp,
        outcome -> Text,
        error -> Nullable<Text>,
        duration_ms -> Integer,
    }
}

diesel::table! {
    sms_opt_outs (mobile) {
        mobile -> Text,
        note -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> Integer,
        principal -> Text,
        idem_key -> Text,
        request_hash -> Text,
        status_code -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report_days (scope_kind, scope_id, day, kind, shard) {
        scope_kind -> SmallInt,
        scope_id -> Integer,
        day -> Date,
        kind -> Text,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    report_offices (scope_kind, scope_id, grain, period, counter_office_id) {
        scope_kind -> SmallInt,
        scope_id -> Integer,
        grain -> SmallInt,
        period -> Date,
        counter_office_id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    report_answers (scope_kind, scope_id, grain, period, agency_id) {
        scope_kind -> SmallInt,
        scope_id -> Integer,
        grain -> SmallInt,
        period -> Date,
        agency_id -> Integer,
        answered -> BigInt,
        on_time -> BigInt,
        hours -> Binary,
    }
}

diesel::table! {
    report_status_months (scope_kind, scope_id, month, kind, shard) {
        scope_kind -> SmallInt,
        scope_id -> Integer,
        month -> Date,
        kind -> Text,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    report_late_arrivals (agency_id) {
        agency_id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    inbox_new (agency_id, shard) {
        agency_id -> Integer,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    report_backlog (scope_kind, scope_id, holder_agency_id, due_day, shard) {
        scope_kind -> SmallInt,
        scope_id -> Integer,
        holder_agency_id -> Integer,
        due_day -> Date,
        shard -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    report_rollups_built (id) {
        id -> Integer,
        built_at -> Timestamp,
    }
}

// SQLite only: the FTS5 index of `letters.search_text` (rowid = letter id),
// joined by the words search so matches are read newest first and the
// search stops at a page (see `letters::list_letters`).
diesel::table! {
    letters_fts (rowid) {
        rowid -> Integer,
        search_text -> Text,
    }
}

diesel::joinable!(letters -> counter_offices (counter_office_id));
diesel::joinable!(deliveries -> letters (letter_id));
diesel::joinable!(confidential_reads -> letters (letter_id));
diesel::joinable!(letter_events -> letters (letter_id));
diesel::joinable!(attachments -> letters (letter_id));
diesel::joinable!(notifications -> letters (letter_id));
diesel::joinable!(notification_attempts -> notifications (notification_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    agency_reference_counters,
    answer_templates,
    letter_relations,
    confidential_reads,
    counter_offices,
    users,
    refresh_tokens,
    api_clients,
    auth_events,
    letters,
    deliveries,
    letter_events,
    attachments,
    notifications,
    idempotency_keys,
    notification_attempts,
    sms_opt_outs,
    holidays,
    sms_templates,
    report_days,
    report_offices,
    report_answers,
    report_backlog,
    report_late_arrivals,
    report_status_months,
    inbox_new,
    report_rollups_built,
    letters_fts,
);
