//! Reading a response body within a size limit and a deadline, chunk by chunk, so that memory
//! stays bounded however much a server sends.

use tokio::time::Instant;

pub(super) enum ReadError {
    Timeout,
    Transport(reqwest::Error),
    /// Past the limit; `announced` is the `Content-Length` when that alone said so.
    TooLarge {
        announced: Option<u64>,
    },
}

/// The body, at most `limit` bytes, before `deadline`.
pub(super) async fn read(
    mut response: reqwest::Response,
    limit: u64,
    deadline: Instant,
) -> Result<Vec<u8>, ReadError> {
    let announced = response.content_length();
    if let Some(n) = announced.filter(|n| *n > limit) {
        return Err(ReadError::TooLarge { announced: Some(n) });
    }
    // Trust a Content-Length for the first allocation only up to 1 MiB.
    let mut body = Vec::with_capacity(announced.unwrap_or(0).min(1 << 20) as usize);
    loop {
        match tokio::time::timeout_at(deadline, response.chunk()).await {
            Err(_) => return Err(ReadError::Timeout),
            Ok(Err(e)) => return Err(ReadError::Transport(e)),
            Ok(Ok(None)) => return Ok(body),
            Ok(Ok(Some(chunk))) => {
                if (body.len() + chunk.len()) as u64 > limit {
                    // Dropping the response closes the connection: nothing more is read.
                    return Err(ReadError::TooLarge { announced: None });
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
}
