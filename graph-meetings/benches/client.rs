//! What the client adds to a request: the same create sent by `Client` and by a bare reqwest
//! client (same connection pool settings, same server on 127.0.0.1), and the sans-IO work alone
//! (build the `http::Request`, read the `http::Response`).

use criterion::{criterion_group, criterion_main, Criterion};
use graph_meetings::{Client, Cloud, OnlineMeeting, Requests, StaticToken};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const FIXTURE: &str =
    include_str!("../../tests/fixtures/examples/beta-create-01-user-token.response.json");

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fixture: serde_json::Value = serde_json::from_str(FIXTURE).unwrap();
    let body = fixture["body"].to_string();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_raw(body.clone(), "application/json"))
            .mount(&server)
            .await;
        server
    });
    let client = Client::builder(StaticToken::new("bench-token"))
        .cloud(Cloud::Custom(server.uri()))
        .build()
        .unwrap();
    let meeting = OnlineMeeting {
        subject: Some("Standup".into()),
        ..Default::default()
    };
    let raw = Client::reqwest_builder().build().unwrap();
    let url = format!("{}/v1.0/me/onlineMeetings", server.uri());
    let payload = serde_json::to_vec(&meeting).unwrap();

    let mut group = c.benchmark_group("create over loopback");
    group.bench_function("graph_meetings::Client", |b| {
        b.iter(|| {
            rt.block_on(async {
                client
                    .me()
                    .online_meetings()
                    .create(&meeting)
                    .send()
                    .await
                    .unwrap()
            })
        })
    });
    group.bench_function("bare reqwest + serde_json", |b| {
        b.iter(|| {
            rt.block_on(async {
                let response = raw
                    .post(&url)
                    .bearer_auth("bench-token")
                    .header("content-type", "application/json")
                    .body(payload.clone())
                    .send()
                    .await
                    .unwrap();
                let bytes = response.bytes().await.unwrap();
                serde_json::from_slice::<OnlineMeeting>(&bytes).unwrap()
            })
        })
    });
    group.finish();

    let response = http::Response::builder()
        .status(201)
        .body(body.into_bytes())
        .unwrap();
    c.bench_function("sans-IO: build http::Request + parse http::Response", |b| {
        b.iter(|| {
            let request = Requests::detached().me().online_meetings().create(&meeting);
            let http = request.to_http("https://graph.microsoft.com/v1.0").unwrap();
            std::hint::black_box(http);
            request.parse_response(&response).unwrap()
        })
    });
}

criterion_group!(client, benches);
criterion_main!(client);
