//! What every handler of an authenticated route has: whom the request acts for, its query
//! options, where its links point; and the shared pieces of answers (pages, entities, counts,
//! the meeting access rule).

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

use super::query::{select, Query};
use super::respond::{error, json_text, not_found};
use super::route::MeetingKey;
use super::store::{Meeting, Store};
use super::Shared;

pub(super) struct Ctx<'a> {
    pub shared: &'a Shared,
    pub version: String,
    pub tenant: String,
    pub user: String,
    pub delegated: bool,
    pub headers: &'a HeaderMap,
    /// The request's path as received (still encoded), for next and delta links.
    pub path: &'a str,
    pub query: Query,
    /// `http://<the request's Host>`: links point where the request went.
    pub base: String,
}

impl Ctx<'_> {
    /// This request's path with its carried query options and `extra` (a paging token).
    pub(super) fn link(&self, extra: &str) -> String {
        let mut query = self.query.carried.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(extra);
        format!("{}{}?{query}", self.base, self.path)
    }

    /// `@odata.context` for something under the acting user.
    pub(super) fn context(&self, tail: &str) -> String {
        format!(
            "{}/{}/$metadata#users('{}')/{tail}",
            self.base, self.version, self.user
        )
    }

    /// The page size: `$top`, or the emulator's default for this collection.
    pub(super) fn page_size(&self, default: usize) -> usize {
        self.query.top.unwrap_or(default)
    }

    /// The meeting `key` names, if the caller may see it: another tenant's or one that does
    /// not exist is 404; another user's is 403 for a delegated token (that user's meeting is
    /// not the caller's) and 404 for an application token acting for the path's user (it is
    /// not under that user's meetings).
    pub(super) fn meeting<'s>(
        &self,
        store: &'s Store,
        key: &MeetingKey,
    ) -> Result<(&'s str, &'s Meeting), Box<Response>> {
        let found = match key {
            MeetingKey::Id(id) => store
                .meetings
                .get_key_value(id)
                .map(|(k, m)| (k.as_str(), m)),
            MeetingKey::JoinUrl(url) => store
                .meetings
                .iter()
                .find(|(_, m)| {
                    m.tenant == self.tenant
                        && m.join_url() == Some(url.as_str())
                        && (m.user == self.user || self.delegated)
                })
                .map(|(k, m)| (k.as_str(), m)),
        };
        let refused = match found {
            Some((_, m)) if m.tenant != self.tenant => not_found("meeting"),
            Some((_, m)) if m.user != self.user && self.delegated => error(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "The meeting belongs to another user; a delegated token reaches only its own user's meetings.",
            ),
            Some((_, m)) if m.user != self.user => not_found("meeting"),
            Some(found) => return Ok(found),
            None => not_found("meeting"),
        };
        Err(Box::new(refused))
    }
}

/// A JSON object written without its `@odata.context` (items of a collection carry none),
/// optionally with only the `$select`ed properties.
pub(super) fn item_text(value: &Value, fields: Option<&[String]>) -> String {
    struct NoContext<'a>(&'a serde_json::Map<String, Value>);
    impl Serialize for NoContext<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().filter(|(k, _)| *k != "@odata.context"))
        }
    }
    match (fields, value.as_object()) {
        (Some(f), _) => select(value, f).to_string(),
        (None, Some(map)) => serde_json::to_string(&NoContext(map)).unwrap_or_default(),
        (None, None) => value.to_string(),
    }
}

/// One entity with this request's `@odata.context`, after `$select`.
pub(super) fn entity(ctx: &Ctx, value: &Value, context: String) -> Response {
    let mut map = match &ctx.query.select {
        Some(f) => select(value, f),
        None => value.clone(),
    };
    if let Some(m) = map.as_object_mut() {
        m.insert("@odata.context".into(), Value::String(context));
    }
    json_text(StatusCode::OK, map.to_string())
}

/// The window of a collection a page shows, and the offset of the next page if any.
pub(super) fn window(
    total: usize,
    offset: usize,
    size: usize,
) -> (std::ops::Range<usize>, Option<usize>) {
    let start = offset.min(total);
    let end = start.saturating_add(size).min(total);
    let next = (end < total && size > 0).then_some(end);
    (start..end, next)
}

/// A page of a collection: `@odata.context`, `@odata.count` when asked for, `value`, and the
/// next or delta link.
pub(super) struct Page {
    pub context: String,
    pub items: Vec<String>,
    pub count: Option<usize>,
    pub next: Option<String>,
    pub delta: Option<String>,
}

impl Page {
    pub(super) fn respond(self) -> Response {
        let quote = |s: &str| Value::String(s.to_string()).to_string();
        let size: usize = self.items.iter().map(|i| i.len() + 1).sum();
        let mut out = String::with_capacity(size + 256);
        out.push_str("{\"@odata.context\":");
        out.push_str(&quote(&self.context));
        if let Some(n) = self.count {
            out.push_str(&format!(",\"@odata.count\":{n}"));
        }
        out.push_str(",\"value\":[");
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(item);
        }
        out.push(']');
        if let Some(next) = &self.next {
            out.push_str(",\"@odata.nextLink\":");
            out.push_str(&quote(next));
        }
        if let Some(delta) = &self.delta {
            out.push_str(",\"@odata.deltaLink\":");
            out.push_str(&quote(delta));
        }
        out.push('}');
        json_text(StatusCode::OK, out)
    }
}

/// A `$count` segment's answer: the number as plain text.
pub(super) fn count_text(n: usize) -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/plain")],
        n.to_string(),
    )
        .into_response()
}
