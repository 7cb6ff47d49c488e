//! Creates a meeting keyed by your own ID, or gets the one already made with it: safe to run
//! twice, and the second run says the meeting already existed.
//!
//! ```sh
//! cargo run -p graph-meetings --example create_or_get -- my-booking-42   # offline, emulator
//! GRAPH_TOKEN=eyJ0... cargo run -p graph-meetings --example create_or_get -- my-booking-42
//! ```
//!
//! With no `GRAPH_TOKEN` it starts the crate's emulator and asks twice, to show both outcomes.

use graph_meetings::emulator::Emulator;
use graph_meetings::{Client, Cloud, CreateOrGetRequest, StaticToken};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let external_id = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "graph-meetings-example".into());
    let (token, cloud, emulator) = match std::env::var("GRAPH_TOKEN") {
        Ok(token) => {
            let cloud = std::env::var("GRAPH_ROOT").map_or(Cloud::Global, Cloud::Custom);
            (token, cloud, None)
        }
        Err(_) => {
            let emulator = Emulator::start().await?;
            println!(
                "GRAPH_TOKEN is not set: using a local Graph emulator at {}",
                emulator.root()
            );
            let cloud = Cloud::Custom(emulator.root());
            ("delegated:contoso:alice".to_string(), cloud, Some(emulator))
        }
    };
    let client = Client::builder(StaticToken::new(token))
        .cloud(cloud)
        .build()?;
    let mut request = CreateOrGetRequest::new(external_id.as_str());
    request.subject = Some(format!("Booking {external_id}"));
    let times = if emulator.is_some() { 2 } else { 1 };
    for _ in 0..times {
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
            "  join URL: {}",
            meeting.join_web_url.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}
