//! `#[derive(Object)]`: a struct's serde through `crate::types::Object`, which unions use too
//! (to read a derived type once its `@odata.type` is known, and to write it with one).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, Ident};

use crate::attrs::{self, Json, Presence};
use crate::into_boxed_option;

/// A declared property.
struct Property<'a> {
    ident: &'a Ident,
    json: String,
    presence: Presence,
}

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let name = &input.ident;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "Object takes no generics",
        ));
    }
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(input, "Object is for structs"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(input, "Object needs named fields"));
    };
    let origin = match attrs::json(&input.attrs)? {
        Some(Json::Name(origin)) => origin,
        _ => name.to_string(),
    };
    let expecting = format!("a `{origin}` object");
    let mut properties = Vec::new();
    let mut other = None;
    for field in &named.named {
        let ident = field.ident.as_ref().expect("named fields have names");
        match attrs::json(&field.attrs)? {
            Some(Json::Name(json)) => properties.push(Property {
                ident,
                json,
                presence: attrs::presence(&field.ty),
            }),
            Some(Json::Other) if other.is_none() => other = Some(ident),
            _ => {
                return Err(syn::Error::new_spanned(
                    field,
                    "each field needs #[json(\"name\")], and one #[json(other)] keeps the rest",
                ))
            }
        }
    }
    let Some(other) = other else {
        return Err(syn::Error::new_spanned(
            input,
            "an Object needs one #[json(other)] map field",
        ));
    };
    let keys = properties.iter().map(|p| &p.json);
    let tag = match properties.iter().find(|p| p.json == "@odata.type") {
        Some(p) => {
            let ident = p.ident;
            quote!(self.#ident.as_deref())
        }
        None => quote!(self.#other.get("@odata.type").and_then(::serde_json::Value::as_str)),
    };
    let read = read_map(&properties, other);
    let write = write_map(&properties, other);
    let into_boxed = into_boxed_option(name);
    Ok(quote! {
        #into_boxed
        impl ::serde::Serialize for #name {
            fn serialize<__S: ::serde::Serializer>(&self, __serializer: __S) -> ::std::result::Result<__S::Ok, __S::Error> {
                crate::types::Object::write_map(self, ::std::option::Option::None, __serializer)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(__deserializer: __D) -> ::std::result::Result<Self, __D::Error> {
                __deserializer.deserialize_map(crate::types::ObjectVisitor::<Self>::new(#expecting))
            }
        }
        impl crate::types::Object for #name {
            const PROPERTIES: &'static [&'static str] = &[#(#keys),*];
            fn odata_type(&self) -> ::std::option::Option<&str> {
                #tag
            }
            #read
            #write
        }
    })
}

fn read_map(properties: &[Property], other: &Ident) -> TokenStream {
    let odata = properties.iter().find(|p| p.json == "@odata.type");
    let locals = properties.iter().map(|p| {
        let ident = p.ident;
        match odata {
            Some(o) if o.ident == ident => quote!(let mut #ident = __odata_type;),
            _ if p.presence == Presence::Update => {
                quote!(let mut #ident = crate::types::Update::Unchanged;)
            }
            _ => quote!(let mut #ident = ::std::option::Option::None;),
        }
    });
    let keep_tag = odata.is_none().then(|| {
        quote! {
            if let ::std::option::Option::Some(__tag) = __odata_type {
                __other.insert("@odata.type".into(), ::serde_json::Value::String(__tag));
            }
        }
    });
    let arms = properties.iter().map(|p| {
        let (ident, key) = (p.ident, &p.json);
        match p.presence {
            Presence::Optional | Presence::Update => quote!(#key => #ident = __map.next_value()?,),
            Presence::Required => {
                quote!(#key => #ident = ::std::option::Option::Some(__map.next_value()?),)
            }
        }
    });
    let inits = properties.iter().map(|p| {
        let (ident, key) = (p.ident, &p.json);
        match p.presence {
            Presence::Optional | Presence::Update => quote!(#ident,),
            Presence::Required => {
                quote!(#ident: #ident.ok_or_else(|| <__A::Error as ::serde::de::Error>::missing_field(#key))?,)
            }
        }
    });
    quote! {
        fn read_map<'de, __A: ::serde::de::MapAccess<'de>>(
            __odata_type: ::std::option::Option<::std::string::String>,
            mut __map: __A,
        ) -> ::std::result::Result<Self, __A::Error> {
            #(#locals)*
            let mut __other = crate::types::AdditionalProperties::new();
            #keep_tag
            while let ::std::option::Option::Some(__key) = __map.next_key::<crate::types::Key<'de>>()? {
                match __key.as_str() {
                    #(#arms)*
                    _ => __other.push_read(__key.into_string(), __map.next_value()?),
                }
            }
            __other.finish_read();
            ::std::result::Result::Ok(Self {
                #(#inits)*
                #other: __other,
            })
        }
    }
}

/// Writes `@odata.type` first (OData readers, Graph's among them, refuse an object whose type
/// annotation comes after its properties): the value's own, else the one kept among the
/// unknown properties, else the union's `tag`.
fn write_map(properties: &[Property], other: &Ident) -> TokenStream {
    let declared = properties.iter().find(|p| p.json == "@odata.type");
    let tag = match declared {
        Some(p) => {
            let ident = p.ident;
            quote! {
                match (&self.#ident, __tag) {
                    (::std::option::Option::Some(__own), _) => __map.serialize_entry("@odata.type", __own)?,
                    (::std::option::Option::None, ::std::option::Option::Some(__tag)) => {
                        __map.serialize_entry("@odata.type", __tag)?
                    }
                    _ => {}
                }
            }
        }
        None => quote! {
            match (self.#other.get("@odata.type"), __tag) {
                (::std::option::Option::Some(__kept), _) => __map.serialize_entry("@odata.type", __kept)?,
                (::std::option::Option::None, ::std::option::Option::Some(__tag)) => {
                    __map.serialize_entry("@odata.type", __tag)?
                }
                _ => {}
            }
        },
    };
    let entries = properties
        .iter()
        .filter(|p| p.json != "@odata.type")
        .map(|p| {
            let (ident, key) = (p.ident, &p.json);
            match p.presence {
                Presence::Optional => quote! {
                    if let ::std::option::Option::Some(__value) = &self.#ident {
                        __map.serialize_entry(#key, __value)?;
                    }
                },
                Presence::Update => quote! {
                    if !self.#ident.is_unchanged() {
                        __map.serialize_entry(#key, &self.#ident)?;
                    }
                },
                Presence::Required => quote!(__map.serialize_entry(#key, &self.#ident)?;),
            }
        });
    let skip_kept = declared.is_none().then(|| {
        quote! {
            if __key == "@odata.type" {
                continue;
            }
        }
    });
    quote! {
        fn write_map<__S: ::serde::Serializer>(
            &self,
            __tag: ::std::option::Option<&str>,
            __serializer: __S,
        ) -> ::std::result::Result<__S::Ok, __S::Error> {
            use ::serde::ser::SerializeMap as _;
            let mut __map = __serializer.serialize_map(::std::option::Option::None)?;
            #tag
            #(#entries)*
            for (__key, __value) in &self.#other {
                #skip_kept
                __map.serialize_entry(__key, __value)?;
            }
            __map.end()
        }
    }
}
