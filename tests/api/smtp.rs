//! A real SMTP server for the tests: it listens on a random local port,
//! speaks the receiving side of RFC 5321 that a client needs (EHLO or
//! HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and keeps
//! every letter, so a test reads the mail Kindred actually sent over SMTP.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::live_client::eventually;

/// One letter as the sink received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub recipients: Vec<String>,
    /// Headers and body, as sent (lines joined with "\n").
    pub data: String,
}

impl Received {
    /// The token of the link in the letter (`...#token=XYZ`), undoing any quoted-printable wrapping.
    pub fn token(&self) -> String {
        let text = self.data.replace("=\n", "").replace("=3D", "=");
        let start = text.find("#token=").expect("a link with a token") + "#token=".len();
        text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }
}

impl Received {
    /// A header's value, unfolded and with RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        header_in(self.data.split("\n\n").next().unwrap_or_default(), name)
    }

    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The decoded text of each part (one for a single-part letter), with its content type.
    pub fn parts(&self) -> Vec<(String, String)> {
        let (head, body) = self.data.split_once("\n\n").unwrap_or((&self.data, ""));
        let content_type = header_in(head, "Content-Type").unwrap_or_else(|| "text/plain".into());
        let Some(boundary) = content_type.split("boundary=").nth(1).map(|b| b.trim_matches('"').to_owned()) else {
            return vec![(content_type, decode(head, body))];
        };
        body.split(&format!("--{boundary}"))
            .filter_map(|part| part.trim_start_matches('\n').split_once("\n\n"))
            .filter_map(|(head, body)| Some((header_in(head, "Content-Type")?, decode(head, body))))
            .collect()
    }

    /// The plain-text part, decoded.
    pub fn text(&self) -> String {
        self.part("text/plain")
    }

    /// The HTML part, decoded.
    pub fn html(&self) -> String {
        self.part("text/html")
    }

    fn part(&self, content_type: &str) -> String {
        self.parts()
            .into_iter()
            .find(|(kind, _)| kind.starts_with(content_type))
            .map(|(_, text)| text)
            .unwrap_or_default()
    }

    /// Everything a reader could see: subject, text and HTML, decoded.
    pub fn readable(&self) -> String {
        format!("{}\n{}\n{}", self.subject(), self.text(), self.html())
    }
}

fn header_in(head: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let mut lines = head.lines().peekable();
    while let Some(line) = lines.next() {
        if line.to_ascii_lowercase().starts_with(&prefix) {
            let mut value = line[prefix.len()..].trim().to_owned();
            while let Some(next) = lines.peek().filter(|next| next.starts_with([' ', '\t'])) {
                value.push_str(next);
                lines.next();
            }
            return Some(decode_words(&value));
        }
    }
    None
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`);
/// the space between two encoded words is not part of the text.
fn decode_words(value: &str) -> String {
    let mut decoded = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|end| start + 2 + end) else { break };
        let between = &rest[..start];
        if !(after_word && between.trim().is_empty()) {
            decoded.push_str(between);
        }
        let inner: Vec<&str> = rest[start + 2..end].splitn(3, '?').collect();
        match inner.as_slice() {
            [_, encoding, text] if encoding.eq_ignore_ascii_case("b") => decoded.push_str(&base64_text(text)),
            [_, _, text] => decoded.push_str(&quoted_printable(&text.replace('_', " "))),
            _ => {}
        }
        after_word = true;
        rest = &rest[end + 2..];
    }
    decoded.push_str(rest);
    decoded
}

fn decode(head: &str, body: &str) -> String {
    let encoding = header_in(head, "Content-Transfer-Encoding").unwrap_or_default().to_ascii_lowercase();
    match encoding.as_str() {
        "base64" => base64_text(&body.split_whitespace().collect::<String>()),
        "quoted-printable" => quoted_printable(&body.replace("=\n", "")),
        _ => body.to_owned(),
    }
}

fn base64_text(text: &str) -> String {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(text.trim()).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn quoted_printable(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    letters: Arc<Mutex<Vec<Received>>>,
    /// Closed: connections are accepted but not greeted until `open` (a
    /// server that holds a sender between its claim and the letter going).
    gate: watch::Sender<bool>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    /// A sink on `port` (0: any free one), e.g. a mail server coming back.
    pub async fn start_on(port: u16) -> SmtpSink {
        SmtpSink::start_gated(port, true).await
    }

    /// A sink that accepts connections but answers none until `open`.
    pub async fn start_stalled() -> SmtpSink {
        SmtpSink::start_gated(0, false).await
    }

    async fn start_gated(port: u16, open: bool) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("a port for the SMTP sink");
        let port = listener.local_addr().expect("an address").port();
        let letters = Arc::new(Mutex::new(Vec::new()));
        let gate = watch::Sender::new(open);
        let (kept, opened) = (letters.clone(), gate.subscribe());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (kept, mut opened) = (kept.clone(), opened.clone());
                tokio::spawn(async move {
                    if opened.wait_for(|open| *open).await.is_ok() {
                        serve(stream, kept).await;
                    }
                });
            }
        });
        SmtpSink { port, letters, gate }
    }

    /// Lets held and new connections through.
    pub fn open(&self) {
        self.gate.send_replace(true);
    }

    /// The `smtp_url` that reaches this sink (plain SMTP on localhost).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn letters(&self) -> Vec<Received> {
        self.letters.lock().expect("the letters").clone()
    }

    pub fn letters_to(&self, address: &str) -> Vec<Received> {
        self.letters().into_iter().filter(|letter| letter.recipients.iter().any(|to| to == address)).collect()
    }

    /// Waits for the `n`th letter (counting from 1) to `address`.
    pub async fn letter_to(&self, address: &str, n: usize) -> Received {
        eventually(&format!("letter {n} reaches {address}"), || self.letters_to(address).len() >= n).await;
        self.letters_to(address)[n - 1].clone()
    }
}

async fn serve(stream: TcpStream, letters: Arc<Mutex<Vec<Received>>>) {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut letter = Received::default();
    if writer.write_all(b"220 sink.test ESMTP\r\n").await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            letter = Received::default();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let address = line[8..].trim().trim_start_matches('<').trim_end_matches('>').to_owned();
            letter.recipients.push(address);
            b"250 OK\r\n"
        } else if upper == "DATA" {
            if writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.is_err() {
                return;
            }
            let mut data = Vec::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                data.push(line.strip_prefix('.').filter(|_| line.starts_with("..")).unwrap_or(&line).to_owned());
            }
            letter.data = data.join("\n");
            letters.lock().expect("the letters").push(std::mem::take(&mut letter));
            b"250 OK: queued\r\n"
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            let _ = writer.write_all(b"221 Bye\r\n").await;
            return;
        } else {
            b"502 Command not implemented\r\n"
        };
        if writer.write_all(reply).await.is_err() {
            return;
        }
    }
}
