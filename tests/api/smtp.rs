//! A real SMTP server for the tests: it listens on a random local port,
//! speaks the receiving side of RFC 5321 that a client needs (EHLO or
//! HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) and keeps
//! every letter, so a test reads the mail Kindred actually sent over SMTP.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

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

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    letters: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port for the SMTP sink");
        let port = listener.local_addr().expect("an address").port();
        let letters = Arc::new(Mutex::new(Vec::new()));
        let kept = letters.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, kept.clone()));
            }
        });
        SmtpSink { port, letters }
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
