//! Field types: what each component schema, property, body and response becomes in Rust. The
//! [`TypeSpace`] owns the types made so far and the type-name scope; unions are kept by the
//! schema they stand for, never looked up by name.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::index::{schema_pointer, Kind, SchemaId, SchemaIndex};
use super::inherit::{self, Prop, MAX_INLINE_DEPTH};
use crate::error::{Error, Problem};
use crate::ir::*;
use crate::names::{self, Scope};

pub struct TypeSpace<'i, 'a> {
    pub index: &'i SchemaIndex<'a>,
    /// Every type name handed out, generated ones included.
    pub scope: Scope,
    /// The output, by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// The union made for a base schema, if one was.
    unions: BTreeMap<SchemaId, Option<String>>,
}

impl<'i, 'a> TypeSpace<'i, 'a> {
    pub fn new(index: &'i SchemaIndex<'a>) -> Self {
        let mut scope = Scope::default();
        for id in index.ids() {
            if let Some(name) = &index.entry(id).name {
                scope.claim(name.clone());
            }
        }
        TypeSpace {
            index,
            scope,
            types: BTreeMap::new(),
            unions: BTreeMap::new(),
        }
    }

    /// Every type, sorted by Rust name.
    pub fn finish(self) -> Vec<TypeDef> {
        self.types.into_values().collect()
    }

    /// Lowers every component schema, in document order.
    pub fn lower_components(&mut self) -> Result<(), Error> {
        let index = self.index;
        for id in index.ids() {
            let entry = index.entry(id);
            let at = schema_pointer(entry.key);
            match (entry.kind, entry.schema) {
                (Kind::Alias, _) => {
                    // Lowered where used; lowering it once here reports its problems even when
                    // nothing uses it, and finds alias cycles.
                    self.alias_type(id, &at, &mut Vec::new())?;
                }
                (Kind::Enum, ReferenceOr::Item(s)) => {
                    let def = enum_def(s);
                    let doc = doc_or(s.schema_data.description.as_deref(), entry.key);
                    self.insert(index.name(id), entry.key, doc, TypeKind::Enum(def));
                }
                (Kind::Object, ReferenceOr::Item(s)) => {
                    let def = self.struct_def(id, &at)?;
                    let doc = doc_or(object_description(s), entry.key);
                    self.insert(index.name(id), entry.key, doc, TypeKind::Struct(def));
                }
                (_, ReferenceOr::Reference { .. }) => {
                    unreachable!("references are classified as aliases")
                }
            }
        }
        Ok(())
    }

    fn insert(&mut self, name: &str, origin: &str, doc: String, kind: TypeKind) {
        let def = TypeDef {
            name: name.to_string(),
            origin: origin.to_string(),
            doc,
            kind,
        };
        self.types.insert(def.name.clone(), def);
    }

    fn struct_def(&mut self, id: SchemaId, at: &str) -> Result<StructDef, Error> {
        let props = inherit::component_props(self.index, id, at)?;
        let owner = self.index.name(id).to_string();
        let mut fields = self.fields(&owner, props)?;
        if let Some(value) = self.index.odata_type(id) {
            if let Some(f) = fields.iter_mut().find(|f| f.is_odata_type) {
                f.doc = Some(format!(
                    "The OData type of the value: `{value}` for this type. Needed only where \
                     a base type is expected; left out, it is not sent."
                ));
            }
        }
        Ok(StructDef {
            fields,
            has_default: true,
        })
    }

    fn fields(&mut self, owner: &str, props: Vec<Prop<'a>>) -> Result<Vec<Field>, Error> {
        let mut scope = Scope::with_reserved(&[names::ADDITIONAL_PROPERTIES]);
        let mut fields = Vec::with_capacity(props.len());
        for prop in props {
            let is_odata_type = prop.json_name == "@odata.type";
            let (ty, nullable) = if is_odata_type {
                (TypeRef::String, true)
            } else {
                let hint = names::inline_type(owner, prop.json_name);
                self.boxed_type(prop.schema, &prop.pointer, &hint, 0)?
            };
            let doc = match prop.schema {
                ReferenceOr::Item(s) => s.schema_data.description.clone(),
                ReferenceOr::Reference { .. } => None,
            }
            .or_else(|| {
                is_odata_type.then(|| "The OData type of the value, when Graph names it.".into())
            });
            fields.push(Field {
                name: scope.claim(names::snake(prop.json_name)),
                json_name: prop.json_name.to_string(),
                doc: doc.filter(|d| !d.trim().is_empty()),
                ty,
                optional: !prop.required || nullable || is_odata_type,
                boxed: false,
                update: false,
                is_odata_type,
            });
        }
        Ok(fields)
    }

    /// The type of a property's schema (see [`Self::any_type`]).
    pub fn boxed_type(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        at: &str,
        hint: &str,
        depth: usize,
    ) -> Result<(TypeRef, bool), Error> {
        self.any_type(schema, at, hint, depth)
    }

    /// The type of a schema (a property's, a body's, a response's, an `anyOf` part), and
    /// whether it may be null; an inline object is named from `hint`.
    pub fn any_type<S: std::borrow::Borrow<Schema>>(
        &mut self,
        schema: &'a ReferenceOr<S>,
        at: &str,
        hint: &str,
        depth: usize,
    ) -> Result<(TypeRef, bool), Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_type(reference, at),
            ReferenceOr::Item(s) => self.inline_type(s.borrow(), at, hint, depth),
        }
    }

    /// The type a `$ref` to a component names, and whether it may be null.
    fn ref_type(&mut self, reference: &str, at: &str) -> Result<(TypeRef, bool), Error> {
        let id = self.index.resolve(reference, at)?;
        match self.index.entry(id).kind {
            Kind::Alias => self.alias_type(id, at, &mut Vec::new()),
            Kind::Enum => Ok((TypeRef::Named(self.index.name(id).to_string()), false)),
            Kind::Object => Ok((TypeRef::Named(self.polymorphic(id)), false)),
        }
    }

    /// The name to use for a position typed as `id`: its union if types derive from it.
    fn polymorphic(&mut self, id: SchemaId) -> String {
        let index = self.index;
        let base = index.name(id).to_string();
        if let Some(made) = self.unions.get(&id) {
            return made.clone().unwrap_or(base);
        }
        let mut variants: Vec<Derived> = index
            .entry(id)
            .derived
            .iter()
            .filter(|d| index.entry(**d).kind == Kind::Object)
            .filter_map(|d| {
                let odata_type = index.odata_type(*d)?;
                let type_name = index.name(*d).to_string();
                Some(Derived {
                    variant: type_name.clone(),
                    odata_type,
                    type_name,
                })
            })
            .collect();
        variants.sort_by(|a, b| a.odata_type.cmp(&b.odata_type));
        variants.dedup_by(|a, b| a.odata_type == b.odata_type);
        if variants.is_empty() {
            self.unions.insert(id, None);
            return base;
        }
        let union = self.scope.claim(names::union_name(&base));
        self.unions.insert(id, Some(union.clone()));
        let doc = format!(
            "A [`{base}`] or any type derived from it, chosen by `@odata.type` when read. \
             Unknown `@odata.type` values are read as the base type, which keeps their \
             properties."
        );
        let origin = index.entry(id).key;
        self.insert(
            &union,
            origin,
            doc,
            TypeKind::Union(UnionDef {
                base,
                derived: variants,
            }),
        );
        union
    }

    fn alias_type(
        &mut self,
        id: SchemaId,
        at: &str,
        seen: &mut Vec<SchemaId>,
    ) -> Result<(TypeRef, bool), Error> {
        let index = self.index;
        if seen.contains(&id) {
            seen.push(id);
            let chain: Vec<&str> = seen.iter().map(|s| index.entry(*s).key).collect();
            return Err(index.invalid(at.into(), Problem::Cycle(chain.join(" -> "))));
        }
        seen.push(id);
        let entry = index.entry(id);
        let here = schema_pointer(entry.key);
        match entry.schema {
            ReferenceOr::Reference { reference } => {
                let target = index.resolve(reference, &here)?;
                match index.entry(target).kind {
                    Kind::Alias => self.alias_type(target, &here, seen),
                    _ => self.ref_type(reference, &here),
                }
            }
            ReferenceOr::Item(s) => {
                let hint = names::camel(entry.key);
                self.inline_type(s, &here, &hint, 0)
            }
        }
    }

    /// The type of an inline schema, and whether it may be null.
    fn inline_type(
        &mut self,
        schema: &'a Schema,
        at: &str,
        hint: &str,
        depth: usize,
    ) -> Result<(TypeRef, bool), Error> {
        let index = self.index;
        if depth > MAX_INLINE_DEPTH {
            return Err(index.invalid(at.into(), Problem::TooDeep(MAX_INLINE_DEPTH)));
        }
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::String(s)) => string_type(&s.format),
            SchemaKind::Type(Type::Integer(i)) => TypeRef::Number(match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Number::I32,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "int16" => Number::I16,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "int8" => Number::I8,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "uint8" => Number::U8,
                _ => Number::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => TypeRef::Number(match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Number::F32,
                _ => Number::F64,
            }),
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let (item, item_nullable) =
                        self.boxed_type(items, &format!("{at}/items"), hint, depth + 1)?;
                    TypeRef::List(Box::new(if item_nullable {
                        TypeRef::Nullable(Box::new(item))
                    } else {
                        item
                    }))
                }
                None => TypeRef::List(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                if let Some(AdditionalProperties::Schema(extra)) = &o.additional_properties {
                    inherit::check_json(index, extra, &format!("{at}/additionalProperties"))?;
                }
                TypeRef::Json
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => {
                TypeRef::Named(self.inline_struct(schema, at, hint, depth)?)
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                TypeRef::Named(self.inline_struct(schema, at, hint, depth)?)
            }
            SchemaKind::Any(_) => TypeRef::Json,
            SchemaKind::AnyOf { any_of: parts } | SchemaKind::OneOf { one_of: parts } => {
                let word = if matches!(schema.schema_kind, SchemaKind::AnyOf { .. }) {
                    "anyOf"
                } else {
                    "oneOf"
                };
                // Graph's idiom: [$ref X, {type: object, nullable: true}] is a nullable X.
                let mut null_marker = false;
                let mut real = Vec::new();
                for (i, part) in parts.iter().enumerate() {
                    match part {
                        ReferenceOr::Item(s) if is_null_marker(s) => null_marker = true,
                        _ => real.push((i, part)),
                    }
                }
                match real.as_slice() {
                    [] => TypeRef::Json,
                    [(i, only)] => {
                        let (ty, inner_nullable) =
                            self.any_type(only, &format!("{at}/{word}/{i}"), hint, depth + 1)?;
                        return Ok((ty, nullable || null_marker || inner_nullable));
                    }
                    several => {
                        // Alternatives of different shapes (Graph's number-or-string-or-NaN
                        // doubles, for one) are kept as JSON; their references must still
                        // resolve.
                        for (i, part) in several {
                            if let ReferenceOr::Reference { reference } = part {
                                index.resolve(reference, &format!("{at}/{word}/{i}"))?;
                            }
                        }
                        TypeRef::Json
                    }
                }
            }
            SchemaKind::Not { .. } => {
                return Err(index.invalid(
                    at.into(),
                    Problem::Unsupported("`not` schemas have no Rust type".into()),
                ))
            }
        };
        Ok((ty, nullable))
    }

    /// A struct for an inline object schema, named from `hint`. The same body at two paths
    /// (`/me/...` and `/users/{id}/...`) is one type.
    fn inline_struct(
        &mut self,
        schema: &'a Schema,
        at: &str,
        hint: &str,
        depth: usize,
    ) -> Result<String, Error> {
        let props = inherit::inline_props(self.index, schema, at, depth + 1)?;
        let fields = self.fields(&names::camel(hint), props)?;
        let def = StructDef {
            fields,
            has_default: true,
        };
        if let Some(existing) = self.types.get(hint) {
            if existing.kind == TypeKind::Struct(def.clone()) {
                return Ok(hint.to_string());
            }
        }
        let name = self.scope.claim(hint.to_string());
        let doc = doc_or(schema.schema_data.description.as_deref(), hint);
        self.insert(&name, at, doc, TypeKind::Struct(def));
        Ok(name)
    }
}

fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Base64Url,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "base64url" => TypeRef::Base64Url,
        _ => TypeRef::String,
    }
}

impl TypeSpace<'_, '_> {
    /// An open string enum of an option's enumerated values, named `hint` (one type for the
    /// same values at `/me` and `/users/{id}`).
    pub fn option_enum(&mut self, hint: &str, values: &[String], at: String) -> String {
        let mut scope = Scope::default();
        let variants = values
            .iter()
            .map(|v| Variant {
                name: scope.claim(names::camel(v)),
                value: v.clone(),
            })
            .collect();
        let def = TypeKind::Enum(EnumDef {
            other: names::other_variant(&scope),
            variants,
        });
        if self.types.get(hint).is_some_and(|t| t.kind == def) {
            return hint.to_string();
        }
        let name = self.scope.claim(hint.to_string());
        let doc = "The values this option takes.".to_string();
        self.insert(&name, &at, doc, def);
        name
    }

    /// The PATCH body of the struct `name`: every property unchanged unless set or cleared.
    /// A union's base type stands for the union.
    pub fn update_type(&mut self, name: &str) -> Option<String> {
        let base = match &self.types.get(name)?.kind {
            TypeKind::Union(u) => u.base.clone(),
            _ => name.to_string(),
        };
        let wanted = names::update_type(&base);
        if self.types.contains_key(&wanted) {
            return Some(wanted);
        }
        let def = self.types.get(&base)?;
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        let fields = s
            .fields
            .iter()
            .filter(|f| !f.is_odata_type)
            .map(|f| Field {
                optional: false,
                update: true,
                ..f.clone()
            })
            .collect();
        let doc = format!(
            "The properties of a [`{base}`] to change with PATCH: each is left unchanged, \
             cleared (sent as `null`) or set. Only the properties given are sent."
        );
        let origin = def.origin.clone();
        let update = self.scope.claim(wanted);
        self.insert(
            &update,
            &origin,
            doc,
            TypeKind::Struct(StructDef {
                fields,
                has_default: true,
            }),
        );
        Some(update)
    }
}

/// `{type: object, nullable: true}` with nothing else: Graph's marker for "or null".
fn is_null_marker(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Type(Type::Object(o)) if o.properties.is_empty())
        && s.schema_data.nullable
}

fn enum_def(schema: &Schema) -> EnumDef {
    let SchemaKind::Type(Type::String(t)) = &schema.schema_kind else {
        unreachable!("classified as a string enum")
    };
    let mut scope = Scope::default();
    let mut values = BTreeSet::new();
    let variants: Vec<Variant> = t
        .enumeration
        .iter()
        .flatten()
        .filter(|v| values.insert(v.as_str()))
        .map(|v| Variant {
            name: scope.claim(names::camel(v)),
            value: v.clone(),
        })
        .collect();
    EnumDef {
        other: names::other_variant(&scope),
        variants,
    }
}

/// The description of an object schema, or of the inline part of its `allOf`.
fn object_description(s: &Schema) -> Option<&str> {
    if let Some(d) = s.schema_data.description.as_deref() {
        return Some(d);
    }
    match &s.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.iter().rev().find_map(|p| match p {
            ReferenceOr::Item(p) => p.schema_data.description.as_deref(),
            _ => None,
        }),
        _ => None,
    }
}

pub fn doc_or(description: Option<&str>, origin: &str) -> String {
    match description.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => d.to_string(),
        None => format!("`{origin}` (the spec gives no description)."),
    }
}
