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

/// The models file: every type of the API.
pub fn models(api: &Api) -> TokenStream {
    let items = api.types.iter().map(type_def);
    quote! {
        #![allow(clippy::large_enum_variant, clippy::enum_variant_names)]
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
    quote! {
        #(#docs)*
        mod models;
        #reexport
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

fn struct_def(def: &TypeDef, s: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(&def.doc);
    let derive_default = s.has_default.then(|| quote!(Default,));
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(f);
        let text = match &f.doc {
            Some(d) => format!("{d}\n\nJSON: `{}`.", f.json_name),
            None => format!("JSON: `{}`.", f.json_name),
        };
        let docs = doc(&text);
        quote! { #docs pub #fname: #ty, }
    });
    let serialize = struct_serialize(&name, s);
    let deserialize = struct_deserialize(&name, def, s);
    quote! {
        #docs
        #[derive(Clone, Debug, #derive_default PartialEq)]
        pub struct #name {
            #(#fields)*
            /// Properties the schema does not declare, kept as they came so that writing the
            /// value back loses nothing (`@odata.context`, properties newer than this crate).
            pub additional_properties: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
        #serialize
        #deserialize
    }
}

fn struct_serialize(name: &Ident, s: &StructDef) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let key = &f.json_name;
        if f.optional {
            quote! {
                if let ::std::option::Option::Some(__value) = &self.#fname {
                    __map.serialize_entry(#key, __value)?;
                }
            }
        } else {
            quote! { __map.serialize_entry(#key, &self.#fname)?; }
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, __serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut __map = __serializer.serialize_map(::std::option::Option::None)?;
                #(#entries)*
                for (__key, __value) in &self.additional_properties {
                    __map.serialize_entry(__key, __value)?;
                }
                __map.end()
            }
        }
    }
}

fn struct_deserialize(name: &Ident, def: &TypeDef, s: &StructDef) -> TokenStream {
    let expecting = format!("a `{}` object", def.origin);
    let locals = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let ty = field_type(f);
        if f.optional {
            quote!(let mut #fname: #ty = ::std::option::Option::None;)
        } else {
            quote!(let mut #fname: ::std::option::Option<#ty> = ::std::option::Option::None;)
        }
    });
    let arms = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let key = &f.json_name;
        if f.optional {
            quote!(#key => #fname = __map.next_value()?,)
        } else {
            quote!(#key => #fname = ::std::option::Option::Some(__map.next_value()?),)
        }
    });
    let inits = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let key = &f.json_name;
        if f.optional {
            quote!(#fname,)
        } else {
            quote!(#fname: #fname.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field(#key))?,)
        }
    });
    let keep = quote!(__additional.insert(__key.into_string(), __map.next_value()?););
    let read = if s.fields.is_empty() {
        keep
    } else {
        quote! {
            match __key.as_str() {
                #(#arms)*
                _ => { #keep }
            }
        }
    };
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(__deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = #name;
                    fn expecting(&self, __f: &mut ::std::fmt::Formatter) -> ::std::fmt::Result {
                        __f.write_str(#expecting)
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(self, mut __map: __A) -> ::std::result::Result<#name, __A::Error> {
                        #(#locals)*
                        let mut __additional = ::serde_json::Map::new();
                        while let ::std::option::Option::Some(__key) = __map.next_key::<crate::types::Key<'de>>()? {
                            #read
                        }
                        ::std::result::Result::Ok(#name {
                            #(#inits)*
                            additional_properties: __additional,
                        })
                    }
                }
                __deserializer.deserialize_map(__Visitor)
            }
        }
    }
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
        let vdoc = doc(&format!("`{}`", v.value));
        quote!(#vdoc #vname,)
    });
    let as_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let value = &v.value;
        quote!(Self::#vname => #value,)
    });
    let known = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let value = &v.value;
        quote!((#value, Self::#vname),)
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know, exactly as it came.
            #other(::std::string::String),
        }
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
    }
}

// ---- unions -------------------------------------------------------------------------------

fn union_def(def: &TypeDef, u: &UnionDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(&def.doc);
    let base = ident(&u.base);
    let base_doc = doc(
        "The base type, or a derived type this crate does not know (its properties are kept in \
         `additional_properties`).",
    );
    let variants = u.derived.iter().map(|d| {
        let v = ident(&d.variant);
        let t = ident(&d.type_name);
        let vdoc = doc(&format!("`{}`", d.odata_type));
        quote!(#vdoc #v(#t),)
    });
    let serialize_arms = u.derived.iter().map(|d| {
        let v = ident(&d.variant);
        let tag = &d.odata_type;
        quote!(Self::#v(__value) => crate::types::serialize_with_odata_type(__value, #tag, __serializer),)
    });
    let deserialize_arms = u.derived.iter().map(|d| {
        let v = ident(&d.variant);
        let tag = &d.odata_type;
        quote! {
            ::std::option::Option::Some(t) if crate::types::odata_type_is(t, #tag) => {
                ::serde_json::from_value(__value).map(Self::#v).map_err(::serde::de::Error::custom)
            }
        }
    });
    let froms = u.derived.iter().map(|d| {
        let v = ident(&d.variant);
        let t = ident(&d.type_name);
        quote! {
            impl ::std::convert::From<#t> for #name {
                fn from(__value: #t) -> Self { Self::#v(__value) }
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #base_doc
            #base(#base),
            #(#variants)*
        }
        impl ::std::convert::From<#base> for #name {
            fn from(__value: #base) -> Self { Self::#base(__value) }
        }
        #(#froms)*
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, __serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                match self {
                    Self::#base(__value) => ::serde::Serialize::serialize(__value, __serializer),
                    #(#serialize_arms)*
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(__deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                let __value = <::serde_json::Value as ::serde::Deserialize>::deserialize(__deserializer)?;
                match __value.get("@odata.type").and_then(::serde_json::Value::as_str) {
                    #(#deserialize_arms)*
                    _ => ::serde_json::from_value(__value).map(Self::#base).map_err(::serde::de::Error::custom),
                }
            }
        }
    }
}
