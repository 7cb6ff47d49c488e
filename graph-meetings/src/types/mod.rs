//! Value types the generated models use, and the small helpers their serde code calls.

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// A calendar date (`2024-01-31`), as Graph's `Edm.Date`.
pub use time::Date;

mod properties;

pub use properties::{AdditionalProperties, PropertiesIter};

/// The derives the generated models use (see `graph-meetings-macros`).
#[doc(hidden)]
pub use graph_meetings_macros::{Object, StringEnum, Union};

/// Formats by number of fractional digits; the offset is written after.
const FORMATS: [&[BorrowedFormatItem<'static>]; 10] = [
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:1]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:2]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:4]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:5]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:8]"),
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:9]"),
];
const OFFSET: &[BorrowedFormatItem<'static>] =
    format_description!("[offset_hour sign:mandatory]:[offset_minute]");

/// An RFC 3339 date-time with its offset, as Graph's `Edm.DateTimeOffset`
/// (`2019-07-12T14:30:34.2444915-07:00`).
///
/// It keeps the instant to the nanosecond, the offset, and how the text was written (the
/// number of fractional digits, `Z` or `+00:00`), so a value read from Graph is written back
/// exactly as it came. Equality compares all of that; compare [`DateTimeOffset::value`]s to
/// compare instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeOffset {
    value: OffsetDateTime,
    digits: u8,
    z: bool,
}

impl DateTimeOffset {
    /// A date-time written as Graph writes them: seven fractional digits, `Z` for UTC.
    pub fn new(value: OffsetDateTime) -> Self {
        Self {
            value,
            digits: 7,
            z: true,
        }
    }

    /// The current time, in UTC.
    pub fn now_utc() -> Self {
        Self::new(OffsetDateTime::now_utc())
    }

    /// The instant and offset.
    pub fn value(&self) -> OffsetDateTime {
        self.value
    }

    /// Parses RFC 3339 text. Fractional digits past nine (nanoseconds) are dropped.
    pub fn parse(text: &str) -> Result<Self, time::error::Parse> {
        let value = OffsetDateTime::parse(text, &Rfc3339)?;
        let digits = text
            .split_once('.')
            .map(|(_, rest)| rest.bytes().take_while(u8::is_ascii_digit).count())
            .unwrap_or(0)
            .min(9) as u8;
        let z = text.ends_with(['Z', 'z']);
        Ok(Self { value, digits, z })
    }
}

impl From<OffsetDateTime> for DateTimeOffset {
    fn from(value: OffsetDateTime) -> Self {
        Self::new(value)
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = FORMATS[usize::from(self.digits.min(9))];
        let text = self.value.format(format).map_err(|_| fmt::Error)?;
        f.write_str(&text)?;
        if self.z && self.value.offset() == UtcOffset::UTC {
            f.write_str("Z")
        } else {
            let offset = self.value.offset().format(OFFSET).map_err(|_| fmt::Error)?;
            f.write_str(&offset)
        }
    }
}

impl std::str::FromStr for DateTimeOffset {
    type Err = time::error::Parse;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTimeOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Key::deserialize(deserializer)?;
        Self::parse(text.as_str()).map_err(|e| {
            de::Error::custom(format_args!(
                "invalid date-time {:?}: {e} (expected RFC 3339 with an offset)",
                text.as_str()
            ))
        })
    }
}

/// Bytes sent as base64url text (Graph's `Edm.Stream` and `Edm.Binary` values).
///
/// The text is kept as it came, so writing it back changes nothing; [`Base64Url::decode`]
/// gives the bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Base64Url(String);

const BASE64URL: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

impl Base64Url {
    /// Encodes `bytes` (unpadded base64url).
    pub fn encode(bytes: impl AsRef<[u8]>) -> Self {
        Self(BASE64URL.encode(bytes))
    }

    /// The bytes; padding is optional.
    pub fn decode(&self) -> Result<Vec<u8>, base64::DecodeError> {
        BASE64URL.decode(&self.0)
    }

    /// The text as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for Base64Url {
    /// Wraps text that is already base64url.
    fn from(text: String) -> Self {
        Self(text)
    }
}

/// A map key or string that borrows from the input when it can. Used by generated code.
#[doc(hidden)]
#[derive(Debug)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The known member `value` names: exactly, or else ignoring ASCII case (Graph writes
/// `EveryoneInCompany` and `Html` where the spec says `everyoneInCompany` and `html`).
/// Used by generated code.
#[doc(hidden)]
pub fn known_member<T: Clone>(known: &[(&str, T)], value: &str) -> Option<T> {
    known
        .iter()
        .find(|(v, _)| *v == value)
        .or_else(|| known.iter().find(|(v, _)| v.eq_ignore_ascii_case(value)))
        .map(|(_, member)| member.clone())
}

/// One property of a PATCH body: left as it is, cleared, or set. Graph changes only the
/// properties a PATCH sends; `null` clears one.
///
/// ```
/// use graph_meetings::types::Update;
///
/// let mut change = graph_meetings::OnlineMeetingUpdate::default();
/// change.subject = Update::Clear;
/// change.allow_recording = Update::Set(true);
/// let body = serde_json::to_value(&change)?;
/// assert_eq!(body, serde_json::json!({"subject": null, "allowRecording": true}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Update<T> {
    /// Not sent: the property keeps its value.
    #[default]
    Unchanged,
    /// Sent as `null`: the property is cleared.
    Clear,
    /// Sent with this value.
    Set(T),
}

impl<T> Update<T> {
    /// Whether the property is left out of the body.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Update::Unchanged)
    }
}

impl<T> From<T> for Update<T> {
    fn from(value: T) -> Self {
        Update::Set(value)
    }
}

impl<T: Serialize> Serialize for Update<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Update::Set(value) => value.serialize(serializer),
            Update::Clear | Update::Unchanged => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Update<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Update::Set(value),
            None => Update::Clear,
        })
    }
}

/// Generated structs: their serde, written once by `#[derive(Object)]`.
#[doc(hidden)]
pub trait Object: Sized {
    /// The JSON names of the declared properties, in the spec's order.
    const PROPERTIES: &'static [&'static str];
    /// The value's `@odata.type`, if it has one.
    fn odata_type(&self) -> Option<&str>;
    /// Reads the properties left in `map`; `odata_type` is an `@odata.type` already read.
    fn read_map<'de, A: de::MapAccess<'de>>(
        odata_type: Option<String>,
        map: A,
    ) -> Result<Self, A::Error>;
    /// Writes the object; `tag` is written as `@odata.type` first where the value has none.
    fn write_map<S: Serializer>(&self, tag: Option<&str>, serializer: S)
        -> Result<S::Ok, S::Error>;
}

/// The visitor of every generated struct.
#[doc(hidden)]
pub struct ObjectVisitor<T>(&'static str, std::marker::PhantomData<T>);

impl<T> ObjectVisitor<T> {
    /// A visitor that says it expected `expecting`.
    pub fn new(expecting: &'static str) -> Self {
        Self(expecting, std::marker::PhantomData)
    }
}

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read_map(None, map)
    }
}

/// Generated unions: the choice of a type by `@odata.type`, written by `#[derive(Union)]`.
#[doc(hidden)]
pub trait Union: Sized {
    /// Reads the rest of `map` as the type `tag` names (the base type for `None` or an unknown
    /// tag).
    fn read_tagged<'de, A: de::MapAccess<'de>>(
        tag: Option<String>,
        map: A,
    ) -> Result<Self, A::Error>;
    /// Reads `map`, which has no `@odata.type` first: as the base type, unless a later
    /// `@odata.type` names a derived one.
    fn read_untagged<'de, A: de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads `value` again as another type: a base-typed value whose `@odata.type` came late.
/// Through JSON text, not `serde_json::Value`, whose objects sort their keys (without
/// serde_json's `preserve_order`): the unknown properties keep their order.
#[doc(hidden)]
pub fn rebuild<T: Serialize, U: serde::de::DeserializeOwned>(
    value: &T,
) -> Result<U, serde_json::Error> {
    serde_json::to_vec(value).and_then(|text| serde_json::from_slice(&text))
}

/// A map whose first key was already read.
struct Prefixed<'de, A> {
    first: Option<Key<'de>>,
    rest: A,
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Prefixed<'de, A> {
    type Error = A::Error;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(Key(Cow::Borrowed(key))) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(key))
                .map(Some),
            Some(Key(Cow::Owned(key))) => seed
                .deserialize(de::value::StringDeserializer::new(key))
                .map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }
}

/// The visitor of every generated union. Graph writes `@odata.type` first: then the chosen
/// type reads the rest of the object directly. Otherwise the object is read as the base type,
/// and read again as a derived type only if a later `@odata.type` names one.
#[doc(hidden)]
pub struct UnionVisitor<T>(&'static str, std::marker::PhantomData<T>);

impl<T> UnionVisitor<T> {
    /// A visitor that says it expected `expecting`.
    pub fn new(expecting: &'static str) -> Self {
        Self(expecting, std::marker::PhantomData)
    }
}

impl<'de, T: Union> Visitor<'de> for UnionVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match map.next_key::<Key<'de>>()? {
            Some(key) if key.as_str() == "@odata.type" => {
                let tag: Option<String> = map.next_value()?;
                T::read_tagged(tag, map)
            }
            Some(key) => T::read_untagged(Prefixed {
                first: Some(key),
                rest: map,
            }),
            None => T::read_tagged(None, map),
        }
    }
}

/// Whether an `@odata.type` value names `odata_type` (with or without `#`, in any ASCII case).
/// Used by generated code.
#[doc(hidden)]
pub fn odata_type_is(value: &str, odata_type: &str) -> bool {
    value
        .trim_start_matches('#')
        .eq_ignore_ascii_case(odata_type.trim_start_matches('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_keep_their_spelling() {
        for text in [
            "2019-07-12T14:30:34.2444915-07:00",
            "2019-07-11T02:17:17.6491364Z",
            "2020-02-06T01:49:21.3524945+00:00",
            "2019-07-11T02:47:17.651138Z",
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.000000000+05:30",
        ] {
            let parsed = DateTimeOffset::parse(text).unwrap();
            assert_eq!(parsed.to_string(), text);
        }
        let t = DateTimeOffset::parse("2019-07-12T14:30:34.2444915-07:00").unwrap();
        assert_eq!(t.value().nanosecond(), 244_491_500);
        assert_eq!(t.value().offset().whole_hours(), -7);
        assert!(DateTimeOffset::parse("2019-07-12 14:30").is_err());
    }

    /// A value read again as another type keeps its unknown properties in order. (It can
    /// fail only where serde_json's `preserve_order` is off, as in a user's build: CI runs this
    /// crate's unit tests on their own, outside the workspace, whose codegen turns it on.)
    #[test]
    fn rebuild_keeps_the_order_of_unknown_properties() {
        let text = r#"{"subject":"s","z":1,"a":2}"#;
        let meeting: crate::OnlineMeeting = serde_json::from_str(text).unwrap();
        let again: crate::OnlineMeeting = rebuild(&meeting).unwrap();
        assert_eq!(serde_json::to_string(&again).unwrap(), text);
    }

    #[test]
    fn base64url_round_trips() {
        let b = Base64Url::encode(b"\xfb\xff meeting");
        assert_eq!(b.decode().unwrap(), b"\xfb\xff meeting");
        assert!(!b.as_str().contains(['+', '/', '=']));
    }
}
