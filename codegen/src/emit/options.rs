//! Requests with options: an operation with query or header parameters, or function
//! arguments, returns its own type wrapping `crate::request::Request`, with one method per
//! option. Required options are arguments of the operation's method instead.

use proc_macro2::TokenStream;
use quote::quote;

use super::requests::output_type;
use super::{doc, ident};
use crate::ir::*;

/// The required options of `op`: the method's extra arguments, and the calls that set them.
pub(super) struct Required {
    pub args: Vec<TokenStream>,
    pub sets: Vec<TokenStream>,
}

pub(super) fn required(op: &Operation) -> Required {
    let mut out = Required {
        args: Vec::new(),
        sets: Vec::new(),
    };
    for (option, place) in each(op).filter(|(o, _)| o.required) {
        let arg = ident(&option.name);
        let ty = arg_type(&option.ty);
        out.args.push(quote!(#arg: #ty));
        out.sets.push(setter_call(option, place, &quote!(#arg)));
    }
    out
}

/// Where an option goes.
#[derive(Clone, Copy)]
enum Place {
    Query,
    Header,
    /// A function argument, quoted or not.
    Argument(bool),
}

fn each(op: &Operation) -> impl Iterator<Item = (&RequestOption, Place)> {
    let query = op.query.iter().map(|o| (o, Place::Query));
    let headers = op.headers.iter().map(|o| (o, Place::Header));
    let args = op
        .function
        .iter()
        .flat_map(|f| &f.args)
        .map(|a| (&a.param, Place::Argument(a.quoted)));
    args.chain(query).chain(headers)
}

/// The type a method takes for an option's value.
fn arg_type(ty: &OptionType) -> TokenStream {
    match ty {
        OptionType::Bool => quote!(bool),
        OptionType::Integer => quote!(i64),
        OptionType::String => quote!(&str),
        OptionType::DateTime => quote!(&crate::types::DateTimeOffset),
        OptionType::List => quote!(&[&str]),
        OptionType::EnumList(name) => {
            let e = ident(name);
            quote!(&[#e])
        }
        OptionType::Enum(name) => {
            let e = ident(name);
            quote!(#e)
        }
    }
}

/// The OData text of `value`, an option of type `ty`.
fn odata_text(ty: &OptionType, value: &TokenStream, quoted: bool) -> TokenStream {
    let text = match ty {
        OptionType::Bool => quote!(crate::request::odata::boolean(#value)),
        OptionType::Integer => quote!(crate::request::odata::integer(#value)),
        OptionType::String => quote!(::std::string::ToString::to_string(#value)),
        OptionType::DateTime => quote!(crate::request::odata::date_time(#value)),
        OptionType::List => quote!(crate::request::odata::list(#value)),
        OptionType::EnumList(_) => {
            quote!(crate::request::odata::list(#value.iter().map(|__item| __item.as_str())))
        }
        OptionType::Enum(_) => quote!(::std::string::ToString::to_string(#value.as_str())),
    };
    if quoted {
        quote!(crate::request::odata::string(&#text))
    } else {
        text
    }
}

/// `.query_option(..)`, `.header(..)` or `.function_arg(..)` with `value`.
fn setter_call(option: &RequestOption, place: Place, value: &TokenStream) -> TokenStream {
    let name = &option.json_name;
    match place {
        Place::Query => {
            let text = odata_text(&option.ty, value, false);
            quote!(.query_option(#name, #text))
        }
        Place::Header => {
            let text = odata_text(&option.ty, value, false);
            quote!(.header(#name, &#text))
        }
        Place::Argument(quoted) => {
            let text = odata_text(&option.ty, value, quoted);
            quote!(.function_arg(#name, #text))
        }
    }
}

/// The request type of an operation with options.
pub(super) fn options_type(op: &Operation) -> TokenStream {
    let name = ident(op.options_type.as_deref().expect("filtered on options"));
    let output = output_type(&op.output);
    let request = quote!(crate::request::Request<'c, #output>);
    let methods = each(op).filter(|(o, _)| !o.required).map(|(option, place)| {
        let method = ident(&option.name);
        let ty = arg_type(&option.ty);
        let set = setter_call(option, place, &quote!(value));
        let sent = match place {
            Place::Query => format!("Sent as the query option `{}`.", option.json_name),
            Place::Header => format!("Sent as the `{}` header.", option.json_name),
            Place::Argument(_) => format!(
                "Sent as the function argument `{}`, written into the path segment; left out when not set.",
                option.json_name
            ),
        };
        let text = match &option.doc {
            Some(d) => format!("{d}\n\n{sent}"),
            None => sent,
        };
        let docs = doc(&text);
        quote! {
            #docs
            pub fn #method(self, value: #ty) -> Self {
                Self(self.0 #set)
            }
        }
    });
    let docs = doc(&format!(
        "The request of `{} {}` (and its twins at other paths), with a method for each of its \
         options. It dereferences to [`Request`](crate::request::Request): send it, or turn it \
         into an `http::Request`, as it is.",
        op.method, op.path
    ));
    quote! {
        #docs
        #[derive(Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #name<'c>(#request);
        impl<'c> #name<'c> {
            #(#methods)*
            /// The request itself.
            pub fn into_request(self) -> #request {
                self.0
            }
        }
        impl<'c> ::std::ops::Deref for #name<'c> {
            type Target = #request;
            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }
        impl<'c> ::std::convert::From<#name<'c>> for #request {
            fn from(__value: #name<'c>) -> Self {
                __value.0
            }
        }
    }
}
