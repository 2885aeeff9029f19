//! A directory of any size: entries spread over Great Britain, with
//! words, categories, contacts and opening times, all approved.

use crate::db::directory::{self, Authorship};
use crate::db::{AnyConnection, users};
use crate::domain::directory::EntryDraft;
use crate::domain::discussion::render;

use super::Dice;
use super::words::Vocabulary;

const CATEGORIES: [&str; 8] =
    ["walking", "mental-health", "carers", "breathing", "food", "money-advice", "arts", "sport"];

/// Adds `entries` approved entries to the instance-wide directory, suggested by `author`.
pub fn seed_directory(connection: &mut AnyConnection, author: &str, entries: u32, seed: u64) -> anyhow::Result<()> {
    let mut dice = Dice::new(seed);
    let words = Vocabulary::zipf(5_000, 1.0);
    crate::admin::in_transaction(connection, |connection| {
        let author_id = users::id_by_username(connection, author)?;
        for n in 0..entries {
            let online = dice.chance(10);
            let draft = EntryDraft {
                community: None,
                name: format!("{} {n}", words.title(&mut dice)),
                organisation: format!("{} trust", words.word(dice.roll(200) as usize)),
                description: words.post(&mut dice),
                audience: "Adults".into(),
                referral: Vec::new(),
                cost: "Free".into(),
                address: if online { String::new() } else { format!("{n} High Street") },
                // Great Britain: latitude 50.0 to 58.5, longitude -5.5 to 1.7.
                latitude: (!online).then(|| 50.0 + dice.unit() * 8.5),
                longitude: (!online).then(|| -5.5 + dice.unit() * 7.2),
                area_served: String::new(),
                online,
                phone: "01922 650000".into(),
                email: format!("entry{n}@example.org"),
                website: format!("https://example.org/{n}"),
                opening_times: "Weekdays 9:00 to 17:00".into(),
                accessibility: "Step-free".into(),
                categories: vec![CATEGORIES[dice.roll(8) as usize].into(), CATEGORIES[dice.roll(8) as usize].into()],
            };
            let entry = draft.parse()?;
            let html = render(&entry.description)?.html;
            directory::insert(
                connection,
                &entry,
                &html,
                Authorship { community_id: None, suggested_by: author_id, approved: true },
            )?;
        }
        Ok(())
    })
}
