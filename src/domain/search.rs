//! A member's search, parsed once into a safe form: words and quoted
//! phrases of letters and digits, all of which must match. Nothing the
//! member types reaches a database's query syntax; the stores build their
//! own from these terms (quoted strings for FTS5, quoted lexemes for
//! PostgreSQL), so `"`, `*`, `NEAR(`, `AND` and `OR` are only ever words.

use crate::error::ApiError;

/// The longest search accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words (counting each word of a phrase) in one search.
pub const MAX_TERMS: usize = 12;

/// What to look for: each phrase's words must appear, in order, next to each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    phrases: Vec<Vec<String>>,
}

impl SearchQuery {
    pub fn parse(text: &str) -> Result<Self, ApiError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(ApiError::bad_request(
                "query_too_long",
                format!("A search can be at most {MAX_QUERY_CHARS} characters long."),
            ));
        }
        if text.matches('"').count() % 2 == 1 {
            return Err(ApiError::bad_request(
                "unclosed_quote",
                "Your search has a quotation mark without its partner. Close the phrase with another \".",
            ));
        }
        let mut phrases = Vec::new();
        for (n, part) in text.split('"').enumerate() {
            let words = words_of(part);
            if n % 2 == 1 {
                if !words.is_empty() {
                    phrases.push(words);
                }
            } else {
                phrases.extend(words.into_iter().map(|word| vec![word]));
            }
        }
        let terms: usize = phrases.iter().map(Vec::len).sum();
        if terms == 0 {
            return Err(ApiError::bad_request("empty_query", "Search for at least one word of letters or digits."));
        }
        if terms > MAX_TERMS {
            return Err(ApiError::bad_request(
                "too_many_terms",
                format!("A search can have at most {MAX_TERMS} words. Try fewer, rarer ones."),
            ));
        }
        Ok(Self { phrases })
    }

    /// The FTS5 form: each phrase a quoted string, all of them required.
    pub fn fts5(&self) -> String {
        let quoted: Vec<String> = self.phrases.iter().map(|words| format!("\"{}\"", words.join(" "))).collect();
        quoted.join(" ")
    }

    /// The `to_tsquery` form: quoted lexemes, `<->` inside a phrase, `&` between.
    pub fn tsquery(&self) -> String {
        let phrases: Vec<String> = self
            .phrases
            .iter()
            .map(|words| {
                let lexemes: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
                format!("({})", lexemes.join(" <-> "))
            })
            .collect();
        phrases.join(" & ")
    }
}

/// Words of context shown before the first match and in a whole snippet.
const BEFORE: usize = 8;
const WORDS: usize = 30;

impl SearchQuery {
    /// A snippet of `text` around the first of the query's words, as safe
    /// HTML: every character escaped, then each matched word in `<mark>`.
    /// Made here rather than by the database so both backends show the same.
    pub fn snippet(&self, text: &str) -> String {
        let words = word_spans(text);
        let matches = |&(start, end): &(usize, usize)| {
            let word = text[start..end].to_lowercase();
            self.phrases.iter().flatten().any(|term| *term == word)
        };
        let first = words.iter().position(matches).unwrap_or(0);
        let from = first.saturating_sub(BEFORE);
        let to = (from + WORDS).min(words.len());
        let Some(&(start, _)) = words.get(from) else { return String::new() };
        let mut html = String::new();
        if from > 0 {
            html.push_str("… ");
        }
        let mut at = if from == 0 { 0 } else { start };
        for span in &words[from..to] {
            escape_into(&mut html, &text[at..span.0]);
            let word = &text[span.0..span.1];
            if matches(span) {
                html.push_str("<mark>");
                escape_into(&mut html, word);
                html.push_str("</mark>");
            } else {
                escape_into(&mut html, word);
            }
            at = span.1;
        }
        if to < words.len() {
            html.push_str(" …");
        } else {
            escape_into(&mut html, &text[at..]);
        }
        html
    }
}

/// Byte ranges of the runs of letters and digits in `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                spans.push((from, at));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push((from, text.len()));
    }
    spans
}

/// Appends `text` to `html` with its markup characters escaped.
pub(crate) fn escape_into(html: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

/// Runs of letters and digits, lower-cased; everything else separates them,
/// as the search tokenizers do.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        SearchQuery::parse(text).err().map_or("ok", |error| error.code())
    }

    #[test]
    fn words_and_phrases_become_quoted_terms() {
        let query = SearchQuery::parse("Inhaler \"pursed lip\" NEAR( a*").expect("parses");
        assert_eq!(query.fts5(), r#""inhaler" "pursed lip" "near" "a""#);
        assert_eq!(query.tsquery(), "('inhaler') & ('pursed' <-> 'lip') & ('near') & ('a')");
    }

    #[test]
    fn query_syntax_is_only_ever_words() {
        assert_eq!(SearchQuery::parse("AND OR NOT").expect("parses").fts5(), r#""and" "or" "not""#);
        assert_eq!(SearchQuery::parse("o'brien's").expect("parses").tsquery(), "('o') & ('brien') & ('s')");
        assert_eq!(SearchQuery::parse("Übelkeit 頭痛").expect("parses").fts5(), "\"übelkeit\" \"頭痛\"");
    }

    #[test]
    fn snippets_are_escaped_before_they_are_highlighted() {
        let query = SearchQuery::parse("inhaler").expect("parses");
        assert_eq!(
            query.snippet("<script>alert(\"x\")</script> my Inhaler & spare"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; my <mark>Inhaler</mark> &amp; spare"
        );
        let long = format!("{} inhaler {}", "word ".repeat(20), "more ".repeat(40));
        let snippet = query.snippet(&long);
        assert!(snippet.starts_with("… word") && snippet.ends_with(" …") && snippet.contains("<mark>inhaler</mark>"));
        assert_eq!(query.snippet(""), "");
    }

    #[test]
    fn bad_searches_say_what_is_wrong() {
        assert_eq!(code("\"unclosed"), "unclosed_quote");
        assert_eq!(code("* ( ) \"\""), "empty_query");
        assert_eq!(code(""), "empty_query");
        assert_eq!(code(&"a ".repeat(13)), "too_many_terms");
        assert_eq!(code(&"x".repeat(10_000)), "query_too_long");
    }
}
