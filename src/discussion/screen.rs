//! A post's text (and a new thread's title with it) through the writing
//! checks, with what they decide applied to the content to store.

use crate::auth::Member;
use crate::db::AnyConnection;
use crate::db::posts::NewContent;
use crate::domain::discussion::{PostBody, parse_title, render};
use crate::error::{ApiError, ApiResult};
use crate::policy::Standing;
use crate::safety::screening::Screened;
use crate::safety::writing::{self, Writing};
use crate::state::AppState;

/// Runs a post's text through the writing checks, applying what they
/// decide (replaced words, a hold) to the content to store.
pub fn screen_post(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    community_id: i64,
    standing: Standing,
    content: NewContent,
) -> ApiResult<(NewContent, Screened)> {
    let (_, content, screened) = screen_titled(connection, state, member, community_id, standing, None, content)?;
    Ok((content, screened))
}

/// Screens a new thread's title and first post as one text, so a title
/// meets the same filters and crisis screening as a body; returns the
/// title to store (with replaced words) beside the content.
pub fn screen_thread(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    community_id: i64,
    standing: Standing,
    title: String,
    content: NewContent,
) -> ApiResult<(String, NewContent, Screened)> {
    let (title, content, screened) =
        screen_titled(connection, state, member, community_id, standing, Some(title), content)?;
    Ok((title.unwrap_or_default(), content, screened))
}

/// Between a title and its post when they are screened as one text; a
/// title has no line breaks, so the first one is where the post begins.
const TITLE_BREAK: &str = "\n\n";

fn screen_titled(
    connection: &mut AnyConnection,
    state: &AppState,
    member: &Member,
    community_id: i64,
    standing: Standing,
    mut title: Option<String>,
    mut content: NewContent,
) -> ApiResult<(Option<String>, NewContent, Screened)> {
    let text = match &title {
        Some(title) => format!("{title}{TITLE_BREAK}{}", content.body.as_str()),
        None => content.body.as_str().to_owned(),
    };
    let screened = writing::check(connection, state, member, community_id, standing, Writing::Post, &text)?;
    if let Some(replaced) = &screened.replaced_text {
        let body = match title.as_mut() {
            Some(title) => {
                let (new_title, body) = replaced.split_once(TITLE_BREAK).ok_or_else(|| {
                    ApiError::invalid("invalid_title", "A word filter changed the title too much; please reword it.")
                })?;
                *title = parse_title(new_title)?;
                body
            }
            None => replaced.as_str(),
        };
        content.body = PostBody::parse(body.to_owned())?;
        let rendered = render(content.body.as_str())?;
        (content.html, content.render_version) = (rendered.html, rendered.policy_version);
    }
    content.state = screened.state;
    Ok((title, content, screened))
}
