//! A bare HTTP/1.1 GET over a kept-alive TCP connection, for paced load:
//! the request is bytes written once, the answer is read by its
//! `content-length`, so the client's own cost stays far below the server's.

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The `host:port` of an `http://` URL.
pub fn address(url: &str) -> anyhow::Result<String> {
    Ok(split(url)?.0.to_owned())
}

/// The bytes of a GET of `url`, with a bearer `token` when there is one.
pub fn request(url: &str, token: Option<&String>) -> anyhow::Result<Vec<u8>> {
    let (host, path) = split(url)?;
    let authorization = token.map(|token| format!("authorization: Bearer {token}\r\n")).unwrap_or_default();
    Ok(format!("GET {path} HTTP/1.1\r\nhost: {host}\r\n{authorization}\r\n").into_bytes())
}

fn split(url: &str) -> anyhow::Result<(&str, &str)> {
    let rest = url.strip_prefix("http://").context("paced GETs take http:// URLs")?;
    Ok(rest.find('/').map_or((rest, "/"), |slash| (&rest[..slash], &rest[slash..])))
}

/// A kept-alive connection, opened again after a failed request.
pub struct Connection {
    address: String,
    stream: Option<TcpStream>,
    buffer: Vec<u8>,
}

impl Connection {
    pub async fn open(address: &str) -> anyhow::Result<Connection> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Connection { address: address.to_owned(), stream: Some(stream), buffer: Vec::with_capacity(1 << 16) })
    }

    /// Sends `request` and reads the whole answer, which must be a 2xx.
    pub async fn get(&mut self, request: &[u8]) -> anyhow::Result<()> {
        let outcome = self.exchange(request).await;
        if outcome.is_err() {
            self.stream = None;
        }
        outcome
    }

    async fn exchange(&mut self, request: &[u8]) -> anyhow::Result<()> {
        if self.stream.is_none() {
            *self = Connection::open(&self.address).await?;
        }
        let Some(stream) = self.stream.as_mut() else { bail!("no connection") };
        stream.write_all(request).await?;
        self.buffer.clear();
        let (head, length) = loop {
            if let Some(head) = find(&self.buffer, b"\r\n\r\n") {
                break (head + 4, content_length(&self.buffer[..head])?);
            }
            read_more(stream, &mut self.buffer).await?;
        };
        while self.buffer.len() < head + length {
            read_more(stream, &mut self.buffer).await?;
        }
        let success = self.buffer.get(9) == Some(&b'2');
        if !success {
            bail!("{}", String::from_utf8_lossy(&self.buffer[..head.min(40)]));
        }
        Ok(())
    }
}

async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> anyhow::Result<()> {
    if buffer.capacity() - buffer.len() < 1 << 14 {
        buffer.reserve(1 << 16);
    }
    if stream.read_buf(buffer).await? == 0 {
        bail!("the server closed the connection");
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// The `content-length` of an answer's head; a chunked answer is refused.
fn content_length(head: &[u8]) -> anyhow::Result<usize> {
    let head = std::str::from_utf8(head)?;
    for line in head.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else { continue };
        if name.eq_ignore_ascii_case("content-length") {
            return Ok(value.trim().parse()?);
        }
        if name.eq_ignore_ascii_case("transfer-encoding") {
            bail!("a chunked answer: paced GETs read answers of known length");
        }
    }
    bail!("an answer with no content-length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_splits_into_its_address_and_path() {
        assert_eq!(
            split("http://127.0.0.1:8080/api/v1/threads/3?limit=50").ok(),
            Some(("127.0.0.1:8080", "/api/v1/threads/3?limit=50"))
        );
        assert_eq!(split("http://127.0.0.1:8080").ok(), Some(("127.0.0.1:8080", "/")));
        assert!(split("https://example.org/").is_err());
    }

    #[test]
    fn the_length_comes_from_the_head_and_chunked_answers_are_refused() {
        assert_eq!(content_length(b"HTTP/1.1 200 OK\r\nContent-Length: 28000\r\nvary: x").ok(), Some(28000));
        assert!(content_length(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked").is_err());
        assert!(content_length(b"HTTP/1.1 200 OK\r\nvary: x").is_err());
    }

    #[test]
    fn a_signed_in_request_carries_its_token() {
        let token = "abc".to_owned();
        let request = request("http://h:1/p", Some(&token)).unwrap_or_default();
        assert_eq!(request, b"GET /p HTTP/1.1\r\nhost: h:1\r\nauthorization: Bearer abc\r\n\r\n");
    }
}
