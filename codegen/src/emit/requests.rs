//! Request builders: the root, one builder per place in the URL tree, each operation's method,
//! and the outcome enums of operations with more than one success status.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc, ident, options, type_ref};
use crate::ir::*;

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
    let mut seen_options = std::collections::BTreeSet::new();
    let options = api
        .operations
        .iter()
        .filter(|op| {
            op.options_type
                .as_ref()
                .is_some_and(|name| seen_options.insert(name.clone()))
        })
        .map(options::options_type);
    let uses_models = api.operations.iter().any(|op| {
        matches!(&op.body, Some(Body::Json { ty, .. }) if names_a_type(ty))
            || matches!(&op.output, Output::Json(t) | Output::Page(t) if names_a_type(t))
            || op
                .query
                .iter()
                .chain(&op.headers)
                .any(|o| matches!(o.ty, OptionType::Enum(_)))
            || op
                .function
                .iter()
                .flat_map(|f| &f.args)
                .any(|a| matches!(a.param.ty, OptionType::Enum(_)))
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
        #(#options)*
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

/// The type a success decodes to.
pub(super) fn output_type(output: &Output) -> TokenStream {
    match output {
        Output::Json(ty) => type_ref(ty),
        Output::Outcome(name) => {
            let o = ident(name);
            quote!(#o)
        }
        Output::Page(item) => {
            let item = type_ref(item);
            quote!(crate::request::Page<#item>)
        }
        Output::Count => quote!(u64),
        Output::Content => quote!(crate::request::Content),
        Output::Empty => quote!(()),
    }
}

/// The `Accept` header the operation sends.
fn accept(output: &Output) -> Option<TokenStream> {
    match output {
        Output::Count => Some(quote!(.with_accept(::std::option::Option::Some("text/plain")))),
        Output::Content => Some(quote!(.with_accept(::std::option::Option::None))),
        _ => None,
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
    let output = output_type(&op.output);
    let mut args = param_args(&op.params);
    let required = options::required(op);
    args.extend(required.args);
    let body = match &op.body {
        Some(Body::Bytes) => {
            args.push(quote!(body: ::std::vec::Vec<u8>));
            quote!(crate::request::Body::Bytes(body))
        }
        Some(Body::Json { ty, validate }) => {
            let ty = type_ref(ty);
            args.push(quote!(body: &#ty));
            if *validate {
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
                    Some(_) => quote!(#pattern => crate::request::decode_json(__status, __headers, __body).map(#o::#variant),),
                    None => quote!(#pattern => ::std::result::Result::Ok(#o::#variant),),
                }
            });
            quote! {
                |__status, __headers, __body| match __status.as_u16() {
                    #(#arms)*
                    _ => ::std::result::Result::Err(crate::request::unexpected_status(__status, __body)),
                }
            }
        }
        None => match &op.output {
            Output::Json(_) | Output::Page(_) | Output::Outcome(_) => {
                quote!(crate::request::decode_json::<#output>)
            }
            Output::Count => quote!(crate::request::decode_count),
            Output::Content => quote!(crate::request::decode_content),
            Output::Empty => quote!(crate::request::decode_empty),
        },
    };
    let accept = accept(&op.output);
    let function = op.function.as_ref().map(|f| {
        let name = &f.name;
        quote!(.with_function(#name))
    });
    let sets = required.sets;
    let (returns, wrap) = match &op.options_type {
        Some(name) => {
            let o = ident(name);
            (quote!(#o<'c>), quote!(#o(__request)))
        }
        None => (
            quote!(crate::request::Request<'c, #output>),
            quote!(__request),
        ),
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
        pub fn #method(&self, #(#args),*) -> #returns {
            #path
            let __request = crate::request::Request::new(
                self.target,
                ::http::Method::#http_method,
                __path,
                #body,
                #idempotency,
                #decode,
            ) #accept #function #(#sets)*;
            #wrap
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
