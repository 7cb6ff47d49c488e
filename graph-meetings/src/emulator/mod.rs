//! A local emulator of Graph's onlineMeetings endpoints (feature `emulator`), so that tests,
//! examples and downstream applications run offline. It behaves as Graph's documentation says,
//! not as a mock: it checks tokens, makes meetings, keys createOrGet, and answers bad input with
//! the ODataError bodies a Graph client expects. Faults can be injected for retry tests.
//!
//! Tokens are not JWTs here: `Bearer delegated:<tenant>:<user>` acts for a signed-in user,
//! `Bearer app:<tenant>:<app>` is an application token (refused on `/me`, as Graph refuses it).
//! Anything after a `;` names one token among several for the same caller
//! (`delegated:contoso:alice;refreshed`), so that a refreshed token can differ from the one a
//! claims challenge revoked.
//!
//! Every answer carries `request-id` (new each time) and `client-request-id` (the client's,
//! echoed, or the request-id); every 401 carries `WWW-Authenticate`, as Graph's do.
//!
//! ```
//! use std::time::Duration;
//! use graph_meetings::emulator::{Emulator, Fault};
//! use graph_meetings::{Client, Cloud, OnlineMeeting, StaticToken};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?; // a free loopback port
//! let client = Client::builder(StaticToken::new("delegated:contoso:alice"))
//!     .cloud(Cloud::Custom(emulator.root()))
//!     .build()?;
//! emulator.inject(Fault::Throttle(Duration::from_millis(10)), 1); // one 429, then normal
//! let meeting = client.me().online_meetings().create(&OnlineMeeting::default()).send().await?;
//! assert_eq!(meeting.attempts, 2);
//! assert!(meeting.request_id.is_some());
//! # Ok(()) }
//! ```

mod meeting;

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use base64::Engine as _;

use crate::types::DateTimeOffset;
use crate::v1::{CreateOrGetRequest, OnlineMeeting};
use meeting::complete;

/// The largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Meetings kept; past this the oldest are forgotten, with their createOrGet keys.
pub const MAX_MEETINGS: usize = 10_000;

/// A fault the next request meets instead of (or besides) normal handling.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use graph_meetings::emulator::{Emulator, Fault};
///
/// let emulator = Emulator::start().await?;
/// emulator.inject(Fault::Unavailable, 2); // the next two requests get 503
/// emulator.inject(Fault::ClaimsChallenge, 1); // then one claims challenge
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
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
    /// 401 with a claims challenge (Continuous Access Evaluation), as Graph answers a token
    /// revoked mid-session: `WWW-Authenticate: Bearer ..., error="insufficient_claims",
    /// claims="<base64>"`. The token sent is revoked: later requests with exactly that token
    /// get the same challenge; another token for the same caller is accepted.
    ClaimsChallenge,
}

#[derive(Default)]
struct Store {
    meetings: HashMap<String, Arc<Value>>,
    order: VecDeque<String>,
    keys: HashMap<(String, String, String), String>,
    faults: VecDeque<Fault>,
    requests: u64,
    /// Tokens a claims challenge revoked.
    revoked: HashSet<String>,
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
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use graph_meetings::emulator::Emulator;
///
/// let emulator = Emulator::start().await?;
/// assert!(emulator.root().starts_with("http://127.0.0.1:"));
/// assert_eq!(emulator.meeting_count(), 0);
/// # Ok(()) }
/// ```
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
        .layer(axum::middleware::map_response_with_state(
            (),
            |headers: HeaderMap, mut response: Response| async move {
                add_ids(&headers, &mut response);
                response
            },
        ))
}

/// `WWW-Authenticate` of Graph's 401s for a missing or bad token.
const BEARER_CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#;

/// `request-id` and `client-request-id` on every answer, `WWW-Authenticate` on every 401.
fn add_ids(request: &HeaderMap, response: &mut Response) {
    let status = response.status();
    let headers = response.headers_mut();
    let request_id = match headers.get("request-id") {
        Some(id) => id.clone(),
        None => {
            let id = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
                .expect("a UUID is a valid header value");
            headers.insert("request-id", id.clone());
            id
        }
    };
    let client_request_id = request
        .get("client-request-id")
        .cloned()
        .unwrap_or(request_id);
    headers.insert("client-request-id", client_request_id);
    if status == StatusCode::UNAUTHORIZED && !headers.contains_key("www-authenticate") {
        headers.insert(
            "www-authenticate",
            HeaderValue::from_static(BEARER_CHALLENGE),
        );
    }
}

/// An ODataError response.
fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let body = json!({"error": {"code": code, "message": message, "innerError": {
        "date": time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        "request-id": request_id,
    }}});
    (
        status,
        [
            ("content-type", "application/json"),
            ("request-id", request_id.as_str()),
        ],
        body.to_string(),
    )
        .into_response()
}

/// The bearer token of a request, as sent.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// A 401 claims challenge as Graph sends it after revoking a session: the claims ask for a
/// token issued after now.
fn claims_challenge() -> Response {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = format!(r#"{{"access_token":{{"nbf":{{"essential":true,"value":"{now}"}}}}}}"#);
    let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
    let mut response = error(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
    );
    let challenge = format!(
        r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{encoded}""#
    );
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert("www-authenticate", v);
    }
    response
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
    if !headers.contains_key("authorization") {
        return Err(unauthorized("Access token is empty."));
    }
    let Some(token) = bearer(headers) else {
        return Err(unauthorized(
            "The Authorization header is not a bearer token.",
        ));
    };
    // After a `;`: which of the caller's tokens this is, which does not change the caller.
    let token = token.split(';').next().unwrap_or_default();
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
        let token = bearer(&headers).unwrap_or_default();
        if store.revoked.contains(token) {
            return claims_challenge();
        }
        let fault = store.faults.pop_front();
        if fault == Some(Fault::ClaimsChallenge) {
            store.revoked.insert(token.to_string());
            return claims_challenge();
        }
        fault
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
