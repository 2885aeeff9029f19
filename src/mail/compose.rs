//! The words of the mail a member chooses, as plain text and accessible
//! HTML. Discreet by default: a letter names the instance and nothing
//! else (no community, thread title, post text or member), because a
//! subject line on a shared screen can disclose a diagnosis; a member who
//! chose "include details" gets the names and an excerpt.

use crate::domain::mail::MailKind;
use crate::domain::search::escape_into;

use super::Letter;

/// A paragraph of a letter.
pub enum Block {
    Text(String),
    /// Words a member wrote: the source as plain text, and the HTML the
    /// moderation crate's renderer made of it (already sanitised).
    Quote {
        text: String,
        html: String,
    },
    /// A list of short lines.
    List(Vec<String>),
}

/// Where a letter points: what to open, and how to choose less mail.
pub struct Links {
    /// (label, address) of what the letter is about.
    pub open: (String, String),
    pub preferences: String,
    /// The web client's page that turns this kind of mail off.
    pub unsubscribe_page: Option<String>,
    /// The API address a mail client POSTs to (RFC 8058).
    pub unsubscribe: Option<String>,
}

/// A letter with the same words as text and as an HTML page.
pub fn letter(to: &str, subject: String, blocks: &[Block], links: &Links) -> Letter {
    let mut text = String::new();
    let mut html = String::from("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    escape_into(&mut html, &subject);
    html.push_str(
        "</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.5; max-width: 40rem\">\n<main>\n",
    );
    for block in blocks {
        match block {
            Block::Text(words) => {
                text.push_str(words);
                html.push_str("<p>");
                escape_into(&mut html, words);
                html.push_str("</p>\n");
            }
            Block::Quote { text: source, html: rendered } => {
                text.extend(source.lines().map(|line| format!("> {line}\n")));
                html.push_str("<blockquote>");
                html.push_str(rendered);
                html.push_str("</blockquote>\n");
            }
            Block::List(lines) => {
                html.push_str("<ul>\n");
                for line in lines {
                    text.push_str(&format!("- {line}\n"));
                    html.push_str("<li>");
                    escape_into(&mut html, line);
                    html.push_str("</li>\n");
                }
                html.push_str("</ul>\n");
            }
        }
        text.push_str("\n\n");
    }
    let (label, address) = &links.open;
    text.push_str(&format!("{label}: {address}\n\n-- \nChoose which emails you get: {}\n", links.preferences));
    html.push_str("<p><a href=\"");
    escape_into(&mut html, address);
    html.push_str("\">");
    escape_into(&mut html, label);
    html.push_str("</a></p>\n</main>\n<footer>\n<p><a href=\"");
    escape_into(&mut html, &links.preferences);
    html.push_str("\">Choose which emails you get</a>");
    if let Some(page) = &links.unsubscribe_page {
        text.push_str(&format!("Stop these emails: {page}\n"));
        html.push_str(" | <a href=\"");
        escape_into(&mut html, page);
        html.push_str("\">Stop these emails</a>");
    }
    html.push_str("</p>\n</footer>\n</body></html>\n");
    Letter { to: to.to_owned(), subject, text, html: Some(html), unsubscribe: links.unsubscribe.clone() }
}

/// What a letter about one notification may say beyond the instance's name.
pub struct Details {
    /// The thread's title, or the chat room's name.
    pub place: String,
    pub community: String,
    /// The display name of whoever caused the latest event.
    pub actor: Option<String>,
    pub excerpt: Option<Block>,
}

/// The subject and paragraphs of a letter about `count` events of `kind`;
/// `details` only for a member who chose them.
pub fn notification(instance: &str, kind: MailKind, count: i32, details: Option<Details>) -> (String, Vec<Block>) {
    let many = count > 1;
    let subject = match (kind, details.as_ref()) {
        (MailKind::Replies, None) if many => format!("You have {count} new replies on {instance}"),
        (MailKind::Replies, None) => format!("You have a new reply on {instance}"),
        (MailKind::Mentions, None) if many => format!("You were mentioned {count} times on {instance}"),
        (MailKind::Mentions, None) => format!("Someone mentioned you on {instance}"),
        (MailKind::Watched, None) if many => format!("There are {count} new posts to read on {instance}"),
        (MailKind::Watched, None) => format!("There is a new post to read on {instance}"),
        (MailKind::Moderation | MailKind::Events, _) => format!("There is news for you on {instance}"),
        (MailKind::Replies, Some(details)) if many => {
            format!("{count} new replies to you in “{}” ({})", details.place, details.community)
        }
        (MailKind::Replies, Some(details)) => {
            format!("{} replied to you in “{}” ({})", actor(details), details.place, details.community)
        }
        (MailKind::Mentions, Some(details)) => {
            format!("{} mentioned you in “{}” ({})", actor(details), details.place, details.community)
        }
        (MailKind::Watched, Some(details)) => {
            format!("{count} new posts in “{}” ({})", details.place, details.community)
        }
    };
    let mut blocks = vec![Block::Text(format!("{subject}."))];
    if let Some(excerpt) = details.and_then(|details| {
        let who = actor(&details).to_owned();
        details.excerpt.map(|excerpt| (who, excerpt))
    }) {
        blocks.push(Block::Text(format!("{} wrote:", excerpt.0)));
        blocks.push(excerpt.1);
    }
    (subject, blocks)
}

fn actor(details: &Details) -> &str {
    details.actor.as_deref().unwrap_or("Someone")
}

/// How many words of a post a letter quotes at most.
const EXCERPT_CHARS: usize = 500;

/// The start of a post's source, for a letter's excerpt.
pub fn excerpt(source: &str) -> String {
    let mut text: String = source.chars().take(EXCERPT_CHARS).collect();
    if source.chars().count() > EXCERPT_CHARS {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links {
            open: ("Read it".into(), "https://example.org/notifications".into()),
            preferences: "https://example.org/account#mail".into(),
            unsubscribe_page: Some("https://example.org/unsubscribe#token=t".into()),
            unsubscribe: Some("https://example.org/api/v1/mail-unsubscribe/t".into()),
        }
    }

    #[test]
    fn a_discreet_letter_names_only_the_instance() {
        let (subject, blocks) = notification("Breathe Easy Walsall", MailKind::Replies, 2, None);
        assert_eq!(subject, "You have 2 new replies on Breathe Easy Walsall");
        let letter = letter("a@example.org", subject, &blocks, &links());
        assert!(letter.text.contains("Choose which emails you get: https://example.org/account#mail"));
        let html = letter.html.unwrap_or_default();
        assert!(html.contains("<html lang=\"en\">") && html.contains("<title>You have 2 new replies"));
    }

    #[test]
    fn details_are_escaped_in_html() {
        let details = Details {
            place: "<b>Flare</b>".into(),
            community: "COPD".into(),
            actor: Some("Sam & co".into()),
            excerpt: Some(Block::Quote { text: "hi".into(), html: "<p>hi</p>".into() }),
        };
        let (subject, blocks) = notification("Kindred", MailKind::Replies, 1, Some(details));
        assert_eq!(subject, "Sam & co replied to you in “<b>Flare</b>” (COPD)");
        let html = letter("a@example.org", subject, &blocks, &links()).html.unwrap_or_default();
        assert!(html.contains("Sam &amp; co replied to you in “&lt;b&gt;Flare&lt;/b&gt;”"));
        assert!(html.contains("<blockquote><p>hi</p></blockquote>"));
    }
}
