//! Purpose: the HTTP answers both listeners give, Slack's (and the probes') and the
//! operations socket's, built in one place: a status with a plain-text sentence, or JSON.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;

/// What every answer's body is: bytes we have in hand.
pub type Body = Full<Bytes>;

const PLAIN: &str = "text/plain; charset=utf-8";
const JSON: &str = "application/json; charset=utf-8";

pub fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A status and a plain-text sentence.
pub fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    respond(status, PLAIN, body)
}

/// 200 with `value` as JSON.
pub fn json(value: &impl Serialize) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(body) => respond(StatusCode::OK, JSON, body),
        // Our own plain answer types always serialize; should one not, say so plainly.
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_say_what_they_carry() {
        let plain = text(StatusCode::NOT_FOUND, "not found");
        assert_eq!(plain.status(), StatusCode::NOT_FOUND);
        assert_eq!(plain.headers()[CONTENT_TYPE], PLAIN);
        let json = json(&serde_json::json!({"cases": 2}));
        assert_eq!(json.status(), StatusCode::OK);
        assert_eq!(json.headers()[CONTENT_TYPE], JSON);
    }
}
