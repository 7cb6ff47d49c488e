//! The client against a hostile server (raw TCP on 127.0.0.1): huge and endless bodies,
//! resets, redirects of every kind, claims challenges, HTML where JSON belongs, oversized
//! heads, and nonsense `Retry-After`. Every case states the exact error text.

mod common;
#[path = "hostile/server.rs"]
mod server;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{create, create_fails, ids_hidden};
use graph_meetings::{
    AccessToken, BoxFuture, Client, Cloud, Error, RetryPolicy, StaticToken, TokenCredential,
    TokenRequest,
};
use server::{head, response, Server};
use tokio::io::AsyncWriteExt;

const TOKEN: &str = "SECRET-TOKEN-hostile";
const MEETING: &[u8] = br#"{"id":"m1","subject":"Standup"}"#;
const MB200: u64 = 200 * 1024 * 1024;

fn client(server: &Server, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::builder(StaticToken::new(TOKEN))
        .cloud(Cloud::Custom(server.root()))
        .timeout(timeout)
        .retry_policy(retry)
        .build()
        .unwrap()
}

fn patient(server: &Server) -> Client {
    client(server, Duration::from_secs(5), RetryPolicy::never())
}

/// The error's text with ids hidden; and neither its text nor its `Debug` shows the token or
/// runs long.
fn text(err: &Error) -> String {
    let debug = format!("{err:?}");
    let shown = err.to_string();
    assert!(!debug.contains(TOKEN) && !shown.contains(TOKEN));
    assert!(debug.len() < 2_000, "Debug is {} long", debug.len());
    assert!(shown.len() < 2_000, "Display is {} long", shown.len());
    ids_hidden(&shown)
}

/// A server that answers with `status` and `total` bytes of JSON whitespace, generated as it
/// is sent (64 KiB at a time), with a `Content-Length` or chunked; it counts what it wrote and
/// says when it stopped.
async fn huge(
    status: &'static str,
    total: u64,
    chunked: bool,
) -> (Server, Arc<AtomicU64>, Arc<AtomicBool>) {
    let written = Arc::new(AtomicU64::new(0));
    let stopped = Arc::new(AtomicBool::new(false));
    let (w, s) = (written.clone(), stopped.clone());
    let server = Server::start(move |_, mut socket| {
        let (written, stopped) = (w.clone(), s.clone());
        async move {
            let length = total.to_string();
            let headers: &[(&str, &str)] = if chunked {
                &[
                    ("content-type", "application/json"),
                    ("transfer-encoding", "chunked"),
                ]
            } else {
                &[
                    ("content-type", "application/json"),
                    ("content-length", &length),
                ]
            };
            let mut ok = socket.write_all(&head(status, headers)).await.is_ok();
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while ok && sent < total {
                ok = if chunked {
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(&chunk);
                    framed.extend_from_slice(b"\r\n");
                    socket.write_all(&framed).await.is_ok()
                } else {
                    socket.write_all(&chunk).await.is_ok()
                };
                sent += chunk.len() as u64;
                written.store(sent, Ordering::SeqCst);
            }
            stopped.store(true, Ordering::SeqCst);
        }
    })
    .await;
    (server, written, stopped)
}

/// Waits (at most 5 s) for the server to stop writing, and says how much it wrote.
async fn written_when_stopped(written: &AtomicU64, stopped: &AtomicBool) -> u64 {
    let start = Instant::now();
    while !stopped.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        stopped.load(Ordering::SeqCst),
        "the server is still writing"
    );
    written.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_200_mb_body_announced_by_content_length_is_not_read() {
    let (server, written, stopped) = huge("201 Created", MB200, false).await;
    let err = create_fails(&patient(&server)).await;
    assert_eq!(text(&err), "the 201 Created response announced a body of 209715200 bytes (Content-Length), so none of it was read; the limit is 16777216 bytes (ClientBuilder::max_response_bytes) (client-request-id <id>)");
    assert!(written_when_stopped(&written, &stopped).await < MB200);
}

#[tokio::test]
async fn a_200_mb_chunked_body_is_read_up_to_the_limit_only() {
    let (server, written, stopped) = huge("201 Created", MB200, true).await;
    let err = create_fails(&patient(&server)).await;
    assert_eq!(text(&err), "the 201 Created response body passed 16777216 bytes, so reading stopped there; the limit is 16777216 bytes (ClientBuilder::max_response_bytes) (client-request-id <id>)");
    let written = written_when_stopped(&written, &stopped).await;
    assert!(
        written < 64 * 1024 * 1024,
        "the server wrote {written} bytes"
    );

    // Error bodies too, with a limit of one's own.
    let (server, _, _) = huge("500 Internal Server Error", MB200, true).await;
    let small = Client::builder(StaticToken::new(TOKEN))
        .cloud(Cloud::Custom(server.root()))
        .retry_policy(RetryPolicy::never())
        .max_response_bytes(100_000)
        .build()
        .unwrap();
    let err = create_fails(&small).await;
    assert_eq!(text(&err), "the 500 Internal Server Error response body passed 100000 bytes, so reading stopped there; the limit is 100000 bytes (ClientBuilder::max_response_bytes) (client-request-id <id>)");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test]
async fn a_body_just_within_the_limit_is_read() {
    let mut body = MEETING.to_vec();
    body.resize(1000, b' ');
    let server = Server::fixed(response(
        "201 Created",
        &[("content-type", "application/json")],
        &body,
    ))
    .await;
    let exact = Client::builder(StaticToken::new(TOKEN))
        .cloud(Cloud::Custom(server.root()))
        .max_response_bytes(1000)
        .build()
        .unwrap();
    assert_eq!(create(&exact).await.unwrap().id.as_deref(), Some("m1"));
}

/// A server that redirects with `status` to `location`, and answers a meeting elsewhere.
async fn redirecting(status: &'static str, location: &'static str) -> Server {
    Server::start(move |request, mut socket| async move {
        let answer = if request.path == "/v1.0/me/onlineMeetings" {
            response(status, &[("location", location)], b"")
        } else {
            response(
                "201 Created",
                &[("content-type", "application/json")],
                MEETING,
            )
        };
        let _ = socket.write_all(&answer).await;
    })
    .await
}

#[tokio::test]
async fn redirects_that_would_change_the_method_are_errors() {
    for status in ["301 Moved Permanently", "302 Found", "303 See Other"] {
        let server = redirecting(status, "/v1.0/moved").await;
        let err = create_fails(&patient(&server)).await;
        let expected = format!("the service answered {status} with a redirect to `{}/v1.0/moved`, which the client does not follow: following it would turn the request into a GET without its body (client-request-id <id>)", server.root());
        assert_eq!(text(&err), expected);
        assert!(
            matches!(&err, Error::Redirect { location: Some(l), .. } if l.ends_with("/v1.0/moved"))
        );
        assert_eq!(server.seen().len(), 1, "{status} must not be followed");
    }
}

#[tokio::test]
async fn redirects_to_another_origin_are_never_followed() {
    let elsewhere = Server::fixed(response(
        "201 Created",
        &[("content-type", "application/json")],
        MEETING,
    ))
    .await;
    let target: &'static str =
        Box::leak(format!("{}/v1.0/me/onlineMeetings", elsewhere.root()).into_boxed_str());
    for status in ["307 Temporary Redirect", "308 Permanent Redirect"] {
        let server = redirecting(status, target).await;
        let err = create_fails(&patient(&server)).await;
        let expected = format!("the service answered {status} with a redirect to `{target}`, which the client does not follow: it leads to another origin, and the request is never sent anywhere but Graph's origin (client-request-id <id>)");
        assert_eq!(text(&err), expected);
        assert_eq!(server.seen().len(), 1);
    }
    // Another port is another origin; so is another host name for the same address.
    let by_name: &'static str =
        Box::leak(target.replace("127.0.0.1", "localhost").into_boxed_str());
    let server = redirecting("307 Temporary Redirect", by_name).await;
    assert!(matches!(
        create_fails(&patient(&server)).await,
        Error::Redirect { .. }
    ));
    assert!(
        elsewhere.seen().is_empty(),
        "nothing may reach another origin"
    );
}

#[tokio::test]
async fn same_origin_307_and_308_are_followed_with_body_and_token() {
    for status in ["307 Temporary Redirect", "308 Permanent Redirect"] {
        let server = redirecting(status, "/v1.0/moved").await;
        let meeting = create(&patient(&server)).await.unwrap();
        assert_eq!(meeting.id.as_deref(), Some("m1"));
        assert_eq!(meeting.attempts, 1);
        let seen = server.seen();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (seen[1].method.as_str(), seen[1].path.as_str()),
            ("POST", "/v1.0/moved")
        );
        assert_eq!(seen[1].body, seen[0].body);
        assert_eq!(
            seen[1].header("authorization"),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert_eq!(
            seen[1].header("client-request-id"),
            seen[0].header("client-request-id")
        );
    }
}

#[tokio::test]
async fn redirect_loops_and_missing_locations_are_errors() {
    let server = redirecting("307 Temporary Redirect", "/v1.0/me/onlineMeetings").await;
    let err = create_fails(&patient(&server)).await;
    let expected = format!("the service answered 307 Temporary Redirect with a redirect to `{}/v1.0/me/onlineMeetings`, which the client does not follow: too many redirects in a row (client-request-id <id>)", server.root());
    assert_eq!(text(&err), expected);
    assert_eq!(server.seen().len(), 6, "the first request and 5 redirects");

    let server = Server::fixed(response("308 Permanent Redirect", &[], b"")).await;
    let err = create_fails(&patient(&server)).await;
    assert_eq!(text(&err), "the service answered 308 Permanent Redirect with a redirect to no usable Location, which the client does not follow: it has no Location to follow (client-request-id <id>)");
}

/// Records what it is asked for; a token with claims is `fresh`.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<Option<String>>>>);

impl TokenCredential for Recording {
    fn token<'a>(&'a self, _: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(async { Ok(AccessToken::new(TOKEN)) })
    }

    fn token_for<'a>(
        &'a self,
        request: TokenRequest<'a>,
    ) -> BoxFuture<'a, Result<AccessToken, Error>> {
        self.0
            .lock()
            .unwrap()
            .push(request.claims.map(str::to_string));
        let token = if request.claims.is_some() {
            "fresh"
        } else {
            TOKEN
        };
        Box::pin(async move { Ok(AccessToken::new(token)) })
    }
}

const CLAIMS: &str = r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#;
const CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzAwMDAwMDAwIn19fQ==""#;

/// Challenges the first `challenges` requests, then answers a meeting.
async fn challenging(challenges: usize) -> Server {
    Server::start(move |request, mut socket| async move {
        let answer = if request.index < challenges {
            let body = br#"{"error":{"code":"InvalidAuthenticationToken","message":"Continuous access evaluation resulted in challenge"}}"#;
            response("401 Unauthorized", &[("www-authenticate", CHALLENGE), ("content-type", "application/json")], body)
        } else {
            response("201 Created", &[("content-type", "application/json")], MEETING)
        };
        let _ = socket.write_all(&answer).await;
    })
    .await
}

fn with_credential(server: &Server, credential: Recording) -> Client {
    Client::builder(credential)
        .cloud(Cloud::Custom(server.root()))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test]
async fn one_claims_challenge_is_answered_with_a_new_token() {
    let server = challenging(1).await;
    let credential = Recording::default();
    let meeting = create(&with_credential(&server, credential.clone()))
        .await
        .unwrap();
    assert_eq!(meeting.id.as_deref(), Some("m1"));
    assert_eq!(meeting.attempts, 2);
    assert_eq!(
        *credential.0.lock().unwrap(),
        [None, Some(CLAIMS.to_string())]
    );
    let seen = server.seen();
    assert_eq!(seen[1].header("authorization"), Some("Bearer fresh"));
    assert_eq!(seen[1].body, seen[0].body);
}

#[tokio::test]
async fn a_second_claims_challenge_is_the_error_with_its_claims() {
    let server = challenging(usize::MAX).await;
    let credential = Recording::default();
    let err = create_fails(&with_credential(&server, credential.clone())).await;
    assert_eq!(text(&err), format!("Graph answered 401 Unauthorized: InvalidAuthenticationToken: Continuous access evaluation resulted in challenge; a claims challenge for {CLAIMS}; after 2 attempts (client-request-id <id>)"));
    assert_eq!(err.claims_challenge().unwrap().claims(), CLAIMS);
    let Error::Graph(graph) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(graph.headers["www-authenticate"], CHALLENGE);
    assert_eq!(
        server.seen().len(),
        2,
        "a challenge is answered once per request"
    );
    assert_eq!(credential.0.lock().unwrap().len(), 2);

    // A credential that cannot take claims (StaticToken) sends its token again, once.
    let server = challenging(usize::MAX).await;
    let err = create_fails(&patient(&server)).await;
    assert_eq!(err.claims_challenge().unwrap().claims(), CLAIMS);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_5_mb_error_page_prints_briefly_and_stays_readable() {
    let page = format!("<html>{}</html>", "x".repeat(5 * 1024 * 1024));
    let server = Server::fixed(response(
        "502 Bad Gateway",
        &[("content-type", "text/html")],
        page.as_bytes(),
    ))
    .await;
    let err = create_fails(&patient(&server)).await;
    let debug = format!("{err:?}");
    assert!(debug.len() < 100_000, "Debug is {} characters", debug.len());
    let shown = text(&err); // also checks both under 2,000
    assert!(
        shown.starts_with(
            "Graph answered 502 Bad Gateway with a body that is not a Graph error: <html>xxx"
        ),
        "{shown}"
    );
    assert!(
        shown.ends_with("… (5242893 bytes in all) (client-request-id <id>)"),
        "{shown}"
    );
    let Error::Graph(graph) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(graph.raw_body(), Some(page.as_str()));
}

#[tokio::test]
async fn html_with_a_success_status_names_its_content_type() {
    let page = b"<!DOCTYPE html><html><head><title>Sign in to your account</title></head></html>";
    let server = Server::fixed(response(
        "201 Created",
        &[("content-type", "text/html; charset=utf-8")],
        page,
    ))
    .await;
    let err = create_fails(&patient(&server)).await;
    assert_eq!(
        text(&err),
        r#"cannot read the 201 Created response: at `.`: the body is `text/html; charset=utf-8`, not JSON (79 bytes): "<!DOCTYPE html><html><head><title>Sign in to your account</title></head></html>" (client-request-id <id>)"#
    );
}

#[tokio::test]
async fn a_body_that_never_ends_times_out_saying_the_headers_came() {
    let server = Server::start(|_, mut socket| async move {
        let headers = [
            ("content-type", "application/json"),
            ("transfer-encoding", "chunked"),
        ];
        let _ = socket.write_all(&head("201 Created", &headers)).await;
        // A byte of whitespace every 20 ms, for at most 10 s.
        for _ in 0..500 {
            if socket.write_all(b"1\r\n \r\n").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let started = Instant::now();
    let err = create_fails(&client(
        &server,
        Duration::from_millis(300),
        RetryPolicy::never(),
    ))
    .await;
    assert_eq!(text(&err), "the 201 Created response headers arrived but the body stalled: not complete within 300ms (1 attempt(s)) (client-request-id <id>)");
    assert!(started.elapsed() < Duration::from_secs(2));

    // And a server that never answers at all.
    let silent = Server::start(|_, socket| async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(socket);
    })
    .await;
    let err = create_fails(&client(
        &silent,
        Duration::from_millis(300),
        RetryPolicy::never(),
    ))
    .await;
    assert_eq!(
        text(&err),
        "no response headers within 300ms (1 attempt(s)) (client-request-id <id>)"
    );
}

#[tokio::test]
async fn a_reset_mid_body_is_a_transport_error() {
    let server = Server::start(|_, mut socket| async move {
        let headers = [
            ("content-type", "application/json"),
            ("content-length", "1000"),
        ];
        let _ = socket.write_all(&head("201 Created", &headers)).await;
        let _ = socket.write_all(&[b' '; 100]).await;
        let _ = socket.flush().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        socket.set_zero_linger().unwrap();
        drop(socket); // RST
    })
    .await;
    let err = create_fails(&patient(&server)).await;
    assert_eq!(text(&err), "transport error after 1 attempt(s): error decoding response body: error reading a body from connection: Connection reset by peer (os error 104) (client-request-id <id>)");
    assert_eq!(
        server.seen().len(),
        1,
        "a create whose outcome is unknown is not sent again"
    );
}

#[tokio::test]
async fn a_response_head_over_the_limit_is_a_transport_error() {
    let big = "a".repeat(1024 * 1024);
    let server = Server::fixed(response("201 Created", &[("x-padding", &big)], MEETING)).await;
    let err = create_fails(&patient(&server)).await;
    let expected = format!("transport error after 1 attempt(s): error sending request for url ({}/v1.0/me/onlineMeetings): client error (SendRequest): message head is too large (client-request-id <id>)", server.root());
    assert_eq!(text(&err), expected);
}

#[tokio::test]
async fn nonsense_retry_after_values_fall_back_to_the_policy() {
    let fast = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let body = br#"{"error":{"code":"TooManyRequests","message":"Slow down"}}"#;
    for value in ["-5", "soon", "NaN", ""] {
        let server = Server::fixed(response(
            "429 Too Many Requests",
            &[("retry-after", value), ("content-type", "application/json")],
            body,
        ))
        .await;
        let err = create_fails(&client(&server, Duration::from_secs(5), fast.clone())).await;
        assert_eq!(text(&err), "Graph answered 429 Too Many Requests: TooManyRequests: Slow down; after 2 attempts (client-request-id <id>)", "Retry-After: {value:?}");
        assert_eq!(err.retry_after(), None);
        assert_eq!(
            server.seen().len(),
            2,
            "Retry-After: {value:?} is retried on the policy's own backoff"
        );
    }
    // Longer than any Duration: not waited for, returned at once.
    let server = Server::fixed(response(
        "429 Too Many Requests",
        &[
            ("retry-after", "99999999999999999999999"),
            ("content-type", "application/json"),
        ],
        body,
    ))
    .await;
    let started = Instant::now();
    let err = create_fails(&client(&server, Duration::from_secs(5), fast)).await;
    assert_eq!(text(&err), "Graph answered 429 Too Many Requests: TooManyRequests: Slow down; retry after 18446744073709551615.999999999s (client-request-id <id>)");
    assert_eq!(err.retry_after(), Some(Duration::MAX));
    assert_eq!(server.seen().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}
