//! Purpose: Slack's v0 request signature, checked on the raw body bytes before anything
//! is parsed. Also signs, for tests that forge or replay a request by hand (the
//! slack-standin crate signs with its own copy of Slack's scheme: the two agreeing is
//! what every black-box test checks).
//!
//! We compute the HMAC ourselves rather than use slack-morphism's verifier: it takes the
//! body as `&str` and reads the system clock, and we need raw bytes and an injected clock
//! (tests of the 5-minute window). Slack's published worked example pins the scheme.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "x-slack-signature";
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
/// Slack's replay window: requests older (or newer) than this are refused.
pub const MAX_SKEW_SECONDS: i64 = 5 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature or timestamp header is missing")]
    Missing,
    #[error("the timestamp is not a number")]
    BadTimestamp,
    #[error("the timestamp is outside the five-minute window")]
    Stale,
    #[error("the signature is not a v0 signature")]
    Malformed,
    #[error("the signature does not match")]
    Mismatch,
}

fn mac(secret: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    mac
}

/// The `X-Slack-Signature` value Slack would send for this body.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    format!(
        "v0={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Checks a request's signature headers against its raw body, at `now` (Unix seconds).
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(SignatureError::Missing);
    };
    let sent: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    // The timestamp is the sender's to choose: `now - sent` could overflow, `abs_diff`
    // cannot.
    if now.abs_diff(sent) > MAX_SKEW_SECONDS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let expected = signature
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(SignatureError::Malformed)?;
    // verify_slice compares in constant time.
    mac(secret, timestamp, body)
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The worked example in Slack's "Verifying requests from Slack".
    const DOC_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const DOC_TIMESTAMP: &str = "1531420618";
    const DOC_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const DOC_SIGNATURE: &str =
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    const DOC_NOW: i64 = 1531420618;

    #[test]
    fn slacks_worked_example_signs_and_verifies() {
        assert_eq!(
            sign(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY.as_bytes()),
            DOC_SIGNATURE
        );
        assert_eq!(
            verify(
                DOC_SECRET,
                Some(DOC_TIMESTAMP),
                Some(DOC_SIGNATURE),
                DOC_BODY.as_bytes(),
                DOC_NOW + 60
            ),
            Ok(())
        );
    }

    #[test]
    fn one_changed_byte_fails() {
        let mut body = DOC_BODY.as_bytes().to_vec();
        body[10] ^= 1;
        assert_eq!(
            verify(
                DOC_SECRET,
                Some(DOC_TIMESTAMP),
                Some(DOC_SIGNATURE),
                &body,
                DOC_NOW
            ),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                "other",
                Some(DOC_TIMESTAMP),
                Some(DOC_SIGNATURE),
                DOC_BODY.as_bytes(),
                DOC_NOW
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn the_window_is_five_minutes_both_ways() {
        let check = |now| {
            verify(
                DOC_SECRET,
                Some(DOC_TIMESTAMP),
                Some(DOC_SIGNATURE),
                DOC_BODY.as_bytes(),
                now,
            )
        };
        assert_eq!(check(DOC_NOW + 300), Ok(()));
        assert_eq!(check(DOC_NOW + 301), Err(SignatureError::Stale));
        assert_eq!(check(DOC_NOW - 301), Err(SignatureError::Stale));
    }

    #[test]
    fn extreme_timestamps_are_refused_as_stale_without_overflowing() {
        for (timestamp, now) in [
            (i64::MIN.to_string(), DOC_NOW),
            ((i64::MIN + 1).to_string(), DOC_NOW),
            (i64::MAX.to_string(), DOC_NOW),
            ("-9223372036854775807".to_owned(), i64::MAX),
            (i64::MAX.to_string(), i64::MIN),
            (i64::MIN.to_string(), i64::MAX),
        ] {
            let signature = sign(DOC_SECRET, &timestamp, DOC_BODY.as_bytes());
            assert_eq!(
                verify(
                    DOC_SECRET,
                    Some(&timestamp),
                    Some(&signature),
                    DOC_BODY.as_bytes(),
                    now
                ),
                Err(SignatureError::Stale),
                "{timestamp} at {now}"
            );
        }
        // Beyond i64 is not a number we can compare with: refused, not wrapped.
        assert_eq!(
            verify(
                DOC_SECRET,
                Some("99999999999999999999999"),
                Some(DOC_SIGNATURE),
                DOC_BODY.as_bytes(),
                DOC_NOW
            ),
            Err(SignatureError::BadTimestamp)
        );
    }

    #[test]
    fn missing_and_malformed_headers_are_told_apart() {
        let body = DOC_BODY.as_bytes();
        assert_eq!(
            verify(DOC_SECRET, None, Some(DOC_SIGNATURE), body, DOC_NOW),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(
                DOC_SECRET,
                Some("yesterday"),
                Some(DOC_SIGNATURE),
                body,
                DOC_NOW
            ),
            Err(SignatureError::BadTimestamp)
        );
        assert_eq!(
            verify(
                DOC_SECRET,
                Some(DOC_TIMESTAMP),
                Some("v1=abc"),
                body,
                DOC_NOW
            ),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(
                DOC_SECRET,
                Some(DOC_TIMESTAMP),
                Some("v0=zz"),
                body,
                DOC_NOW
            ),
            Err(SignatureError::Malformed)
        );
    }
}
