//! Schemas, properties and types, for the drift check.

use std::collections::BTreeMap;
use std::fmt;

use serde_yaml::Value;

use super::{both, Diffs};

/// A mapping key as text (YAML allows numbers and booleans as keys).
pub(super) fn key_str(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// The comparable type of a schema: what it is, whether it is nullable, its enum members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ty {
    /// `string/date-time`, `ref microsoft.graph.x`, `array of T`, `anyOf(T | T)`, `object`, `any`.
    pub base: String,
    /// `None` for a bare `$ref`, which cannot say.
    pub nullable: Option<bool>,
    /// For an array, whether its items are nullable (`None`: not an array, or cannot say).
    pub items_nullable: Option<bool>,
    /// Enum members of the schema or of its array items (parameters use them).
    pub members: Vec<String>,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = |n: Option<bool>| if n == Some(true) { "?" } else { "" };
        write!(
            f,
            "{}{}{}",
            self.base,
            q(self.items_nullable),
            q(self.nullable)
        )
    }
}

/// `{type: object, nullable: true}` and nothing else: the null half of the anyOf idiom.
fn is_null_part(s: &Value) -> bool {
    s.get("nullable").and_then(Value::as_bool) == Some(true)
        && s.get("$ref").is_none()
        && s.get("properties").is_none()
        && matches!(s.get("type").and_then(Value::as_str), None | Some("object"))
}

fn members(s: &Value) -> Vec<String> {
    s.get("enum")
        .or_else(|| s.get("items").and_then(|i| i.get("enum")))
        .and_then(Value::as_sequence)
        .map(|m| m.iter().map(key_str).collect())
        .unwrap_or_default()
}

impl Ty {
    /// A schema that says nothing.
    pub fn any() -> Ty {
        Ty {
            base: "any".into(),
            nullable: Some(false),
            members: Vec::new(),
            items_nullable: None,
        }
    }

    /// The type of `schema`, as written (only the anyOf idiom and single-`$ref` allOf are
    /// looked through; component `$ref`s are compared by name).
    pub fn of(schema: &Value) -> Ty {
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
            return Ty {
                base: format!("ref {name}"),
                nullable: None,
                members: Vec::new(),
                items_nullable: None,
            };
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            let Some(parts) = schema.get(combinator).and_then(Value::as_sequence) else {
                continue;
            };
            if combinator == "allOf" && (parts.len() != 1 || schema.get("properties").is_some()) {
                break;
            }
            let null = parts.iter().any(is_null_part);
            let rest: Vec<Ty> = parts
                .iter()
                .filter(|p| !is_null_part(p))
                .map(Ty::of)
                .collect();
            let mut ty = match rest.as_slice() {
                [one] => one.clone(),
                _ => Ty {
                    base: format!(
                        "anyOf({})",
                        rest.iter()
                            .map(Ty::to_string)
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ),
                    nullable: Some(false),
                    members: Vec::new(),
                    items_nullable: None,
                },
            };
            if null || nullable {
                ty.nullable = Some(true);
            }
            return ty;
        }
        let mut items_nullable = None;
        let base = match schema.get("type").and_then(Value::as_str) {
            Some("array") => {
                let items = schema.get("items").map(Ty::of).unwrap_or_else(Ty::any);
                items_nullable = items.nullable;
                format!("array of {}", items.base)
            }
            Some("object") => "object".to_string(),
            Some(t) => match schema.get("format").and_then(Value::as_str) {
                Some(f) => format!("{t}/{f}"),
                None => t.to_string(),
            },
            None if schema.get("properties").is_some() || schema.get("allOf").is_some() => {
                "object".to_string()
            }
            None => "any".to_string(),
        };
        Ty {
            base,
            nullable: Some(nullable),
            members: members(schema),
            items_nullable,
        }
    }

    /// Same type, and the same nullability where both sides can say.
    pub fn same(&self, other: &Ty) -> bool {
        let agree = |a: Option<bool>, b: Option<bool>| match (a, b) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        self.base == other.base
            && agree(self.nullable, other.nullable)
            && agree(self.items_nullable, other.items_nullable)
    }
}

/// What a component schema is: `enum`, `object`, or (an alias) its type.
fn kind(s: &Value) -> String {
    if s.get("enum").is_some() {
        "enum".into()
    } else if s.get("properties").is_some()
        || s.get("allOf").is_some()
        || s.get("type").and_then(Value::as_str) == Some("object")
    {
        "object".into()
    } else {
        Ty::of(s).to_string()
    }
}

/// Compares one component schema present in both documents.
pub(super) fn component(name: &str, u: &Value, o: &Value, out: &mut Diffs) {
    let (ku, ko) = (kind(u), kind(o));
    if ku != ko {
        out.push(format!(
            "kind-differs schema {name}: upstream {ku}, ours {ko}"
        ));
        return;
    }
    match ku.as_str() {
        "enum" => {
            let set = |s: &Value| -> BTreeMap<String, ()> {
                members(s).into_iter().map(|m| (m, ())).collect()
            };
            both(
                &set(u),
                &set(o),
                out,
                &format!("enum-member {name}"),
                |_, _, _, _| {},
            );
        }
        "object" => {
            let refs = |s: &Value| -> BTreeMap<String, ()> {
                s.get("allOf")
                    .and_then(Value::as_sequence)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.get("$ref").and_then(Value::as_str))
                    .map(|r| {
                        (
                            r.trim_start_matches("#/components/schemas/").to_string(),
                            (),
                        )
                    })
                    .collect()
            };
            both(
                &refs(u),
                &refs(o),
                out,
                &format!("allof {name}"),
                |_, _, _, _| {},
            );
            properties(name, u, o, out);
        }
        _ => {}
    }
}

/// The schema's own properties: its `properties` and those of its inline `allOf` parts.
fn own_properties(s: &Value) -> BTreeMap<String, Value> {
    let inline = s
        .get("allOf")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter(|p| p.get("$ref").is_none());
    std::iter::once(s)
        .chain(inline)
        .filter_map(|p| p.get("properties").and_then(Value::as_mapping))
        .flatten()
        .map(|(k, v)| (key_str(k), v.clone()))
        .filter(|(k, _)| k != "@odata.type")
        .collect()
}

/// Compares the own properties of two object schemas; `owner` names them in keys.
pub(super) fn properties(owner: &str, u: &Value, o: &Value, out: &mut Diffs) {
    let keyed = |s: &Value| -> BTreeMap<String, Value> {
        own_properties(s)
            .into_iter()
            .map(|(k, v)| (format!("{owner}.{k}"), v))
            .collect()
    };
    let mut nested = Vec::new();
    both(&keyed(u), &keyed(o), out, "property", |key, su, so, out| {
        let (tu, to) = (Ty::of(su), Ty::of(so));
        if !tu.same(&to) {
            out.push(format!(
                "type-differs property {key}: upstream {tu}, ours {to}"
            ));
        } else if tu.base == "object" {
            nested.push((key.to_string(), su.clone(), so.clone()));
        }
    });
    for (key, su, so) in nested {
        properties(&key, &su, &so, out);
    }
}
