//! `#[derive(Union)]`: a base type or one of its derived types, by `@odata.type`. Reading looks
//! at the first property: where it is `@odata.type` (as Graph writes it) the chosen type reads
//! the rest directly; otherwise the object is read as the base type, and only if it names a
//! derived type after all is it read again as that type.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attrs::{self, Json};
use crate::into_boxed_option;

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "Union is for enums"));
    };
    let mut base: Option<(&Ident, &Type)> = None;
    let mut derived: Vec<(&Ident, &Type, String)> = Vec::new();
    for variant in &data.variants {
        let ty = match &variant.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => &f.unnamed[0].ty,
            _ => {
                return Err(syn::Error::new_spanned(
                    variant,
                    "Union variants hold one type",
                ))
            }
        };
        match attrs::json(&variant.attrs)? {
            Some(Json::Base) if base.is_none() => base = Some((&variant.ident, ty)),
            Some(Json::Name(tag)) => derived.push((&variant.ident, ty, tag)),
            _ => {
                return Err(syn::Error::new_spanned(
                    variant,
                    "one variant is #[json(base)], the others #[json(\"#odata.type\")]",
                ))
            }
        }
    }
    let Some((base, base_ty)) = base else {
        return Err(syn::Error::new_spanned(
            input,
            "a Union needs a #[json(base)] variant",
        ));
    };
    let expecting = format!("a `{name}` object");
    let rebuild = derived.iter().map(|(v, _, tag)| {
        quote! {
            ::std::option::Option::Some(__t) if crate::types::odata_type_is(__t, #tag) => {
                crate::types::rebuild(&__base).map(Self::#v).map_err(<__A::Error as ::serde::de::Error>::custom)
            }
        }
    });
    let froms = std::iter::once((base, base_ty))
        .chain(derived.iter().map(|(v, t, _)| (*v, *t)))
        .map(|(v, t)| {
            quote! {
                impl ::std::convert::From<#t> for #name {
                    fn from(__value: #t) -> Self { Self::#v(__value) }
                }
                impl ::std::convert::From<#t> for ::std::option::Option<::std::boxed::Box<#name>> {
                    fn from(__value: #t) -> Self {
                        ::std::option::Option::Some(::std::boxed::Box::new(#name::#v(__value)))
                    }
                }
            }
        });
    let write = derived.iter().map(|(v, _, tag)| {
        quote!(Self::#v(__value) => crate::types::Object::write_map(__value, ::std::option::Option::Some(#tag), __serializer),)
    });
    let read = derived.iter().map(|(v, _, tag)| {
        quote! {
            ::std::option::Option::Some(__t) if crate::types::odata_type_is(__t, #tag) => {
                crate::types::Object::read_map(__tag, __map).map(Self::#v)
            }
        }
    });
    let into_boxed = into_boxed_option(name);
    Ok(quote! {
        #into_boxed
        #(#froms)*
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, __serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self {
                    Self::#base(__value) => crate::types::Object::write_map(__value, ::std::option::Option::None, __serializer),
                    #(#write)*
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(__deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                __deserializer.deserialize_map(crate::types::UnionVisitor::<Self>::new(#expecting))
            }
        }
        impl crate::types::Union for #name {
            fn read_tagged<'de, __A: ::serde::de::MapAccess<'de>>(
                __tag: ::std::option::Option<::std::string::String>,
                __map: __A,
            ) -> ::std::result::Result<Self, __A::Error> {
                match __tag.as_deref() {
                    #(#read)*
                    _ => crate::types::Object::read_map(__tag, __map).map(Self::#base),
                }
            }
            fn read_untagged<'de, __A: ::serde::de::MapAccess<'de>>(
                __map: __A,
            ) -> ::std::result::Result<Self, __A::Error> {
                let __base: #base_ty = crate::types::Object::read_map(::std::option::Option::None, __map)?;
                match crate::types::Object::odata_type(&__base) {
                    #(#rebuild)*
                    _ => ::std::result::Result::Ok(Self::#base(__base)),
                }
            }
        }
    })
}
