//! Pages that follow next links (and refuse links to anywhere else before sending anything),
//! and downloads that stream in pieces and resume with `Range` after a dropped connection.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

use futures_util::TryStreamExt as _;
use graph_meetings::request::{Content, Request};
use graph_meetings::{Client, Cloud, Error, PageLimits, RetryPolicy, StaticToken};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(root: String) -> Client {
    Client::builder(StaticToken::new("token"))
        .cloud(Cloud::Custom(root))
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// Three pages of two meetings, linked by `$skiptoken`; the last links to `last_link`.
async fn paged_server(last_link: Option<String>) -> MockServer {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0/me/onlineMeetings", server.uri());
    for (n, token) in [(0, None), (1, Some("p2")), (2, Some("p3"))] {
        let next = match n {
            0 => Some(format!("{base}?$skiptoken=p2")),
            1 => Some(format!("{base}?$skiptoken=p3")),
            _ => last_link.clone(),
        };
        let mut page =
            json!({"value": [{"id": format!("m{}", 2 * n)}, {"id": format!("m{}", 2 * n + 1)}]});
        if let Some(next) = next {
            page["@odata.nextLink"] = json!(next);
        }
        let mock = Mock::given(method("GET")).and(path("/v1.0/me/onlineMeetings"));
        let mock = match token {
            Some(t) => mock.and(query_param("$skiptoken", t)),
            None => mock.and(query_param("$top", "2")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page))
            .expect(1)
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn pages_follow_next_links_to_the_end() {
    let server = paged_server(None).await;
    let client = client(server.uri());
    let list = client.me().online_meetings().list().top(2);
    let items: Vec<String> = list
        .items()
        .map_ok(|m| m.id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, ["m0", "m1", "m2", "m3", "m4", "m5"]);
}

#[tokio::test]
async fn limits_stop_before_asking_for_more() {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0/me/onlineMeetings", server.uri());
    // Endless pages, each linking to a new one.
    Mock::given(method("GET"))
        .and(path("/v1.0/me/onlineMeetings"))
        .respond_with(move |request: &wiremock::Request| {
            let token = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "$skiptoken")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(json!({
                "value": [{"id": "a"}, {"id": "b"}],
                "@odata.nextLink": format!("{base}?$skiptoken={token}x"),
            }))
        })
        .mount(&server)
        .await;
    let client = client(server.uri());
    let list = client.me().online_meetings().list();
    let pages: Vec<_> = list
        .pages_with(PageLimits::default().max_pages(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    let before = server.received_requests().await.unwrap().len();
    let items: Vec<_> = list
        .items_with(PageLimits::default().max_items(3))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    let after = server.received_requests().await.unwrap().len();
    assert_eq!(
        after - before,
        2,
        "two pages hold three items; no third is asked for"
    );
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_before_anything_is_sent() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let link = format!(
        "{}/v1.0/me/onlineMeetings?$skiptoken=stolen",
        elsewhere.uri()
    );
    let server = paged_server(Some(link.clone())).await;
    let client = client(server.uri());
    let list = client.me().online_meetings().list().top(2);
    let mut pages = std::pin::pin!(list.pages());
    for _ in 0..3 {
        pages.try_next().await.unwrap().expect("a page");
    }
    let err = pages.try_next().await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "invalid argument: the link {link:?} leads to another origin than the service root {}/v1.0: it was not followed, nothing was sent",
            server.uri()
        )
    );
    assert!(
        pages.try_next().await.unwrap().is_none(),
        "the stream ends there"
    );
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_next_link_that_comes_back_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let link = format!("{}/v1.0/me/onlineMeetings?$skiptoken=same", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/me/onlineMeetings"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "a"}],
            "@odata.nextLink": link,
        })))
        .mount(&server)
        .await;
    let client = client(server.uri());
    let list = client.me().online_meetings().list();
    let mut items = std::pin::pin!(list.items());
    assert!(items.try_next().await.unwrap().is_some());
    assert!(items.try_next().await.unwrap().is_some());
    let err = items.try_next().await.unwrap_err();
    assert!(err.to_string().contains("was followed already"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[test]
fn links_with_dot_segments_are_refused() {
    let list = graph_meetings::v1::Requests::detached()
        .me()
        .online_meetings()
        .list()
        .into_request();
    let base = "https://graph.microsoft.com/v1.0";
    for link in [
        "https://graph.microsoft.com/v1.0/%2e%2e/beta/me/onlineMeetings",
        "https://graph.microsoft.com/v1.0/me/../../admin",
        "https://graph.microsoft.com/v1.0/./me",
        "https://graph.microsoft.com@evil.example/v1.0/me",
        "//evil.example/v1.0/me",
        "https://graph.microsoft.com:8443/v1.0/me",
        "https://graph.microsoft.com/v1.0evil/me",
    ] {
        assert!(list.follow(link, base).is_err(), "{link}");
    }
    assert!(list
        .follow("https://GRAPH.microsoft.com:443/v1.0/me?$skiptoken=x", base)
        .is_ok());
}

/// A server that answers a download of `data` twice: the first time it sends `cut` bytes and
/// drops the connection; the second it answers the `Range` it is asked for. Returns its root
/// and the request heads it saw.
/// The request for recording `r1`'s content.
fn recording_content(client: &Client) -> Request<'_, Content> {
    client
        .me()
        .online_meeting("m1")
        .recording("r1")
        .content()
        .get()
}

async fn breaking_server(
    data: Vec<u8>,
    cut: usize,
    ranges: bool,
) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    breaking_server_changing(data, cut, ranges, 0).await
}

/// [`breaking_server`], whose content has grown by `grown` bytes when the resumption comes.
async fn breaking_server_changing(
    data: Vec<u8>,
    cut: usize,
    ranges: bool,
    grown: usize,
) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let root = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut heads = Vec::new();
        for round in 0..2 {
            let Ok(Ok((mut socket, _))) =
                tokio::time::timeout(Duration::from_secs(5), listener.accept()).await
            else {
                break;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if socket.read(&mut byte).await.unwrap() == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
            let accept = if ranges {
                "accept-ranges: bytes\r\n"
            } else {
                ""
            };
            if round == 0 {
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: {}\r\n{accept}\r\n",
                    data.len()
                );
                socket.write_all(answer.as_bytes()).await.unwrap();
                socket.write_all(&data[..cut]).await.unwrap();
                socket.flush().await.unwrap();
                drop(socket);
            } else {
                let from: usize = head
                    .split("range: bytes=")
                    .nth(1)
                    .and_then(|r| r.split('-').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let total = data.len() + grown;
                let answer = format!(
                    "HTTP/1.1 206 Partial Content\r\ncontent-type: video/mp4\r\ncontent-length: {}\r\ncontent-range: bytes {from}-{}/{total}\r\n{accept}connection: close\r\n\r\n",
                    data.len() - from,
                    data.len() - 1,
                );
                socket.write_all(answer.as_bytes()).await.unwrap();
                socket.write_all(&data[from..]).await.unwrap();
                socket.flush().await.unwrap();
            }
            heads.push(head);
        }
        heads
    });
    (root, task)
}

fn digest(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

#[tokio::test]
async fn a_dropped_download_resumes_with_range_and_the_bytes_are_whole() {
    let data: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (root, server) = breaking_server(data.clone(), 1_234_567, true).await;
    let client = client(root);
    let content = recording_content(&client);
    let download = content.download().await.unwrap();
    assert_eq!(download.content_length(), Some(3_000_000));
    assert_eq!(download.content_type(), Some("video/mp4"));
    let mut out = Vec::new();
    let written = download.write_to(&mut out).await.unwrap();
    assert_eq!(written, 3_000_000);
    assert_eq!(
        digest(&out),
        digest(&data),
        "the resumed bytes are the content, unchanged"
    );
    let heads = server.await.unwrap();
    assert_eq!(heads.len(), 2);
    assert!(heads[0].starts_with("get /v1.0/me/onlinemeetings/m1/recordings/r1/content "));
    assert!(!heads[0].contains("range:"));
    assert!(heads[1].contains("range: bytes=1234567-"), "{}", heads[1]);
}

#[tokio::test]
async fn a_dropped_download_without_ranges_is_an_error_not_corrupt_bytes() {
    let data = vec![7u8; 100_000];
    let (root, _server) = breaking_server(data, 40_000, false).await;
    let client = client(root);
    let content = recording_content(&client);
    let mut download = content.download().await.unwrap();
    let mut got = 0;
    let err = loop {
        match download.chunk().await {
            Ok(Some(bytes)) => got += bytes.len(),
            Ok(None) => panic!("the download cannot end well"),
            Err(e) => break e,
        }
    };
    assert_eq!(got, 40_000);
    let text = err.to_string();
    assert!(
        text.contains("the download broke after 40000 of 100000 bytes")
            && text.contains("and the server does not take ranges"),
        "{text}"
    );
}

#[tokio::test]
async fn a_resumption_from_content_that_changed_is_an_error_not_a_splice() {
    let data = vec![3u8; 100_000];
    let (root, _server) = breaking_server_changing(data, 40_000, true, 5_000).await;
    let client = client(root);
    let content = recording_content(&client);
    let download = content.download().await.unwrap();
    let mut out = Vec::new();
    let err = download.write_to(&mut out).await.unwrap_err();
    assert_eq!(
        out.len(),
        40_000,
        "nothing of the other content was written"
    );
    assert!(
        err.to_string().contains("instead of the missing range"),
        "{err}"
    );
}

#[tokio::test]
async fn a_download_with_its_own_range_header_is_refused() {
    let client = client("http://127.0.0.1:9".into());
    let content = recording_content(&client).header("range", "bytes=10-");
    let err = content.download().await.unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}
