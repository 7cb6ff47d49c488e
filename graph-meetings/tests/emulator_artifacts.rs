//! What hangs off a meeting in the emulator, over plain HTTP: attendance reports and records
//! in pages, transcripts and their WebVTT content, recording downloads whole, in ranges and
//! resumed after a cut connection, `getAllTranscripts`/`getAllRecordings`, and delta links.

mod emulator_http;

use emulator_http::{at, id, ids, Api, ALICE, APP, BOB};
use graph_meetings::emulator::{
    recording_bytes, AttendanceRecords, EmulatorError, Fault, NewRecording, NewTranscript,
};
use reqwest::Method;
use serde_json::{json, Value};

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
