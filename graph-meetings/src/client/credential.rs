//! Where tokens come from: [`TokenCredential`], [`TokenRequest`], [`StaticToken`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::error::Error;

/// An OAuth access token. Its `Debug` never shows the secret.
///
/// ```
/// use graph_meetings::AccessToken;
///
/// let token = AccessToken::new("eyJ0eXAi...");
/// assert_eq!(format!("{token:?}"), "AccessToken(<redacted>)");
/// assert_eq!(token.secret(), "eyJ0eXAi...");
/// ```
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

/// What the client asks a [`TokenCredential`] for: scopes, and the claims of a claims
/// challenge when Graph sent one.
///
/// ```
/// use graph_meetings::TokenRequest;
///
/// let scopes = ["https://graph.microsoft.com/.default"];
/// let request = TokenRequest::new(&scopes).with_claims(r#"{"access_token":{}}"#);
/// assert_eq!(request.claims, Some(r#"{"access_token":{}}"#));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenRequest<'a> {
    /// The scopes (`https://graph.microsoft.com/.default`).
    pub scopes: &'a [&'a str],
    /// The claims request (JSON, decoded from the challenge's base64) a new token must
    /// satisfy, after Graph answered `401` with `error="insufficient_claims"`. A token
    /// provider passes it to the identity platform (MSAL's `claims`), bypassing its cache.
    pub claims: Option<&'a str>,
}

impl<'a> TokenRequest<'a> {
    /// A request for `scopes`, without claims.
    pub fn new(scopes: &'a [&'a str]) -> Self {
        TokenRequest {
            scopes,
            claims: None,
        }
    }

    /// The same request, asking for `claims` too.
    pub fn with_claims(self, claims: &'a str) -> Self {
        TokenRequest {
            claims: Some(claims),
            ..self
        }
    }
}

/// Where access tokens come from. Asked before every attempt, so an implementation that
/// caches and refreshes tokens keeps long retry sequences authorised.
///
/// Implement [`token`](Self::token); implement [`token_for`](Self::token_for) too if your
/// provider can ask for a token with claims (Continuous Access Evaluation). Its default
/// ignores the claims and calls `token`, so Graph's second challenge comes back as the error.
///
/// ```
/// use std::sync::Mutex;
/// use graph_meetings::{AccessToken, BoxFuture, Error, TokenCredential, TokenRequest};
///
/// /// Tokens from your own OAuth code.
/// struct MyTokens {
///     current: Mutex<String>,
/// }
///
/// impl TokenCredential for MyTokens {
///     fn token<'a>(&'a self, _scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
///         let token = self.current.lock().unwrap().clone();
///         Box::pin(async move { Ok(AccessToken::new(token)) })
///     }
///
///     fn token_for<'a>(&'a self, request: TokenRequest<'a>) -> BoxFuture<'a, Result<AccessToken, Error>> {
///         match request.claims {
///             // Ask the identity platform again, with `claims`, bypassing any cache.
///             Some(claims) => Box::pin(async move { Ok(AccessToken::new(format!("fresh-for-{}", claims.len()))) }),
///             None => self.token(request.scopes),
///         }
///     }
/// }
/// ```
pub trait TokenCredential: Send + Sync {
    /// A token for `scopes` (`https://graph.microsoft.com/.default`).
    fn token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>>;

    /// A token for `request`: its scopes, and the claims of a claims challenge when it has
    /// them. The client always calls this one; the default ignores the claims.
    fn token_for<'a>(
        &'a self,
        request: TokenRequest<'a>,
    ) -> BoxFuture<'a, Result<AccessToken, Error>> {
        self.token(request.scopes)
    }
}

/// A token you already have (from your own OAuth flow, or for tests). Never refreshed, and
/// it cannot answer a claims challenge.
///
/// ```
/// use graph_meetings::{Client, StaticToken};
///
/// let client = Client::new(StaticToken::new("eyJ0eXAi..."))?;
/// # Ok::<(), graph_meetings::Error>(())
/// ```
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
