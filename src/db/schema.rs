//! The tables, kept by hand so one description serves both backends
//! (migrations/sqlite and migrations/postgres must agree with it).

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        username_key -> Text,
        display_name -> Text,
        password_hash -> Text,
        email -> Nullable<Text>,
        is_admin -> Bool,
        created_at -> BigInt,
        is_safeguarding_lead -> Bool,
        email_verified_at -> Nullable<BigInt>,
        erased_at -> Nullable<BigInt>,
        badges -> Text,
        welcomed_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    consents (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        version -> Text,
        accepted_at -> BigInt,
        withdrawn -> Bool,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> BigInt,
        last_used_at -> BigInt,
        expires_at -> BigInt,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    communities (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        kind -> Text,
        place_name -> Nullable<Text>,
        region -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        description -> Text,
        description_html -> Text,
        rules -> Text,
        rules_html -> Text,
        banner -> Text,
        render_version -> Integer,
        visibility -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    community_members (community_id, user_id) {
        community_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        joined_at -> BigInt,
    }
}

diesel::table! {
    membership_requests (community_id, user_id) {
        community_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        requested_at -> BigInt,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    threads (id) {
        id -> BigInt,
        community_id -> BigInt,
        author_id -> BigInt,
        title -> Text,
        created_at -> BigInt,
        last_activity_at -> BigInt,
        post_seq -> BigInt,
        reply_count -> BigInt,
        deleted_at -> Nullable<BigInt>,
        locked_at -> Nullable<BigInt>,
        pinned_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        thread_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        depth -> Integer,
        tree_path -> Text,
        body -> Text,
        body_html -> Text,
        render_version -> Integer,
        content_warning -> Nullable<Text>,
        content_warning_note -> Nullable<Text>,
        created_at -> BigInt,
        edited_at -> Nullable<BigInt>,
        deleted_at -> Nullable<BigInt>,
        moderation_state -> Text,
        moderation_reason -> Nullable<Text>,
        reaction_count -> Integer,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        body -> Text,
        content_warning -> Nullable<Text>,
        content_warning_note -> Nullable<Text>,
        written_at -> BigInt,
        replaced_at -> BigInt,
        replaced_by -> BigInt,
    }
}

diesel::table! {
    post_reactions (post_id, user_id, kind) {
        post_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        created_at -> BigInt,
    }
}

diesel::joinable!(consents -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(community_members -> communities (community_id));
diesel::joinable!(community_members -> users (user_id));
diesel::joinable!(membership_requests -> communities (community_id));
diesel::joinable!(threads -> communities (community_id));
diesel::joinable!(threads -> users (author_id));
diesel::joinable!(posts -> threads (thread_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(post_reactions -> posts (post_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    display_name_changes,
    consents,
    sessions,
    communities,
    community_members,
    membership_requests,
    threads,
    posts,
    post_revisions,
    post_reactions,
    rooms,
    chat_messages,
    sanctions,
    moderation_items,
    reports,
    moderation_log,
    appeals,
    member_notes,
    word_filters,
    rate_limits,
    community_policies,
    blocks,
    email_tokens,
    data_exports,
    account_erasures,
    thread_follows,
    community_follows,
    notifications,
    notification_outbox,
    mail_outbox,
    mail_preferences,
    community_safeguarding_leads,
    safeguarding_alerts,
    support_conversations,
    support_messages,
    crisis_posts,
    live_presence,
    crisis_messages,
    community_organisers,
    events,
    event_details,
    event_rsvps,
    calendar_links,
    event_series,
    event_occurrences,
);

diesel::table! {
    notification_outbox (post_id) {
        post_id -> BigInt,
        queued_at -> BigInt,
    }
}

diesel::table! {
    rooms (id) {
        id -> BigInt,
        community_id -> BigInt,
        name -> Text,
        is_default -> Bool,
        last_seq -> BigInt,
        created_at -> BigInt,
        archived_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> BigInt,
        room_id -> BigInt,
        seq -> BigInt,
        author_id -> BigInt,
        client_id -> Text,
        body -> Text,
        body_html -> Text,
        render_version -> Integer,
        created_at -> BigInt,
        deleted_at -> Nullable<BigInt>,
        deleted_by -> Nullable<BigInt>,
        moderation_state -> Text,
        moderation_reason -> Nullable<Text>,
    }
}

diesel::joinable!(rooms -> communities (community_id));
diesel::joinable!(chat_messages -> rooms (room_id));
diesel::joinable!(chat_messages -> users (author_id));

diesel::table! {
    sanctions (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        community_id -> Nullable<BigInt>,
        room_id -> Nullable<BigInt>,
        reason -> Text,
        ends_at -> Nullable<BigInt>,
        created_by -> BigInt,
        created_at -> BigInt,
        lifted_at -> Nullable<BigInt>,
        lifted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    moderation_items (id) {
        id -> BigInt,
        subject_kind -> Text,
        subject_id -> BigInt,
        community_id -> Nullable<BigInt>,
        subject_author_id -> BigInt,
        urgent -> Bool,
        held -> Bool,
        screening -> Text,
        report_count -> Integer,
        report_weight -> Integer,
        opened_at -> BigInt,
        claimed_by -> Nullable<BigInt>,
        claim_expires_at -> Nullable<BigInt>,
        resolved_at -> Nullable<BigInt>,
        resolved_by -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        item_id -> BigInt,
        reporter_id -> BigInt,
        subject_kind -> Text,
        subject_id -> BigInt,
        reason -> Text,
        details -> Text,
        created_at -> BigInt,
        resolved_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> BigInt,
        actor_id -> BigInt,
        action -> Text,
        community_id -> Nullable<BigInt>,
        subject_kind -> Text,
        subject_id -> BigInt,
        target_user_id -> Nullable<BigInt>,
        reason -> Text,
        details -> Text,
        reverses_id -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        log_id -> BigInt,
        appellant_id -> BigInt,
        body -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decision_reason -> Nullable<Text>,
        created_at -> BigInt,
        decided_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    member_notes (id) {
        id -> BigInt,
        user_id -> BigInt,
        community_id -> Nullable<BigInt>,
        author_id -> BigInt,
        body -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    word_filters (id) {
        id -> BigInt,
        community_id -> Nullable<BigInt>,
        term -> Text,
        action -> Text,
        message -> Nullable<Text>,
        replacement -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    rate_limits (key, window_start) {
        key -> Text,
        window_start -> BigInt,
        hits -> Integer,
    }
}

diesel::joinable!(reports -> moderation_items (item_id));
diesel::joinable!(appeals -> moderation_log (log_id));

diesel::table! {
    community_policies (community_id) {
        community_id -> BigInt,
        hold_first_posts -> Integer,
    }
}

diesel::table! {
    blocks (blocker_id, blocked_id) {
        blocker_id -> BigInt,
        blocked_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    data_exports (id) {
        id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        document -> Nullable<Text>,
        created_at -> BigInt,
        finished_at -> Nullable<BigInt>,
        expires_at -> BigInt,
    }
}

diesel::table! {
    account_erasures (id) {
        id -> BigInt,
        user_id -> BigInt,
        requested_by -> Text,
        content_policy -> Text,
        erased_at -> BigInt,
    }
}
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(data_exports -> users (user_id));

diesel::table! {
    thread_follows (user_id, thread_id) {
        user_id -> BigInt,
        thread_id -> BigInt,
        level -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    community_follows (user_id, community_id) {
        user_id -> BigInt,
        community_id -> BigInt,
        level -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        group_key -> Text,
        count -> Integer,
        thread_id -> Nullable<BigInt>,
        subject_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
        read_at -> Nullable<BigInt>,
    }
}
diesel::joinable!(thread_follows -> threads (thread_id));
diesel::joinable!(community_follows -> communities (community_id));
diesel::joinable!(notifications -> users (user_id));

diesel::table! {
    community_safeguarding_leads (community_id, user_id) {
        community_id -> BigInt,
        user_id -> BigInt,
        appointed_by -> BigInt,
        appointed_at -> BigInt,
    }
}

diesel::table! {
    safeguarding_alerts (item_id) {
        item_id -> BigInt,
        risk -> Text,
        raised_at -> BigInt,
        mail_due -> Bool,
        webhook_due_at -> Nullable<BigInt>,
        webhook_attempts -> Integer,
        escalated_at -> Nullable<BigInt>,
    }
}
diesel::joinable!(community_safeguarding_leads -> communities (community_id));
diesel::joinable!(safeguarding_alerts -> moderation_items (item_id));

diesel::table! {
    support_conversations (id) {
        id -> BigInt,
        member_id -> BigInt,
        community_id -> Nullable<BigInt>,
        item_id -> Nullable<BigInt>,
        opened_by -> BigInt,
        opened_at -> BigInt,
        closed_at -> Nullable<BigInt>,
        closed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    support_messages (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        author_id -> BigInt,
        body -> Text,
        body_html -> Text,
        created_at -> BigInt,
    }
}
diesel::joinable!(support_messages -> support_conversations (conversation_id));

diesel::table! {
    crisis_posts (post_id) {
        post_id -> BigInt,
        marked_at -> BigInt,
    }
}
diesel::joinable!(crisis_posts -> posts (post_id));

diesel::table! {
    post_heads (post_id) {
        post_id -> BigInt,
        kept -> Binary,
    }
}
diesel::joinable!(post_heads -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(post_heads, posts);

diesel::table! {
    health_probe (id) {
        id -> BigInt,
        probes -> BigInt,
    }
}

diesel::table! {
    setup_links (token_hash) {
        token_hash -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    instance_settings (id) {
        id -> BigInt,
        revision -> BigInt,
        document -> Text,
        updated_at -> BigInt,
    }
}

diesel::table! {
    admin_log (id) {
        id -> BigInt,
        actor_id -> BigInt,
        at -> BigInt,
        action -> Text,
        subject -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
    }
}
diesel::joinable!(admin_log -> users (actor_id));
diesel::allow_tables_to_appear_in_same_query!(admin_log, users);

diesel::table! {
    join_decisions (id) {
        id -> BigInt,
        community_id -> BigInt,
        user_id -> BigInt,
        accepted -> Bool,
        message -> Nullable<Text>,
        decided_by -> BigInt,
        decided_at -> BigInt,
    }
}
diesel::joinable!(join_decisions -> communities (community_id));
diesel::allow_tables_to_appear_in_same_query!(join_decisions, communities);

diesel::table! {
    community_archives (community_id) {
        community_id -> BigInt,
        archived_at -> BigInt,
        archived_by -> BigInt,
    }
}

diesel::table! {
    live_presence (room_id, user_id, process_id) {
        room_id -> BigInt,
        user_id -> BigInt,
        process_id -> BigInt,
        seen_at -> BigInt,
    }
}
diesel::joinable!(live_presence -> users (user_id));

diesel::table! {
    crisis_messages (message_id) {
        message_id -> BigInt,
        marked_at -> BigInt,
    }
}
diesel::joinable!(crisis_messages -> chat_messages (message_id));

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        address -> Text,
        user_id -> Nullable<BigInt>,
        kind -> Text,
        notification_id -> Nullable<BigInt>,
        subject -> Text,
        text_body -> Text,
        html_body -> Nullable<Text>,
        created_at -> BigInt,
        send_after -> BigInt,
        attempts -> Integer,
        claimed_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    mail_preferences (user_id) {
        user_id -> BigInt,
        replies -> Text,
        mentions -> Text,
        watched -> Text,
        moderation -> Text,
        events -> Text,
        moderator_digest -> Bool,
        include_details -> Bool,
        time_zone -> Nullable<Text>,
        unsubscribe_key -> Text,
        next_daily_at -> BigInt,
        next_weekly_at -> BigInt,
        last_daily_at -> Nullable<BigInt>,
        last_weekly_at -> Nullable<BigInt>,
    }
}
diesel::joinable!(mail_preferences -> users (user_id));

diesel::table! {
    consultations (id) {
        id -> BigInt,
        community_id -> BigInt,
        thread_id -> BigInt,
        author_id -> BigInt,
        closes_at -> BigInt,
        respond_by -> BigInt,
        support_threshold -> Integer,
        created_at -> BigInt,
    }
}

diesel::table! {
    consultation_supports (post_id, user_id) {
        post_id -> BigInt,
        user_id -> BigInt,
        consultation_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    consultation_responses (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        post_id -> BigInt,
        author_id -> BigInt,
        status -> Text,
        body -> Text,
        body_html -> Text,
        created_at -> BigInt,
    }
}
diesel::joinable!(consultations -> threads (thread_id));
diesel::joinable!(consultation_responses -> users (author_id));
diesel::allow_tables_to_appear_in_same_query!(consultations, threads);
diesel::allow_tables_to_appear_in_same_query!(consultation_responses, users);

diesel::table! {
    invitations (id) {
        id -> BigInt,
        code -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
        expires_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
    }
}
diesel::joinable!(invitations -> users (created_by));

diesel::table! {
    invitation_joins (user_id) {
        user_id -> BigInt,
        invitation_id -> BigInt,
        joined_at -> BigInt,
    }
}
diesel::joinable!(invitation_joins -> invitations (invitation_id));

diesel::table! {
    join_applications (user_id) {
        user_id -> BigInt,
        note -> Nullable<Text>,
        invitation_id -> Nullable<BigInt>,
        status -> Text,
        applied_at -> BigInt,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<BigInt>,
        message -> Nullable<Text>,
    }
}
diesel::joinable!(join_applications -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(invitations, invitation_joins, join_applications, users);

diesel::table! {
    directory_entries (id) {
        id -> BigInt,
        community_id -> Nullable<BigInt>,
        status -> Text,
        suggested_by -> Nullable<BigInt>,
        name -> Text,
        organisation -> Text,
        description -> Text,
        description_html -> Text,
        details -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        categories -> Text,
        search_text -> Text,
        created_at -> BigInt,
        reviewed_at -> Nullable<BigInt>,
        reviewed_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    directory_saves (user_id, entry_id) {
        user_id -> BigInt,
        entry_id -> BigInt,
        saved_at -> BigInt,
    }
}
diesel::joinable!(directory_saves -> directory_entries (entry_id));
diesel::allow_tables_to_appear_in_same_query!(directory_saves, directory_entries);

diesel::table! {
    community_organisers (community_id, user_id) {
        community_id -> BigInt,
        user_id -> BigInt,
        appointed_by -> Nullable<BigInt>,
        appointed_at -> BigInt,
    }
}
diesel::joinable!(community_organisers -> communities (community_id));
diesel::joinable!(community_organisers -> users (user_id));

diesel::table! {
    events (id) {
        id -> BigInt,
        community_id -> BigInt,
        created_by -> Nullable<BigInt>,
        title -> Text,
        time_zone -> Text,
        starts_local -> Text,
        ends_local -> Text,
        starts_at -> BigInt,
        ends_at -> BigInt,
        capacity -> Nullable<Integer>,
        sequence -> Integer,
        rsvp_seq -> BigInt,
        cancelled_at -> Nullable<BigInt>,
        reminders_sent -> Integer,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    event_details (event_id) {
        event_id -> BigInt,
        description -> Text,
        description_html -> Text,
        render_version -> Integer,
        online -> Bool,
        place_name -> Nullable<Text>,
        address -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        online_url -> Nullable<Text>,
        accessibility -> Text,
    }
}

diesel::table! {
    event_rsvps (event_id, user_id) {
        event_id -> BigInt,
        user_id -> BigInt,
        status -> Text,
        arrival -> BigInt,
        responded_at -> BigInt,
        attended -> Nullable<Bool>,
    }
}
diesel::joinable!(events -> communities (community_id));
diesel::joinable!(event_rsvps -> events (event_id));
diesel::joinable!(event_details -> events (event_id));
diesel::joinable!(event_rsvps -> users (user_id));

diesel::table! {
    calendar_links (id) {
        id -> BigInt,
        user_id -> BigInt,
        community_id -> Nullable<BigInt>,
        token_hash -> Text,
        created_at -> BigInt,
    }
}
diesel::joinable!(calendar_links -> communities (community_id));

diesel::table! {
    thread_reads (user_id, thread_id) {
        user_id -> BigInt,
        thread_id -> BigInt,
        last_read_post_id -> BigInt,
        read_at -> BigInt,
    }
}
diesel::joinable!(thread_reads -> threads (thread_id));
diesel::allow_tables_to_appear_in_same_query!(thread_reads, threads);
diesel::allow_tables_to_appear_in_same_query!(thread_reads, posts);

diesel::table! {
    display_name_changes (id) {
        id -> BigInt,
        user_id -> BigInt,
        previous_name -> Text,
        new_name -> Text,
        changed_at -> BigInt,
    }
}
diesel::joinable!(display_name_changes -> users (user_id));

diesel::table! {
    stories (thread_id) {
        thread_id -> BigInt,
        reach -> Text,
        created_at -> BigInt,
        reach_changed_at -> BigInt,
    }
}
diesel::joinable!(stories -> threads (thread_id));
diesel::allow_tables_to_appear_in_same_query!(stories, threads);
diesel::allow_tables_to_appear_in_same_query!(stories, posts);
diesel::allow_tables_to_appear_in_same_query!(stories, users);
diesel::allow_tables_to_appear_in_same_query!(stories, communities);
diesel::allow_tables_to_appear_in_same_query!(stories, crisis_posts);

diesel::table! {
    event_series (id) {
        id -> BigInt,
        community_id -> BigInt,
        frequency -> Text,
        every -> Integer,
        week_of_month -> Nullable<Integer>,
        occurrences -> Integer,
        time_zone -> Text,
        starts_local -> Text,
        ends_local -> Text,
        created_at -> BigInt,
    }
}
diesel::table! {
    event_occurrences (event_id) {
        event_id -> BigInt,
        series_id -> BigInt,
        occurrence_local -> Text,
    }
}
diesel::joinable!(event_occurrences -> events (event_id));
diesel::joinable!(event_occurrences -> event_series (series_id));

diesel::table! {
    goals (id) {
        id -> BigInt,
        community_id -> BigInt,
        created_by -> Nullable<BigInt>,
        title -> Text,
        unit -> Text,
        counts_recruits -> Bool,
        target -> BigInt,
        ends_on -> Text,
        ends_at -> BigInt,
        total -> BigInt,
        milestone -> Integer,
        closed_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    goal_pledges (goal_id, user_id) {
        goal_id -> BigInt,
        user_id -> BigInt,
        pledged_at -> BigInt,
    }
}

diesel::table! {
    goal_entries (id) {
        id -> BigInt,
        goal_id -> BigInt,
        user_id -> BigInt,
        amount -> BigInt,
        day -> BigInt,
        logged_at -> BigInt,
    }
}
diesel::joinable!(goals -> communities (community_id));
diesel::joinable!(goal_pledges -> goals (goal_id));
diesel::joinable!(goal_entries -> goals (goal_id));
diesel::allow_tables_to_appear_in_same_query!(goals, goal_pledges, goal_entries);
diesel::allow_tables_to_appear_in_same_query!(goals, communities);
diesel::allow_tables_to_appear_in_same_query!(goal_pledges, users);
diesel::allow_tables_to_appear_in_same_query!(goal_entries, users);
diesel::allow_tables_to_appear_in_same_query!(goal_pledges, invitations);
diesel::allow_tables_to_appear_in_same_query!(goal_pledges, invitation_joins);
diesel::allow_tables_to_appear_in_same_query!(goals, notifications);
diesel::allow_tables_to_appear_in_same_query!(goals, invitations);
