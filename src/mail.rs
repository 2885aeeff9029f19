//! Mail to members (email verification and password-reset links) over
//! SMTP with lettre, to the server `smtp_url` names. Sending happens in
//! the background, so a request never waits on (or reveals anything by)
//! the mail server; without `smtp_url` nothing is sent, and the log says
//! so without naming the address.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;

/// A letter to one member: plain text, no personal data beyond the address.
pub struct Letter {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
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
        Ok(Self { transport, from })
    }

    /// Whether `smtp_url` is set, so letters go out.
    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    /// Sends in the background; failures are logged without the address or the text.
    pub fn send(&self, letter: Letter) {
        let Some(transport) = self.transport.clone() else {
            tracing::warn!(subject = %letter.subject, "mail is not configured (smtp_url), so a letter was not sent");
            return;
        };
        let from = self.from.clone();
        tokio::spawn(async move {
            let subject = letter.subject.clone();
            let message = letter
                .to
                .parse::<Mailbox>()
                .ok()
                .and_then(|to| Message::builder().from(from).to(to).subject(letter.subject).body(letter.body).ok());
            let sent = match message {
                Some(message) => transport.send(message).await.map(drop).map_err(|error| failure(&error)),
                None => Err("the letter could not be built"),
            };
            match sent {
                Ok(()) => tracing::info!(%subject, "mail sent"),
                Err(why) => tracing::warn!(%subject, why, "mail could not be sent"),
            }
        });
    }
}

/// Why sending failed, in words that cannot carry the address (a server's
/// reply often repeats it).
fn failure(error: &lettre::transport::smtp::Error) -> &'static str {
    if error.is_permanent() {
        "the mail server refused the letter"
    } else if error.is_transient() {
        "the mail server asked to try later"
    } else if error.is_timeout() {
        "the mail server did not answer in time"
    } else if error.is_tls() {
        "the TLS connection to the mail server failed"
    } else {
        "the mail server could not be reached"
    }
}
