//! Typed Rust for the Microsoft Graph onlineMeetings API: create a Teams meeting, or
//! create-or-get one by your own external ID.
//!
//! ```no_run
//! use graph_meetings::{Client, CreateOrGetRequest, OnlineMeeting, StaticToken};
//!
//! # async fn run() -> Result<(), graph_meetings::Error> {
//! let client = Client::new(StaticToken::new(std::env::var("GRAPH_TOKEN").unwrap_or_default()))?;
//! let meeting = client
//!     .me()
//!     .online_meetings()
//!     .create(&OnlineMeeting {
//!         subject: Some("Standup".into()),
//!         ..Default::default()
//!     })
//!     .accept_language("en-GB")
//!     .send()
//!     .await?;
//! println!("join at {:?}", meeting.join_web_url);
//!
//! // Safe to repeat: the same external ID gives back the same meeting.
//! let outcome = client
//!     .user("8b081ef6-4792-4def-b2c9-c363a1bf41d5")
//!     .online_meetings()
//!     .create_or_get(&CreateOrGetRequest::new("my-system-id-42"))
//!     .send()
//!     .await?;
//! println!("created now: {}", outcome.is_created());
//! # Ok(()) }
//! ```
//!
//! # Without the client (sans-IO)
//!
//! With `default-features = false` the crate has no HTTP stack: build an `http::Request` and
//! read an `http::Response` with any client you like.
//!
//! ```
//! use graph_meetings::{OnlineMeeting, Requests};
//!
//! let request = Requests::detached()
//!     .user("../../admin")
//!     .online_meetings()
//!     .create(&OnlineMeeting { subject: Some("Standup".into()), ..Default::default() });
//! let http = request.to_http("https://graph.microsoft.com/v1.0")?;
//! assert_eq!(http.uri(), "https://graph.microsoft.com/v1.0/users/..%2F..%2Fadmin/onlineMeetings");
//!
//! let response = http::Response::builder()
//!     .status(201)
//!     .body(r#"{"id":"m1","subject":"Standup"}"#)?;
//! let meeting = request.parse_response(&response)?;
//! assert_eq!(meeting.id.as_deref(), Some("m1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The models
//!
//! Generated from `specs/` by `graph-meetings-codegen` and checked in. Every model keeps the
//! properties it does not declare in `additional_properties` ([`types::AdditionalProperties`]),
//! and every enum keeps values it does not know in its `Other` variant, so reading a response
//! and writing it back loses nothing. Date-times are [`types::DateTimeOffset`], which keeps
//! offset, precision and spelling.
//!
//! A property that holds another model is boxed (`Option<Box<ChatInfo>>`), which keeps models
//! small; a model converts into such a field with `.into()`:
//!
//! ```
//! use graph_meetings::{ChatInfo, OnlineMeeting};
//!
//! let meeting = OnlineMeeting {
//!     chat_info: ChatInfo { thread_id: Some("19:meeting@thread.v2".into()), ..Default::default() }.into(),
//!     ..Default::default()
//! };
//! let thread = meeting.chat_info.as_deref().and_then(|c| c.thread_id.as_deref());
//! assert_eq!(thread, Some("19:meeting@thread.v2"));
//! ```
//!
//! # Features
//!
//! - `client` (default): `Client`, over reqwest with rustls (ring) and tokio timers.
//! - `azure`: `AzureCredential`, which makes any `azure_identity` credential the client's token
//!   provider.
//! - `beta`: the beta API in `graph_meetings::beta` (and `Client::beta`), generated from
//!   `specs/graph-beta`. Beta operations Microsoft marks deprecated say so in their docs.
//! - `emulator`: `emulator::Emulator`, a local Graph emulator of these endpoints (axum), and
//!   the `graph-emulator` binary.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "azure")]
#[cfg_attr(docsrs, doc(cfg(feature = "azure")))]
mod azure;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "emulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "emulator")))]
pub mod emulator;
mod error;
pub mod request;
mod rules;
pub mod types;

#[rustfmt::skip]
#[path = "generated/v1/mod.rs"]
pub mod v1;

#[cfg(feature = "beta")]
#[cfg_attr(docsrs, doc(cfg(feature = "beta")))]
#[rustfmt::skip]
#[path = "generated/beta/mod.rs"]
pub mod beta;

#[cfg(feature = "azure")]
#[cfg_attr(docsrs, doc(cfg(feature = "azure")))]
pub use azure::AzureCredential;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{
    AccessToken, BoxFuture, Client, ClientBuilder, Cloud, Download, PageLimits, Response,
    RetryPolicy, StaticToken, TokenCredential, TokenRequest, DEFAULT_MAX_RESPONSE_BYTES,
};
/// The README's snippets, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

pub use error::{
    parse_retry_after, ClaimsChallenge, Error, ErrorBody, GraphError, RedirectRefused,
};
pub use v1::*;

impl v1::CreateOrGetOutcome {
    /// The meeting, whichever the outcome (`into_inner` gives it by value).
    ///
    /// ```
    /// use graph_meetings::{CreateOrGetOutcome, OnlineMeeting};
    ///
    /// let outcome = CreateOrGetOutcome::Existing(OnlineMeeting {
    ///     subject: Some("Standup".into()),
    ///     ..Default::default()
    /// });
    /// assert!(outcome.is_existing());
    /// assert_eq!(outcome.meeting().subject.as_deref(), Some("Standup"));
    /// if let CreateOrGetOutcome::Created(m) = &outcome {
    ///     println!("made {:?}", m.id);
    /// }
    /// let meeting: OnlineMeeting = outcome.into_inner();
    /// ```
    pub fn meeting(&self) -> &v1::OnlineMeeting {
        match self {
            Self::Existing(m) | Self::Created(m) => m,
        }
    }
}

#[cfg(feature = "beta")]
impl beta::CreateOrGetOutcome {
    /// The meeting, whichever the outcome (`into_inner` gives it by value).
    pub fn meeting(&self) -> &beta::OnlineMeeting {
        match self {
            Self::Existing(m) | Self::Created(m) => m,
        }
    }
}
