//! The emulator's own API for what only Teams makes: attendance reports and records,
//! recordings and transcripts of a meeting.

use std::sync::Arc;

use axum::body::Bytes;
use serde::Serialize;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::store::{lock, Artifact, Content, Records, Report};
use super::Emulator;
use crate::types::DateTimeOffset;

/// Recordings or transcripts one meeting may have, each.
pub const MAX_ARTIFACTS: usize = 10_000;
/// Attendance reports one meeting may have.
pub const MAX_REPORTS: usize = 1_000;
/// Attendance records held as JSON, across all meetings (generated ones take no room).
pub const MAX_STORED_RECORDS: usize = 200_000;
/// Records one generated report may have.
pub const MAX_GENERATED_RECORDS: u64 = 100_000_000;
/// The largest transcript (WebVTT or metadata).
pub const MAX_TRANSCRIPT_BYTES: usize = 16 * 1024 * 1024;
/// The largest recording (1 TiB; its content is generated, never held).
pub const MAX_RECORDING_BYTES: u64 = 1 << 40;

/// Why the emulator refused to add something.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// No meeting has this id (never made, deleted, or forgotten past `MAX_MEETINGS`).
    #[error("no meeting with id {0:?}")]
    UnknownMeeting(String),
    /// The value did not serialize to a JSON object.
    #[error("{what} must serialize to a JSON object")]
    NotAnObject {
        /// What was given.
        what: &'static str,
    },
    /// The value did not serialize at all.
    #[error("{what} does not serialize to JSON: {source}")]
    Json {
        /// What was given.
        what: &'static str,
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// A bound of the emulator would be passed.
    #[error("{what}: at most {limit}")]
    Limit {
        /// Which bound.
        what: &'static str,
        /// The bound.
        limit: u64,
    },
}

/// The attendance records of a report: given as JSON objects, or generated.
///
/// ```
/// use graph_meetings::emulator::AttendanceRecords;
/// use serde_json::json;
///
/// let given = AttendanceRecords::from_json([
///     json!({"emailAddress": "ann@contoso.example", "totalAttendanceInSeconds": 60}),
/// ])?;
/// assert_eq!(given.len(), 1);
/// // A million records cost no memory: record i is made when a page asks for it.
/// assert_eq!(AttendanceRecords::generated(1_000_000).len(), 1_000_000);
/// # Ok::<(), graph_meetings::emulator::EmulatorError>(())
/// ```
#[derive(Clone, Debug)]
pub struct AttendanceRecords(RecordsSpec);

#[derive(Clone, Debug)]
enum RecordsSpec {
    Json(Vec<Map<String, Value>>),
    Generated(u64),
}

impl AttendanceRecords {
    /// Records as given (any `Serialize` value that is a JSON object, such as
    /// `graph_meetings::v1::AttendanceRecord` or `serde_json::json!({..})`). A record without
    /// an `id` gets `r<index>`.
    pub fn from_json<T: Serialize>(
        records: impl IntoIterator<Item = T>,
    ) -> Result<AttendanceRecords, EmulatorError> {
        let records = records
            .into_iter()
            .map(|r| object(&r, "an attendance record"))
            .collect::<Result<_, _>>()?;
        Ok(AttendanceRecords(RecordsSpec::Json(records)))
    }

    /// `count` records made on demand (ids `r0`, `r1`, ...; attendee `i` has the address
    /// `attendee<i>@<tenant>.example` and stayed `60 + i % 3600` seconds), for listings of any
    /// size.
    pub fn generated(count: u64) -> AttendanceRecords {
        AttendanceRecords(RecordsSpec::Generated(count))
    }

    /// How many records there are.
    pub fn len(&self) -> u64 {
        match &self.0 {
            RecordsSpec::Json(v) => v.len() as u64,
            RecordsSpec::Generated(n) => *n,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A recording to add to a meeting: its size, and optionally when it was made.
///
/// ```
/// use graph_meetings::emulator::NewRecording;
/// use graph_meetings::types::DateTimeOffset;
///
/// let recording = NewRecording::new(3 << 30) // 3 GiB, generated as it is downloaded
///     .created(DateTimeOffset::parse("2026-01-05T09:00:00Z").unwrap());
/// # let _ = recording;
/// ```
#[derive(Clone, Debug)]
pub struct NewRecording {
    size: u64,
    created: Option<DateTimeOffset>,
}

impl NewRecording {
    /// A recording of `size_bytes` bytes; its content is `recording_bytes(id, ..)`.
    pub fn new(size_bytes: u64) -> NewRecording {
        NewRecording {
            size: size_bytes,
            created: None,
        }
    }

    /// Its `createdDateTime` (else the time it is added).
    pub fn created(mut self, at: DateTimeOffset) -> NewRecording {
        self.created = Some(at);
        self
    }
}

/// A transcript to add to a meeting: its WebVTT text, and optionally its metadata content and
/// when it was made.
///
/// ```
/// use graph_meetings::emulator::NewTranscript;
///
/// let transcript = NewTranscript::new("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ann>Hello.</v>\n")
///     .metadata(b"{\"speakers\":[\"Ann\"]}".to_vec());
/// # let _ = transcript;
/// ```
#[derive(Clone, Debug)]
pub struct NewTranscript {
    vtt: String,
    metadata: Option<Vec<u8>>,
    created: Option<DateTimeOffset>,
}

impl NewTranscript {
    /// A transcript whose content (`$format=text/vtt`) is `vtt`.
    pub fn new(vtt: impl Into<String>) -> NewTranscript {
        NewTranscript {
            vtt: vtt.into(),
            metadata: None,
            created: None,
        }
    }

    /// What `metadataContent` answers (else a WebVTT header and one JSON line per cue of
    /// the transcript: its start time and speaker).
    pub fn metadata(mut self, bytes: impl Into<Vec<u8>>) -> NewTranscript {
        self.metadata = Some(bytes.into());
        self
    }

    /// Its `createdDateTime` (else the time it is added).
    pub fn created(mut self, at: DateTimeOffset) -> NewTranscript {
        self.created = Some(at);
        self
    }
}

fn object<T: Serialize>(
    value: &T,
    what: &'static str,
) -> Result<Map<String, Value>, EmulatorError> {
    match serde_json::to_value(value) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(EmulatorError::NotAnObject { what }),
        Err(source) => Err(EmulatorError::Json { what, source }),
    }
}

pub(super) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Record `i` of a generated report.
pub(super) fn generated_record(i: u64, start: OffsetDateTime, tenant: &str) -> String {
    let seconds = 60 + i % 3600;
    let join = start + time::Duration::seconds((i % 600) as i64);
    let leave = join + time::Duration::seconds(seconds as i64);
    json!({
        "id": format!("r{i}"),
        "emailAddress": format!("attendee{i}@{tenant}.example"),
        "role": if i == 0 { "Organizer" } else { "Attendee" },
        "totalAttendanceInSeconds": seconds,
        "identity": {"id": format!("user-{i}"), "displayName": format!("Attendee {i}")},
        "attendanceIntervals": [{
            "joinDateTime": rfc3339(join),
            "leaveDateTime": rfc3339(leave),
            "durationInSeconds": seconds,
        }],
    })
    .to_string()
}

/// One JSON line per cue of a WebVTT text: the cue's start and speaker.
fn default_metadata(vtt: &str) -> Vec<u8> {
    let mut out = String::from("WEBVTT\n\n");
    for (i, line) in vtt.lines().enumerate() {
        if let Some((start, _)) = line.split_once(" --> ") {
            let speaker = vtt
                .lines()
                .nth(i + 1)
                .and_then(|l| l.strip_prefix("<v "))
                .and_then(|l| l.split_once('>'))
                .map_or("", |(s, _)| s);
            out.push_str(&json!({"start": start.trim(), "speakerName": speaker}).to_string());
            out.push('\n');
        }
    }
    out.into_bytes()
}

impl Emulator {
    /// Adds an attendance report with its records to a meeting; returns the report's id.
    ///
    /// `report` is any `Serialize` JSON object (a `graph_meetings::v1::MeetingAttendanceReport`
    /// or `json!({..})`); the emulator sets `id`, and fills `meetingStartDateTime`,
    /// `meetingEndDateTime` (the meeting's) and `totalParticipantCount` (the records') when
    /// absent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use graph_meetings::emulator::{AttendanceRecords, Emulator};
    /// use graph_meetings::{Client, Cloud, OnlineMeeting, StaticToken};
    ///
    /// let emulator = Emulator::start().await?;
    /// let client = Client::builder(StaticToken::new("delegated:contoso:alice"))
    ///     .cloud(Cloud::Custom(emulator.root()))
    ///     .build()?;
    /// let meeting = client.me().online_meetings().create(&OnlineMeeting::default()).send().await?;
    /// let id = meeting.id.as_deref().unwrap();
    /// let report = emulator.add_attendance(id, &serde_json::json!({}), AttendanceRecords::generated(25))?;
    /// assert!(!report.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn add_attendance<R: Serialize>(
        &self,
        meeting_id: &str,
        report: &R,
        records: AttendanceRecords,
    ) -> Result<String, EmulatorError> {
        let mut value = object(report, "an attendance report")?;
        let id = format!("rep_{}", uuid::Uuid::new_v4().simple());
        let mut store = lock(&self.store);
        let stored_before = store.stored_records;
        let meeting = store
            .meetings
            .get_mut(meeting_id)
            .ok_or_else(|| EmulatorError::UnknownMeeting(meeting_id.to_string()))?;
        if meeting.reports.len() >= MAX_REPORTS {
            return Err(EmulatorError::Limit {
                what: "attendance reports per meeting",
                limit: MAX_REPORTS as u64,
            });
        }
        let start_text = meeting.value.get("startDateTime").cloned();
        let start = start_text
            .as_ref()
            .and_then(Value::as_str)
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
            .unwrap_or_else(OffsetDateTime::now_utc);
        let count = records.len();
        let records = match records.0 {
            RecordsSpec::Generated(n) if n > MAX_GENERATED_RECORDS => {
                return Err(EmulatorError::Limit {
                    what: "generated attendance records per report",
                    limit: MAX_GENERATED_RECORDS,
                })
            }
            RecordsSpec::Generated(n) => Records::Generated { count: n, start },
            RecordsSpec::Json(list) => {
                if stored_before + list.len() > MAX_STORED_RECORDS {
                    return Err(EmulatorError::Limit {
                        what: "attendance records held as JSON",
                        limit: MAX_STORED_RECORDS as u64,
                    });
                }
                let stored = list
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut r)| {
                        let rid = match r.get("id").and_then(Value::as_str) {
                            Some(given) => given.to_string(),
                            None => format!("r{i}"),
                        };
                        r.insert("id".into(), Value::String(rid.clone()));
                        (rid, Value::Object(r).to_string().into_boxed_str())
                    })
                    .collect();
                Records::Stored(stored)
            }
        };
        value.insert("id".into(), Value::String(id.clone()));
        for (from, to) in [
            ("startDateTime", "meetingStartDateTime"),
            ("endDateTime", "meetingEndDateTime"),
        ] {
            if !value.contains_key(to) {
                if let Some(v) = meeting.value.get(from) {
                    value.insert(to.into(), v.clone());
                }
            }
        }
        value
            .entry("totalParticipantCount")
            .or_insert_with(|| json!(count));
        value
            .entry("@odata.type")
            .or_insert_with(|| json!("#microsoft.graph.meetingAttendanceReport"));
        let stored = match &records {
            Records::Stored(v) => v.len(),
            Records::Generated { .. } => 0,
        };
        meeting.reports.push(Report {
            id: id.clone(),
            value: Arc::new(Value::Object(value)),
            records,
        });
        store.stored_records += stored;
        Ok(id)
    }

    /// Adds a recording to a meeting; returns its id. Its content (`recordings/{id}/content`)
    /// is `recording_bytes(id, ..)`, generated as it is sent.
    pub fn add_recording(
        &self,
        meeting_id: &str,
        recording: NewRecording,
    ) -> Result<String, EmulatorError> {
        if recording.size > MAX_RECORDING_BYTES {
            return Err(EmulatorError::Limit {
                what: "recording bytes",
                limit: MAX_RECORDING_BYTES,
            });
        }
        let content = Content::Recording {
            size: recording.size,
        };
        self.add_artifact(meeting_id, "rec", recording.created, content)
    }

    /// Adds a transcript to a meeting; returns its id.
    pub fn add_transcript(
        &self,
        meeting_id: &str,
        transcript: NewTranscript,
    ) -> Result<String, EmulatorError> {
        let metadata = transcript
            .metadata
            .unwrap_or_else(|| default_metadata(&transcript.vtt));
        if transcript.vtt.len().max(metadata.len()) > MAX_TRANSCRIPT_BYTES {
            return Err(EmulatorError::Limit {
                what: "transcript bytes",
                limit: MAX_TRANSCRIPT_BYTES as u64,
            });
        }
        let content = Content::Transcript {
            vtt: Bytes::from(transcript.vtt),
            metadata: Bytes::from(metadata),
        };
        self.add_artifact(meeting_id, "tr", transcript.created, content)
    }

    fn add_artifact(
        &self,
        meeting_id: &str,
        prefix: &str,
        created: Option<DateTimeOffset>,
        content: Content,
    ) -> Result<String, EmulatorError> {
        let id = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let created = created.map_or_else(OffsetDateTime::now_utc, |c| c.value());
        let root = self.root();
        let mut store = lock(&self.store);
        let seq = store.seq + 1;
        let meeting = store
            .meetings
            .get_mut(meeting_id)
            .ok_or_else(|| EmulatorError::UnknownMeeting(meeting_id.to_string()))?;
        // (@odata.type, the content URL's property, the collection's segment)
        let (names, list) = match content {
            Content::Recording { .. } => (
                (
                    "#microsoft.graph.callRecording",
                    "recordingContentUrl",
                    "recordings",
                ),
                &mut meeting.recordings,
            ),
            Content::Transcript { .. } => (
                (
                    "#microsoft.graph.callTranscript",
                    "transcriptContentUrl",
                    "transcripts",
                ),
                &mut meeting.transcripts,
            ),
        };
        let (odata_type, url_property, segment) = names;
        if list.len() >= MAX_ARTIFACTS {
            return Err(EmulatorError::Limit {
                what: "recordings or transcripts per meeting",
                limit: MAX_ARTIFACTS as u64,
            });
        }
        let (tenant, user) = (&meeting.tenant, &meeting.user);
        let thread = meeting
            .value
            .pointer("/chatInfo/threadId")
            .cloned()
            .unwrap_or(Value::Null);
        let mut value = json!({
            "@odata.type": odata_type,
            "id": id,
            "meetingId": meeting_id,
            "callId": thread,
            "contentCorrelationId": format!("{}", uuid::Uuid::new_v4()),
            "createdDateTime": rfc3339(created),
            "endDateTime": rfc3339(created + time::Duration::hours(1)),
            "meetingOrganizer": {"user": {"id": user, "tenantId": tenant}},
        });
        let encode = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        let url = format!(
            "{root}/v1.0/users/{}/onlineMeetings/{}/{segment}/{id}/content",
            encode(user),
            encode(meeting_id)
        );
        value[url_property] = Value::String(url);
        list.push(Artifact {
            id: id.clone(),
            seq,
            created,
            value: Arc::new(value),
            content,
        });
        store.seq = seq;
        Ok(id)
    }
}
