//! A refused websocket upgrade is well-formed HTTP for every client,
//! including one that accepts gzip: read here byte by byte, as a strict
//! client or proxy would, not through a forgiving HTTP library.

use std::collections::HashMap;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Api, spawn_app_with};
use crate::live_client::{LiveClient, PATIENCE};

/// A response as it came off the wire: status, headers (lower-case
/// names) and the body taken out of its framing.
struct Raw {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// Sends an upgrade request for the live websocket, accepting gzip, and
/// reads the whole answer until the server closes the connection.
async fn refused_upgrade(app: &Api, bearer: Option<&str>) -> Raw {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connects");
    let authorization = bearer.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    let request = format!(
        "GET /api/v1/live HTTP/1.1\r\nHost: {address}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Accept-Encoding: gzip, deflate, br\r\n{authorization}\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("the request is sent");
    let mut bytes = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut bytes))
        .await
        .expect("the server ends the answer in time")
        .expect("the answer is read");
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Raw {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n").expect("a header block") + 4;
    let head = std::str::from_utf8(&bytes[..end]).expect("text headers");
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok());
    let headers: HashMap<String, String> = lines
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (name, value) = line.split_once(':').expect("a header line");
            (name.trim().to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let rest = &bytes[end..];
    let body = if headers.get("transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        dechunk(rest)
    } else {
        let length: usize = headers
            .get("content-length")
            .expect("a body that is not chunked declares its length")
            .parse()
            .expect("a length");
        assert_eq!(rest.len(), length, "the body is exactly as long as declared");
        rest.to_vec()
    };
    Raw { status: status.expect("a status line"), headers, body }
}

/// Undoes chunked framing strictly: hex size, CRLF, data, CRLF, ... 0 CRLF CRLF.
fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|window| window == b"\r\n").expect("a chunk-size line");
        let size_text = std::str::from_utf8(&rest[..line_end]).expect("a chunk size in text");
        let size = usize::from_str_radix(size_text.trim(), 16)
            .unwrap_or_else(|_| panic!("a hexadecimal chunk size, not {size_text:?}"));
        rest = &rest[line_end + 2..];
        if size == 0 {
            assert_eq!(rest, b"\r\n", "the chunked body ends cleanly");
            return body;
        }
        assert!(rest.len() >= size + 2, "the chunk is whole");
        body.extend_from_slice(&rest[..size]);
        assert_eq!(&rest[size..size + 2], b"\r\n", "the chunk ends with CRLF");
        rest = &rest[size + 2..];
    }
}

/// The body is the usual JSON error, readable as sent.
fn error_code(raw: &Raw) -> String {
    assert!(raw.headers.get("content-encoding").is_none_or(|encoding| encoding == "identity"));
    let body: serde_json::Value = serde_json::from_slice(&raw.body).expect("a JSON body");
    body["error"]["code"].as_str().expect("an error code").to_owned()
}

#[tokio::test]
async fn a_refused_upgrade_is_well_formed_for_a_client_that_accepts_gzip() {
    let app = spawn_app_with(|settings| settings.live_connections_per_member = 1).await;

    let anonymous = refused_upgrade(&app, None).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(error_code(&anonymous), "not_signed_in");

    let amy = app.register("amy").await;
    let _open = LiveClient::connect(&app, &amy).await;
    let one_too_many = refused_upgrade(&app, Some(&amy.token)).await;
    assert_eq!(one_too_many.status, 429);
    assert_eq!(error_code(&one_too_many), "too_many_connections");
}
