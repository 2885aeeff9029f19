//! Limits on what one post may become once rendered: a table's width, its
//! number of cells, and the size of the HTML, so one post cannot freeze the
//! browsers of everyone who opens its thread.

use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app_with};

async fn member_in_community() -> (TestApp, Account) {
    let app = spawn_app_with(|settings| settings.new_member_max_mentions = 10_000).await;
    let admin = app.admin("admin").await;
    app.community(&admin, "copd", "public").await;
    let amy = app.register("amy").await;
    app.join(&amy, "copd").await.assert_status(200);
    (app, amy)
}

fn thread(body: String) -> Value {
    json!({ "title": "A table", "body": body })
}

/// A table with `columns` columns and `rows` rows below its header.
fn table(columns: usize, rows: usize) -> String {
    let line = |cell: &str| format!("|{}\n", format!("{cell}|").repeat(columns));
    let mut text = line("h") + &line("-");
    for _ in 0..rows {
        text.push_str(&line("x"));
    }
    text
}

#[tokio::test]
async fn a_table_of_three_thousand_columns_is_refused_with_a_reason() {
    let (app, amy) = member_in_community().await;
    let threads = "/api/v1/communities/copd/threads";
    let wide = format!("|{}\n|{}\n|x|\n|x|\n", "a|".repeat(3_000), "-|".repeat(3_000));
    app.post(threads, Some(&amy), thread(wide)).await.assert_error(422, "table_too_wide");
    app.post(threads, Some(&amy), thread(table(21, 1))).await.assert_error(422, "table_too_wide");
    let page = app.post(threads, Some(&amy), thread(table(20, 1))).await;
    let html = page.assert_status(201)["posts"][0]["body_html"].as_str().expect("html").to_owned();
    assert_eq!(html.matches("<th>").count(), 20, "{html}");
    let listed = app.get(threads, None).await;
    assert_eq!(listed.body["threads"].as_array().map(Vec::len), Some(1), "only the allowed table was stored");
}

#[tokio::test]
async fn a_post_may_hold_at_most_two_thousand_table_cells() {
    let (app, amy) = member_in_community().await;
    let threads = "/api/v1/communities/copd/threads";
    // 20 header cells and 99 rows of 20 make 2,000 cells; one row more is too many.
    app.post(threads, Some(&amy), thread(table(20, 99))).await.assert_status(201);
    app.post(threads, Some(&amy), thread(table(20, 100))).await.assert_error(422, "table_too_large");
}

#[tokio::test]
async fn a_post_whose_html_would_be_too_large_is_refused() {
    let (app, amy) = member_in_community().await;
    let threads = "/api/v1/communities/copd/threads";
    // Each five-character mention becomes a link of about ninety bytes.
    app.post(threads, Some(&amy), thread("@amy ".repeat(3_500))).await.assert_error(422, "rendered_too_large");
    app.post(threads, Some(&amy), thread("@amy ".repeat(1_000))).await.assert_status(201);
}
