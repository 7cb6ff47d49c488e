//! The client against a local HTTP server on 127.0.0.1: exact requests, outcomes, errors,
//! retries, timeouts, redirects, and that the token never leaks.

mod common;

use common::create;
use std::time::{Duration, Instant};

use graph_meetings::types::DateTimeOffset;
use graph_meetings::{
    Client, Cloud, CreateOrGetOutcome, CreateOrGetRequest, Error, OnlineMeeting, RetryPolicy,
    StaticToken,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "SECRET-TOKEN-e3b0c442";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    }
}

fn client_with(root: String, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::builder(StaticToken::new(TOKEN))
        .cloud(Cloud::Custom(root))
        .timeout(timeout)
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn client(server: &MockServer) -> Client {
    client_with(server.uri(), Duration::from_secs(5), fast_retries())
}

fn meeting_json(id: &str) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u')/onlineMeetings/$entity",
        "id": id,
        "subject": "Standup",
        "joinWebUrl": "https://teams.microsoft.com/l/meetup-join/x",
        "creationDateTime": "2026-11-24T09:00:00.1234567Z"
    })
}

fn odata_error(code: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message,
        "innerError": {"date": "2026-11-24T09:00:00", "request-id": "req-1", "client-request-id": "echoed"}}})
}

async fn answer(server: &MockServer, template: ResponseTemplate, times: Option<u64>) {
    let mock = Mock::given(method("POST")).respond_with(template);
    match times {
        Some(n) => mock.up_to_n_times(n).mount(server).await,
        None => mock.mount(server).await,
    }
}

/// Every POST answers 201 with a meeting whose id is `id`.
async fn answer_created(server: &MockServer, id: &str) {
    let template = ResponseTemplate::new(201).set_body_json(meeting_json(id));
    answer(server, template, None).await;
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

#[tokio::test]
async fn create_sends_exactly_what_graph_documents() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/me/onlineMeetings"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(meeting_json("m1"))
                .insert_header("request-id", "graph-req-9"),
        )
        .mount(&server)
        .await;
    let body = OnlineMeeting {
        subject: Some("Standup".into()),
        start_date_time: Some("2026-11-24T09:00:00.0000000+01:00".parse().unwrap()),
        ..Default::default()
    };
    let response = client(&server)
        .me()
        .online_meetings()
        .create(&body)
        .accept_language("ja")
        .include_unknown_enum_members()
        .header("x-trace", "abc")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.attempts, 1);
    assert_eq!(response.request_id.as_deref(), Some("graph-req-9"));
    assert_eq!(response.id.as_deref(), Some("m1"));
    assert!(response
        .additional_properties
        .contains_key("@odata.context"));

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 1);
    let r = &sent[0];
    assert_eq!(r.method.as_str(), "POST");
    assert_eq!(r.url.path(), "/v1.0/me/onlineMeetings");
    assert_eq!(r.url.query(), None);
    let header = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_string());
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(header("authorization").as_deref(), Some(bearer.as_str()));
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert_eq!(header("accept").as_deref(), Some("application/json"));
    assert_eq!(header("accept-language").as_deref(), Some("ja"));
    assert_eq!(
        header("prefer").as_deref(),
        Some("include-unknown-enum-members")
    );
    assert_eq!(header("x-trace").as_deref(), Some("abc"));
    assert_eq!(
        header("client-request-id").as_deref(),
        Some(response.client_request_id.as_str())
    );
    assert_eq!(response.client_request_id.len(), 36, "a UUID");
    let sent_body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        sent_body,
        json!({"subject": "Standup", "startDateTime": "2026-11-24T09:00:00.0000000+01:00"})
    );
}

#[tokio::test]
async fn every_request_gets_a_fresh_client_request_id() {
    let server = MockServer::start().await;
    answer_created(&server, "m").await;
    let client = client(&server);
    let a = create(&client).await.unwrap();
    let b = create(&client).await.unwrap();
    assert_ne!(a.client_request_id, b.client_request_id);
}

#[tokio::test]
async fn create_or_get_tells_created_from_existing() {
    let server = MockServer::start().await;
    let at = "/v1.0/users/8b081ef6-4792-4def-b2c9-c363a1bf41d5/onlineMeetings/createOrGet";
    for status in [201, 200] {
        Mock::given(method("POST"))
            .and(path(at))
            .respond_with(ResponseTemplate::new(status).set_body_json(meeting_json("m1")))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    let mut body = CreateOrGetRequest::new("booking-42");
    body.start_date_time = Some("2026-11-24T09:00:00Z".parse().unwrap());
    let user = client.user("8b081ef6-4792-4def-b2c9-c363a1bf41d5");
    let first = user
        .online_meetings()
        .create_or_get(&body)
        .send()
        .await
        .unwrap();
    let second = user
        .online_meetings()
        .create_or_get(&body)
        .send()
        .await
        .unwrap();
    assert!(matches!(first.value, CreateOrGetOutcome::Created(_)));
    assert!(second.is_existing());
    assert_eq!(second.into_inner().into_inner().id.as_deref(), Some("m1"));
    let sent: Value = serde_json::from_slice(&requests(&server).await[0].body).unwrap();
    assert_eq!(
        sent,
        json!({"externalId": "booking-42", "startDateTime": "2026-11-24T09:00:00Z"})
    );
}

#[tokio::test]
async fn create_or_get_time_rules_are_checked_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut end_only = CreateOrGetRequest::new("x");
    end_only.end_date_time = Some(DateTimeOffset::now_utc());
    let mut backwards = CreateOrGetRequest::new("x");
    backwards.start_date_time = Some("2026-11-24T10:00:00Z".parse().unwrap());
    backwards.end_date_time = Some("2026-11-24T09:00:00Z".parse().unwrap());
    for body in [end_only, backwards] {
        let request = client.me().online_meetings().create_or_get(&body);
        let err = request.send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
        assert!(err.to_string().contains("endDateTime"), "{err}");
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn error_statuses_become_graph_errors() {
    for (status, body) in [
        (
            400,
            Some(odata_error("BadRequest", "externalId is missing")),
        ),
        (
            401,
            Some(odata_error(
                "InvalidAuthenticationToken",
                "Access token is empty.",
            )),
        ),
        (
            403,
            Some(odata_error("Forbidden", "No application access policy")),
        ),
        (404, Some(odata_error("NotFound", "No such user"))),
        (500, None),
    ] {
        let server = MockServer::start().await;
        let template = match &body {
            Some(b) => ResponseTemplate::new(status).set_body_json(b),
            None => ResponseTemplate::new(status).set_body_string("<html>oops</html>"),
        };
        answer(&server, template, None).await;
        let err = create(&client(&server)).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        let sent = requests(&server).await;
        let sent_id = sent[0].headers["client-request-id"].to_str().unwrap();
        let Error::Graph(g) = &err else {
            panic!("{err}")
        };
        match &body {
            Some(b) => {
                let main = g.error.as_ref().unwrap();
                assert_eq!(main.code(), b["error"]["code"].as_str().unwrap());
                assert_eq!(g.request_id.as_deref(), Some("req-1"));
                assert!(err.to_string().contains(main.message()), "{err}");
            }
            None => assert_eq!(g.raw_body.as_deref(), Some("<html>oops</html>")),
        }
        assert!(err.client_request_id().is_some());
        if body.is_none() {
            assert_eq!(err.client_request_id(), Some(sent_id), "{status}");
            assert!(err.to_string().contains(sent_id), "{err}");
        }
    }
}

#[tokio::test]
async fn throttling_is_retried_after_retry_after() {
    let server = MockServer::start().await;
    let throttled = ResponseTemplate::new(429)
        .insert_header("retry-after", "0.1")
        .set_body_json(odata_error("TooManyRequests", "slow down"));
    answer(&server, throttled, Some(1)).await;
    answer_created(&server, "m1").await;
    let started = Instant::now();
    // A plain create: a 429 means Graph did not carry it out, so it is safe to send again.
    let response = create(&client(&server)).await.unwrap();
    assert_eq!(response.attempts, 2);
    assert!(
        started.elapsed() >= Duration::from_millis(100),
        "Retry-After honoured"
    );
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].headers["client-request-id"],
        sent[1].headers["client-request-id"]
    );
}

#[tokio::test]
async fn throttling_past_the_policy_is_reported() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "0"),
        None,
    )
    .await;
    let err = create(&client(&server)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(requests(&server).await.len(), 4, "max_attempts");
    assert!(err.to_string().contains("; after 4 attempts"), "{err}");
    // A Retry-After past the policy's budget stops at once.
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
        None,
    )
    .await;
    let started = Instant::now();
    let err = create(&client(&server)).await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn create_is_not_retried_after_503_but_create_or_get_is() {
    for idempotent in [false, true] {
        let server = MockServer::start().await;
        answer(&server, ResponseTemplate::new(503), Some(1)).await;
        answer_created(&server, "m1").await;
        let client = client(&server);
        let meetings = client.me().online_meetings();
        if idempotent {
            let body = CreateOrGetRequest::new("k");
            let r = meetings.create_or_get(&body).send().await.unwrap();
            assert_eq!(r.attempts, 2);
        } else {
            let err = create(&client).await.unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
            let sent = requests(&server).await.len();
            assert_eq!(sent, 1, "a second create could make a second meeting");
        }
    }
    // Opting in retries a create too.
    let server = MockServer::start().await;
    answer(&server, ResponseTemplate::new(504), Some(1)).await;
    answer_created(&server, "m1").await;
    let policy = RetryPolicy {
        retry_unknown_outcome: true,
        ..fast_retries()
    };
    let client = client_with(server.uri(), Duration::from_secs(5), policy);
    assert_eq!(create(&client).await.unwrap().attempts, 2);
}

#[tokio::test]
async fn timeouts_are_bounded_and_retried_only_when_safe() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(201)
        .set_body_json(meeting_json("m"))
        .set_delay(Duration::from_secs(3));
    answer(&server, slow, None).await;
    let policy = RetryPolicy {
        max_attempts: 2,
        ..fast_retries()
    };
    let client = client_with(server.uri(), Duration::from_millis(200), policy);
    let err = create(&client).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err}");
    let body = CreateOrGetRequest::new("k");
    let request = client.me().online_meetings().create_or_get(&body);
    let err = request.send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 2, .. }), "{err}");
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn refused_connections_are_retried_and_reported() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let policy = RetryPolicy {
        max_attempts: 3,
        ..fast_retries()
    };
    let client = client_with(
        format!("http://127.0.0.1:{port}"),
        Duration::from_secs(5),
        policy,
    );
    // Nothing was sent, so even a create is tried again.
    let err = create(&client).await.unwrap_err();
    let Error::Transport {
        attempts, message, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*attempts, 3);
    assert!(message.to_lowercase().contains("connect"), "{message}");
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

#[tokio::test]
async fn redirects_to_another_host_are_not_followed() {
    let other = MockServer::start().await;
    answer_created(&other, "m").await;
    let server = MockServer::start().await;
    // Same machine, another host name and port.
    let elsewhere = other.uri().replace("127.0.0.1", "localhost");
    let redirect = ResponseTemplate::new(307)
        .insert_header("location", format!("{elsewhere}/v1.0/me/onlineMeetings"));
    answer(&server, redirect, None).await;
    let err = create(&client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
    assert!(
        requests(&other).await.is_empty(),
        "neither the body nor the token may go to another origin"
    );
}

#[tokio::test]
async fn hostile_path_parameters_stay_one_segment() {
    let server = MockServer::start().await;
    answer_created(&server, "m").await;
    let client = client(&server);
    let meeting = OnlineMeeting::default();
    for (id, expected) in [
        ("../../admin", "/v1.0/users/..%2F..%2Fadmin/onlineMeetings"),
        ("a/b?c#d", "/v1.0/users/a%2Fb%3Fc%23d/onlineMeetings"),
        (
            "user@contoso.com",
            "/v1.0/users/user%40contoso.com/onlineMeetings",
        ),
        ("%2e%2e", "/v1.0/users/%252e%252e/onlineMeetings"),
        (
            "x\r\nHost: evil",
            "/v1.0/users/x%0D%0AHost%3A%20evil/onlineMeetings",
        ),
    ] {
        let request = client.user(id).online_meetings().create(&meeting);
        request.send().await.unwrap();
        let last = requests(&server).await.pop().unwrap();
        assert_eq!(last.url.path(), expected, "{id:?}");
        assert_eq!(last.url.query(), None, "{id:?}");
    }
    let before = requests(&server).await.len();
    for id in ["", ".", ".."] {
        let request = client.user(id).online_meetings().create(&meeting);
        let err = request.send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{id:?}: {err}");
    }
    for (name, value) in [
        ("x-a", "line\r\nbreak"),
        ("bad name", "v"),
        ("authorization", "Bearer other"),
    ] {
        let request = client.me().online_meetings().create(&meeting);
        let err = request.header(name, value).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{name:?}: {err}");
    }
    assert_eq!(
        requests(&server).await.len(),
        before,
        "refused requests are not sent"
    );
}

#[tokio::test]
async fn decode_errors_name_the_field() {
    let server = MockServer::start().await;
    let body = json!({"participants": {"organizer": {"upn": 5}}});
    answer(
        &server,
        ResponseTemplate::new(201).set_body_json(body),
        None,
    )
    .await;
    let err = create(&client(&server)).await.unwrap_err();
    let Error::Decode {
        path,
        client_request_id,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(path, "participants.organizer.upn");
    assert!(client_request_id.is_some());
}

#[tokio::test]
async fn the_token_never_shows() {
    let server = MockServer::start().await;
    answer(
        &server,
        ResponseTemplate::new(403).set_body_json(odata_error("Forbidden", "no")),
        None,
    )
    .await;
    let client = client(&server);
    let meeting = OnlineMeeting::default();
    let request = client.me().online_meetings().create(&meeting);
    let shown_request = format!("{request:?}");
    let err = request.send().await.unwrap_err();
    let credential = StaticToken::new(TOKEN);
    let shown = format!("{client:?} {shown_request} {err} {err:?} {credential:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("<redacted>"));
}
