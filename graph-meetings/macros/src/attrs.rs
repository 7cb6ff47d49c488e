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

/// Whether a type is written `Option<..>` (by any path), which makes a field optional.
pub fn is_option(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Option"),
        _ => false,
    }
}
