//! Creates a Teams meeting and prints how to join it.
//!
//! ```sh
//! GRAPH_TOKEN=eyJ0... cargo run -p graph-meetings --example create_meeting
//! GRAPH_TOKEN=eyJ0... GRAPH_USER=8b081ef6-... cargo run -p graph-meetings --example create_meeting
//! ```
//!
//! `GRAPH_TOKEN` is a delegated token with `OnlineMeetings.ReadWrite` (the meeting is made for
//! the signed-in user), or, with `GRAPH_USER` set, an application token with
//! `OnlineMeetings.ReadWrite.All` and an application access policy for that user.
//! `GRAPH_ROOT` points the client elsewhere (an emulator: `http://127.0.0.1:8080`).

use graph_meetings::types::DateTimeOffset;
use graph_meetings::{Client, Cloud, JoinMeetingIdSettings, OnlineMeeting, StaticToken};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(token) = std::env::var("GRAPH_TOKEN") else {
        eprintln!("Set GRAPH_TOKEN to a Microsoft Graph access token (see this file's header).");
        std::process::exit(2);
    };
    let cloud = match std::env::var("GRAPH_ROOT") {
        Ok(root) => Cloud::Custom(root),
        Err(_) => Cloud::Global,
    };
    let client = Client::builder(StaticToken::new(token))
        .cloud(cloud)
        .build()?;

    let start = time::OffsetDateTime::now_utc() + time::Duration::minutes(10);
    let meeting = OnlineMeeting {
        subject: Some("Created with graph-meetings".into()),
        start_date_time: Some(DateTimeOffset::new(start)),
        end_date_time: Some(DateTimeOffset::new(start + time::Duration::minutes(30))),
        join_meeting_id_settings: Some(JoinMeetingIdSettings {
            is_passcode_required: Some(true),
            ..Default::default()
        }),
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
        "join URL:  {}",
        created.join_web_url.as_deref().unwrap_or("-")
    );
    if let Some(ids) = &created.join_meeting_id_settings {
        println!(
            "dial in:   meeting ID {}, passcode {}",
            ids.join_meeting_id.as_deref().unwrap_or("-"),
            ids.passcode.as_deref().unwrap_or("none")
        );
    }
    println!("request:   client-request-id {}", created.client_request_id);
    Ok(())
}
