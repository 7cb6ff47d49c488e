//! Inheritance: the properties of an object schema with its `allOf` chain flattened, base
//! types' properties first, each in document order.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

use super::index::{schema_pointer, Kind, SchemaId, SchemaIndex};
use crate::error::{Error, Problem};
use crate::pointer;

/// How deep inline schemas may nest inside one property before the spec is refused.
pub const MAX_INLINE_DEPTH: usize = 32;

/// A property on its way to becoming a field.
pub struct Prop<'a> {
    pub json_name: &'a str,
    pub schema: &'a ReferenceOr<Box<Schema>>,
    pub required: bool,
    pub pointer: String,
}

/// Every property of the component `id`, inherited ones first. `via` is the node that led
/// here (the `$ref`, or the schema itself), where a cycle is reported.
pub fn component_props<'a>(
    index: &SchemaIndex<'a>,
    id: SchemaId,
    via: &str,
) -> Result<Vec<Prop<'a>>, Error> {
    Flattener {
        index,
        stack: Vec::new(),
    }
    .flatten(id, via)
}

/// The properties of an inline object schema at `at`, `depth` levels inside a property.
pub fn inline_props<'a>(
    index: &SchemaIndex<'a>,
    schema: &'a Schema,
    at: &str,
    depth: usize,
) -> Result<Vec<Prop<'a>>, Error> {
    Flattener {
        index,
        stack: Vec::new(),
    }
    .schema_props(schema, at, depth)
}

/// `additionalProperties` schemas are kept as JSON; only their references must resolve.
pub fn check_json(
    index: &SchemaIndex,
    schema: &ReferenceOr<Schema>,
    at: &str,
) -> Result<(), Error> {
    if let ReferenceOr::Reference { reference } = schema {
        index.resolve(reference, at)?;
    }
    Ok(())
}

struct Flattener<'i, 'a> {
    index: &'i SchemaIndex<'a>,
    /// Schemas being flattened, to detect `allOf` cycles.
    stack: Vec<SchemaId>,
}

impl<'a> Flattener<'_, 'a> {
    fn flatten(&mut self, id: SchemaId, via: &str) -> Result<Vec<Prop<'a>>, Error> {
        let index = self.index;
        if let Some(start) = self.stack.iter().position(|k| *k == id) {
            let chain: Vec<&str> = self.stack[start..]
                .iter()
                .chain([&id])
                .map(|k| index.entry(*k).key)
                .collect();
            return Err(index.invalid(via.into(), Problem::Cycle(chain.join(" -> "))));
        }
        self.stack.push(id);
        let entry = index.entry(id);
        let here = schema_pointer(entry.key);
        let result = match entry.schema {
            ReferenceOr::Item(s) => self.schema_props(s, &here, 0),
            ReferenceOr::Reference { reference } => {
                let target = index.resolve(reference, &here)?;
                self.flatten(target, &here)
            }
        };
        self.stack.pop();
        result
    }

    fn schema_props(
        &mut self,
        schema: &'a Schema,
        at: &str,
        depth: usize,
    ) -> Result<Vec<Prop<'a>>, Error> {
        let index = self.index;
        if depth > MAX_INLINE_DEPTH {
            return Err(index.invalid(at.into(), Problem::TooDeep(MAX_INLINE_DEPTH)));
        }
        let mut props: Vec<Prop<'a>> = Vec::new();
        match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => {
                for (i, part) in all_of.iter().enumerate() {
                    let part_at = format!("{at}/allOf/{i}");
                    let new = match part {
                        ReferenceOr::Reference { reference } => {
                            let id = index.resolve(reference, &part_at)?;
                            if index.entry(id).kind == Kind::Enum {
                                return Err(index.invalid(
                                    part_at,
                                    Problem::WrongType(format!(
                                        "`allOf` part '{reference}' is an enum, not an object"
                                    )),
                                ));
                            }
                            self.flatten(id, &part_at)?
                        }
                        ReferenceOr::Item(s) => self.schema_props(s, &part_at, depth + 1)?,
                    };
                    merge(&mut props, new);
                }
            }
            SchemaKind::Type(Type::Object(o)) => {
                merge(&mut props, declared(&o.properties, &o.required, at));
                if let Some(AdditionalProperties::Schema(extra)) = &o.additional_properties {
                    check_json(index, extra, &format!("{at}/additionalProperties"))?;
                }
            }
            SchemaKind::Any(any) => {
                merge(&mut props, declared(&any.properties, &any.required, at));
            }
            SchemaKind::Type(other) => {
                return Err(index.invalid(
                    at.into(),
                    Problem::WrongType(format!(
                        "expected an object schema, found a {}",
                        type_word(other)
                    )),
                ))
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {
                return Err(index.invalid(
                    at.into(),
                    Problem::Unsupported(
                        "`oneOf`/`anyOf`/`not` as a part of an object's `allOf`".into(),
                    ),
                ))
            }
        }
        Ok(props)
    }
}

fn declared<'a>(
    properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &[String],
    at: &str,
) -> Vec<Prop<'a>> {
    properties
        .iter()
        .map(|(name, s)| Prop {
            json_name: name,
            schema: s,
            required: required.contains(name),
            pointer: pointer::push(&format!("{at}/properties"), name),
        })
        .collect()
}

/// A redeclared property keeps its place and takes the later definition.
fn merge<'a>(props: &mut Vec<Prop<'a>>, new: Vec<Prop<'a>>) {
    for p in new {
        match props.iter_mut().find(|q| q.json_name == p.json_name) {
            Some(q) => *q = p,
            None => props.push(p),
        }
    }
}

pub fn type_word(t: &Type) -> &'static str {
    match t {
        Type::String(_) => "string",
        Type::Number(_) => "number",
        Type::Integer(_) => "integer",
        Type::Object(_) => "object",
        Type::Array(_) => "array",
        Type::Boolean(_) => "boolean",
    }
}
