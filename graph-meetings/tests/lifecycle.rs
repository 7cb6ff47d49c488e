//! The meeting's whole life against the emulator, through the generated client: the same
//! steps as `examples/lifecycle.rs`, which this test runs.

#[path = "../examples/lifecycle.rs"]
mod lifecycle;

use graph_meetings::emulator::Emulator;
use graph_meetings::{Client, Cloud, StaticToken};

#[tokio::test]
async fn a_meeting_lives_and_dies_as_graph_describes() {
    let emulator = Emulator::start().await.unwrap();
    let client = Client::builder(StaticToken::new("delegated:contoso:alice"))
        .cloud(Cloud::Custom(emulator.root()))
        .build()
        .unwrap();
    let seen = lifecycle::run(&client, Some(&emulator)).await.unwrap();
    assert_eq!(
        seen,
        lifecycle::Seen {
            attendance_pages: 3,
            attendance_records: 25,
            transcript_starts_webvtt: true,
            recording_bytes: 3_000_000,
            recording_intact: Some(true),
            new_in_delta: 1,
            gone_after_delete: true,
        }
    );
}
