//! Serves the web client: `frontend/`, built into `frontend/dist` by
//! `build.rs` and embedded in the binary, so one executable is the whole
//! product. Built files under `/assets/` carry a content hash in their
//! names and are cached for a year, and are sent as the build compressed
//! them (brotli or gzip, each at its best level, chosen by the request's
//! `Accept-Encoding`), so no response compresses them again; `index.html` is
//! revalidated every time and answers every page address, so the client's
//! own router can show it.
//! API paths never fall back to the page: they keep the JSON 404.

use std::borrow::Cow;

use actix_web::http::header::{AcceptEncoding, ContentEncoding, Encoding, Header};
use actix_web::http::{Method, header};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use rust_embed::RustEmbed;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "frontend/dist/"]
struct Dist;

/// What the page may load: only its own files and API, with nothing inline
/// but styles. A second line of defence behind the server's sanitising.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// `GET /`: the client.
pub async fn index(state: web::Data<AppState>) -> HttpResponse {
    page(&state)
}

/// `GET /assets/{path}`: a built file, in the encoding the request prefers
/// of those the build wrote (`.br`, `.gz`, or the file itself).
pub async fn asset(request: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let name = format!("assets/{path}");
    let Some(file) = Dist::get(&name) else {
        return super::errors::not_found(request).await;
    };
    let encoded = match preferred_encoding(&request) {
        ContentEncoding::Brotli => Dist::get(&format!("{name}.br")).map(|brotli| (ContentEncoding::Brotli, brotli)),
        ContentEncoding::Gzip => Dist::get(&format!("{name}.gz")).map(|gzip| (ContentEncoding::Gzip, gzip)),
        _ => None,
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(file.metadata.mimetype())
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::VARY, "Accept-Encoding"));
    match encoded {
        // A `Content-Encoding` also tells the compression middleware to leave the body alone.
        Some((encoding, encoded)) => response.insert_header(encoding).body(bytes(encoded.data)),
        None => response.body(bytes(file.data)),
    }
}

/// The encoding the request ranks highest among brotli, gzip and none.
fn preferred_encoding(request: &HttpRequest) -> ContentEncoding {
    const OFFERED: [Encoding; 3] = [Encoding::brotli(), Encoding::gzip(), Encoding::identity()];
    match AcceptEncoding::parse(request).ok().and_then(|accepted| accepted.negotiate(OFFERED.iter())) {
        Some(Encoding::Known(encoding)) => encoding,
        _ => ContentEncoding::Identity,
    }
}

/// Any address no route matches: a browser asking for a page gets the
/// client, whose router decides what to show; anything else gets the
/// API's JSON 404.
pub async fn fallback(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if asks_for_page(&request) { page(&state) } else { super::errors::not_found(request).await }
}

fn asks_for_page(request: &HttpRequest) -> bool {
    let path = request.path();
    let accepts_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    request.method() == Method::GET && accepts_html && path != "/api" && !path.starts_with("/api/")
}

fn page(state: &AppState) -> HttpResponse {
    match &state.instance.current().client_page {
        Some(page) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_POLICY))
            .body(page.clone()),
        None => ApiError::internal("frontend/dist/index.html was not embedded").error_response(),
    }
}

/// The client's page titled with the instance's `name` (escaped), and with
/// `style` (the instance's colours, made by `brand`, never from member
/// input) last in its head so it wins.
pub fn page_with(name: &str, style: Option<&str>) -> Option<Bytes> {
    let file = Dist::get("index.html")?;
    let mut html = String::from_utf8_lossy(&file.data).replacen(
        "<title>Kindred</title>",
        &format!("<title>{}</title>", escape_html(name)),
        1,
    );
    if let Some(style) = style {
        html = html.replacen("</head>", &format!("<style>{style}</style></head>"), 1);
    }
    Some(Bytes::from(html))
}

/// `text` safe inside an HTML element.
fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn bytes(data: Cow<'static, [u8]>) -> Bytes {
    match data {
        Cow::Borrowed(data) => Bytes::from_static(data),
        Cow::Owned(data) => Bytes::from(data),
    }
}
