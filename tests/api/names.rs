//! Names and titles that show what they say: a display name may not look
//! like another member's username or a moderator's name (Unicode TR39
//! skeletons), and no name or title may hide direction overrides,
//! invisible characters or piles of combining marks.

use serde_json::json;

use crate::helpers::{PASSWORD, Reply, TestApp, spawn_app};

async fn register_as(app: &TestApp, username: &str, display_name: &str) -> Reply {
    let version = app.guidelines_version().await;
    let mut body = app.registration(username, &version);
    body["display_name"] = json!(display_name);
    app.post("/api/v1/accounts", None, body).await
}

#[tokio::test]
async fn a_display_name_that_looks_like_another_members_username_or_a_moderators_name_is_refused() {
    let app = spawn_app().await;
    app.register("amy").await;
    let password = kindred::domain::account::Password::parse(PASSWORD.into()).expect("a password");
    kindred::admin::create_user(&mut app.connect(), "lead", Some("Safeguarding Sam"), true, &password)
        .expect("an admin");

    // Equal ignoring case, Cyrillic look-alikes, and "rn" for "m".
    for lookalike in ["Amy", "AMY", "\u{0430}my", "arny", "Lead", "Safeguarding Sam", "Safeguarding \u{0405}am"] {
        register_as(&app, "eve", lookalike).await.assert_error(409, "display_name_taken");
    }
    // A community moderator's display name is theirs alone too.
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    register_as(&app, "kay", "Nurse Kay").await.assert_status(201);
    app.put("/api/v1/communities/copd/moderators/kay", Some(&admin)).await.assert_status(204);
    register_as(&app, "eve", "Nurse \u{041A}ay").await.assert_error(409, "display_name_taken");
    // Ordinary members may share an ordinary pseudonym, and anyone may look like themselves.
    register_as(&app, "sam_two", "Sam").await.assert_status(201);
    register_as(&app, "ben", "Ben").await.assert_status(201);
}

#[tokio::test]
async fn display_names_refuse_direction_overrides_invisible_characters_and_piled_marks() {
    let app = spawn_app().await;
    let refused = [
        "\u{202E}nimda",                       // right-to-left override
        "Amy\u{2066}x\u{2069}",                // an isolate
        "a\u{200B}b",                          // zero-width space
        "\u{FEFF}Bea",                         // byte order mark
        "Bea\u{2060}",                         // word joiner
        "Bea\u{E0041}\u{E007F}",               // tag characters outside a flag
        "\u{3164}\u{3164}\u{3164}",            // Hangul fillers: nothing visible
        "\u{2800}",                            // a blank braille pattern
        &format!("Z{}", "\u{0301}".repeat(5)), // five marks on one letter
    ];
    for (n, name) in refused.iter().enumerate() {
        register_as(&app, &format!("refused{n}"), name).await.assert_error(422, "invalid_display_name");
    }
    let accepted = [
        "Nguye\u{0302}\u{0303}n",                      // Vietnamese, decomposed: two marks
        "\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}", // a family: joiners inside emoji
        "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}", // the flag of Scotland
        "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}", // Persian with a non-joiner
        "\u{05E9}\u{05C1}\u{05B8}\u{05DC}\u{05D5}\u{05B9}\u{05DD}", // Hebrew with points
    ];
    for (n, name) in accepted.iter().enumerate() {
        register_as(&app, &format!("accepted{n}"), name).await.assert_status(201);
    }
}

#[tokio::test]
async fn a_title_made_only_of_invisible_characters_or_with_an_override_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await.assert_status(200);
    let threads = "/api/v1/communities/copd/threads";
    for title in
        ["\u{3164}\u{3164}\u{3164}", "\u{2800}\u{2800}\u{2800}", "\u{115F}\u{1160}\u{FFA0}", "Good \u{202E}txt.exe"]
    {
        app.post(threads, Some(&amy), json!({ "title": title, "body": "Hello" }))
            .await
            .assert_error(422, "invalid_title");
    }
    app.post(threads, Some(&amy), json!({ "title": "Breathing \u{2014} tips", "body": "Hello" }))
        .await
        .assert_status(201);
}
