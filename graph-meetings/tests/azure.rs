//! `AzureCredential`: an Azure SDK credential as the client's token provider.

mod common;

use common::{create, create_fails};
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use graph_meetings::emulator::Emulator;
use graph_meetings::{AzureCredential, Client, Cloud, Error};

/// Stands in for an `azure_identity` credential: records the scopes asked for.
#[derive(Debug, Default)]
struct Fake {
    scopes: Mutex<Vec<String>>,
    fail: bool,
}

#[async_trait::async_trait]
impl TokenCredential for Fake {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.scopes
            .lock()
            .unwrap()
            .extend(scopes.iter().map(|s| s.to_string()));
        if self.fail {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "no developer tool is signed in",
            ));
        }
        Ok(AccessToken::new(
            Secret::new("delegated:contoso:alice"),
            time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        ))
    }
}

#[tokio::test]
async fn azure_credentials_authorise_requests() {
    let emulator = Emulator::start().await.unwrap();
    let fake = Arc::new(Fake::default());
    let client = Client::builder(AzureCredential::new(fake.clone()))
        .cloud(Cloud::Custom(emulator.root()))
        .build()
        .unwrap();
    let meeting = create(&client).await.unwrap();
    assert!(meeting.id.is_some());
    assert_eq!(
        *fake.scopes.lock().unwrap(),
        [format!("{}/.default", emulator.root())]
    );

    let failing = Arc::new(Fake {
        fail: true,
        ..Fake::default()
    });
    let client = Client::builder(AzureCredential::new(failing))
        .cloud(Cloud::Custom(emulator.root()))
        .build()
        .unwrap();
    let err = create_fails(&client).await;
    assert!(matches!(err, Error::Credential(_)), "{err}");
    assert!(
        err.to_string().contains("no developer tool is signed in"),
        "{err}"
    );
}
