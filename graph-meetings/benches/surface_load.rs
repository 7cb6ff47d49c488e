//! The client on the whole surface, against the emulator over loopback, each scenario in its
//! own process so that its peak memory is its own:
//!
//! - `records`: 100,000 attendance records listed through pages (`items()`): items per second
//!   and peak RSS;
//! - `download`: a 1 GiB recording downloaded with `download()`, and the same URL with a bare
//!   reqwest stream, in one run: throughput of each and peak RSS of each.
//!
//! `cargo bench -p graph-meetings --bench surface_load` runs all; `-- records` or `-- download`
//! (or `-- download-bare`) runs one. Bounded in size and to 127.0.0.1.

mod common;

use common::peak_rss_mb;
use std::time::Instant;

use futures_util::TryStreamExt as _;
use graph_meetings::emulator::{AttendanceRecords, Emulator, NewRecording};
use graph_meetings::{Client, Cloud, OnlineMeeting, StaticToken};

const TOKEN: &str = "delegated:contoso:alice";
const RECORDS: u64 = 100_000;
const RECORDS_PAGE: usize = 500;
const GIB: u64 = 1 << 30;

async fn setup() -> (Emulator, Client, String) {
    let emulator = Emulator::builder()
        .records_page_size(RECORDS_PAGE)
        .start()
        .await
        .expect("the emulator starts");
    let client = Client::builder(StaticToken::new(TOKEN))
        .cloud(Cloud::Custom(emulator.root()))
        .build()
        .expect("a client");
    let meeting = client
        .me()
        .online_meetings()
        .create(&OnlineMeeting::default())
        .send()
        .await
        .expect("a meeting")
        .into_inner();
    let id = meeting.id.expect("an id");
    (emulator, client, id)
}

async fn records() {
    let (emulator, client, id) = setup().await;
    let report = emulator
        .add_attendance(
            &id,
            &serde_json::json!({}),
            AttendanceRecords::generated(RECORDS),
        )
        .expect("a report");
    let list = client
        .me()
        .online_meeting(&id)
        .attendance_report(&report)
        .attendance_records()
        .list();
    let started = Instant::now();
    let count = list
        .items()
        .try_fold(0u64, |n, _| async move { Ok(n + 1) })
        .await
        .expect("every record");
    let took = started.elapsed();
    assert_eq!(count, RECORDS);
    println!(
        "records: {count} attendance records in {} pages of {RECORDS_PAGE}: {:.2} s, {:.0} items/s, peak RSS {} MB (client and emulator in one process)",
        RECORDS.div_ceil(RECORDS_PAGE as u64),
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64(),
        peak_rss_mb()
    );
}

async fn download(bare: bool) {
    let (emulator, client, id) = setup().await;
    let recording = emulator
        .add_recording(&id, NewRecording::new(GIB))
        .expect("a recording");
    let started = Instant::now();
    let received = if bare {
        let url = format!(
            "{}/v1.0/me/onlineMeetings/{id}/recordings/{recording}/content",
            emulator.root()
        );
        let mut response = reqwest::Client::new()
            .get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("an answer")
            .error_for_status()
            .expect("a success");
        let mut n = 0u64;
        while let Some(chunk) = response.chunk().await.expect("a chunk") {
            n += chunk.len() as u64;
        }
        n
    } else {
        let content = client
            .me()
            .online_meeting(&id)
            .recording(&recording)
            .content()
            .get();
        let mut download = content.download().await.expect("a download");
        let mut n = 0u64;
        while let Some(chunk) = download.chunk().await.expect("a chunk") {
            n += chunk.len() as u64;
        }
        n
    };
    let took = started.elapsed();
    assert_eq!(received, GIB);
    println!(
        "download ({}): 1 GiB in {:.2} s, {:.0} MB/s, peak RSS {} MB (client and emulator in one process)",
        if bare { "bare reqwest" } else { "Request::download" },
        took.as_secs_f64(),
        GIB as f64 / took.as_secs_f64() / 1e6,
        peak_rss_mb()
    );
}

fn main() {
    let which: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    match which.first().map(String::as_str) {
        Some("records") => runtime.block_on(records()),
        Some("download") => runtime.block_on(download(false)),
        Some("download-bare") => runtime.block_on(download(true)),
        _ => {
            let me = std::env::current_exe().expect("this binary");
            for scenario in [
                "records",
                "download",
                "download-bare",
                "download",
                "download-bare",
            ] {
                let status = std::process::Command::new(&me)
                    .arg(scenario)
                    .status()
                    .expect("a child process");
                assert!(status.success(), "{scenario} failed");
            }
        }
    }
}
