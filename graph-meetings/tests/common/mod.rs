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

/// The text with every UUID replaced by `<id>`.
pub fn ids_hidden(text: &str) -> String {
    let bytes = text.as_bytes();
    let is_uuid = |s: &[u8]| {
        s.len() == 36
            && s.iter().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_hexdigit(),
            })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if i + 36 <= bytes.len() && is_uuid(&bytes[i..i + 36]) {
            out.push_str("<id>");
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}
