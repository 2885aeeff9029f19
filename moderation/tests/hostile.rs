//! Hostile Markdown, each with the exact HTML it must become: a change in any
//! output is a change of rendering policy and must be looked at, not waved through.

use moderation::{MAX_NESTING, MAX_RENDERED_BYTES, MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, RenderError, render_markdown};

fn html(source: &str) -> String {
    render_markdown(source).expect("hostile input still renders").html
}

// Raw HTML is shown as text, never interpreted.

#[test]
fn a_script_block_is_shown_as_text() {
    assert_eq!(html("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
}

#[test]
fn an_inline_script_is_shown_as_text() {
    assert_eq!(html("Hi <script>alert(1)</script>!"), "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;!</p>\n");
}

#[test]
fn an_upper_case_external_script_is_shown_as_text() {
    assert_eq!(
        html("<SCRIPT SRC=https://evil.test/x.js></SCRIPT>"),
        "<p>&lt;SCRIPT SRC=https://evil.test/x.js&gt;&lt;/SCRIPT&gt;</p>\n"
    );
}

#[test]
fn a_script_after_a_link_is_shown_as_text() {
    assert_eq!(
        html("[x](https://x.test)<script>alert(1)</script>"),
        r#"<p><a href="https://x.test" rel="nofollow noopener noreferrer ugc">x</a>&lt;script&gt;alert(1)&lt;/script&gt;</p>
"#
    );
}

#[test]
fn an_image_with_an_error_handler_is_shown_as_text() {
    assert_eq!(html("<img src=x onerror=alert(1)>"), "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
}

#[test]
fn an_inline_image_with_an_error_handler_is_shown_as_text() {
    assert_eq!(html("Look: <img src=x onerror=alert(1)>"), "<p>Look: &lt;img src=x onerror=alert(1)&gt;</p>\n");
}

#[test]
fn an_image_tag_split_over_lines_is_shown_as_text() {
    assert_eq!(html("<img src=\"x\"\nonerror=\"alert(1)\">"), "<p>&lt;img src=\"x\"\nonerror=\"alert(1)\"&gt;</p>\n");
}

#[test]
fn an_allowed_tag_with_an_event_handler_is_shown_as_text() {
    assert_eq!(
        html(r#"<a href="https://x.test" onclick="alert(1)">x</a>"#),
        "<p>&lt;a href=\"https://x.test\" onclick=\"alert(1)\"&gt;x&lt;/a&gt;</p>\n"
    );
}

#[test]
fn a_paragraph_tag_with_an_event_handler_is_shown_as_text() {
    assert_eq!(
        html(r#"<p onmouseover="alert(1)">hover</p>"#),
        "<p>&lt;p onmouseover=\"alert(1)\"&gt;hover&lt;/p&gt;</p>\n"
    );
}

#[test]
fn a_harmless_raw_anchor_is_still_shown_as_text() {
    assert_eq!(
        html(r#"<a href="https://x.test">raw anchor</a>"#),
        "<p>&lt;a href=\"https://x.test\"&gt;raw anchor&lt;/a&gt;</p>\n"
    );
}

#[test]
fn a_raw_anchor_with_an_entity_encoded_scheme_is_shown_as_text() {
    assert_eq!(
        html(r#"<a href="&#106;avascript:alert(1)">x</a>"#),
        "<p>&lt;a href=\"&amp;#106;avascript:alert(1)\"&gt;x&lt;/a&gt;</p>\n"
    );
}

#[test]
fn an_svg_with_an_onload_handler_is_shown_as_text() {
    assert_eq!(html("<svg onload=alert(1)>"), "<p>&lt;svg onload=alert(1)&gt;</p>\n");
}

#[test]
fn a_script_inside_svg_is_shown_as_text() {
    assert_eq!(
        html("<svg><script>alert(1)</script></svg>"),
        "<p>&lt;svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;</p>\n"
    );
}

#[test]
fn a_mathml_mutation_xss_shape_is_shown_as_text() {
    assert_eq!(
        html("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
        "<p>&lt;math&gt;&lt;mtext&gt;&lt;table&gt;&lt;mglyph&gt;&lt;style&gt;&lt;img src=x onerror=alert(1)&gt;</p>\n"
    );
}

#[test]
fn an_inline_mathml_link_is_shown_as_text() {
    assert_eq!(
        html(r#"x <math><mi xlink:href="javascript:alert(1)">x</mi></math>"#),
        "<p>x &lt;math&gt;&lt;mi xlink:href=\"javascript:alert(1)\"&gt;x&lt;/mi&gt;&lt;/math&gt;</p>\n"
    );
}

#[test]
fn an_iframe_is_shown_as_text() {
    assert_eq!(
        html(r#"<iframe src="https://evil.test"></iframe>"#),
        "<p>&lt;iframe src=\"https://evil.test\"&gt;&lt;/iframe&gt;</p>\n"
    );
}

#[test]
fn a_style_block_is_shown_as_text() {
    assert_eq!(html("<style>body{display:none}</style>"), "<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>\n");
}

#[test]
fn a_form_is_shown_as_text() {
    assert_eq!(
        html(r#"<form action="https://evil.test"><input name=p></form>"#),
        "<p>&lt;form action=\"https://evil.test\"&gt;&lt;input name=p&gt;&lt;/form&gt;</p>\n"
    );
}

#[test]
fn an_object_is_shown_as_text() {
    assert_eq!(
        html(r#"<object data="https://evil.test/x.swf"></object>"#),
        "<p>&lt;object data=\"https://evil.test/x.swf\"&gt;&lt;/object&gt;</p>\n"
    );
}

#[test]
fn a_base_tag_is_shown_as_text() {
    assert_eq!(html(r#"<base href="https://evil.test/">"#), "<p>&lt;base href=\"https://evil.test/\"&gt;</p>\n");
}

#[test]
fn a_meta_refresh_is_shown_as_text() {
    assert_eq!(
        html(r#"<meta http-equiv="refresh" content="0;url=https://evil.test">"#),
        "<p>&lt;meta http-equiv=\"refresh\" content=\"0;url=https://evil.test\"&gt;</p>\n"
    );
}

#[test]
fn an_unknown_tag_with_a_handler_is_shown_as_text() {
    assert_eq!(html("<x onclick=alert(1)>custom</x>"), "<p>&lt;x onclick=alert(1)&gt;custom&lt;/x&gt;</p>\n");
}

#[test]
fn unclosed_nested_tags_are_shown_as_text() {
    assert_eq!(html("<div><div><b>unclosed"), "<p>&lt;div&gt;&lt;div&gt;&lt;b&gt;unclosed</p>\n");
}

#[test]
fn misnested_tags_inside_markdown_are_shown_as_text() {
    assert_eq!(
        html("**bold <i>italic</b></i>**"),
        "<p><strong>bold &lt;i&gt;italic&lt;/b&gt;&lt;/i&gt;</strong></p>\n"
    );
}

#[test]
fn a_tag_split_around_a_script_is_shown_as_text() {
    assert_eq!(
        html("<<script>script>alert(1)<</script>/script>"),
        "<p>&lt;&lt;script&gt;script&gt;alert(1)&lt;&lt;/script&gt;/script&gt;</p>\n"
    );
}

#[test]
fn an_attribute_breakout_in_plain_text_is_shown_as_text() {
    assert_eq!(html("\"><script>alert(1)</script>"), "<p>\"&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
}

#[test]
fn a_multi_line_html_block_is_shown_as_one_text_paragraph() {
    assert_eq!(
        html("Hello\n<div>\nx\n</div>\n\n*after*"),
        "<p>Hello</p>\n<p>&lt;div&gt;\nx\n&lt;/div&gt;</p>\n<p><em>after</em></p>\n"
    );
}

#[test]
fn markdown_between_html_block_tags_is_still_markdown() {
    assert_eq!(
        html("<div>\n\n*markdown inside*\n\n</div>"),
        "<p>&lt;div&gt;</p>\n<p><em>markdown inside</em></p>\n<p>&lt;/div&gt;</p>\n"
    );
}

#[test]
fn an_html_comment_block_with_a_payload_is_shown_as_text() {
    assert_eq!(
        html("<!-- <script>alert(1)</script> -->"),
        "<p>&lt;!-- &lt;script&gt;alert(1)&lt;/script&gt; --&gt;</p>\n"
    );
}

#[test]
fn an_inline_html_comment_with_a_payload_is_shown_as_text() {
    assert_eq!(
        html("Text <!-- <img src=x onerror=alert(1)> --> more"),
        "<p>Text &lt;!-- &lt;img src=x onerror=alert(1)&gt; --&gt; more</p>\n"
    );
}

#[test]
fn a_details_tag_with_a_toggle_handler_is_shown_as_text() {
    assert_eq!(html("<details open ontoggle=alert(1)>"), "<p>&lt;details open ontoggle=alert(1)&gt;</p>\n");
}

// Code is always text.

#[test]
fn an_anchor_in_a_code_span_is_escaped() {
    assert_eq!(
        html(r#"`<a href="javascript:alert(1)">x</a>`"#),
        "<p><code>&lt;a href=\"javascript:alert(1)\"&gt;x&lt;/a&gt;</code></p>\n"
    );
}

#[test]
fn an_anchor_in_a_fenced_code_block_is_escaped() {
    assert_eq!(
        html("```\n<a href=\"javascript:alert(1)\">x</a>\n```"),
        "<pre><code>&lt;a href=\"javascript:alert(1)\"&gt;x&lt;/a&gt;\n</code></pre>\n"
    );
}

#[test]
fn a_script_in_an_indented_code_block_is_escaped() {
    assert_eq!(
        html("    <script>alert(1)</script>"),
        "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>\n"
    );
}

#[test]
fn a_code_block_language_never_becomes_an_attribute() {
    assert_eq!(html("```js\" onload=\"alert(1)\nlet x = 1;\n```"), "<pre><code>let x = 1;\n</code></pre>\n");
}

// Dangerous URLs lose their href in every Markdown link form.

const NO_HREF_X: &str = "<p><a rel=\"nofollow noopener noreferrer ugc\">x</a></p>\n";

#[test]
fn an_inline_javascript_link_loses_its_href() {
    assert_eq!(html("[x](javascript:alert(1))"), NO_HREF_X);
}

#[test]
fn a_mixed_case_javascript_link_loses_its_href() {
    assert_eq!(html("[x](JaVaScRiPt:alert(1))"), NO_HREF_X);
}

#[test]
fn a_javascript_link_padded_with_spaces_loses_its_href() {
    assert_eq!(html("[x]( javascript:alert(1) )"), NO_HREF_X);
}

#[test]
fn a_javascript_link_with_a_space_before_the_colon_loses_its_href() {
    assert_eq!(html("[x](<javascript :alert(1)>)"), NO_HREF_X);
}

#[test]
fn an_angle_bracketed_javascript_link_loses_its_href() {
    assert_eq!(html("[x](  <javascript:alert(1)>  )"), NO_HREF_X);
}

#[test]
fn a_tab_inside_the_scheme_stops_it_being_a_link_at_all() {
    assert_eq!(html("[x](java\tscript:alert(1))"), "<p>[x](java\tscript:alert(1))</p>\n");
}

#[test]
fn a_newline_inside_the_scheme_stops_it_being_a_link_at_all() {
    assert_eq!(html("[x](<java\nscript:alert(1)>)"), "<p>[x](&lt;java\nscript:alert(1)&gt;)</p>\n");
}

#[test]
fn a_control_character_before_the_scheme_stops_it_being_a_link_at_all() {
    assert_eq!(html("[x](\u{1}javascript:alert(1))"), "<p>[x](\u{1}javascript:alert(1))</p>\n");
}

#[test]
fn a_javascript_url_with_an_encoded_newline_in_the_path_loses_its_href() {
    assert_eq!(html("[x](javascript://%0aalert(1))"), NO_HREF_X);
}

#[test]
fn a_reference_style_javascript_link_loses_its_href() {
    assert_eq!(html("[x][r]\n\n[r]: javascript:alert(1)"), NO_HREF_X);
}

#[test]
fn a_collapsed_reference_javascript_link_loses_its_href() {
    assert_eq!(html("[r]\n\n[r]: javascript:alert(1)"), "<p><a rel=\"nofollow noopener noreferrer ugc\">r</a></p>\n");
}

#[test]
fn a_reference_style_javascript_link_keeps_only_its_title() {
    assert_eq!(
        html("[x][r]\n\n[r]: javascript:alert(1) \"title\""),
        "<p><a title=\"title\" rel=\"nofollow noopener noreferrer ugc\">x</a></p>\n"
    );
}

#[test]
fn an_angle_bracketed_reference_javascript_link_loses_its_href() {
    assert_eq!(html("[x][r]\n\n[r]: <javascript:alert(1)>"), NO_HREF_X);
}

#[test]
fn a_javascript_autolink_loses_its_href() {
    assert_eq!(
        html("<javascript:alert(1)>"),
        "<p><a rel=\"nofollow noopener noreferrer ugc\">javascript:alert(1)</a></p>\n"
    );
}

#[test]
fn a_javascript_image_becomes_a_link_without_href() {
    assert_eq!(html("![x](javascript:alert(1))"), NO_HREF_X);
}

#[test]
fn a_javascript_image_without_alt_text_shows_its_url_as_text() {
    assert_eq!(
        html("![](javascript:alert(1))"),
        "<p><a rel=\"nofollow noopener noreferrer ugc\">javascript:alert(1)</a></p>\n"
    );
}

#[test]
fn a_data_url_loses_its_href() {
    assert_eq!(html("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"), NO_HREF_X);
}

#[test]
fn a_vbscript_url_loses_its_href() {
    assert_eq!(html("[x](vbscript:msgbox(1))"), NO_HREF_X);
}

#[test]
fn a_decimal_entity_encoded_scheme_loses_its_href() {
    assert_eq!(html("[x](&#106;avascript:alert(1))"), NO_HREF_X);
}

#[test]
fn a_hex_entity_encoded_scheme_loses_its_href() {
    assert_eq!(html("[x](&#x6A;avascript:alert(1))"), NO_HREF_X);
}

#[test]
fn an_entity_encoded_tab_inside_the_scheme_loses_its_href() {
    assert_eq!(html("[x](java&#09;script:alert(1))"), NO_HREF_X);
}

#[test]
fn an_entity_encoded_newline_inside_the_scheme_loses_its_href() {
    assert_eq!(html("[x](jav&#x0A;ascript:alert(1))"), NO_HREF_X);
}

#[test]
fn an_entity_encoded_colon_loses_its_href() {
    assert_eq!(html("[x](javascript&#58;alert(1))"), NO_HREF_X);
}

#[test]
fn a_percent_encoded_scheme_loses_its_href() {
    assert_eq!(html("[x](%6Aavascript:alert(1))"), NO_HREF_X);
}

#[test]
fn backslash_escapes_around_the_scheme_lose_the_href() {
    assert_eq!(html("[x](\\javascript:alert(1))"), NO_HREF_X);
    assert_eq!(html("[x](javascript\\:alert(1))"), NO_HREF_X);
}

#[test]
fn schemes_outside_http_https_and_mailto_lose_their_href() {
    assert_eq!(html("[x](ftp://x.test)"), NO_HREF_X);
    assert_eq!(html("[x](file:///etc/passwd)"), NO_HREF_X);
    assert_eq!(html("[x](tel:+441234)"), NO_HREF_X);
}

// Quotes in titles and URLs cannot break out of their attribute.

#[test]
fn escaped_double_quotes_in_a_title_stay_inside_the_attribute() {
    assert_eq!(
        html(r#"[x](https://x.test "a\" onmouseover=\"alert(1)")"#),
        r#"<p><a href="https://x.test" title="a&quot; onmouseover=&quot;alert(1)" rel="nofollow noopener noreferrer ugc">x</a></p>
"#
    );
}

#[test]
fn double_quotes_in_a_single_quoted_title_stay_inside_the_attribute() {
    assert_eq!(
        html(r#"[x](https://x.test '" onmouseover="alert(1)')"#),
        r#"<p><a href="https://x.test" title="&quot; onmouseover=&quot;alert(1)" rel="nofollow noopener noreferrer ugc">x</a></p>
"#
    );
}

#[test]
fn a_tag_in_a_title_is_escaped() {
    assert_eq!(
        html(r#"[x](https://x.test "<script>")"#),
        r#"<p><a href="https://x.test" title="&lt;script&gt;" rel="nofollow noopener noreferrer ugc">x</a></p>
"#
    );
}

#[test]
fn quotes_in_a_url_are_percent_encoded() {
    assert_eq!(
        html(r#"[x](https://x.test/"onmouseover="alert(1))"#),
        r#"<p><a href="https://x.test/%22onmouseover=%22alert(1)" rel="nofollow noopener noreferrer ugc">x</a></p>
"#
    );
}

#[test]
fn quotes_and_spaces_in_an_angle_bracketed_url_are_percent_encoded() {
    assert_eq!(
        html(r#"[x](<https://x.test/" onmouseover="alert(1)>)"#),
        r#"<p><a href="https://x.test/%22%20onmouseover=%22alert(1)" rel="nofollow noopener noreferrer ugc">x</a></p>
"#
    );
}

#[test]
fn quotes_in_an_autolink_are_percent_encoded_in_the_href_and_escaped_in_the_text() {
    assert_eq!(
        html(r#"<http://x.test"onmouseover="alert(1)>"#),
        r#"<p><a href="http://x.test%22onmouseover=%22alert(1)" rel="nofollow noopener noreferrer ugc">http://x.test"onmouseover="alert(1)</a></p>
"#
    );
}

#[test]
fn a_tag_as_link_text_is_escaped() {
    assert_eq!(
        html("[<img src=x onerror=alert(1)>](https://x.test)"),
        r#"<p><a href="https://x.test" rel="nofollow noopener noreferrer ugc">&lt;img src=x onerror=alert(1)&gt;</a></p>
"#
    );
}

#[test]
fn a_tag_as_alt_text_is_escaped() {
    assert_eq!(
        html("![<svg onload=alert(1)>](https://x.test/a.png)"),
        r#"<p><a href="https://x.test/a.png" rel="nofollow noopener noreferrer ugc">&lt;svg onload=alert(1)&gt;</a></p>
"#
    );
}

// Links, images and headings follow the page's rules.

#[test]
fn a_web_link_carries_the_user_generated_rel() {
    assert_eq!(
        html("[Kindred](https://kindred.example/path?q=1&r=2)"),
        r#"<p><a href="https://kindred.example/path?q=1&amp;r=2" rel="nofollow noopener noreferrer ugc">Kindred</a></p>
"#
    );
}

#[test]
fn an_upper_case_https_link_is_kept() {
    assert_eq!(
        html("[y](HTTPS://X.TEST)"),
        "<p><a href=\"HTTPS://X.TEST\" rel=\"nofollow noopener noreferrer ugc\">y</a></p>\n"
    );
}

#[test]
fn a_mailto_link_is_kept() {
    assert_eq!(
        html("[Write to us](mailto:help@kindred.example)"),
        r#"<p><a href="mailto:help@kindred.example" rel="nofollow noopener noreferrer ugc">Write to us</a></p>
"#
    );
}

#[test]
fn an_email_autolink_becomes_a_mailto_link() {
    assert_eq!(
        html("<me@example.com>"),
        r#"<p><a href="mailto:me@example.com" rel="nofollow noopener noreferrer ugc">me@example.com</a></p>
"#
    );
}

#[test]
fn a_tag_in_a_mailto_query_is_percent_encoded() {
    assert_eq!(
        html("[x](mailto:a@b.test?subject=<script>)"),
        r#"<p><a href="mailto:a@b.test?subject=%3Cscript%3E" rel="nofollow noopener noreferrer ugc">x</a></p>
"#
    );
}

#[test]
fn relative_links_lose_their_href() {
    let no_href = "<p><a rel=\"nofollow noopener noreferrer ugc\">relative</a></p>\n";
    assert_eq!(html("[relative](/admin)"), no_href);
    assert_eq!(html("[relative](../x)"), no_href);
    assert_eq!(html("[relative](//evil.test/x)"), no_href);
    assert_eq!(html("[relative](#top)"), no_href);
}

#[test]
fn an_image_becomes_a_link_named_by_its_alt_text() {
    assert_eq!(
        html(r#"![a scan](https://x.test/a.png "t")"#),
        r#"<p><a href="https://x.test/a.png" title="t" rel="nofollow noopener noreferrer ugc">a scan</a></p>
"#
    );
}

#[test]
fn an_image_without_alt_text_becomes_a_link_named_by_its_url() {
    assert_eq!(
        html("![](https://x.test/a.png)"),
        r#"<p><a href="https://x.test/a.png" rel="nofollow noopener noreferrer ugc">https://x.test/a.png</a></p>
"#
    );
}

#[test]
fn a_link_without_text_is_named_by_its_url() {
    assert_eq!(
        html("[](https://x.test)"),
        r#"<p><a href="https://x.test" rel="nofollow noopener noreferrer ugc">https://x.test</a></p>
"#
    );
}

#[test]
fn an_image_inside_a_link_becomes_plain_text_of_that_link() {
    assert_eq!(
        html("[![badge](https://img.test/b.svg)](https://x.test)"),
        r#"<p><a href="https://x.test" rel="nofollow noopener noreferrer ugc">badge</a></p>
"#
    );
}

#[test]
fn an_image_inside_an_image_becomes_plain_text_of_the_outer_link() {
    assert_eq!(
        html("![![inner](https://a.test/i.png)](https://b.test/o.png)"),
        r#"<p><a href="https://b.test/o.png" rel="nofollow noopener noreferrer ugc">inner</a></p>
"#
    );
}

#[test]
fn headings_are_shifted_below_the_page_headings() {
    assert_eq!(
        html("# h1\n## h2\n### h3\n#### h4\n##### h5\n###### h6"),
        "<h3>h1</h3>\n<h4>h2</h4>\n<h5>h3</h5>\n<h6>h4</h6>\n<h6>h5</h6>\n<h6>h6</h6>\n"
    );
}

#[test]
fn setext_headings_are_shifted_too() {
    assert_eq!(html("Setext\n======\n\nSetext two\n----------"), "<h3>Setext</h3>\n<h4>Setext two</h4>\n");
}

#[test]
fn heading_attribute_syntax_stays_text() {
    assert_eq!(html("# Hi {#x onclick=y}"), "<h3>Hi {#x onclick=y}</h3>\n");
}

#[test]
fn a_table_keeps_its_structure_but_not_its_alignment() {
    assert_eq!(
        html("| Name | Dose |\n|:-----|-----:|\n| a <script> | *b* |"),
        "<table><thead><tr><th>Name</th><th>Dose</th></tr></thead><tbody>\n<tr><td>a &lt;script&gt;</td><td><em>b</em></td></tr>\n</tbody></table>\n"
    );
}

#[test]
fn extensions_that_are_not_enabled_stay_text() {
    assert_eq!(html("- [ ] task"), "<ul>\n<li>[ ] task</li>\n</ul>\n");
    assert_eq!(html("$x^2$ and 2^10^"), "<p>$x^2$ and 2^10^</p>\n");
    assert_eq!(html("> [!NOTE]\n> hi"), "<blockquote>\n<p>[!NOTE]\nhi</p>\n</blockquote>\n");
}

#[test]
fn entities_decode_to_text_and_invalid_ones_to_the_replacement_character() {
    assert_eq!(
        html("&lt;script&gt; &amp; &copy; &#0; &#x110000;"),
        "<p>&lt;script&gt; &amp; © \u{FFFD} \u{FFFD}</p>\n"
    );
}

#[test]
fn a_null_byte_is_dropped() {
    assert_eq!(html("\0 null"), "<p> null</p>\n");
}

// Hostile shapes are refused or survive without harm.

fn nested_quotes(depth: usize) -> String {
    format!("{}x", "> ".repeat(depth))
}

#[test]
fn block_quotes_nested_to_the_limit_render() {
    let expected =
        format!("{}<p>x</p>\n{}", "<blockquote>\n".repeat(MAX_NESTING), "</blockquote>\n".repeat(MAX_NESTING));
    assert_eq!(html(&nested_quotes(MAX_NESTING)), expected);
}

#[test]
fn block_quotes_nested_past_the_limit_are_refused() {
    assert_eq!(render_markdown(&nested_quotes(MAX_NESTING + 1)), Err(RenderError::TooDeep { max_depth: MAX_NESTING }));
}

#[test]
fn fifty_thousand_quote_markers_are_refused() {
    assert_eq!(render_markdown(&">".repeat(50_000)), Err(RenderError::TooDeep { max_depth: MAX_NESTING }));
}

#[test]
fn lists_nested_past_the_limit_are_refused() {
    let source: String = (0..=MAX_NESTING).map(|level| format!("{}- x\n", "  ".repeat(level))).collect();
    assert_eq!(render_markdown(&source), Err(RenderError::TooDeep { max_depth: MAX_NESTING }));
}

#[test]
fn quotes_and_lists_count_together_towards_the_limit() {
    let source = format!("{}{}x", "> ".repeat(MAX_NESTING / 2), "- ".repeat(MAX_NESTING / 2 + 1));
    assert_eq!(render_markdown(&source), Err(RenderError::TooDeep { max_depth: MAX_NESTING }));
}

#[test]
fn thousands_of_nested_emphasis_spans_are_refused() {
    let source = format!("{}x{}", "*a ".repeat(20_000), " b*".repeat(20_000));
    assert_eq!(render_markdown(&source), Err(RenderError::TooDeep { max_depth: MAX_NESTING }));
}

#[test]
fn a_megabyte_of_asterisks_returns() {
    assert_eq!(html(&"*".repeat(1 << 20)), "<hr>\n");
}

#[test]
fn a_megabyte_of_alternating_emphasis_returns_flat() {
    let source = "*a*a".repeat(1 << 12);
    assert_eq!(html(&source), format!("<p>{}</p>\n", "<em>a</em>a".repeat(1 << 12)));
    assert_eq!(render_markdown(&source.repeat(1 << 6)), Err(too_large()));
}

/// Megabytes of source render to more HTML than is allowed; they must still return.
fn too_large() -> RenderError {
    RenderError::TooLarge { max_bytes: MAX_RENDERED_BYTES }
}

#[test]
fn a_megabyte_of_link_bracket_soup_returns_as_text() {
    let source = "[](".repeat(35_000);
    assert_eq!(html(&source), format!("<p>{source}</p>\n"));
    assert_eq!(render_markdown(&"[](".repeat(350_000)), Err(too_large()));
}

#[test]
fn a_megabyte_of_image_bracket_soup_returns_as_text() {
    let source = "![".repeat(1 << 15);
    assert_eq!(html(&source), format!("<p>{source}</p>\n"));
    assert_eq!(render_markdown(&"![".repeat(1 << 19)), Err(too_large()));
}

#[test]
fn a_megabyte_of_closing_bracket_soup_returns_as_text() {
    let source = "](".repeat(1 << 15);
    assert_eq!(html(&source), format!("<p>{source}</p>\n"));
    assert_eq!(render_markdown(&"](".repeat(1 << 19)), Err(too_large()));
}

/// A table of `columns` columns with `rows` rows under its header.
fn table(columns: usize, rows: usize) -> String {
    let line = |cell: &str| format!("|{}\n", format!("{cell}|").repeat(columns));
    let mut text = line("h") + &line("-");
    for _ in 0..rows {
        text.push_str(&line("x"));
    }
    text
}

#[test]
fn a_table_as_wide_as_allowed_renders_and_one_column_more_is_refused() {
    assert_eq!(html(&table(MAX_TABLE_COLUMNS, 1)).matches("<td>").count(), MAX_TABLE_COLUMNS);
    assert_eq!(
        render_markdown(&table(MAX_TABLE_COLUMNS + 1, 1)),
        Err(RenderError::TableTooWide { max_columns: MAX_TABLE_COLUMNS })
    );
}

#[test]
fn a_table_of_three_thousand_columns_and_thousands_of_short_rows_is_refused() {
    let source = format!("|{}\n|{}\n{}", "a|".repeat(3_000), "-|".repeat(3_000), "|x\n".repeat(4_000));
    assert_eq!(render_markdown(&source), Err(RenderError::TableTooWide { max_columns: MAX_TABLE_COLUMNS }));
}

#[test]
fn table_cells_are_counted_over_every_table_padded_rows_included() {
    // Ten columns: a header and 99 rows are 1,000 cells, so two such tables are the most allowed.
    let at_limit = format!("{}\n{}", table(10, 99), table(10, 99));
    assert_eq!(html(&at_limit).matches("<td>").count(), 1_980);
    let padded = format!("{}\n{}|x\n", table(10, 99), table(10, 99));
    assert_eq!(render_markdown(&padded), Err(RenderError::TooManyTableCells { max_cells: MAX_TABLE_CELLS }));
}

#[test]
fn text_that_would_render_past_the_size_bound_is_refused() {
    let mentions = "@amy ".repeat(3_500);
    assert_eq!(render_markdown(&mentions), Err(too_large()));
    let ampersands = html(&"&".repeat(20_000));
    assert!(ampersands.len() <= MAX_RENDERED_BYTES, "a post of the longest source of escapes still renders");
}

#[test]
fn each_refusal_has_a_stable_code_and_a_sentence() {
    let errors = [
        RenderError::TooDeep { max_depth: MAX_NESTING },
        RenderError::TableTooWide { max_columns: MAX_TABLE_COLUMNS },
        RenderError::TooManyTableCells { max_cells: MAX_TABLE_CELLS },
        RenderError::TooLarge { max_bytes: MAX_RENDERED_BYTES },
    ];
    let codes: Vec<_> = errors.iter().map(RenderError::code).collect();
    assert_eq!(codes, ["too_deeply_nested", "table_too_wide", "table_too_large", "rendered_too_large"]);
    assert!(errors.iter().all(|error| error.to_string().ends_with('.')));
}
