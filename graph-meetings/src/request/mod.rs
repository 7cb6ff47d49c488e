//! Requests, sans-IO: a [`Request`] becomes an [`http::Request`] with [`Request::to_http`], and
//! an [`http::Response`] becomes its typed result with [`Request::parse_response`], so any HTTP
//! stack can carry them. With the `client` feature, [`Request::send`] does both over reqwest.

use std::fmt;
use std::marker::PhantomData;

use http::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;

use crate::error::{Error, GraphError};

mod decode;
pub mod odata;
mod page;
mod path;

#[doc(hidden)]
pub use path::{Idempotency, ParamStyle, Path};

pub(crate) use decode::strip_bom;
pub use decode::Decoder;
#[doc(hidden)]
pub use decode::{decode_content, decode_count, decode_empty, decode_json, unexpected_status};
pub use page::{Content, Page};

/// Where requests go: a client, or nowhere (sans-IO), and which API version.
#[derive(Clone, Copy)]
pub struct Target<'c> {
    version: &'static str,
    #[cfg(feature = "client")]
    client: Option<&'c crate::Client>,
    marker: PhantomData<&'c ()>,
}

impl Target<'static> {
    /// No client: requests can only be turned into `http::Request`s.
    pub fn detached(version: &'static str) -> Self {
        Target {
            version,
            #[cfg(feature = "client")]
            client: None,
            marker: PhantomData,
        }
    }
}

#[cfg(feature = "client")]
impl<'c> Target<'c> {
    /// Requests sent by `client`.
    pub fn client(client: &'c crate::Client, version: &'static str) -> Self {
        Target {
            version,
            client: Some(client),
            marker: PhantomData,
        }
    }
}

impl fmt::Debug for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Target");
        d.field("version", &self.version);
        #[cfg(feature = "client")]
        d.field("client", &self.client.is_some());
        d.finish()
    }
}

impl<'c> Target<'c> {
    /// The API version (`v1.0`, `beta`).
    pub fn version(&self) -> &'static str {
        self.version
    }

    #[cfg(feature = "client")]
    pub(crate) fn client_ref(&self) -> Option<&'c crate::Client> {
        self.client
    }
}

/// A request body, as generated code hands it over.
#[doc(hidden)]
pub enum Body {
    /// No body.
    Empty,
    /// JSON bytes, or why the value could not become them.
    Json(Result<Vec<u8>, Error>),
    /// Bytes of content, sent as `application/octet-stream`.
    Bytes(Vec<u8>),
}

/// A check a request body must pass before it is sent (`x-graph-meetings-validate`).
pub trait Validate {
    /// `Err(Error::InvalidArgument(..))` if the value must not be sent.
    fn validate(&self) -> Result<(), Error>;
}

impl Body {
    /// `value` as JSON.
    pub fn json<T: Serialize>(value: &T) -> Self {
        Body::Json(serde_json::to_vec(value).map_err(|e| Error::Encode(e.to_string())))
    }

    /// `value` as JSON, once it passes its check.
    pub fn json_validated<T: Serialize + Validate>(value: &T) -> Self {
        match value.validate() {
            Ok(()) => Self::json(value),
            Err(e) => Body::Json(Err(e)),
        }
    }
}

/// One request, ready to be sent or turned into an [`http::Request`].
pub struct Request<'c, T> {
    pub(crate) target: Target<'c>,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) body: Option<Vec<u8>>,
    /// The body's content type.
    pub(crate) body_type: &'static str,
    pub(crate) headers: HeaderMap,
    pub(crate) idempotent: bool,
    pub(crate) decode: Decoder<T>,
    /// Query options, each value already written as OData wants it (not yet URL-encoded).
    pub(crate) query: Vec<(&'static str, String)>,
    /// A function call appended to the path, with the arguments given so far.
    pub(crate) function: Option<FunctionCall>,
    /// The `Accept` header: JSON unless the operation answers with something else.
    pub(crate) accept: Option<&'static str>,
    /// The first problem met while building; reported by `to_http` and `send`.
    pub(crate) invalid: Option<Error>,
}

/// A function segment (`getAllTranscripts(meetingOrganizerUserId='x')`) being built.
#[derive(Clone, Debug)]
pub(crate) struct FunctionCall {
    name: &'static str,
    /// Arguments as OData literals, not yet URL-encoded.
    args: Vec<(&'static str, String)>,
}

impl<T> fmt::Debug for Request<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("query", &self.query)
            .field("function", &self.function)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

impl<'c, T> Request<'c, T> {
    /// Used by generated code.
    #[doc(hidden)]
    pub fn new(
        target: Target<'c>,
        method: Method,
        path: Path,
        body: Body,
        idempotency: Idempotency,
        decode: Decoder<T>,
    ) -> Self {
        let mut body_type = "application/json";
        let (body, mut invalid) = match body {
            Body::Empty => (None, None),
            Body::Json(Ok(bytes)) => (Some(bytes), None),
            Body::Bytes(bytes) => {
                body_type = "application/octet-stream";
                (Some(bytes), None)
            }
            Body::Json(Err(e)) => (None, Some(e)),
        };
        if let Some(problem) = path.invalid {
            invalid = Some(Error::InvalidArgument(problem));
        }
        Request {
            target,
            method,
            path: path.text,
            body,
            headers: HeaderMap::new(),
            idempotent: idempotency == Idempotency::Idempotent,
            decode,
            body_type,
            query: Vec::new(),
            function: None,
            accept: Some("application/json"),
            invalid,
        }
    }

    /// Sets the `Accept` header (`None`: none), for operations that do not answer with JSON.
    /// Used by generated code.
    #[doc(hidden)]
    pub fn with_accept(mut self, accept: Option<&'static str>) -> Self {
        self.accept = accept;
        self
    }

    /// Ends the path with a call of the function `name`, whose arguments are given with
    /// [`Self::function_arg`]. Used by generated code.
    #[doc(hidden)]
    pub fn with_function(mut self, name: &'static str) -> Self {
        self.function = Some(FunctionCall {
            name,
            args: Vec::new(),
        });
        self
    }

    /// Sets a function argument to `literal` (an OData literal, see [`odata`]), replacing an
    /// earlier value. Used by generated code.
    #[doc(hidden)]
    pub fn function_arg(mut self, name: &'static str, literal: String) -> Self {
        if let Some(call) = &mut self.function {
            call.args.retain(|(n, _)| *n != name);
            call.args.push((name, literal));
        }
        self
    }

    /// Sets the query option `name` to `value` (written as OData wants it, see [`odata`]),
    /// replacing an earlier value. Used by generated code.
    #[doc(hidden)]
    pub fn query_option(mut self, name: &'static str, value: String) -> Self {
        self.query.retain(|(n, _)| *n != name);
        self.query.push((name, value));
        self
    }

    /// The request for a link Graph gave in an answer to this one (`@odata.nextLink`,
    /// `@odata.deltaLink`): a GET of that URL, with this request's headers and result type.
    /// The link is requested as it is, nothing added. It must lead to `base_url`'s origin
    /// (scheme, host and port) and lie under its path: any other link is refused with
    /// [`Error::InvalidArgument`], so that the token never goes anywhere else.
    ///
    /// ```
    /// use graph_meetings::v1::Requests;
    ///
    /// let list = Requests::detached().me().online_meetings().list().into_request();
    /// let base = "https://graph.microsoft.com/v1.0";
    /// let next = list.follow("https://graph.microsoft.com/v1.0/me/onlineMeetings?$skiptoken=X", base)?;
    /// assert_eq!(next.path(), "/me/onlineMeetings?$skiptoken=X");
    /// assert!(list.follow("https://evil.example/v1.0/me/onlineMeetings", base).is_err());
    /// # Ok::<(), graph_meetings::Error>(())
    /// ```
    pub fn follow(&self, link: &str, base_url: &str) -> Result<Request<'c, T>, Error> {
        let refuse = |why: String| {
            Error::InvalidArgument(format!(
                "the link {link:?} {why}: it was not followed, nothing was sent"
            ))
        };
        let uri: http::Uri = link
            .parse()
            .map_err(|e| refuse(format!("is not a URL ({e})")))?;
        let base: http::Uri = base_url
            .parse()
            .map_err(|e| Error::InvalidArgument(format!("base URL {base_url:?}: {e}")))?;
        if origin(&uri) != origin(&base) || origin(&uri).is_none() {
            return Err(refuse(format!(
                "leads to another origin than the service root {}",
                base_url.trim_end_matches('/')
            )));
        }
        let root = base.path().trim_end_matches('/');
        let full = uri.path_and_query().map_or("/", |p| p.as_str());
        let rest = full
            .strip_prefix(root)
            .filter(|r| r.starts_with('/') || r.starts_with('?'))
            .ok_or_else(|| refuse(format!("is not under the service root's path {root}")))?;
        // URL parsers resolve `.` and `..` (percent-encoded too), which could lead outside.
        let dots = rest
            .split('?')
            .next()
            .unwrap_or("")
            .split('/')
            .any(|segment| {
                let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
                decoded == "." || decoded == ".."
            });
        if dots {
            return Err(refuse("has `.` or `..` segments".into()));
        }
        Ok(Request {
            target: self.target,
            method: Method::GET,
            path: rest.to_string(),
            body: None,
            body_type: "application/json",
            headers: self.headers.clone(),
            idempotent: true,
            decode: self.decode,
            query: Vec::new(),
            function: None,
            accept: self.accept,
            invalid: None,
        })
    }

    /// A copy of the request (build errors included), to send again or follow from.
    pub fn duplicate(&self) -> Request<'c, T> {
        Request {
            target: self.target,
            method: self.method.clone(),
            path: self.path.clone(),
            body: self.body.clone(),
            body_type: self.body_type,
            headers: self.headers.clone(),
            idempotent: self.idempotent,
            decode: self.decode,
            query: self.query.clone(),
            function: self.function.clone(),
            accept: self.accept,
            invalid: self.invalid.as_ref().map(copy_invalid),
        }
    }

    /// The query options set so far, as OData values (before URL encoding).
    pub fn query(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// Asks for text (`joinInformation`) in this language and locale (`ja`, `en-GB`).
    pub fn accept_language(self, tag: &str) -> Self {
        self.header("accept-language", tag)
    }

    /// Asks Graph to send enum members added after `unknownFutureValue` as they are
    /// (`Prefer: include-unknown-enum-members`); the models keep any member either way.
    pub fn include_unknown_enum_members(self) -> Self {
        self.header("prefer", "include-unknown-enum-members")
    }

    /// Adds a header. A name or value that is not valid HTTP (a line break, say) is refused,
    /// as are headers the crate sets itself (`Authorization`, `Host`, `Content-Length`,
    /// `Content-Type`): the error comes from `to_http` or `send`, and nothing is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if self.invalid.is_some() {
            return self;
        }
        let parsed = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("header name {name:?} is not valid HTTP"))
            .and_then(|n| {
                if [
                    http::header::AUTHORIZATION,
                    http::header::HOST,
                    http::header::CONTENT_LENGTH,
                    CONTENT_TYPE,
                ]
                .contains(&n)
                {
                    Err(format!("header `{n}` is set by the crate"))
                } else {
                    Ok(n)
                }
            })
            .and_then(|n| {
                HeaderValue::from_str(value)
                    .map(|v| (n, v))
                    .map_err(|_| format!("the value of header `{name}` is not valid HTTP"))
            });
        match parsed {
            Ok((n, v)) => {
                self.headers.append(n, v);
            }
            Err(message) => self.invalid = Some(Error::InvalidArgument(message)),
        }
        self
    }

    /// Where the request goes (its API version, and its client if it has one).
    pub fn target(&self) -> Target<'c> {
        self.target
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path below the version base (`/me/onlineMeetings`), parameters encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path with its function call and query, URL-encoded: what follows the version base.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        if let Some(call) = &self.function {
            out.push('/');
            out.push_str(call.name);
            out.push('(');
            for (i, (name, literal)) in call.args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(name);
                out.push('=');
                out.push_str(&odata::encode_segment(literal));
            }
            out.push(')');
        }
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.push_str(&odata::encode_query(value));
        }
        out
    }

    /// Whether sending it twice has the effect of sending it once.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// The request as `http::Request`, against `base_url` (`https://graph.microsoft.com/v1.0`).
    /// No `Authorization` header: add it in your HTTP stack.
    pub fn to_http(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, Error> {
        if let Some(e) = &self.invalid {
            return Err(copy_invalid(e));
        }
        let url = format!(
            "{}{}",
            base_url.trim_end_matches('/'),
            self.path_and_query()
        );
        let uri: http::Uri = url
            .parse()
            .map_err(|e| Error::InvalidArgument(format!("base URL {base_url:?}: {e}")))?;
        if !matches!(uri.scheme_str(), Some("https" | "http")) || uri.host().is_none() {
            return Err(Error::InvalidArgument(format!(
                "base URL {base_url:?} is not an http(s) URL"
            )));
        }
        let mut builder = http::Request::builder()
            .method(self.method.clone())
            .uri(uri);
        if let Some(accept) = self.accept {
            builder = builder.header(ACCEPT, accept);
        }
        if self.body.is_some() {
            builder = builder.header(CONTENT_TYPE, self.body_type);
        }
        let mut request = builder
            .body(self.body.clone().unwrap_or_default())
            .map_err(|e| Error::InvalidArgument(e.to_string()))?;
        for (name, value) in &self.headers {
            request.headers_mut().append(name, value.clone());
        }
        Ok(request)
    }

    /// Reads a response: the operation's result for a success status, or the error Graph
    /// described.
    pub fn parse_response<B: AsRef<[u8]>>(&self, response: &http::Response<B>) -> Result<T, Error> {
        parse(
            self.decode,
            self.target.version(),
            response.status(),
            response.headers(),
            response.body().as_ref(),
        )
    }
}

/// Reads `status`, `headers` and `body` with `decode`, or into an error.
pub(crate) fn parse<T>(
    decode: Decoder<T>,
    version: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    if status.is_success() {
        decode(status, headers, body)
    } else {
        Err(GraphError::from_response(version, status, headers, body).into())
    }
}

/// Scheme, host (any case) and port (the scheme's default when absent) of `uri`.
fn origin(uri: &http::Uri) -> Option<(String, String, u16)> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host()?.to_ascii_lowercase();
    let port = uri.port_u16().unwrap_or(match scheme.as_str() {
        "http" => 80,
        _ => 443,
    });
    Some((scheme, host, port))
}

/// Build errors are kept on the request and reported each time it is used.
fn copy_invalid(e: &Error) -> Error {
    match e {
        Error::Encode(m) => Error::Encode(m.clone()),
        other => Error::InvalidArgument(match other {
            Error::InvalidArgument(m) => m.clone(),
            other => other.to_string(),
        }),
    }
}
