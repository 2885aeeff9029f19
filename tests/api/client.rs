//! The web client served by the binary: the page for every page address,
//! hashed assets cached for a year and compressed, and API paths that keep
//! their JSON 404.

use reqwest::header;

use crate::helpers::{TestApp, read, spawn_app};

async fn get_html(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).header(header::ACCEPT, "text/html,*/*;q=0.8").send().await.expect("answer")
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned()
}

/// The address of the page's asset ending in `extension`, e.g. `/assets/index-1a2b3c.js`.
fn asset_of(html: &str, extension: &str) -> String {
    let end = html.find(extension).expect("the page loads the asset") + extension.len();
    let start = html[..end].rfind("/assets/").expect("under /assets/");
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_front_page_is_the_web_client_and_is_revalidated() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/")).send().await.expect("answer");
    assert_eq!(page.status(), 200);
    assert_eq!(header_of(&page, header::CONTENT_TYPE), "text/html; charset=utf-8");
    assert_eq!(header_of(&page, header::CACHE_CONTROL), "no-cache");
    assert!(header_of(&page, header::CONTENT_SECURITY_POLICY).contains("script-src 'self'"));
    let html = page.text().await.expect("text");
    assert!(html.contains(r#"<div id="app">"#), "{html}");
}

#[tokio::test]
async fn every_page_address_that_asks_for_html_gets_the_client() {
    let app = spawn_app().await;
    let front = app.client.get(app.url("/")).send().await.expect("answer").text().await.expect("text");
    for path in ["/join", "/c/living-with-copd", "/t/12", "/c/living-with-copd/new", "/no/such/page"] {
        let page = get_html(&app, path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert_eq!(header_of(&page, header::CACHE_CONTROL), "no-cache", "{path}");
        assert_eq!(page.text().await.expect("text"), front, "{path}");
    }
}

#[tokio::test]
async fn api_paths_and_missing_assets_keep_the_json_404_even_for_browsers() {
    let app = spawn_app().await;
    for path in ["/api/v1/nothing-here", "/api", "/api/v2/instance", "/assets/missing-1234.js"] {
        read(get_html(&app, path).await).await.assert_error(404, "not_found");
    }
    let post = app.client.post(app.url("/join")).header(header::ACCEPT, "text/html").send().await.expect("answer");
    read(post).await.assert_error(404, "not_found");
}

async fn asset_with(app: &TestApp, path: &str, accept_encoding: &str) -> (String, Vec<u8>) {
    let asset =
        app.client.get(app.url(path)).header(header::ACCEPT_ENCODING, accept_encoding).send().await.expect("answer");
    assert_eq!(asset.status(), 200, "{path}");
    assert_eq!(header_of(&asset, header::CACHE_CONTROL), "public, max-age=31536000, immutable", "{path}");
    assert_eq!(header_of(&asset, header::VARY), "Accept-Encoding", "{path}");
    let encoding = header_of(&asset, header::CONTENT_ENCODING);
    (encoding, asset.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_typed_and_compressed() {
    let app = spawn_app().await;
    let html = app.client.get(app.url("/")).send().await.expect("answer").text().await.expect("text");
    for (extension, content_type) in [(".js", "text/javascript"), (".css", "text/css")] {
        let path = asset_of(&html, extension);
        let asset =
            app.client.get(app.url(&path)).header(header::ACCEPT_ENCODING, "gzip").send().await.expect("answer");
        assert_eq!(header_of(&asset, header::CONTENT_TYPE), content_type, "{path}");
        assert_eq!(header_of(&asset, header::CONTENT_ENCODING), "gzip", "{path}");
    }
}

#[tokio::test]
async fn an_asset_comes_as_brotli_gzip_or_plain_as_asked_and_decodes_to_the_same_file() {
    use std::io::Read;

    let app = spawn_app().await;
    let html = app.client.get(app.url("/")).send().await.expect("answer").text().await.expect("text");
    for extension in [".js", ".css"] {
        let path = asset_of(&html, extension);
        let (encoding, plain) = asset_with(&app, &path, "identity").await;
        assert_eq!(encoding, "", "{path} sent as it is");

        // A browser's usual header: brotli is preferred when offered.
        let (encoding, brotli) = asset_with(&app, &path, "gzip, deflate, br, zstd").await;
        assert_eq!(encoding, "br", "{path}");
        let mut decoded = Vec::new();
        brotli_decompressor::Decompressor::new(brotli.as_slice(), 4096)
            .read_to_end(&mut decoded)
            .expect("valid brotli");
        assert_eq!(decoded, plain, "{path}: brotli decodes to the file");
        assert!(brotli.len() < plain.len(), "{path}: brotli is smaller");

        let (encoding, gzip) = asset_with(&app, &path, "gzip").await;
        assert_eq!(encoding, "gzip", "{path}");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(gzip.as_slice()).read_to_end(&mut decoded).expect("valid gzip");
        assert_eq!(decoded, plain, "{path}: gzip decodes to the file, compressed once");

        // A weight of zero refuses an encoding.
        let (encoding, _) = asset_with(&app, &path, "br;q=0, gzip;q=0.5").await;
        assert_eq!(encoding, "gzip", "{path}");
        let (encoding, body) = asset_with(&app, &path, "").await;
        assert_eq!((encoding.as_str(), body.len()), ("", plain.len()), "{path}: no header, no encoding");
    }
}

#[tokio::test]
async fn the_instance_brand_colours_every_page_and_names_the_header() {
    let app = crate::helpers::spawn_app_with(|settings| {
        settings.brand_colour = Some("#6a1b9a".into());
        settings.logo_text = Some("Walsall Walkers".into());
    })
    .await;
    for path in ["/", "/c/walkers"] {
        let html = get_html(&app, path).await.text().await.expect("text");
        let style = html.find("<style>:root{--accent:#6a1b9a;").expect("the brand's colours in the page");
        assert!(style < html.find("</head>").expect("a head"), "in the head");
        assert!(html.contains("@media (prefers-color-scheme: dark)"), "a shade for dark screens too");
    }
    assert_eq!(app.get("/api/v1/instance", None).await.assert_status(200)["logo_text"], "Walsall Walkers");

    let plain = spawn_app().await;
    let html = get_html(&plain, "/").await.text().await.expect("text");
    assert!(!html.contains("<style>"), "no brand colour, the shipped theme");
    assert_eq!(plain.get("/api/v1/instance", None).await.body["logo_text"], "Kindred");
}

#[tokio::test]
async fn a_brand_colour_too_light_to_read_stops_the_start() {
    let (_database, database_url) = crate::helpers::fresh_database();
    let settings = kindred::config::Settings {
        addr: "127.0.0.1:0".into(),
        database_url,
        brand_colour: Some("#ffd54f".into()),
        ..kindred::config::Settings::default()
    };
    let Err(error) = kindred::startup::Application::build(settings) else { panic!("a pale yellow is refused") };
    assert!(error.to_string().contains("too light to read on a white page"), "{error}");
}
