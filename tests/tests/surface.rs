//! Every operation of the crate (v1.0 and beta, `/me` and `/users/{id}`), built by its
//! generated builder with sample arguments, sends the method, URL and headers that Graph's path
//! template says: the expected URL is written from the spec's template alone (parameters
//! replaced by their samples, function aliases by the arguments' literals), independently of
//! the generator's own handling of it.

/// The sample date-time of date-time arguments.
const DATE: &str = "2026-01-01T00:00:00Z";

/// One operation's request, and what it should be.
struct Call {
    method: &'static str,
    template: &'static str,
    version: &'static str,
    accept: Option<&'static str>,
    content_type: Option<&'static str>,
    http: Result<http::Request<Vec<u8>>, graph_meetings::Error>,
}

include!(concat!(env!("OUT_DIR"), "/surface_calls.rs"));

/// The URL path Graph's template describes for the sample values: `{name}` is `p-name`; a
/// function alias `'@name'` is `'p-name'` (a string literal) and `@name` the sample date-time.
fn expected_path(version: &str, template: &str) -> String {
    let mut out = format!("/{version}");
    let mut rest = template;
    while let Some(i) = rest.find(['{', '@']) {
        out.push_str(&rest[..i]);
        let quoted_alias = rest[i..].starts_with('@') && out.ends_with('\'');
        let end = rest[i + 1..]
            .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .map_or(rest.len(), |e| i + 1 + e);
        let name = &rest[i + 1..end];
        match &rest[i..i + 1] {
            "{" => {
                out.push_str(&format!("p-{name}"));
                rest = &rest[end + 1..]; // past `}`
            }
            _ if quoted_alias => {
                out.push_str(&format!("p-{name}"));
                rest = &rest[end..];
            }
            _ => {
                out.push_str(DATE);
                rest = &rest[end..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn check(calls: Vec<Call>) -> usize {
    let mut wrong = Vec::new();
    let count = calls.len();
    for call in calls {
        let label = format!("{} {}", call.method, call.template);
        let http = match call.http {
            Ok(http) => http,
            Err(e) => {
                wrong.push(format!("{label}: {e}"));
                continue;
            }
        };
        let expected = expected_path(call.version, call.template);
        let header = |name: &str| {
            http.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        let problems = [
            (http.method().as_str() != call.method).then(|| format!("method {}", http.method())),
            (http.uri().path() != expected)
                .then(|| format!("path {} instead of {expected}", http.uri().path())),
            http.uri()
                .query()
                .map(|q| format!("an unexpected query {q}")),
            (header("accept").as_deref() != call.accept)
                .then(|| format!("accept {:?}", header("accept"))),
            (header("content-type").as_deref() != call.content_type)
                .then(|| format!("content-type {:?}", header("content-type"))),
            http.uri()
                .to_string()
                .contains('@')
                .then(|| "an unresolved alias".to_string()),
        ];
        for problem in problems.into_iter().flatten() {
            wrong.push(format!("{label}: {problem}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    count
}

#[test]
fn every_v1_operation_sends_what_its_template_says() {
    assert_eq!(
        check(v1_calls()),
        100,
        "v1.0: 50 operations, at /me and /users/{{id}}"
    );
}

#[test]
fn every_beta_operation_sends_what_its_template_says() {
    assert_eq!(
        check(beta_calls()),
        190,
        "beta: 95 operations, at /me and /users/{{id}}"
    );
}

#[test]
fn the_expected_urls_follow_the_templates() {
    assert_eq!(
        expected_path(
            "v1.0",
            "/users/{user-id}/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='@meetingOrganizerUserId',startDateTime=@startDateTime,endDateTime=@endDateTime)"
        ),
        "/v1.0/users/p-user-id/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='p-meetingOrganizerUserId',startDateTime=2026-01-01T00:00:00Z,endDateTime=2026-01-01T00:00:00Z)"
    );
    assert_eq!(
        expected_path("beta", "/me/onlineMeetings(joinWebUrl='{joinWebUrl}')"),
        "/beta/me/onlineMeetings(joinWebUrl='p-joinWebUrl')"
    );
}
