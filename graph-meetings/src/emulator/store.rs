//! The emulator's one store: meetings with their attendance reports, recordings and
//! transcripts, createOrGet keys, the fault queue and revoked tokens, behind one mutex.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use serde_json::Value;
use time::OffsetDateTime;

use super::route::Kind;
use super::{Fault, MAX_MEETINGS};

/// A meeting and what hangs off it.
pub(super) struct Meeting {
    pub value: Arc<Value>,
    pub tenant: String,
    pub user: String,
    pub reports: Vec<Report>,
    pub recordings: Vec<Artifact>,
    pub transcripts: Vec<Artifact>,
}

impl Meeting {
    pub(super) fn new(value: Arc<Value>, tenant: &str, user: &str) -> Meeting {
        Meeting {
            value,
            tenant: tenant.to_string(),
            user: user.to_string(),
            reports: Vec::new(),
            recordings: Vec::new(),
            transcripts: Vec::new(),
        }
    }

    pub(super) fn artifacts(&self, kind: Kind) -> &[Artifact] {
        match kind {
            Kind::Transcripts => &self.transcripts,
            Kind::Recordings => &self.recordings,
        }
    }

    pub(super) fn join_url(&self) -> Option<&str> {
        self.value.get("joinWebUrl").and_then(Value::as_str)
    }

    fn stored_records(&self) -> usize {
        self.reports.iter().map(|r| r.records.stored()).sum()
    }
}

/// An attendance report and its records.
pub(super) struct Report {
    pub id: String,
    pub value: Arc<Value>,
    pub records: Records,
}

/// Attendance records: stored as compact JSON text, or made on demand from their index.
pub(super) enum Records {
    /// (id, the record as JSON text).
    Stored(Vec<(String, Box<str>)>),
    /// `count` records, record `i` made by `generated_record`.
    Generated { count: u64, start: OffsetDateTime },
}

impl Records {
    pub(super) fn len(&self) -> u64 {
        match self {
            Records::Stored(v) => v.len() as u64,
            Records::Generated { count, .. } => *count,
        }
    }

    fn stored(&self) -> usize {
        match self {
            Records::Stored(v) => v.len(),
            Records::Generated { .. } => 0,
        }
    }
}

/// A recording or transcript.
pub(super) struct Artifact {
    pub id: String,
    /// When it was added, in the store's sequence: delta tokens are positions in it.
    pub seq: u64,
    pub created: OffsetDateTime,
    pub value: Arc<Value>,
    pub content: Content,
}

pub(super) enum Content {
    /// Generated on the fly from the recording's id.
    Recording {
        size: u64,
    },
    Transcript {
        vtt: Bytes,
        metadata: Bytes,
    },
}

#[derive(Default)]
pub(super) struct Store {
    pub meetings: HashMap<String, Meeting>,
    /// Meeting ids, oldest first.
    pub order: VecDeque<String>,
    pub keys: HashMap<(String, String, String), String>,
    pub faults: VecDeque<Fault>,
    pub requests: u64,
    /// Tokens a claims challenge revoked.
    pub revoked: HashSet<String>,
    /// The last sequence number given to an artifact.
    pub seq: u64,
    /// Attendance records held as text, across all meetings.
    pub stored_records: usize,
}

impl Store {
    /// Keeps the meeting, forgetting the oldest (with its keys and artifacts) past
    /// `MAX_MEETINGS`.
    pub(super) fn insert(&mut self, id: String, meeting: Meeting) {
        while self.order.len() >= MAX_MEETINGS {
            match self.order.pop_front() {
                Some(old) => self.forget(&old),
                None => break,
            }
        }
        self.order.push_back(id.clone());
        self.meetings.insert(id, meeting);
    }

    /// Removes a meeting, its createOrGet key and everything under it.
    pub(super) fn remove(&mut self, id: &str) {
        self.order.retain(|o| o != id);
        self.forget(id);
    }

    fn forget(&mut self, id: &str) {
        if let Some(m) = self.meetings.remove(id) {
            self.stored_records -= m.stored_records();
        }
        self.keys.retain(|_, v| v != id);
    }
}

pub(super) fn lock(store: &Mutex<Store>) -> MutexGuard<'_, Store> {
    // A panic while holding the lock cannot leave the store half-written in a way that matters
    // to an emulator; keep serving.
    store.lock().unwrap_or_else(|e| e.into_inner())
}
