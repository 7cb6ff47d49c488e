//! Derives for the models that `graph-meetings-codegen` generates. They write the serde code
//! once, here, instead of once per type in the generated files: a generated model is its fields,
//! their documentation and their JSON names, and nothing else.
//!
//! - [`Object`]: a JSON object with named fields (`#[json("jsonName")]`), optional where the
//!   field's type is `Option<..>`, and one field marked `#[json(other)]` that keeps every other
//!   property. `#[json("origin")]` on the struct names it in error messages.
//! - [`StringEnum`]: a string enum with unit variants (`#[json("value")]`) and one
//!   `#[json(other)] Other(String)` variant that keeps unknown values; known values match in any
//!   ASCII case.
//! - [`Union`]: a base type (`#[json(base)]`) or one of its derived types
//!   (`#[json("#microsoft.graph.x")]`), chosen by `@odata.type`.
//!
//! Both `Object` and `Union` also let a value convert into `Option<Box<Self>>`, the type of a
//! field that nests it.
//!
//! The expansions reach the runtime through `crate::types` (the generated code's one door to
//! it), so they work wherever the generated code does.

mod attrs;
mod object;
mod string_enum;
mod union;

use proc_macro::TokenStream;

/// Serde for a JSON object that keeps unknown properties. See the crate docs.
#[proc_macro_derive(Object, attributes(json))]
pub fn derive_object(input: TokenStream) -> TokenStream {
    expand(input, object::expand)
}

/// The members of an open string enum, and its serde. See the crate docs.
#[proc_macro_derive(StringEnum, attributes(json))]
pub fn derive_string_enum(input: TokenStream) -> TokenStream {
    expand(input, string_enum::expand)
}

/// Serde for a base type or its derived types, by `@odata.type`. See the crate docs.
#[proc_macro_derive(Union, attributes(json))]
pub fn derive_union(input: TokenStream) -> TokenStream {
    expand(input, union::expand)
}

/// Models hold the models they nest in a `Box`: `From` lets a value stand where an
/// `Option<Box<..>>` of it is expected (`participants: MeetingParticipants { .. }.into()`).
fn into_boxed_option(name: &syn::Ident) -> proc_macro2::TokenStream {
    quote::quote! {
        impl ::std::convert::From<#name> for ::std::option::Option<::std::boxed::Box<#name>> {
            fn from(value: #name) -> Self {
                ::std::option::Option::Some(::std::boxed::Box::new(value))
            }
        }
    }
}

fn expand(
    input: TokenStream,
    f: fn(&syn::DeriveInput) -> syn::Result<proc_macro2::TokenStream>,
) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input).and_then(|input| f(&input)) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}
