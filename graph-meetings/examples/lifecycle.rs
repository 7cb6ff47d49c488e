//! A meeting's whole life, step by step: createOrGet, get, find by join link, move it and clear
//! its subject, read who attended (over several pages), the transcript as WebVTT, download the
//! recording, follow a delta link to only what is new, delete it, and see it gone.
//!
//! ```sh
//! cargo run -p graph-meetings --example lifecycle                    # offline, emulator
//! GRAPH_TOKEN=eyJ0... cargo run -p graph-meetings --example lifecycle # against Graph
//! ```
//!
//! Offline it starts the crate's emulator and gives the meeting an attendance report of 25
//! records, a transcript and a 3 MB recording; against Graph the steps that need them say so
//! when the meeting has none (a new meeting has none until it happens).

use std::hash::{DefaultHasher, Hash as _, Hasher as _};

use futures_util::TryStreamExt as _;
use graph_meetings::emulator::{
    recording_bytes, AttendanceRecords, Emulator, NewRecording, NewTranscript,
};
use graph_meetings::types::{DateTimeOffset, Update};
use graph_meetings::{
    Client, Cloud, CreateOrGetRequest, Error, OnlineMeetingTranscriptContentGetFormat as Format,
    OnlineMeetingUpdate, StaticToken,
};

/// What the run saw, for the lifecycle test.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Seen {
    pub attendance_pages: usize,
    pub attendance_records: usize,
    pub transcript_starts_webvtt: bool,
    pub recording_bytes: u64,
    pub recording_intact: Option<bool>,
    pub new_in_delta: usize,
    pub gone_after_delete: bool,
}

const VTT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Alice>Good morning.\n";
const RECORDING: u64 = 3_000_000;

fn hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Runs every step with `client`; `emulator` (offline) supplies attendance, transcripts and
/// the recording.
pub async fn run(
    client: &Client,
    emulator: Option<&Emulator>,
) -> Result<Seen, Box<dyn std::error::Error>> {
    let mut seen = Seen::default();
    let me = client.me();
    let external_id = format!("lifecycle-{}", std::process::id());

    let mut ask = CreateOrGetRequest::new(external_id.as_str());
    ask.subject = Some("Lifecycle demo".into());
    let outcome = me
        .online_meetings()
        .create_or_get(&ask)
        .send()
        .await?
        .into_inner();
    let created = outcome.is_created();
    let meeting = outcome.into_inner();
    let id = meeting.id.clone().ok_or("the meeting has no id")?;
    println!(
        "1. createOrGet: {} meeting {id}",
        if created { "created" } else { "found" }
    );

    let got = me.online_meeting(&id).get().send().await?.into_inner();
    println!("2. get: subject {:?}", got.subject);

    let join_url = got
        .join_web_url
        .clone()
        .ok_or("the meeting has no join URL")?;
    let filter = format!("JoinWebUrl eq '{}'", join_url.replace('\'', "''"));
    let found = me
        .online_meetings()
        .list()
        .filter(&filter)
        .send()
        .await?
        .into_inner();
    let found_id = found.value.first().and_then(|m| m.id.clone());
    println!(
        "3. find by join URL: {}",
        found_id.as_deref().unwrap_or("not found")
    );
    if found_id.as_deref() != Some(id.as_str()) {
        return Err("the join URL did not find the meeting".into());
    }

    let change = OnlineMeetingUpdate {
        start_date_time: Update::Set(DateTimeOffset::parse("2026-12-02T09:00:00Z")?),
        end_date_time: Update::Set(DateTimeOffset::parse("2026-12-02T09:30:00Z")?),
        subject: Update::Clear,
        ..Default::default()
    };
    let moved = me
        .online_meeting(&id)
        .update(&change)
        .send()
        .await?
        .into_inner();
    println!(
        "4. PATCH: starts {}, subject {:?}",
        moved
            .start_date_time
            .map(|t| t.to_string())
            .unwrap_or_default(),
        moved.subject
    );

    let (transcript_id, recording_id) = match emulator {
        Some(emulator) => {
            emulator.add_attendance(
                &id,
                &serde_json::json!({"totalParticipantCount": 25}),
                AttendanceRecords::generated(25),
            )?;
            let t = emulator.add_transcript(&id, NewTranscript::new(VTT))?;
            let r = emulator.add_recording(&id, NewRecording::new(RECORDING))?;
            (Some(t), Some(r))
        }
        None => (None, None),
    };

    let reports = me
        .online_meeting(&id)
        .attendance_reports()
        .list()
        .send()
        .await?
        .into_inner();
    match reports.value.first().and_then(|r| r.id.clone()) {
        Some(report) => {
            let records = me
                .online_meeting(&id)
                .attendance_report(&report)
                .attendance_records()
                .list();
            let pages: Vec<_> = records.pages().try_collect().await?;
            seen.attendance_pages = pages.len();
            seen.attendance_records = pages.iter().map(|p| p.value.len()).sum();
            println!(
                "5. attendance: {} records over {} pages",
                seen.attendance_records, seen.attendance_pages
            );
        }
        None => println!("5. attendance: no report yet"),
    }

    let transcripts = me
        .online_meeting(&id)
        .transcripts()
        .list()
        .send()
        .await?
        .into_inner();
    let transcript = transcript_id.or_else(|| transcripts.value.first().and_then(|t| t.id.clone()));
    match &transcript {
        Some(t) => {
            let content = me
                .online_meeting(&id)
                .transcript(t)
                .content()
                .get()
                .format(Format::TextVtt);
            let vtt = content.send().await?.into_inner();
            let text = vtt.text().unwrap_or_default();
            seen.transcript_starts_webvtt = text.starts_with("WEBVTT");
            println!(
                "6. transcript: {:?}",
                text.lines().last().unwrap_or_default()
            );
        }
        None => println!("6. transcript: none yet"),
    }

    let recordings = me
        .online_meeting(&id)
        .recordings()
        .list()
        .send()
        .await?
        .into_inner();
    let recording = recording_id.or_else(|| recordings.value.first().and_then(|r| r.id.clone()));
    match &recording {
        Some(r) => {
            let download = me
                .online_meeting(&id)
                .recording(r)
                .content()
                .get()
                .download()
                .await?;
            let mut bytes = Vec::new();
            seen.recording_bytes = download.write_to(&mut bytes).await?;
            if emulator.is_some() {
                let expected = recording_bytes(r, 0, RECORDING as usize);
                seen.recording_intact = Some(hash(&bytes) == hash(&expected));
            }
            println!(
                "7. recording: {} bytes, hash {:016x}",
                seen.recording_bytes,
                hash(&bytes)
            );
        }
        None => println!("7. recording: none yet"),
    }

    let delta = me.online_meeting(&id).transcripts().delta();
    let pages: Vec<_> = delta.pages().try_collect().await?;
    let link = pages.last().and_then(|p| p.delta_link.clone());
    if let Some(emulator) = emulator {
        emulator.add_transcript(&id, NewTranscript::new(VTT))?;
    }
    match link {
        Some(link) => {
            let later = delta.follow_link(&link)?.send().await?.into_inner();
            seen.new_in_delta = later.value.len();
            println!(
                "8. delta: {} new transcript(s) since the last sync",
                seen.new_in_delta
            );
        }
        None => println!("8. delta: no delta link"),
    }

    me.online_meeting(&id).delete().send().await?;
    let after = me.online_meeting(&id).get().send().await;
    seen.gone_after_delete =
        matches!(&after, Err(e) if e.status() == Some(http::StatusCode::NOT_FOUND));
    println!(
        "9. delete: done; get afterwards: {}",
        match after {
            Ok(_) => "still there".to_string(),
            Err(Error::Graph(g)) => g.status.to_string(),
            Err(e) => e.to_string(),
        }
    );
    Ok(seen)
}

#[allow(dead_code)] // the lifecycle test includes this file for `run`
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = match std::env::var("GRAPH_TOKEN") {
        Ok(token) => {
            let cloud = std::env::var("GRAPH_ROOT").map_or(Cloud::Global, Cloud::Custom);
            (
                Client::builder(StaticToken::new(token))
                    .cloud(cloud)
                    .build()?,
                None,
            )
        }
        Err(_) => {
            let emulator = Emulator::start().await?;
            println!(
                "GRAPH_TOKEN is not set: using a local Graph emulator at {}",
                emulator.root()
            );
            let client = Client::builder(StaticToken::new("delegated:contoso:alice"))
                .cloud(Cloud::Custom(emulator.root()))
                .build()?;
            (client, Some(emulator))
        }
    };
    run(&client, emulator.as_ref()).await?;
    Ok(())
}
