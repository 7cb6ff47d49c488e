//! Plain-HTTP helpers for the emulator tests: one emulator, a reqwest client, answers read
//! whole, listings followed through their next links (bounded).

#![allow(dead_code)]

use graph_meetings::emulator::Emulator;
use graph_meetings::types::DateTimeOffset;
use graph_meetings::Client;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use reqwest::Method;
use serde_json::Value;

pub const ALICE: &str = "delegated:contoso:alice";
pub const BOB: &str = "delegated:contoso:bob";
pub const APP: &str = "app:contoso:svc";
/// Pages followed at most before a test gives up on a listing.
pub const MAX_PAGES: usize = 100;

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map_or("", |v| v.to_str().unwrap_or(""))
    }

    pub fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or("").into()
    }
}

pub struct Api {
    pub emulator: Emulator,
    pub http: reqwest::Client,
}

impl Api {
    pub async fn new() -> Api {
        Api::with(Emulator::start().await.unwrap())
    }

    pub fn with(emulator: Emulator) -> Api {
        let http = Client::reqwest_builder().build().unwrap();
        Api { emulator, http }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.emulator.root())
        }
    }

    pub async fn send(
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

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }

    pub async fn create(&self, token: &str, body: Value) -> Value {
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
    pub async fn all(&self, path: &str, token: &str) -> (Vec<Value>, Vec<usize>, Value) {
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

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

pub fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

pub fn at(text: &str) -> DateTimeOffset {
    DateTimeOffset::parse(text).unwrap()
}
