//! The `@username` grammar, in one place: the server finds whom a text
//! notifies with it, and the renderer turns the same mentions into links, so
//! a member is never notified of a mention the page shows as plain text.

use std::ops::{Range, RangeInclusive};

/// How many characters a username has.
pub const NAME_LENGTH: RangeInclusive<usize> = 3..=32;

/// Whether `c` may stand in a username: ASCII letters, digits, `_` and `-`.
pub fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// One `@name` in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention<'a> {
    /// Where the `@` and the name stand in the text.
    pub range: Range<usize>,
    /// The name as written, without the `@`.
    pub name: &'a str,
}

/// Every `@name` in `text`, in order, repeats included.
///
/// An `@` counts only where it does not follow a name character, `.` or `@`,
/// so `me@example.org` is an address, never a mention. The name is the run
/// of name characters after it without trailing `-` (so `@sam-` at the end
/// of a clause is `sam`), and a run of the wrong length is no mention.
pub fn scan(text: &str) -> impl Iterator<Item = Mention<'_>> {
    let mut previous: Option<char> = None;
    text.char_indices().filter_map(move |(at, c)| {
        let starts = c == '@' && !previous.is_some_and(|p| is_name_char(p) || p == '.' || p == '@');
        previous = Some(c);
        if !starts {
            return None;
        }
        let rest = &text[at + 1..];
        let run = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let name = rest[..run].trim_end_matches('-');
        NAME_LENGTH.contains(&name.len()).then(|| Mention { range: at..at + 1 + name.len(), name })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        scan(text).map(|mention| mention.name).collect()
    }

    #[test]
    fn a_mention_is_a_name_after_an_at_sign_that_starts_a_word() {
        assert_eq!(names("thanks @Sam and (@jo_2), mail me at me@example.org"), ["Sam", "jo_2"]);
        assert_eq!(names("@sam @SAM @sam- x.@ben @@cat"), ["sam", "SAM", "sam"]);
        assert!(names("@ alone, @ab too short, a@b.c").is_empty());
    }

    #[test]
    fn a_name_longer_than_a_username_is_no_mention() {
        assert_eq!(names(&format!("@{} @{}", "a".repeat(33), "b".repeat(32))), ["b".repeat(32)]);
    }

    #[test]
    fn the_range_covers_the_at_sign_and_the_name() {
        let text = "hi é@Sam-!";
        let mention = scan(text).next().expect("a mention");
        assert_eq!(&text[mention.range], "@Sam");
    }
}
