//! Decoders: how a success response becomes an operation's result. Generated code names one
//! per operation, by what the operation answers with.

use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::page::Content;
use crate::error::Error;

/// Reads a success response into an operation's result.
pub type Decoder<T> = fn(StatusCode, &HeaderMap, &[u8]) -> Result<T, Error>;

/// `body` without a UTF-8 byte-order mark, which Graph has been seen to send.
pub(crate) fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

fn decode_error(status: StatusCode, path: String, message: String) -> Error {
    Error::Decode {
        status,
        path,
        message,
        client_request_id: None,
    }
}

/// Reads a success body as `T`; a failure names the path into the body where it happened.
#[doc(hidden)]
pub fn decode_json<T: DeserializeOwned>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    if let Some(e) = not_json(status, headers, body) {
        return Err(e);
    }
    let decode_error = |path: String, message: String| decode_error(status, path, message);
    let body = strip_bom(body);
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| decode_error(e.path().to_string(), e.into_inner().to_string()))?;
    de.end()
        .map_err(|e| decode_error(".".into(), e.to_string()))?;
    Ok(value)
}

/// A success status with no body to read.
#[doc(hidden)]
pub fn decode_empty(_: StatusCode, _: &HeaderMap, _: &[u8]) -> Result<(), Error> {
    Ok(())
}

/// A success status the operation does not declare.
#[doc(hidden)]
pub fn unexpected_status(status: StatusCode, body: &[u8]) -> Error {
    Error::Decode {
        status,
        path: ".".into(),
        message: format!(
            "the operation does not declare this status ({} bytes of body)",
            body.len()
        ),
        client_request_id: None,
    }
}

/// Reads a `$count` answer: an integer in plain text.
#[doc(hidden)]
pub fn decode_count(status: StatusCode, _: &HeaderMap, body: &[u8]) -> Result<u64, Error> {
    let text = std::str::from_utf8(strip_bom(body)).unwrap_or("");
    text.trim().parse().map_err(|_| {
        let shown: String = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
        decode_error(
            status,
            ".".into(),
            format!("expected a count (an integer in plain text), got {shown:?}"),
        )
    })
}

/// Reads a content answer: its bytes and content type, whatever they are.
#[doc(hidden)]
pub fn decode_content(_: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<Content, Error> {
    Ok(Content {
        content_type: headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        bytes: body.to_vec(),
    })
}

/// A success body that says it is not JSON (a proxy's HTML page, say): the error names the
/// content type and shows how the body starts, which a JSON parser's "expected value at line 1
/// column 1" would not.
fn not_json(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Option<Error> {
    let content_type = headers.get(CONTENT_TYPE)?.to_str().unwrap_or("<not text>");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let json =
        essence == "application/json" || essence.ends_with("+json") || essence == "text/json";
    if json || body.is_empty() {
        return None;
    }
    const START: usize = 120;
    let start = String::from_utf8_lossy(&body[..body.len().min(START)]);
    let more = if body.len() > START { "…" } else { "" };
    Some(Error::Decode {
        status,
        path: ".".into(),
        message: format!(
            "the body is `{content_type}`, not JSON ({} bytes): {start:?}{more}",
            body.len()
        ),
        client_request_id: None,
    })
}
