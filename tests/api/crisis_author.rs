//! The author of a crisis post is looked after, black-box: told on the same
//! screen whether a trained person was alerted and what happens next, given
//! helplines with call and text links, each service once; and their post is
//! not shown to signed-out visitors of a public community.

use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};
use crate::live_client::{LiveClient, default_room};
use crate::safeguarding::{CRISIS_TEXT, cast_with};

fn uk(settings: &mut kindred::config::Settings) {
    settings.helplines_locale = "en-GB".into();
}

fn helpline<'a>(support: &'a Value, name: &str) -> &'a Value {
    support["helplines"].as_array().expect("helplines").iter().find(|line| line["name"] == name).expect(name)
}

#[tokio::test]
async fn the_author_is_told_a_lead_was_alerted_what_happens_next_and_how_to_call_or_text() {
    let cast = cast_with(uk).await;
    let (_, _, reply) = cast.crisis_reply().await;
    let support = &reply["support"];
    assert_eq!(support["alerted"], true, "{support}");
    assert!(support["what_happens_next"].as_str().expect("words").contains("safeguarding lead has been told"));
    assert_eq!(helpline(support, "Samaritans")["phone_link"], "tel:116123");
    assert_eq!(helpline(support, "Emergency services")["phone_link"], "tel:999");
    assert_eq!(helpline(support, "Shout")["text_link"], "sms:85258?body=SHOUT");
    assert!(helpline(support, "Shout")["phone_link"].is_null());

    // The same in a chat message's ack.
    let room = default_room(&cast.app, &cast.ben, &cast.slug).await;
    let mut ben = LiveClient::connect(&cast.app, &cast.ben).await;
    ben.subscribe(room, None).await;
    ben.say(room, CRISIS_TEXT, "c1").await;
    let ack = ben.next_of("ack").await;
    assert_eq!(ack["support"]["alerted"], true, "{ack}");
    assert_eq!(helpline(&ack["support"], "Samaritans")["phone_link"], "tel:116123");
}

#[tokio::test]
async fn without_a_safeguarding_lead_the_author_is_told_the_moderators_will_see_it() {
    let app = spawn_app_with(uk).await;
    let admin = app.admin("admin").await;
    let slug = app.community(&admin, "breathe-easy", "public").await;
    let (amy, ben) = (app.register("amy").await, app.register("ben").await);
    app.join(&amy, &slug).await.assert_status(200);
    app.join(&ben, &slug).await.assert_status(200);
    let (thread, _) = app.thread(&amy, &slug, "Evenings", "How are evenings?").await;
    let reply = app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&ben), json!({ "body": CRISIS_TEXT })).await;
    let support = reply.assert_status(201)["support"].clone();
    assert_eq!(support["alerted"], false, "{support}");
    assert!(support["what_happens_next"].as_str().expect("words").contains("moderators will see"));
    // An ordinary reply carries no support at all.
    let calm =
        app.post(&format!("/api/v1/threads/{thread}/posts"), Some(&ben), json!({ "body": "Lovely walk." })).await;
    assert!(calm.assert_status(201).get("support").is_none());
}

#[tokio::test]
async fn get_help_lists_each_helpline_once_with_its_links() {
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("helplines.toml");
    let entry = |name: &str, phone: &str| {
        format!(
            "[[en]]\nname = \"{name}\"\nphone = \"{phone}\"\nhours = \"Always\"\nurl = \"https://example.org\"\n\
             description = \"Someone to talk to.\"\n\n"
        )
    };
    let source = [
        entry("Samaritans", "116 123"),
        entry("Local crisis team", "0123 456789"),
        entry("samaritans", "116 123"),
        entry("Samaritans (free to call)", "116123"),
    ]
    .concat();
    std::fs::write(&file, source).expect("the file is written");
    let app: TestApp = spawn_app_with(|settings| settings.helplines_file = Some(file.clone())).await;
    let instance = app.get("/api/v1/instance", None).await;
    let helplines = instance.assert_status(200)["support"]["helplines"].as_array().expect("helplines").clone();
    let names: Vec<&str> = helplines.iter().filter_map(|line| line["name"].as_str()).collect();
    assert_eq!(names, ["Samaritans", "Local crisis team"]);
    assert_eq!(helplines[1]["phone_link"], "tel:0123456789");
}

#[tokio::test]
async fn a_crisis_post_in_a_public_community_is_withheld_from_signed_out_visitors() {
    let cast = cast_with(|_| {}).await;
    let (thread, post_id, _) = cast.crisis_reply().await;
    let as_seen_by = |page: &Value| -> Value {
        page["posts"].as_array().expect("posts").iter().find(|post| post["id"] == post_id).expect("the post").clone()
    };
    let visitor = cast.app.get(&format!("/api/v1/threads/{thread}"), None).await;
    let withheld = as_seen_by(visitor.assert_status(200));
    assert_eq!(withheld["members_only"], true, "{withheld}");
    assert!(withheld["body_html"].is_null() && withheld["author"].is_null(), "{withheld}");
    assert!(!visitor.body.to_string().contains("end it all"));
    let member = cast.app.get(&format!("/api/v1/threads/{thread}"), Some(&cast.amy)).await;
    let shown = as_seen_by(member.assert_status(200));
    assert!(shown.get("members_only").is_none(), "a shown post leaves the flag out: {shown}");
    assert!(shown["body_html"].as_str().expect("html").contains("end it all"));
    // Search shows it to members only too.
    let visitor_search = cast.app.get("/api/v1/search?q=tonight", None).await;
    assert!(visitor_search.assert_status(200)["results"].as_array().expect("results").is_empty());
    let member_search = cast.app.get("/api/v1/search?q=tonight", Some(&cast.amy)).await;
    assert_eq!(member_search.assert_status(200)["results"][0]["id"], post_id);

    // An instance that chooses `public` shows it to visitors.
    let public = cast.app.beside(|settings| {
        settings.crisis_post_visibility = kindred::config::CrisisPostVisibility::Public;
    });
    let visitor = public.get(&format!("/api/v1/threads/{thread}"), None).await;
    let shown = as_seen_by(visitor.assert_status(200));
    assert!(shown["body_html"].as_str().expect("html").contains("end it all"), "{shown}");
}

#[tokio::test]
async fn a_thread_a_crisis_post_starts_is_not_listed_or_shown_to_signed_out_visitors() {
    let cast = cast_with(|_| {}).await;
    let (crisis, _) = cast.app.thread(&cast.ben, &cast.slug, "Tonight", CRISIS_TEXT).await;
    let (calm, _) = cast.app.thread(&cast.amy, &cast.slug, "Walks", "Who is walking on Sunday?").await;
    let path = format!("/api/v1/communities/{}/threads", cast.slug);
    let ids = |list: &Value| -> Vec<i64> {
        let threads = list["threads"].as_array().expect("threads");
        threads.iter().filter_map(|thread| thread["id"].as_i64()).collect()
    };
    assert_eq!(ids(cast.app.get(&path, None).await.assert_status(200)), [calm], "a visitor's list leaves it out");
    assert_eq!(ids(cast.app.get(&path, Some(&cast.amy)).await.assert_status(200)), [calm, crisis]);
    cast.app.get(&format!("/api/v1/threads/{crisis}"), None).await.assert_error(404, "not_found");
    cast.app.get(&format!("/api/v1/threads/{crisis}"), Some(&cast.amy)).await.assert_status(200);
    let search = cast.app.get("/api/v1/search?q=Tonight", None).await;
    assert!(search.assert_status(200)["results"].as_array().expect("results").is_empty());
}

#[tokio::test]
async fn a_crisis_chat_message_in_a_public_room_is_withheld_from_signed_out_visitors() {
    let cast = cast_with(|_| {}).await;
    let room = default_room(&cast.app, &cast.ben, &cast.slug).await;
    let mut live = LiveClient::connect(&cast.app, &cast.ben).await;
    live.subscribe(room, None).await;
    live.say(room, CRISIS_TEXT, "crisis-1").await;
    let crisis = live.next_of("ack").await["id"].as_i64().expect("message id");
    live.say(room, "Anyone up for a walk on Sunday?", "calm-1").await;
    let calm = live.next_of("ack").await["id"].as_i64().expect("message id");

    let history = format!("/api/v1/rooms/{room}/messages");
    let seen = |reply: &Value, id: i64| -> Value {
        reply.as_array().expect("messages").iter().find(|message| message["id"] == id).expect("the message").clone()
    };
    let visitor = cast.app.get(&history, None).await;
    let withheld = seen(visitor.assert_status(200), crisis);
    assert_eq!(withheld["members_only"], true, "{withheld}");
    assert!(withheld["body_html"].is_null() && withheld["author"].is_null(), "{withheld}");
    assert!(!visitor.body.to_string().contains("end it all"));
    assert_eq!(seen(&visitor.body, calm)["members_only"], false, "other messages read as before");
    let member = cast.app.get(&history, Some(&cast.amy)).await;
    let shown = seen(member.assert_status(200), crisis);
    assert_eq!(shown["members_only"], false);
    assert!(shown["body_html"].as_str().expect("html").contains("end it all"));

    let visitor_search = cast.app.get("/api/v1/search?q=tonight", None).await;
    assert!(visitor_search.assert_status(200)["results"].as_array().expect("results").is_empty());
    let member_search = cast.app.get("/api/v1/search?q=tonight", Some(&cast.amy)).await;
    assert_eq!(member_search.assert_status(200)["results"][0]["id"], crisis);

    let public = cast.app.beside(|settings| {
        settings.crisis_post_visibility = kindred::config::CrisisPostVisibility::Public;
    });
    let visitor = public.get(&history, None).await;
    assert!(seen(visitor.assert_status(200), crisis)["body_html"].as_str().expect("html").contains("end it all"));
}
