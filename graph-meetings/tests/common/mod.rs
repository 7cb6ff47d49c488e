//! Helpers shared by the crate's integration tests. Each test binary uses a part of them.

#![allow(dead_code)]

use graph_meetings::{Client, Error, OnlineMeeting, Response};

/// Sends an empty create for the signed-in user.
pub async fn create(client: &Client) -> Result<Response<OnlineMeeting>, Error> {
    let meeting = OnlineMeeting::default();
    client.me().online_meetings().create(&meeting).send().await
}

/// A create that is expected to fail, and its error.
pub async fn create_fails(client: &Client) -> Error {
    match create(client).await {
        Ok(r) => panic!("expected an error, got {:?}", r.value.id),
        Err(e) => e,
    }
}
