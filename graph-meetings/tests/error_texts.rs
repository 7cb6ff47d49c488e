//! The text of every client error class, made the way users meet them. None contains the token.
//! (`Error::Encode` has no case: the generated models cannot fail to serialize.)

mod common;

use common::{create_fails, ids_hidden};
use std::time::Duration;

use graph_meetings::emulator::{Emulator, Fault};
use graph_meetings::{
    AccessToken, BoxFuture, Client, Cloud, CreateOrGetRequest, Error, OnlineMeeting, Requests,
    RetryPolicy, StaticToken, TokenCredential,
};

const TOKEN: &str = "delegated:contoso:alice";

fn client(root: String, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::builder(StaticToken::new(TOKEN))
        .cloud(Cloud::Custom(root))
        .timeout(timeout)
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn check(err: &Error, expected: &str) {
    let text = ids_hidden(&err.to_string());
    assert_eq!(text, expected);
    assert!(!format!("{err:?}").contains(TOKEN));
}

#[tokio::test]
async fn every_error_class_reads_well() {
    let emulator = Emulator::start().await.unwrap();
    let c = client(
        emulator.root(),
        Duration::from_secs(5),
        RetryPolicy::never(),
    );
    let meeting = OnlineMeeting::default();

    let err = c
        .me()
        .online_meetings()
        .create(&meeting)
        .header("x-a", "a\r\nb")
        .send()
        .await
        .unwrap_err();
    check(
        &err,
        "invalid argument: the value of header `x-a` is not valid HTTP",
    );

    let err = c
        .user("..")
        .online_meetings()
        .create(&meeting)
        .send()
        .await
        .unwrap_err();
    check(
        &err,
        "invalid argument: path parameter \"..\" would not stay one path segment",
    );

    let mut body = CreateOrGetRequest::new("k");
    body.end_date_time = Some("2026-01-01T00:00:00Z".parse().unwrap());
    let err = c
        .me()
        .online_meetings()
        .create_or_get(&body)
        .send()
        .await
        .unwrap_err();
    check(
        &err,
        "invalid argument: createOrGet: endDateTime needs a startDateTime",
    );

    let err = c
        .user("bob")
        .online_meetings()
        .create(&meeting)
        .send()
        .await
        .unwrap_err();
    check(&err, "Graph answered 403 Forbidden: Forbidden: A delegated token may only act for its own user. (request-id <id>, client-request-id <id>)");

    emulator.inject(Fault::Throttle(Duration::from_secs(3600)), 1);
    let err = create_fails(&c).await;
    check(&err, "Graph answered 429 Too Many Requests: TooManyRequests: Too many requests; retry after the time given.; retry after 3600s (request-id <id>, client-request-id <id>)");

    let request = Requests::detached().me().online_meetings().create(&meeting);
    let html = http::Response::builder()
        .status(502)
        .body("<html>bad gateway</html>")
        .unwrap();
    check(&request.parse_response(&html).unwrap_err(), "Graph answered 502 Bad Gateway with a body that is not a Graph error: <html>bad gateway</html>");
    let wrong = http::Response::builder()
        .status(201)
        .body(r#"{"subject": 5}"#)
        .unwrap();
    check(&request.parse_response(&wrong).unwrap_err(), "cannot read the 201 Created response: at `subject`: invalid type: integer `5`, expected a string at line 1 column 13");
    let unexpected = Requests::detached()
        .me()
        .online_meetings()
        .create_or_get(&CreateOrGetRequest::new("k"));
    let accepted = http::Response::builder().status(202).body("").unwrap();
    check(&unexpected.parse_response(&accepted).unwrap_err(), "cannot read the 202 Accepted response: at `.`: the operation does not declare this status (0 bytes of body)");

    let err = request.send().await.unwrap_err();
    check(
        &err,
        "this request was built without a client: use `to_http`, or `send_with(&client)`",
    );

    let slow = client(
        emulator.root(),
        Duration::from_millis(100),
        RetryPolicy::never(),
    );
    emulator.inject(Fault::Delay(Duration::from_millis(400)), 1);
    let err = create_fails(&slow).await;
    check(
        &err,
        "no response headers within 100ms (1 attempt(s)) (client-request-id <id>)",
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = client(
        format!("http://127.0.0.1:{port}"),
        Duration::from_secs(5),
        RetryPolicy::never(),
    );
    let err = create_fails(&nowhere).await;
    let text = ids_hidden(&err.to_string());
    assert!(
        text.starts_with(
            "transport error after 1 attempt(s): error sending request for url (http://127.0.0.1:"
        ),
        "{text}"
    );
    assert!(
        text.contains("Connection refused") && text.ends_with("(client-request-id <id>)"),
        "{text}"
    );

    struct Expired;
    impl TokenCredential for Expired {
        fn token<'a>(&'a self, _: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
            Box::pin(async { Err(Error::Credential("the refresh token has expired".into())) })
        }
    }
    let c = Client::builder(Expired)
        .cloud(Cloud::Custom(emulator.root()))
        .build()
        .unwrap();
    let err = create_fails(&c).await;
    check(
        &err,
        "cannot get an access token: the refresh token has expired",
    );
}

/// Each API version's errors are read with that version's own error type.
#[test]
fn errors_are_read_with_their_versions_type() {
    use graph_meetings::{Error, ErrorBody};
    let answer = http::Response::builder()
        .status(403)
        .header("content-type", "application/json")
        .body(br#"{"error":{"code":"Forbidden","message":"Not yours","innerError":{"request-id":"r7"}}}"#.to_vec())
        .unwrap();
    let v1 = graph_meetings::v1::Requests::detached()
        .me()
        .online_meetings()
        .list();
    let beta = graph_meetings::beta::Requests::detached()
        .me()
        .online_meetings()
        .list();
    for (err, beta_read) in [
        (v1.parse_response(&answer).unwrap_err(), false),
        (beta.parse_response(&answer).unwrap_err(), true),
    ] {
        let Error::Graph(g) = &err else {
            panic!("{err}")
        };
        let body = g.error.as_ref().expect("an error body");
        assert_eq!(matches!(body, ErrorBody::Beta(_)), beta_read);
        assert_eq!((body.code(), body.message()), ("Forbidden", "Not yours"));
        assert_eq!(g.request_id.as_deref(), Some("r7"));
    }
}
