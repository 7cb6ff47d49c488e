//! A local emulator of Graph's onlineMeetings endpoints (feature `emulator`), so that tests,
//! examples and downstream applications run offline. It behaves as Graph's documentation says,
//! not as a mock: it checks tokens, makes meetings, keys createOrGet, and answers bad input with
//! the ODataError bodies a Graph client expects. Faults can be injected for retry tests.
//!
//! Tokens are not JWTs here: `Bearer delegated:<tenant>:<user>` acts for a signed-in user,
//! `Bearer app:<tenant>:<app>` is an application token (refused on `/me`, as Graph refuses it).
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let emulator = graph_meetings::emulator::Emulator::start().await?;
//! println!("Graph at {}", emulator.root()); // use it as Cloud::Custom(root)
//! # Ok(()) }
//! ```

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::types::DateTimeOffset;
use crate::v1::{
    AudioConferencing, BodyType, ChatInfo, CreateOrGetRequest, Identity, IdentitySet, ItemBody,
    JoinMeetingIdSettings, MeetingParticipantInfo, MeetingParticipants, OnlineMeeting,
    OnlineMeetingRole,
};

/// The largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Meetings kept; past this the oldest are forgotten, with their createOrGet keys.
pub const MAX_MEETINGS: usize = 10_000;

/// A fault the next request meets instead of (or besides) normal handling.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// 429 with this `Retry-After`; nothing is done.
    Throttle(Duration),
    /// 503; nothing is done.
    Unavailable,
    /// The work is done (a meeting may be made), then 504.
    GatewayTimeoutAfterWork,
    /// The work is done, then the connection is closed before the body is sent.
    DropAfterWork,
    /// The answer comes this much later.
    Delay(Duration),
}

#[derive(Default)]
struct Store {
    meetings: HashMap<String, Arc<Value>>,
    order: VecDeque<String>,
    keys: HashMap<(String, String, String), String>,
    faults: VecDeque<Fault>,
    requests: u64,
}

impl Store {
    fn insert(&mut self, id: String, meeting: Arc<Value>) {
        if self.order.len() >= MAX_MEETINGS {
            if let Some(old) = self.order.pop_front() {
                self.meetings.remove(&old);
                self.keys.retain(|_, v| *v != old);
            }
        }
        self.order.push_back(id.clone());
        self.meetings.insert(id, meeting);
    }
}

#[derive(Clone)]
struct Shared {
    store: Arc<Mutex<Store>>,
    root: String,
}

/// A running emulator on 127.0.0.1; it stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    store: Arc<Mutex<Store>>,
    task: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Starts on a free loopback port.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts on `addr`.
    pub async fn bind(addr: SocketAddr) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let store = Arc::new(Mutex::new(Store::default()));
        let app = router(Shared {
            store: store.clone(),
            root: format!("http://{addr}"),
        });
        let task = tokio::spawn(async move {
            // Serving ends only when the task is aborted.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Emulator { addr, store, task })
    }

    /// The service root (`http://127.0.0.1:PORT`), for `Cloud::Custom`.
    pub fn root(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The next `times` requests meet `fault`, after any faults already queued.
    pub fn inject(&self, fault: Fault, times: usize) {
        let mut store = lock(&self.store);
        store.faults.extend(std::iter::repeat_n(fault, times));
    }

    /// Meetings it holds.
    pub fn meeting_count(&self) -> usize {
        lock(&self.store).meetings.len()
    }

    /// Requests it has answered or is answering.
    pub fn request_count(&self) -> u64 {
        lock(&self.store).requests
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    // A panic while holding the lock cannot leave the store half-written in a way that matters
    // to an emulator; keep serving.
    store.lock().unwrap_or_else(|e| e.into_inner())
}

fn router(shared: Shared) -> Router {
    Router::new()
        .route("/{version}/me/onlineMeetings", post(create))
        .route(
            "/{version}/me/onlineMeetings/createOrGet",
            post(create_or_get),
        )
        .route("/{version}/users/{user}/onlineMeetings", post(create))
        .route(
            "/{version}/users/{user}/onlineMeetings/createOrGet",
            post(create_or_get),
        )
        .fallback(|| async {
            error(
                StatusCode::NOT_FOUND,
                "UnknownPath",
                "No such resource or operation.",
            )
        })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "This resource does not support the method.",
            )
        })
        .with_state(shared)
}

/// An ODataError response.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message, "innerError": {
        "date": time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        "request-id": uuid::Uuid::new_v4().to_string(),
    }}});
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Who is calling.
enum Caller {
    Delegated { tenant: String, user: String },
    App { tenant: String },
}

fn caller(headers: &HeaderMap) -> Result<Caller, Box<Response>> {
    let unauthorized = |m: &str| {
        Box::new(error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            m,
        ))
    };
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(unauthorized("Access token is empty."));
    };
    let Some(token) = value.strip_prefix("Bearer ") else {
        return Err(unauthorized(
            "The Authorization header is not a bearer token.",
        ));
    };
    let parts: Vec<&str> = token.splitn(3, ':').collect();
    match parts.as_slice() {
        ["delegated", tenant, user] if !tenant.is_empty() && !user.is_empty() => Ok(Caller::Delegated {
            tenant: tenant.to_string(),
            user: user.to_string(),
        }),
        ["app", tenant, app] if !tenant.is_empty() && !app.is_empty() => Ok(Caller::App {
            tenant: tenant.to_string(),
        }),
        _ => Err(unauthorized(
            "The emulator takes tokens of the form delegated:<tenant>:<user> or app:<tenant>:<app>.",
        )),
    }
}

/// Whom a request acts for: (tenant, user).
fn subject(caller: &Caller, user: Option<&str>) -> Result<(String, String), Box<Response>> {
    match (caller, user) {
        (Caller::Delegated { tenant, user }, None) => Ok((tenant.clone(), user.clone())),
        (Caller::App { .. }, None) => Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "/me request is only valid with delegated authentication flow.",
        ))),
        (Caller::Delegated { tenant, user }, Some(target)) if target == user => {
            Ok((tenant.clone(), user.clone()))
        }
        (Caller::Delegated { .. }, Some(_)) => Err(Box::new(error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "A delegated token may only create meetings for its own user.",
        ))),
        (Caller::App { tenant }, Some(target)) => Ok((tenant.clone(), target.to_string())),
    }
}

/// `/{version}/me/...` and `/{version}/users/{user}/...` alike: the path says whom for.
async fn create(
    State(s): State<Shared>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    handle(s, params, headers, body, Operation::Create).await
}

async fn create_or_get(
    State(s): State<Shared>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    handle(s, params, headers, body, Operation::CreateOrGet).await
}

#[derive(Clone, Copy, PartialEq)]
enum Operation {
    Create,
    CreateOrGet,
}

async fn handle(
    shared: Shared,
    mut params: HashMap<String, String>,
    headers: HeaderMap,
    body: Body,
    operation: Operation,
) -> Response {
    let version = params.remove("version").unwrap_or_default();
    let user = params.remove("user");
    let fault = {
        let mut store = lock(&shared.store);
        store.requests += 1;
        store.faults.pop_front()
    };
    match &fault {
        Some(Fault::Throttle(wait)) => {
            let mut response = error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Too many requests; retry after the time given.",
            );
            if let Ok(v) = format!("{}", wait.as_secs_f64()).parse() {
                response.headers_mut().insert("retry-after", v);
            }
            return response;
        }
        Some(Fault::Unavailable) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "Try again later.",
            )
        }
        Some(Fault::Delay(wait)) => tokio::time::sleep(*wait).await,
        _ => {}
    }
    let answer = work(
        &shared,
        &version,
        user.as_deref(),
        &headers,
        body,
        operation,
    )
    .await;
    match fault {
        Some(Fault::GatewayTimeoutAfterWork) => error(
            StatusCode::GATEWAY_TIMEOUT,
            "GatewayTimeout",
            "The gateway timed out.",
        ),
        Some(Fault::DropAfterWork) => {
            // A body that fails makes the server close the connection mid-response.
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other("dropped by fault injection"))
            });
            Response::builder()
                .status(StatusCode::CREATED)
                .body(Body::from_stream(stream))
                .unwrap_or(answer)
        }
        _ => answer,
    }
}

async fn work(
    shared: &Shared,
    version: &str,
    user: Option<&str>,
    headers: &HeaderMap,
    body: Body,
    operation: Operation,
) -> Response {
    if version != "v1.0" && version != "beta" {
        return error(StatusCode::NOT_FOUND, "UnknownVersion", "Use v1.0 or beta.");
    }
    let caller = match caller(headers) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let (tenant, user) = match subject(&caller, user) {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                &format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
            )
        }
    };
    let language = headers
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("en");
    let context = format!(
        "{}/{version}/$metadata#users('{user}')/onlineMeetings/$entity",
        shared.root
    );
    match operation {
        Operation::Create => {
            let meeting: OnlineMeeting = match read(&bytes) {
                Ok(m) => m,
                Err(message) => return error(StatusCode::BAD_REQUEST, "BadRequest", &message),
            };
            let value = complete(meeting, &tenant, &user, language, &context);
            let id = value["id"].as_str().unwrap_or_default().to_string();
            let value = Arc::new(value);
            lock(&shared.store).insert(id, value.clone());
            json_response(StatusCode::CREATED, &value)
        }
        Operation::CreateOrGet => {
            let request: CreateOrGetRequest = match read(&bytes) {
                Ok(r) => r,
                Err(message) => return error(StatusCode::BAD_REQUEST, "BadRequest", &message),
            };
            let start = request.start_date_time;
            let end = request.end_date_time;
            if let (None, Some(_)) = (&start, &end) {
                return error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "endDateTime needs startDateTime.",
                );
            }
            if let (Some(s), Some(e)) = (&start, &end) {
                if e.value() < s.value() {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "BadRequest",
                        "endDateTime is before startDateTime.",
                    );
                }
            }
            let key = (tenant.clone(), user.clone(), request.external_id.clone());
            // One lock around look-up and insert: concurrent calls with one key make one meeting.
            let mut store = lock(&shared.store);
            if let Some(existing) = store.keys.get(&key).and_then(|id| store.meetings.get(id)) {
                return json_response(StatusCode::OK, existing);
            }
            let start = start.unwrap_or_else(DateTimeOffset::now_utc);
            let end = end
                .unwrap_or_else(|| DateTimeOffset::new(start.value() + time::Duration::hours(1)));
            let meeting = OnlineMeeting {
                subject: request.subject,
                start_date_time: Some(start),
                end_date_time: Some(end),
                participants: request.participants,
                chat_info: request.chat_info,
                external_id: Some(request.external_id),
                additional_properties: request.additional_properties,
                ..Default::default()
            };
            let value = complete(meeting, &tenant, &user, language, &context);
            let id = value["id"].as_str().unwrap_or_default().to_string();
            let value = Arc::new(value);
            store.keys.insert(key, id.clone());
            store.insert(id, value.clone());
            json_response(StatusCode::CREATED, &value)
        }
    }
}

/// The body as `T`, or a 400 message naming where it went wrong.
fn read<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        format!("Invalid request body at `{at}`: {}", e.into_inner())
    })?;
    de.end().map_err(|e| format!("Invalid JSON: {e}"))?;
    Ok(value)
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn digits(n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + fastrand::u8(0..10)))
        .collect()
}

/// Fills in what Graph adds to a created meeting.
fn complete(
    mut m: OnlineMeeting,
    tenant: &str,
    user: &str,
    language: &str,
    context: &str,
) -> Value {
    let now = DateTimeOffset::now_utc();
    let thread = format!("19:meeting_{}@thread.v2", uuid::Uuid::new_v4().simple());
    let join_url = format!(
        "https://teams.microsoft.com/l/meetup-join/{}/0?context=%7b%22Tid%22%3a%22{tenant}%22%2c%22Oid%22%3a%22{user}%22%7d",
        thread.replace(':', "%3a").replace('@', "%40")
    );
    let conference_id = digits(9);
    m.id = Some(format!("MSp{}", uuid::Uuid::new_v4().simple()));
    m.creation_date_time = Some(now);
    if m.start_date_time.is_none() {
        m.start_date_time = Some(now);
    }
    if m.end_date_time.is_none() {
        let start = m.start_date_time.unwrap_or(now);
        m.end_date_time = Some(DateTimeOffset::new(
            start.value() + time::Duration::hours(1),
        ));
    }
    m.join_web_url = Some(join_url.clone());
    m.chat_info = Some(ChatInfo {
        thread_id: Some(thread),
        message_id: Some("0".into()),
        reply_chain_message_id: None,
        ..Default::default()
    });
    m.audio_conferencing = Some(AudioConferencing {
        conference_id: Some(conference_id.clone()),
        toll_number: Some("+1 555 0100".into()),
        toll_numbers: Some(vec![Some("+1 555 0100".into())]),
        dialin_url: Some(format!(
            "https://dialin.teams.microsoft.com/emulator?id={conference_id}"
        )),
        ..Default::default()
    });
    let required = m
        .join_meeting_id_settings
        .as_ref()
        .and_then(|s| s.is_passcode_required)
        .unwrap_or(false);
    m.join_meeting_id_settings = Some(JoinMeetingIdSettings {
        is_passcode_required: Some(required),
        join_meeting_id: Some(digits(12)),
        passcode: required.then(|| digits(6)),
        ..Default::default()
    });
    let mut participants = m.participants.take().unwrap_or_default();
    let mut organizer_user = Identity {
        id: Some(user.to_string()),
        ..Default::default()
    };
    organizer_user
        .additional_properties
        .insert("tenantId".into(), Value::String(tenant.to_string()));
    participants.organizer = Some(MeetingParticipantInfo {
        identity: Some(IdentitySet {
            user: Some(organizer_user),
            ..Default::default()
        }),
        role: Some(OnlineMeetingRole::Presenter),
        upn: Some(format!("{user}@{tenant}.example")),
        ..Default::default()
    });
    m.participants = Some(MeetingParticipants { ..participants });
    m.join_information = Some(ItemBody {
        content: Some(join_information(language, &join_url)),
        content_type: Some(BodyType::Html),
        ..Default::default()
    });
    m.additional_properties
        .insert("@odata.context".into(), Value::String(context.to_string()));
    m.odata_type = Some("#microsoft.graph.onlineMeeting".into());
    serde_json::to_value(&m).unwrap_or_else(|_| json!({}))
}

/// The joining text, in Japanese when asked for, else English, as a `data:` URL the way Graph
/// sends it.
fn join_information(language: &str, join_url: &str) -> String {
    let text = if language.trim().to_ascii_lowercase().starts_with("ja") {
        "Microsoft Teams 会議に参加"
    } else {
        "Join Microsoft Teams Meeting"
    };
    let html = format!("<div><a href=\"{join_url}\">{text}</a></div>");
    let encoded: String =
        percent_encoding::utf8_percent_encode(&html, percent_encoding::NON_ALPHANUMERIC).collect();
    format!("data:text/html,{encoded}")
}
