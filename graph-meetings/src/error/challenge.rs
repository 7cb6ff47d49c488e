//! `WWW-Authenticate` challenges (RFC 9110, section 11.6.1), read far enough to find a claims
//! challenge: `Bearer realm="", error="insufficient_claims", claims="eyJ..."`.

use base64::Engine as _;

/// A claims challenge (Continuous Access Evaluation): Graph refused the token and asks for one
/// that carries these claims. [`crate::Client`] answers one by asking its
/// `TokenCredential` for such a token and sending the request once more.
///
/// ```
/// use graph_meetings::{Error, GraphError};
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert(
///     "www-authenticate",
///     r#"Bearer realm="", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#
///         .parse()?,
/// );
/// let error = Error::from(GraphError::from_parts(http::StatusCode::UNAUTHORIZED, &headers, b""));
/// let challenge = error.claims_challenge().expect("a claims challenge");
/// assert_eq!(challenge.claims(), r#"{"access_token":{}}"#);
/// assert_eq!(challenge.encoded(), "eyJhY2Nlc3NfdG9rZW4iOnt9fQ==");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimsChallenge {
    claims: String,
    encoded: String,
}

impl ClaimsChallenge {
    /// The claims request as JSON (`{"access_token":{"nbf":{...}}}`): what a token provider
    /// takes (MSAL's `claims`, the Azure SDKs' `TokenRequestContext.Claims`).
    pub fn claims(&self) -> &str {
        &self.claims
    }

    /// The `claims` parameter as Graph sent it (base64 of [`Self::claims`]).
    pub fn encoded(&self) -> &str {
        &self.encoded
    }
}

/// The first `Bearer` challenge with `error="insufficient_claims"` and a `claims` parameter,
/// in any of the `WWW-Authenticate` headers.
pub(crate) fn claims_challenge(headers: &http::HeaderMap) -> Option<ClaimsChallenge> {
    headers
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(challenges)
        .filter(|c| c.scheme.eq_ignore_ascii_case("bearer"))
        .filter(|c| c.param("error") == Some("insufficient_claims"))
        .find_map(|c| decode_claims(c.param("claims")?))
}

fn decode_claims(encoded: &str) -> Option<ClaimsChallenge> {
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let claims = engines
        .iter()
        .find_map(|e| e.decode(encoded).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        // Some services send the JSON itself rather than base64 of it.
        .or_else(|| {
            encoded
                .trim_start()
                .starts_with('{')
                .then(|| encoded.to_string())
        })?;
    serde_json::from_str::<serde_json::Value>(&claims).ok()?;
    Some(ClaimsChallenge {
        claims,
        encoded: encoded.to_string(),
    })
}

/// One challenge: its scheme and its `name=value` parameters (names lower-cased).
#[derive(Debug, PartialEq)]
struct Challenge {
    scheme: String,
    params: Vec<(String, String)>,
}

impl Challenge {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The challenges in one header value. Challenges and their parameters share one
/// comma-separated list: an item that starts with a bare token begins a new challenge.
fn challenges(value: &str) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    for item in split_items(value) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let name_end = item.find(|c: char| !is_token_char(c)).unwrap_or(item.len());
        let rest = item[name_end..].trim_start();
        if rest.starts_with('=') && name_end > 0 {
            // `name=value`: a parameter of the current challenge.
            if let (Some(current), Some(value)) = (out.last_mut(), param_value(&rest[1..])) {
                current
                    .params
                    .push((item[..name_end].to_ascii_lowercase(), value));
            }
            continue;
        }
        // `scheme` or `scheme name=value` (or `scheme token68`, whose token68 is not needed).
        let mut challenge = Challenge {
            scheme: item[..name_end].to_string(),
            params: Vec::new(),
        };
        let name_end = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        let after = rest[name_end..].trim_start();
        if name_end > 0 && after.starts_with('=') && !after[1..].starts_with('=') {
            if let Some(value) = param_value(&after[1..]) {
                challenge
                    .params
                    .push((rest[..name_end].to_ascii_lowercase(), value));
            }
        }
        out.push(challenge);
    }
    out
}

/// A token or a quoted string (escapes undone); `None` when it is neither.
fn param_value(text: &str) -> Option<String> {
    let text = text.trim();
    let Some(quoted) = text.strip_prefix('"') else {
        return (!text.is_empty() && text.chars().all(is_token_char)).then(|| text.to_string());
    };
    let mut value = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?),
            '"' => return chars.as_str().trim().is_empty().then_some(value),
            c => value.push(c),
        }
    }
    None
}

/// Splits at commas outside quoted strings.
fn split_items(value: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                items.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&value[start..]);
    items
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for v in values {
            map.append(http::header::WWW_AUTHENTICATE, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn reads_graph_claims_challenges() {
        // The shape Graph sends (claims: base64 of {"access_token":{"nbf":{...}}}).
        let claims = r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#;
        let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
        let value = format!(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{encoded}""#
        );
        let c = claims_challenge(&headers(&[&value])).unwrap();
        assert_eq!(c.claims(), claims);
        assert_eq!(c.encoded(), encoded);

        // Another challenge first, in the same header or another; escapes; token values.
        let value = format!(
            r#"Basic realm="a, \"b\"", Bearer error=insufficient_claims, claims="{encoded}""#
        );
        assert_eq!(
            claims_challenge(&headers(&[&value])).unwrap().claims(),
            claims
        );
        let two = headers(&[
            "Negotiate abc==",
            &format!("bearer claims=\"{encoded}\", error=\"insufficient_claims\""),
        ]);
        assert_eq!(claims_challenge(&two).unwrap().claims(), claims);
    }

    #[test]
    fn other_challenges_are_not_claims_challenges() {
        for value in [
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#,
            r#"Bearer error="invalid_token", claims="eyJ9""#,
            r#"Bearer error="insufficient_claims", claims="not base64 or json""#,
            r#"Bearer error="insufficient_claims", claims="eyJhIjo"#,
            r#"Basic error="insufficient_claims", claims="e30=""#,
            "",
            ",,,",
        ] {
            assert_eq!(claims_challenge(&headers(&[value])), None, "{value}");
        }
        assert_eq!(claims_challenge(&http::HeaderMap::new()), None);
    }

    #[test]
    fn challenge_lists_split_as_rfc_9110_says() {
        let parsed = challenges(
            r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#,
        );
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].scheme, "Newauth");
        assert_eq!(parsed[0].param("title"), Some(r#"Login to "apps""#));
        assert_eq!(parsed[0].param("type"), Some("1"));
        assert_eq!(parsed[1].param("realm"), Some("simple"));
    }
}
