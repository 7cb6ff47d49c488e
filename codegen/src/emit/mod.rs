//! Stage 3: IR -> tokens. Each function builds one small piece; none looks at the spec, and none
//! decides a name (names come from the IR). Generated code names std and serde items by full
//! path, so a schema called `Option` or `String` cannot shadow them, and reaches the crate's
//! runtime through `crate::types`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::*;

mod models;
mod options;
mod requests;

pub use requests::requests;

/// An identifier; raw if the name is a keyword (names are chosen so that this never happens,
/// but an identifier that does not parse must not panic).
pub(crate) fn ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name).unwrap_or_else(|_| Ident::new_raw(name, Span::call_site()))
}

/// `#[doc = "..."]` lines from free text: one attribute per line, each with a leading space.
pub(crate) fn doc(text: &str) -> TokenStream {
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
        TypeKind::Struct(s) => models::struct_def(def, s),
        TypeKind::Enum(e) => models::enum_def(def, e),
        TypeKind::Union(u) => models::union_def(def, u),
    }
}

/// The Rust type of a value, without the field's own optionality.
pub(crate) fn type_ref(ty: &TypeRef) -> TokenStream {
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

pub(crate) fn field_type(field: &Field) -> TokenStream {
    let mut ty = type_ref(&field.ty);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
    if field.update {
        ty = quote!(crate::types::Update<#ty>);
    } else if field.optional {
        ty = quote!(::std::option::Option<#ty>);
    }
    ty
}
