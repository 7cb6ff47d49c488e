//! Reading a documented onlineMeeting response: the generated model against
//! `serde_json::Value` and against a plain `#[derive(Deserialize)]` struct with the same fields
//! and types but no map of unknown properties.

use criterion::{criterion_group, Criterion};
use graph_meetings::types::DateTimeOffset;
use graph_meetings::{OnlineMeeting, OnlineMeetingRole};
use serde::Deserialize;

/// Microsoft's documented create response, from the workspace's fixtures.
const FIXTURE: &str =
    include_str!("../../tests/fixtures/examples/beta-create-01-user-token.response.json");

/// The baseline: the 19 fields of `OnlineMeeting` that this response uses, with the same types
/// (nested objects unboxed), and no unknown-property map: it drops what it does not declare.
#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Plain {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    id: Option<String>,
    subject: Option<String>,
    join_web_url: Option<String>,
    creation_date_time: Option<DateTimeOffset>,
    start_date_time: Option<DateTimeOffset>,
    end_date_time: Option<DateTimeOffset>,
    audio_conferencing: Option<PlainAudio>,
    chat_info: Option<PlainChat>,
    participants: Option<PlainParticipants>,
    join_meeting_id_settings: Option<PlainJoin>,
    allow_attendee_to_enable_camera: Option<bool>,
    allow_attendee_to_enable_mic: Option<bool>,
    allow_breakout_rooms: Option<bool>,
    allow_recording: Option<bool>,
    allow_transcription: Option<bool>,
    external_id: Option<String>,
    meeting_template_id: Option<String>,
    is_end_to_end_encryption_enabled: Option<bool>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainAudio {
    conference_id: Option<String>,
    toll_number: Option<String>,
    toll_free_number: Option<String>,
    dialin_url: Option<String>,
    toll_numbers: Option<Vec<Option<String>>>,
    toll_free_numbers: Option<Vec<Option<String>>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainChat {
    thread_id: Option<String>,
    message_id: Option<String>,
    reply_chain_message_id: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainParticipants {
    organizer: Option<PlainParticipant>,
    attendees: Option<Vec<PlainParticipant>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainParticipant {
    identity: Option<PlainIdentitySet>,
    role: Option<OnlineMeetingRole>,
    upn: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainIdentitySet {
    user: Option<PlainIdentity>,
    application: Option<PlainIdentity>,
    device: Option<PlainIdentity>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainIdentity {
    id: Option<String>,
    display_name: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainJoin {
    is_passcode_required: Option<bool>,
    join_meeting_id: Option<String>,
    passcode: Option<String>,
}

fn benches(c: &mut Criterion) {
    let fixture: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let body = fixture["body"].to_string();
    let response = body.as_str();
    let mut group = c.benchmark_group("read documented response");
    group.bench_function("generated OnlineMeeting", |b| {
        b.iter(|| serde_json::from_str::<OnlineMeeting>(std::hint::black_box(response)).unwrap())
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            serde_json::from_str::<serde_json::Value>(std::hint::black_box(response)).unwrap()
        })
    });
    group.bench_function("plain derive, no unknown map", |b| {
        b.iter(|| serde_json::from_str::<Plain>(std::hint::black_box(response)).unwrap())
    });
    group.finish();
    let meeting: OnlineMeeting = serde_json::from_str(response).unwrap();
    c.bench_function("write generated OnlineMeeting", |b| {
        b.iter(|| serde_json::to_vec(std::hint::black_box(&meeting)).unwrap())
    });
}

/// One read of `text` by `which`, dropped.
fn read_once(which: &str, text: &str) {
    match which {
        "generated" => drop(std::hint::black_box(
            serde_json::from_str::<OnlineMeeting>(text).unwrap(),
        )),
        "value" => drop(std::hint::black_box(
            serde_json::from_str::<serde_json::Value>(text).unwrap(),
        )),
        "plain" => drop(std::hint::black_box(
            serde_json::from_str::<Plain>(text).unwrap(),
        )),
        other => panic!("unknown reader {other}"),
    }
}

/// `GRAPH_READ_LOOP=<generated|value|plain>:<n>` reads the response `n` times in a plain loop
/// and prints the time per read, instead of running criterion: for callgrind
/// (`valgrind --tool=callgrind target/release/deps/models-*`), whose instruction counts do not
/// move with the machine's load.
///
/// `GRAPH_READ_LOOP=rounds:<n>` runs 30 rounds of `n` reads by each reader in turn and prints
/// each reader's best and median round: on a machine shared with other work, readers measured
/// side by side, round by round, are compared fairly where criterion's one-after-the-other
/// runs are not.
fn read_loop(spec: &str) {
    let (which, n) = spec.split_once(':').expect("GRAPH_READ_LOOP=<which>:<n>");
    let n: u32 = n.parse().expect("a count");
    let fixture: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let body = fixture["body"].to_string();
    let time = |which: &str| {
        let start = std::time::Instant::now();
        for _ in 0..n {
            read_once(which, std::hint::black_box(body.as_str()));
        }
        start.elapsed() / n
    };
    if which != "rounds" {
        return println!("{which}: {:?} per read", time(which));
    }
    let readers = ["generated", "value", "plain"];
    let mut rounds: Vec<Vec<std::time::Duration>> = vec![Vec::new(); readers.len()];
    for _ in 0..30 {
        for (i, which) in readers.iter().enumerate() {
            rounds[i].push(time(which));
        }
    }
    for (which, times) in readers.iter().zip(&mut rounds) {
        times.sort();
        println!(
            "{which}: best {:?}, median {:?} per read",
            times[0],
            times[times.len() / 2]
        );
    }
}

criterion_group!(models, benches);

fn main() {
    if let Ok(spec) = std::env::var("GRAPH_READ_LOOP") {
        return read_loop(&spec);
    }
    models();
    Criterion::default().configure_from_args().final_summary();
}
