//! What hangs off a meeting: attendance reports and records, recordings, transcripts, their
//! content, `delta()`, and the organizer-wide `getAllTranscripts`/`getAllRecordings`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::add::generated_record;
use super::content::{self, Source};
use super::ctx::{count_text, entity, item_text, window, Ctx, Page};
use super::query::offset;
use super::respond::{bad_request, error, not_found};
use super::route::{GetAll, Kind, MeetingKey};
use super::store::{lock, Content, Meeting, Records};

fn no_filter(ctx: &Ctx) -> Result<(), Box<Response>> {
    match &ctx.query.filter {
        Some(_) => Err(Box::new(bad_request(
            "unsupported filter: the emulator filters only meetings, by JoinWebUrl.",
        ))),
        None => Ok(()),
    }
}

fn paging(ctx: &Ctx) -> Result<usize, Box<Response>> {
    no_filter(ctx)?;
    offset(&ctx.query).map_err(|m| Box::new(bad_request(&m)))
}

fn meeting_path(meeting: &str) -> String {
    format!("onlineMeetings('{meeting}')")
}

/// A page of JSON values held by the store.
fn value_page(ctx: &Ctx, values: &[Arc<Value>], from: usize, context: String) -> Response {
    let size = ctx.page_size(ctx.shared.config.page_size);
    let (range, next) = window(values.len(), from, size);
    let fields = ctx.query.select.as_deref();
    Page {
        context,
        items: values[range].iter().map(|v| item_text(v, fields)).collect(),
        count: ctx.query.count.then_some(values.len()),
        next: next.map(|n| ctx.link(&format!("$skiptoken={n}"))),
        delta: None,
    }
    .respond()
}

pub(super) fn reports(ctx: &Ctx, key: &MeetingKey, count_only: bool) -> Response {
    collection(ctx, key, count_only, "attendanceReports", |m| {
        m.reports.iter().map(|r| r.value.clone()).collect()
    })
}

/// A collection of one meeting's, or its `$count`: `pick` takes its values from the meeting,
/// `segment` names it in the page's `@odata.context`.
fn collection(
    ctx: &Ctx,
    key: &MeetingKey,
    count_only: bool,
    segment: &str,
    pick: impl FnOnce(&Meeting) -> Vec<Arc<Value>>,
) -> Response {
    let from = match paging(ctx) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let (id, values) = {
        let store = lock(&ctx.shared.store);
        match ctx.meeting(&store, key) {
            Ok((id, m)) => (id.to_string(), pick(m)),
            Err(r) => return *r,
        }
    };
    if count_only {
        return count_text(values.len());
    }
    let context = ctx.context(&format!("{}/{segment}", meeting_path(&id)));
    value_page(ctx, &values, from, context)
}

pub(super) fn report(ctx: &Ctx, key: &MeetingKey, report: &str) -> Response {
    let (id, value) = {
        let store = lock(&ctx.shared.store);
        let (id, m) = match ctx.meeting(&store, key) {
            Ok(found) => found,
            Err(r) => return *r,
        };
        match m.reports.iter().find(|r| r.id == report) {
            Some(r) => (id.to_string(), r.value.clone()),
            None => return not_found("attendance report"),
        }
    };
    let context = ctx.context(&format!("{}/attendanceReports/$entity", meeting_path(&id)));
    entity(ctx, &value, context)
}

/// The records of a report, a page at a time (10 by default): held ones are copied as text,
/// generated ones made now, so a page costs its own size whatever the report's.
pub(super) fn records(ctx: &Ctx, key: &MeetingKey, report: &str, count_only: bool) -> Response {
    let from = match paging(ctx) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let size = ctx.page_size(ctx.shared.config.records_page_size);
    let (meeting_id, total, texts) = {
        let store = lock(&ctx.shared.store);
        let (id, m) = match ctx.meeting(&store, key) {
            Ok(found) => found,
            Err(r) => return *r,
        };
        let Some(r) = m.reports.iter().find(|r| r.id == report) else {
            return not_found("attendance report");
        };
        let total = r.records.len() as usize;
        if count_only {
            return count_text(total);
        }
        let (range, _) = window(total, from, size);
        let texts: Vec<String> = match &r.records {
            Records::Stored(list) => list[range].iter().map(|(_, t)| t.to_string()).collect(),
            Records::Generated { start, .. } => range
                .map(|i| generated_record(i as u64, *start, &m.tenant))
                .collect(),
        };
        (id.to_string(), total, texts)
    };
    let (_, next) = window(total, from, size);
    let items = match ctx.query.select.as_deref() {
        None => texts,
        Some(fields) => texts
            .iter()
            .map(|t| {
                let v: Value = serde_json::from_str(t).unwrap_or(Value::Null);
                item_text(&v, Some(fields))
            })
            .collect(),
    };
    Page {
        context: ctx.context(&format!(
            "{}/attendanceReports('{report}')/attendanceRecords",
            meeting_path(&meeting_id)
        )),
        items,
        count: ctx.query.count.then_some(total),
        next: next.map(|n| ctx.link(&format!("$skiptoken={n}"))),
        delta: None,
    }
    .respond()
}

pub(super) fn record(ctx: &Ctx, key: &MeetingKey, report: &str, record: &str) -> Response {
    let text = {
        let store = lock(&ctx.shared.store);
        let (_, m) = match ctx.meeting(&store, key) {
            Ok(found) => found,
            Err(r) => return *r,
        };
        let Some(r) = m.reports.iter().find(|r| r.id == report) else {
            return not_found("attendance report");
        };
        let found = match &r.records {
            Records::Stored(list) => list
                .iter()
                .find(|(id, _)| id == record)
                .map(|(_, t)| t.to_string()),
            Records::Generated { count, start } => record
                .strip_prefix('r')
                .and_then(|n| n.parse::<u64>().ok())
                .filter(|n| n < count && record == format!("r{n}"))
                .map(|n| generated_record(n, *start, &m.tenant)),
        };
        match found {
            Some(t) => t,
            None => return not_found("attendance record"),
        }
    };
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let context = ctx.context("attendanceRecords/$entity");
    entity(ctx, &value, context)
}

pub(super) fn items(ctx: &Ctx, key: &MeetingKey, kind: Kind, count_only: bool) -> Response {
    collection(ctx, key, count_only, kind.segment(), |m| {
        m.artifacts(kind).iter().map(|a| a.value.clone()).collect()
    })
}

pub(super) fn item(ctx: &Ctx, key: &MeetingKey, kind: Kind, item: &str) -> Response {
    let (id, value) = {
        let store = lock(&ctx.shared.store);
        let (id, m) = match ctx.meeting(&store, key) {
            Ok(found) => found,
            Err(r) => return *r,
        };
        match m.artifacts(kind).iter().find(|a| a.id == item) {
            Some(a) => (id.to_string(), a.value.clone()),
            None => return not_found(&kind.segment()[..kind.segment().len() - 1]),
        }
    };
    let context = ctx.context(&format!("{}/{}/$entity", meeting_path(&id), kind.segment()));
    entity(ctx, &value, context)
}

/// Which content of a transcript or recording.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Part {
    Content,
    Metadata,
}

/// `recordings/{id}/content` (generated, any size, with `Range`), `transcripts/{id}/content`
/// (WebVTT, asked for with `$format=text/vtt` or `Accept: text/vtt`; anything else is 400
/// "Invalid format") and `transcripts/{id}/metadataContent`.
pub(super) fn content_of(
    ctx: &Ctx,
    key: &MeetingKey,
    kind: Kind,
    item: &str,
    part: Part,
) -> Response {
    if kind == Kind::Transcripts && part == Part::Content {
        let accept_vtt = ctx
            .headers
            .get_all("accept")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains("text/vtt"));
        let ok = match ctx.query.format.as_deref() {
            Some(f) => f.eq_ignore_ascii_case("text/vtt"),
            None => accept_vtt,
        };
        if !ok {
            return bad_request(
                "Invalid format: ask for the transcript with $format=text/vtt or Accept: text/vtt.",
            );
        }
    }
    let source = {
        let store = lock(&ctx.shared.store);
        let (_, m) = match ctx.meeting(&store, key) {
            Ok(found) => found,
            Err(r) => return *r,
        };
        let Some(a) = m.artifacts(kind).iter().find(|a| a.id == item) else {
            return not_found(&kind.segment()[..kind.segment().len() - 1]);
        };
        match (&a.content, part) {
            (Content::Recording { size }, _) => Source::Generated {
                key: content::key(&a.id),
                size: *size,
            },
            (Content::Transcript { vtt, .. }, Part::Content) => Source::Stored(vtt.clone()),
            (Content::Transcript { metadata, .. }, Part::Metadata) => {
                Source::Stored(Bytes::clone(metadata))
            }
        }
    };
    let content_type = match (kind, part) {
        (Kind::Transcripts, Part::Content) => "text/vtt",
        _ => "application/octet-stream",
    };
    content::respond(ctx.headers, source, content_type)
}

/// `transcripts/delta()` and `recordings/delta()`: without a token, everything, a page at a
/// time, the last page with `@odata.deltaLink`; with that link's `$deltatoken`, only what was
/// added after it was issued. Tokens are positions in the store's sequence of additions.
pub(super) fn delta(ctx: &Ctx, key: &MeetingKey, kind: Kind) -> Response {
    if let Err(r) = no_filter(ctx) {
        return *r;
    }
    let invalid = || {
        error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The delta or skip token is not one this emulator issued.",
        )
    };
    let (since, upto, from) = match (&ctx.query.deltatoken, &ctx.query.skiptoken) {
        (Some(t), _) => match t.parse::<u64>() {
            Ok(since) => (since, None, 0),
            Err(_) => return invalid(),
        },
        (None, Some(t)) => {
            let parts: Vec<Option<u64>> = t.split('.').map(|p| p.parse().ok()).collect();
            match parts.as_slice() {
                [Some(s), Some(u), Some(o)] => (*s, Some(*u), *o as usize),
                _ => return invalid(),
            }
        }
        (None, None) => (0, None, 0),
    };
    let (id, values, upto) = {
        let store = lock(&ctx.shared.store);
        let upto = upto.unwrap_or(store.seq);
        match ctx.meeting(&store, key) {
            Ok((id, m)) => (
                id.to_string(),
                m.artifacts(kind)
                    .iter()
                    .filter(|a| a.seq > since && a.seq <= upto)
                    .map(|a| a.value.clone())
                    .collect::<Vec<_>>(),
                upto,
            ),
            Err(r) => return *r,
        }
    };
    let size = ctx.page_size(ctx.shared.config.page_size);
    let (range, next) = window(values.len(), from, size);
    let fields = ctx.query.select.as_deref();
    Page {
        context: ctx.context(&format!("{}/{}", meeting_path(&id), kind.segment())),
        items: values[range].iter().map(|v| item_text(v, fields)).collect(),
        count: None,
        next: next.map(|n| ctx.link(&format!("$skiptoken={since}.{upto}.{n}"))),
        delta: next
            .is_none()
            .then(|| ctx.link(&format!("$deltatoken={upto}"))),
    }
    .respond()
}

/// `getAllTranscripts(...)` / `getAllRecordings(...)`: across every meeting the organizer
/// (who must be the user the request acts for) made, those created in
/// `[startDateTime, endDateTime)`, oldest meeting first.
pub(super) fn get_all(ctx: &Ctx, kind: Kind, args: &GetAll) -> Response {
    let from = match paging(ctx) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    if args.organizer != ctx.user {
        return error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "meetingOrganizerUserId must be the user the request acts for.",
        );
    }
    let values: Vec<Arc<Value>> = {
        let store = lock(&ctx.shared.store);
        store
            .order
            .iter()
            .filter_map(|id| store.meetings.get(id))
            .filter(|m| m.tenant == ctx.tenant && m.user == args.organizer)
            .flat_map(|m| m.artifacts(kind).iter())
            .filter(|a| args.start.is_none_or(|s| a.created >= s))
            .filter(|a| args.end.is_none_or(|e| a.created < e))
            .map(|a| a.value.clone())
            .collect()
    };
    let context = ctx.context(&format!("onlineMeetings/{}", kind.segment()));
    value_page(ctx, &values, from, context)
}
