//! Mentions of an erased member in everyone's posts and messages: each
//! `@username` becomes "a former member", as plain text (no link to a page
//! that no longer exists), and the text is rendered again, so the erased
//! name is left neither in the source nor in the HTML.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::erase::FORMER_MEMBER;
use crate::db::AnyConnection;
use crate::db::posts::Which;
use crate::db::schema::{chat_messages, posts};
use crate::discussion::heads;
use crate::domain::account::key_of;
use crate::domain::discussion::render;
use crate::error::ApiResult;

diesel::define_sql_function!(fn lower(text: Text) -> Text);

/// Rewrites every post and chat message that mentions `username_key`.
pub fn forget(connection: &mut AnyConnection, username_key: &str) -> ApiResult<()> {
    // A coarse filter in SQL (LIKE's `_` matches any character), the exact one here.
    let pattern = format!("%@{username_key}%");
    let mentioning: Vec<(i64, String)> =
        posts::table.filter(lower(posts::body).like(&pattern)).select((posts::id, posts::body)).load(connection)?;
    for (id, body) in mentioning {
        if let Some(body) = unmention(&body, username_key) {
            let rendered = render(&body)?;
            diesel::update(posts::table.find(id))
                .set((
                    posts::body.eq(&body),
                    posts::body_html.eq(&rendered.html),
                    posts::render_version.eq(rendered.policy_version),
                ))
                .execute(connection)?;
            heads::refresh(connection, Which::Post(id))?;
        }
    }
    let mentioning: Vec<(i64, String)> = chat_messages::table
        .filter(lower(chat_messages::body).like(&pattern))
        .select((chat_messages::id, chat_messages::body))
        .load(connection)?;
    for (id, body) in mentioning {
        if let Some(body) = unmention(&body, username_key) {
            let rendered = render(&body)?;
            diesel::update(chat_messages::table.find(id))
                .set((
                    chat_messages::body.eq(&body),
                    chat_messages::body_html.eq(&rendered.html),
                    chat_messages::render_version.eq(rendered.policy_version),
                ))
                .execute(connection)?;
        }
    }
    Ok(())
}

/// `text` with each mention of `username_key` (in any case) written as
/// "a former member"; None when it mentions them nowhere.
fn unmention(text: &str, username_key: &str) -> Option<String> {
    let mut rewritten = String::with_capacity(text.len());
    let mut copied = 0;
    for mention in moderation::mention::scan(text).filter(|mention| key_of(mention.name) == username_key) {
        rewritten.push_str(&text[copied..mention.range.start]);
        rewritten.push_str(FORMER_MEMBER);
        copied = mention.range.end;
    }
    (copied > 0).then(|| rewritten + &text[copied..])
}

#[cfg(test)]
mod tests {
    use super::unmention;

    #[test]
    fn only_mentions_of_the_erased_name_become_a_former_member() {
        assert_eq!(
            unmention("Thanks @Quinn and @quinn_b, and @QUINN!", "quinn").as_deref(),
            Some("Thanks a former member and @quinn_b, and a former member!")
        );
        assert_eq!(unmention("mail quinn@example.org or @quinnie", "quinn"), None);
    }
}
