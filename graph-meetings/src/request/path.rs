//! Paths: the one place path parameters are encoded and checked.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Characters a path parameter keeps as they are: RFC 3986's unreserved set. Everything else,
/// `/`, `?`, `#` and `%` included, is percent-encoded, so a value cannot leave its segment.
const PATH_PARAM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// How [`Path::push_param`] writes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum ParamStyle {
    /// A whole path segment (`users/{user-id}`).
    Segment,
    /// Inside an OData quoted string literal (`name='{value}'`): `'` is doubled.
    QuotedLiteral,
}

/// Whether sending a request twice has the effect of sending it once, which lets the client's
/// retry policy send it again after a fault that leaves its fate unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[doc(hidden)]
pub enum Idempotency {
    /// GET, PUT, DELETE, or an operation the spec marks `x-graph-meetings-idempotent`.
    Idempotent,
    /// Everything else (POST).
    NotIdempotent,
}

/// A request path being built, with the first parameter that was refused.
#[derive(Clone, Debug, Default)]
#[doc(hidden)]
pub struct Path {
    pub(super) text: String,
    pub(super) invalid: Option<String>,
}

impl Path {
    /// Appends literal text.
    pub fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends `value`, percent-encoded. A whole segment that is empty, `.` or `..` is refused
    /// (URL parsers resolve `..` and `%2E%2E` alike, which would change the route). Inside an
    /// OData quoted literal (`name='{value}'`) a `'` is doubled first, as OData requires.
    pub fn push_param(&mut self, value: &str, style: ParamStyle) {
        if style == ParamStyle::QuotedLiteral {
            let doubled = value.replace('\'', "''");
            self.text.extend(utf8_percent_encode(&doubled, PATH_PARAM));
            return;
        }
        if matches!(value, "" | "." | "..") && self.invalid.is_none() {
            self.invalid = Some(format!(
                "path parameter {value:?} would not stay one path segment"
            ));
        }
        self.text.extend(utf8_percent_encode(value, PATH_PARAM));
    }

    /// The path so far.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_stay_in_their_segment() {
        for (value, encoded) in [
            (
                "8b081ef6-4792-4def-b2c9-c363a1bf41d5",
                "8b081ef6-4792-4def-b2c9-c363a1bf41d5",
            ),
            ("../../admin", "..%2F..%2Fadmin"),
            ("a/b?c#d", "a%2Fb%3Fc%23d"),
            ("user@contoso.com", "user%40contoso.com"),
            ("100%", "100%25"),
            ("a b\r\n", "a%20b%0D%0A"),
            ("名前", "%E5%90%8D%E5%89%8D"),
        ] {
            let mut path = Path::default();
            path.push_str("/users/");
            path.push_param(value, ParamStyle::Segment);
            assert_eq!(path.as_str(), format!("/users/{encoded}"));
            assert!(path.invalid.is_none());
        }
        for value in ["", ".", ".."] {
            let mut path = Path::default();
            path.push_param(value, ParamStyle::Segment);
            assert!(path.invalid.is_some(), "{value:?} must be refused");
        }
        let mut path = Path::default();
        path.push_str("f(a='");
        path.push_param("it's", ParamStyle::QuotedLiteral);
        assert_eq!(path.as_str(), "f(a='it%27%27s");
    }
}
