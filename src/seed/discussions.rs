//! Whole communities of seeded discussion: members who have accepted the
//! guidelines, threads with reply trees of a realistic shape, and posts in
//! a Zipf vocabulary, for the read, write and search benchmarks.

use diesel::RunQueryDsl;
use serde::Serialize;

use super::words::Vocabulary;
use super::{Dice, content};
use crate::admin::in_transaction;
use crate::auth::password::hash_blocking;
use crate::config::Settings;
use crate::db::posts::Which;
use crate::db::users::{self, Consent, GUIDELINES, HEALTH_DATA, NewUser};
use crate::db::{AnyConnection, communities, posts, threads};
use crate::discussion::heads;
use crate::domain::account::{DisplayName, Password, Username};
use crate::domain::community::{CommunityKind, CommunityRole, Visibility};
use crate::domain::discussion::parse_title;
use crate::domain::instance::InstanceSettings;
use crate::error::ApiError;
use crate::instance::LiveInstance;
use crate::routes::communities::CommunityDraft;

/// Every seeded member's password, so benchmarks can sign in as any of them.
pub const MEMBER_PASSWORD: &str = "seeded member password";

/// Words in the vocabulary; ranks near the end are the rare ones.
const VOCABULARY_SIZE: usize = 50_000;
const ZIPF_EXPONENT: f64 = 1.0;

/// What to make.
pub struct Plan {
    pub communities: u32,
    /// Threads per community.
    pub threads: u32,
    /// Replies per thread on average (the first thread of each community has exactly this many).
    pub replies: u32,
    pub members: u32,
    /// How many of the communities (the last ones) are members-only.
    pub members_only: u32,
    pub seed: u64,
}

/// What was made, for the benchmark that asked for it.
#[derive(Debug, Serialize)]
pub struct Seeded {
    pub communities: Vec<String>,
    /// Usernames `member-1` to `member-N`, each with `MEMBER_PASSWORD`.
    pub members: u32,
    pub password: &'static str,
    pub threads: u64,
    pub posts: u64,
    /// The first thread of each community, with exactly `replies` replies.
    pub reference_threads: Vec<i64>,
    /// Words in nearly every post, and words in a few hundred of a million.
    pub common_words: Vec<String>,
    pub rare_words: Vec<String>,
}

/// Makes the plan's communities, members, threads and replies, one
/// transaction per thread, reporting the posts made so far to `progress`.
pub fn seed_discussions(
    connection: &mut AnyConnection,
    settings: &Settings,
    plan: &Plan,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<Seeded> {
    let mut dice = Dice::new(plan.seed);
    let vocabulary = Vocabulary::zipf(VOCABULARY_SIZE, ZIPF_EXPONENT);
    let members = seed_members(connection, settings, plan.members)?;
    let mut seeded = Seeded {
        communities: Vec::new(),
        members: plan.members,
        password: MEMBER_PASSWORD,
        threads: 0,
        posts: 0,
        reference_threads: Vec::new(),
        common_words: (0..3).map(|rank| vocabulary.word(rank).to_owned()).collect(),
        rare_words: (0..3).map(|n| vocabulary.word(VOCABULARY_SIZE / 2 + n * 97).to_owned()).collect(),
    };
    for number in 1..=plan.communities {
        let slug = format!("seeded-{number}");
        let visibility =
            if number + plan.members_only > plan.communities { Visibility::Members } else { Visibility::Public };
        let community_id = seed_community(connection, &slug, number, visibility)?;
        let joined = join_some(connection, community_id, &members, &mut dice)?;
        for thread in 0..plan.threads {
            let replies = if thread == 0 { plan.replies } else { skewed(&mut dice, plan.replies) };
            let shape = ThreadShape { community_id, replies, max_depth: settings.max_reply_depth };
            let thread_id = in_transaction(connection, |connection| {
                seed_thread(connection, &shape, &joined, &vocabulary, &mut dice)
            })?;
            if thread == 0 {
                seeded.reference_threads.push(thread_id);
            }
            seeded.threads += 1;
            seeded.posts += 1 + u64::from(replies);
            progress(seeded.posts);
        }
        seeded.communities.push(slug);
    }
    refresh_statistics(connection)?;
    Ok(seeded)
}

/// After a bulk load PostgreSQL's planner knows nothing of the new rows
/// until autovacuum gets round to them; gather its statistics now, as an
/// operator would after an import. (SQLite plans without them.)
fn refresh_statistics(connection: &mut AnyConnection) -> anyhow::Result<()> {
    if let AnyConnection::Postgres(_) = connection {
        diesel::sql_query("ANALYZE").execute(connection)?;
    }
    Ok(())
}

/// Members `member-1` to `member-N` who accepted the current guidelines and
/// health-data consent; the password is hashed once for all of them.
fn seed_members(connection: &mut AnyConnection, settings: &Settings, count: u32) -> anyhow::Result<Vec<i64>> {
    let instance = LiveInstance::load(InstanceSettings::defaults(settings)?, connection)?.current();
    let password = Password::parse(MEMBER_PASSWORD.to_owned()).map_err(|error| anyhow::anyhow!("{error}"))?;
    let password_hash = hash_blocking(&password)?;
    let consents = [
        Consent { kind: GUIDELINES, version: &instance.guidelines.version },
        Consent { kind: HEALTH_DATA, version: &instance.health_data_consent.version },
    ];
    in_transaction(connection, |connection| {
        (1..=count)
            .map(|number| {
                let username = Username::parse(&format!("member-{number}"))?;
                let display_name = DisplayName::parse(&format!("Member {number}"))?;
                let new = NewUser {
                    username: &username,
                    display_name,
                    password_hash: password_hash.clone(),
                    is_admin: false,
                    consents: &consents,
                };
                users::create(connection, new)
            })
            .collect()
    })
}

fn seed_community(
    connection: &mut AnyConnection,
    slug: &str,
    number: u32,
    visibility: Visibility,
) -> anyhow::Result<i64> {
    let draft = CommunityDraft {
        slug: slug.to_owned(),
        name: format!("Seeded community {number}"),
        kind: CommunityKind::Condition,
        place: None,
        description: "Made by `kindred admin seed` for benchmarks.".to_owned(),
        rules: String::new(),
        banner: String::new(),
        visibility,
    };
    let new = draft.parse().map_err(|error| anyhow::anyhow!("{error}"))?;
    Ok(in_transaction(connection, |connection| communities::create(connection, new))?.id)
}

/// About a third of the members join each community (at least one).
fn join_some(
    connection: &mut AnyConnection,
    community_id: i64,
    members: &[i64],
    dice: &mut Dice,
) -> anyhow::Result<Vec<i64>> {
    let mut joined: Vec<i64> = members.iter().copied().filter(|_| dice.chance(33)).collect();
    if joined.is_empty() {
        joined.extend(members.first());
    }
    in_transaction(connection, |connection| {
        for &member in &joined {
            communities::set_role(connection, community_id, member, CommunityRole::Member)?;
        }
        Ok(())
    })?;
    Ok(joined)
}

struct ThreadShape {
    community_id: i64,
    replies: u32,
    max_depth: i32,
}

/// A thread and its reply tree: most replies answer the first post or the
/// latest reply (a conversation), some an older post further up.
fn seed_thread(
    connection: &mut AnyConnection,
    shape: &ThreadShape,
    authors: &[i64],
    vocabulary: &Vocabulary,
    dice: &mut Dice,
) -> Result<i64, ApiError> {
    let starter = one_of(authors, dice);
    let title = parse_title(&vocabulary.title(dice))?;
    let (thread_id, _) =
        threads::create(connection, shape.community_id, starter, title, content(&vocabulary.post(dice))?)?;
    let mut tree = vec![posts::first_of(connection, thread_id)?];
    for _ in 0..shape.replies {
        let parent = match dice.roll(100) {
            0..40 => 0,
            40..75 => tree.len() - 1,
            _ => dice.roll(tree.len() as u64) as usize,
        };
        let parent = if tree[parent].depth >= shape.max_depth { 0 } else { parent };
        let author = one_of(authors, dice);
        let reply =
            posts::insert(connection, thread_id, Some(&tree[parent]), author, content(&vocabulary.post(dice))?)?;
        tree.push(reply);
    }
    heads::refresh(connection, Which::InThread(thread_id))?;
    Ok(thread_id)
}

fn one_of(authors: &[i64], dice: &mut Dice) -> i64 {
    authors[dice.roll(authors.len() as u64) as usize]
}

/// A reply count with mean about `mean`, skewed as forums are: most threads
/// short, a few long.
fn skewed(dice: &mut Dice, mean: u32) -> u32 {
    let drawn = -f64::from(mean) * (1.0 - dice.unit()).ln();
    drawn.min(f64::from(mean) * 10.0) as u32
}
