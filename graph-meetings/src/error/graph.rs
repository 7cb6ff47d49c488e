//! Graph's error answers and `Retry-After`.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use super::challenge::{claims_challenge, ClaimsChallenge};
use super::clip::{clip, Clipped, ClippedDebug, SHOWN};
use super::ids;

/// Graph's error body (`{"error": {...}}`), read with the error type of the API version that
/// answered: v1.0's `MainError` for v1.0 requests, beta's for beta requests.
///
/// ```
/// use graph_meetings::{ErrorBody, GraphError};
///
/// let body = br#"{"error":{"code":"Forbidden","message":"No","innerError":{"request-id":"r9"}}}"#;
/// let e = GraphError::from_response("v1.0", http::StatusCode::FORBIDDEN, &http::HeaderMap::new(), body);
/// let error: &ErrorBody = e.error.as_ref().unwrap();
/// assert!(matches!(error, ErrorBody::V1(_)));
/// assert_eq!((error.code(), error.message(), error.request_id()), ("Forbidden", "No", Some("r9")));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// Read as v1.0's `MainError`.
    V1(crate::v1::MainError),
    /// Read as beta's `MainError`.
    #[cfg(feature = "beta")]
    #[cfg_attr(docsrs, doc(cfg(feature = "beta")))]
    Beta(crate::beta::MainError),
}

/// What both versions' error bodies have, each from its own type.
macro_rules! each_version {
    ($self:ident, $e:ident => $body:expr) => {
        match $self {
            ErrorBody::V1($e) => $body,
            #[cfg(feature = "beta")]
            ErrorBody::Beta($e) => $body,
        }
    };
}

impl ErrorBody {
    /// Reads `body` as the error body of `version` (`v1.0`, `beta`); `None` if it is not one.
    pub fn read(version: &str, body: &[u8]) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Envelope<E> {
            error: E,
        }
        fn read<E: serde::de::DeserializeOwned>(body: &[u8]) -> Option<E> {
            serde_json::from_slice::<Envelope<E>>(body)
                .ok()
                .map(|e| e.error)
        }
        match version {
            #[cfg(feature = "beta")]
            "beta" => read(body).map(ErrorBody::Beta),
            _ => read(body).map(ErrorBody::V1),
        }
    }

    /// Graph's error code (`Forbidden`, `TooManyRequests`).
    pub fn code(&self) -> &str {
        each_version!(self, e => &e.code)
    }

    /// Graph's message.
    pub fn message(&self) -> &str {
        each_version!(self, e => &e.message)
    }

    /// The target of the error, if Graph named one.
    pub fn target(&self) -> Option<&str> {
        each_version!(self, e => e.target.as_deref())
    }

    /// `innerError.request-id`.
    pub fn request_id(&self) -> Option<&str> {
        each_version!(self, e => e.inner_error.as_ref().and_then(|i| i.request_id.as_deref()))
    }

    /// `innerError.client-request-id`.
    pub fn client_request_id(&self) -> Option<&str> {
        each_version!(self, e => e.inner_error.as_ref().and_then(|i| i.client_request_id.as_deref()))
    }
}

/// An error status from Graph, with everything it said about it: its ODataError body, the
/// response headers (`WWW-Authenticate` included), and the ids to quote to Microsoft.
///
/// ```
/// use graph_meetings::GraphError;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("retry-after", "2".parse()?);
/// headers.insert("request-id", "r1".parse()?);
/// let body = br#"{"error":{"code":"TooManyRequests","message":"Slow down"}}"#;
/// let e = GraphError::from_parts(http::StatusCode::TOO_MANY_REQUESTS, &headers, body);
/// assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(2)));
/// assert_eq!(e.headers["request-id"], "r1");
/// assert_eq!(
///     e.to_string(),
///     "Graph answered 429 Too Many Requests: TooManyRequests: Slow down; retry after 2s (request-id r1)"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct GraphError {
    /// The status.
    pub status: StatusCode,
    /// Graph's error body (`code`, `message`, `target`, `details`, `innerError`), when the body
    /// was one.
    pub error: Option<ErrorBody>,
    /// The body as text, when it was not a Graph error body (a proxy's HTML page, say).
    /// `Display` and `Debug` show its start; this field (and [`GraphError::raw_body`]) has it
    /// all.
    pub raw_body: Option<String>,
    /// How long to wait before trying again (`Retry-After`: seconds, fractions, or a date).
    pub retry_after: Option<Duration>,
    /// The `request-id` response header, or the body's `innerError.request-id`.
    pub request_id: Option<String>,
    /// The `client-request-id` the request was sent with.
    pub client_request_id: Option<String>,
    /// Attempts the client made, this answer's included (0 when read without the client).
    pub attempts: u32,
    /// The response headers as Graph sent them (`WWW-Authenticate`, `request-id`,
    /// `x-ms-ags-diagnostic`, ...).
    pub headers: HeaderMap,
}

impl GraphError {
    /// Reads an error response to a v1.0 request.
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        Self::from_response("v1.0", status, headers, body)
    }

    /// Reads an error response to a request of API `version` (`v1.0`, `beta`), its body with
    /// that version's error type.
    pub fn from_response(
        version: &str,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Self {
        let error = ErrorBody::read(version, crate::request::strip_bom(body));
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
            error.as_ref().and_then(|e| match name {
                "request-id" => e.request_id().map(str::to_string),
                _ => e.client_request_id().map(str::to_string),
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
            headers: headers.clone(),
        }
    }

    /// The whole body, when it was not a Graph error body.
    pub fn raw_body(&self) -> Option<&str> {
        self.raw_body.as_deref()
    }

    /// The claims challenge in `WWW-Authenticate`, when this is one (see [`ClaimsChallenge`]).
    pub fn claims_challenge(&self) -> Option<ClaimsChallenge> {
        claims_challenge(&self.headers)
    }
}

impl fmt::Debug for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, Clipped<'_>)> = self
            .headers
            .iter()
            .take(40)
            .map(|(n, v)| (n.as_str(), Clipped(v.to_str().unwrap_or("<not text>"))))
            .collect();
        f.debug_struct("GraphError")
            .field("status", &self.status)
            .field(
                "error",
                &self.error.as_ref().map(|e| ClippedDebug(e, 4 * SHOWN)),
            )
            .field("raw_body", &self.raw_body.as_deref().map(Clipped))
            .field("retry_after", &self.retry_after)
            .field("request_id", &self.request_id.as_deref().map(Clipped))
            .field(
                "client_request_id",
                &self.client_request_id.as_deref().map(Clipped),
            )
            .field("attempts", &self.attempts)
            .field("headers", &ClippedDebug(&headers, 4 * SHOWN))
            .finish()
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Graph answered {}", self.status)?;
        match (&self.error, &self.raw_body) {
            (Some(e), _) => {
                write!(f, ": {}: {}", clip(e.code()), clip(e.message()))?;
                if let Some(target) = e.target() {
                    write!(f, " (target `{}`)", clip(target))?;
                }
            }
            (None, Some(raw)) => {
                write!(f, " with a body that is not a Graph error: {}", clip(raw))?;
            }
            (None, None) => write!(f, " with no body")?,
        }
        if let Some(challenge) = self.claims_challenge() {
            write!(f, "; a claims challenge for {}", clip(challenge.claims()))?;
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

impl From<GraphError> for super::Error {
    fn from(e: GraphError) -> Self {
        super::Error::Graph(Box::new(e))
    }
}

/// `Retry-After` as seconds (`120`), fractional seconds (`0.1`), or an HTTP date. A negative
/// or unreadable value is `None`; one too long for a `Duration` is `Duration::MAX`.
///
/// ```
/// use std::time::Duration;
/// use graph_meetings::parse_retry_after;
///
/// assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
/// assert_eq!(parse_retry_after("-1"), None);
/// assert_eq!(parse_retry_after("99999999999999999999999"), Some(Duration::MAX));
/// ```
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        if !seconds.is_finite() || seconds < 0.0 {
            return None;
        }
        return Some(Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
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
    use http::StatusCode;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0.1"), Some(Duration::from_millis(100)));
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("inf"), None);
        assert_eq!(parse_retry_after("1e30"), Some(Duration::MAX));
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
        assert_eq!(e.error.as_ref().unwrap().code(), "Forbidden");
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
