//! The crate's one error type.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::v1::MainError;

/// Everything that can go wrong building, sending or reading a request.
///
/// No variant ever holds the access token: messages are safe to log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before anything was sent (a header value with a line break, a
    /// base URL that is not one, a createOrGet body that breaks the time rules).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Graph answered with an error status.
    #[error(transparent)]
    Graph(Box<GraphError>),
    /// A success response whose body is not what the operation returns.
    #[error("cannot read the {status} response: at `{path}`: {message}{}", ids(.client_request_id.as_deref(), None))]
    Decode {
        /// The response status.
        status: StatusCode,
        /// Where in the body reading failed (`participants.organizer.role`), `.` for the top.
        path: String,
        /// What was wrong.
        message: String,
        /// The request's `client-request-id`, when the client sent it.
        client_request_id: Option<String>,
    },
    /// The request body could not be encoded as JSON.
    #[error("cannot encode the request body: {0}")]
    Encode(String),
    /// The token provider failed.
    #[error("cannot get an access token: {0}")]
    Credential(String),
    /// No response within the timeout, on the last attempt.
    #[error("no response within {after:?} ({attempts} attempt(s)){}", ids(Some(.client_request_id), None))]
    Timeout {
        /// The per-attempt timeout.
        after: Duration,
        /// Attempts made.
        attempts: u32,
        /// The request's `client-request-id`.
        client_request_id: String,
    },
    /// The connection failed or dropped, on the last attempt.
    #[error("transport error after {attempts} attempt(s): {message}{}", ids(Some(.client_request_id), None))]
    Transport {
        /// What happened, with its causes.
        message: String,
        /// Attempts made.
        attempts: u32,
        /// The request's `client-request-id`.
        client_request_id: String,
    },
    /// `send()` on a request built without a client ([`crate::request::Target::detached`]).
    #[error("this request was built without a client: use `to_http`, or `send_with(&client)`")]
    NoClient,
}

impl Error {
    /// The HTTP status, for errors that came with one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Graph(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `client-request-id` the request was sent with, when it was sent.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            Error::Graph(e) => e.client_request_id.as_deref(),
            Error::Decode {
                client_request_id, ..
            } => client_request_id.as_deref(),
            Error::Timeout {
                client_request_id, ..
            }
            | Error::Transport {
                client_request_id, ..
            } => Some(client_request_id),
            _ => None,
        }
    }

    /// How long Graph asked the caller to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Graph(e) => e.retry_after,
            _ => None,
        }
    }
}

fn ids(client_request_id: Option<&str>, request_id: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = request_id {
        parts.push(format!("request-id {r}"));
    }
    if let Some(c) = client_request_id {
        parts.push(format!("client-request-id {c}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// An error status from Graph, with everything it said about it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GraphError {
    /// The status.
    pub status: StatusCode,
    /// Graph's error body (`code`, `message`, `target`, `details`, `innerError`), when the body
    /// was one.
    pub error: Option<MainError>,
    /// The body as text, when it was not a Graph error body (a proxy's HTML page, say).
    pub raw_body: Option<String>,
    /// How long to wait before trying again (`Retry-After`: seconds, fractions, or a date).
    pub retry_after: Option<Duration>,
    /// The `request-id` response header, or the body's `innerError.request-id`.
    pub request_id: Option<String>,
    /// The `client-request-id` the request was sent with.
    pub client_request_id: Option<String>,
    /// Attempts the client made, this answer's included (0 when read without the client).
    pub attempts: u32,
}

impl GraphError {
    /// Reads an error response.
    pub fn from_parts(status: StatusCode, headers: &http::HeaderMap, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: MainError,
        }
        let error = serde_json::from_slice::<Envelope>(body)
            .ok()
            .map(|e| e.error);
        let raw_body = match error {
            Some(_) => None,
            None if body.is_empty() => None,
            None => Some(String::from_utf8_lossy(body).into_owned()),
        };
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let inner = |name: &str| {
            error
                .as_ref()
                .and_then(|e| e.inner_error.as_ref())
                .and_then(|i| match name {
                    "request-id" => i.request_id.clone(),
                    _ => i.client_request_id.clone(),
                })
        };
        GraphError {
            status,
            retry_after: headers
                .get(http::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after),
            request_id: header("request-id").or_else(|| inner("request-id")),
            client_request_id: header("client-request-id").or_else(|| inner("client-request-id")),
            error,
            raw_body,
            attempts: 0,
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Graph answered {}", self.status)?;
        match (&self.error, &self.raw_body) {
            (Some(e), _) => {
                write!(f, ": {}: {}", e.code, e.message)?;
                if let Some(target) = &e.target {
                    write!(f, " (target `{target}`)")?;
                }
            }
            (None, Some(raw)) => {
                let shown: String = raw.chars().take(200).collect();
                let more = if raw.chars().count() > 200 { "…" } else { "" };
                write!(f, " with a body that is not a Graph error: {shown}{more}")?;
            }
            (None, None) => write!(f, " with no body")?,
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; retry after {wait:?}")?;
        }
        if self.attempts > 1 {
            write!(f, "; after {} attempts", self.attempts)?;
        }
        f.write_str(&ids(
            self.client_request_id.as_deref(),
            self.request_id.as_deref(),
        ))
    }
}

impl std::error::Error for GraphError {}

impl From<GraphError> for Error {
    fn from(e: GraphError) -> Self {
        Error::Graph(Box::new(e))
    }
}

/// `Retry-After` as seconds (`120`), fractional seconds (`0.1`), or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0.1"), Some(Duration::from_millis(100)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
        let wait = parse_retry_after(&later).unwrap();
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30));
    }

    #[test]
    fn reads_graph_error_bodies_and_others() {
        let body = br#"{"error":{"code":"Forbidden","message":"No policy","innerError":{"request-id":"r1","client-request-id":"c1","date":"2024-01-01T00:00:00"}}}"#;
        let mut headers = http::HeaderMap::new();
        headers.insert("retry-after", "2".parse().unwrap());
        let e = GraphError::from_parts(StatusCode::FORBIDDEN, &headers, body);
        assert_eq!(e.error.as_ref().unwrap().code, "Forbidden");
        assert_eq!(e.request_id.as_deref(), Some("r1"));
        assert_eq!(e.retry_after, Some(Duration::from_secs(2)));
        assert_eq!(
            e.to_string(),
            "Graph answered 403 Forbidden: Forbidden: No policy; retry after 2s (request-id r1, client-request-id c1)"
        );
        let e = GraphError::from_parts(
            StatusCode::BAD_GATEWAY,
            &http::HeaderMap::new(),
            b"<html>bad gateway</html>",
        );
        assert_eq!(e.raw_body.as_deref(), Some("<html>bad gateway</html>"));
        assert!(e.to_string().contains("not a Graph error: <html>"));
    }
}
