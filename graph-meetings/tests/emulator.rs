//! The real client against the emulator: the documented examples, createOrGet semantics under
//! concurrency, faults through the retry policy, and bad input.

mod common;

use common::create_fails;
use std::path::PathBuf;
use std::time::Duration;

use graph_meetings::emulator::{Emulator, Fault, MAX_BODY_BYTES};
use graph_meetings::{
    Client, Cloud, CreateOrGetRequest, Error, OnlineMeeting, RetryPolicy, StaticToken,
};
use serde_json::Value;

const ME: &str = "delegated:contoso:alice";

fn client(emulator: &Emulator, token: &str) -> Client {
    Client::builder(StaticToken::new(token))
        .cloud(Cloud::Custom(emulator.root()))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

fn example_requests() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/examples");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".request.json"))
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, v["body"].clone())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

async fn create_or_get(
    client: &Client,
    external_id: &str,
) -> graph_meetings::Response<graph_meetings::CreateOrGetOutcome> {
    let request = CreateOrGetRequest::new(external_id);
    let meetings = client.me().online_meetings();
    meetings.create_or_get(&request).send().await.unwrap()
}

async fn raw(emulator: &Emulator, path: &str, token: Option<&str>, body: Vec<u8>) -> (u16, Value) {
    let http = Client::reqwest_builder().build().unwrap();
    let mut request = http
        .post(format!("{}{path}", emulator.root()))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn every_documented_request_succeeds_with_the_documented_shape() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, ME);
    let examples = example_requests();
    assert_eq!(examples.len(), 11);
    for (name, body) in examples {
        let meeting = if name.contains("createOrGet") {
            let request: CreateOrGetRequest = serde_json::from_value(body.clone()).unwrap();
            let response = client
                .me()
                .online_meetings()
                .create_or_get(&request)
                .send()
                .await;
            let response = response.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(response.is_created(), "{name}");
            response.into_inner().into_inner()
        } else {
            let request: OnlineMeeting = serde_json::from_value(body.clone()).unwrap();
            let response = client.me().online_meetings().create(&request).send().await;
            response
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .into_inner()
        };
        assert!(meeting.id.is_some(), "{name}");
        assert!(meeting
            .join_web_url
            .as_deref()
            .unwrap()
            .starts_with("https://teams.microsoft.com/l/meetup-join/"));
        assert!(
            meeting.chat_info.as_ref().unwrap().thread_id.is_some(),
            "{name}"
        );
        assert!(
            meeting
                .audio_conferencing
                .as_ref()
                .unwrap()
                .conference_id
                .is_some(),
            "{name}"
        );
        assert!(meeting.creation_date_time.is_some(), "{name}");
        assert!(
            meeting.additional_properties.contains_key("@odata.context"),
            "{name}"
        );
        let organizer = meeting
            .participants
            .as_ref()
            .unwrap()
            .organizer
            .as_ref()
            .unwrap();
        let user = organizer.identity.as_ref().unwrap().user.as_ref().unwrap();
        assert_eq!(user.id.as_deref(), Some("alice"), "{name}");
        let required = body["joinMeetingIdSettings"]["isPasscodeRequired"] == true;
        let ids = meeting.join_meeting_id_settings.as_ref().unwrap();
        assert_eq!(
            ids.passcode.is_some(),
            required,
            "{name}: passcode only when required"
        );
        assert_eq!(ids.is_passcode_required, Some(required));
        for echoed in [
            "subject",
            "meetingTemplateId",
            "isEndToEndEncryptionEnabled",
            "startDateTime",
            "endDateTime",
        ] {
            if !body[echoed].is_null() {
                let written = serde_json::to_value(&meeting).unwrap();
                assert_eq!(written[echoed], body[echoed], "{name}: {echoed}");
            }
        }
    }
    assert_eq!(emulator.meeting_count(), 11);
}

#[tokio::test]
async fn beta_examples_go_through_the_beta_builders() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, ME);
    let beta = example_requests()
        .into_iter()
        .filter(|(n, _)| n.starts_with("beta-"));
    let mut sent = 0;
    for (name, body) in beta {
        let request: graph_meetings::beta::OnlineMeeting =
            serde_json::from_value(body.clone()).unwrap();
        let response = client
            .beta()
            .me()
            .online_meetings()
            .create(&request)
            .send()
            .await;
        let meeting = response
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .into_inner();
        let written = serde_json::to_value(&meeting).unwrap();
        for echoed in [
            "meetingTemplateId",
            "isEndToEndEncryptionEnabled",
            "subject",
        ] {
            if !body[echoed].is_null() {
                assert_eq!(written[echoed], body[echoed], "{name}: {echoed}");
            }
        }
        assert!(written["@odata.context"]
            .as_str()
            .unwrap()
            .contains("/beta/$metadata"));
        sent += 1;
    }
    assert_eq!(sent, 6);
    let request = graph_meetings::beta::CreateOrGetRequest::new("beta-key");
    let meetings = client.beta().user("alice").online_meetings();
    let outcome = meetings.create_or_get(&request).send().await.unwrap();
    assert!(outcome.is_created());
}

#[tokio::test]
async fn join_information_follows_accept_language() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, ME);
    let meetings = client.me().online_meetings();
    for (language, expected) in [
        ("ja", "%E4%BC%9A%E8%AD%B0"),
        ("en-GB", "Join"),
        ("", "Join"),
    ] {
        let mut request = meetings.create(&OnlineMeeting::default());
        if !language.is_empty() {
            request = request.accept_language(language);
        }
        let meeting = request.send().await.unwrap().into_inner();
        let content = meeting.join_information.unwrap().content.unwrap();
        assert!(content.starts_with("data:text/html,"), "{content}");
        assert!(content.contains(expected), "{language}: {content}");
    }
}

#[tokio::test]
async fn tokens_are_checked_as_graph_checks_them() {
    let emulator = Emulator::start().await.unwrap();
    let (status, body) = raw(&emulator, "/v1.0/me/onlineMeetings", None, b"{}".to_vec()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("InvalidAuthenticationToken"))
    );
    let app = client(&emulator, "app:contoso:booking-service");
    let err = create_fails(&app).await;
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(400),
        "/me needs a delegated token"
    );
    let made = app
        .user("bob")
        .online_meetings()
        .create(&OnlineMeeting::default())
        .send()
        .await
        .unwrap();
    let organizer = made.value.participants.unwrap().organizer.unwrap();
    assert_eq!(
        organizer.identity.unwrap().user.unwrap().id.as_deref(),
        Some("bob")
    );
    let alice = client(&emulator, ME);
    let err = alice
        .user("bob")
        .online_meetings()
        .create(&OnlineMeeting::default())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn create_or_get_is_keyed_by_tenant_user_and_external_id() {
    let emulator = Emulator::start().await.unwrap();
    let alice = client(&emulator, ME);
    let bob = client(&emulator, "delegated:contoso:bob");
    let first = create_or_get(&alice, "standup").await;
    let again = create_or_get(&alice, "standup").await;
    let other_user = create_or_get(&bob, "standup").await;
    assert!(first.is_created() && again.is_existing() && other_user.is_created());
    let (a, b) = (
        first.into_inner().into_inner(),
        again.into_inner().into_inner(),
    );
    assert_eq!(a, b, "the same meeting");
    assert_ne!(a.id, other_user.into_inner().into_inner().id);
    // Defaults: start now, end an hour later.
    let (start, end) = (
        a.start_date_time.unwrap().value(),
        a.end_date_time.unwrap().value(),
    );
    assert_eq!(end - start, time::Duration::hours(1));
    // The emulator enforces the time rules itself too (the client checks them before sending).
    let (status, body) = raw(
        &emulator,
        "/v1.0/me/onlineMeetings/createOrGet",
        Some(ME),
        br#"{"externalId":"x","endDateTime":"2026-01-01T00:00:00Z"}"#.to_vec(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BadRequest"))
    );
}

#[tokio::test]
async fn concurrent_create_or_get_with_one_key_makes_one_meeting() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, ME);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let r = create_or_get(&client, "all-hands").await;
                (r.is_created(), r.into_inner().into_inner().id.unwrap())
            })
        })
        .collect();
    let mut created = 0;
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let (was_created, id) = task.await.unwrap();
        created += usize::from(was_created);
        ids.insert(id);
    }
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1);
    assert_eq!(emulator.meeting_count(), 1);
}

#[tokio::test]
async fn faults_go_through_the_retry_policy() {
    let emulator = Emulator::start().await.unwrap();
    let client = client(&emulator, ME);
    let meetings = client.me().online_meetings();
    // Throttled twice, then served.
    emulator.inject(Fault::Throttle(Duration::from_millis(20)), 2);
    let r = meetings
        .create(&OnlineMeeting::default())
        .send()
        .await
        .unwrap();
    assert_eq!(r.attempts, 3);
    // 503 on a create: not sent again, no meeting.
    let before = emulator.meeting_count();
    emulator.inject(Fault::Unavailable, 1);
    let err = meetings
        .create(&OnlineMeeting::default())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(emulator.meeting_count(), before);
    // A connection dropped after the meeting was made: a create is not repeated (it would make
    // a second meeting); the caller learns the outcome is unknown.
    emulator.inject(Fault::DropAfterWork, 1);
    let err = meetings
        .create(&OnlineMeeting::default())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { attempts: 1, .. }), "{err}");
    assert_eq!(emulator.meeting_count(), before + 1, "the work was done");
    // createOrGet is safe to repeat: after a 504 that followed the work, the retry finds the
    // meeting the first attempt made.
    emulator.inject(Fault::GatewayTimeoutAfterWork, 1);
    let r = meetings
        .create_or_get(&CreateOrGetRequest::new("retry-me"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.attempts, 2);
    assert!(r.is_existing());
    // Delays past the timeout are timeouts.
    let slow = Client::builder(StaticToken::new(ME))
        .cloud(Cloud::Custom(emulator.root()))
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    emulator.inject(Fault::Delay(Duration::from_millis(500)), 1);
    let err = create_fails(&slow).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn bad_input_gets_odata_errors() {
    let emulator = Emulator::start().await.unwrap();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "/v1.0/me/onlineMeetings",
            b"{not json".to_vec(),
            400,
            "BadRequest",
        ),
        (
            "/v1.0/me/onlineMeetings",
            br#"{"subject": 5}"#.to_vec(),
            400,
            "BadRequest",
        ),
        (
            "/v1.0/me/onlineMeetings",
            br#"{"startDateTime": "tomorrow"}"#.to_vec(),
            400,
            "BadRequest",
        ),
        (
            "/v1.0/me/onlineMeetings/createOrGet",
            br#"{"subject": "no key"}"#.to_vec(),
            400,
            "BadRequest",
        ),
        (
            "/v1.0/me/onlineMeetings",
            vec![b' '; MAX_BODY_BYTES + 1],
            413,
            "RequestEntityTooLarge",
        ),
        ("/v1.0/me/calendars", b"{}".to_vec(), 404, "UnknownPath"),
        (
            "/v2.0/me/onlineMeetings",
            b"{}".to_vec(),
            404,
            "UnknownVersion",
        ),
    ];
    for (path, body, status, code) in cases {
        let (got, answer) = raw(&emulator, path, Some(ME), body).await;
        assert_eq!(got, status, "{path}: {answer}");
        assert_eq!(
            answer["error"]["code"].as_str(),
            Some(code),
            "{path}: {answer}"
        );
        assert!(answer["error"]["message"].is_string());
    }
    let (_, answer) = raw(
        &emulator,
        "/v1.0/me/onlineMeetings",
        Some(ME),
        br#"{"subject": 5}"#.to_vec(),
    )
    .await;
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`subject`"),
        "{answer}"
    );
    // Beta paths are served too.
    let (status, _) = raw(
        &emulator,
        "/beta/me/onlineMeetings",
        Some(ME),
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, 201);
}

/// Alice's tokens: the one she has, and a fresh one when asked for claims (which it records).
#[derive(Clone, Default)]
struct Refreshing(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl graph_meetings::TokenCredential for Refreshing {
    fn token<'a>(
        &'a self,
        _: &'a [&'a str],
    ) -> graph_meetings::BoxFuture<'a, Result<graph_meetings::AccessToken, Error>> {
        Box::pin(async { Ok(graph_meetings::AccessToken::new(ME)) })
    }

    fn token_for<'a>(
        &'a self,
        request: graph_meetings::TokenRequest<'a>,
    ) -> graph_meetings::BoxFuture<'a, Result<graph_meetings::AccessToken, Error>> {
        let Some(claims) = request.claims else {
            return self.token(request.scopes);
        };
        self.0.lock().unwrap().push(claims.to_string());
        Box::pin(async { Ok(graph_meetings::AccessToken::new(format!("{ME};refreshed"))) })
    }
}

#[tokio::test]
async fn a_claims_challenge_is_answered_with_a_new_token() {
    let emulator = Emulator::start().await.unwrap();
    let credential = Refreshing::default();
    let client = Client::builder(credential.clone())
        .cloud(Cloud::Custom(emulator.root()))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    emulator.inject(Fault::ClaimsChallenge, 1);
    let made = common::create(&client).await.unwrap();
    assert_eq!(made.attempts, 2);
    assert_eq!(emulator.meeting_count(), 1);
    let asked = credential.0.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    let claims: Value = serde_json::from_str(&asked[0]).unwrap();
    assert_eq!(claims["access_token"]["nbf"]["essential"], true);
    let request_id = made.request_id.as_deref().expect("a request-id header");
    assert!(uuid_like(request_id), "{request_id}");

    // The challenged token stays revoked: a client that can only send it again gets the
    // challenge back, with its claims and Graph's WWW-Authenticate.
    let stuck = client_with_token(&emulator, ME);
    let err = create_fails(&stuck).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.claims_challenge().is_some(), "{err}");
    let Error::Graph(graph) = &err else {
        panic!("{err:?}")
    };
    assert!(graph.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(r#"error="insufficient_claims""#));
    assert_eq!(emulator.meeting_count(), 1);
}

#[tokio::test]
async fn every_answer_has_request_ids_and_401s_a_challenge() {
    let emulator = Emulator::start().await.unwrap();
    let http = Client::reqwest_builder().build().unwrap();
    let url = format!("{}/v1.0/me/onlineMeetings", emulator.root());
    let answer = http
        .post(&url)
        .header("client-request-id", "mine-1")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    let headers = answer.headers().clone();
    assert_eq!(headers["client-request-id"], "mine-1");
    let request_id = headers["request-id"].to_str().unwrap();
    assert!(uuid_like(request_id), "{request_id}");
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(challenge.starts_with("Bearer realm=\"\""), "{challenge}");
    let body: Value = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(body["error"]["innerError"]["request-id"], request_id);

    // Success answers too; without a client-request-id, the request-id stands in.
    let made = common::create(&client(&emulator, ME)).await.unwrap();
    assert!(uuid_like(made.request_id.as_deref().unwrap()));
    let answer = http
        .post(format!("{}/v1.0/nowhere", emulator.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 404);
    assert_eq!(
        answer.headers()["client-request-id"],
        answer.headers()["request-id"]
    );
}

fn client_with_token(emulator: &Emulator, token: &str) -> Client {
    Client::builder(StaticToken::new(token))
        .cloud(Cloud::Custom(emulator.root()))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

fn uuid_like(text: &str) -> bool {
    common::ids_hidden(text) == "<id>"
}
