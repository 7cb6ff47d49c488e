//! The one attribute the derives read: `#[json("name")]`, `#[json(other)]` or `#[json(base)]`.

use syn::{Attribute, LitStr};

/// What a `#[json(..)]` attribute says.
pub enum Json {
    /// `#[json("name")]`: the JSON name or value.
    Name(String),
    /// `#[json(other)]`: the field or variant that keeps what is not named.
    Other,
    /// `#[json(base)]`: a union's base type.
    Base,
}

/// The `#[json(..)]` attribute among `attrs`, if any; an error for a malformed one.
pub fn json(attrs: &[Attribute]) -> syn::Result<Option<Json>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("json")) {
        if found.is_some() {
            return Err(syn::Error::new_spanned(attr, "more than one #[json(..)]"));
        }
        found = Some(attr.parse_args_with(|input: syn::parse::ParseStream| {
            if input.peek(LitStr) {
                return Ok(Json::Name(input.parse::<LitStr>()?.value()));
            }
            let word: syn::Ident = input.parse()?;
            match word.to_string().as_str() {
                "other" => Ok(Json::Other),
                "base" => Ok(Json::Base),
                _ => Err(syn::Error::new(
                    word.span(),
                    "expected a string, `other` or `base`",
                )),
            }
        })?);
    }
    Ok(found)
}

/// How a field is present in JSON, from how its type is written (by any path).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`: required.
    Required,
    /// `Option<T>`: absent (or `null`) is `None`.
    Optional,
    /// `Update<T>`: a PATCH property, left out when unchanged, `null` when cleared.
    Update,
}

pub fn presence(ty: &syn::Type) -> Presence {
    let last = match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    match last.as_deref() {
        Some("Option") => Presence::Optional,
        Some("Update") => Presence::Update,
        _ => Presence::Required,
    }
}
