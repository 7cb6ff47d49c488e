//! Creates a meeting keyed by your own ID, or gets the one already made with it: safe to run
//! twice, and the second run says the meeting already existed.
//!
//! ```sh
//! GRAPH_TOKEN=eyJ0... cargo run -p graph-meetings --example create_or_get -- my-booking-42
//! ```

use graph_meetings::{Client, Cloud, CreateOrGetRequest, StaticToken};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(token) = std::env::var("GRAPH_TOKEN") else {
        eprintln!("Set GRAPH_TOKEN to a Microsoft Graph access token (see create_meeting.rs).");
        std::process::exit(2);
    };
    let external_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "graph-meetings-example".into());
    let cloud = match std::env::var("GRAPH_ROOT") {
        Ok(root) => Cloud::Custom(root),
        Err(_) => Cloud::Global,
    };
    let client = Client::builder(StaticToken::new(token))
        .cloud(cloud)
        .build()?;
    let mut request = CreateOrGetRequest::new(external_id.as_str());
    request.subject = Some(format!("Booking {external_id}"));
    let response = client
        .me()
        .online_meetings()
        .create_or_get(&request)
        .send()
        .await?;
    let created = response.is_created();
    let meeting = response.into_inner().into_inner();
    println!(
        "{} meeting {} for external ID {external_id}",
        if created {
            "created"
        } else {
            "found the existing"
        },
        meeting.id.as_deref().unwrap_or("-")
    );
    println!(
        "join URL: {}",
        meeting.join_web_url.as_deref().unwrap_or("-")
    );
    Ok(())
}
