//! Typed Rust models for the Microsoft Graph onlineMeetings API: create a Teams meeting, or
//! create-or-get one by your own external ID.
//!
//! The models are generated from `specs/` by `graph-meetings-codegen` and checked in; the value
//! types they use ([`types::DateTimeOffset`], [`types::Base64Url`]) are hand-written.
//!
//! ```
//! use graph_meetings::{OnlineMeeting, JoinMeetingIdSettings};
//!
//! let meeting = OnlineMeeting {
//!     subject: Some("Standup".into()),
//!     start_date_time: Some("2026-11-24T09:00:00.0000000+01:00".parse()?),
//!     end_date_time: Some("2026-11-24T09:15:00.0000000+01:00".parse()?),
//!     join_meeting_id_settings: Some(JoinMeetingIdSettings {
//!         is_passcode_required: Some(true),
//!         ..Default::default()
//!     }),
//!     ..Default::default()
//! };
//! let body = serde_json::to_value(&meeting)?;
//! assert_eq!(body["startDateTime"], "2026-11-24T09:00:00.0000000+01:00");
//! assert_eq!(body["joinMeetingIdSettings"]["isPasscodeRequired"], true);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every model keeps the properties it does not declare in `additional_properties`, and every
//! enum keeps values it does not know in its `Other` variant, so reading a response and writing
//! it back loses nothing.

#![warn(missing_docs)]

pub mod types;

#[rustfmt::skip]
#[path = "generated/v1/mod.rs"]
pub mod v1;

pub use v1::*;
