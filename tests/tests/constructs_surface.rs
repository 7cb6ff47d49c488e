//! The constructs of the whole onlineMeetings surface, generated from `tests/specs/` and
//! exercised sans-IO: query, header and function-alias options, key segments, outputs (pages,
//! deltas, counts, content, nothing, uploads) and PATCH bodies. What goes on the wire is checked
//! byte for byte.

use graph_meetings::{request, types};
use serde_json::json;

include!(concat!(env!("OUT_DIR"), "/constructs.rs"));

const BASE: &str = "https://graph.example/v1.0";

fn respond(status: u16, content_type: &str, body: &[u8]) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body.to_vec())
        .unwrap()
}

#[test]
fn query_and_header_options_are_typed_methods_encoded_by_odata_rules() {
    use query_options::{Requests, ThingsListFormat, ThingsListOrderby};
    let request = Requests::detached()
        .things()
        .list("contoso")
        .top(5)
        .count(true)
        .filter("JoinWebUrl eq 'https://x/a b?c=1&d=O''Brien+2'")
        .select(&["id", "subject"])
        .orderby(&[ThingsListOrderby::IdDesc, ThingsListOrderby::Subject])
        .format(ThingsListFormat::TextVtt)
        .consistency_level("eventual")
        .if_match("W/\"1\"");
    let http = request.to_http(BASE).unwrap();
    assert_eq!(
        http.uri().to_string(),
        "https://graph.example/v1.0/things?tenant=contoso&$top=5&$count=true\
         &$filter=JoinWebUrl%20eq%20'https://x/a%20b%3Fc%3D1%26d%3DO''Brien%2B2'\
         &$select=id,subject&$orderby=id%20desc,subject&$format=text/vtt"
    );
    assert_eq!(http.headers()["ConsistencyLevel"], "eventual");
    assert_eq!(http.headers()["If-Match"], "W/\"1\"");
    assert_eq!(http.headers()["accept"], "application/json");
    // Setting an option again replaces it.
    let again = Requests::detached().things().list("t").top(1).top(2);
    assert_eq!(
        again.query(),
        [("tenant", "t".to_string()), ("$top", "2".to_string())]
    );
}

#[test]
fn function_aliases_are_substituted_into_the_segment_never_sent_unresolved() {
    use function_aliases::Requests;
    let from = types::DateTimeOffset::parse("2026-01-01T09:00:00+02:00").unwrap();
    let request = Requests::detached()
        .user("u 1")
        .meetings()
        .get_all("O'Brien/x")
        .from(&from)
        .top(3);
    let uri = request.to_http(BASE).unwrap().uri().to_string();
    assert_eq!(
        uri,
        "https://graph.example/v1.0/users/u%201/meetings/getAll(organizer='O''Brien%2Fx',from=2026-01-01T09:00:00%2B02:00)?$top=3"
    );
    assert!(!uri.contains('@'), "no alias is sent unresolved");
    // Optional arguments are left out; the required one is always there.
    let bare = Requests::detached().user("u").meetings().get_all("o");
    assert_eq!(
        bare.to_http(BASE).unwrap().uri().path(),
        "/v1.0/users/u/meetings/getAll(organizer='o')"
    );
}

#[test]
fn key_segments_quote_and_encode_their_value() {
    let url =
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%7d";
    let request = key_segment::Requests::detached()
        .me()
        .meetings_with_join_web_url(url)
        .get();
    assert_eq!(
        request.to_http("https://graph.example/beta").unwrap().uri().path(),
        "/beta/me/meetings(joinWebUrl='https%3A%2F%2Fteams.microsoft.com%2Fl%2Fmeetup-join%2F19%253ameeting_X%2540thread.v2%2F0%3Fcontext%3D%257b%257d')"
    );
}

#[test]
fn pages_deltas_counts_content_and_nothing_decode_to_their_kinds() {
    use outputs::Requests;
    let items = Requests::detached().items();
    let page = items
        .list()
        .parse_response(&respond(
            200,
            "application/json",
            br#"{"value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"https://graph.example/v1.0/items?$skiptoken=2","@odata.count":7,"@odata.context":"c"}"#,
        ))
        .unwrap();
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.count, Some(7));
    assert_eq!(
        page.next_link.as_deref(),
        Some("https://graph.example/v1.0/items?$skiptoken=2")
    );
    assert_eq!(page.additional_properties["@odata.context"], "c");
    let delta = items
        .delta()
        .parse_response(&respond(
            200,
            "application/json",
            br#"{"value":[],"@odata.deltaLink":"https://graph.example/v1.0/items/delta()?$deltatoken=9"}"#,
        ))
        .unwrap();
    assert!(delta.next_link.is_none() && delta.delta_link.is_some());
    assert_eq!(
        items.delta().to_http(BASE).unwrap().uri().path(),
        "/v1.0/items/delta()"
    );

    // Graph sends -1 when it does not know the count, and sometimes a byte-order mark.
    let unknown = items
        .list()
        .parse_response(&respond(
            200,
            "application/json",
            b"\xEF\xBB\xBF{\"value\":[],\"@odata.count\":-1}",
        ))
        .unwrap();
    assert_eq!(unknown.count, Some(-1));

    let count = items.count().get();
    let http = count.to_http(BASE).unwrap();
    assert_eq!(http.uri().path(), "/v1.0/items/$count");
    assert_eq!(http.headers()["accept"], "text/plain");
    assert_eq!(
        count
            .parse_response(&respond(200, "text/plain", b"42"))
            .unwrap(),
        42
    );
    let err = count
        .parse_response(&respond(200, "text/plain", b"many"))
        .unwrap_err();
    assert!(err.to_string().contains("expected a count"), "{err}");

    let content = Requests::detached().item("i1").content().get();
    assert!(content
        .to_http(BASE)
        .unwrap()
        .headers()
        .get("accept")
        .is_none());
    let got = content
        .parse_response(&respond(
            200,
            "application/octet-stream",
            &[0, 159, 146, 150],
        ))
        .unwrap();
    assert_eq!(got.bytes, [0, 159, 146, 150]);
    assert_eq!(
        got.content_type.as_deref(),
        Some("application/octet-stream")
    );

    let upload = Requests::detached()
        .item("i1")
        .content()
        .replace(b"raw".to_vec());
    let http = upload.to_http(BASE).unwrap();
    assert_eq!(http.method(), http::Method::PUT);
    assert_eq!(http.headers()["content-type"], "application/octet-stream");
    assert_eq!(http.body(), b"raw");

    let delete = Requests::detached().item("i1").delete();
    assert_eq!(delete.to_http(BASE).unwrap().method(), http::Method::DELETE);
    delete
        .parse_response(&respond(204, "text/plain", b""))
        .unwrap();
}

#[test]
fn patch_sends_only_what_changes_and_null_clears() {
    use patch::{MeetingUpdate, Requests};
    use types::Update;
    let mut change = MeetingUpdate {
        subject: Update::Clear,
        allow_recording: Update::Set(false),
        ..Default::default()
    };
    let sent = |change: &MeetingUpdate| {
        let request = Requests::detached().meeting("m1").update(change);
        let http = request.to_http(BASE).unwrap();
        assert_eq!(http.method(), http::Method::PATCH);
        serde_json::from_slice::<serde_json::Value>(http.body()).unwrap()
    };
    // Absent, null and a value are three different bodies on the wire.
    assert_eq!(
        sent(&change),
        json!({"subject": null, "allowRecording": false})
    );
    change.subject = Update::Set("Moved".into());
    assert_eq!(
        sent(&change),
        json!({"subject": "Moved", "allowRecording": false})
    );
    change.subject = Update::Unchanged;
    assert_eq!(sent(&change), json!({"allowRecording": false}));
    // Read back, null is Clear and absent is Unchanged.
    let read: MeetingUpdate = serde_json::from_value(json!({"subject": null})).unwrap();
    assert_eq!(read.subject, Update::Clear);
    assert_eq!(read.allow_recording, Update::Unchanged);
}
