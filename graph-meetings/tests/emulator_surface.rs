//! The emulator's whole onlineMeetings surface over plain HTTP (reqwest, no generated
//! builders): meetings' get/PATCH/DELETE and access rules, lists with `$filter`, `$select`,
//! `$top`, next links and `$count`, attendance, transcripts, recording downloads with `Range`
//! and a dropped connection, getAll functions, delta links, beta's key segment, and faults.

use std::time::Duration;

use graph_meetings::emulator::{
    recording_bytes, AttendanceRecords, Emulator, EmulatorError, Fault, NewRecording, NewTranscript,
};
use graph_meetings::types::DateTimeOffset;
use graph_meetings::Client;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::Method;
use serde_json::{json, Value};

const ALICE: &str = "delegated:contoso:alice";
const BOB: &str = "delegated:contoso:bob";
const APP: &str = "app:contoso:svc";
/// Pages followed at most before a test gives up on a listing.
const MAX_PAGES: usize = 100;

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |v| v.to_str().unwrap_or(""))
    }

    fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or("").into()
    }
}

struct Api {
    emulator: Emulator,
    http: reqwest::Client,
}

impl Api {
    async fn new() -> Api {
        Api::with(Emulator::start().await.unwrap())
    }

    fn with(emulator: Emulator) -> Api {
        let http = Client::reqwest_builder().build().unwrap();
        Api { emulator, http }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.emulator.root())
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut request = self.http.request(method, self.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(b) = body {
            request = request
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }

    async fn create(&self, token: &str, body: Value) -> Value {
        let a = self
            .send(
                Method::POST,
                "/v1.0/me/onlineMeetings",
                Some(token),
                Some(body),
                &[],
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.text());
        a.json()
    }

    /// Every item of a listing, following next links; the pages' sizes; the last page.
    async fn all(&self, path: &str, token: &str) -> (Vec<Value>, Vec<usize>, Value) {
        let (mut items, mut sizes) = (Vec::new(), Vec::new());
        let mut next = path.to_string();
        for _ in 0..MAX_PAGES {
            let a = self.get(&next, token).await;
            assert_eq!(a.status, 200, "{next}: {}", a.text());
            let page = a.json();
            let value = page["value"].as_array().unwrap().clone();
            sizes.push(value.len());
            items.extend(value);
            match page["@odata.nextLink"].as_str() {
                Some(link) => {
                    assert!(
                        link.starts_with(&format!("{}/", self.emulator.root())),
                        "absolute, to the emulator: {link}"
                    );
                    next = link.to_string();
                }
                None => return (items, sizes, page),
            }
        }
        panic!("more than {MAX_PAGES} pages at {path}");
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

fn at(text: &str) -> DateTimeOffset {
    DateTimeOffset::parse(text).unwrap()
}

#[tokio::test]
async fn get_patch_and_delete_a_meeting() {
    let api = Api::new().await;
    let made = api
        .create(
            ALICE,
            json!({"subject": "Plan", "isEntryExitAnnounced": true}),
        )
        .await;
    let path = format!("/v1.0/me/onlineMeetings/{}", id(&made));
    let got = api.get(&path, ALICE).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), made);

    let changes = json!({
        "subject": "Plan v2",
        "startDateTime": "2026-03-01T10:00:00Z",
        "endDateTime": "2026-03-01T11:00:00Z",
    });
    let a = api
        .send(Method::PATCH, &path, Some(ALICE), Some(changes), &[])
        .await;
    assert_eq!(a.status, 200, "{}", a.text());
    let patched = a.json();
    assert_eq!(patched["subject"], "Plan v2");
    assert_eq!(patched["startDateTime"], "2026-03-01T10:00:00Z");
    assert_eq!(
        patched["joinWebUrl"], made["joinWebUrl"],
        "untouched properties stay"
    );
    assert_eq!(patched["isEntryExitAnnounced"], true);

    let cleared = json!({"subject": null});
    let a = api
        .send(Method::PATCH, &path, Some(ALICE), Some(cleared), &[])
        .await;
    assert_eq!(a.status, 200);
    assert!(a.json().get("subject").is_none(), "null clears");
    assert!(api.get(&path, ALICE).await.json().get("subject").is_none());
    assert_eq!(
        api.get(&path, ALICE).await.json()["startDateTime"],
        "2026-03-01T10:00:00Z"
    );

    for bad in [
        json!({"subject": 5}),
        json!({"id": "other"}),
        json!({"endDateTime": "2026-02-01T00:00:00Z"}),
        json!([1]),
    ] {
        let a = api
            .send(Method::PATCH, &path, Some(ALICE), Some(bad.clone()), &[])
            .await;
        assert_eq!((a.status, a.code().as_str()), (400, "BadRequest"), "{bad}");
    }

    // The same meeting through /users/alice with an application token.
    let users_path = format!("/v1.0/users/alice/onlineMeetings/{}", id(&made));
    assert_eq!(api.get(&users_path, APP).await.status, 200);

    let a = api
        .send(Method::DELETE, &path, Some(ALICE), None, &[])
        .await;
    assert_eq!((a.status, a.body.len()), (204, 0));
    let after = api.get(&path, ALICE).await;
    assert_eq!((after.status, after.code().as_str()), (404, "NotFound"));
    let again = api
        .send(Method::DELETE, &path, Some(ALICE), None, &[])
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(api.emulator.meeting_count(), 0);
    let unknown = api.get("/v1.0/me/onlineMeetings/MSpnope", ALICE).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn who_may_see_a_meeting() {
    let api = Api::new().await;
    let made = api.create(ALICE, json!({})).await;
    let m = id(&made);
    let cases = [
        (format!("/v1.0/me/onlineMeetings/{m}"), Some(BOB), 403),
        (
            format!("/v1.0/users/alice/onlineMeetings/{m}"),
            Some(BOB),
            403,
        ),
        (
            format!("/v1.0/me/onlineMeetings/{m}"),
            Some("delegated:fabrikam:alice"),
            404,
        ),
        (
            format!("/v1.0/users/bob/onlineMeetings/{m}"),
            Some(APP),
            404,
        ),
        (
            format!("/v1.0/users/alice/onlineMeetings/{m}"),
            Some("app:fabrikam:svc"),
            404,
        ),
        (
            format!("/v1.0/users/alice/onlineMeetings/{m}"),
            Some(APP),
            200,
        ),
        (format!("/v1.0/me/onlineMeetings/{m}"), Some(APP), 400),
        (format!("/v1.0/me/onlineMeetings/{m}"), None, 401),
        (
            format!("/beta/me/onlineMeetings/{m}/transcripts"),
            Some(BOB),
            403,
        ),
        (
            format!("/v1.0/me/onlineMeetings/{m}/recordings/x/content"),
            Some(BOB),
            403,
        ),
    ];
    for (path, token, status) in cases {
        let a = api.send(Method::GET, &path, token, None, &[]).await;
        assert_eq!(a.status, status, "{path} {token:?}: {}", a.text());
        assert!(a.json()["error"]["message"].is_string() || status == 200);
    }
    // Bob cannot change or delete it either.
    let path = format!("/v1.0/me/onlineMeetings/{m}");
    let a = api
        .send(
            Method::PATCH,
            &path,
            Some(BOB),
            Some(json!({"subject": "x"})),
            &[],
        )
        .await;
    assert_eq!(a.status, 403);
    assert_eq!(
        api.send(Method::DELETE, &path, Some(BOB), None, &[])
            .await
            .status,
        403
    );
    assert_eq!(api.emulator.meeting_count(), 1);
}

#[tokio::test]
async fn lists_filter_select_page_and_count() {
    let api = Api::new().await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(api.create(ALICE, json!({"subject": format!("m{i}")})).await);
    }
    api.create(BOB, json!({})).await;
    let list = "/v1.0/me/onlineMeetings";

    let (items, sizes, _) = api.all(list, ALICE).await;
    assert_eq!(ids(&items), ids(&made), "every meeting once, oldest first");
    assert_eq!(sizes, [2, 2, 1], "small pages by default");
    assert!(items.iter().all(|i| i.get("@odata.context").is_none()));

    let (items, sizes, _) = api.all(&format!("{list}?$top=3"), ALICE).await;
    assert_eq!((items.len(), sizes), (5, vec![3, 2]));

    let first = api
        .get(&format!("{list}?$count=true&$select=subject"), ALICE)
        .await;
    let page = first.json();
    assert_eq!(page["@odata.count"], 5);
    let next = page["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.contains("$count=true") && next.contains("$select=subject"),
        "{next}"
    );
    for item in page["value"].as_array().unwrap() {
        let keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "subject"], "{item}");
    }
    let (items, _, last) = api
        .all(&format!("{list}?$count=true&$select=subject"), ALICE)
        .await;
    assert_eq!(items.len(), 5);
    assert_eq!(last["@odata.count"], 5, "on every page");

    let count = api.get(&format!("{list}/$count"), ALICE).await;
    assert_eq!((count.status, count.text().as_str()), (200, "5"));
    assert!(count.header("content-type").starts_with("text/plain"));
    assert_eq!(api.get(&format!("{list}/$count"), BOB).await.text(), "1");

    // Find by join URL, the value encoded, the property name in any case.
    let url = made[3]["joinWebUrl"].as_str().unwrap();
    for property in ["JoinWebUrl", "joinWebUrl", "JOINWEBURL"] {
        let filter = encode(&format!("{property} eq '{url}'"));
        let a = api.get(&format!("{list}?$filter={filter}"), ALICE).await;
        assert_eq!(a.status, 200, "{}", a.text());
        assert_eq!(ids(a.json()["value"].as_array().unwrap()), [id(&made[3])]);
        let c = api
            .get(&format!("{list}/$count?$filter={filter}"), ALICE)
            .await;
        assert_eq!(c.text(), "1");
    }
    let quoted = encode("JoinWebUrl eq 'https://teams.microsoft.com/l/O''Brien'");
    let a = api.get(&format!("{list}?$filter={quoted}"), ALICE).await;
    assert_eq!(
        (a.status, a.json()["value"].as_array().unwrap().len()),
        (200, 0)
    );
    let bob_sees = api
        .get(
            &format!(
                "{list}?$filter={}",
                encode(&format!("JoinWebUrl eq '{url}'"))
            ),
            BOB,
        )
        .await;
    assert_eq!(
        bob_sees.json()["value"],
        json!([]),
        "only the acting user's"
    );

    for bad in [
        format!("{list}?$filter={}", encode("subject eq 'm1'")),
        format!("{list}?$expand=attendanceReports"),
        format!("{list}?$top=x"),
        format!("{list}?$skiptoken=garbage"),
    ] {
        let a = api.get(&bad, ALICE).await;
        assert_eq!((a.status, a.code().as_str()), (400, "BadRequest"), "{bad}");
    }
    let unsupported = api
        .get(
            &format!("{list}?$filter={}", encode("subject eq 'm1'")),
            ALICE,
        )
        .await;
    assert!(unsupported.text().contains("unsupported filter"));

    let one = api
        .get(
            &format!("{list}/{}?$select=subject,joinWebUrl", id(&made[0])),
            ALICE,
        )
        .await
        .json();
    let mut keys: Vec<&String> = one.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["@odata.context", "id", "joinWebUrl", "subject"]);
}

#[tokio::test]
async fn page_sizes_are_configurable() {
    let emulator = Emulator::builder()
        .page_size(3)
        .records_page_size(4)
        .start()
        .await
        .unwrap();
    let api = Api::with(emulator);
    let mut last = Value::Null;
    for _ in 0..7 {
        last = api.create(ALICE, json!({})).await;
    }
    let (_, sizes, _) = api.all("/v1.0/me/onlineMeetings", ALICE).await;
    assert_eq!(sizes, [3, 3, 1]);
    let report = api
        .emulator
        .add_attendance(&id(&last), &json!({}), AttendanceRecords::generated(9))
        .unwrap();
    let path = format!(
        "/v1.0/me/onlineMeetings/{}/attendanceReports/{report}/attendanceRecords",
        id(&last)
    );
    let (items, sizes, _) = api.all(&path, ALICE).await;
    assert_eq!((items.len(), sizes), (9, vec![4, 4, 1]));
}

#[tokio::test]
async fn attendance_records_come_in_pages() {
    let api = Api::new().await;
    let made = api
        .create(
            ALICE,
            json!({"startDateTime": "2026-01-05T09:00:00Z", "endDateTime": "2026-01-05T10:00:00Z"}),
        )
        .await;
    let m = id(&made);
    let records: Vec<Value> = (0..25)
        .map(|i| json!({"emailAddress": format!("p{i}@contoso.example"), "totalAttendanceInSeconds": i, "role": "Attendee"}))
        .collect();
    let report = api
        .emulator
        .add_attendance(
            &m,
            &json!({"externalEventInformation": []}),
            AttendanceRecords::from_json(records).unwrap(),
        )
        .unwrap();
    let big = api
        .emulator
        .add_attendance(&m, &json!({}), AttendanceRecords::generated(100_000))
        .unwrap();

    let base = format!("/v1.0/users/alice/onlineMeetings/{m}/attendanceReports");
    let (reports, _, _) = api.all(&base, APP).await;
    assert_eq!(ids(&reports), [report.clone(), big.clone()]);
    assert_eq!(reports[0]["totalParticipantCount"], 25);
    assert_eq!(reports[0]["meetingStartDateTime"], "2026-01-05T09:00:00Z");
    assert_eq!(api.get(&format!("{base}/$count"), APP).await.text(), "2");
    let one = api.get(&format!("{base}/{report}"), APP).await;
    assert_eq!((one.status, id(&one.json())), (200, report.clone()));
    assert_eq!(api.get(&format!("{base}/nope"), APP).await.status, 404);

    let records = format!("{base}/{report}/attendanceRecords");
    let (items, sizes, _) = api.all(&records, APP).await;
    assert_eq!(sizes, [10, 10, 5]);
    let emails: Vec<&str> = items
        .iter()
        .map(|r| r["emailAddress"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..25).map(|i| format!("p{i}@contoso.example")).collect();
    assert_eq!(emails, expected);
    let counted = api.get(&format!("{records}?$count=true"), APP).await.json();
    assert_eq!(counted["@odata.count"], 25);
    assert_eq!(
        api.get(&format!("{records}/$count"), APP).await.text(),
        "25"
    );
    let r7 = api.get(&format!("{records}/r7"), APP).await.json();
    assert_eq!(r7["emailAddress"], "p7@contoso.example");

    let generated = format!("{base}/{big}/attendanceRecords");
    assert_eq!(
        api.get(&format!("{generated}/$count"), APP).await.text(),
        "100000"
    );
    let page = api
        .get(&format!("{generated}?$top=999&$select=emailAddress"), APP)
        .await
        .json();
    let value = page["value"].as_array().unwrap();
    assert_eq!(value.len(), 999);
    assert_eq!(
        value[998],
        json!({"id": "r998", "emailAddress": "attendee998@contoso.example"})
    );
    let next = page["@odata.nextLink"].as_str().unwrap();
    let second = api.get(next, APP).await.json();
    assert_eq!(second["value"][0]["id"], "r999");
    assert_eq!(
        api.get(&format!("{generated}/r99999"), APP).await.status,
        200
    );
    assert_eq!(
        api.get(&format!("{generated}/r100000"), APP).await.status,
        404
    );

    let err = api
        .emulator
        .add_attendance("nope", &json!({}), AttendanceRecords::generated(1))
        .unwrap_err();
    assert!(matches!(err, EmulatorError::UnknownMeeting(_)), "{err}");
    let err = AttendanceRecords::from_json([1, 2]).unwrap_err();
    assert!(matches!(err, EmulatorError::NotAnObject { .. }), "{err}");
}

const VTT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n<v Ann Lee>Good morning.</v>\n\n00:00:02.500 --> 00:00:04.000\n<v Raj Patel>Morning!</v>\n";

#[tokio::test]
async fn transcripts_and_their_content() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let t = api
        .emulator
        .add_transcript(&m, NewTranscript::new(VTT))
        .unwrap();
    let with_meta = api
        .emulator
        .add_transcript(&m, NewTranscript::new(VTT).metadata(b"meta!".to_vec()))
        .unwrap();
    let base = format!("/v1.0/me/onlineMeetings/{m}/transcripts");
    let (items, _, _) = api.all(&base, ALICE).await;
    assert_eq!(ids(&items), [t.clone(), with_meta.clone()]);
    assert_eq!(items[0]["meetingId"], m.as_str());
    assert!(items[0]["transcriptContentUrl"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/transcripts/{t}/content")));
    assert_eq!(api.get(&format!("{base}/$count"), ALICE).await.text(), "2");
    let one = api.get(&format!("{base}/{t}"), ALICE).await;
    assert_eq!((one.status, id(&one.json())), (200, t.clone()));
    assert_eq!(api.get(&format!("{base}/nope"), ALICE).await.status, 404);

    let content = format!("{base}/{t}/content");
    let by_format = api.get(&format!("{content}?$format=text/vtt"), ALICE).await;
    assert_eq!(by_format.status, 200);
    assert_eq!(by_format.header("content-type"), "text/vtt");
    assert_eq!(by_format.text(), VTT);
    let by_accept = api
        .send(
            Method::GET,
            &content,
            Some(ALICE),
            None,
            &[("accept", "text/vtt")],
        )
        .await;
    assert_eq!((by_accept.status, by_accept.text()), (200, VTT.to_string()));
    for headers in [
        vec![],
        vec![("accept", "application/octet-stream, application/json")],
    ] {
        let a = api
            .send(Method::GET, &content, Some(ALICE), None, &headers)
            .await;
        assert_eq!(a.status, 400, "{headers:?}");
        assert!(a.text().contains("Invalid format"));
    }
    assert_eq!(
        api.get(&format!("{content}?$format=docx"), ALICE)
            .await
            .status,
        400
    );

    let meta = api.get(&format!("{base}/{t}/metadataContent"), ALICE).await;
    assert_eq!(meta.status, 200);
    assert_eq!(meta.header("content-type"), "application/octet-stream");
    assert!(
        meta.text().contains("\"speakerName\":\"Ann Lee\""),
        "{}",
        meta.text()
    );
    let given = api
        .get(&format!("{base}/{with_meta}/metadataContent"), ALICE)
        .await;
    assert_eq!(given.body, b"meta!");
}

#[tokio::test]
async fn recording_content_whole_and_in_ranges() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let size: u64 = (1 << 20) + 3;
    let r = api
        .emulator
        .add_recording(&m, NewRecording::new(size))
        .unwrap();
    let recording = api
        .get(
            &format!("/v1.0/me/onlineMeetings/{m}/recordings/{r}"),
            ALICE,
        )
        .await;
    assert_eq!(recording.json()["id"], r.as_str());
    let content = format!("/v1.0/me/onlineMeetings/{m}/recordings/{r}/content");

    let whole = api.get(&content, ALICE).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("content-type"), "application/octet-stream");
    assert_eq!(whole.header("content-length"), size.to_string());
    assert_eq!(whole.header("accept-ranges"), "bytes");
    assert!(
        whole.body == recording_bytes(&r, 0, size as usize),
        "the same bytes"
    );

    let last = size - 1;
    let cases: [(&str, u64, u64); 5] = [
        ("bytes=100-199", 100, 199),
        ("bytes=1048570-", 1_048_570, last),
        ("bytes=-5", size - 5, last),
        ("bytes=0-0", 0, 0),
        ("bytes=5-99999999", 5, last),
    ];
    for (range, from, to) in cases {
        let a = api
            .send(
                Method::GET,
                &content,
                Some(ALICE),
                None,
                &[("range", range)],
            )
            .await;
        assert_eq!(a.status, 206, "{range}");
        assert_eq!(
            a.header("content-range"),
            format!("bytes {from}-{to}/{size}"),
            "{range}"
        );
        assert_eq!(a.header("content-length"), (to - from + 1).to_string());
        assert!(
            a.body == recording_bytes(&r, from, (to - from + 1) as usize),
            "{range}"
        );
    }
    let past = format!("bytes={size}-");
    let a = api
        .send(
            Method::GET,
            &content,
            Some(ALICE),
            None,
            &[("range", &past)],
        )
        .await;
    assert_eq!(a.status, 416);
    assert_eq!(a.header("content-range"), format!("bytes */{size}"));
    let several = api
        .send(
            Method::GET,
            &content,
            Some(ALICE),
            None,
            &[("range", "bytes=0-1,4-5")],
        )
        .await;
    assert_eq!((several.status, several.body.len() as u64), (200, size));
    assert_eq!(
        api.get(
            &format!("/v1.0/me/onlineMeetings/{m}/recordings/$count"),
            ALICE
        )
        .await
        .text(),
        "1"
    );
}

#[tokio::test]
async fn a_download_cut_mid_way_resumes_with_range() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let size: usize = 4 << 20;
    let r = api
        .emulator
        .add_recording(&m, NewRecording::new(size as u64))
        .unwrap();
    let url = api.url(&format!(
        "/v1.0/me/onlineMeetings/{m}/recordings/{r}/content"
    ));
    let cut = 1_000_000;
    api.emulator.inject(Fault::DropMidBody(cut), 1);
    let mut response = api.http.get(&url).bearer_auth(ALICE).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.content_length(),
        Some(size as u64),
        "the whole is promised"
    );
    let mut got = Vec::new();
    let mut failed = false;
    for _ in 0..100_000 {
        match response.chunk().await {
            Ok(Some(chunk)) => got.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "the body ends in an error, not a clean end");
    assert_eq!(got.len() as u64, cut);
    let rest = api
        .http
        .get(&url)
        .bearer_auth(ALICE)
        .header("range", format!("bytes={}-", got.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status().as_u16(), 206);
    got.extend_from_slice(&rest.bytes().await.unwrap());
    assert_eq!(got.len(), size);
    assert!(
        got == recording_bytes(&r, 0, size),
        "resumed without corruption"
    );
}

#[tokio::test]
async fn get_all_transcripts_and_recordings_of_an_organizer() {
    let api = Api::new().await;
    let (m1, m2) = (
        id(&api.create(ALICE, json!({})).await),
        id(&api.create(ALICE, json!({})).await),
    );
    let bobs = id(&api.create(BOB, json!({})).await);
    let e = &api.emulator;
    let jan1 = e
        .add_transcript(
            &m1,
            NewTranscript::new(VTT).created(at("2026-01-01T08:00:00Z")),
        )
        .unwrap();
    let jan15 = e
        .add_transcript(
            &m2,
            NewTranscript::new(VTT).created(at("2026-01-15T08:00:00Z")),
        )
        .unwrap();
    let feb1 = e
        .add_transcript(
            &m1,
            NewTranscript::new(VTT).created(at("2026-02-01T08:00:00Z")),
        )
        .unwrap();
    e.add_transcript(&bobs, NewTranscript::new(VTT)).unwrap();
    let rec = e
        .add_recording(
            &m2,
            NewRecording::new(10).created(at("2026-01-20T00:00:00Z")),
        )
        .unwrap();

    let get_all =
        |args: &str| format!("/v1.0/users/alice/onlineMeetings/getAllTranscripts({args})");
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let cases: Vec<(String, Vec<&String>)> = vec![
        ("meetingOrganizerUserId='alice'".into(), vec![&jan1, &jan15, &feb1]),
        ("meetingOrganizerUserId='alice',startDateTime=2026-01-10T00:00:00Z".into(), vec![&jan15, &feb1]),
        (
            "meetingOrganizerUserId='alice',startDateTime=2026-01-10T00:00:00Z,endDateTime=2026-01-20T00:00:00Z".into(),
            vec![&jan15],
        ),
        ("meetingOrganizerUserId='alice',startDateTime=2026-01-10T01:00:00%2B01:00".into(), vec![&jan15, &feb1]),
        ("meetingOrganizerUserId='alice',endDateTime=2026-01-02T00:00:00Z".into(), vec![&jan1]),
    ];
    for (args, expected) in cases {
        let (items, _, _) = api.all(&get_all(&args), APP).await;
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(sorted(ids(&items)), sorted(expected), "{args}");
    }
    let (items, sizes, _) = api
        .all(&get_all("meetingOrganizerUserId='alice'"), APP)
        .await;
    assert_eq!((items.len(), sizes), (3, vec![2, 1]), "paged");
    let me = "/beta/me/onlineMeetings/getAllRecordings(meetingOrganizerUserId='alice')";
    let (items, _, _) = api.all(me, ALICE).await;
    assert_eq!(ids(&items), [rec]);

    for (args, status, text) in [
        ("meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime", 400, "Syntax error"),
        ("meetingOrganizerUserId='alice',startDateTime=@startDateTime", 400, "Syntax error"),
        ("startDateTime=2026-01-01T00:00:00Z", 400, "meetingOrganizerUserId"),
        ("meetingOrganizerUserId='alice',startDateTime=2026-01-01T00:00:00 01:00", 400, "date-time"),
        ("meetingOrganizerUserId='bob'", 403, "meetingOrganizerUserId"),
    ] {
        let a = api.get(&get_all(&args.replace(' ', "%20")), APP).await;
        assert_eq!(a.status, status, "{args}: {}", a.text());
        assert!(a.text().contains(text), "{args}: {}", a.text());
    }
    // An SDK's form: the aliases left in the path, the values as query parameters.
    let sdk = format!(
        "{}?meetingOrganizerUserId=alice",
        get_all("meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime")
    );
    assert_eq!(api.get(&sdk, APP).await.status, 400);
}

#[tokio::test]
async fn delta_links_return_only_what_was_added_since() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let add = |n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                api.emulator
                    .add_transcript(&m, NewTranscript::new(VTT))
                    .unwrap()
            })
            .collect()
    };
    let first = add(3);
    let delta = format!("/v1.0/me/onlineMeetings/{m}/transcripts/delta()");
    let page1 = api.get(&delta, ALICE).await.json();
    assert!(
        page1.get("@odata.deltaLink").is_none(),
        "not on the first of two pages"
    );
    let (items, sizes, last) = api.all(&delta, ALICE).await;
    assert_eq!((ids(&items), sizes), (first.clone(), vec![2, 1]));
    let link = last["@odata.deltaLink"].as_str().unwrap().to_string();
    assert!(
        link.contains("delta()") && link.contains("$deltatoken="),
        "{link}"
    );

    let (nothing, _, again) = api.all(&link, ALICE).await;
    assert!(nothing.is_empty());
    assert!(again["@odata.deltaLink"].is_string());

    let later = add(3);
    let other = id(&api.create(ALICE, json!({})).await);
    api.emulator
        .add_transcript(&other, NewTranscript::new(VTT))
        .unwrap();
    let (new, sizes, last) = api.all(&link, ALICE).await;
    assert_eq!(
        (ids(&new), sizes),
        (later.clone(), vec![2, 1]),
        "only the meeting's new ones"
    );
    let newer = last["@odata.deltaLink"].as_str().unwrap();
    let (none, _, _) = api.all(newer, ALICE).await;
    assert!(none.is_empty());

    let rec = api
        .emulator
        .add_recording(&m, NewRecording::new(1))
        .unwrap();
    let (recs, _, _) = api
        .all(
            &format!("/v1.0/me/onlineMeetings/{m}/recordings/delta()"),
            ALICE,
        )
        .await;
    assert_eq!(ids(&recs), [rec]);
    let bad = api.get(&format!("{delta}?$deltatoken=abc"), ALICE).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn beta_finds_a_meeting_by_its_join_url() {
    let api = Api::new().await;
    let made = api.create(ALICE, json!({"subject": "Key"})).await;
    let url = made["joinWebUrl"].as_str().unwrap();
    let key = format!("onlineMeetings(joinWebUrl='{}')", encode(url));
    let a = api.get(&format!("/beta/me/{key}"), ALICE).await;
    assert_eq!(a.status, 200, "{}", a.text());
    assert_eq!(id(&a.json()), id(&made));
    assert_eq!(a.json()["subject"], "Key");
    assert_eq!(
        api.get(&format!("/beta/users/alice/{key}"), APP)
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&format!("/beta/users/alice/{key}"), BOB)
            .await
            .status,
        403
    );
    let a = api.get(&format!("/v1.0/me/{key}"), ALICE).await;
    assert_eq!(a.status, 400, "v1.0 has no such key");
    let other = encode("https://teams.microsoft.com/l/meetup-join/none");
    let a = api
        .get(
            &format!("/beta/me/onlineMeetings(joinWebUrl='{other}')"),
            ALICE,
        )
        .await;
    assert_eq!(a.status, 404);

    for path in [
        format!("/beta/me/{key}/getVirtualAppointmentJoinWebUrl()"),
        format!(
            "/v1.0/me/onlineMeetings/{}/getVirtualAppointmentJoinWebUrl()",
            id(&made)
        ),
    ] {
        let a = api.get(&path, ALICE).await;
        assert_eq!(a.status, 200, "{path}: {}", a.text());
        assert!(a.json()["value"].as_str().unwrap().starts_with("https://"));
    }
    let patched = api
        .send(
            Method::PATCH,
            &format!("/beta/me/{key}"),
            Some(ALICE),
            Some(json!({"subject": null})),
            &[],
        )
        .await;
    assert_eq!(patched.status, 200);
    assert!(patched.json().get("subject").is_none());
    let sms = json!({"attendees": [{"phoneNumber": "+15550100", "timeZone": "Pacific Standard Time"}], "messageType": "confirmation"});
    let a = api
        .send(
            Method::POST,
            &format!("/beta/me/{key}/sendVirtualAppointmentSms"),
            Some(ALICE),
            Some(sms),
            &[],
        )
        .await;
    assert_eq!(a.status, 202);
    let a = api
        .send(
            Method::DELETE,
            &format!("/beta/me/{key}"),
            Some(ALICE),
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, 204);
    assert_eq!(
        api.get(&format!("/v1.0/me/onlineMeetings/{}", id(&made)), ALICE)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn faults_apply_to_every_route() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let path = format!("/v1.0/me/onlineMeetings/{m}");
    api.emulator
        .inject(Fault::Throttle(Duration::from_secs(2)), 1);
    api.emulator.inject(Fault::Unavailable, 1);
    api.emulator.inject(Fault::GatewayTimeoutAfterWork, 1);
    let a = api.get(&path, ALICE).await;
    assert_eq!((a.status, a.header("retry-after")), (429, "2"));
    assert_eq!(api.get("/v1.0/me/onlineMeetings", ALICE).await.status, 503);
    assert_eq!(
        api.get(&format!("{path}/transcripts"), ALICE).await.status,
        504
    );
    assert_eq!(api.get(&path, ALICE).await.status, 200, "then normal again");

    // A GET whose connection drops after the work: the client sees a transport error.
    api.emulator.inject(Fault::DropAfterWork, 1);
    let err = api.http.get(api.url(&path)).bearer_auth(ALICE).send().await;
    let failed = match err {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed);
    // A cut JSON body.
    api.emulator.inject(Fault::DropMidBody(10), 1);
    let r = api
        .http
        .get(api.url(&path))
        .bearer_auth(ALICE)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "the headers arrive");
    assert!(r.bytes().await.is_err(), "the body does not");
    // A delay, and a claims challenge on a GET.
    api.emulator
        .inject(Fault::Delay(Duration::from_millis(50)), 1);
    let started = std::time::Instant::now();
    assert_eq!(api.get(&path, ALICE).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(50));
    api.emulator.inject(Fault::ClaimsChallenge, 1);
    let a = api.get(&path, "delegated:contoso:alice;old").await;
    assert_eq!(a.status, 401);
    assert!(a.header("www-authenticate").contains("insufficient_claims"));
    assert_eq!(
        api.get(&path, ALICE).await.status,
        200,
        "another token is fine"
    );
}

#[tokio::test]
async fn the_rest_of_the_surface_is_refused_plainly() {
    let api = Api::new().await;
    let m = id(&api.create(ALICE, json!({})).await);
    let base = format!("/v1.0/me/onlineMeetings/{m}");
    for (method, path, status, code) in [
        (
            Method::GET,
            format!("{base}/attendeeReport"),
            501,
            "NotImplemented",
        ),
        (
            Method::GET,
            format!("/beta/me/onlineMeetings/{m}/registration/registrants"),
            501,
            "NotImplemented",
        ),
        (
            Method::POST,
            format!("{base}/transcripts"),
            405,
            "MethodNotAllowed",
        ),
        (
            Method::PUT,
            format!("{base}/recordings/x/content"),
            405,
            "MethodNotAllowed",
        ),
        (Method::PUT, base.clone(), 405, "MethodNotAllowed"),
        (Method::GET, format!("{base}/nothing"), 404, "UnknownPath"),
        (
            Method::GET,
            format!("{base}/transcripts/x"),
            404,
            "NotFound",
        ),
    ] {
        let a = api
            .send(method.clone(), &path, Some(ALICE), None, &[])
            .await;
        assert_eq!(
            (a.status, a.code()),
            (status, code.to_string()),
            "{method} {path}"
        );
    }
    let a = api
        .send(
            Method::POST,
            &format!("{base}/sendVirtualAppointmentReminderSms"),
            Some(ALICE),
            Some(json!({})),
            &[],
        )
        .await;
    assert_eq!(a.status, 400, "attendees are required");
}
