//! Stage 2: turn a parsed spec into the IR, resolving every `$ref` and deciding every name
//! (through [`crate::names`]). This is where Graph's idioms become plain Rust shapes:
//! `allOf` chains are flattened, the `anyOf`-nullable idiom becomes `Option`, discriminators
//! become unions, and operations are named from their paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::error::{Error, Problem};
use crate::ir::*;
use crate::load::Spec;
use crate::names::{self, Scope};
use crate::pointer;

/// How deep inline schemas may nest inside one property before the spec is refused.
const MAX_INLINE_DEPTH: usize = 32;

/// Lowers `spec`; `source` is how the generated header names the spec.
pub fn lower(spec: &Spec, source: &str) -> Result<Api, Error> {
    let mut lowerer = Lowerer::new(&spec.file, &spec.api)?;
    lowerer.lower_components()?;
    let mut operations = lowerer.lower_operations()?;
    let builders = lowerer.builder_tree(&mut operations);
    lowerer.box_recursive_fields();
    lowerer.settle_defaults();
    let api = &spec.api;
    Ok(Api {
        source: source.to_string(),
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        base_url: api
            .servers
            .first()
            .map(|s| s.url.trim_end_matches('/').to_string()),
        types: lowerer.types.into_values().collect(),
        operations,
        builders,
    })
}

/// What a component schema becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A struct.
    Object,
    /// A string enum.
    Enum,
    /// No type of its own: uses of it are lowered as its definition.
    Alias,
}

/// A property on its way to becoming a field.
struct Prop<'a> {
    json_name: &'a str,
    schema: &'a ReferenceOr<Box<Schema>>,
    required: bool,
    pointer: String,
}

struct Lowerer<'a> {
    file: &'a Path,
    api: &'a OpenAPI,
    kinds: BTreeMap<&'a str, Kind>,
    /// Rust names of the component schemas that become types.
    names: BTreeMap<String, String>,
    /// Component keys of the types derived from each key, directly or not.
    derived: BTreeMap<String, BTreeSet<String>>,
    /// Every type name handed out, generated ones included.
    scope: Scope,
    /// The output, by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Keys being flattened, to detect `allOf` cycles.
    flattening: Vec<String>,
    /// Outcome enums by wanted name and response signature.
    outcomes: BTreeMap<(String, String), String>,
}

fn schema_pointer(key: &str) -> String {
    pointer::push("#/components/schemas", key)
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a Path, api: &'a OpenAPI) -> Result<Self, Error> {
        let mut lowerer = Self {
            file,
            api,
            kinds: BTreeMap::new(),
            names: BTreeMap::new(),
            derived: BTreeMap::new(),
            scope: Scope::default(),
            types: BTreeMap::new(),
            flattening: Vec::new(),
            outcomes: BTreeMap::new(),
        };
        let schemas = lowerer.schemas();
        for (key, schema) in schemas {
            let kind = match schema {
                ReferenceOr::Reference { .. } => Kind::Alias,
                ReferenceOr::Item(s) => match &s.schema_kind {
                    SchemaKind::Type(Type::String(t))
                        if t.enumeration.iter().any(Option::is_some) =>
                    {
                        Kind::Enum
                    }
                    SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => Kind::Object,
                    SchemaKind::Any(any) if !any.properties.is_empty() => Kind::Object,
                    _ => Kind::Alias,
                },
            };
            lowerer.kinds.insert(key.as_str(), kind);
        }
        let typed = lowerer
            .kinds
            .iter()
            .filter(|(_, k)| **k != Kind::Alias)
            .map(|(key, _)| *key);
        lowerer.names = names::type_names(typed).map_err(|(first, second, name)| {
            lowerer.invalid(
                schema_pointer(&second),
                Problem::DuplicateTypeName {
                    first,
                    second,
                    name,
                },
            )
        })?;
        for name in lowerer.names.values() {
            lowerer.scope.claim(name.clone());
        }
        // Inheritance: every allOf `$ref` makes the referring schema derived from the target.
        for (key, schema) in schemas {
            if let ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::AllOf { all_of },
                ..
            }) = schema
            {
                for (i, part) in all_of.iter().enumerate() {
                    if let ReferenceOr::Reference { reference } = part {
                        let at = pointer::push(&schema_pointer(key), &format!("allOf/{i}"));
                        let base = lowerer.component_key(reference, &at)?;
                        lowerer
                            .derived
                            .entry(base.to_string())
                            .or_default()
                            .insert(key.clone());
                    }
                }
            }
        }
        // Make the derived sets transitive (bounded: a cycle is reported when flattening).
        for _ in 0..lowerer.derived.len() {
            let snapshot = lowerer.derived.clone();
            let mut changed = false;
            for children in lowerer.derived.values_mut() {
                for child in children.clone() {
                    for grandchild in snapshot.get(&child).into_iter().flatten() {
                        changed |= children.insert(grandchild.clone());
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Ok(lowerer)
    }

    fn schemas(&self) -> &'a indexmap::IndexMap<String, ReferenceOr<Schema>> {
        static EMPTY: std::sync::OnceLock<indexmap::IndexMap<String, ReferenceOr<Schema>>> =
            std::sync::OnceLock::new();
        match &self.api.components {
            Some(c) => &c.schemas,
            None => EMPTY.get_or_init(Default::default),
        }
    }

    fn invalid(&self, pointer: String, problem: Problem) -> Error {
        Error::Invalid {
            file: self.file.to_owned(),
            pointer,
            problem: Box::new(problem),
        }
    }

    /// The component key a `$ref` to `#/components/schemas/<key>` names.
    fn component_key(&self, reference: &str, at: &str) -> Result<&'a str, Error> {
        if !pointer::is_local(reference) {
            return Err(self.invalid(at.into(), Problem::ExternalRef(reference.into())));
        }
        let tokens = pointer::tokens(reference);
        match tokens.as_slice() {
            [components, schemas, key] if components == "components" && schemas == "schemas" => {
                self.schemas()
                    .get_key_value(key.as_str())
                    .map(|(k, _)| k.as_str())
                    .ok_or_else(|| {
                        self.invalid(at.into(), Problem::UnresolvedRef(reference.into()))
                    })
            }
            _ => Err(self.invalid(at.into(), Problem::UnresolvedRef(reference.into()))),
        }
    }

    // ---- components ------------------------------------------------------------------------

    fn lower_components(&mut self) -> Result<(), Error> {
        let schemas = self.schemas();
        for (key, schema) in schemas {
            let at = schema_pointer(key);
            match self.kinds[key.as_str()] {
                Kind::Alias => {
                    // Lowered where used; lowering it once here reports its problems even when
                    // nothing uses it, and finds alias cycles.
                    self.alias_type(key, &at, &mut Vec::new())?;
                }
                Kind::Enum => {
                    let ReferenceOr::Item(s) = schema else {
                        unreachable!("enums are items")
                    };
                    let name = self.names[key.as_str()].clone();
                    let def = enum_def(s);
                    let doc = doc_or(s.schema_data.description.as_deref(), key);
                    self.insert(name, key.clone(), doc, TypeKind::Enum(def));
                }
                Kind::Object => {
                    let ReferenceOr::Item(s) = schema else {
                        unreachable!("objects are items")
                    };
                    let name = self.names[key.as_str()].clone();
                    let def = self.struct_def(key, &at)?;
                    let doc = doc_or(object_description(s), key);
                    self.insert(name, key.clone(), doc, TypeKind::Struct(def));
                }
            }
        }
        Ok(())
    }

    fn insert(&mut self, name: String, origin: String, doc: String, kind: TypeKind) {
        self.types.insert(
            name.clone(),
            TypeDef {
                name,
                origin,
                doc,
                kind,
            },
        );
    }

    fn struct_def(&mut self, key: &str, at: &str) -> Result<StructDef, Error> {
        let props = self.flatten(key, at)?;
        let mut fields = self.fields(key, props)?;
        let odata_type = self.odata_type_value(key);
        if let Some(value) = &odata_type {
            if let Some(f) = fields.iter_mut().find(|f| f.is_odata_type) {
                f.doc = Some(format!(
                    "The OData type of the value: `{value}` for this type. Needed only where \
                     a base type is expected; left out, it is not sent."
                ));
            }
        }
        Ok(StructDef {
            fields,
            odata_type,
            has_default: true,
        })
    }

    /// The `@odata.type` value that names the schema `key`.
    fn odata_type_value(&self, key: &str) -> Option<String> {
        let schema = match self.schemas().get(key)? {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { .. } => return None,
        };
        if let Some(v) = schema
            .schema_data
            .extensions
            .get("x-ms-discriminator-value")
            .and_then(|v| v.as_str())
        {
            return Some(v.to_string());
        }
        // A default on its own `@odata.type` property.
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
        // A discriminator mapping anywhere that names it.
        let target = format!("#/components/schemas/{key}");
        let mapped = self.schemas().values().find_map(|s| match s {
            ReferenceOr::Item(s) => s.schema_data.discriminator.as_ref().and_then(|d| {
                d.mapping
                    .iter()
                    .find(|(_, t)| **t == target)
                    .map(|(v, _)| v.clone())
            }),
            _ => None,
        });
        // Graph's own rule, for descriptions without discriminators (the PowerShell flavour):
        // the value is `#` and the qualified name.
        mapped.or_else(|| {
            key.starts_with(names::GRAPH_NAMESPACE)
                .then(|| format!("#{key}"))
        })
    }

    /// Every property of the object schema `key`, inherited ones first. `via` is the node
    /// that led here (the `$ref`, or the schema itself), where a cycle is reported.
    fn flatten(&mut self, key: &str, via: &str) -> Result<Vec<Prop<'a>>, Error> {
        if let Some(start) = self.flattening.iter().position(|k| k == key) {
            let mut chain = self.flattening[start..].to_vec();
            chain.push(key.to_string());
            return Err(self.invalid(via.into(), Problem::Cycle(chain.join(" -> "))));
        }
        self.flattening.push(key.to_string());
        let here = schema_pointer(key);
        let result = match &self.schemas()[key] {
            ReferenceOr::Item(s) => self.schema_props(s, &here, 0),
            ReferenceOr::Reference { reference } => {
                let target = self.component_key(reference, &here)?;
                self.flatten(target, &here)
            }
        };
        self.flattening.pop();
        result
    }

    fn schema_props(
        &mut self,
        schema: &'a Schema,
        at: &str,
        depth: usize,
    ) -> Result<Vec<Prop<'a>>, Error> {
        if depth > MAX_INLINE_DEPTH {
            return Err(self.invalid(at.into(), Problem::TooDeep(MAX_INLINE_DEPTH)));
        }
        let mut props: Vec<Prop<'a>> = Vec::new();
        let add = |props: &mut Vec<Prop<'a>>, new: Vec<Prop<'a>>| {
            for p in new {
                // A redeclared property keeps its place and takes the later definition.
                match props.iter_mut().find(|q| q.json_name == p.json_name) {
                    Some(q) => *q = p,
                    None => props.push(p),
                }
            }
        };
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                for (i, part) in all_of.iter().enumerate() {
                    let part_at = format!("{at}/allOf/{i}");
                    let new = match part {
                        ReferenceOr::Reference { reference } => {
                            let key = self.component_key(reference, &part_at)?;
                            if self.kinds[key] == Kind::Enum {
                                return Err(self.invalid(
                                    part_at,
                                    Problem::WrongType(format!(
                                        "`allOf` part '{reference}' is an enum, not an object"
                                    )),
                                ));
                            }
                            self.flatten(key, &part_at)?
                        }
                        ReferenceOr::Item(s) => self.schema_props(s, &part_at, depth + 1)?,
                    };
                    add(&mut props, new);
                }
            }
            SchemaKind::Type(Type::Object(o)) => {
                let new = o
                    .properties
                    .iter()
                    .map(|(name, s)| Prop {
                        json_name: name,
                        schema: s,
                        required: o.required.contains(name),
                        pointer: pointer::push(&format!("{at}/properties"), name),
                    })
                    .collect();
                add(&mut props, new);
                if let Some(AdditionalProperties::Schema(extra)) = &o.additional_properties {
                    self.check_json(extra, &format!("{at}/additionalProperties"))?;
                }
            }
            SchemaKind::Any(any) => {
                let new = any
                    .properties
                    .iter()
                    .map(|(name, s)| Prop {
                        json_name: name,
                        schema: s,
                        required: any.required.contains(name),
                        pointer: pointer::push(&format!("{at}/properties"), name),
                    })
                    .collect();
                add(&mut props, new);
            }
            SchemaKind::Type(other) => {
                return Err(self.invalid(
                    at.into(),
                    Problem::WrongType(format!(
                        "expected an object schema, found a {}",
                        type_word(other)
                    )),
                ))
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {
                return Err(self.invalid(
                    at.into(),
                    Problem::Unsupported(
                        "`oneOf`/`anyOf`/`not` as a part of an object's `allOf`".into(),
                    ),
                ))
            }
        }
        Ok(props)
    }

    /// `additionalProperties` schemas are kept as JSON; only their references must resolve.
    fn check_json(&self, schema: &ReferenceOr<Schema>, at: &str) -> Result<(), Error> {
        if let ReferenceOr::Reference { reference } = schema {
            self.component_key(reference, at)?;
        }
        Ok(())
    }

    fn fields(&mut self, owner: &str, props: Vec<Prop<'a>>) -> Result<Vec<Field>, Error> {
        let mut scope = Scope::with_reserved(&[names::ADDITIONAL_PROPERTIES]);
        let mut fields = Vec::with_capacity(props.len());
        for prop in props {
            let is_odata_type = prop.json_name == "@odata.type";
            let (ty, nullable) = if is_odata_type {
                (TypeRef::String, true)
            } else {
                let hint = format!(
                    "{}{}",
                    self.names
                        .get(owner)
                        .cloned()
                        .unwrap_or_else(|| names::camel(owner)),
                    names::camel(prop.json_name)
                );
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
                is_odata_type,
            });
        }
        Ok(fields)
    }

    // ---- types of properties, bodies and responses -----------------------------------------

    fn boxed_type(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        at: &str,
        hint: &str,
        depth: usize,
    ) -> Result<(TypeRef, bool), Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_type(reference, at),
            ReferenceOr::Item(s) => self.inline_type(s, at, hint, depth),
        }
    }

    fn any_type(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        at: &str,
        hint: &str,
        depth: usize,
    ) -> Result<(TypeRef, bool), Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.ref_type(reference, at),
            ReferenceOr::Item(s) => self.inline_type(s, at, hint, depth),
        }
    }

    /// The type a `$ref` to a component names, and whether it may be null.
    fn ref_type(&mut self, reference: &str, at: &str) -> Result<(TypeRef, bool), Error> {
        let key = self.component_key(reference, at)?;
        match self.kinds[key] {
            Kind::Alias => self.alias_type(key, at, &mut Vec::new()),
            Kind::Enum => Ok((TypeRef::Named(self.names[key].clone()), false)),
            Kind::Object => Ok((TypeRef::Named(self.polymorphic(key)), false)),
        }
    }

    /// The name to use for a position typed as `key`: a union if types derive from it.
    fn polymorphic(&mut self, key: &str) -> String {
        let base = self.names[key].clone();
        let Some(derived) = self.derived.get(key).filter(|d| !d.is_empty()).cloned() else {
            return base;
        };
        let union = names::union_name(&base);
        if self.types.contains_key(&union) {
            return union;
        }
        let mut variants: Vec<Derived> = derived
            .iter()
            .filter(|k| self.kinds.get(k.as_str()) == Some(&Kind::Object))
            .filter_map(|k| {
                let odata_type = self.odata_type_value(k)?;
                let type_name = self.names[k.as_str()].clone();
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
            return base;
        }
        let union = self.scope.claim(union);
        let doc = format!(
            "A [`{base}`] or any type derived from it, chosen by `@odata.type` when read. \
             Unknown `@odata.type` values are read as the base type, which keeps their \
             properties."
        );
        self.insert(
            union.clone(),
            key.to_string(),
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
        key: &'a str,
        at: &str,
        seen: &mut Vec<&'a str>,
    ) -> Result<(TypeRef, bool), Error> {
        if seen.contains(&key) {
            seen.push(key);
            return Err(self.invalid(at.into(), Problem::Cycle(seen.join(" -> "))));
        }
        seen.push(key);
        let here = schema_pointer(key);
        match &self.schemas()[key] {
            ReferenceOr::Reference { reference } => {
                let target = self.component_key(reference, &here)?;
                match self.kinds[target] {
                    Kind::Alias => self.alias_type(target, &here, seen),
                    _ => self.ref_type(reference, &here),
                }
            }
            ReferenceOr::Item(s) => {
                let hint = names::camel(key);
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
        if depth > MAX_INLINE_DEPTH {
            return Err(self.invalid(at.into(), Problem::TooDeep(MAX_INLINE_DEPTH)));
        }
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Base64Url,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "base64url" => TypeRef::Base64Url,
                _ => TypeRef::String,
            },
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
                    self.check_json(extra, &format!("{at}/additionalProperties"))?;
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
                                self.component_key(reference, &format!("{at}/{word}/{i}"))?;
                            }
                        }
                        TypeRef::Json
                    }
                }
            }
            SchemaKind::Not { .. } => {
                return Err(self.invalid(
                    at.into(),
                    Problem::Unsupported("`not` schemas have no Rust type".into()),
                ))
            }
        };
        Ok((ty, nullable))
    }

    /// A struct for an inline object schema, named from `hint`.
    fn inline_struct(
        &mut self,
        schema: &'a Schema,
        at: &str,
        hint: &str,
        depth: usize,
    ) -> Result<String, Error> {
        let props = self.schema_props(schema, at, depth + 1)?;
        let fields = self.fields(hint, props)?;
        let def = StructDef {
            fields,
            odata_type: None,
            has_default: true,
        };
        // The same body at two paths (`/me/...` and `/users/{id}/...`) is one type.
        if let Some(existing) = self.types.get(hint) {
            if existing.kind == TypeKind::Struct(def.clone()) {
                return Ok(hint.to_string());
            }
        }
        let name = self.scope.claim(hint.to_string());
        let doc = doc_or(schema.schema_data.description.as_deref(), hint);
        self.insert(name.clone(), at.to_string(), doc, TypeKind::Struct(def));
        Ok(name)
    }

    // ---- operations --------------------------------------------------------------------------

    fn lower_operations(&mut self) -> Result<Vec<Operation>, Error> {
        let mut operations = Vec::new();
        let mut builders = Builders::default();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        // Sorted, so that which of two clashing accessors gets the fallback name is stable.
        let mut paths: Vec<(&'a String, &'a ReferenceOr<openapiv3::PathItem>)> =
            self.api.paths.paths.iter().collect();
        paths.sort_by(|a, b| a.0.cmp(b.0));
        for (path, item) in paths {
            let at = pointer::push("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(self.invalid(at, Problem::Unsupported("`$ref` path items".into())))
                }
            };
            for (method, op) in item.iter() {
                let op_at = pointer::push(&at, method);
                let operation = self.operation(path, method, op, &op_at, &mut builders)?;
                let chain = operation
                    .steps
                    .iter()
                    .map(|s| format!("{}({})", s.method, s.params.len()))
                    .chain([format!("{}({})", operation.name, operation.params.len())])
                    .collect::<Vec<_>>()
                    .join(".");
                let label = format!("{} {}", operation.method, operation.path);
                if let Some(first) = seen.insert(chain.clone(), label.clone()) {
                    return Err(self.invalid(
                        op_at,
                        Problem::DuplicateOperation {
                            first,
                            second: label,
                            name: chain,
                        },
                    ));
                }
                operations.push(operation);
            }
        }
        operations.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
        Ok(operations)
    }

    /// The tree of request builders the operations hang on; names each builder and tells each
    /// operation its builder.
    fn builder_tree(&mut self, operations: &mut [Operation]) -> Vec<Builder> {
        struct Draft {
            path: String,
            children: Vec<(Child, Vec<String>)>,
            operations: Vec<usize>,
        }
        let mut drafts: BTreeMap<Vec<String>, Draft> = BTreeMap::new();
        drafts.insert(
            Vec::new(),
            Draft {
                path: String::new(),
                children: Vec::new(),
                operations: Vec::new(),
            },
        );
        let mut placed: Vec<(usize, Vec<String>)> = Vec::new();
        for (index, op) in operations.iter().enumerate() {
            let mut node: Vec<String> = Vec::new();
            let mut path = String::new();
            for step in &op.steps {
                let parent = node.clone();
                node.push(step.method.clone());
                path = format!("{path}/{}", step.segment);
                drafts.entry(node.clone()).or_insert_with(|| Draft {
                    path: path.clone(),
                    children: Vec::new(),
                    operations: Vec::new(),
                });
                let children = &mut drafts.get_mut(&parent).expect("drafted above").children;
                if !children.iter().any(|(c, _)| c.method == step.method) {
                    children.push((
                        Child {
                            method: step.method.clone(),
                            pieces: parse_template(&step.segment),
                            params: step.params.clone(),
                            builder: String::new(),
                        },
                        node.clone(),
                    ));
                }
            }
            drafts
                .get_mut(&node)
                .expect("drafted above")
                .operations
                .push(index);
            placed.push((index, node));
        }
        let names: BTreeMap<Vec<String>, String> = drafts
            .keys()
            .map(|node| {
                let name = if node.is_empty() {
                    names::ROOT_BUILDER.to_string()
                } else {
                    names::builder_name(node)
                };
                (node.clone(), self.scope.claim(name))
            })
            .collect();
        for (index, node) in placed {
            operations[index].builder = names[&node].clone();
        }
        let mut builders: Vec<Builder> = drafts
            .into_iter()
            .map(|(node, d)| Builder {
                name: names[&node].clone(),
                path: d.path,
                children: d
                    .children
                    .into_iter()
                    .map(|(mut c, child)| {
                        c.builder = names[&child].clone();
                        c
                    })
                    .collect(),
                operations: d.operations,
            })
            .collect();
        builders.sort_by(|a, b| {
            (a.name != names::ROOT_BUILDER, &a.name).cmp(&(b.name != names::ROOT_BUILDER, &b.name))
        });
        builders
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        op: &'a openapiv3::Operation,
        at: &str,
        builders: &mut Builders,
    ) -> Result<Operation, Error> {
        let segments = parse_template(path);
        let pieces: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let kind = op
            .extensions
            .get("x-ms-docs-operation-type")
            .and_then(|v| v.as_str());
        let last_is_action = pieces.last().is_some_and(|last| {
            !is_param(last)
                && (matches!(kind, Some("action" | "function"))
                    || last.starts_with(names::GRAPH_NAMESPACE))
        });
        let navigation_end = if last_is_action {
            pieces.len() - 1
        } else {
            pieces.len()
        };
        let mut steps: Vec<Step> = Vec::new();
        let mut i = 0;
        while i < navigation_end {
            let piece = pieces[i];
            let (wanted, text, params) = if is_param(piece) {
                // A parameter with no collection before it.
                (String::from("item"), piece.to_string(), params_of(piece))
            } else if i + 1 < navigation_end && is_param(pieces[i + 1]) {
                let text = format!("{piece}/{}", pieces[i + 1]);
                i += 1;
                (names::item_accessor(piece), text, params_of(pieces[i]))
            } else {
                let (name, params) = piece_method(piece);
                (name, piece.to_string(), params)
            };
            i += 1;
            let node: Vec<String> = steps.iter().map(|s| s.method.clone()).collect();
            let name = builders.claim(node, wanted, &text, params.len(), piece);
            steps.push(Step {
                method: name,
                segment: text,
                params,
            });
        }
        let ends_with_item = pieces.last().is_some_and(|p| is_param(p));
        let tail = if last_is_action {
            parse_template(pieces.last().copied().unwrap_or_default())
        } else {
            Vec::new()
        };
        let (name, params) = if last_is_action {
            piece_method(pieces.last().copied().unwrap_or_default())
        } else {
            let name = match (method, ends_with_item) {
                ("post", _) => "create".to_string(),
                ("get", true) => "get".to_string(),
                ("get", false) => "list".to_string(),
                ("patch", _) => "update".to_string(),
                ("put", _) => "replace".to_string(),
                ("delete", _) => "delete".to_string(),
                (other, _) => names::snake(other),
            };
            (name, Vec::new())
        };
        let body = match &op.request_body {
            None => None,
            Some(body) => {
                let body_at = format!("{at}/requestBody");
                let (body, body_at) = match body {
                    ReferenceOr::Item(b) => (b, body_at),
                    ReferenceOr::Reference { reference } => {
                        let b = self.component_body(reference, &body_at)?;
                        (b, reference.clone())
                    }
                };
                match json_schema(&body.content) {
                    Some((media, schema)) => {
                        let hint = names::request_body_name(&name);
                        let (ty, _) = self.any_type(
                            schema,
                            &format!(
                                "{}/schema",
                                pointer::push(&format!("{body_at}/content"), media)
                            ),
                            &hint,
                            0,
                        )?;
                        Some(Body {
                            ty,
                            required: body.required,
                            validate: body.extensions.get("x-graph-meetings-validate")
                                == Some(&serde_json::Value::Bool(true)),
                        })
                    }
                    None => None,
                }
            }
        };
        let mut responses = Vec::new();
        let mut error = None;
        let codes: Vec<(String, &'a ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (code.to_string(), r))
            .chain(
                op.responses
                    .default
                    .iter()
                    .map(|r| ("default".to_string(), r)),
            )
            .collect();
        for (code, response) in codes {
            let r_at = pointer::push(&format!("{at}/responses"), &code);
            let (response, r_at) = match response {
                ReferenceOr::Item(r) => (r, r_at),
                ReferenceOr::Reference { reference } => (
                    self.component_response(reference, &r_at)?,
                    reference.clone(),
                ),
            };
            let ty = match json_schema(&response.content) {
                Some((media, schema)) => Some(
                    self.any_type(
                        schema,
                        &format!(
                            "{}/schema",
                            pointer::push(&format!("{r_at}/content"), media)
                        ),
                        &format!("{}Response", names::camel(&name)),
                        0,
                    )?
                    .0,
                ),
                None => None,
            };
            let (status, range) = match code.as_bytes() {
                [d @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => (u16::from(d - b'0') * 100, true),
                _ => match code.parse::<u16>() {
                    Ok(n) => (n, false),
                    Err(_) => (0, true),
                },
            };
            if (200..300).contains(&status) {
                let variant = response
                    .extensions
                    .get("x-graph-meetings-variant")
                    .and_then(|v| v.as_str())
                    .map(names::camel)
                    .unwrap_or_else(|| names::status_variant(status, range));
                responses.push(Response {
                    status,
                    range,
                    doc: response.description.clone(),
                    ty,
                    variant,
                });
            } else if status >= 400 || code == "default" {
                error = error.or(ty);
            }
        }
        let mut doc = String::new();
        for part in [&op.summary, &op.description].into_iter().flatten() {
            if !part.trim().is_empty() {
                if !doc.is_empty() {
                    doc.push_str("\n\n");
                }
                doc.push_str(part.trim());
            }
        }
        if doc.is_empty() {
            doc = format!("`{} {}`", method.to_uppercase(), path);
        }
        let deprecated = op.deprecated.then(|| {
            op.extensions
                .get("x-ms-deprecation")
                .map(|d| {
                    let field =
                        |k: &str| d.get(k).and_then(|v| v.as_str()).unwrap_or("?").to_string();
                    format!(
                        "Deprecated since {}; Graph removes it on {}. {}",
                        field("date"),
                        field("removalDate"),
                        field("description")
                    )
                })
                .unwrap_or_else(|| "Deprecated.".into())
        });
        let idempotent = matches!(method, "get" | "put" | "delete" | "head" | "options")
            || op.extensions.get("x-graph-meetings-idempotent")
                == Some(&serde_json::Value::Bool(true));
        let typed = responses.iter().filter(|r| r.ty.is_some()).count();
        let outcome = (typed > 1).then(|| {
            // `/me/...` and `/users/{id}/...` with the same responses share one enum.
            let signature = format!("{responses:?}");
            let wanted = names::outcome_name(&name);
            match self.outcomes.get(&(wanted.clone(), signature.clone())) {
                Some(existing) => existing.clone(),
                None => {
                    let claimed = self.scope.claim(wanted.clone());
                    self.outcomes.insert((wanted, signature), claimed.clone());
                    claimed
                }
            }
        });
        Ok(Operation {
            idempotent,
            outcome,
            builder: String::new(),
            method: method.to_uppercase(),
            path: path.to_string(),
            segments,
            steps,
            name,
            params,
            tail,
            doc,
            operation_id: op.operation_id.clone(),
            body,
            responses,
            error,
            deprecated,
        })
    }

    fn component_body(
        &self,
        reference: &str,
        at: &str,
    ) -> Result<&'a openapiv3::RequestBody, Error> {
        let tokens = pointer::tokens(reference);
        let found = match (tokens.as_slice(), &self.api.components) {
            ([c, r, key], Some(components)) if c == "components" && r == "requestBodies" => {
                match components.request_bodies.get(key) {
                    Some(ReferenceOr::Item(b)) => Some(b),
                    _ => None,
                }
            }
            _ => None,
        };
        found.ok_or_else(|| self.invalid(at.into(), Problem::UnresolvedRef(reference.into())))
    }

    fn component_response(
        &self,
        reference: &str,
        at: &str,
    ) -> Result<&'a openapiv3::Response, Error> {
        let tokens = pointer::tokens(reference);
        let found = match (tokens.as_slice(), &self.api.components) {
            ([c, r, key], Some(components)) if c == "components" && r == "responses" => {
                match components.responses.get(key) {
                    Some(ReferenceOr::Item(b)) => Some(b),
                    _ => None,
                }
            }
            _ => None,
        };
        found.ok_or_else(|| self.invalid(at.into(), Problem::UnresolvedRef(reference.into())))
    }

    // ---- whole-model passes ----------------------------------------------------------------

    /// Boxes every field whose type leads back to the struct that holds it without passing
    /// through a `Vec`, so that recursive types have a size.
    fn box_recursive_fields(&mut self) {
        let edges: BTreeMap<String, BTreeSet<String>> = self
            .types
            .iter()
            .map(|(name, def)| {
                let targets = match &def.kind {
                    TypeKind::Struct(s) => s
                        .fields
                        .iter()
                        .filter_map(|f| direct_named(&f.ty))
                        .map(str::to_string)
                        .collect(),
                    TypeKind::Union(u) => std::iter::once(u.base.clone())
                        .chain(u.derived.iter().map(|d| d.type_name.clone()))
                        .collect(),
                    TypeKind::Enum(_) => BTreeSet::new(),
                };
                (name.clone(), targets)
            })
            .collect();
        let reaches = |from: &str, to: &str| -> bool {
            let mut stack = vec![from.to_string()];
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone()) {
                    stack.extend(edges.get(&n).into_iter().flatten().cloned());
                }
            }
            false
        };
        for (name, def) in self.types.iter_mut() {
            if let TypeKind::Struct(s) = &mut def.kind {
                for f in &mut s.fields {
                    if let Some(target) = direct_named(&f.ty) {
                        f.boxed = reaches(target, name);
                    }
                }
            }
        }
    }

    /// Decides which structs can derive `Default`: those whose required fields all have one.
    fn settle_defaults(&mut self) {
        loop {
            let without: BTreeSet<String> = self
                .types
                .iter()
                .filter(|(_, d)| match &d.kind {
                    TypeKind::Struct(s) => !s.has_default,
                    _ => true,
                })
                .map(|(n, _)| n.clone())
                .collect();
            let mut changed = false;
            for def in self.types.values_mut() {
                if let TypeKind::Struct(s) = &mut def.kind {
                    let ok = s
                        .fields
                        .iter()
                        .all(|f| f.optional || has_default(&f.ty, &without));
                    if s.has_default && !ok {
                        s.has_default = false;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }
}

fn has_default(ty: &TypeRef, without: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::DateTime | TypeRef::Date => false,
        TypeRef::Named(n) => !without.contains(n),
        _ => true,
    }
}

/// The named type a field holds by value (not through a `Vec`), if any.
fn direct_named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) => Some(n),
        TypeRef::Nullable(inner) => direct_named(inner),
        _ => None,
    }
}

/// The accessors handed out so far, per builder, so that two path shapes never get one name
/// (`calendar` and `calendars/{calendar-id}` at the same place).
#[derive(Default)]
struct Builders {
    methods: BTreeMap<(Vec<String>, String), (String, usize)>,
}

impl Builders {
    /// `wanted` for the step `text` under `node`, or a fallback if another shape has it.
    fn claim(
        &mut self,
        node: Vec<String>,
        wanted: String,
        text: &str,
        arity: usize,
        piece: &str,
    ) -> String {
        let shape = (shape_of(text), arity);
        let mut name = wanted;
        let mut fallback = 1;
        loop {
            match self.methods.get(&(node.clone(), name.clone())) {
                None => {
                    self.methods.insert((node, name.clone()), shape);
                    return name;
                }
                Some(existing) if *existing == shape => return name,
                Some(_) => {
                    name = names::item_fallback(piece, fallback);
                    fallback += 1;
                }
            }
        }
    }
}

/// A step's text with parameter names blanked, so `users/{user-id}` and `users/{id}` match.
fn shape_of(text: &str) -> String {
    parse_template(text)
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.as_str(),
            Segment::Param { .. } => "{}",
        })
        .collect()
}

/// The parameters written inside a piece (`{user-id}`, `f(a='{a}')`).
fn params_of(piece: &str) -> Vec<Param> {
    parse_template(piece)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Param { json_name, name } => Some(Param { json_name, name }),
            Segment::Literal(_) => None,
        })
        .collect()
}

/// The method for a literal piece: `onlineMeetings` -> `online_meetings`,
/// `microsoft.graph.delta()` -> `delta`, `onlineMeetings(joinWebUrl='{joinWebUrl}')` ->
/// `online_meetings_with_join_web_url` taking `join_web_url`.
fn piece_method(piece: &str) -> (String, Vec<Param>) {
    let params = params_of(piece);
    let base = names::action_method(piece.split('(').next().unwrap_or(piece));
    if params.is_empty() {
        return (base, params);
    }
    let with: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    (format!("{base}_with_{}", with.join("_and_")), params)
}

fn is_param(piece: &str) -> bool {
    piece.starts_with('{')
        && piece.ends_with('}')
        && piece[1..piece.len() - 1]
            .chars()
            .all(|c| c != '{' && c != '}')
}

/// Splits a path template into literal text and `{parameters}`.
fn parse_template(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push(Segment::Literal(rest[..open].to_string()));
        }
        let name = &rest[open + 1..open + close];
        out.push(Segment::Param {
            json_name: name.to_string(),
            name: names::snake(name),
        });
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push(Segment::Literal(rest.to_string()));
    }
    out
}

/// The JSON schema of a content map: `application/json` first, then any `+json` or `*/*`.
fn json_schema(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, &ReferenceOr<Schema>)> {
    let pick = |pred: &dyn Fn(&str) -> bool| {
        content
            .iter()
            .find(|(m, t)| pred(m) && t.schema.is_some())
            .map(|(m, t)| (m.as_str(), t.schema.as_ref().expect("checked above")))
    };
    pick(&|m| m.starts_with("application/json"))
        .or_else(|| pick(&|m| m.ends_with("+json")))
        .or_else(|| pick(&|m| m == "*/*"))
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

fn doc_or(description: Option<&str>, origin: &str) -> String {
    match description.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => d.to_string(),
        None => format!("`{origin}` (the spec gives no description)."),
    }
}

fn type_word(t: &Type) -> &'static str {
    match t {
        Type::String(_) => "string",
        Type::Number(_) => "number",
        Type::Integer(_) => "integer",
        Type::Object(_) => "object",
        Type::Array(_) => "array",
        Type::Boolean(_) => "boolean",
    }
}
