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

use crate::client::{AccessToken, BoxFuture, TokenCredential};
use crate::error::Error;

/// An Azure SDK credential used as the client's token provider.
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
}
