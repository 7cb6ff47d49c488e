//! A local emulator of Graph's onlineMeetings API (feature `emulator`), v1.0 and beta, for
//! `/me/...` and `/users/{user-id}/...`, so that tests, examples and downstream applications
//! run offline. It behaves as Graph's documentation says, not as a mock: it checks tokens,
//! keeps meetings and what hangs off them, pages collections, serves content, and answers bad
//! input with the ODataError bodies a Graph client expects. Faults can be injected into any
//! request.
//!
//! Tokens are not JWTs here: `Bearer delegated:<tenant>:<user>` acts for a signed-in user,
//! `Bearer app:<tenant>:<app>` is an application token (refused on `/me` with 400, as Graph
//! refuses it; it acts for the user the path names). Anything after a `;` names one token among
//! several for the same caller (`delegated:contoso:alice;refreshed`), so that a refreshed token
//! can differ from the one a claims challenge revoked.
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
//!
//! # What it serves
//!
//! - Meetings: create, createOrGet, list, `$count`, get, PATCH (the properties sent replace
//!   the stored ones, complex properties whole; `null` removes one; 200 with the whole
//!   meeting), DELETE (204; then 404), beta's key segment `onlineMeetings(joinWebUrl='..')`
//!   (get, PATCH, DELETE and the functions below; v1.0 answers it with 400, as v1.0 finds a
//!   meeting by join URL with `$filter`), `getVirtualAppointmentJoinWebUrl()`, and the
//!   virtual appointment SMS actions (checked, 202, nothing sent).
//! - Attendance reports and records, recordings, transcripts: list, get, `$count`; content;
//!   `transcripts/delta()`, `recordings/delta()`; `getAllTranscripts(..)`, `getAllRecordings(..)`.
//!   Only Teams makes these, so [`Emulator::add_attendance`], [`Emulator::add_recording`] and
//!   [`Emulator::add_transcript`] add them.
//! - Everything else in Graph's description of onlineMeetings (registration, aiInsights,
//!   attendeeReport, the beta singletons, writes to reports, recordings and transcripts) is
//!   501 `NotImplemented` or 405.
//!
//! # Access
//!
//! A meeting belongs to the (tenant, user) that made it. Another tenant's meeting, or an id
//! it never made, is 404; another user's meeting is 403 for a delegated token and 404 for an
//! application token acting for the path's user (it is not among that user's meetings).
//! `getAll...` takes only `meetingOrganizerUserId` equal to the acting user (else 403).
//!
//! # Choices where Graph's pages are unclear or differ
//!
//! - **Paging.** Pages are small by default so that paging is exercised: 2 items (meetings,
//!   reports, recordings, transcripts) and 10 attendance records; [`EmulatorBuilder`] changes
//!   both. `$top` sets the page size (as on Graph's transcript lists), up to 999. The next
//!   link is absolute, built from the request's own `Host`, keeps the request's other query
//!   options and adds an opaque `$skiptoken`; the last page has none.
//! - **Listing meetings.** Graph's v1.0 lists meetings only with a `$filter`; the emulator
//!   also lists all of the acting user's meetings (oldest first), so paging can be tested.
//!   The one filter is `JoinWebUrl eq '<url>'` (property name in any case, `''` for a quote
//!   in the literal); any other filter, and `$filter` on other collections, is 400
//!   "unsupported filter". `$expand`, `$orderby`, `$search` and unknown `$` options are 400,
//!   so a test never passes on an option that was silently ignored.
//! - **`$select`** keeps the properties named (matched without regard to case) and `id`;
//!   names it does not find are left out, not refused.
//! - **`$count`.** `$count=true` adds `@odata.count` (the total after filtering) to every
//!   page; `.../$count` answers `text/plain` with the number. `ConsistencyLevel: eventual` is
//!   neither required nor checked: Graph requires it for the advanced queries on directory
//!   objects (users, groups, applications, ...), which online meetings and their artifacts are
//!   not, and the emulator's store is consistent anyway.
//! - **Transcript content** is WebVTT (`text/vtt`) when asked with `$format=text/vtt` or
//!   `Accept: text/vtt`; anything else (another `$format`, `Accept: application/octet-stream`,
//!   no preference) is 400 "Invalid format", as Graph answers clients that do not ask for
//!   WebVTT. `metadataContent` is `application/octet-stream`: the bytes given to
//!   [`NewTranscript::metadata`], else a WebVTT header and one JSON line per cue (start,
//!   speaker).
//! - **Recording content** is `application/octet-stream` of the recording's size, made on the
//!   fly by [`recording_bytes`] (never held in memory), with `Content-Length` and
//!   `Accept-Ranges: bytes`. `Range: bytes=a-b`, `bytes=a-` and `bytes=-n` give 206 with
//!   `Content-Range`; a range past the end is 416 with `Content-Range: bytes */<size>`;
//!   several ranges or a malformed header get the whole content (200), as RFC 9110 allows.
//!   Transcript content honours `Range` the same way.
//! - **Functions.** `getAllTranscripts(meetingOrganizerUserId='..',startDateTime=..,endDateTime=..)`
//!   takes its parameters in the path segment (the literal quoted with `''` doubling, the
//!   date-times unquoted; the optional ones may be left out). The unresolved alias form of
//!   Microsoft's description (`='@meetingOrganizerUserId'`, `=@startDateTime`) is 400 "Syntax
//!   error", as Graph answers it; so is a missing organizer. The answer is every item of the
//!   organizer's meetings created in `[startDateTime, endDateTime)`, paged.
//! - **Delta.** `delta()` without a token pages through everything; the last page carries
//!   `@odata.deltaLink` with a `$deltatoken` (a position in the store's sequence of
//!   additions); that link later answers only what was added since, ending with a new delta
//!   link.
//!
//! # Bounds
//!
//! [`MAX_MEETINGS`] meetings (the oldest forgotten first, with everything under them),
//! [`MAX_BODY_BYTES`] request bodies, and the `MAX_*` bounds on what can be added
//! ([`EmulatorError::Limit`]). All state is in one store behind one lock.

mod add;
mod artifacts;
mod content;
mod ctx;
mod meeting;
mod meetings;
mod query;
mod respond;
mod route;
mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Router;

pub use add::{
    AttendanceRecords, EmulatorError, NewRecording, NewTranscript, MAX_ARTIFACTS,
    MAX_GENERATED_RECORDS, MAX_RECORDING_BYTES, MAX_REPORTS, MAX_STORED_RECORDS,
    MAX_TRANSCRIPT_BYTES,
};
pub use content::recording_bytes;

use artifacts::Part;
use ctx::Ctx;
use respond::{add_ids, bad_request, bearer, caller, claims_challenge, error, subject};
use route::{Route, RouteError, Sub};
use store::{lock, Store};

/// The largest request body accepted; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// Meetings kept; past this the oldest are forgotten, with their createOrGet keys.
pub const MAX_MEETINGS: usize = 10_000;
/// Items per page of meetings, reports, recordings and transcripts unless `$top` says.
pub const DEFAULT_PAGE_SIZE: usize = 2;
/// Attendance records per page unless `$top` says.
pub const DEFAULT_RECORDS_PAGE_SIZE: usize = 10;

/// A fault the next request meets instead of (or besides) normal handling. Faults apply to
/// every route, in the order injected, one per request.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use graph_meetings::emulator::{Emulator, Fault};
///
/// let emulator = Emulator::start().await?;
/// emulator.inject(Fault::Unavailable, 2); // the next two requests get 503
/// emulator.inject(Fault::ClaimsChallenge, 1); // then one claims challenge
/// emulator.inject(Fault::DropMidBody(1 << 20), 1); // then a body cut after 1 MiB
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
    /// The work is done and the answer's headers sent (with the whole `Content-Length`), then
    /// the connection is closed after this many bytes of the body: a download cut mid-way,
    /// which a client can resume with `Range`.
    DropMidBody(u64),
    /// The answer comes this much later.
    Delay(Duration),
    /// 401 with a claims challenge (Continuous Access Evaluation), as Graph answers a token
    /// revoked mid-session: `WWW-Authenticate: Bearer ..., error="insufficient_claims",
    /// claims="<base64>"`. The token sent is revoked: later requests with exactly that token
    /// get the same challenge; another token for the same caller is accepted.
    ClaimsChallenge,
}

#[derive(Clone, Copy)]
struct Config {
    page_size: usize,
    records_page_size: usize,
}

#[derive(Clone)]
struct Shared {
    store: Arc<Mutex<Store>>,
    root: String,
    config: Config,
}

/// How to start an [`Emulator`]: its address and default page sizes.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use graph_meetings::emulator::Emulator;
///
/// let emulator = Emulator::builder()
///     .page_size(50) // meetings, reports, recordings, transcripts per page
///     .records_page_size(100) // attendance records per page
///     .start()
///     .await?;
/// # let _ = emulator;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct EmulatorBuilder {
    addr: SocketAddr,
    page_size: usize,
    records_page_size: usize,
}

impl EmulatorBuilder {
    /// Listen on `addr` (default: a free port on 127.0.0.1).
    pub fn addr(mut self, addr: SocketAddr) -> EmulatorBuilder {
        self.addr = addr;
        self
    }

    /// Items per page of meetings, attendance reports, recordings and transcripts when the
    /// request has no `$top` (default [`DEFAULT_PAGE_SIZE`]; 1 to 999).
    pub fn page_size(mut self, items: usize) -> EmulatorBuilder {
        self.page_size = items.clamp(1, query::MAX_TOP);
        self
    }

    /// Attendance records per page when the request has no `$top` (default
    /// [`DEFAULT_RECORDS_PAGE_SIZE`]; 1 to 999).
    pub fn records_page_size(mut self, records: usize) -> EmulatorBuilder {
        self.records_page_size = records.clamp(1, query::MAX_TOP);
        self
    }

    /// Binds and starts serving.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let store = Arc::new(Mutex::new(Store::default()));
        let app = router(Shared {
            store: store.clone(),
            root: format!("http://{addr}"),
            config: Config {
                page_size: self.page_size,
                records_page_size: self.records_page_size,
            },
        });
        let task = tokio::spawn(async move {
            // Serving ends only when the task is aborted.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Emulator { addr, store, task })
    }
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
    /// An emulator to configure before starting.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            page_size: DEFAULT_PAGE_SIZE,
            records_page_size: DEFAULT_RECORDS_PAGE_SIZE,
        }
    }

    /// Starts on a free loopback port with the default page sizes.
    pub async fn start() -> std::io::Result<Emulator> {
        Self::builder().start().await
    }

    /// Starts on `addr` with the default page sizes.
    pub async fn bind(addr: SocketAddr) -> std::io::Result<Emulator> {
        Self::builder().addr(addr).start().await
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

fn router(shared: Shared) -> Router {
    Router::new().fallback(entry).with_state(shared).layer(
        axum::middleware::map_response_with_state(
            (),
            |headers: HeaderMap, mut response: Response| async move {
                add_ids(&headers, &mut response);
                response
            },
        ),
    )
}

/// Every request: faults first, then the route.
async fn entry(State(shared): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let fault = {
        let mut store = lock(&shared.store);
        store.requests += 1;
        let token = bearer(&parts.headers).unwrap_or_default();
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
    let answer = dispatch(&shared, &parts, body).await;
    match fault {
        Some(Fault::GatewayTimeoutAfterWork) => error(
            StatusCode::GATEWAY_TIMEOUT,
            "GatewayTimeout",
            "The gateway timed out.",
        ),
        Some(Fault::DropAfterWork) => content::cut(answer, 0),
        Some(Fault::DropMidBody(after)) => content::cut(answer, after),
        _ => answer,
    }
}

/// `http://<Host>` of the request, if it is a plain host[:port]; else the emulator's root.
fn base(shared: &Shared, headers: &HeaderMap) -> String {
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .map_or_else(|| shared.root.clone(), |h| format!("http://{h}"))
}

async fn dispatch(shared: &Shared, parts: &Parts, body: Body) -> Response {
    let target = match route::parse(parts.uri.path()) {
        Ok(t) => t,
        Err(RouteError::UnknownVersion) => {
            return error(StatusCode::NOT_FOUND, "UnknownVersion", "Use v1.0 or beta.")
        }
        Err(RouteError::UnknownPath) => {
            return error(
                StatusCode::NOT_FOUND,
                "UnknownPath",
                "No such resource or operation.",
            )
        }
        Err(RouteError::Bad(message)) => return bad_request(&message),
    };
    let caller = match caller(&parts.headers) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let (tenant, user) = match subject(&caller, target.user.as_deref()) {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let query = match query::parse(parts.uri.query()) {
        Ok(q) => q,
        Err(message) => return bad_request(&message),
    };
    let ctx = Ctx {
        shared,
        version: target.version.clone(),
        tenant,
        user,
        delegated: matches!(caller, respond::Caller::Delegated { .. }),
        headers: &parts.headers,
        path: parts.uri.path(),
        query,
        base: base(shared, &parts.headers),
    };
    let method = &parts.method;
    match &target.route {
        Route::Meetings if method == Method::POST => meetings::create(&ctx, body).await,
        Route::Meetings if method == Method::GET => meetings::list(&ctx),
        Route::MeetingsCount if method == Method::GET => meetings::count(&ctx),
        Route::CreateOrGet if method == Method::POST => meetings::create_or_get(&ctx, body).await,
        Route::GetAll(kind, args) if method == Method::GET => artifacts::get_all(&ctx, *kind, args),
        Route::Meeting(key, sub) => {
            let get = method == Method::GET;
            match sub {
                Sub::Entity if get => meetings::get(&ctx, key),
                Sub::Entity if method == Method::PATCH => meetings::patch(&ctx, key, body).await,
                Sub::Entity if method == Method::DELETE => meetings::delete(&ctx, key),
                Sub::VirtualAppointmentUrl if get => meetings::virtual_appointment_url(&ctx, key),
                Sub::Sms if method == Method::POST => meetings::sms(&ctx, key, body).await,
                Sub::Reports if get => artifacts::reports(&ctx, key, false),
                Sub::ReportsCount if get => artifacts::reports(&ctx, key, true),
                Sub::Report(r) if get => artifacts::report(&ctx, key, r),
                Sub::Records(r) if get => artifacts::records(&ctx, key, r, false),
                Sub::RecordsCount(r) if get => artifacts::records(&ctx, key, r, true),
                Sub::Record(r, x) if get => artifacts::record(&ctx, key, r, x),
                Sub::Items(k) if get => artifacts::items(&ctx, key, *k, false),
                Sub::ItemsCount(k) if get => artifacts::items(&ctx, key, *k, true),
                Sub::Item(k, id) if get => artifacts::item(&ctx, key, *k, id),
                Sub::Content(k, id) if get => {
                    artifacts::content_of(&ctx, key, *k, id, Part::Content)
                }
                Sub::Metadata(id) if get => {
                    artifacts::content_of(&ctx, key, route::Kind::Transcripts, id, Part::Metadata)
                }
                Sub::Delta(k) if get => artifacts::delta(&ctx, key, *k),
                Sub::Unserved => error(
                    StatusCode::NOT_IMPLEMENTED,
                    "NotImplemented",
                    "The emulator does not serve this part of Graph's onlineMeetings API.",
                ),
                _ => method_not_allowed(),
            }
        }
        _ => method_not_allowed(),
    }
}

fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "This resource does not support the method.",
    )
}
