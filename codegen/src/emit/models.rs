//! Models: structs, open string enums and unions. Their serde comes from the derives of
//! `graph-meetings-macros`, reached through `crate::types`.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{doc, field_type, ident};
use crate::ir::*;

// ---- structs ------------------------------------------------------------------------------
//
// Models are their fields, docs and JSON names; their serde is written once, by the derives of
// `graph-meetings-macros` that `crate::types` re-exports.

pub(super) fn struct_def(def: &TypeDef, s: &StructDef) -> TokenStream {
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
            pub additional_properties: crate::types::AdditionalProperties,
        }
        #constructor
    }
}

/// `new(required fields...)` for a struct with required fields, the rest left empty.
fn struct_constructor(name: &Ident, s: &StructDef) -> Option<TokenStream> {
    let required: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| !f.optional && !f.update)
        .collect();
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
        if f.update {
            quote!(#n: crate::types::Update::Unchanged,)
        } else if f.optional {
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
                    additional_properties: crate::types::AdditionalProperties::new(),
                }
            }
        }
    })
}

// ---- enums --------------------------------------------------------------------------------

pub(super) fn enum_def(def: &TypeDef, e: &EnumDef) -> TokenStream {
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

pub(super) fn union_def(def: &TypeDef, u: &UnionDef) -> TokenStream {
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
