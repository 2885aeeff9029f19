//! Live chat over the websocket: persist then publish, resuming without
//! gaps or duplicates, idempotent resends, slow and silent clients, limits,
//! and moderators in chat.

use serde_json::json;

use crate::helpers::{Account, TestApp, spawn_app, spawn_app_with};
use crate::live_client::{LiveClient, default_room, eventually, seqs};

/// An admin, a public community "copd" with members amy and ben; returns (admin, amy, ben, room).
async fn chat_setup(app: &TestApp) -> (Account, Account, Account, i64) {
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    let ben = app.register("ben").await;
    app.join(&amy, "copd").await.assert_status(200);
    app.join(&ben, "copd").await.assert_status(200);
    let room = default_room(app, &amy, "copd").await;
    (admin, amy, ben, room)
}

#[tokio::test]
async fn two_members_chat_and_messages_arrive_acked_and_in_order() {
    let app = spawn_app().await;
    let (_admin, amy, ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    assert_eq!(amy_live.subscribe(room, None).await["last_seq"], 0);
    ben_live.subscribe(room, None).await;

    for (n, text) in ["Morning all", "Anyone up for the **walk**?", "<script>x</script>"].iter().enumerate() {
        amy_live.say(room, text, &format!("amy-{n}")).await;
        let ack = amy_live.next_of("ack").await;
        assert_eq!(ack["client_id"], format!("amy-{n}"));
        assert_eq!(ack["seq"], n as i64 + 1);
    }
    let received = ben_live.messages(3).await;
    assert_eq!(seqs(&received), vec![1, 2, 3]);
    assert_eq!(received[1]["body_html"], "<p>Anyone up for the <strong>walk</strong>?</p>\n");
    assert_eq!(received[2]["body_html"], "<p>&lt;script&gt;x&lt;/script&gt;</p>\n");
    assert_eq!(received[0]["author"]["username"], "amy");

    // The history endpoint agrees with what was broadcast.
    let history = app.get(&format!("/api/v1/rooms/{room}/messages"), Some(&ben)).await;
    let stored: Vec<i64> =
        history.assert_status(200).as_array().expect("list").iter().filter_map(|m| m["seq"].as_i64()).collect();
    assert_eq!(stored, vec![1, 2, 3]);
}

#[tokio::test]
async fn a_late_joiner_gets_the_backlog_then_live_messages_with_no_gap_or_duplicate() {
    let app = spawn_app_with(|settings| settings.live_messages_per_second = 1000).await;
    let (_admin, amy, ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    for n in 0..5 {
        amy_live.say(room, &format!("early {n}"), &format!("early-{n}")).await;
        amy_live.next_of("ack").await;
    }
    // Amy keeps talking while Ben catches up from seq 2.
    let talker = tokio::spawn(async move {
        for n in 0..20 {
            amy_live.say(room, &format!("late {n}"), &format!("late-{n}")).await;
            amy_live.next_of("ack").await;
        }
        amy_live
    });
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    ben_live.send(json!({ "type": "subscribe", "room": room, "after": 2 })).await;
    let received = ben_live.messages(23).await;
    assert_eq!(seqs(&received), (3..=25).collect::<Vec<i64>>());
    talker.await.expect("the talker finished");
}

#[tokio::test]
async fn a_client_that_reconnects_with_its_last_seq_misses_nothing() {
    let app = spawn_app_with(|settings| settings.live_messages_per_second = 1000).await;
    let (_admin, amy, ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    ben_live.subscribe(room, None).await;
    for n in 0..3 {
        amy_live.say(room, &format!("before {n}"), &format!("b-{n}")).await;
        amy_live.next_of("ack").await;
    }
    let seen = ben_live.messages(3).await;
    let last = seqs(&seen)[2];
    ben_live.close().await;
    for n in 0..4 {
        amy_live.say(room, &format!("while away {n}"), &format!("w-{n}")).await;
        amy_live.next_of("ack").await;
    }
    let mut ben_again = LiveClient::connect(&app, &ben).await;
    ben_again.send(json!({ "type": "subscribe", "room": room, "after": last })).await;
    let missed = ben_again.messages(4).await;
    assert_eq!(seqs(&missed), vec![last + 1, last + 2, last + 3, last + 4]);
    let subscribed = ben_again.next_of("subscribed").await;
    assert_eq!(subscribed["last_seq"], last + 4);
}

/// The ids of the `deleted` frames before the first frame of `kind`, and that frame.
async fn deletions_before(live: &mut LiveClient, kind: &str) -> (Vec<i64>, serde_json::Value) {
    let mut told = Vec::new();
    loop {
        let frame = live.next().await.expect("a frame");
        if frame["type"] == kind {
            return (told, frame);
        }
        if frame["type"] == "deleted" {
            told.push(frame["id"].as_i64().expect("id"));
        }
    }
}

#[tokio::test]
async fn a_client_that_reconnects_is_told_of_messages_taken_down_while_it_was_away() {
    let app = spawn_app_with(|settings| settings.live_messages_per_second = 1000).await;
    let (admin, amy, ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    ben_live.subscribe(room, None).await;
    let ids: Vec<i64> = says(&mut amy_live, room, 4).await.into_iter().map(|(id, _)| id).collect();
    let last = seqs(&ben_live.messages(4).await)[3];
    ben_live.close().await;

    // While ben is away: one message deleted, one hidden by a moderator, one said.
    app.delete(&format!("/api/v1/messages/{}", ids[1]), Some(&admin)).await.assert_status(204);
    let hide = json!({ "action": "hide", "message_id": ids[3], "reason": "Unkind." });
    app.post("/api/v1/moderation/actions", Some(&admin), hide).await.assert_status(201);
    amy_live.say(room, "said while ben was away", "s-4").await;
    amy_live.next_of("ack").await;

    let mut ben_again = LiveClient::connect(&app, &ben).await;
    ben_again.send(json!({ "type": "subscribe", "room": room, "after": last })).await;
    let (told, first_new) = deletions_before(&mut ben_again, "message").await;
    assert_eq!(told, [ids[3], ids[1]], "the taken-down messages ben holds, newest first, before anything new");
    assert_eq!(first_new["seq"], last + 1, "then what was said meanwhile");
}

#[tokio::test]
async fn a_reconnecting_client_is_told_of_the_newest_fifty_messages_taken_down() {
    let app = spawn_app_with(|settings| settings.live_messages_per_second = 1000).await;
    let (admin, amy, _ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    let said = says(&mut amy_live, room, 52).await;
    let (ids, last): (Vec<i64>, i64) = (said.iter().map(|(id, _)| *id).collect(), said[51].1);
    for id in &ids[1..] {
        app.delete(&format!("/api/v1/messages/{id}"), Some(&admin)).await.assert_status(204);
    }

    let mut again = LiveClient::connect(&app, &amy).await;
    again.send(json!({ "type": "subscribe", "room": room, "after": last })).await;
    let (told, _) = deletions_before(&mut again, "subscribed").await;
    let newest: Vec<i64> = ids[2..].iter().rev().copied().collect();
    assert_eq!(told, newest, "the newest 50 of the 51 taken down");
}

#[tokio::test]
async fn a_reconnecting_client_is_told_only_of_the_500_messages_before_its_after() {
    let app = spawn_app_with(|settings| {
        settings.live_messages_per_second = 1000;
        settings.live_frames_per_second = 1000;
        settings.chat_messages_per_minute = 10_000;
    })
    .await;
    let (admin, amy, _ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    let said = says(&mut amy_live, room, 502).await;
    let last = said[501].1;
    let id_at = |seq: i64| said.iter().find(|(_, said_seq)| *said_seq == seq).map(|(id, _)| *id).expect("said");
    // The look-back reaches `last - 499`; the message just before it is out of reach.
    let (reached, beyond) = (id_at(last - 499), id_at(last - 500));
    for id in [beyond, reached] {
        app.delete(&format!("/api/v1/messages/{id}"), Some(&admin)).await.assert_status(204);
    }

    let mut again = LiveClient::connect(&app, &amy).await;
    again.send(json!({ "type": "subscribe", "room": room, "after": last })).await;
    let (told, _) = deletions_before(&mut again, "subscribed").await;
    assert_eq!(told, [reached], "the 500 messages before `after`, and no older");
}

/// Sends `count` messages in turn, each once the last is acknowledged; their (id, seq).
async fn says(live: &mut LiveClient, room: i64, count: usize) -> Vec<(i64, i64)> {
    let mut said = Vec::with_capacity(count);
    for n in 0..count {
        live.say(room, &format!("said {n}"), &format!("s-{n}")).await;
        let ack = live.next_of("ack").await;
        said.push((ack["id"].as_i64().expect("id"), ack["seq"].as_i64().expect("seq")));
    }
    said
}

#[tokio::test]
async fn a_resend_with_the_same_client_id_is_stored_once() {
    let app = spawn_app().await;
    let (_admin, amy, _ben, room) = chat_setup(&app).await;
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;
    live.say(room, "Did this send?", "retry-me").await;
    let first = live.next_of("ack").await;
    live.close().await;
    let mut again = LiveClient::connect(&app, &amy).await;
    again.say(room, "Did this send?", "retry-me").await;
    let second = again.next_of("ack").await;
    assert_eq!(first["id"], second["id"]);
    assert_eq!(first["seq"], second["seq"]);
    let history = app.get(&format!("/api/v1/rooms/{room}/messages"), Some(&amy)).await;
    assert_eq!(history.body.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn outsiders_cannot_use_a_members_only_room() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "carers", "members").await;
    let member = app.register("amy").await;
    app.join(&member, "carers").await;
    let outsider = app.register("olly").await;
    let room = default_room(&app, &member, "carers").await;

    let mut live = LiveClient::connect(&app, &outsider).await;
    live.send(json!({ "type": "subscribe", "room": room })).await;
    let error = live.next_of("error").await;
    assert_eq!(error["code"], "not_found");
    live.say(room, "let me in", "x-1").await;
    assert_eq!(live.next_of("error").await["code"], "not_found");

    app.get(&format!("/api/v1/rooms/{room}/messages"), Some(&outsider)).await.assert_error(404, "not_found");
    app.get(&format!("/api/v1/rooms/{room}/messages"), None).await.assert_error(404, "not_found");
    app.get("/api/v1/communities/carers/rooms", None).await.assert_error(404, "not_found");
    let visitor = app.client.get(app.url("/api/v1/live")).send().await.expect("answer");
    assert_eq!(visitor.status(), 401);
}

#[tokio::test]
async fn a_member_who_has_not_joined_can_read_a_public_room_but_not_talk_in_it() {
    let app = spawn_app().await;
    let (_admin, _amy, _ben, room) = chat_setup(&app).await;
    let visitor_member = app.register("vera").await;
    let mut live = LiveClient::connect(&app, &visitor_member).await;
    live.subscribe(room, None).await;
    live.say(room, "hello?", "v-1").await;
    let error = live.next_of("error").await;
    assert_eq!(error["code"], "forbidden");
    assert_eq!(error["client_id"], "v-1");
}

#[tokio::test]
async fn oversized_frames_bad_frames_and_floods_get_error_frames() {
    let app = spawn_app().await;
    let (_admin, amy, _ben, room) = chat_setup(&app).await;
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;

    live.send_raw(format!(r#"{{"type":"send","room":{room},"client_id":"big","body":"{}"}}"#, "x".repeat(20_000)))
        .await;
    assert_eq!(live.next_of("error").await["code"], "frame_too_large");
    live.send_raw("not json".into()).await;
    assert_eq!(live.next_of("error").await["code"], "invalid_frame");
    live.send(json!({ "type": "dance", "room": room })).await;
    assert_eq!(live.next_of("error").await["code"], "invalid_frame");
    live.say(room, &"y".repeat(2_001), "long").await;
    assert_eq!(live.next_of("error").await["code"], "message_too_long");
    live.say(room, "   ", "blank").await;
    assert_eq!(live.next_of("error").await["code"], "empty_message");
    live.say(room, "hello", &"c".repeat(65)).await;
    assert_eq!(live.next_of("error").await["code"], "invalid_client_id");
    live.say(room, "hello", "has space").await;
    assert_eq!(live.next_of("error").await["code"], "invalid_client_id");

    // A flood: the member's message rate limit answers each excess send.
    for n in 0..15 {
        live.say(room, "flood", &format!("flood-{n}")).await;
    }
    let mut acks = 0;
    let mut limited = 0;
    while acks + limited < 15 {
        let frame = live.next().await.expect("still connected");
        match frame["type"].as_str() {
            Some("ack") => acks += 1,
            Some("error") if frame["code"] == "rate_limited" => limited += 1,
            Some("error") if frame["code"] == "too_many_frames" => limited += 1,
            _ => {}
        }
    }
    assert!(acks >= 1 && limited >= 1, "{acks} acks, {limited} refusals");
}

#[tokio::test]
async fn a_frame_flood_is_refused_with_error_frames() {
    let app = spawn_app_with(|settings| settings.live_frames_per_second = 5).await;
    let (_admin, amy, _ben, room) = chat_setup(&app).await;
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;
    for _ in 0..40 {
        live.send(json!({ "type": "typing", "room": room })).await;
    }
    assert_eq!(live.next_of("error").await["code"], "too_many_frames");
}

#[tokio::test]
async fn limits_on_rooms_per_connection_and_connections_per_member() {
    let app = spawn_app_with(|settings| {
        settings.live_rooms_per_connection = 1;
        settings.live_connections_per_member = 2;
    })
    .await;
    let (admin, amy, _ben, room) = chat_setup(&app).await;
    let second = app.post("/api/v1/communities/copd/rooms", Some(&admin), json!({ "name": "Walks" })).await;
    let second_room = second.assert_status(201)["id"].as_i64().expect("id");
    let mut live = LiveClient::connect(&app, &amy).await;
    live.subscribe(room, None).await;
    live.send(json!({ "type": "subscribe", "room": second_room })).await;
    assert_eq!(live.next_of("error").await["code"], "too_many_rooms");

    let _another = LiveClient::connect(&app, &amy).await;
    let refused = LiveClient::try_connect(&app, &amy).await;
    assert!(refused.is_err(), "a third connection is refused");
}

#[tokio::test]
async fn a_client_that_never_reads_does_not_hold_up_the_others() {
    let app = spawn_app_with(|settings| {
        settings.live_messages_per_second = 100_000;
        settings.chat_messages_per_minute = u32::MAX;
        settings.live_frames_per_second = 100_000;
        settings.live_write_timeout_seconds = 1;
    })
    .await;
    let (_admin, amy, ben, room) = chat_setup(&app).await;
    let stalled_member = app.register("stella").await;
    let mut stalled = LiveClient::connect(&app, &stalled_member).await;
    stalled.subscribe(room, None).await;
    let mut reader = LiveClient::connect(&app, &ben).await;
    reader.subscribe(room, None).await;
    let mut writer = LiveClient::connect(&app, &amy).await;
    eventually("all three are connected", || app.state.hub.connection_count() == 3).await;

    // About 8 MB: far more than the socket buffers and the queue hold for a
    // client that never reads. The writer sends in batches and reads its acks.
    let body = "z".repeat(1_990);
    let (batches, batch) = (80, 50);
    let sender = tokio::spawn(async move {
        for b in 0..batches {
            for n in 0..batch {
                writer.say(room, &body, &format!("bulk-{b}-{n}")).await;
            }
            for _ in 0..batch {
                writer.next_of("ack").await;
            }
        }
        writer
    });
    let mut last = 0;
    while last < batches * batch {
        let frame = reader.next().await.expect("the reader stays connected");
        if frame["type"] == "message" {
            let seq = frame["seq"].as_i64().expect("seq");
            assert_eq!(seq, last + 1, "no gap and no duplicate");
            last = seq;
        }
    }
    let _writer = sender.await.expect("the sender finished");
    eventually("the stalled client is disconnected", || app.state.hub.connection_count() == 2).await;
    drop(stalled);
}

#[tokio::test]
async fn a_silent_connection_is_dropped_by_the_heartbeat() {
    let app = spawn_app_with(|settings| {
        settings.live_heartbeat_seconds = 1;
        settings.live_timeout_seconds = 2;
    })
    .await;
    let (_admin, amy, _ben, room) = chat_setup(&app).await;
    let mut silent = LiveClient::connect(&app, &amy).await;
    silent.subscribe(room, None).await;
    // Not reading means not answering pings.
    eventually("the silent client is dropped", || app.state.hub.connection_count() == 0).await;
    drop(silent);
}

#[tokio::test]
async fn presence_and_typing_reach_the_room() {
    let app = spawn_app().await;
    let (_admin, amy, ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    let alone = amy_live.next_of("presence").await;
    assert_eq!(alone["members"].as_array().map(Vec::len), Some(1));
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    ben_live.subscribe(room, None).await;
    let together = amy_live.next_of("presence").await;
    let names: Vec<&str> =
        together["members"].as_array().expect("members").iter().filter_map(|m| m["username"].as_str()).collect();
    assert_eq!(names, vec!["amy", "ben"]);

    ben_live.send(json!({ "type": "typing", "room": room })).await;
    let typing = amy_live.next_of("typing").await;
    assert_eq!(typing["username"], "ben");

    ben_live.close().await;
    let after = amy_live.next_of("presence").await;
    assert_eq!(after["members"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn a_moderator_deletes_a_message_and_every_client_is_told() {
    let app = spawn_app().await;
    let (admin, amy, ben, room) = chat_setup(&app).await;
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.subscribe(room, None).await;
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    ben_live.subscribe(room, None).await;
    amy_live.say(room, "something unkind", "u-1").await;
    let id = amy_live.next_of("ack").await["id"].as_i64().expect("id");

    app.delete(&format!("/api/v1/messages/{id}"), Some(&ben)).await.assert_error(403, "forbidden");
    app.delete(&format!("/api/v1/messages/{id}"), Some(&admin)).await.assert_status(204);
    let deleted = ben_live.next_of("deleted").await;
    assert_eq!(deleted["id"], id);
    assert_eq!(amy_live.next_of("deleted").await["id"], id);
    let history = app.get(&format!("/api/v1/rooms/{room}/messages"), Some(&ben)).await;
    assert_eq!(history.body[0]["deleted"], true);
    assert!(history.body[0]["body_html"].is_null());
    app.delete(&format!("/api/v1/messages/{id}"), Some(&admin)).await.assert_error(409, "message_deleted");
}

#[tokio::test]
async fn a_muted_member_is_told_until_when() {
    let app = spawn_app().await;
    let (admin, amy, ben, room) = chat_setup(&app).await;
    app.send(
        reqwest::Method::PUT,
        &format!("/api/v1/rooms/{room}/mutes/ben"),
        Some(&amy),
        Some(json!({ "minutes": 30 })),
    )
    .await
    .assert_error(403, "forbidden");
    let mute = |minutes: u32| Some(json!({ "minutes": minutes }));
    app.send(reqwest::Method::PUT, &format!("/api/v1/rooms/{room}/mutes/ben"), Some(&admin), mute(0))
        .await
        .assert_error(422, "invalid_duration");
    app.send(reqwest::Method::PUT, &format!("/api/v1/rooms/{room}/mutes/ben"), Some(&admin), mute(525_601))
        .await
        .assert_error(422, "invalid_duration");
    app.send(reqwest::Method::PUT, &format!("/api/v1/rooms/{room}/mutes/ben"), Some(&admin), mute(30))
        .await
        .assert_status(204);
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    ben_live.say(room, "hello?", "m-1").await;
    let refused = ben_live.next_of("error").await;
    assert_eq!(refused["code"], "muted");
    assert!(refused["message"].as_str().unwrap_or("").contains("until"), "{refused}");
    app.delete(&format!("/api/v1/rooms/{room}/mutes/ben"), Some(&admin)).await.assert_status(204);
    ben_live.say(room, "hello again", "m-2").await;
    ben_live.next_of("ack").await;
}

#[tokio::test]
async fn moderators_create_and_archive_rooms_but_not_the_default_one() {
    let app = spawn_app().await;
    let (admin, amy, _ben, room) = chat_setup(&app).await;
    app.post("/api/v1/communities/copd/rooms", Some(&amy), json!({ "name": "Walks" }))
        .await
        .assert_error(403, "forbidden");
    app.post("/api/v1/communities/copd/rooms", Some(&admin), json!({ "name": "x" }))
        .await
        .assert_error(422, "invalid_room_name");
    let walks = app.post("/api/v1/communities/copd/rooms", Some(&admin), json!({ "name": "Walks" })).await;
    let walks_id = walks.assert_status(201)["id"].as_i64().expect("id");
    let rooms = app.get("/api/v1/communities/copd/rooms", None).await;
    let names: Vec<&str> = rooms.body.as_array().expect("rooms").iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, vec!["General", "Walks"]);
    app.delete(&format!("/api/v1/rooms/{room}"), Some(&admin)).await.assert_error(409, "default_room");
    app.delete(&format!("/api/v1/rooms/{walks_id}"), Some(&amy)).await.assert_error(403, "forbidden");
    app.delete(&format!("/api/v1/rooms/{walks_id}"), Some(&admin)).await.assert_status(204);
    let after = app.get("/api/v1/communities/copd/rooms", None).await;
    assert_eq!(after.body.as_array().map(Vec::len), Some(1));
    app.get(&format!("/api/v1/rooms/{walks_id}/messages"), Some(&amy)).await.assert_error(404, "not_found");
}

#[tokio::test]
async fn history_pages_by_sequence_number() {
    let app = spawn_app_with(|settings| settings.live_messages_per_second = 1000).await;
    let (_admin, amy, _ben, room) = chat_setup(&app).await;
    let mut live = LiveClient::connect(&app, &amy).await;
    for n in 0..10 {
        live.say(room, &format!("m{n}"), &format!("h-{n}")).await;
        live.next_of("ack").await;
    }
    let page = |query: &str| {
        let path = format!("/api/v1/rooms/{room}/messages?{query}");
        let (app, amy) = (&app, &amy);
        async move { app.get(&path, Some(amy)).await }
    };
    let seqs_of = |body: &serde_json::Value| -> Vec<i64> {
        body.as_array().expect("list").iter().filter_map(|m| m["seq"].as_i64()).collect()
    };
    assert_eq!(seqs_of(&page("limit=3").await.body), vec![8, 9, 10]);
    assert_eq!(seqs_of(&page("before=8&limit=3").await.body), vec![5, 6, 7]);
    assert_eq!(seqs_of(&page("after=7").await.body), vec![8, 9, 10]);
    page("after=1&before=5").await.assert_error(400, "invalid_query");
    page("limit=500").await.assert_error(400, "invalid_limit");
}

#[tokio::test]
async fn a_browser_connection_must_come_from_our_origin() {
    let app = spawn_app().await;
    let (_admin, amy, _ben, _room) = chat_setup(&app).await;
    let upgrade = |origin: Option<&str>| {
        let mut request = app
            .client
            .get(app.url("/api/v1/live"))
            .header("cookie", format!("kindred_session={}", amy.token))
            .header("connection", "upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-version", "13")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    assert_eq!(upgrade(None).await.expect("answer").status(), 403);
    assert_eq!(upgrade(Some("https://evil.example")).await.expect("answer").status(), 403);
    assert_eq!(upgrade(Some(&app.address)).await.expect("answer").status(), 101);
}

#[tokio::test]
async fn resuming_after_a_number_the_room_never_reached_still_gets_new_messages() {
    let app = spawn_app().await;
    let (_admin, amy, ben, room) = chat_setup(&app).await;
    let mut ben_live = LiveClient::connect(&app, &ben).await;
    let subscribed = ben_live.subscribe(room, Some(500)).await;
    assert_eq!(subscribed["last_seq"], 0);
    let mut amy_live = LiveClient::connect(&app, &amy).await;
    amy_live.say(room, "hello", "n-1").await;
    assert_eq!(seqs(&ben_live.messages(1).await), vec![1]);
}
