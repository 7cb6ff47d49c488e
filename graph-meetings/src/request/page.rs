//! What collection and content operations answer with: a [`Page`] of items, or [`Content`].

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::types::Key;

/// One page of a collection, as Graph answers a list, a delta or a function that returns a
/// collection. Follow [`next_link`](Self::next_link) for the next page; the last page of a
/// delta query carries a [`delta_link`](Self::delta_link) to ask later for what changed since.
///
/// ```
/// use graph_meetings::request::Page;
/// use graph_meetings::OnlineMeeting;
///
/// let page: Page<OnlineMeeting> = serde_json::from_str(
///     r#"{"value": [{"id": "m1"}], "@odata.nextLink": "https://graph.microsoft.com/v1.0/me/onlineMeetings?$skiptoken=2"}"#,
/// )?;
/// assert_eq!(page.value[0].id.as_deref(), Some("m1"));
/// assert!(page.next_link.is_some());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub value: Vec<T>,
    /// `@odata.nextLink`: the absolute URL of the next page; absent on the last.
    pub next_link: Option<String>,
    /// `@odata.deltaLink`: on the last page of a delta query, the URL that later answers only
    /// what changed since.
    pub delta_link: Option<String>,
    /// `@odata.count`: how many items there are in all, when `$count=true` asked for it
    /// (Graph has been seen to send `-1` when it does not know).
    pub count: Option<i64>,
    /// Every other property (`@odata.context`, ...), kept as it came.
    pub additional_properties: crate::types::AdditionalProperties,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            value: Vec::new(),
            next_link: None,
            delta_link: None,
            count: None,
            additional_properties: crate::types::AdditionalProperties::new(),
        }
    }
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("value", &self.value)?;
        if let Some(v) = &self.next_link {
            map.serialize_entry("@odata.nextLink", v)?;
        }
        if let Some(v) = &self.delta_link {
            map.serialize_entry("@odata.deltaLink", v)?;
        }
        if let Some(v) = &self.count {
            map.serialize_entry("@odata.count", v)?;
        }
        for (k, v) in &self.additional_properties {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
            type Value = Page<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a page of a collection (`value`, `@odata.nextLink`)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let mut page = Page::default();
                let mut seen_value = false;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "value" => {
                            page.value = map.next_value()?;
                            seen_value = true;
                        }
                        "@odata.nextLink" => page.next_link = map.next_value()?,
                        "@odata.deltaLink" => page.delta_link = map.next_value()?,
                        "@odata.count" => page.count = map.next_value()?,
                        _ => {
                            page.additional_properties
                                .push_read(key.into_string(), map.next_value()?);
                        }
                    }
                }
                page.additional_properties.finish_read();
                if !seen_value {
                    return Err(de::Error::missing_field("value"));
                }
                Ok(page)
            }
        }
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

/// The bytes a content operation answered with (a recording, a transcript), and their content
/// type. Read whole: the client's download methods stream large content instead.
///
/// ```
/// let content = graph_meetings::request::Content {
///     content_type: Some("text/vtt".into()),
///     bytes: b"WEBVTT\n".to_vec(),
/// };
/// assert_eq!(content.text(), Some("WEBVTT\n"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Content {
    /// The `Content-Type` Graph sent, if any.
    pub content_type: Option<String>,
    /// The body.
    pub bytes: Vec<u8>,
}

impl Content {
    /// The body as text, if it is UTF-8 (a WebVTT transcript is).
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}
