//! Markdown to safe HTML: members write Markdown, and this module alone decides
//! which HTML may reach a page.
//!
//! Two layers, so that a bug in one is caught by the other: the Markdown event
//! stream is rewritten so raw HTML is only ever text, and the HTML produced from
//! it is then passed through an allow-list sanitiser.
//!
//! `@username` mentions become links to the member's page, by the grammar in
//! [`crate::mention`], except in code and inside links.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream};

use crate::mention::{self, NAME_LENGTH, is_name_char};

/// Stored beside rendered HTML; bump it whenever the output for some input
/// changes, so the server knows which stored HTML to render again.
pub const RENDER_POLICY_VERSION: i32 = 2;

/// How many block quotes, lists and emphasis-like spans (emphasis, strong,
/// strikethrough) may enclose one another, counted together.
pub const MAX_NESTING: usize = 16;

/// The most columns a table may have: wider tables are unreadable on a
/// phone, and the parser gives every row as many cells as the header.
pub const MAX_TABLE_COLUMNS: usize = 20;

/// The most table cells (headers included) one text may hold, over all its tables.
pub const MAX_TABLE_CELLS: usize = 2_000;

/// The most bytes of HTML one text may render to, so that a short source
/// that expands a great deal cannot make a page heavy for every reader.
pub const MAX_RENDERED_BYTES: usize = 128 * 1024;

/// HTML that is safe to put into a page, and the policy that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub policy_version: i32,
}

/// Why a text was refused rather than rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderError {
    TooDeep { max_depth: usize },
    TableTooWide { max_columns: usize },
    TooManyTableCells { max_cells: usize },
    TooLarge { max_bytes: usize },
}

impl RenderError {
    /// A stable code for the refusal, as the API names it.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::TooDeep { .. } => "too_deeply_nested",
            RenderError::TableTooWide { .. } => "table_too_wide",
            RenderError::TooManyTableCells { .. } => "table_too_large",
            RenderError::TooLarge { .. } => "rendered_too_large",
        }
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::TooDeep { max_depth } => {
                write!(f, "This text nests quotes, lists or emphasis too deeply (at most {max_depth} levels).")
            }
            RenderError::TableTooWide { max_columns } => {
                write!(f, "A table can have at most {max_columns} columns.")
            }
            RenderError::TooManyTableCells { max_cells } => {
                write!(f, "Tables in one text can have at most {max_cells} cells in all.")
            }
            RenderError::TooLarge { max_bytes } => write!(
                f,
                "This text would be too large once formatted (at most {} KB); please shorten it or use less formatting.",
                max_bytes / 1024
            ),
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders a member's Markdown as sanitised HTML.
///
/// Raw HTML is shown as text, headings start at `<h3>`, images become links,
/// links get `rel="nofollow noopener noreferrer ugc"`, and each `@username`
/// outside code and links becomes `<a href="/members/{username}" class="mention">`.
///
/// # Errors
///
/// [`RenderError::TooDeep`] when quotes, lists and emphasis are nested more
/// than [`MAX_NESTING`] levels deep; [`RenderError::TableTooWide`] and
/// [`RenderError::TooManyTableCells`] past [`MAX_TABLE_COLUMNS`] and
/// [`MAX_TABLE_CELLS`]; [`RenderError::TooLarge`] when the HTML would be
/// more than [`MAX_RENDERED_BYTES`].
pub fn render_markdown(source: &str) -> Result<Rendered, RenderError> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    // Merged, so a mention is judged by the character before it even where
    // the parser split the text (as it does around `_` and `*`).
    let events = rewrite(TextMergeStream::new(Parser::new_ext(source, options)))?;
    let mut unsanitised = String::with_capacity(source.len() + source.len() / 2);
    pulldown_cmark::html::push_html(&mut unsanitised, events.into_iter());
    let html = SANITISER.clean(&unsanitised).to_string();
    if html.len() > MAX_RENDERED_BYTES {
        return Err(RenderError::TooLarge { max_bytes: MAX_RENDERED_BYTES });
    }
    Ok(Rendered { html, policy_version: RENDER_POLICY_VERSION })
}

#[rustfmt::skip]
const ALLOWED_TAGS: [&str; 25] = [
    "p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "sup", "sub",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
];

static SANITISER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::empty();
    builder
        .tags(HashSet::from(ALLOWED_TAGS))
        .tag_attributes(HashMap::from([("a", HashSet::from(["href", "title"])), ("ol", HashSet::from(["start"]))]))
        .allowed_classes(HashMap::from([("a", HashSet::from(["mention"]))]))
        .generic_attributes(HashSet::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Custom(Box::new(member_page_only)))
        .link_rel(Some("nofollow noopener noreferrer ugc"))
        .strip_comments(true);
    builder
});

/// The one relative address allowed: a member's page, `/members/{username}`.
fn member_page_only(url: &str) -> Option<Cow<'_, str>> {
    let name = url.strip_prefix(MEMBER_PAGE)?;
    (NAME_LENGTH.contains(&name.len()) && name.chars().all(is_name_char)).then_some(Cow::Borrowed(url))
}

/// Where a member's page is, before their username.
const MEMBER_PAGE: &str = "/members/";

fn rewrite<'a>(parser: impl Iterator<Item = Event<'a>>) -> Result<Vec<Event<'a>>, RenderError> {
    let mut rewriter = Rewriter::default();
    let mut events = parser.peekable();
    while let Some(event) = events.next() {
        let next_closes_link = matches!(events.peek(), Some(Event::End(TagEnd::Link | TagEnd::Image)));
        rewriter.push(event, next_closes_link)?;
    }
    Ok(rewriter.out)
}

/// Rewrites the parser's events into ones whose HTML is harmless by construction.
#[derive(Default)]
struct Rewriter<'a> {
    out: Vec<Event<'a>>,
    depth: usize,
    /// One entry per open link or image: whether it was written as a link.
    /// Only the outermost is, because a link inside a link is invalid HTML.
    links: Vec<bool>,
    /// The raw HTML block being read; it is shown as one text paragraph.
    html_block: Option<String>,
    /// Inside a code block, where `@name` is code, not a mention.
    in_code_block: bool,
    /// Table cells so far, over every table.
    table_cells: usize,
}

impl<'a> Rewriter<'a> {
    fn push(&mut self, event: Event<'a>, next_closes_link: bool) -> Result<(), RenderError> {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => {
                self.enter(event)?
            }
            Event::End(
                TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough,
            ) => {
                self.depth -= 1;
                self.out.push(event);
            }
            Event::Start(Tag::Heading { level, .. }) => self.out.push(Event::Start(Tag::Heading {
                level: shifted(level),
                id: None,
                classes: Vec::new(),
                attrs: Vec::new(),
            })),
            Event::End(TagEnd::Heading(level)) => self.out.push(Event::End(TagEnd::Heading(shifted(level)))),
            // Alignment would be written as a style attribute, which is not allowed.
            Event::Start(Tag::Table(columns)) => {
                if columns.len() > MAX_TABLE_COLUMNS {
                    return Err(RenderError::TableTooWide { max_columns: MAX_TABLE_COLUMNS });
                }
                self.out.push(Event::Start(Tag::Table(vec![Alignment::None; columns.len()])));
            }
            Event::Start(Tag::TableCell) => {
                self.table_cells += 1;
                if self.table_cells > MAX_TABLE_CELLS {
                    return Err(RenderError::TooManyTableCells { max_cells: MAX_TABLE_CELLS });
                }
                self.out.push(event);
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(String::new()),
            Event::End(TagEnd::HtmlBlock) => self.close_html_block(),
            Event::Html(html) | Event::InlineHtml(html) => match &mut self.html_block {
                Some(block) => block.push_str(&html),
                None => self.out.push(Event::Text(html)),
            },
            Event::Start(
                Tag::Link { link_type, dest_url, title, id } | Tag::Image { link_type, dest_url, title, id },
            ) => self.open_link(link_type, dest_url, title, id, next_closes_link),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if self.links.pop() == Some(true) {
                    self.out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.in_code_block = true;
                self.out.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                self.in_code_block = false;
                self.out.push(event);
            }
            Event::Text(text) if self.links.is_empty() && !self.in_code_block => self.push_text(text),
            other => self.out.push(other),
        }
        Ok(())
    }

    /// Opens an element that can enclose another of its kind. Without a limit,
    /// hostile text builds a tree thousands of elements deep, which is costly
    /// for every later reader of the HTML.
    fn enter(&mut self, event: Event<'a>) -> Result<(), RenderError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(RenderError::TooDeep { max_depth: MAX_NESTING });
        }
        self.out.push(event);
        Ok(())
    }

    fn close_html_block(&mut self) {
        let block = self.html_block.take().unwrap_or_default();
        self.out.push(Event::Start(Tag::Paragraph));
        self.push_text(block.trim_end().to_owned().into());
        self.out.push(Event::End(TagEnd::Paragraph));
    }

    /// Writes text, each mention in it as a link to the member's page. The
    /// link's tags are written as HTML because Markdown links carry no class;
    /// the address holds only name characters, so it needs no escaping.
    fn push_text(&mut self, text: CowStr<'a>) {
        let mut written = 0;
        for found in mention::scan(&text) {
            if found.range.start > written {
                self.out.push(Event::Text(text[written..found.range.start].to_owned().into()));
            }
            let page = format!(r#"<a href="{MEMBER_PAGE}{}" class="mention">"#, found.name.to_ascii_lowercase());
            self.out.extend([
                Event::InlineHtml(page.into()),
                Event::Text(text[found.range.clone()].to_owned().into()),
                Event::InlineHtml("</a>".into()),
            ]);
            written = found.range.end;
        }
        match written {
            0 => self.out.push(Event::Text(text)),
            _ if written < text.len() => self.out.push(Event::Text(text[written..].to_owned().into())),
            _ => {}
        }
    }

    /// Writes a link or image as a link, showing its URL when it has no text,
    /// so that nothing on the page is an invisible click target.
    fn open_link(&mut self, link_type: LinkType, dest_url: CowStr<'a>, title: CowStr<'a>, id: CowStr<'a>, empty: bool) {
        let outermost = self.links.is_empty();
        self.links.push(outermost);
        if outermost {
            self.out.push(Event::Start(Tag::Link { link_type, dest_url: dest_url.clone(), title, id }));
        }
        if empty {
            self.out.push(Event::Text(dest_url));
        }
    }
}

/// The page has its own `<h1>` and `<h2>`, so a member's headings start at `<h3>`.
fn shifted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(source: &str) -> String {
        render_markdown(source).expect("renders").html
    }

    #[test]
    fn paragraphs_render_as_paragraphs() {
        assert_eq!(html("First.\n\nSecond,\nstill second."), "<p>First.</p>\n<p>Second,\nstill second.</p>\n");
    }

    #[test]
    fn inline_formatting_renders() {
        assert_eq!(
            html("*em* **strong** ***both*** ~~gone~~ `code`"),
            "<p><em>em</em> <strong>strong</strong> <em><strong>both</strong></em> <del>gone</del> <code>code</code></p>\n"
        );
    }

    #[test]
    fn lists_render_and_keep_their_start_number() {
        assert_eq!(
            html("- a\n- b\n\n3. three\n4. four"),
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n"
        );
    }

    #[test]
    fn a_fenced_code_block_renders_verbatim() {
        assert_eq!(
            html("```\nif a < b && c {\n    go();\n}\n```"),
            "<pre><code>if a &lt; b &amp;&amp; c {\n    go();\n}\n</code></pre>\n"
        );
    }

    #[test]
    fn quotes_breaks_and_rules_render() {
        assert_eq!(
            html("> quoted\n> > twice\n\nline one  \nline two\n\n---"),
            "<blockquote>\n<p>quoted</p>\n<blockquote>\n<p>twice</p>\n</blockquote>\n</blockquote>\n<p>line one<br>\nline two</p>\n<hr>\n"
        );
    }

    #[test]
    fn plain_text_characters_are_escaped_only_where_html_needs_it() {
        assert_eq!(
            html("Tom & Jerry < 3 > 2 \"quoted\" 'single'"),
            "<p>Tom &amp; Jerry &lt; 3 &gt; 2 \"quoted\" 'single'</p>\n"
        );
    }

    #[test]
    fn bare_urls_are_not_turned_into_links() {
        assert_eq!(html("See https://example.com"), "<p>See https://example.com</p>\n");
    }

    #[test]
    fn empty_input_renders_as_empty_html() {
        assert_eq!(render_markdown(""), Ok(Rendered { html: String::new(), policy_version: RENDER_POLICY_VERSION }));
    }

    #[test]
    fn rendering_is_deterministic() {
        let source = "# T\n\n[a](https://a.test \"t\") ![b](https://b.test)\n\n| x |\n|---|\n| y |";
        assert_eq!(render_markdown(source), render_markdown(source));
    }

    #[test]
    fn the_output_carries_the_current_policy_version() {
        assert_eq!(render_markdown("x").map(|r| r.policy_version), Ok(RENDER_POLICY_VERSION));
    }

    #[test]
    fn too_deep_explains_itself_to_a_member() {
        let error = RenderError::TooDeep { max_depth: MAX_NESTING };
        assert_eq!(error.to_string(), "This text nests quotes, lists or emphasis too deeply (at most 16 levels).");
    }

    const MENTION_REL: &str = r#"rel="nofollow noopener noreferrer ugc""#;

    fn mention_of(name: &str, written: &str) -> String {
        format!(r#"<a href="/members/{name}" class="mention" {MENTION_REL}>{written}</a>"#)
    }

    #[test]
    fn a_mention_becomes_a_link_to_the_members_page() {
        assert_eq!(
            html("Ask @Amy_B, or **@ben-**."),
            format!(
                "<p>Ask {}, or <strong>{}-</strong>.</p>\n",
                mention_of("amy_b", "@Amy_B"),
                mention_of("ben", "@ben")
            )
        );
    }

    #[test]
    fn a_mention_in_code_is_code() {
        assert_eq!(html("`@amy`"), "<p><code>@amy</code></p>\n");
        assert_eq!(html("```\n@amy\n```"), "<pre><code>@amy\n</code></pre>\n");
        assert_eq!(html("    @amy\n"), "<pre><code>@amy\n</code></pre>\n");
    }

    #[test]
    fn an_email_address_is_never_a_mention() {
        assert_eq!(
            html("Write to amy@example.org or x_@example.org"),
            "<p>Write to amy@example.org or x_@example.org</p>\n"
        );
    }

    #[test]
    fn a_mention_inside_a_link_stays_the_links_text() {
        assert_eq!(
            html("[ask @amy](https://x.test) ![@ben](https://y.test)"),
            format!(
                r#"<p><a href="https://x.test" {MENTION_REL}>ask @amy</a> <a href="https://y.test" {MENTION_REL}>@ben</a></p>"#
            ) + "\n"
        );
    }

    #[test]
    fn hostile_text_after_an_at_sign_stays_text() {
        assert_eq!(html("@<script>alert(1)</script>"), "<p>@&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
        assert_eq!(
            html(r#"@amy"><script>x</script> @amy" onclick="x"#),
            format!(
                "<p>{}\"&gt;&lt;script&gt;x&lt;/script&gt; {}\" onclick=\"x</p>\n",
                mention_of("amy", "@amy"),
                mention_of("amy", "@amy")
            )
        );
    }

    #[test]
    fn a_mention_in_raw_html_shown_as_text_still_links() {
        assert_eq!(html("<b>@amy</b>"), format!("<p>&lt;b&gt;{}&lt;/b&gt;</p>\n", mention_of("amy", "@amy")));
    }

    #[test]
    fn relative_links_other_than_a_members_page_are_still_removed() {
        assert_eq!(
            html("[a](/admin) [b](/members/../admin) [c](//evil.test/members/amy) [d](/members/amy)"),
            format!(
                r#"<p><a {MENTION_REL}>a</a> <a {MENTION_REL}>b</a> <a {MENTION_REL}>c</a> <a href="/members/amy" {MENTION_REL}>d</a></p>"#
            ) + "\n"
        );
    }

    // The sanitiser only ever sees HTML written by the Markdown renderer, so
    // it is tested directly here: it must hold even if the first layer fails.

    fn sanitised(html: &str) -> String {
        SANITISER.clean(html).to_string()
    }

    #[test]
    fn the_sanitiser_removes_scripts_with_their_content_and_foreign_attributes() {
        assert_eq!(sanitised("<script>alert(1)</script><p onclick=x style=color:red class=c id=i>p</p>"), "<p>p</p>");
    }

    #[test]
    fn the_sanitiser_removes_images_svg_and_mathml() {
        assert_eq!(sanitised("<img src=x onerror=alert(1)><svg onload=alert(1)><circle/></svg>"), "");
        assert_eq!(sanitised("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"), "");
    }

    #[test]
    fn the_sanitiser_keeps_only_safe_absolute_links() {
        assert_eq!(
            sanitised(
                r#"<a href="javascript:alert(1)" onclick=x target=_blank rel=opener>j</a><a href=/rel>r</a><a href="https://x.test" title=t>h</a>"#
            ),
            r#"<a rel="nofollow noopener noreferrer ugc">j</a><a rel="nofollow noopener noreferrer ugc">r</a><a href="https://x.test" title="t" rel="nofollow noopener noreferrer ugc">h</a>"#
        );
    }

    #[test]
    fn the_sanitiser_keeps_only_the_mention_class_on_links() {
        assert_eq!(
            sanitised(
                r#"<a href="/members/amy" class="mention other">m</a><p class="mention">p</p><a href="/members/a">s</a>"#
            ),
            r#"<a href="/members/amy" class="mention" rel="nofollow noopener noreferrer ugc">m</a><p>p</p><a rel="nofollow noopener noreferrer ugc">s</a>"#
        );
    }

    #[test]
    fn the_sanitiser_removes_comments_frames_forms_styles_and_document_tags() {
        assert_eq!(
            sanitised(
                "<!-- c --><iframe src=https://x.test>in</iframe><form><input></form><style>s</style><base href=https://x.test><meta http-equiv=refresh content=0>"
            ),
            "in"
        );
    }

    #[test]
    fn the_sanitiser_unwraps_tags_outside_the_allow_list() {
        assert_eq!(
            sanitised(
                "<table><tr><th align=left style=x>h</th></tr></table><ol start=3 type=a><li>x</li></ol><h1>h1</h1><h2>h2</h2><div>d</div><span>s</span>"
            ),
            "<table><tbody><tr><th>h</th></tr></tbody></table><ol start=\"3\"><li>x</li></ol>h1h2ds"
        );
    }
}
