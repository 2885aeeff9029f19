//! Mail to members over SMTP with lettre, to the server `smtp_url` names.
//! Nothing is sent from a request: letters are queued in the database in
//! the transaction that causes them (`db::mail_outbox`) and the `worker`
//! sends them, so a request never waits on (or reveals anything by) the
//! mail server, and a letter survives a restart. Without `smtp_url` no
//! letter is queued, and the log says so without naming the address.

pub mod compose;
pub mod digest;
pub mod unsubscribe;
pub mod worker;

use std::sync::Arc;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::config::Settings;

/// A letter to one member, ready to go: plain text and, for the mail a
/// member chooses, accessible HTML and a one-click unsubscribe address.
#[derive(Debug, Clone)]
pub struct Letter {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// An https address that turns this kind of mail off when POSTed to (RFC 8058).
    pub unsubscribe: Option<String>,
}

/// Why the mail server did not take a letter, in words that cannot carry
/// the address (a server's reply often repeats it).
#[derive(Debug, Clone, Copy)]
pub struct Failure {
    pub why: &'static str,
    /// The server refused this letter for good: trying again will not help.
    pub permanent: bool,
}

#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// Wakes this process's worker when a letter is queued.
    wake: Arc<Notify>,
}

impl Mailer {
    /// Reads `smtp_url` and `mail_from`; a malformed one stops the start.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from = settings
            .mail_from
            .parse::<Mailbox>()
            .map_err(|error| anyhow::anyhow!("mail_from '{}' is not an address: {error}", settings.mail_from))?;
        let transport = match settings.smtp_url.as_deref().filter(|url| !url.is_empty()) {
            None => None,
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| anyhow::anyhow!("smtp_url is not usable: {error}"))?
                    .build(),
            ),
        };
        Ok(Self { transport, from, wake: Arc::default() })
    }

    /// Whether `smtp_url` is set, so letters are queued and go out.
    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    /// Tells the worker letters were queued (call after the commit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when a letter was queued in this process.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Hands one letter to the mail server.
    pub async fn deliver(&self, letter: Letter) -> Result<(), Failure> {
        let Some(transport) = &self.transport else {
            return Err(Failure { why: "mail is not configured (smtp_url)", permanent: true });
        };
        let message = self.message(letter).ok_or(Failure { why: "the letter could not be built", permanent: true })?;
        transport.send(message).await.map(drop).map_err(|error| failure(&error))
    }

    fn message(&self, letter: Letter) -> Option<Message> {
        let to = letter.to.parse::<Mailbox>().ok()?;
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(letter.subject);
        if let Some(link) = &letter.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{link}>")))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        match letter.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(letter.text, html)).ok(),
            None => builder.body(letter.text).ok(),
        }
    }
}

/// Queues letters when mail is configured; otherwise says so in the log
/// (naming neither address nor text) and queues nothing. Runs inside the
/// transaction of the event that causes the letters.
pub fn queue_unless_off(
    connection: &mut crate::db::AnyConnection,
    configured: bool,
    letters: &[crate::db::mail_outbox::NewLetter],
) -> crate::error::ApiResult<()> {
    if !configured {
        for letter in letters {
            tracing::warn!(kind = letter.kind, "mail is not configured (smtp_url), so a letter was not sent");
        }
        return Ok(());
    }
    letters.iter().try_for_each(|letter| crate::db::mail_outbox::queue(connection, letter))
}

fn failure(error: &lettre::transport::smtp::Error) -> Failure {
    let (why, permanent) = if error.is_permanent() {
        ("the mail server refused the letter", true)
    } else if error.is_transient() {
        ("the mail server asked to try later", false)
    } else if error.is_timeout() {
        ("the mail server did not answer in time", false)
    } else if error.is_tls() {
        ("the TLS connection to the mail server failed", false)
    } else {
        ("the mail server could not be reached", false)
    };
    Failure { why, permanent }
}
