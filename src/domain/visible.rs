//! Names and titles that show what they say. Direction overrides, invisible
//! characters and piles of combining marks let a short text read differently
//! from what it is, or cover the page around it; look-alike letters let one
//! member pass for another. Joiners and tags are kept only where emoji and
//! scripts need them (a family emoji, a flag, a Persian word).

use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

/// The most combining marks (and variation selectors) on one character:
/// enough for Vietnamese or pointed Hebrew, not for a name that covers the page.
pub const MAX_MARKS_PER_CHARACTER: usize = 4;

const ZERO_WIDTH_NON_JOINER: char = '\u{200C}';
const ZERO_WIDTH_JOINER: char = '\u{200D}';
const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';

/// Why a text was refused, to follow "A display name" or "A title".
pub fn problem(text: &str) -> Option<&'static str> {
    let chars: Vec<char> = text.chars().collect();
    let mut in_flag_tags = false;
    for (at, &c) in chars.iter().enumerate() {
        let before = at.checked_sub(1).map(|index| chars[index]);
        let after = chars.get(at + 1).copied();
        let allowed = match c {
            ZERO_WIDTH_JOINER => before.is_some_and(is_emoji) && after.is_some_and(is_emoji),
            ZERO_WIDTH_NON_JOINER => before.is_some_and(is_letter) && after.is_some_and(is_letter),
            '\u{E0020}'..='\u{E007E}' => {
                in_flag_tags |= before == Some(BLACK_FLAG);
                in_flag_tags
            }
            CANCEL_TAG => std::mem::replace(&mut in_flag_tags, false),
            _ => !is_hidden(c),
        };
        if !allowed {
            return Some("cannot contain direction overrides or invisible characters.");
        }
    }
    if text.graphemes(true).any(|grapheme| grapheme.chars().filter(|&c| is_mark(c)).count() > MAX_MARKS_PER_CHARACTER) {
        return Some("cannot stack more than 4 accents or marks on one letter.");
    }
    if !text.is_empty() && chars.iter().all(|&c| is_blank(c)) {
        return Some("needs at least one visible character.");
    }
    None
}

/// The form two names are compared in: the Unicode TR39 skeleton, taken
/// again after lower-casing, so "Amy", "AMY", "аmу" (Cyrillic) and "arny"
/// all compare equal.
pub fn lookalike_key(text: &str) -> String {
    let skeleton: String = unicode_security::skeleton(text).collect();
    unicode_security::skeleton(&skeleton.to_lowercase()).collect()
}

/// Characters that change direction, take no space or only pad: never
/// allowed in a name or title (joiners and tags are judged by their place).
fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E00FF}' | '\u{E01F0}'..='\u{E0FFF}')
}

/// Characters that show nothing on their own.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{2800}' || is_mark(c) || is_hidden(c) || c == ZERO_WIDTH_JOINER
}

fn is_mark(c: char) -> bool {
    is_combining_mark(c) || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic() || is_combining_mark(c)
}

/// Emoji, their skin tones and the presentation selector, which a joiner may sit between.
fn is_emoji(c: char) -> bool {
    matches!(c, '\u{2300}'..='\u{23FF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{FE0F}'
        | '\u{1F000}'..='\u{1FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_share_a_key_and_different_names_do_not() {
        let amy = lookalike_key("amy");
        for same in ["Amy", "AMY", "\u{0430}my", "arny", "a\u{200B}my"] {
            assert_eq!(lookalike_key(same), amy, "{same}");
        }
        assert_ne!(lookalike_key("ann"), amy);
        assert_eq!(lookalike_key("paypal"), lookalike_key("paypa1"));
    }

    #[test]
    fn a_flag_keeps_its_tags_but_a_tag_elsewhere_is_refused() {
        assert_eq!(problem("\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}"), None);
        assert!(problem("x\u{E0067}\u{E007F}").is_some());
        assert!(problem("\u{1F3F4}\u{E0067}\u{E007F}\u{E0067}").is_some(), "tags after the cancel tag");
        assert!(problem("\u{E007F}").is_some());
    }

    #[test]
    fn joiners_only_join() {
        assert_eq!(problem("\u{2764}\u{FE0F}\u{200D}\u{1F525}"), None);
        assert!(problem("a\u{200D}b").is_some());
        assert!(problem("\u{200D}\u{1F525}").is_some());
        assert!(problem("a\u{200C} b").is_some());
    }

    #[test]
    fn marks_are_counted_per_character() {
        assert_eq!(problem(&format!("a{}b{}", "\u{0301}".repeat(4), "\u{0301}".repeat(4))), None);
        assert!(problem(&format!("a{}", "\u{0301}".repeat(5))).is_some());
        assert!(problem("\u{0301}").is_some(), "a mark alone shows nothing");
        assert_eq!(problem("\u{845B}\u{E0100}"), None, "an ideographic variation selector is a mark");
    }
}
