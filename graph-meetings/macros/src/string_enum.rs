//! `#[derive(StringEnum)]`: the members of an open string enum, `as_str`, `From<&str>`,
//! `Display` and serde.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields};

use crate::attrs::{self, Json};

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "StringEnum is for enums"));
    };
    let mut members = Vec::new();
    let mut other = None;
    for variant in &data.variants {
        let ident = &variant.ident;
        match (attrs::json(&variant.attrs)?, &variant.fields) {
            (Some(Json::Name(value)), Fields::Unit) => members.push((ident, value)),
            (Some(Json::Other), Fields::Unnamed(f)) if f.unnamed.len() == 1 && other.is_none() => {
                other = Some(ident)
            }
            _ => {
                return Err(syn::Error::new_spanned(
                    variant,
                    "members are unit variants with #[json(\"value\")]; one #[json(other)] \
                     variant holds a String",
                ))
            }
        }
    }
    let Some(other) = other else {
        return Err(syn::Error::new_spanned(
            input,
            "a StringEnum needs one #[json(other)] variant",
        ));
    };
    let known = members.iter().map(|(v, value)| quote!((#value, Self::#v),));
    let as_str = members.iter().map(|(v, value)| quote!(Self::#v => #value,));
    Ok(quote! {
        impl #name {
            /// Every known member with its JSON value, in the spec's order.
            pub const KNOWN: &'static [(&'static str, Self)] = &[#(#known)*];

            /// The value as Graph writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#other(__value) => __value,
                }
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(__value: &str) -> Self {
                crate::types::known_member(Self::KNOWN, __value)
                    .unwrap_or_else(|| Self::#other(__value.to_owned()))
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, __f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                __f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, __serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                __serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(__deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                let __text = <crate::types::Key<'de> as ::serde::Deserialize>::deserialize(__deserializer)?;
                ::std::result::Result::Ok(Self::from(__text.as_str()))
            }
        }
    })
}
