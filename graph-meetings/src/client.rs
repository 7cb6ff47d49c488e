//! The async client (feature `client`): reqwest over rustls, tokens from a
//! [`TokenCredential`], bounded retries, a `client-request-id` per request, tracing spans.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{HeaderValue, AUTHORIZATION};
use http::StatusCode;
use tracing::Instrument as _;

use crate::error::Error;
use crate::request::{parse, Request, Target};

/// An OAuth access token. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a bearer token.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the `Authorization` header.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// A boxed future, so that [`TokenCredential`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where access tokens come from. Called before every attempt, so an implementation that
/// caches and refreshes tokens keeps long retry sequences authorised.
pub trait TokenCredential: Send + Sync {
    /// A token for `scopes` (`https://graph.microsoft.com/.default`).
    fn token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>>;
}

/// A token you already have (from your own OAuth flow, or for tests). Never refreshed.
#[derive(Clone, Debug)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Uses `token` for every request.
    pub fn new(token: impl Into<String>) -> Self {
        Self(AccessToken::new(token))
    }
}

impl TokenCredential for StaticToken {
    fn token<'a>(&'a self, _: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

/// Which Graph service to talk to.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cloud {
    /// `https://graph.microsoft.com`.
    Global,
    /// US Government L4: `https://graph.microsoft.us`.
    UsGovL4,
    /// US Government L5 (DOD): `https://dod-graph.microsoft.us`.
    UsGovL5Dod,
    /// China, operated by 21Vianet: `https://microsoftgraph.chinacloudapi.cn`.
    China,
    /// Any other root, such as a local emulator (`http://127.0.0.1:8080`); no trailing `/`.
    Custom(String),
}

impl Cloud {
    /// The service root, without a version.
    pub fn root(&self) -> &str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovL4 => "https://graph.microsoft.us",
            Cloud::UsGovL5Dod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
            Cloud::Custom(root) => root.trim_end_matches('/'),
        }
    }

    /// The OAuth scope that asks for every permission the app was granted on this cloud.
    pub fn default_scope(&self) -> String {
        format!("{}/.default", self.root())
    }
}

/// When and how often to send a request again.
///
/// - `429 Too Many Requests`: Graph refused the request without carrying it out, so any request
///   is retried, after `Retry-After` when given.
/// - `503`, `504`, a timeout, a connection dropped after sending: the request may or may not have
///   been carried out. Idempotent requests (createOrGet, reads) are retried; a plain create is
///   not, unless [`RetryPolicy::retry_unknown_outcome`] is set, because a second create makes a
///   second meeting. Use createOrGet when you need a create that is safe to repeat.
/// - A connection that could not be made: nothing was sent, so any request is retried.
///
/// Waits grow exponentially from `base_delay` (with jitter) up to `max_delay`, and the whole
/// sequence stops after `max_attempts` or when the next wait would pass `max_total_delay`.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 means no retries).
    pub max_attempts: u32,
    /// First backoff wait, when Graph gives no `Retry-After`.
    pub base_delay: Duration,
    /// Longest single wait. A `Retry-After` longer than this is not waited for: the error,
    /// with its `retry_after`, goes back to the caller.
    pub max_delay: Duration,
    /// Longest total time spent waiting between attempts.
    pub max_total_delay: Duration,
    /// Retry non-idempotent requests after faults that leave their outcome unknown.
    pub retry_unknown_outcome: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_total_delay: Duration::from_secs(60),
            retry_unknown_outcome: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        // Jitter: between half and all of the wait, so that clients throttled together do not
        // come back together.
        capped.mul_f64(0.5 + fastrand::f64() / 2.0)
    }
}

/// A successful response: the operation's result and what identifies the exchange.
#[derive(Clone, Debug)]
pub struct Response<T> {
    /// The result.
    pub value: T,
    /// The status Graph answered with.
    pub status: StatusCode,
    /// The `client-request-id` sent (one per request, the same on every attempt).
    pub client_request_id: String,
    /// Graph's `request-id` response header, if any: quote it to Microsoft support.
    pub request_id: Option<String>,
    /// Attempts it took (1 when nothing was retried).
    pub attempts: u32,
}

impl<T> Response<T> {
    /// The result, without the rest.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// The Graph client. Cheap to clone (the connection pool and credential are shared).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    credential: Arc<dyn TokenCredential>,
    cloud: Cloud,
    scope: String,
    timeout: Duration,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("cloud", &self.cloud)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    credential: Arc<dyn TokenCredential>,
    cloud: Cloud,
    timeout: Duration,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The service (default: [`Cloud::Global`]).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// How long one attempt may take, connection and body included (default: 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Your own reqwest client (proxies, certificates); start from [`Client::reqwest_builder`].
    pub fn reqwest_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        let http = match self.http {
            Some(http) => http,
            None => Client::reqwest_builder()
                .build()
                .map_err(|e| Error::Transport {
                    message: format!("cannot build the HTTP client: {}", error_chain(&e)),
                    attempts: 0,
                    client_request_id: String::new(),
                })?,
        };
        if self.retry.max_attempts == 0 {
            return Err(Error::InvalidArgument(
                "RetryPolicy::max_attempts must be at least 1".into(),
            ));
        }
        Ok(Client {
            http,
            credential: self.credential,
            scope: self.cloud.default_scope(),
            cloud: self.cloud,
            timeout: self.timeout,
            retry: self.retry,
        })
    }
}

impl Client {
    /// A client for the global cloud with the default timeout and retry policy.
    pub fn new(credential: impl TokenCredential + 'static) -> Result<Client, Error> {
        Self::builder(credential).build()
    }

    /// Configures a client.
    pub fn builder(credential: impl TokenCredential + 'static) -> ClientBuilder {
        ClientBuilder {
            credential: Arc::new(credential),
            cloud: Cloud::Global,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            http: None,
        }
    }

    /// A reqwest builder with this crate's TLS set up (rustls with ring, installed as the
    /// process default if none is), for building your own client.
    pub fn reqwest_builder() -> reqwest::ClientBuilder {
        // Fails only when a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .tls_backend_rustls()
            .user_agent(concat!("graph-meetings/", env!("CARGO_PKG_VERSION")))
    }

    /// The service this client talks to.
    pub fn cloud(&self) -> &Cloud {
        &self.cloud
    }

    /// The v1.0 request builders.
    pub fn v1(&self) -> crate::v1::Requests<'_> {
        crate::v1::Requests::new(Target::client(self, crate::v1::VERSION))
    }

    /// The beta request builders (feature `beta`; global cloud only, as Microsoft serves it).
    #[cfg(feature = "beta")]
    pub fn beta(&self) -> crate::beta::Requests<'_> {
        crate::beta::Requests::new(Target::client(self, crate::beta::VERSION))
    }

    /// v1.0: requests for the signed-in user (`/me`; delegated tokens only).
    pub fn me(&self) -> crate::v1::MeBuilder<'_> {
        self.v1().me()
    }

    /// v1.0: requests for any user (`/users/{id}`), by object ID or user principal name.
    pub fn user(&self, id: &str) -> crate::v1::UserBuilder<'_> {
        self.v1().user(id)
    }

    async fn execute<T>(&self, request: Request<'_, T>) -> Result<Response<T>, Error> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let base = format!("{}/{}", self.cloud.root(), request.target.version());
        let http_request = request.to_http(&base)?;
        let span = tracing::info_span!(
            "graph_request",
            method = %request.method,
            path = %request.path,
            client_request_id = %client_request_id,
        );
        self.attempts(request, http_request, client_request_id)
            .instrument(span)
            .await
    }

    async fn attempts<T>(
        &self,
        request: Request<'_, T>,
        http_request: http::Request<Vec<u8>>,
        client_request_id: String,
    ) -> Result<Response<T>, Error> {
        let policy = &self.retry;
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let token = self.credential.token(&[self.scope.as_str()]).await?;
            let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.secret()))
                .map_err(|_| Error::Credential("the token is not a valid header value".into()))?;
            bearer.set_sensitive(true);
            let mut outgoing = reqwest::Request::try_from(clone_request(&http_request))
                .map_err(|e| Error::InvalidArgument(format!("cannot send this request: {e}")))?;
            outgoing.headers_mut().insert(AUTHORIZATION, bearer);
            outgoing.headers_mut().insert(
                "client-request-id",
                HeaderValue::from_str(&client_request_id).expect("a UUID is a valid header value"),
            );
            *outgoing.timeout_mut() = Some(self.timeout);
            let result = async {
                let response = self.http.execute(outgoing).await?;
                let status = response.status();
                let headers = response.headers().clone();
                let body = response.bytes().await?;
                Ok::<_, reqwest::Error>((status, headers, body))
            }
            .await;
            let (retry, wait, outcome) = match result {
                Ok((status, headers, body)) => {
                    let retry_after = headers
                        .get(http::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(crate::error::parse_retry_after);
                    let retryable = status == StatusCode::TOO_MANY_REQUESTS
                        || (matches!(
                            status,
                            StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT
                        ) && (request.idempotent || policy.retry_unknown_outcome));
                    tracing::debug!(attempt, status = status.as_u16(), "graph answered");
                    (retryable, retry_after, Ok((status, headers, body)))
                }
                Err(e) => {
                    // Nothing was sent when the connection could not be made.
                    let retryable =
                        e.is_connect() || request.idempotent || policy.retry_unknown_outcome;
                    tracing::debug!(attempt, error = %error_chain(&e), "transport error");
                    (retryable, None, Err(e))
                }
            };
            if retry && attempt < policy.max_attempts {
                // A Retry-After longer than the policy allows is Graph's answer, not a wait:
                // it goes back to the caller with the error.
                let wait = wait.unwrap_or_else(|| policy.backoff(attempt));
                if wait <= policy.max_delay && waited + wait <= policy.max_total_delay {
                    tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                    waited += wait;
                    continue;
                }
            }
            return match outcome {
                Ok((status, headers, body)) => {
                    let request_id = headers
                        .get("request-id")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    match parse(request.decode, status, &headers, &body) {
                        Ok(value) => Ok(Response {
                            value,
                            status,
                            client_request_id,
                            request_id,
                            attempts: attempt,
                        }),
                        Err(e) => Err(annotate(e, &client_request_id, attempt)),
                    }
                }
                Err(e) if e.is_timeout() => Err(Error::Timeout {
                    after: self.timeout,
                    attempts: attempt,
                    client_request_id,
                }),
                Err(e) => Err(Error::Transport {
                    message: format!(
                        "{}{}",
                        error_chain(&e),
                        if retry || attempt == 1 {
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
}

fn clone_request(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// Adds what the client knows to an error read from a response.
fn annotate(e: Error, id: &str, attempts: u32) -> Error {
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
fn error_chain(e: &dyn std::error::Error) -> String {
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

impl<T> Request<'_, T> {
    /// Sends the request through the client it was built from.
    pub async fn send(self) -> Result<Response<T>, Error> {
        match self.target.client_ref() {
            Some(client) => client.execute(self).await,
            None => Err(Error::NoClient),
        }
    }

    /// Sends the request through `client`, whatever it was built from.
    pub async fn send_with(self, client: &Client) -> Result<Response<T>, Error> {
        client.execute(self).await
    }
}
