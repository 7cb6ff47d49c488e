//! [`AdditionalProperties`]: the properties a model does not declare, in the order they came.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// The properties of a JSON object that its model does not declare (`@odata.context`,
/// properties newer than this crate), kept in the order they came so that writing the value
/// back gives them back as they were. (A value that is itself an object is a
/// [`serde_json::Value`], whose keys are in serde_json's order: sorted, unless its
/// `preserve_order` feature is on.)
///
/// A small map: a list of names and values, each name once. When a name comes twice, the last
/// value wins, in the first one's place, as [`AdditionalProperties::insert`] does and as in
/// serde_json. It costs nothing while empty, which it nearly always is.
///
/// ```
/// use graph_meetings::OnlineMeeting;
///
/// let meeting: OnlineMeeting = serde_json::from_str(
///     r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#x","subject":"Standup",
///         "newerProperty":{"on":true}}"#,
/// )?;
/// let keys: Vec<&String> = meeting.additional_properties.keys().collect();
/// assert_eq!(keys, ["@odata.context", "newerProperty"]);
/// assert_eq!(meeting.additional_properties["newerProperty"]["on"], true);
/// assert!(meeting.additional_properties["absent"].is_null());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct AdditionalProperties(Vec<(String, Value)>);

impl AdditionalProperties {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// How many properties there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key` to `value`: in its place if it is there (giving back the old value), else at
    /// the end.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.get_mut(&key) {
            Some(old) => Some(std::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Takes `key` out, keeping the others in order.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }

    /// The names and values, in order.
    pub fn iter(&self) -> PropertiesIter<'_> {
        PropertiesIter(self.0.iter())
    }

    /// The names, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values, in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// Keeps only the properties `keep` says yes to, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut Value) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// Takes every property out.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The names and values, in order, the values to change.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&String, &mut Value)> + ExactSizeIterator {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The values, in order, to change.
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// Adds a property read from JSON without looking for an earlier one of the same name, so
    /// that an object with many unknown properties is read in linear time. The map may then
    /// hold a name twice, and is not settled until [`AdditionalProperties::finish_read`] runs:
    /// readers call it once the object is read. Used by generated code.
    #[doc(hidden)]
    pub fn push_read(&mut self, key: String, value: Value) {
        self.0.push((key, value));
    }

    /// Settles names that came more than once: the last value, in the first one's place. Used
    /// by generated code once an object is read.
    #[doc(hidden)]
    pub fn finish_read(&mut self) {
        let n = self.0.len();
        if n < 2 {
            return;
        }
        // For each entry, the index of the first entry with its name.
        let first: Vec<usize> = if n <= 16 {
            (0..n)
                .map(|i| (0..i).find(|&j| self.0[j].0 == self.0[i].0).unwrap_or(i))
                .collect()
        } else {
            let mut seen = std::collections::HashMap::with_capacity(n);
            (0..n)
                .map(|i| *seen.entry(self.0[i].0.as_str()).or_insert(i))
                .collect()
        };
        if first.iter().enumerate().all(|(i, &f)| f == i) {
            return;
        }
        for (i, &f) in first.iter().enumerate() {
            if f != i {
                self.0[f].1 = std::mem::take(&mut self.0[i].1);
            }
        }
        let mut index = 0;
        self.0.retain(|_| {
            index += 1;
            first[index - 1] == index - 1
        });
    }
}

/// Missing names index to `null`, as in [`serde_json::Value`] (a `serde_json::Map` panics).
impl<Q: AsRef<str> + ?Sized> std::ops::Index<&Q> for AdditionalProperties {
    type Output = Value;
    fn index(&self, key: &Q) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key.as_ref()).unwrap_or(&NULL)
    }
}

/// A missing name is added, as `null`, as in [`serde_json::Value`].
impl<Q: AsRef<str> + ?Sized> std::ops::IndexMut<&Q> for AdditionalProperties {
    fn index_mut(&mut self, key: &Q) -> &mut Value {
        let key = key.as_ref();
        let at = match self.0.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                self.0.push((key.to_owned(), Value::Null));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }
}

/// Equal when they have the same names with equal values, in any order (as JSON objects are).
impl PartialEq for AdditionalProperties {
    fn eq(&self, other: &Self) -> bool {
        if self.len() != other.len() {
            return false;
        }
        if self.len() <= 16 {
            return self.iter().all(|(k, v)| other.get(k) == Some(v));
        }
        fn sorted(map: &AdditionalProperties) -> Vec<(&String, &Value)> {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            entries
        }
        sorted(self) == sorted(other)
    }
}

impl Eq for AdditionalProperties {}

impl fmt::Debug for AdditionalProperties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// An iterator over the names and values, in order.
///
/// ```
/// let meeting: graph_meetings::OnlineMeeting =
///     serde_json::from_str(r#"{"b":1,"id":"m1","a":2}"#)?;
/// let names: Vec<&str> = meeting.additional_properties.iter().map(|(k, _)| k.as_str()).collect();
/// assert_eq!(names, ["b", "a"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PropertiesIter<'a>(std::slice::Iter<'a, (String, Value)>);

impl<'a> Iterator for PropertiesIter<'a> {
    type Item = (&'a String, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for PropertiesIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for PropertiesIter<'_> {}

impl std::iter::FusedIterator for PropertiesIter<'_> {}

impl<'a> IntoIterator for &'a AdditionalProperties {
    type Item = (&'a String, &'a Value);
    type IntoIter = PropertiesIter<'a>;
    fn into_iter(self) -> PropertiesIter<'a> {
        self.iter()
    }
}

impl IntoIterator for AdditionalProperties {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Later repeats of a name replace earlier ones.
impl Extend<(String, Value)> for AdditionalProperties {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        self.0.extend(iter);
        self.finish_read();
    }
}

impl FromIterator<(String, Value)> for AdditionalProperties {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut map = Self::new();
        map.extend(iter);
        map
    }
}

impl From<serde_json::Map<String, Value>> for AdditionalProperties {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        Self(map.into_iter().collect())
    }
}

impl From<AdditionalProperties> for serde_json::Map<String, Value> {
    fn from(map: AdditionalProperties) -> Self {
        map.0.into_iter().collect()
    }
}

/// A JSON object.
impl From<AdditionalProperties> for Value {
    fn from(map: AdditionalProperties) -> Self {
        Value::Object(map.into())
    }
}

impl Serialize for AdditionalProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = AdditionalProperties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = AdditionalProperties::new();
                while let Some((k, v)) = access.next_entry::<String, Value>()? {
                    map.push_read(k, v);
                }
                map.finish_read();
                Ok(map)
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> AdditionalProperties {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn keeps_order_and_the_last_of_repeats() {
        let map = read(r#"{"b":1,"a":2,"b":3,"c":4}"#);
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"b":3,"a":2,"c":4}"#
        );
        let many: String = (0..40).map(|i| format!(r#""k{}":{i},"#, i % 20)).collect();
        let map = read(&format!("{{{}\"end\":0}}", many));
        assert_eq!(map.len(), 21);
        assert_eq!(map["k3"], 23);
        let names: Vec<&String> = map.keys().collect();
        assert_eq!(names[..2], ["k0", "k1"]);
        assert_eq!(names[20], "end");
        assert!(serde_json::from_str::<AdditionalProperties>("null").is_err());
    }

    #[test]
    fn compares_as_json_objects() {
        assert_eq!(read(r#"{"a":1,"b":2}"#), read(r#"{"b":2,"a":1}"#));
        assert_ne!(read(r#"{"a":1,"b":2}"#), read(r#"{"a":1,"b":3}"#));
        let big = |rev: bool| -> AdditionalProperties {
            let mut keys: Vec<usize> = (0..30).collect();
            if rev {
                keys.reverse();
            }
            keys.into_iter()
                .map(|i| (format!("k{i}"), json!(i)))
                .collect()
        };
        assert_eq!(big(false), big(true));
    }

    #[test]
    fn edits_in_place() {
        let mut map = AdditionalProperties::new();
        assert_eq!(map.insert("x".into(), json!(1)), None);
        map.insert("y".into(), json!(2));
        assert_eq!(map.insert("x".into(), json!(3)), Some(json!(1)));
        assert_eq!(serde_json::to_value(&map).unwrap(), json!({"x": 3, "y": 2}));
        assert_eq!(map.remove("x"), Some(json!(3)));
        assert!(!map.contains_key("x"));
        let back: serde_json::Map<String, Value> = map.clone().into();
        assert_eq!(AdditionalProperties::from(back), map);
        map["z"] = json!([1]);
        map[&String::from("y")] = json!(5);
        map.retain(|k, _| k != "z");
        assert_eq!(Value::from(map.clone()), json!({"y": 5}));
        map.values_mut().for_each(|v| *v = json!(0));
        map.clear();
        assert!(map.is_empty());
    }
}
