//! The schema index: every component schema with a typed id, what it becomes, its Rust name,
//! its `@odata.type` value and the types derived from it. Built once, then only read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use crate::error::{Error, Problem};
use crate::names;
use crate::pointer;

/// A component schema, by position in `#/components/schemas`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchemaId(usize);

/// What a component schema becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A struct.
    Object,
    /// A string enum.
    Enum,
    /// No type of its own: uses of it are lowered as its definition.
    Alias,
}

/// One component schema.
pub struct Entry<'a> {
    pub key: &'a str,
    pub schema: &'a ReferenceOr<Schema>,
    pub kind: Kind,
    /// The Rust name, for objects and enums.
    pub name: Option<String>,
    /// Schemas derived from this one through `allOf`, directly or not.
    pub derived: BTreeSet<SchemaId>,
}

/// The index of a spec's component schemas, and the one constructor of its errors.
pub struct SchemaIndex<'a> {
    pub file: &'a Path,
    pub api: &'a OpenAPI,
    entries: Vec<Entry<'a>>,
    by_key: BTreeMap<&'a str, SchemaId>,
}

pub fn schema_pointer(key: &str) -> String {
    pointer::push("#/components/schemas", key)
}

impl<'a> SchemaIndex<'a> {
    pub fn build(file: &'a Path, api: &'a OpenAPI) -> Result<Self, Error> {
        let schemas = api.components.as_ref().map(|c| &c.schemas);
        let mut index = SchemaIndex {
            file,
            api,
            entries: Vec::new(),
            by_key: BTreeMap::new(),
        };
        for (key, schema) in schemas.into_iter().flatten() {
            index
                .by_key
                .insert(key.as_str(), SchemaId(index.entries.len()));
            index.entries.push(Entry {
                key,
                schema,
                kind: classify(schema),
                name: None,
                derived: BTreeSet::new(),
            });
        }
        let typed = index
            .entries
            .iter()
            .filter(|e| e.kind != Kind::Alias)
            .map(|e| e.key);
        let rust_names = names::type_names(typed).map_err(|(first, second, name)| {
            index.invalid(
                schema_pointer(&second),
                Problem::DuplicateTypeName {
                    first,
                    second,
                    name,
                },
            )
        })?;
        for entry in &mut index.entries {
            entry.name = rust_names.get(entry.key).cloned();
        }
        index.link_inheritance()?;
        Ok(index)
    }

    /// Every `allOf` `$ref` makes the referring schema derived from its target; the derived
    /// sets are then made transitive (bounded: a cycle is reported when flattening).
    fn link_inheritance(&mut self) -> Result<(), Error> {
        let mut direct: Vec<(SchemaId, SchemaId)> = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if let ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::AllOf { all_of },
                ..
            }) = entry.schema
            {
                for (n, part) in all_of.iter().enumerate() {
                    if let ReferenceOr::Reference { reference } = part {
                        let at = pointer::push(&schema_pointer(entry.key), &format!("allOf/{n}"));
                        direct.push((self.resolve(reference, &at)?, SchemaId(i)));
                    }
                }
            }
        }
        for (base, child) in direct {
            self.entries[base.0].derived.insert(child);
        }
        for _ in 0..self.entries.len() {
            let snapshot: Vec<BTreeSet<SchemaId>> =
                self.entries.iter().map(|e| e.derived.clone()).collect();
            let mut changed = false;
            for entry in &mut self.entries {
                for child in entry.derived.clone() {
                    for grandchild in &snapshot[child.0] {
                        changed |= entry.derived.insert(*grandchild);
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Ok(())
    }

    pub fn entry(&self, id: SchemaId) -> &Entry<'a> {
        &self.entries[id.0]
    }

    pub fn ids(&self) -> impl Iterator<Item = SchemaId> {
        (0..self.entries.len()).map(SchemaId)
    }

    /// The Rust name of an object or enum schema.
    pub fn name(&self, id: SchemaId) -> &str {
        self.entries[id.0]
            .name
            .as_deref()
            .unwrap_or(self.entries[id.0].key)
    }

    pub fn by_key(&self, key: &str) -> Option<SchemaId> {
        self.by_key.get(key).copied()
    }

    pub fn invalid(&self, pointer: String, problem: Problem) -> Error {
        Error::Invalid {
            file: self.file.to_owned(),
            pointer,
            problem: Box::new(problem),
        }
    }

    /// The schema a `$ref` to `#/components/schemas/<key>` names; `at` is where the `$ref` is.
    pub fn resolve(&self, reference: &str, at: &str) -> Result<SchemaId, Error> {
        if !pointer::is_local(reference) {
            return Err(self.invalid(at.into(), Problem::ExternalRef(reference.into())));
        }
        match pointer::tokens(reference).as_slice() {
            [components, schemas, key] if components == "components" && schemas == "schemas" => {
                self.by_key(key).ok_or_else(|| {
                    self.invalid(at.into(), Problem::UnresolvedRef(reference.into()))
                })
            }
            _ => Err(self.invalid(at.into(), Problem::UnresolvedRef(reference.into()))),
        }
    }

    /// `item` itself, or the item its `$ref` names in one section of `#/components`
    /// (`requestBodies`, `responses`, `parameters`: `pick` chooses it), with the pointer of
    /// where it is; `at` is where `item` is.
    pub fn item_or_component<T>(
        &self,
        item: &'a ReferenceOr<T>,
        at: String,
        section: &str,
        pick: fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Result<(&'a T, String), Error> {
        let reference = match item {
            ReferenceOr::Item(t) => return Ok((t, at)),
            ReferenceOr::Reference { reference } => reference,
        };
        let found = match (pointer::tokens(reference).as_slice(), &self.api.components) {
            ([c, s, key], Some(components)) if c == "components" && s == section => {
                match pick(components).get(key) {
                    Some(ReferenceOr::Item(t)) => Some(t),
                    _ => None,
                }
            }
            _ => None,
        };
        found
            .map(|t| (t, reference.clone()))
            .ok_or_else(|| self.invalid(at, Problem::UnresolvedRef(reference.clone())))
    }

    /// The `@odata.type` value that names the schema: `x-ms-discriminator-value`, a default on
    /// its own `@odata.type` property, a discriminator mapping that names it, or Graph's rule
    /// (`#` and the qualified name).
    pub fn odata_type(&self, id: SchemaId) -> Option<String> {
        let entry = &self.entries[id.0];
        let ReferenceOr::Item(schema) = entry.schema else {
            return None;
        };
        if let Some(v) = schema
            .schema_data
            .extensions
            .get("x-ms-discriminator-value")
            .and_then(|v| v.as_str())
        {
            return Some(v.to_string());
        }
        let parts: Vec<&Schema> = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of
                .iter()
                .filter_map(|p| match p {
                    ReferenceOr::Item(s) => Some(s),
                    _ => None,
                })
                .collect(),
            _ => vec![schema],
        };
        for part in parts {
            if let SchemaKind::Type(Type::Object(o)) = &part.schema_kind {
                if let Some(ReferenceOr::Item(p)) = o.properties.get("@odata.type") {
                    if let Some(v) = p.schema_data.default.as_ref().and_then(|v| v.as_str()) {
                        return Some(v.to_string());
                    }
                }
            }
        }
        let target = format!("#/components/schemas/{}", entry.key);
        let mapped = self.entries.iter().find_map(|e| match e.schema {
            ReferenceOr::Item(s) => s.schema_data.discriminator.as_ref().and_then(|d| {
                d.mapping
                    .iter()
                    .find(|(_, t)| **t == target)
                    .map(|(v, _)| v.clone())
            }),
            _ => None,
        });
        mapped.or_else(|| {
            entry
                .key
                .starts_with(names::GRAPH_NAMESPACE)
                .then(|| format!("#{}", entry.key))
        })
    }
}

fn classify(schema: &ReferenceOr<Schema>) -> Kind {
    match schema {
        ReferenceOr::Reference { .. } => Kind::Alias,
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) if t.enumeration.iter().any(Option::is_some) => {
                Kind::Enum
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => Kind::Object,
            SchemaKind::Any(any) if !any.properties.is_empty() => Kind::Object,
            _ => Kind::Alias,
        },
    }
}
