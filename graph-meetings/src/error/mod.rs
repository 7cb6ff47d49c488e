//! The crate's one error type.

mod challenge;
mod clip;
mod graph;

use std::fmt;
use std::time::Duration;

use http::StatusCode;

pub use challenge::ClaimsChallenge;
pub(crate) use clip::{clip, Clipped};
pub use graph::{parse_retry_after, ErrorBody, GraphError};

/// Everything that can go wrong building, sending or reading a request.
///
/// No variant ever holds the access token: messages are safe to log. `Display` and `Debug`
/// are bounded (a few hundred characters per field, whatever the server sent); the whole body
/// of an error answer stays readable through [`GraphError::raw_body`].
///
/// ```
/// use graph_meetings::{Error, OnlineMeeting, Requests};
///
/// let request = Requests::detached().me().online_meetings().create(&OnlineMeeting::default());
/// let answer = http::Response::builder()
///     .status(403)
///     .body(r#"{"error":{"code":"Forbidden","message":"No policy"}}"#)?;
/// match request.parse_response(&answer) {
///     Err(Error::Graph(e)) => {
///         assert_eq!(e.status, 403);
///         assert_eq!(e.error.as_ref().map(|e| e.code()), Some("Forbidden"));
///     }
///     other => panic!("expected Graph's error, got {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before anything was sent (a header value with a line break, a
    /// base URL that is not one, a createOrGet body that breaks the time rules).
    #[error("invalid argument: {}", clip(.0))]
    InvalidArgument(String),
    /// Graph answered with an error status.
    #[error(transparent)]
    Graph(Box<GraphError>),
    /// A success response whose body is not what the operation returns.
    #[error("cannot read the {status} response: at `{}`: {}{}", clip(.path), clip(.message), ids(.client_request_id.as_deref(), None))]
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
    #[error("cannot encode the request body: {}", clip(.0))]
    Encode(String),
    /// The token provider failed.
    #[error("cannot get an access token: {}", clip(.0))]
    Credential(String),
    /// The last attempt did not finish within the timeout.
    #[error("{}{after:?} ({attempts} attempt(s)){}", timeout_text(*.status), ids(Some(.client_request_id), None))]
    Timeout {
        /// The per-attempt timeout.
        after: Duration,
        /// Attempts made.
        attempts: u32,
        /// The request's `client-request-id`.
        client_request_id: String,
        /// The status, when the status line and headers arrived and the body then stalled;
        /// `None` when not even the headers came.
        status: Option<StatusCode>,
    },
    /// The connection failed or dropped, on the last attempt.
    #[error("transport error after {attempts} attempt(s): {}{}", clip(.message), ids(Some(.client_request_id), None))]
    Transport {
        /// What happened, with its causes.
        message: String,
        /// Attempts made.
        attempts: u32,
        /// The request's `client-request-id`.
        client_request_id: String,
    },
    /// The response body is larger than `ClientBuilder::max_response_bytes`; the client
    /// stopped reading it.
    #[error("the {status} response {}; the limit is {limit} bytes (ClientBuilder::max_response_bytes){}",
        match .announced { Some(n) => format!("announced a body of {n} bytes (Content-Length), so none of it was read"), None => format!("body passed {limit} bytes, so reading stopped there") },
        ids(Some(.client_request_id), None))]
    TooLarge {
        /// The response status.
        status: StatusCode,
        /// The limit.
        limit: u64,
        /// The `Content-Length` the server announced, when that alone passed the limit.
        announced: Option<u64>,
        /// The request's `client-request-id`.
        client_request_id: String,
    },
    /// A redirect the client does not follow: see [`crate::Client`] for the policy.
    #[error("the service answered {status} with a redirect to {}, which the client does not follow: {reason}{}",
        .location.as_deref().map(|l| format!("`{}`", clip(l))).unwrap_or_else(|| "no usable Location".into()),
        ids(Some(.client_request_id), None))]
    Redirect {
        /// The redirect status (301, 302, 303, 307, 308).
        status: StatusCode,
        /// The `Location` header, when there was one.
        location: Option<String>,
        /// Why it was not followed.
        reason: RedirectRefused,
        /// The request's `client-request-id`.
        client_request_id: String,
    },
    /// `send()` on a request built without a client ([`crate::request::Target::detached`]).
    #[error("this request was built without a client: use `to_http`, or `send_with(&client)`")]
    NoClient,
}

/// Why a redirect was not followed.
///
/// ```
/// use graph_meetings::RedirectRefused;
///
/// assert_eq!(
///     RedirectRefused::OtherOrigin.to_string(),
///     "it leads to another origin, and the request is never sent anywhere but Graph's origin"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectRefused {
    /// 307/308 to another scheme, host or port.
    OtherOrigin,
    /// 301, 302 or 303, which clients follow with a GET: the operation would change.
    ChangesMethod,
    /// More 307/308 hops than the client follows.
    TooMany,
    /// No `Location`, or one that is not a URL.
    NoLocation,
    /// The reqwest client passed to `ClientBuilder::reqwest_client` followed a redirect to
    /// another origin itself; its answer is not reported as Graph's.
    FollowedElsewhere,
}

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RedirectRefused::OtherOrigin => {
                "it leads to another origin, and the request is never sent anywhere but Graph's origin"
            }
            RedirectRefused::ChangesMethod => {
                "following it would turn the request into a GET without its body"
            }
            RedirectRefused::TooMany => "too many redirects in a row",
            RedirectRefused::NoLocation => "it has no Location to follow",
            RedirectRefused::FollowedElsewhere => {
                "the reqwest client followed it to another origin, whose answer is not Graph's (build it with Client::reqwest_builder, which follows no redirects)"
            }
        })
    }
}

fn timeout_text(status: Option<StatusCode>) -> String {
    match status {
        None => "no response headers within ".into(),
        Some(s) => {
            format!("the {s} response headers arrived but the body stalled: not complete within ")
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument(m) => {
                f.debug_tuple("InvalidArgument").field(&Clipped(m)).finish()
            }
            Error::Graph(g) => f.debug_tuple("Graph").field(g).finish(),
            Error::Decode {
                status,
                path,
                message,
                client_request_id,
            } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("path", &Clipped(path))
                .field("message", &Clipped(message))
                .field("client_request_id", client_request_id)
                .finish(),
            Error::Encode(m) => f.debug_tuple("Encode").field(&Clipped(m)).finish(),
            Error::Credential(m) => f.debug_tuple("Credential").field(&Clipped(m)).finish(),
            Error::Timeout {
                after,
                attempts,
                client_request_id,
                status,
            } => f
                .debug_struct("Timeout")
                .field("after", after)
                .field("attempts", attempts)
                .field("client_request_id", client_request_id)
                .field("status", status)
                .finish(),
            Error::Transport {
                message,
                attempts,
                client_request_id,
            } => f
                .debug_struct("Transport")
                .field("message", &Clipped(message))
                .field("attempts", attempts)
                .field("client_request_id", client_request_id)
                .finish(),
            Error::TooLarge {
                status,
                limit,
                announced,
                client_request_id,
            } => f
                .debug_struct("TooLarge")
                .field("status", status)
                .field("limit", limit)
                .field("announced", announced)
                .field("client_request_id", client_request_id)
                .finish(),
            Error::Redirect {
                status,
                location,
                reason,
                client_request_id,
            } => f
                .debug_struct("Redirect")
                .field("status", status)
                .field("location", &location.as_deref().map(Clipped))
                .field("reason", reason)
                .field("client_request_id", client_request_id)
                .finish(),
            Error::NoClient => f.write_str("NoClient"),
        }
    }
}

impl Error {
    /// The HTTP status, for errors that came with one.
    ///
    /// ```
    /// use graph_meetings::{Error, GraphError};
    ///
    /// let e = Error::from(GraphError::from_parts(http::StatusCode::FORBIDDEN, &http::HeaderMap::new(), b""));
    /// assert_eq!(e.status(), Some(http::StatusCode::FORBIDDEN));
    /// assert_eq!(Error::NoClient.status(), None);
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Graph(e) => Some(e.status),
            Error::Decode { status, .. }
            | Error::TooLarge { status, .. }
            | Error::Redirect { status, .. } => Some(*status),
            Error::Timeout { status, .. } => *status,
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
            }
            | Error::TooLarge {
                client_request_id, ..
            }
            | Error::Redirect {
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

    /// The claims Graph asked for, when the answer was a claims challenge (a `401` with
    /// `WWW-Authenticate: Bearer error="insufficient_claims", claims="..."`) that the client
    /// could not satisfy: see [`ClaimsChallenge`].
    pub fn claims_challenge(&self) -> Option<ClaimsChallenge> {
        match self {
            Error::Graph(e) => e.claims_challenge(),
            _ => None,
        }
    }
}

fn ids(client_request_id: Option<&str>, request_id: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(r) = request_id {
        parts.push(format!("request-id {}", clip(r)));
    }
    if let Some(c) = client_request_id {
        parts.push(format!("client-request-id {}", clip(c)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}
