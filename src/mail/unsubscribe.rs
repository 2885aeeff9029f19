//! One-click unsubscribe links (RFC 8058): a token naming one member and
//! one topic, signed with that member's own key (HMAC-SHA256), so it turns
//! off that topic for that member and can be made to do nothing else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::domain::mail::Topic;

/// A member and topic read from a token whose signature is still to be checked.
pub struct Claim {
    pub user_id: i64,
    pub topic: Topic,
    signature: Vec<u8>,
}

/// The token for `user_id`'s `topic`: `{member}.{topic}.{signature}`.
pub fn token(user_id: i64, topic: Topic, key: &str) -> String {
    format!("{user_id}.{}.{}", topic.as_str(), URL_SAFE_NO_PAD.encode(signature(user_id, topic, key)))
}

/// Reads a token's member and topic; none if it is not shaped like one.
pub fn read(token: &str) -> Option<Claim> {
    let mut parts = token.splitn(3, '.');
    let user_id = parts.next()?.parse().ok()?;
    let topic = Topic::parse(parts.next()?)?;
    let signature = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
    Some(Claim { user_id, topic, signature })
}

impl Claim {
    /// Whether the member's key signed this claim (compared in constant time).
    pub fn is_signed_with(&self, key: &str) -> bool {
        mac(self.user_id, self.topic, key).verify_slice(&self.signature).is_ok()
    }
}

/// Where a mail client POSTs to unsubscribe (the `List-Unsubscribe` header).
pub fn api_link(public_origin: &str, token: &str) -> String {
    format!("{public_origin}/api/v1/mail-unsubscribe/{token}")
}

/// The web client's page that asks before unsubscribing (a letter's footer
/// link: a link scanner opening it changes nothing).
pub fn page_link(public_origin: &str, token: &str) -> String {
    format!("{public_origin}/unsubscribe#token={token}")
}

fn mac(user_id: i64, topic: Topic, key: &str) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC accepts any key length");
    mac.update(format!("unsubscribe:{user_id}:{}", topic.as_str()).as_bytes());
    mac
}

fn signature(user_id: i64, topic: Topic, key: &str) -> Vec<u8> {
    mac(user_id, topic, key).finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::{Digest, MailKind};

    #[test]
    fn a_token_names_one_member_and_topic_and_cannot_be_changed() {
        let replies = Topic::Kind(MailKind::Replies);
        let made = token(7, replies, "key of member seven");
        let claim = read(&made).expect("a token");
        assert_eq!((claim.user_id, claim.topic), (7, replies));
        assert!(claim.is_signed_with("key of member seven"));
        assert!(!claim.is_signed_with("key of member eight"));
        let signature = made.rsplit('.').next().unwrap_or_default();
        for forged in
            [format!("8.replies.{signature}"), format!("7.mentions.{signature}"), format!("7.daily_digest.{signature}")]
        {
            assert!(read(&forged).is_some_and(|claim| !claim.is_signed_with("key of member seven")), "{forged}");
        }
        assert!(read("7.everything.abc").is_none());
        assert!(read(&token(7, Topic::Digest(Digest::Weekly), "k")).is_some());
    }
}
