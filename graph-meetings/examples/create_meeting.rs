//! Creates a Teams meeting and prints how to join it.
//!
//! ```sh
//! cargo run -p graph-meetings --example create_meeting                  # offline, emulator
//! GRAPH_TOKEN=eyJ0... cargo run -p graph-meetings --example create_meeting
//! GRAPH_TOKEN=eyJ0... GRAPH_USER=8b081ef6-... cargo run -p graph-meetings --example create_meeting
//! ```
//!
//! `GRAPH_TOKEN` is a delegated token with `OnlineMeetings.ReadWrite` (the meeting is made for
//! the signed-in user), or, with `GRAPH_USER` set, an application token with
//! `OnlineMeetings.ReadWrite.All` and an application access policy for that user.
//! `GRAPH_ROOT` points the client at another service root. With no `GRAPH_TOKEN`, the example
//! starts the crate's emulator and runs against it.

use graph_meetings::emulator::Emulator;
use graph_meetings::types::DateTimeOffset;
use graph_meetings::{Client, Cloud, JoinMeetingIdSettings, OnlineMeeting, StaticToken};

/// The token and cloud to use, and the emulator when there is no token.
async fn service() -> std::io::Result<(String, Cloud, Option<Emulator>)> {
    if let Ok(token) = std::env::var("GRAPH_TOKEN") {
        let cloud = std::env::var("GRAPH_ROOT").map_or(Cloud::Global, Cloud::Custom);
        return Ok((token, cloud, None));
    }
    let emulator = Emulator::start().await?;
    println!(
        "GRAPH_TOKEN is not set: using a local Graph emulator at {}",
        emulator.root()
    );
    let cloud = Cloud::Custom(emulator.root());
    Ok(("delegated:contoso:alice".into(), cloud, Some(emulator)))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (token, cloud, _emulator) = service().await?;
    let client = Client::builder(StaticToken::new(token))
        .cloud(cloud)
        .build()?;

    let start = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
    let meeting = OnlineMeeting {
        subject: Some("Created with graph-meetings".into()),
        start_date_time: Some(DateTimeOffset::new(start)),
        end_date_time: Some(DateTimeOffset::new(start + time::Duration::minutes(30))),
        join_meeting_id_settings: JoinMeetingIdSettings {
            is_passcode_required: Some(true),
            ..Default::default()
        }
        .into(),
        ..Default::default()
    };
    let created = match std::env::var("GRAPH_USER") {
        Ok(user) => {
            client
                .user(&user)
                .online_meetings()
                .create(&meeting)
                .send()
                .await?
        }
        Err(_) => {
            client
                .me()
                .online_meetings()
                .create(&meeting)
                .send()
                .await?
        }
    };
    println!("subject:   {}", created.subject.as_deref().unwrap_or("-"));
    println!(
        "starts:    {}",
        created
            .start_date_time
            .map(|t| t.to_string())
            .unwrap_or_default()
    );
    println!(
        "join URL:  {}",
        created.join_web_url.as_deref().unwrap_or("-")
    );
    if let Some(ids) = &created.join_meeting_id_settings {
        println!(
            "join by ID: {} (passcode {})",
            ids.join_meeting_id.as_deref().unwrap_or("-"),
            ids.passcode.as_deref().unwrap_or("none")
        );
    }
    println!("client-request-id: {}", created.client_request_id);
    Ok(())
}
