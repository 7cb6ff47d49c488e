//! Downloads: content (a recording, a transcript) as a stream of bytes in constant memory,
//! resumed with `Range` after a dropped connection where the server allows it, so that a
//! recording of several GiB never sits in memory and a broken connection costs only the rest.

use bytes::Bytes;
use futures_core::Stream;
use futures_util::stream;
use http::header::{
    HeaderValue, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_RANGE, LAST_MODIFIED, RANGE,
};
use http::StatusCode;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};
use tracing::Instrument as _;

use super::attempt::{annotate, BodyMode, Sent};
use super::Client;
use crate::error::Error;
use crate::request::{parse, Content, Request};

impl<'c> Request<'c, Content> {
    /// Starts the download: the request is sent (with the client's retries) and, once Graph
    /// answers with a success, its body is read piece by piece from the [`Download`].
    /// [`send`](Request::send) reads content whole, within the client's response size limit.
    ///
    /// ```no_run
    /// # async fn run(client: graph_meetings::Client) -> Result<(), graph_meetings::Error> {
    /// let content = client.me().online_meeting("meeting-id").recording("recording-id").content().get();
    /// let download = content.download().await?;
    /// println!("{:?} bytes", download.content_length());
    /// let mut file = tokio::fs::File::create("recording.mp4").await.expect("a file");
    /// let written = download.write_to(&mut file).await?;
    /// # let _ = written; Ok(()) }
    /// ```
    pub async fn download(&self) -> Result<Download<'c>, Error> {
        let client = self.target.client_ref().ok_or(Error::NoClient)?;
        if self.headers.contains_key(RANGE) {
            return Err(Error::InvalidArgument(
                "a download asks for ranges itself when it resumes: send a request with a \
                 `Range` header with `send()` instead"
                    .into(),
            ));
        }
        let http_request = self.to_http(&client.base_url(self.target.version()))?;
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let span = tracing::info_span!(
            "graph_download",
            path = %self.path,
            client_request_id = %client_request_id,
        );
        let sent = client
            .attempts(
                self.idempotent,
                http_request.clone(),
                client_request_id,
                BodyMode::Stream,
            )
            .instrument(span)
            .await?;
        let Sent {
            answer,
            attempts,
            client_request_id,
        } = sent;
        let Some(response) = answer.stream else {
            let version = self.target.version();
            let e = parse(
                self.decode,
                version,
                answer.status,
                &answer.headers,
                &answer.body,
            )
            .err()
            .unwrap_or_else(|| Error::InvalidArgument("the download has no body".into()));
            return Err(annotate(e, &client_request_id, attempts));
        };
        let ranges = answer
            .headers
            .get("accept-ranges")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("bytes"));
        // What identifies this version of the content, for `If-Range` when resuming.
        let validator = answer
            .headers
            .get(ETAG)
            .filter(|v| !v.as_bytes().starts_with(b"W/"))
            .or_else(|| answer.headers.get(LAST_MODIFIED))
            .cloned();
        Ok(Download {
            client,
            request: http_request,
            client_request_id,
            attempts,
            content_type: answer
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            content_length: response.content_length(),
            response: Some(response),
            received: 0,
            resumes: 0,
            ranges,
            validator,
        })
    }
}

/// A download under way: the body of a content answer, read piece by piece.
pub struct Download<'c> {
    client: &'c Client,
    /// The request, to resume with `Range`.
    request: http::Request<Vec<u8>>,
    client_request_id: String,
    attempts: u32,
    content_type: Option<String>,
    content_length: Option<u64>,
    response: Option<reqwest::Response>,
    received: u64,
    resumes: u32,
    ranges: bool,
    /// The strong `ETag` or the `Last-Modified` of the first answer, sent as `If-Range`.
    validator: Option<HeaderValue>,
}

impl std::fmt::Debug for Download<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .field("received", &self.received)
            .field("resumes", &self.resumes)
            .field("client_request_id", &self.client_request_id)
            .finish_non_exhaustive()
    }
}

impl<'c> Download<'c> {
    /// The content's length in bytes, when the server said (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The content's type, when the server said.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// How many times the download was resumed after a broken connection.
    pub fn resumes(&self) -> u32 {
        self.resumes
    }

    /// The next piece of the body, or `None` at its end. A connection that breaks (or ends
    /// short of `Content-Length`) is resumed from the first missing byte with `Range`, up to the
    /// retry policy's attempts, if the server said it takes ranges; otherwise it is an error.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            let Some(response) = self.response.as_mut() else {
                return Ok(None);
            };
            let broken = match tokio::time::timeout(self.client.timeout, response.chunk()).await {
                Ok(Ok(Some(bytes))) => {
                    self.received += bytes.len() as u64;
                    if self.content_length.is_some_and(|n| self.received > n) {
                        self.response = None;
                        return Err(Error::Transport {
                            message: format!(
                                "the download went past its length ({} bytes)",
                                self.content_length.unwrap_or_default()
                            ),
                            attempts: self.attempts,
                            client_request_id: self.client_request_id.clone(),
                        });
                    }
                    return Ok(Some(bytes));
                }
                Ok(Ok(None)) if self.content_length.is_none_or(|n| self.received >= n) => {
                    self.response = None;
                    return Ok(None);
                }
                Ok(Ok(None)) => "the connection closed early".to_string(),
                Ok(Err(e)) => super::attempt::error_chain(&e),
                Err(_) => format!("no data for {:?}", self.client.timeout),
            };
            self.resume(broken).await?;
        }
    }

    /// Asks for the rest of the body after a break.
    async fn resume(&mut self, broken: String) -> Result<(), Error> {
        self.response = None;
        let total = self
            .content_length
            .map_or(String::new(), |n| format!(" of {n}"));
        let (received, attempts, id) =
            (self.received, self.attempts, self.client_request_id.clone());
        let fail = move |why: String, more: u32| Error::Transport {
            message: format!(
                "the download broke after {received}{total} bytes ({broken}) and {why}"
            ),
            attempts: attempts + more,
            client_request_id: id.clone(),
        };
        if !self.ranges {
            return Err(fail("the server does not take ranges".into(), 0));
        }
        if self.resumes >= self.client.retry.max_attempts {
            return Err(fail(
                format!("was resumed {} times already", self.resumes),
                0,
            ));
        }
        self.resumes += 1;
        tracing::info!(
            from = self.received,
            resumes = self.resumes,
            "resuming a download"
        );
        let mut request = self.request.clone();
        let range = HeaderValue::from_str(&format!("bytes={}-", self.received))
            .expect("a range is a valid header value");
        request.headers_mut().insert(RANGE, range);
        if let Some(validator) = &self.validator {
            // The server answers the range only if the content is still the same version.
            request.headers_mut().insert(IF_RANGE, validator.clone());
        }
        let sent = self
            .client
            .attempts(
                true,
                request,
                self.client_request_id.clone(),
                BodyMode::Stream,
            )
            .await?;
        let answer = sent.answer;
        // `bytes <first>-<last>/<total>`: the missing range of the same content.
        let starts_here = answer
            .headers
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix(&format!("bytes {}-", self.received)))
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(_, total)| match self.content_length {
                Some(n) => total.trim() == n.to_string(),
                None => true,
            });
        match answer.stream {
            Some(response) if answer.status == StatusCode::PARTIAL_CONTENT && starts_here => {
                self.attempts += sent.attempts;
                self.response = Some(response);
                Ok(())
            }
            Some(_) => Err(fail(
                format!(
                    "the server answered the resumption with {} instead of the missing range",
                    answer.status
                ),
                sent.attempts,
            )),
            None => Err(fail(
                format!("the resumption was answered with {}", answer.status),
                sent.attempts,
            )),
        }
    }

    /// The body as a stream of pieces (see [`Self::chunk`]).
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + 'c {
        stream::try_unfold(self, |mut download| async move {
            Ok(download.chunk().await?.map(|bytes| (bytes, download)))
        })
    }

    /// Writes the whole body to `out`, piece by piece, and returns how many bytes it wrote.
    pub async fn write_to<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        out: &mut W,
    ) -> Result<u64, Error> {
        let mut written = 0;
        while let Some(bytes) = self.chunk().await? {
            out.write_all(&bytes)
                .await
                .map_err(|e| Error::InvalidArgument(format!("cannot write the download: {e}")))?;
            written += bytes.len() as u64;
        }
        out.flush()
            .await
            .map_err(|e| Error::InvalidArgument(format!("cannot write the download: {e}")))?;
        Ok(written)
    }
}
