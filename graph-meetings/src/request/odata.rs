//! OData values in URLs: how a query option or a function argument is written, then encoded.
//! Generated option methods call these; the rules are OData's (strings in single quotes with a
//! quote doubled, date-times, numbers and booleans bare) and RFC 3986's (whatever could end the
//! segment or the query, or change its meaning, is percent-encoded: `+` travels as `%2B`).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::types::DateTimeOffset;

/// Kept as they are in a query value: unreserved characters and the sub-delimiters OData uses
/// (`'`, `(`, `)`, `,`, `:`, `/`, `@`, `$`), none of which ends a query value. `&`, `=`, `+`,
/// `#`, `%`, spaces and everything else are encoded.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b',')
    .remove(b':')
    .remove(b'/')
    .remove(b'@')
    .remove(b'$');

/// Kept as they are in a function argument inside a path segment: unreserved characters, `'`
/// (the literal's quotes) and `:` (date-times). `/`, `?`, `#`, `+`, `%` and the rest are
/// encoded, so a value never leaves its argument.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'\'')
    .remove(b':');

/// A query value, URL-encoded.
pub fn encode_query(value: &str) -> String {
    utf8_percent_encode(value, QUERY).to_string()
}

/// A function argument's literal, URL-encoded for its path segment.
pub fn encode_segment(literal: &str) -> String {
    utf8_percent_encode(literal, SEGMENT).to_string()
}

/// A string literal: in single quotes, a quote inside doubled (`'O''Brien'`).
///
/// ```
/// assert_eq!(graph_meetings::request::odata::string("O'Brien"), "'O''Brien'");
/// ```
pub fn string(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A date-time literal: RFC 3339, bare.
pub fn date_time(value: &DateTimeOffset) -> String {
    value.to_string()
}

/// A boolean: `true` or `false`.
pub fn boolean(value: bool) -> String {
    value.to_string()
}

/// An integer.
pub fn integer(value: i64) -> String {
    value.to_string()
}

/// A list option (`$select`, `$expand`, `$orderby`): the items, comma-separated.
pub fn list<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_inside_their_option_or_argument() {
        assert_eq!(
            encode_query("JoinWebUrl eq 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0?context=%7b%7d&x=1+2'"),
            "JoinWebUrl%20eq%20'https://teams.microsoft.com/l/meetup-join/19%253ameeting_X%2540thread.v2/0%3Fcontext%3D%257b%257d%26x%3D1%2B2'"
        );
        assert_eq!(encode_query("id,subject"), "id,subject");
        assert_eq!(encode_segment(&string("a/b?c'd")), "'a%2Fb%3Fc''d'");
        let at = DateTimeOffset::parse("2026-01-01T09:30:00+02:00").unwrap();
        assert_eq!(
            encode_segment(&date_time(&at)),
            "2026-01-01T09:30:00%2B02:00"
        );
        assert_eq!(list(["id", "subject"]), "id,subject");
    }
}
