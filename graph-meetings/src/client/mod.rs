//! The async client (feature `client`): reqwest over rustls, tokens from a
//! [`TokenCredential`], bounded retries and reads, claims challenges, same-origin redirects
//! only, a `client-request-id` per request, tracing spans.

mod attempt;
mod body;
mod credential;
mod download;
mod pages;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

pub use credential::{AccessToken, BoxFuture, StaticToken, TokenCredential, TokenRequest};
pub use download::Download;
pub use pages::PageLimits;

use crate::error::Error;
use crate::request::{Request, Target};

/// The default of [`ClientBuilder::max_response_bytes`]: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 * 1024 * 1024;

/// Which Graph service to talk to.
///
/// ```
/// use graph_meetings::{Client, Cloud, StaticToken};
///
/// assert_eq!(Cloud::UsGovL4.root(), "https://graph.microsoft.us");
/// assert_eq!(Cloud::Global.default_scope(), "https://graph.microsoft.com/.default");
/// let local = Cloud::Custom("http://127.0.0.1:8080/".into());
/// assert_eq!(local.root(), "http://127.0.0.1:8080");
/// let client = Client::builder(StaticToken::new("token")).cloud(local).build()?;
/// # Ok::<(), graph_meetings::Error>(())
/// ```
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
///
/// ```
/// use std::time::Duration;
/// use graph_meetings::{Client, RetryPolicy, StaticToken};
///
/// let patient = RetryPolicy {
///     max_attempts: 6,
///     max_total_delay: Duration::from_secs(120),
///     ..RetryPolicy::default()
/// };
/// let client = Client::builder(StaticToken::new("token")).retry_policy(patient).build()?;
/// let impatient = Client::builder(StaticToken::new("token")).retry_policy(RetryPolicy::never()).build()?;
/// # Ok::<(), graph_meetings::Error>(())
/// ```
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

/// A successful response: the operation's result and what identifies the exchange. It
/// dereferences to the result.
///
/// ```no_run
/// use graph_meetings::{Client, OnlineMeeting, StaticToken};
///
/// # async fn run() -> Result<(), graph_meetings::Error> {
/// let client = Client::new(StaticToken::new("token"))?;
/// let response = client.me().online_meetings().create(&OnlineMeeting::default()).send().await?;
/// println!("{:?} took {} attempt(s)", response.request_id, response.attempts);
/// println!("join at {:?}", response.join_web_url); // a field of the OnlineMeeting
/// let meeting: OnlineMeeting = response.into_inner();
/// # Ok(()) }
/// ```
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
///
/// ```no_run
/// use graph_meetings::{Client, CreateOrGetRequest, StaticToken};
///
/// # async fn run() -> Result<(), graph_meetings::Error> {
/// let client = Client::new(StaticToken::new(std::env::var("GRAPH_TOKEN").unwrap_or_default()))?;
/// let outcome = client
///     .me()
///     .online_meetings()
///     .create_or_get(&CreateOrGetRequest::new("booking-42"))
///     .send()
///     .await?;
/// println!("{:?}", outcome.meeting().join_web_url);
/// # Ok(()) }
/// ```
///
/// # What it does for each request
///
/// - **Tokens**: asks its [`TokenCredential`] before every attempt.
/// - **Claims challenges** (Continuous Access Evaluation): a `401` with
///   `WWW-Authenticate: Bearer error="insufficient_claims", claims="..."` makes it ask the
///   credential for a token with those claims ([`TokenCredential::token_for`]) and send once
///   more, outside the retry policy. A second challenge is returned as the error; its claims
///   are in [`Error::claims_challenge`].
/// - **Redirects**: only `307` and `308` to the same origin (scheme, host and port) are
///   followed, with the same method, body and token, at most 5 in a row. Every other redirect
///   is [`Error::Redirect`], with the status and `Location`: a `301`, `302` or `303` (which
///   would turn the request into a GET), and a `307`/`308` to another origin (the request and
///   its body are never sent anywhere but the service root's origin). No answer from another
///   origin is ever read as Graph's.
/// - **Bounded reads**: bodies, success and error alike, are read chunk by chunk up to
///   [`ClientBuilder::max_response_bytes`] (16 MiB by default); past it, or when the
///   `Content-Length` says so, reading stops with [`Error::TooLarge`].
/// - **Timeouts**: each attempt (connection, redirects and body) has
///   [`ClientBuilder::timeout`]; the error says whether the headers had arrived.
/// - **Retries**: see [`RetryPolicy`].
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    credential: Arc<dyn TokenCredential>,
    cloud: Cloud,
    scope: String,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("cloud", &self.cloud)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use graph_meetings::{Client, Cloud, RetryPolicy, StaticToken};
///
/// let client = Client::builder(StaticToken::new("token"))
///     .cloud(Cloud::UsGovL4)
///     .timeout(Duration::from_secs(10))
///     .retry_policy(RetryPolicy::never())
///     .max_response_bytes(1024 * 1024)
///     .build()?;
/// assert_eq!(client.cloud(), &Cloud::UsGovL4);
/// # Ok::<(), graph_meetings::Error>(())
/// ```
pub struct ClientBuilder {
    credential: Arc<dyn TokenCredential>,
    cloud: Cloud,
    timeout: Duration,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    max_response_bytes: u64,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("cloud", &self.cloud)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The service (default: [`Cloud::Global`]).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// How long one attempt may take: connection, redirects and body (default: 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body read, success or error (default: 16 MiB). Past it the client
    /// stops reading and returns [`Error::TooLarge`].
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Your own reqwest client (proxies, certificates); start from [`Client::reqwest_builder`],
    /// which follows no redirects itself (the client does, by its own rule). If yours follows
    /// one to another origin, that answer is refused as [`Error::Redirect`].
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
                    message: format!("cannot build the HTTP client: {}", attempt::error_chain(&e)),
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
            max_response_bytes: self.max_response_bytes,
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
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// A reqwest builder with this crate's TLS set up (rustls with ring, installed as the
    /// process default if none is) and no redirects followed by reqwest, for building your own
    /// client.
    pub fn reqwest_builder() -> reqwest::ClientBuilder {
        // Fails only when a provider is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .tls_backend_rustls()
            .redirect(reqwest::redirect::Policy::none())
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
}

impl<'c, T: 'c> Request<'c, T> {
    /// Sends the request through the client it was built from. The request is kept (it can be
    /// sent again), and the future does not borrow it: it can be stored or spawned.
    pub fn send(&self) -> impl std::future::Future<Output = Result<Response<T>, Error>> + 'c {
        let request = self.duplicate();
        async move {
            match request.target.client_ref() {
                Some(client) => client.execute(&request).await,
                None => Err(Error::NoClient),
            }
        }
    }

    /// Sends the request through `client`, whatever it was built from.
    pub async fn send_with(&self, client: &Client) -> Result<Response<T>, Error> {
        client.execute(self).await
    }
}
