//! Properties that must hold for any input, not only the corpus: the
//! renderer never panics, and what it returns passes an HTML check written
//! here, independently of the sanitiser (only allowed elements and
//! attributes, no script-capable URL), and stays within the size bound;
//! normalisation is idempotent; and the shipped filters match their terms
//! through the evasions they claim to handle.

use moderation::{MAX_RENDERED_BYTES, WordFilter, canonical, render_markdown};
use proptest::prelude::*;

const ELEMENTS: [&str; 25] = [
    "p",
    "br",
    "hr",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "del",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
];
const REL: &str = "nofollow noopener noreferrer ugc";

/// Pieces hostile Markdown is made of, so generated texts reach the
/// parser's corners far more often than random characters would.
const PIECES: &[&str] = &[
    "*",
    "_",
    "**",
    "~~",
    "`",
    "```\n",
    "    ",
    "> ",
    "- ",
    "1. ",
    "# ",
    "|",
    "|-|",
    "\n",
    "\n\n",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<",
    ">",
    "&",
    "&amp;",
    "&#x6a;",
    "\"",
    "'",
    "=",
    "@amy",
    "@",
    "javascript:",
    "JaVaScRiPt:",
    "jav\tascript:",
    "data:text/html,",
    "vbscript:",
    "https://x.test",
    "/members/amy",
    "//evil.test",
    "<script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "<style>",
    "<iframe>",
    " onclick=",
    "<!--",
    "-->",
    "<![CDATA[",
    "\\",
    "\u{0}",
    "\u{202E}",
    "é",
    "x",
    "text ",
];

fn markdownish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|pieces| pieces.concat())
}

/// Checks serialised HTML without the sanitiser's help: every tag is an
/// allowed element with only its allowed attributes, links go only to the
/// web, mail or a member's page, and no text holds a raw `<`.
fn check_html(html: &str) -> Result<(), String> {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let closing = rest.starts_with('/');
        if closing {
            rest = &rest[1..];
        }
        let name_end = rest.find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').ok_or("an unended tag")?;
        let name = &rest[..name_end];
        if !ELEMENTS.contains(&name) {
            return Err(format!("element <{name}> is not allowed"));
        }
        rest = &rest[name_end..];
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            if closing {
                return Err(format!("a closing </{name}> has more in it"));
            }
            let attribute_end = rest.find(['=', ' ', '>']).ok_or("an unended attribute")?;
            let attribute = &rest[..attribute_end];
            rest = &rest[attribute_end..];
            let value = match rest.strip_prefix("=\"") {
                Some(quoted) => {
                    let end = quoted.find('"').ok_or("an unended attribute value")?;
                    rest = &quoted[end + 1..];
                    &quoted[..end]
                }
                None => return Err(format!("attribute {attribute} has no quoted value")),
            };
            check_attribute(name, attribute, value)?;
        }
    }
    Ok(())
}

fn check_attribute(element: &str, attribute: &str, value: &str) -> Result<(), String> {
    match (element, attribute) {
        ("a", "href") => {
            let url: String =
                value.replace("&amp;", "&").chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
            let lower = url.to_ascii_lowercase();
            let safe = ["http://", "https://", "mailto:", "/members/"].iter().any(|start| lower.starts_with(start));
            if safe && !lower.starts_with("/members//") { Ok(()) } else { Err(format!("link to {value:?}")) }
        }
        ("a", "rel") if value == REL => Ok(()),
        ("a", "class") if value == "mention" => Ok(()),
        ("a", "title") => Ok(()),
        ("ol", "start") if value.bytes().all(|byte| byte.is_ascii_digit()) => Ok(()),
        _ => Err(format!("attribute {attribute}={value:?} on <{element}>")),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_renders_to_allowed_html_within_the_bound_or_a_refusal(text in prop_oneof![markdownish(), ".{0,400}"]) {
        if let Ok(rendered) = render_markdown(&text) {
            prop_assert!(rendered.html.len() <= MAX_RENDERED_BYTES);
            if let Err(problem) = check_html(&rendered.html) {
                return Err(TestCaseError::fail(format!("{problem} in {:?} from {text:?}", rendered.html)));
            }
        }
    }

    #[test]
    fn normalising_twice_changes_nothing(text in prop_oneof![".{0,200}", markdownish()]) {
        let once = canonical(&text);
        prop_assert_eq!(canonical(&once), once);
    }

    #[test]
    fn a_shipped_term_is_caught_through_the_evasions_it_claims(
        term in prop::sample::select(&["idiot", "moron", "kys", "imbecile"][..]),
        disguises in prop::collection::vec(0u8..6, 8),
        before in "[a-z]{2,8}",
        after in "[a-z]{2,8}",
    ) {
        let disguised: String = term.chars().zip(disguises.iter().cycle()).map(|(c, how)| disguise(c, *how)).collect();
        let text = format!("{before} {disguised} {after}");
        let outcome = WordFilter::shipped().check(&text);
        let caught = outcome.matches.iter().any(|found| found.term == term);
        prop_assert!(caught, "{:?} was not caught in {:?}", term, text);
        prop_assert!(outcome.action.is_some());
    }
}

proptest! {
    #[test]
    fn a_shipped_term_is_caught_spaced_out_or_stretched(
        term in prop::sample::select(&["idiot", "moron", "imbecile"][..]),
        separator in prop::sample::select(&[" ", ".", "-", " . ", "_"][..]),
        stretched in 0usize..8,
        times in 3usize..7,
        capitals in any::<bool>(),
    ) {
        let term_text = if capitals { term.to_uppercase() } else { term.to_owned() };
        let letters: Vec<String> = term_text.chars().map(String::from).collect();
        let spaced = format!("you {} now", letters.join(separator));
        let mut long = letters.clone();
        let at = stretched % long.len();
        long[at] = long[at].repeat(times);
        let stretched = format!("you {} now", long.concat());
        for text in [spaced, stretched] {
            let caught = WordFilter::shipped().check(&text).matches.iter().any(|found| found.term == term);
            prop_assert!(caught, "{:?} was not caught in {:?}", term, text);
        }
    }
}

#[test]
fn the_html_check_refuses_what_a_script_could_use() {
    for bad in [
        "<img src=\"x\">",
        "<p onclick=\"x\">p</p>",
        "<a href=\"javascript:alert(1)\">j</a>",
        "<a href=\"java&#x73;cript:x\">j</a>",
        "<a href=\"/members//evil.test\">m</a>",
        "<a href=\"https://x.test\" rel=\"opener\">h</a>",
        "<script>alert(1)</script>",
        "<p style=\"x\">p</p>",
    ] {
        assert!(check_html(bad).is_err(), "{bad}");
    }
    let link = render_markdown("[a](https://x.test \"t\") @amy\n\n3. x").expect("renders").html;
    assert_eq!(check_html(&link), Ok(()), "{link}");
}

/// One letter written one of the ways the filters claim to see through:
/// as is, in capitals, with an accent, as a look-alike from another
/// alphabet, as a digit, or with an invisible character after it.
fn disguise(letter: char, how: u8) -> String {
    let look_alike = match letter {
        'a' => Some('а'),
        'e' => Some('е'),
        'i' => Some('і'),
        'o' => Some('о'),
        'y' => Some('у'),
        'k' => Some('к'),
        'm' => Some('м'),
        _ => None,
    };
    let digit = match letter {
        'i' => Some('1'),
        'o' => Some('0'),
        'e' => Some('3'),
        _ => None,
    };
    match how {
        1 => letter.to_uppercase().collect(),
        2 => format!("{letter}\u{0301}"),
        3 => look_alike.unwrap_or(letter).to_string(),
        4 => digit.unwrap_or(letter).to_string(),
        5 => format!("{letter}\u{200B}"),
        _ => letter.to_string(),
    }
}
