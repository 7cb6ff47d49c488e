//! Tokens from the Azure SDK (feature `azure`): any `azure_identity` credential
//! (`DeveloperToolsCredential`, `ManagedIdentityCredential`, `ClientSecretCredential`, ...)
//! as the client's [`TokenCredential`]. Those credentials cache and refresh tokens themselves.
//!
//! ```text
//! let credential = azure_identity::DeveloperToolsCredential::new(None)?;
//! let client = graph_meetings::Client::new(graph_meetings::AzureCredential::new(credential))?;
//! ```

use std::fmt;
use std::sync::Arc;

use crate::client::{AccessToken, BoxFuture, TokenCredential, TokenRequest};
use crate::error::Error;

/// An Azure SDK credential used as the client's token provider.
///
/// Claims challenges: azure_core 1.x's `TokenCredential::get_token` takes no claims
/// (`TokenRequestOptions` has none), so a request for a token with claims is refused with
/// [`Error::Credential`] saying so, rather than answered with the cached token Graph just
/// refused.
#[cfg_attr(docsrs, doc(cfg(feature = "azure")))]
#[derive(Clone)]
pub struct AzureCredential(Arc<dyn azure_core::credentials::TokenCredential>);

impl AzureCredential {
    /// Wraps an Azure SDK credential.
    pub fn new(credential: Arc<dyn azure_core::credentials::TokenCredential>) -> Self {
        Self(credential)
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The inner credential's Debug is the Azure SDK's; it never holds a token there either,
        // but nothing here needs it.
        f.write_str("AzureCredential { .. }")
    }
}

impl TokenCredential for AzureCredential {
    fn token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async move {
            let token = self
                .0
                .get_token(scopes, None)
                .await
                .map_err(|e| Error::Credential(e.to_string()))?;
            Ok(AccessToken::new(token.token.secret()))
        })
    }

    fn token_for<'a>(
        &'a self,
        request: TokenRequest<'a>,
    ) -> BoxFuture<'a, Result<AccessToken, Error>> {
        match request.claims {
            None => self.token(request.scopes),
            Some(_) => Box::pin(async {
                Err(Error::Credential(
                    "Graph asked for a token with claims (a Continuous Access Evaluation challenge), and azure_core 1.x credentials cannot be asked for claims; sign in again, or use a TokenCredential that passes claims to MSAL".into(),
                ))
            }),
        }
    }
}
