//! The intermediate representation: what the generated Rust will contain, with every name
//! decided. `lower` builds it from a spec; `emit` turns it into tokens. Nothing in here knows
//! about OpenAPI, and nothing in `emit` looks at the spec.

/// One API description, lowered.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Where it came from, as the generated header names it (a path relative to the workspace).
    pub source: String,
    /// `info.title`.
    pub title: String,
    /// `info.version` (`v1.0`, `beta`).
    pub version: String,
    /// The base URL of `servers[0]`, if any, without a trailing `/`.
    pub base_url: Option<String>,
    /// Every type, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Every operation, sorted by path, then method.
    pub operations: Vec<Operation>,
    /// The request builders, the root (`Requests`) first, then sorted by name.
    pub builders: Vec<Builder>,
}

/// One request builder: a place in the URL tree, with the steps and operations under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Builder {
    /// The Rust name (`MeOnlineMeetingsBuilder`).
    pub name: String,
    /// The path template it stands for (`/me/onlineMeetings`), for docs.
    pub path: String,
    /// Steps to the builders below it.
    pub children: Vec<Child>,
    /// Indexes into [`Api::operations`] of the operations it starts.
    pub operations: Vec<usize>,
}

/// A step from one builder to the next.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    /// The method (`me`, `user`, `online_meetings`).
    pub method: String,
    /// The path text it appends after a `/`: literals and parameters.
    pub pieces: Vec<Segment>,
    /// The parameters the method takes, in path order.
    pub params: Vec<Param>,
    /// The builder it returns.
    pub builder: String,
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name.
    pub name: String,
    /// Where it came from (`microsoft.graph.onlineMeeting`, or an operation for inline bodies).
    pub origin: String,
    /// Documentation, from the spec's description (or a fallback that says what the type is).
    pub doc: String,
    /// What kind of type.
    pub kind: TypeKind,
}

/// The kinds of generated types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object: a struct with named fields and a map of every other property.
    Struct(StructDef),
    /// A string enum that keeps unknown members.
    Enum(EnumDef),
    /// A base type or any of its derived types, chosen by `@odata.type`.
    Union(UnionDef),
}

/// An object schema, with inherited properties flattened in.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Fields, base type's first, each in document order.
    pub fields: Vec<Field>,
    /// Whether every field has a default, so that the struct can derive `Default`.
    pub has_default: bool,
}

/// One property of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust name.
    pub name: String,
    /// The JSON name.
    pub json_name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// The value's type, not counting optionality.
    pub ty: TypeRef,
    /// `Option<..>`: the property is not required, or may be `null`.
    pub optional: bool,
    /// Boxed: the field holds a model by value (see `lower::passes::box_model_fields`).
    pub boxed: bool,
    /// A PATCH body's field: `crate::types::Update<..>` (unchanged, cleared with `null`, or
    /// set), instead of `Option`.
    pub update: bool,
    /// The `@odata.type` annotation.
    pub is_odata_type: bool,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The members, in document order.
    pub variants: Vec<Variant>,
    /// The name of the variant that holds any other value.
    pub other: String,
}

/// One enum member.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The Rust name.
    pub name: String,
    /// The JSON value.
    pub value: String,
}

/// A polymorphic position: the base type, or one of the types derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// The base type's Rust name; also the fallback for unknown `@odata.type` values.
    pub base: String,
    /// Derived types, sorted by `@odata.type` value.
    pub derived: Vec<Derived>,
}

/// One derived type of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// The variant's name (the derived type's Rust name).
    pub variant: String,
    /// The `@odata.type` value that selects it.
    pub odata_type: String,
    /// The Rust type it holds.
    pub type_name: String,
}

/// A reference to a type, as a field, body or response uses it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `bool`.
    Bool,
    /// A sized integer or float.
    Number(Number),
    /// `String`.
    String,
    /// An RFC 3339 date-time that keeps its offset, precision and spelling.
    DateTime,
    /// A calendar date (`2024-01-31`).
    Date,
    /// base64url-encoded bytes, kept as sent.
    Base64Url,
    /// Any JSON value.
    Json,
    /// A generated type, by Rust name.
    Named(String),
    /// A JSON array.
    List(Box<TypeRef>),
    /// A value that may be `null` (inside a list: `Vec<Option<T>>`).
    Nullable(Box<TypeRef>),
}

impl Number {
    /// Whether it is an integer type.
    pub fn is_integer(self) -> bool {
        !matches!(self, Number::F32 | Number::F64)
    }
}

/// Rust's numeric types, as OpenAPI formats map to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Number {
    /// `int8`.
    I8,
    /// `uint8`.
    U8,
    /// `int16`.
    I16,
    /// `int32`.
    I32,
    /// `int64` and integers without a format.
    I64,
    /// `float`.
    F32,
    /// `double`, `decimal` and numbers without a format.
    F64,
}

/// One HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template as the spec writes it.
    pub path: String,
    /// How a user reaches the operation: `me().online_meetings()` then `name`.
    pub steps: Vec<Step>,
    /// The method that starts the request (`create`, `create_or_get`).
    pub name: String,
    /// Parameters of the method itself (a function's `(name='{value}')` arguments).
    pub params: Vec<Param>,
    /// The path the method itself appends after its builder's (an action's `/createOrGet`):
    /// literals and parameters; empty for operations on the builder's own path.
    pub tail: Vec<Segment>,
    /// Documentation: summary and description.
    pub doc: String,
    /// The request body, if any.
    pub body: Option<Body>,
    /// Success responses, by status.
    pub responses: Vec<Response>,
    /// A deprecation note, if the operation is deprecated.
    pub deprecated: Option<String>,
    /// Whether sending it twice has the effect of sending it once (GET, PUT, DELETE, or an
    /// operation marked `x-graph-meetings-idempotent: true`), so that it may be retried after a
    /// fault that leaves its fate unknown.
    pub idempotent: bool,
    /// The enum of outcomes, when more than one success status has a body type.
    pub outcome: Option<String>,
    /// What a success answers with, which decides the request's output type.
    pub output: Output,
    /// Query parameters, in spec order (those a function's aliases take are in `function`).
    pub query: Vec<RequestOption>,
    /// Header parameters, in spec order.
    pub headers: Vec<RequestOption>,
    /// A function call in the last segment, its arguments filled in per request.
    pub function: Option<Function>,
    /// The type of the request with its options (query, header and function parameters), when
    /// it has any; operations without options return `crate::request::Request` itself.
    pub options_type: Option<String>,
    /// The builder it hangs on.
    pub builder: String,
}

/// What an operation's success answers with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Output {
    /// One JSON value of this type.
    Json(TypeRef),
    /// One of several statuses with bodies: the outcome enum (`Operation::outcome`).
    Outcome(String),
    /// One page of a collection of this item type (`value`, `@odata.nextLink`,
    /// `@odata.deltaLink`, `@odata.count`).
    Page(TypeRef),
    /// `$count`: an integer in plain text.
    Count,
    /// Bytes of any content type (a recording, a transcript): a download.
    Content,
    /// No body.
    Empty,
}

/// A query or header parameter, or a function argument: a method of the request's options.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RequestOption {
    /// The name sent (`$top`, `If-Match`, `startDateTime`).
    pub json_name: String,
    /// The Rust method or argument name (`top`, `if_match`, `start_date_time`).
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// The value's type.
    pub ty: OptionType,
    /// Whether the spec requires it: then it is an argument of the operation's method.
    pub required: bool,
}

/// The type of a parameter value, and how it is written in a URL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum OptionType {
    /// `true`/`false`.
    Bool,
    /// An integer.
    Integer,
    /// Text.
    String,
    /// An RFC 3339 date-time.
    DateTime,
    /// A comma-separated list of text values (`$select=id,subject`).
    List,
    /// A comma-separated list of a generated string enum's values, by its Rust name (where the
    /// spec enumerates the items: `$select`, `$orderby` in Graph's own description).
    EnumList(String),
    /// A value of a generated string enum, by its Rust name.
    Enum(String),
}

/// A function call segment whose arguments are given per request
/// (`getAllTranscripts(meetingOrganizerUserId='x',startDateTime=2026-01-01T00:00:00Z)`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Function {
    /// The function's name as the segment writes it.
    pub name: String,
    /// Its arguments, in the segment's order.
    pub args: Vec<FunctionArg>,
}

/// One function argument.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FunctionArg {
    /// The parameter: name, type, docs. Optional arguments are left out of the segment when
    /// not given.
    pub param: RequestOption,
    /// Whether the literal is quoted (`name='value'`): strings are, date-times are not.
    pub quoted: bool,
}

/// One piece of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text.
    Literal(String),
    /// A parameter, percent-encoded as one segment when filled in.
    Param {
        /// The name in the template (`user-id`).
        json_name: String,
        /// The Rust argument name (`user_id`).
        name: String,
    },
}

/// A step of the builder chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The method (`me`, `user`, `online_meetings`).
    pub method: String,
    /// The path text it adds, parameters included (`users/{user-id}`).
    pub segment: String,
    /// The parameters it takes (`user(user_id)`), in path order.
    pub params: Vec<Param>,
}

/// A path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The name in the template (`user-id`).
    pub json_name: String,
    /// The Rust argument name (`user_id`).
    pub name: String,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A JSON value.
    Json {
        /// The type sent.
        ty: TypeRef,
        /// Whether the runtime checks it before sending (`x-graph-meetings-validate: true`):
        /// the type implements `crate::request::Validate` by hand.
        validate: bool,
    },
    /// Bytes, sent as `application/octet-stream` (an upload of content).
    Bytes,
}

/// One success response.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Response {
    /// The status code; `2XX`-style ranges are kept as their first code's hundred (200).
    pub status: u16,
    /// Whether the spec gave a range (`2XX`) rather than a code.
    pub range: bool,
    /// What the response means.
    pub doc: String,
    /// The body's type, if there is one.
    pub ty: Option<TypeRef>,
    /// The outcome variant's name (`x-graph-meetings-variant`, or the status's reason phrase),
    /// unique among the operation's responses.
    pub variant: String,
    /// The outcome's predicate for this variant (`is_created`).
    pub predicate: String,
}
