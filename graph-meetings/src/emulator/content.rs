//! Content bodies: recordings generated on the fly, stored transcript bytes, `Range` requests,
//! and the fault that cuts a body short.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt as _;

use super::respond::error;

/// How many bytes of a generated recording one chunk of the body holds.
const CHUNK: u64 = 64 * 1024;

/// The bytes of the recording `recording_id` from `offset`, `len` of them: the same on every
/// call, so a test can check a download without the emulator keeping the recording.
///
/// The content is a keyed sequence of 8-byte blocks (block `i` is a mix of a hash of the id and
/// `i`), so any range is computed directly, without the bytes before it.
///
/// ```
/// use graph_meetings::emulator::recording_bytes;
///
/// let whole = recording_bytes("rec-1", 0, 100);
/// assert_eq!(recording_bytes("rec-1", 37, 10), whole[37..47]);
/// assert_ne!(recording_bytes("rec-2", 0, 100), whole);
/// ```
pub fn recording_bytes(recording_id: &str, offset: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    fill(key(recording_id), offset, len, &mut out);
    out
}

/// The FNV-1a hash of the id: the key of its content.
pub(super) fn key(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: block `index` of the content keyed by `key`.
fn block(key: u64, index: u64) -> [u8; 8] {
    let mut z = key ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)).to_le_bytes()
}

fn fill(key: u64, offset: u64, len: usize, out: &mut Vec<u8>) {
    let mut pos = offset;
    let end = offset.saturating_add(len as u64);
    while pos < end {
        let b = block(key, pos / 8);
        let from = (pos % 8) as usize;
        let take = (8 - from).min((end - pos) as usize);
        out.extend_from_slice(&b[from..from + take]);
        pos += take as u64;
    }
}

/// What a content body is made of.
pub(super) enum Source {
    /// A recording: `size` bytes generated from the id's key.
    Generated { key: u64, size: u64 },
    /// Bytes the store holds (transcripts).
    Stored(Bytes),
}

impl Source {
    fn size(&self) -> u64 {
        match self {
            Source::Generated { size, .. } => *size,
            Source::Stored(b) => b.len() as u64,
        }
    }
}

/// The byte range a `Range` header asks for, inclusive, if it is one we serve.
enum Wanted {
    All,
    Part(u64, u64),
    Unsatisfiable,
}

/// `bytes=a-b`, `bytes=a-` and `bytes=-n`. Several ranges, other units and syntax errors are
/// ignored (the whole body is sent), as RFC 9110 allows.
fn wanted(headers: &HeaderMap, size: u64) -> Wanted {
    let Some(spec) = headers
        .get("range")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Wanted::All;
    };
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Wanted::All;
    };
    let (a, b) = (a.trim(), b.trim());
    let parse = |s: &str| s.parse::<u64>().ok();
    match (a.is_empty(), b.is_empty()) {
        (true, false) => match parse(b) {
            Some(0) => Wanted::Unsatisfiable,
            Some(_) if size == 0 => Wanted::Unsatisfiable,
            Some(n) => Wanted::Part(size.saturating_sub(n), size - 1),
            None => Wanted::All,
        },
        (false, _) => {
            let Some(start) = parse(a) else {
                return Wanted::All;
            };
            let end = if b.is_empty() {
                Some(u64::MAX)
            } else {
                parse(b)
            };
            match end {
                None => Wanted::All,
                Some(end) if end < start => Wanted::All,
                Some(_) if start >= size => Wanted::Unsatisfiable,
                Some(end) => Wanted::Part(start, end.min(size - 1)),
            }
        }
        (true, true) => Wanted::All,
    }
}

/// 200 with the whole content or 206 with the range asked for (416 when it lies past the end),
/// always with `Content-Length` and `Accept-Ranges: bytes`. Generated content streams in
/// 64 KiB chunks, so no size is held in memory.
pub(super) fn respond(headers: &HeaderMap, source: Source, content_type: &'static str) -> Response {
    let size = source.size();
    let (status, start, end) = match wanted(headers, size) {
        Wanted::All => (StatusCode::OK, 0, size),
        Wanted::Part(a, b) => (StatusCode::PARTIAL_CONTENT, a, b + 1),
        Wanted::Unsatisfiable => {
            let mut r = error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "RequestedRangeNotSatisfiable",
                "The range lies outside the content.",
            );
            insert(&mut r, "content-range", format!("bytes */{size}"));
            insert(&mut r, "accept-ranges", "bytes".into());
            return r;
        }
    };
    let body = match source {
        Source::Stored(bytes) => Body::from(bytes.slice(start as usize..end as usize)),
        Source::Generated { key, .. } => {
            let stream = futures_util::stream::unfold(start, move |pos| async move {
                if pos >= end {
                    return None;
                }
                let len = CHUNK.min(end - pos);
                let mut chunk = Vec::with_capacity(len as usize);
                fill(key, pos, len as usize, &mut chunk);
                Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), pos + len))
            });
            Body::from_stream(stream)
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    insert(&mut response, "content-type", content_type.into());
    insert(&mut response, "content-length", (end - start).to_string());
    insert(&mut response, "accept-ranges", "bytes".into());
    if status == StatusCode::PARTIAL_CONTENT {
        let range = format!("bytes {start}-{}/{size}", end - 1);
        insert(&mut response, "content-range", range);
    }
    response
}

fn insert(response: &mut Response, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(name, v);
    }
}

/// How long a cut body waits, after its last byte, before dropping the connection: time for
/// the server to flush what it has queued, so the client receives exactly the bytes promised.
const FLUSH_BEFORE_DROP: std::time::Duration = std::time::Duration::from_millis(100);

/// The answer with its body cut after `after` bytes: the connection is closed mid-body while
/// the headers (and `Content-Length`) still promise the whole.
pub(super) fn cut(response: Response, after: u64) -> Response {
    enum Stage {
        Sending,
        Dropping,
        Done,
    }
    let (parts, body) = response.into_parts();
    let start = if after == 0 {
        Stage::Dropping
    } else {
        Stage::Sending
    };
    let stream = futures_util::stream::unfold(
        (body.into_data_stream(), after, start),
        move |(mut inner, left, stage)| async move {
            match stage {
                Stage::Done => None,
                Stage::Dropping => {
                    if after > 0 {
                        tokio::time::sleep(FLUSH_BEFORE_DROP).await;
                    }
                    let e = std::io::Error::other("connection dropped by fault injection");
                    Some((Err(e), (inner, 0, Stage::Done)))
                }
                Stage::Sending => match inner.next().await {
                    None => None,
                    Some(Err(e)) => Some((Err(std::io::Error::other(e)), (inner, 0, Stage::Done))),
                    Some(Ok(mut chunk)) => {
                        let keep = left.min(chunk.len() as u64);
                        chunk.truncate(keep as usize);
                        let rest = left - keep;
                        let next = if rest == 0 {
                            Stage::Dropping
                        } else {
                            Stage::Sending
                        };
                        Some((Ok(chunk), (inner, rest, next)))
                    }
                },
            }
        },
    );
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_window_matches_the_whole() {
        let whole = recording_bytes("r", 0, 1000);
        for (offset, len) in [(0, 0), (1, 7), (7, 9), (8, 8), (13, 500), (999, 1)] {
            let part = recording_bytes("r", offset, len);
            assert_eq!(part, whole[offset as usize..offset as usize + len]);
        }
    }

    #[test]
    fn ranges() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert("range", v.parse().unwrap());
            wanted(&m, 100)
        };
        assert!(matches!(h("bytes=0-9"), Wanted::Part(0, 9)));
        assert!(matches!(h("bytes=90-"), Wanted::Part(90, 99)));
        assert!(matches!(h("bytes=90-500"), Wanted::Part(90, 99)));
        assert!(matches!(h("bytes=-10"), Wanted::Part(90, 99)));
        assert!(matches!(h("bytes=-1000"), Wanted::Part(0, 99)));
        assert!(matches!(h("bytes=100-"), Wanted::Unsatisfiable));
        assert!(matches!(h("bytes=-0"), Wanted::Unsatisfiable));
        assert!(matches!(h("bytes=5-2"), Wanted::All));
        assert!(matches!(h("bytes=0-1,5-6"), Wanted::All));
        assert!(matches!(h("items=0-1"), Wanted::All));
    }
}
