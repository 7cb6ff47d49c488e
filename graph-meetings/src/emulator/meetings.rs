//! Meetings themselves: create, createOrGet, list (with `$filter` by join URL), `$count`, get,
//! PATCH, DELETE, and the virtual appointment functions.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::ctx::{count_text, entity, item_text, window, Ctx, Page};
use super::meeting::complete;
use super::query::join_url_filter;
use super::respond::{bad_request, error, json_response};
use super::route::MeetingKey;
use super::store::{lock, Meeting};
use super::MAX_BODY_BYTES;
use crate::types::DateTimeOffset;
use crate::v1::{CreateOrGetRequest, OnlineMeeting};

/// The request body, or 413 past `MAX_BODY_BYTES`.
pub(super) async fn body_bytes(body: Body) -> Result<Bytes, Box<Response>> {
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            Box::new(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                &format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
            ))
        })
}

/// The body as `T`, or a 400 naming where it went wrong.
fn read<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Box<Response>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        Box::new(bad_request(&format!(
            "Invalid request body at `{at}`: {}",
            e.into_inner()
        )))
    })?;
    de.end()
        .map_err(|e| Box::new(bad_request(&format!("Invalid JSON: {e}"))))?;
    Ok(value)
}

fn language(ctx: &Ctx) -> String {
    ctx.headers
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("en")
        .to_string()
}

fn entity_context(ctx: &Ctx) -> String {
    ctx.context("onlineMeetings/$entity")
}

/// A new meeting as Graph answers with it: its id, and its JSON with what Graph fills in.
fn created(ctx: &Ctx, meeting: OnlineMeeting) -> (String, Arc<Value>) {
    let value = complete(
        meeting,
        &ctx.tenant,
        &ctx.user,
        &language(ctx),
        &entity_context(ctx),
    );
    let id = value["id"].as_str().unwrap_or_default().to_string();
    (id, Arc::new(value))
}

pub(super) async fn create(ctx: &Ctx<'_>, body: Body) -> Response {
    let bytes = match body_bytes(body).await {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let meeting: OnlineMeeting = match read(&bytes) {
        Ok(m) => m,
        Err(r) => return *r,
    };
    let (id, value) = created(ctx, meeting);
    let stored = Meeting::new(value.clone(), &ctx.tenant, &ctx.user);
    lock(&ctx.shared.store).insert(id, stored);
    json_response(StatusCode::CREATED, &value)
}

pub(super) async fn create_or_get(ctx: &Ctx<'_>, body: Body) -> Response {
    let bytes = match body_bytes(body).await {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let request: CreateOrGetRequest = match read(&bytes) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let (start, end) = (request.start_date_time, request.end_date_time);
    if let (None, Some(_)) = (&start, &end) {
        return bad_request("endDateTime needs startDateTime.");
    }
    if let (Some(s), Some(e)) = (&start, &end) {
        if e.value() < s.value() {
            return bad_request("endDateTime is before startDateTime.");
        }
    }
    let key = (
        ctx.tenant.clone(),
        ctx.user.clone(),
        request.external_id.clone(),
    );
    // One lock around look-up and insert: concurrent calls with one key make one meeting.
    let mut store = lock(&ctx.shared.store);
    if let Some(existing) = store.keys.get(&key).and_then(|id| store.meetings.get(id)) {
        return json_response(StatusCode::OK, &existing.value);
    }
    let start = start.unwrap_or_else(DateTimeOffset::now_utc);
    let end = end.unwrap_or_else(|| DateTimeOffset::new(start.value() + time::Duration::hours(1)));
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
    let (id, value) = created(ctx, meeting);
    store.keys.insert(key, id.clone());
    store.insert(id, Meeting::new(value.clone(), &ctx.tenant, &ctx.user));
    json_response(StatusCode::CREATED, &value)
}

/// The acting user's meetings, oldest first, narrowed by `$filter=JoinWebUrl eq '..'`.
fn matching(ctx: &Ctx) -> Result<Vec<Arc<Value>>, Box<Response>> {
    let url = match &ctx.query.filter {
        Some(f) => Some(join_url_filter(f).map_err(|m| Box::new(bad_request(&m)))?),
        None => None,
    };
    let store = lock(&ctx.shared.store);
    Ok(store
        .order
        .iter()
        .filter_map(|id| store.meetings.get(id))
        .filter(|m| m.tenant == ctx.tenant && m.user == ctx.user)
        .filter(|m| url.as_deref().is_none_or(|u| m.join_url() == Some(u)))
        .map(|m| m.value.clone())
        .collect())
}

pub(super) fn list(ctx: &Ctx) -> Response {
    let all = match matching(ctx) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let offset = match super::query::offset(&ctx.query) {
        Ok(o) => o,
        Err(m) => return bad_request(&m),
    };
    let (range, next) = window(
        all.len(),
        offset,
        ctx.page_size(ctx.shared.config.page_size),
    );
    let fields = ctx.query.select.as_deref();
    Page {
        context: ctx.context("onlineMeetings"),
        items: all[range].iter().map(|v| item_text(v, fields)).collect(),
        count: ctx.query.count.then_some(all.len()),
        next: next.map(|n| ctx.link(&format!("$skiptoken={n}"))),
        delta: None,
    }
    .respond()
}

pub(super) fn count(ctx: &Ctx) -> Response {
    match matching(ctx) {
        Ok(all) => count_text(all.len()),
        Err(r) => *r,
    }
}

pub(super) fn get(ctx: &Ctx, key: &MeetingKey) -> Response {
    let value = {
        let store = lock(&ctx.shared.store);
        match ctx.meeting(&store, key) {
            Ok((_, m)) => m.value.clone(),
            Err(r) => return *r,
        }
    };
    let context = entity_context(ctx);
    if ctx.query.select.is_none() && value.get("@odata.context") == Some(&json!(context)) {
        return json_response(StatusCode::OK, &value);
    }
    entity(ctx, &value, context)
}

/// PATCH: the properties sent replace the stored ones (complex properties whole), a `null`
/// removes one; the result must still be a meeting, and `id` cannot change.
pub(super) async fn patch(ctx: &Ctx<'_>, key: &MeetingKey, body: Body) -> Response {
    let bytes = match body_bytes(body).await {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let changes: Map<String, Value> = match read(&bytes) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let mut store = lock(&ctx.shared.store);
    let (id, meeting) = match ctx.meeting(&store, key) {
        Ok((id, m)) => (id.to_string(), m),
        Err(r) => return *r,
    };
    let mut value = match meeting.value.as_ref() {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    for (k, v) in changes {
        if k == "id" && v.as_str() != Some(id.as_str()) {
            return bad_request("id is read-only.");
        }
        if v.is_null() {
            value.remove(&k);
        } else {
            value.insert(k, v);
        }
    }
    let value = Value::Object(value);
    let typed: OnlineMeeting = match read(value.to_string().as_bytes()) {
        Ok(t) => t,
        Err(r) => return *r,
    };
    if let (Some(s), Some(e)) = (&typed.start_date_time, &typed.end_date_time) {
        if e.value() < s.value() {
            return bad_request("endDateTime is before startDateTime.");
        }
    }
    let value = Arc::new(value);
    if let Some(m) = store.meetings.get_mut(&id) {
        m.value = value.clone();
    }
    drop(store);
    entity(ctx, &value, entity_context(ctx))
}

pub(super) fn delete(ctx: &Ctx, key: &MeetingKey) -> Response {
    let mut store = lock(&ctx.shared.store);
    let id = match ctx.meeting(&store, key) {
        Ok((id, _)) => id.to_string(),
        Err(r) => return *r,
    };
    store.remove(&id);
    StatusCode::NO_CONTENT.into_response()
}

/// `getVirtualAppointmentJoinWebUrl()`: a link for the business-to-customer join experience.
pub(super) fn virtual_appointment_url(ctx: &Ctx, key: &MeetingKey) -> Response {
    let store = lock(&ctx.shared.store);
    let (id, meeting) = match ctx.meeting(&store, key) {
        Ok(found) => found,
        Err(r) => return *r,
    };
    let url = format!(
        "https://visit.teams.microsoft.com/webrtc-svc/api/route?tid={}&convId={id}",
        meeting.tenant
    );
    let context = format!("{}/{}/$metadata#Edm.String", ctx.base, ctx.version);
    json_response(
        StatusCode::OK,
        &json!({"@odata.context": context, "value": url}),
    )
}

/// `sendVirtualAppointmentSms` / `...ReminderSms`: checked and accepted; nothing is sent.
pub(super) async fn sms(ctx: &Ctx<'_>, key: &MeetingKey, body: Body) -> Response {
    {
        let store = lock(&ctx.shared.store);
        if let Err(r) = ctx.meeting(&store, key) {
            return *r;
        }
    }
    let bytes = match body_bytes(body).await {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let request: Value = match read(&bytes) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if !request["attendees"].is_array() {
        return bad_request("attendees is required: the people to send the SMS to.");
    }
    StatusCode::ACCEPTED.into_response()
}
