//! Answers every route shares: ODataError bodies, JSON, the ids on every answer, and who the
//! caller is.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{json, Value};

/// `WWW-Authenticate` of Graph's 401s for a missing or bad token.
const BEARER_CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#;

/// `request-id` and `client-request-id` on every answer, `WWW-Authenticate` on every 401.
pub(super) fn add_ids(request: &HeaderMap, response: &mut Response) {
    let status = response.status();
    let headers = response.headers_mut();
    let request_id = match headers.get("request-id") {
        Some(id) => id.clone(),
        None => {
            let id = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
                .expect("a UUID is a valid header value");
            headers.insert("request-id", id.clone());
            id
        }
    };
    let client_request_id = request
        .get("client-request-id")
        .cloned()
        .unwrap_or(request_id);
    headers.insert("client-request-id", client_request_id);
    if status == StatusCode::UNAUTHORIZED && !headers.contains_key("www-authenticate") {
        headers.insert(
            "www-authenticate",
            HeaderValue::from_static(BEARER_CHALLENGE),
        );
    }
}

/// An ODataError response.
pub(super) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let body = json!({"error": {"code": code, "message": message, "innerError": {
        "date": time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        "request-id": request_id,
    }}});
    (
        status,
        [
            ("content-type", "application/json"),
            ("request-id", request_id.as_str()),
        ],
        body.to_string(),
    )
        .into_response()
}

pub(super) fn bad_request(message: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "BadRequest", message)
}

pub(super) fn not_found(what: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "NotFound",
        &format!("The {what} does not exist or is not visible to the caller."),
    )
}

pub(super) fn json_response(status: StatusCode, value: &Value) -> Response {
    json_text(status, value.to_string())
}

pub(super) fn json_text(status: StatusCode, text: String) -> Response {
    (status, [("content-type", "application/json")], text).into_response()
}

/// The bearer token of a request, as sent.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
}

/// A 401 claims challenge as Graph sends it after revoking a session: the claims ask for a
/// token issued after now.
pub(super) fn claims_challenge() -> Response {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = format!(r#"{{"access_token":{{"nbf":{{"essential":true,"value":"{now}"}}}}}}"#);
    let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
    let mut response = error(
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
    );
    let challenge = format!(
        r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="{encoded}""#
    );
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert("www-authenticate", v);
    }
    response
}

/// Who is calling.
pub(super) enum Caller {
    Delegated { tenant: String, user: String },
    App { tenant: String },
}

pub(super) fn caller(headers: &HeaderMap) -> Result<Caller, Box<Response>> {
    let unauthorized = |m: &str| {
        Box::new(error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            m,
        ))
    };
    if !headers.contains_key("authorization") {
        return Err(unauthorized("Access token is empty."));
    }
    let Some(token) = bearer(headers) else {
        return Err(unauthorized(
            "The Authorization header is not a bearer token.",
        ));
    };
    // After a `;`: which of the caller's tokens this is, which does not change the caller.
    let token = token.split(';').next().unwrap_or_default();
    let parts: Vec<&str> = token.splitn(3, ':').collect();
    match parts.as_slice() {
        ["delegated", tenant, user] if !tenant.is_empty() && !user.is_empty() => Ok(Caller::Delegated {
            tenant: tenant.to_string(),
            user: user.to_string(),
        }),
        ["app", tenant, app] if !tenant.is_empty() && !app.is_empty() => Ok(Caller::App {
            tenant: tenant.to_string(),
        }),
        _ => Err(unauthorized(
            "The emulator takes tokens of the form delegated:<tenant>:<user> or app:<tenant>:<app>.",
        )),
    }
}

/// Whom a request acts for: (tenant, user). A delegated token acts only for its own user; an
/// application token acts for the user the path names, and cannot use `/me`.
pub(super) fn subject(
    caller: &Caller,
    user: Option<&str>,
) -> Result<(String, String), Box<Response>> {
    match (caller, user) {
        (Caller::Delegated { tenant, user }, None) => Ok((tenant.clone(), user.clone())),
        (Caller::App { .. }, None) => Err(Box::new(bad_request(
            "/me request is only valid with delegated authentication flow.",
        ))),
        (Caller::Delegated { tenant, user }, Some(target)) if target == user => {
            Ok((tenant.clone(), user.clone()))
        }
        (Caller::Delegated { .. }, Some(_)) => Err(Box::new(error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "A delegated token may only act for its own user.",
        ))),
        (Caller::App { tenant }, Some(target)) => Ok((tenant.clone(), target.to_string())),
    }
}
