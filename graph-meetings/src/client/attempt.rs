//! One request's attempts: tokens, the claims challenge, redirects, bounded reads, retries.
//! The only place that decides whether to send again.

use std::time::Duration;

use http::header::{HeaderValue, AUTHORIZATION, LOCATION};
use http::{HeaderMap, StatusCode};
use tokio::time::Instant;
use tracing::Instrument as _;

use super::{Client, Response, TokenRequest};
use crate::error::{ClaimsChallenge, Error, RedirectRefused};
use crate::request::{parse, Request};

/// 307/308 hops to the same origin followed within one attempt.
pub(crate) const MAX_REDIRECTS: u32 = 5;

/// What one attempt came to.
enum Failure {
    /// No answer within the deadline; `Some(status)` when the headers came and the body did not.
    Timeout(Option<StatusCode>),
    /// The connection failed or dropped; `true` when nothing can have been sent.
    Transport(reqwest::Error),
    /// An answer the client will not read or follow (too large, a redirect it refuses).
    Final(Error),
}

pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    /// The body, read whole (within the size limit); empty when `stream` holds it.
    pub(super) body: Vec<u8>,
    /// A success body left unread, for a download.
    pub(super) stream: Option<reqwest::Response>,
}

/// How an attempt reads a success body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum BodyMode {
    /// Whole, within `max_response_bytes`.
    Read,
    /// Not at all: a download streams it. Error bodies are still read whole.
    Stream,
}

/// The answer the attempts came to, and what the client knows about them.
pub(super) struct Sent {
    pub(super) answer: Answer,
    pub(super) attempts: u32,
    pub(super) client_request_id: String,
}

impl Client {
    /// The service root requests of `version` go to (`https://graph.microsoft.com/v1.0`).
    pub(crate) fn base_url(&self, version: &str) -> String {
        format!("{}/{}", self.cloud.root().trim_end_matches('/'), version)
    }

    pub(super) async fn execute<T>(&self, request: &Request<'_, T>) -> Result<Response<T>, Error> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let base = self.base_url(request.target.version());
        let http_request = request.to_http(&base)?;
        let span = tracing::info_span!(
            "graph_request",
            method = %request.method,
            path = %request.path,
            client_request_id = %client_request_id,
        );
        let sent = self
            .attempts(
                request.idempotent,
                http_request,
                client_request_id,
                BodyMode::Read,
            )
            .instrument(span)
            .await?;
        let Sent {
            answer,
            attempts,
            client_request_id,
        } = sent;
        let request_id = answer
            .headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let version = request.target.version();
        match parse(
            request.decode,
            version,
            answer.status,
            &answer.headers,
            &answer.body,
        ) {
            Ok(value) => Ok(Response {
                value,
                status: answer.status,
                client_request_id,
                request_id,
                attempts,
            }),
            Err(e) => Err(annotate(e, &client_request_id, attempts)),
        }
    }

    /// Sends `http_request` until it is answered, the policy gives up, or an error is final.
    pub(super) async fn attempts(
        &self,
        idempotent: bool,
        http_request: http::Request<Vec<u8>>,
        client_request_id: String,
        mode: BodyMode,
    ) -> Result<Sent, Error> {
        let policy = &self.retry;
        let started = std::time::Instant::now();
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        // The claims of the challenge being answered, and whether one was (once per request).
        let mut claims: Option<ClaimsChallenge> = None;
        loop {
            attempt += 1;
            let scopes = [self.scope.as_str()];
            let mut token_request = TokenRequest::new(&scopes);
            if let Some(c) = &claims {
                token_request = token_request.with_claims(c.claims());
            }
            let token = self.credential.token_for(token_request).await?;
            let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.secret()))
                .map_err(|_| Error::Credential("the token is not a valid header value".into()))?;
            bearer.set_sensitive(true);
            let deadline = Instant::now() + self.timeout;
            let result = self
                .send_once(&http_request, bearer, &client_request_id, deadline, mode)
                .await;
            if let Ok(answer) = &result {
                if answer.status == StatusCode::UNAUTHORIZED && claims.is_none() {
                    if let Some(challenge) =
                        crate::error::GraphError::from_parts(answer.status, &answer.headers, b"")
                            .claims_challenge()
                    {
                        // Graph refused this token (Continuous Access Evaluation): one more
                        // send with a token carrying the claims, outside the retry policy.
                        tracing::info!(attempt, "claims challenge; asking for a new token");
                        claims = Some(challenge);
                        continue;
                    }
                }
            }
            let retries = attempt - u32::from(claims.is_some());
            let (retry, wait) = match &result {
                Ok(answer) => {
                    let retry_after = answer
                        .headers
                        .get(http::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(crate::error::parse_retry_after);
                    let status = answer.status;
                    let retryable = status == StatusCode::TOO_MANY_REQUESTS
                        || (matches!(
                            status,
                            StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
                        ) && (idempotent || policy.retry_unknown_outcome));
                    tracing::debug!(attempt, status = status.as_u16(), "graph answered");
                    (retryable, retry_after)
                }
                Err(Failure::Final(_)) => (false, None),
                Err(Failure::Timeout(_)) => {
                    tracing::debug!(attempt, "timed out");
                    (idempotent || policy.retry_unknown_outcome, None)
                }
                Err(Failure::Transport(e)) => {
                    // Nothing was sent when the connection could not be made.
                    let retryable = e.is_connect() || idempotent || policy.retry_unknown_outcome;
                    tracing::debug!(attempt, error = %error_chain(e), "transport error");
                    (retryable, None)
                }
            };
            if retry && retries < policy.max_attempts {
                // A Retry-After longer than the policy allows is Graph's answer, not a wait:
                // it goes back to the caller with the error.
                let wait = wait.unwrap_or_else(|| policy.backoff(retries));
                if wait <= policy.max_delay && waited + wait <= policy.max_total_delay {
                    tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                    waited += wait;
                    continue;
                }
            }
            return match result {
                Ok(answer) => Ok(Sent {
                    answer,
                    attempts: attempt,
                    client_request_id,
                }),
                Err(Failure::Final(e)) => Err(e),
                Err(Failure::Timeout(status)) => Err(Error::Timeout {
                    after: self.timeout,
                    attempts: attempt,
                    client_request_id,
                    status,
                }),
                Err(Failure::Transport(e)) => Err(Error::Transport {
                    message: format!(
                        "{}{}",
                        error_chain(&e),
                        if attempt == 1 {
                            String::new()
                        } else {
                            format!(" (after {:?})", started.elapsed())
                        }
                    ),
                    attempts: attempt,
                    client_request_id,
                }),
            };
        }
    }

    /// Sends once, following 307/308 to the same origin, and reads the answer up to the
    /// size limit, all before `deadline`.
    async fn send_once(
        &self,
        request: &http::Request<Vec<u8>>,
        bearer: HeaderValue,
        client_request_id: &str,
        deadline: Instant,
        mode: BodyMode,
    ) -> Result<Answer, Failure> {
        let mut url = reqwest::Url::parse(&request.uri().to_string()).map_err(|e| {
            Failure::Final(Error::InvalidArgument(format!(
                "cannot send this request: {e}"
            )))
        })?;
        let mut hops = 0;
        loop {
            let mut outgoing = reqwest::Request::new(request.method().clone(), url.clone());
            *outgoing.headers_mut() = request.headers().clone();
            outgoing.headers_mut().insert(AUTHORIZATION, bearer.clone());
            outgoing.headers_mut().insert(
                "client-request-id",
                HeaderValue::from_str(client_request_id).expect("a UUID is a valid header value"),
            );
            *outgoing.body_mut() = Some(request.body().clone().into());
            let response =
                match tokio::time::timeout_at(deadline, self.http.execute(outgoing)).await {
                    Err(_) => return Err(Failure::Timeout(None)),
                    Ok(Err(e)) if e.is_timeout() => return Err(Failure::Timeout(None)),
                    Ok(Err(e)) => return Err(Failure::Transport(e)),
                    Ok(Ok(r)) => r,
                };
            let status = response.status();
            let refuse = |location: Option<String>, reason| {
                Failure::Final(Error::Redirect {
                    status,
                    location,
                    reason,
                    client_request_id: client_request_id.to_string(),
                })
            };
            if response.url().origin() != url.origin() {
                return Err(refuse(
                    Some(response.url().to_string()),
                    RedirectRefused::FollowedElsewhere,
                ));
            }
            if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
                let raw = response
                    .headers()
                    .get(LOCATION)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                let Some(next) = raw.as_deref().and_then(|l| url.join(l).ok()) else {
                    return Err(refuse(raw, RedirectRefused::NoLocation));
                };
                let shown = Some(next.to_string());
                if matches!(status.as_u16(), 301..=303) {
                    return Err(refuse(shown, RedirectRefused::ChangesMethod));
                }
                if next.origin() != url.origin() {
                    return Err(refuse(shown, RedirectRefused::OtherOrigin));
                }
                if hops == MAX_REDIRECTS {
                    return Err(refuse(shown, RedirectRefused::TooMany));
                }
                tracing::debug!(status = status.as_u16(), to = %next, "following a redirect");
                hops += 1;
                url = next;
                continue;
            }
            let headers = response.headers().clone();
            if mode == BodyMode::Stream && status.is_success() {
                return Ok(Answer {
                    status,
                    headers,
                    body: Vec::new(),
                    stream: Some(response),
                });
            }
            let body = super::body::read(response, self.max_response_bytes, deadline)
                .await
                .map_err(|e| match e {
                    super::body::ReadError::Timeout => Failure::Timeout(Some(status)),
                    super::body::ReadError::Transport(e) if e.is_timeout() => {
                        Failure::Timeout(Some(status))
                    }
                    super::body::ReadError::Transport(e) => Failure::Transport(e),
                    super::body::ReadError::TooLarge { announced } => {
                        Failure::Final(Error::TooLarge {
                            status,
                            limit: self.max_response_bytes,
                            announced,
                            client_request_id: client_request_id.to_string(),
                        })
                    }
                })?;
            return Ok(Answer {
                status,
                headers,
                body,
                stream: None,
            });
        }
    }
}

/// Adds what the client knows to an error read from a response.
pub(super) fn annotate(e: Error, id: &str, attempts: u32) -> Error {
    match e {
        Error::Graph(mut g) => {
            g.client_request_id = Some(id.to_string());
            g.attempts = attempts;
            Error::Graph(g)
        }
        Error::Decode {
            status,
            path,
            message,
            ..
        } => Error::Decode {
            status,
            path,
            message,
            client_request_id: Some(id.to_string()),
        },
        other => other,
    }
}

/// An error and its causes, on one line (reqwest's own message omits them).
pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
