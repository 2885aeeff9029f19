//! Full-text search, written once per backend: FTS5 with bm25 on SQLite,
//! generated `tsvector` columns with ts_rank on PostgreSQL. Both find the
//! same things (every term of the parsed query, only visible undeleted
//! content, only in the communities given, which the index itself narrows
//! to when they are few) and order them the same way:
//! best match first, then newest. Snippets are made from the matched text
//! by `SearchQuery::snippet`, the same on both.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text};

use super::AnyConnection;
use crate::domain::search::SearchQuery;
use crate::domain::story::Reach;
use crate::error::ApiResult;

/// What a search may look at: already narrowed to what the reader may see.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Communities the reader may read (and asked for).
    pub communities: Vec<i64>,
    /// Elsewhere, the reaches of stories whose own text (title and first
    /// post, never replies) the reader may find; empty when a search is
    /// narrowed to one community.
    pub beyond: &'static [Reach],
    /// How many communities the instance has, so the search can tell
    /// whether narrowing inside the index pays (see `NARROW_SHARE`).
    pub of_communities: usize,
    pub author: Option<i64>,
    /// Authors a block hides from the reader.
    pub hidden_authors: Vec<i64>,
    /// Leave out posts and chat messages that screened as a crisis, and
    /// threads such posts start (a signed-out visitor, under
    /// `crisis_post_visibility = "members"`).
    pub without_crisis: bool,
}

/// One match: a thread title, a post or a chat message.
#[derive(Debug, Clone, QueryableByName)]
pub struct Hit {
    /// `thread`, `post` or `message`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub thread_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub room_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub community_id: i64,
    #[diesel(sql_type = BigInt)]
    pub author_id: i64,
    #[diesel(sql_type = BigInt)]
    pub created_at: i64,
    #[diesel(sql_type = Double)]
    pub score: f64,
}

/// How many of the newest matches of each kind (titles, posts, messages)
/// a search ranks. A rare word has fewer and is ranked in full; a word in
/// half of a million posts is ranked among its most recent uses, which
/// keeps every search fast whatever it asks for.
pub const RANKED_MATCHES: i64 = 1_000;

/// One kind of match in one backend's SQL: the select with its joins and
/// match condition, and the column that orders its matches newest first
/// (one the full-text index can walk backwards).
struct Part {
    select: &'static str,
    newest_first: &'static str,
}

/// The SQL of one backend: thread titles, posts and chat messages.
struct Dialect {
    threads: Part,
    posts: Part,
    messages: Part,
    /// What `{match}` in a part stands for: the searched words (bound first).
    words: &'static str,
    /// The same, AND one of these communities, matched by the index itself.
    words_in: fn(&[i64]) -> String,
    page: &'static str,
}

const SQLITE: Dialect = Dialect {
    posts: Part {
        select: "SELECT 'post' AS kind, p.id AS id, p.thread_id AS thread_id, NULL AS room_id, \
                 t.community_id AS community_id, p.author_id AS author_id, p.created_at AS created_at, \
                 -bm25(posts_search, 1.0, 0.0) AS score \
                 FROM posts_search JOIN posts p ON p.id = posts_search.rowid JOIN threads t ON t.id = p.thread_id \
                 WHERE posts_search MATCH {match}",
        newest_first: "posts_search.rowid",
    },
    threads: Part {
        select: "SELECT 'thread' AS kind, t.id AS id, t.id AS thread_id, NULL AS room_id, \
                 t.community_id AS community_id, t.author_id AS author_id, t.created_at AS created_at, \
                 -bm25(threads_search, 1.0, 0.0) AS score \
                 FROM threads_search JOIN threads t ON t.id = threads_search.rowid WHERE threads_search MATCH {match}",
        newest_first: "threads_search.rowid",
    },
    messages: Part {
        select: "SELECT 'message' AS kind, m.id AS id, NULL AS thread_id, m.room_id AS room_id, \
                 r.community_id AS community_id, m.author_id AS author_id, m.created_at AS created_at, \
                 -bm25(messages_search, 1.0, 0.0) AS score \
                 FROM messages_search JOIN chat_messages m ON m.id = messages_search.rowid \
                 JOIN rooms r ON r.id = m.room_id WHERE messages_search MATCH {match}",
        newest_first: "messages_search.rowid",
    },
    words: "('words : (' || ?1 || ')')",
    words_in: |communities| {
        let tokens: Vec<String> = communities.iter().map(|id| format!("c{id}")).collect();
        format!("('words : (' || ?1 || ') AND community : ({})')", tokens.join(" OR "))
    },
    page: "LIMIT ?2 OFFSET ?3",
};

const POSTGRES: Dialect = Dialect {
    posts: Part {
        select: "SELECT 'post' AS kind, p.id AS id, p.thread_id AS thread_id, NULL::bigint AS room_id, \
                 t.community_id AS community_id, p.author_id AS author_id, p.created_at AS created_at, \
                 ts_rank(p.search_vector, to_tsquery('simple', $1))::float8 AS score \
                 FROM posts p JOIN threads t ON t.id = p.thread_id \
                 WHERE p.search_vector @@ {match}",
        newest_first: "p.id",
    },
    threads: Part {
        select: "SELECT 'thread' AS kind, t.id AS id, t.id AS thread_id, NULL::bigint AS room_id, \
                 t.community_id AS community_id, t.author_id AS author_id, t.created_at AS created_at, \
                 ts_rank(t.search_vector, to_tsquery('simple', $1))::float8 AS score \
                 FROM threads t WHERE t.search_vector @@ {match}",
        newest_first: "t.id",
    },
    messages: Part {
        select: "SELECT 'message' AS kind, m.id AS id, NULL::bigint AS thread_id, m.room_id AS room_id, \
                 r.community_id AS community_id, m.author_id AS author_id, m.created_at AS created_at, \
                 ts_rank(m.search_vector, to_tsquery('simple', $1))::float8 AS score \
                 FROM chat_messages m JOIN rooms r ON r.id = m.room_id \
                 WHERE m.search_vector @@ {match}",
        newest_first: "m.id",
    },
    words: "to_tsquery('simple', $1)",
    words_in: |communities| {
        let lexemes: Vec<String> = communities.iter().map(|id| format!("''_c{id}''")).collect();
        format!("(to_tsquery('simple', $1) && '{}'::tsquery)", lexemes.join(" | "))
    },
    page: "LIMIT $2 OFFSET $3",
};

/// Integers written into the SQL: ids only, so nothing a member typed.
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// The conditions every part shares, on its community and author columns.
fn narrowed(scope: &Scope, community: &str, author: &str) -> String {
    format!(" AND {community} IN ({}){}", id_list(&scope.communities), by_author(scope, author))
}

/// The conditions on a part's author column.
fn by_author(scope: &Scope, author: &str) -> String {
    let mut sql = String::new();
    if let Some(id) = scope.author {
        sql.push_str(&format!(" AND {author} = {id}"));
    }
    if !scope.hidden_authors.is_empty() {
        sql.push_str(&format!(" AND {author} NOT IN ({})", id_list(&scope.hidden_authors)));
    }
    sql
}

/// A part's newest `RANKED_MATCHES` matches of `matched` that pass `conditions`.
fn newest(part: &Part, matched: &str, conditions: &str, name: &str) -> String {
    format!(
        "SELECT * FROM ({}{conditions} ORDER BY {} DESC LIMIT {RANKED_MATCHES}) {name}",
        part.select.replace("{match}", matched),
        part.newest_first
    )
}

/// Readers of at most this share of the instance's communities have the
/// index narrow to theirs: then most uses of a word are elsewhere, and
/// skipping them inside the index is cheaper than reading and refusing
/// them; for a reader of more, matching one of many communities costs
/// more than it saves.
const NARROW_SHARE: f64 = 0.5;

/// Leaves out a post (`{post}`: its alias) that screened as a crisis.
const WITHOUT_CRISIS: &str = " AND NOT EXISTS (SELECT 1 FROM crisis_posts c WHERE c.post_id = {post}.id)";
/// Leaves out a chat message that screened as a crisis.
const WITHOUT_CRISIS_MESSAGE: &str = " AND NOT EXISTS (SELECT 1 FROM crisis_messages c WHERE c.message_id = m.id)";

fn statement(dialect: &Dialect, scope: &Scope) -> String {
    let (post_crisis, first_crisis, message_crisis) = if scope.without_crisis {
        (WITHOUT_CRISIS.replace("{post}", "p"), WITHOUT_CRISIS.replace("{post}", "f"), WITHOUT_CRISIS_MESSAGE)
    } else {
        Default::default()
    };
    // A thread is found, title or replies, only while its first post is public.
    let first_public = format!(
        " AND EXISTS (SELECT 1 FROM posts f WHERE f.thread_id = t.id AND f.depth = 0 \
         AND f.moderation_state = 'visible' AND f.deleted_at IS NULL{first_crisis})"
    );
    let posts = format!(
        " AND p.moderation_state = 'visible' AND p.deleted_at IS NULL AND t.deleted_at IS NULL{post_crisis}{first_public}{}",
        narrowed(scope, "t.community_id", "p.author_id")
    );
    let threads =
        format!(" AND t.deleted_at IS NULL{first_public}{}", narrowed(scope, "t.community_id", "t.author_id"));
    let messages = format!(
        " AND m.moderation_state = 'visible' AND m.deleted_at IS NULL{message_crisis}{}",
        narrowed(scope, "r.community_id", "m.author_id")
    );
    let narrow = scope.communities.len() as f64 <= NARROW_SHARE * scope.of_communities as f64;
    let matched = if narrow { (dialect.words_in)(&scope.communities) } else { dialect.words.to_owned() };
    let mut parts = Vec::new();
    if !scope.communities.is_empty() {
        parts.push(newest(&dialect.threads, &matched, &threads, "found_threads"));
        parts.push(newest(&dialect.posts, &matched, &posts, "found_posts"));
        parts.push(newest(&dialect.messages, &matched, &messages, "found_messages"));
    }
    if !scope.beyond.is_empty() {
        // Stories elsewhere whose reach carries them to the reader: their
        // titles and first posts, matched across the whole index.
        let reaches: Vec<String> = scope.beyond.iter().map(|reach| format!("'{}'", reach.as_str())).collect();
        let mut elsewhere = format!(
            " AND EXISTS (SELECT 1 FROM stories s WHERE s.thread_id = t.id AND s.reach IN ({})){}",
            reaches.join(", "),
            by_author(scope, "t.author_id")
        );
        if !scope.communities.is_empty() {
            elsewhere.push_str(&format!(" AND t.community_id NOT IN ({})", id_list(&scope.communities)));
        }
        let story_threads = format!(" AND t.deleted_at IS NULL{first_public}{elsewhere}");
        let story_posts = format!(
            " AND p.depth = 0 AND p.moderation_state = 'visible' AND p.deleted_at IS NULL \
             AND t.deleted_at IS NULL{post_crisis}{elsewhere}"
        );
        parts.push(newest(&dialect.threads, dialect.words, &story_threads, "story_threads"));
        parts.push(newest(&dialect.posts, dialect.words, &story_posts, "story_posts"));
    }
    format!(
        "SELECT kind, id, thread_id, room_id, community_id, author_id, created_at, score FROM \
         ({}) hits \
         ORDER BY score DESC, created_at DESC, kind, id DESC {}",
        parts.join(" UNION ALL "),
        dialect.page
    )
}

/// A page of matches, best first, then newest.
pub fn search(
    connection: &mut AnyConnection,
    query: &SearchQuery,
    scope: &Scope,
    offset: i64,
    limit: i64,
) -> ApiResult<Vec<Hit>> {
    if scope.communities.is_empty() && scope.beyond.is_empty() {
        return Ok(Vec::new());
    }
    let (sql, text) = match connection {
        AnyConnection::Sqlite(_) => (statement(&SQLITE, scope), query.fts5()),
        AnyConnection::Postgres(_) => (statement(&POSTGRES, scope), query.tsquery()),
    };
    Ok(diesel::sql_query(sql)
        .bind::<Text, _>(text)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load::<Hit>(connection)?)
}

/// The text each hit matched in (a thread's title, a post's or message's
/// body), keyed by (kind, id), for its snippet.
pub fn texts(connection: &mut AnyConnection, hits: &[Hit]) -> ApiResult<HashMap<(String, i64), String>> {
    use super::schema::{chat_messages, posts, threads};
    let ids = |kind: &str| -> Vec<i64> { hits.iter().filter(|hit| hit.kind == kind).map(|hit| hit.id).collect() };
    let titles: Vec<(i64, String)> = threads::table
        .filter(threads::id.eq_any(ids("thread")))
        .select((threads::id, threads::title))
        .load(connection)?;
    let posts: Vec<(i64, String)> =
        posts::table.filter(posts::id.eq_any(ids("post"))).select((posts::id, posts::body)).load(connection)?;
    let messages: Vec<(i64, String)> = chat_messages::table
        .filter(chat_messages::id.eq_any(ids("message")))
        .select((chat_messages::id, chat_messages::body))
        .load(connection)?;
    let keyed = |kind: &'static str, rows: Vec<(i64, String)>| {
        rows.into_iter().map(move |(id, text)| ((kind.to_owned(), id), text))
    };
    Ok(keyed("thread", titles).chain(keyed("post", posts)).chain(keyed("message", messages)).collect())
}
