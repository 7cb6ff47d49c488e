//! Parameters: query and header parameters become the methods of a request's options, and the
//! parameters a function segment names by alias (`startDateTime=@startDateTime`) become its
//! arguments, substituted into the segment, never sent unresolved.

use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::index::Kind;
use super::paths::AliasCall;
use super::types::TypeSpace;
use crate::error::{Error, Problem};
use crate::ir::{Function, FunctionArg, OptionType, RequestOption};
use crate::names::{self, Scope};

/// An operation's options.
#[derive(Default)]
pub struct Options {
    pub query: Vec<RequestOption>,
    pub headers: Vec<RequestOption>,
    pub function: Option<Function>,
}

/// The options of an operation: `params` are the path item's then the operation's parameters,
/// each with its pointer (a later one with the same name and place overrides an earlier one);
/// `enum_hint` names enums made for enumerated values; `taken` are the names the operation's
/// method already uses (path parameters, `body`).
pub fn lower<'a>(
    types: &mut TypeSpace<'_, 'a>,
    params: Vec<(&'a ReferenceOr<Parameter>, String)>,
    alias_call: Option<&AliasCall>,
    enum_hint: &str,
    taken: &[&str],
) -> Result<Options, Error> {
    let mut resolved: Vec<(&'a Parameter, String)> = Vec::new();
    for (param, at) in params {
        let (param, at) = types
            .index
            .item_or_component(param, at, "parameters", |c| &c.parameters)?;
        let data = param.parameter_data_ref();
        resolved.retain(|(p, _)| {
            let d = p.parameter_data_ref();
            !(d.name == data.name && std::mem::discriminant(*p) == std::mem::discriminant(param))
        });
        resolved.push((param, at));
    }
    let mut scope = Scope::with_reserved(&[names::INTO_REQUEST]);
    for name in taken {
        scope.claim(name.to_string());
    }
    let mut options = Options::default();
    let mut args: Vec<(String, FunctionArg)> = Vec::new();
    for (param, at) in resolved {
        let data = param.parameter_data_ref();
        let alias = alias_call.and_then(|c| c.args.iter().find(|a| a.alias == data.name));
        let place = match param {
            Parameter::Path { .. } => continue,
            Parameter::Query { .. } => "query",
            Parameter::Header { .. } => "header",
            Parameter::Cookie { .. } => {
                return Err(types
                    .index
                    .invalid(at, Problem::Unsupported("cookie parameters".into())))
            }
        };
        if place == "header"
            && ["accept", "content-type", "authorization"]
                .contains(&data.name.to_ascii_lowercase().as_str())
        {
            continue; // OpenAPI says these are ignored: the runtime sets them
        }
        let hint = names::option_enum(enum_hint, &data.name);
        let ty = option_type(types, data, &at, &hint)?;
        let option = RequestOption {
            json_name: data.name.clone(),
            name: scope.claim(names::option_method(&data.name)),
            doc: data.description.clone().filter(|d| !d.trim().is_empty()),
            ty,
            required: data.required,
        };
        match (place, alias) {
            ("query", Some(alias)) => args.push((
                alias.name.clone(),
                FunctionArg {
                    param: option,
                    quoted: alias.quoted,
                },
            )),
            ("query", None) => options.query.push(option),
            _ => options.headers.push(option),
        }
    }
    if let Some(call) = alias_call {
        let mut ordered = Vec::new();
        for arg in &call.args {
            match args.iter().position(|(name, _)| *name == arg.name) {
                Some(i) => ordered.push(args.remove(i).1),
                None => {
                    return Err(types.index.invalid(
                        call.pointer.clone(),
                        Problem::Unsupported(format!(
                            "the function argument `{}` names the alias `@{}`, which no query \
                             parameter of the operation declares",
                            arg.name, arg.alias
                        )),
                    ))
                }
            }
        }
        options.function = Some(Function {
            name: call.name.clone(),
            args: ordered,
        });
    }
    Ok(options)
}

/// The type of a parameter's value.
fn option_type(
    types: &mut TypeSpace,
    data: &ParameterData,
    at: &str,
    hint: &str,
) -> Result<OptionType, Error> {
    let index = types.index;
    let schema_at = format!("{at}/schema");
    let schema: &Schema = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => s,
        ParameterSchemaOrContent::Schema(ReferenceOr::Reference { reference }) => {
            let id = index.resolve(reference, &schema_at)?;
            match (index.entry(id).kind, index.entry(id).schema) {
                (Kind::Enum, _) => return Ok(OptionType::Enum(index.name(id).to_string())),
                (_, ReferenceOr::Item(s)) => s,
                (_, ReferenceOr::Reference { .. }) => {
                    return Err(index.invalid(
                        schema_at,
                        Problem::Unsupported("a parameter typed by a chain of `$ref`s".into()),
                    ))
                }
            }
        }
        ParameterSchemaOrContent::Content(_) => {
            return Err(index.invalid(
                at.into(),
                Problem::Unsupported("parameters described by `content`".into()),
            ))
        }
    };
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::Boolean(_)) => OptionType::Bool,
        SchemaKind::Type(Type::Integer(_)) => OptionType::Integer,
        SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
            let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
            OptionType::Enum(types.option_enum(hint, &values, schema_at))
        }
        SchemaKind::Type(Type::String(s)) => match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => OptionType::DateTime,
            _ => OptionType::String,
        },
        SchemaKind::Type(Type::Array(a)) => match a.items.as_ref() {
            Some(ReferenceOr::Item(item)) => match &item.schema_kind {
                SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                    let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                    OptionType::EnumList(types.option_enum(
                        hint,
                        &values,
                        format!("{schema_at}/items"),
                    ))
                }
                _ => OptionType::List,
            },
            Some(ReferenceOr::Reference { reference }) => {
                let id = index.resolve(reference, &format!("{schema_at}/items"))?;
                match index.entry(id).kind {
                    Kind::Enum => OptionType::EnumList(index.name(id).to_string()),
                    _ => OptionType::List,
                }
            }
            None => OptionType::List,
        },
        _ => {
            return Err(index.invalid(
                schema_at,
                Problem::Unsupported(
                    "a parameter that is not a boolean, integer, string or array".into(),
                ),
            ))
        }
    })
}
