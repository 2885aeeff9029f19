//! The optional safeguarding webhook, for a charity's on-call system: a
//! JSON POST naming only the item's link, its community's slug and the risk
//! level, signed with HMAC-SHA256 over the exact body so the receiver can
//! tell it came from this instance. Failed deliveries are tried again with
//! a growing wait (the sweeper keeps the schedule in the database).

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::Sha256;

/// The header carrying `sha256=<hex of the HMAC>`.
pub const SIGNATURE_HEADER: &str = "X-Kindred-Signature";
/// Deliveries tried at most; the last failure is logged and the webhook given up.
pub const MOST_ATTEMPTS: i32 = 12;
/// Longest wait between two tries.
const LONGEST_WAIT_SECONDS: u64 = 300;
/// Longest a receiver may take to answer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// What the receiver is told: nothing about the member or what they wrote.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    pub event: &'static str,
    pub item_url: &'a str,
    pub community: Option<&'a str>,
    pub risk: &'a str,
}

/// `sha256=<hex>` of HMAC-SHA256 over `body` with `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// Seconds to wait before the next try after `failures` failed ones: 1, 2,
/// 4, ... up to five minutes.
pub fn wait_after(failures: i32) -> u64 {
    let doublings = u32::try_from(failures.saturating_sub(1)).unwrap_or(0).min(16);
    (1u64 << doublings).min(LONGEST_WAIT_SECONDS)
}

/// Posts one signed delivery; Ok when the receiver answered 2xx.
pub async fn deliver(client: &reqwest::Client, url: &str, secret: &str, body: Vec<u8>) -> Result<(), String> {
    let answer = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signature(secret, &body))
        .timeout(ANSWER_TIMEOUT)
        .body(body)
        .send()
        .await
        .map_err(|error| if error.is_timeout() { "no answer in time".to_owned() } else { "unreachable".to_owned() })?;
    if answer.status().is_success() { Ok(()) } else { Err(format!("answered {}", answer.status().as_u16())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn waits_double_up_to_five_minutes() {
        assert_eq!([1, 2, 3, 4].map(wait_after), [1, 2, 4, 8]);
        assert_eq!(wait_after(MOST_ATTEMPTS), LONGEST_WAIT_SECONDS);
    }
}
