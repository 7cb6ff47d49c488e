//! Stage 3: IR -> tokens. Each function builds one small piece; none looks at the spec, and none
//! decides a name (names come from the IR). Generated code names std and serde items by full
//! path, so a schema called `Option` or `String` cannot shadow them, and reaches the crate's
//! runtime through `crate::types`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::*;

/// An identifier; raw if the name is a keyword (names are chosen so that this never happens,
/// but an identifier that does not parse must not panic).
fn ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name).unwrap_or_else(|_| Ident::new_raw(name, Span::call_site()))
}

/// `#[doc = "..."]` lines from free text: one attribute per line, each with a leading space.
fn doc(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|line| {
        let line = format!(" {}", line.trim_end());
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// A piece of the models file: the types in `range`; the first piece also carries the file's
/// inner attributes. Pieces rendered one by one and concatenated give the same text as the whole
/// file rendered at once (prettyplease prints items independently).
pub fn models(api: &Api, range: std::ops::Range<usize>) -> TokenStream {
    let attributes = (range.start == 0)
        .then(|| quote!(#![allow(clippy::large_enum_variant, clippy::enum_variant_names)]));
    let items = api.types[range].iter().map(type_def);
    quote! {
        #attributes
        #(#items)*
    }
}

/// The module file: documentation and re-exports.
pub fn module(api: &Api) -> TokenStream {
    let text = format!(
        "{} ({}), generated from `{}`.\n\nEvery type of the API is re-exported here.",
        api.title, api.version, api.source
    );
    let docs = text.lines().map(|line| {
        let line = format!(" {line}");
        quote!(#![doc = #line])
    });
    let reexport = (!api.types.is_empty()).then(|| {
        quote!(
            pub use models::*;
        )
    });
    let requests = (!api.operations.is_empty()).then(|| {
        quote! {
            mod requests;
            pub use requests::*;
        }
    });
    quote! {
        #(#docs)*
        mod models;
        #reexport
        #requests
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => struct_def(def, s),
        TypeKind::Enum(e) => enum_def(def, e),
        TypeKind::Union(u) => union_def(def, u),
    }
}

/// The Rust type of a value, without the field's own optionality.
fn type_ref(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::Number(n) => match n {
            Number::I8 => quote!(i8),
            Number::U8 => quote!(u8),
            Number::I16 => quote!(i16),
            Number::I32 => quote!(i32),
            Number::I64 => quote!(i64),
            Number::F32 => quote!(f32),
            Number::F64 => quote!(f64),
        },
        TypeRef::String => quote!(::std::string::String),
        TypeRef::DateTime => quote!(crate::types::DateTimeOffset),
        TypeRef::Date => quote!(crate::types::Date),
        TypeRef::Base64Url => quote!(crate::types::Base64Url),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::List(item) => {
            let item = type_ref(item);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Nullable(inner) => {
            let inner = type_ref(inner);
            quote!(::std::option::Option<#inner>)
        }
    }
}

fn field_type(field: &Field) -> TokenStream {
    let mut ty = type_ref(&field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if field.optional {
        ty = quote!(::std::option::Option<#ty>);
    }
    ty
}

// ---- structs ------------------------------------------------------------------------------
//
// Models are their fields, docs and JSON names; their serde is written once, by the derives of
// `graph-meetings-macros` that `crate::types` re-exports.

fn struct_def(def: &TypeDef, s: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(&def.doc);
    let origin = &def.origin;
    let derive_default = s.has_default.then(|| quote!(Default,));
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(f);
        let json = &f.json_name;
        let docs = match &f.doc {
            Some(d) => doc(d),
            None => doc(&format!("`{json}` (the spec gives no description).")),
        };
        quote! { #docs #[json(#json)] pub #fname: #ty, }
    });
    let constructor = struct_constructor(&name, s);
    quote! {
        #docs
        #[derive(Clone, Debug, #derive_default PartialEq, crate::types::Object)]
        #[json(#origin)]
        pub struct #name {
            #(#fields)*
            /// Properties the schema does not declare, kept as they came so that writing the
            /// value back loses nothing (`@odata.context`, properties newer than this crate).
            #[json(other)]
            pub additional_properties: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
        #constructor
    }
}

/// `new(required fields...)` for a struct with required fields, the rest left empty.
fn struct_constructor(name: &Ident, s: &StructDef) -> Option<TokenStream> {
    let required: Vec<&Field> = s.fields.iter().filter(|f| !f.optional).collect();
    if required.is_empty() {
        return None;
    }
    let args = required.iter().map(|f| {
        let n = ident(&f.name);
        let ty = field_type(f);
        quote!(#n: impl ::std::convert::Into<#ty>)
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        if f.optional {
            quote!(#n: ::std::option::Option::None,)
        } else {
            quote!(#n: #n.into(),)
        }
    });
    let names: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", f.json_name))
        .collect();
    let docs = doc(&format!(
        "A value with its required properties ({}) and nothing else.",
        names.join(", ")
    ));
    Some(quote! {
        impl #name {
            #docs
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits)*
                    additional_properties: ::serde_json::Map::new(),
                }
            }
        }
    })
}

// ---- enums --------------------------------------------------------------------------------

fn enum_def(def: &TypeDef, e: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(&format!(
        "{}\n\nValues this crate does not know are kept in [`{}::{}`] and written back unchanged; \
         known values are recognised in any ASCII case.",
        def.doc, def.name, e.other
    ));
    let other = ident(&e.other);
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let value = &v.value;
        let vdoc = doc(&format!("`{value}`"));
        quote!(#vdoc #[json(#value)] #vname,)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, crate::types::StringEnum)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, exactly as it came.
            #[json(other)]
            #other(::std::string::String),
        }
    }
}

// ---- unions -------------------------------------------------------------------------------

fn union_def(def: &TypeDef, u: &UnionDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(&def.doc);
    let base = ident(&u.base);
    let variants = u.derived.iter().map(|d| {
        let v = ident(&d.variant);
        let t = ident(&d.type_name);
        let tag = &d.odata_type;
        let vdoc = doc(&format!("`{tag}`"));
        quote!(#vdoc #[json(#tag)] #v(#t),)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, crate::types::Union)]
        pub enum #name {
            /// The base type, or a derived type this crate does not know (its properties are
            /// kept in `additional_properties`).
            #[json(base)]
            #base(#base),
            #(#variants)*
        }
    }
}

// ---- request builders ---------------------------------------------------------------------

/// The request builders file: the root, one builder per place in the URL tree, and the
/// outcome enums of operations with more than one success status.
pub fn requests(api: &Api) -> TokenStream {
    let version = &api.version;
    let base_url = api.base_url.clone().unwrap_or_default();
    let builders = api.builders.iter().map(|b| builder(api, b));
    let mut seen = std::collections::BTreeSet::new();
    let outcomes = api
        .operations
        .iter()
        .filter(|op| {
            op.outcome
                .as_ref()
                .is_some_and(|name| seen.insert(name.clone()))
        })
        .map(outcome_enum);
    let uses_models = api.operations.iter().any(|op| {
        op.body.iter().any(|b| names_a_type(&b.ty))
            || op
                .responses
                .iter()
                .filter_map(|r| r.ty.as_ref())
                .any(names_a_type)
    });
    let import = uses_models.then(|| {
        quote!(
            use super::models::*;
        )
    });
    quote! {
        #import
        /// The API version these builders address (the first path segment after the host).
        pub const VERSION: &str = #version;
        /// The base URL the spec names (global cloud).
        pub const DEFAULT_BASE_URL: &str = #base_url;
        #(#builders)*
        #(#outcomes)*
    }
}

fn builder(api: &Api, b: &Builder) -> TokenStream {
    let name = ident(&b.name);
    let is_root = b.path.is_empty();
    let text = if is_root {
        format!(
            "The root of the request builders of {} ({}).\n\nMade from a \
             [`Target`](crate::request::Target): a client, or nothing for sans-IO use.",
            api.title, api.version
        )
    } else {
        format!("Requests under `{}`.", b.path)
    };
    let docs = doc(&text);
    let children = b.children.iter().map(child_method);
    let operations = b
        .operations
        .iter()
        .map(|i| operation_method(&api.operations[*i]));
    let constructors = is_root.then(|| {
        quote! {
            /// Builders that send through `target`.
            pub fn new(target: crate::request::Target<'c>) -> Self {
                Self { target, path: crate::request::Path::default() }
            }
            /// Builders for sans-IO use: requests become `http::Request`s with
            /// [`Request::to_http`](crate::request::Request::to_http).
            pub fn detached() -> #name<'static> {
                #name::new(crate::request::Target::detached(VERSION))
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug)]
        pub struct #name<'c> {
            target: crate::request::Target<'c>,
            path: crate::request::Path,
        }
        impl<'c> #name<'c> {
            #constructors
            #(#children)*
            #(#operations)*
        }
    }
}

/// Statements that append `pieces` to `__path`, parameters percent-encoded.
fn push_pieces(pieces: &[Segment]) -> TokenStream {
    let mut quoted = false;
    let pushes: Vec<TokenStream> = pieces
        .iter()
        .map(|piece| match piece {
            Segment::Literal(text) => {
                quoted = text.ends_with('\'');
                quote!(__path.push_str(#text);)
            }
            Segment::Param { name, .. } => {
                let arg = ident(name);
                let style = if quoted {
                    quote!(crate::request::ParamStyle::QuotedLiteral)
                } else {
                    quote!(crate::request::ParamStyle::Segment)
                };
                quote!(__path.push_param(#arg, #style);)
            }
        })
        .collect();
    quote!(#(#pushes)*)
}

fn param_args(params: &[Param]) -> Vec<TokenStream> {
    params
        .iter()
        .map(|p| {
            let arg = ident(&p.name);
            quote!(#arg: &str)
        })
        .collect()
}

fn template_text(pieces: &[Segment]) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Segment::Literal(l) => l.clone(),
            Segment::Param { json_name, .. } => format!("{{{json_name}}}"),
        })
        .collect()
}

fn child_method(c: &Child) -> TokenStream {
    let method = ident(&c.method);
    let builder = ident(&c.builder);
    let args = param_args(&c.params);
    let pushes = push_pieces(&c.pieces);
    let mut text = format!("Requests under `…/{}`.", template_text(&c.pieces));
    if !c.params.is_empty() {
        text.push_str(" Parameters are percent-encoded: any value stays within its segment.");
    }
    let docs = doc(&text);
    quote! {
        #docs
        pub fn #method(&self, #(#args),*) -> #builder<'c> {
            let mut __path = self.path.clone();
            __path.push_str("/");
            #pushes
            #builder { target: self.target, path: __path }
        }
    }
}

fn output_type(op: &Operation) -> TokenStream {
    if let Some(outcome) = &op.outcome {
        let o = ident(outcome);
        return quote!(#o);
    }
    match op.responses.iter().find_map(|r| r.ty.as_ref()) {
        Some(ty) => type_ref(ty),
        None => quote!(()),
    }
}

fn status_text(r: &Response) -> String {
    if r.range {
        format!("{}XX", r.status / 100)
    } else {
        r.status.to_string()
    }
}

fn operation_method(op: &Operation) -> TokenStream {
    let method = ident(&op.name);
    let output = output_type(op);
    let mut args = param_args(&op.params);
    let body = match &op.body {
        Some(body) => {
            let ty = type_ref(&body.ty);
            args.push(quote!(body: &#ty));
            if body.validate {
                quote!(crate::request::Body::json_validated(body))
            } else {
                quote!(crate::request::Body::json(body))
            }
        }
        None => quote!(crate::request::Body::Empty),
    };
    let path = if op.tail.is_empty() {
        quote!(let __path = self.path.clone();)
    } else {
        let pushes = push_pieces(&op.tail);
        quote!(let mut __path = self.path.clone(); __path.push_str("/"); #pushes)
    };
    let http_method = ident(&op.method);
    let idempotency = if op.idempotent {
        quote!(crate::request::Idempotency::Idempotent)
    } else {
        quote!(crate::request::Idempotency::NotIdempotent)
    };
    let decode = match &op.outcome {
        Some(outcome) => {
            let o = ident(outcome);
            let arms = op.responses.iter().map(|r| {
                let variant = ident(&r.variant);
                let pattern = if r.range {
                    let lo = proc_macro2::Literal::u16_unsuffixed(r.status);
                    let hi = proc_macro2::Literal::u16_unsuffixed(r.status + 99);
                    quote!(#lo..=#hi)
                } else {
                    let s = proc_macro2::Literal::u16_unsuffixed(r.status);
                    quote!(#s)
                };
                match &r.ty {
                    Some(_) => quote!(#pattern => crate::request::decode_json(__status, __body).map(#o::#variant),),
                    None => quote!(#pattern => ::std::result::Result::Ok(#o::#variant),),
                }
            });
            quote! {
                |__status, __body| match __status.as_u16() {
                    #(#arms)*
                    _ => ::std::result::Result::Err(crate::request::unexpected_status(__status, __body)),
                }
            }
        }
        None if op.responses.iter().any(|r| r.ty.is_some()) => {
            quote!(crate::request::decode_json::<#output>)
        }
        None => quote!(crate::request::decode_empty),
    };
    let mut text = format!("{}\n\n`{} {}`\n", op.doc, op.method, op.path);
    for r in &op.responses {
        text.push_str(&format!("\n- {}: {}", status_text(r), r.doc.trim()));
    }
    text.push_str(if op.idempotent {
        "\n\nIdempotent: the client's retry policy may send it again after a fault."
    } else {
        "\n\nNot idempotent: after a fault that leaves its fate unknown (a 503, a 504, a dropped \
         connection) the client does not send it again unless its retry policy allows it; a \
         throttled (429) request was not carried out and is retried."
    });
    if let Some(note) = &op.deprecated {
        text.push_str(&format!("\n\n**Deprecated.** {note}"));
    }
    let docs = doc(&text);
    quote! {
        #docs
        pub fn #method(&self, #(#args),*) -> crate::request::Request<'c, #output> {
            #path
            crate::request::Request::new(
                self.target,
                ::http::Method::#http_method,
                __path,
                #body,
                #idempotency,
                #decode,
            )
        }
    }
}

fn outcome_enum(op: &Operation) -> TokenStream {
    let name = ident(op.outcome.as_deref().expect("filtered on outcome"));
    let variants = op.responses.iter().map(|r| {
        let v = ident(&r.variant);
        let docs = doc(&format!("{}: {}", status_text(r), r.doc.trim()));
        match &r.ty {
            Some(ty) => {
                let t = type_ref(ty);
                quote!(#docs #v(#t),)
            }
            None => quote!(#docs #v,),
        }
    });
    let predicates = op.responses.iter().map(|r| {
        let v = ident(&r.variant);
        let f = ident(&r.predicate);
        let text = format!(" Whether the outcome is [`Self::{}`].", r.variant);
        let pattern = if r.ty.is_some() {
            quote!(Self::#v(_))
        } else {
            quote!(Self::#v)
        };
        quote! {
            #[doc = #text]
            pub fn #f(&self) -> bool { matches!(self, #pattern) }
        }
    });
    let first = op.responses.first().and_then(|r| r.ty.clone());
    let same = first.is_some() && op.responses.iter().all(|r| r.ty == first);
    let into_inner = same.then(|| {
        let t = type_ref(first.as_ref().expect("checked"));
        let vs = op.responses.iter().map(|r| {
            let v = ident(&r.variant);
            quote!(Self::#v(__value))
        });
        quote! {
            /// The body, whichever the outcome.
            pub fn into_inner(self) -> #t {
                match self { #(#vs)|* => __value }
            }
        }
    });
    let docs = doc(&format!(
        "What `{}` answered: one variant per success status.",
        op.name
    ));
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
        impl #name {
            #(#predicates)*
            #into_inner
        }
    }
}

/// Whether a type reference names a generated type anywhere inside it.
fn names_a_type(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::List(inner) | TypeRef::Nullable(inner) => names_a_type(inner),
        _ => false,
    }
}
