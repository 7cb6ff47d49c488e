//! The drift allow-list: the differences that are meant, each with its reason.
//!
//! One entry a line, `KEY # reason`. `KEY` is a difference key exactly as `cargo xtask drift`
//! prints it, or a prefix of keys ending in `*` (`only-ours path /me/*`); there is no other
//! pattern syntax. The reason (the text after the first ` # `) must not be empty. Blank lines
//! and lines starting with `#` are comments. A difference is allowed by the first entry that
//! matches it; an entry that allows no difference (none matches, or earlier entries took them
//! all) is stale, and the check fails, so the list stays true.

use std::path::{Path, PathBuf};

use super::DriftError;

/// One allow-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line in the file.
    pub line: usize,
    /// The key, or the prefix when [`Entry::prefix`] is set (without its `*`).
    pub key: String,
    /// Whether the key ends in `*` and matches by prefix.
    pub prefix: bool,
    /// Why the difference is allowed.
    pub reason: String,
}

impl Entry {
    /// Whether this entry allows the difference `key`.
    pub fn matches(&self, key: &str) -> bool {
        if self.prefix {
            key.starts_with(&self.key)
        } else {
            key == self.key
        }
    }
}

/// A parsed allow-list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    /// The file, for messages.
    pub file: PathBuf,
    /// Entries in file order.
    pub entries: Vec<Entry>,
}

impl AllowList {
    /// Reads and parses an allow-list file.
    pub fn load(file: &Path) -> Result<AllowList, DriftError> {
        let text = std::fs::read_to_string(file).map_err(|source| DriftError::Read {
            file: file.to_owned(),
            source,
        })?;
        AllowList::parse(file, &text)
    }

    /// Parses `text` as the contents of `file`; entries without a reason are an error naming
    /// every such line.
    pub fn parse(file: &Path, text: &str) -> Result<AllowList, DriftError> {
        let mut entries = Vec::new();
        let mut unreasoned = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, reason) = match line.split_once(" # ") {
                Some((k, r)) if !r.trim().is_empty() => (k.trim(), r.trim()),
                _ => {
                    unreasoned.push(i + 1);
                    continue;
                }
            };
            let (key, prefix) = match key.strip_suffix('*') {
                Some(k) => (k, true),
                None => (key, false),
            };
            entries.push(Entry {
                line: i + 1,
                key: key.to_string(),
                prefix,
                reason: reason.to_string(),
            });
        }
        if !unreasoned.is_empty() {
            return Err(DriftError::Unreasoned {
                file: file.to_owned(),
                lines: unreasoned,
            });
        }
        Ok(AllowList {
            file: file.to_owned(),
            entries,
        })
    }
}

/// The outcome of a drift check: every difference with the entry that allows it, and the stale
/// entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Every difference, sorted, with the allow entry that matched it (the first in the file).
    pub differences: Vec<(String, Option<Entry>)>,
    /// Entries that matched no difference.
    pub stale: Vec<Entry>,
}

impl Report {
    /// Matches `differences` against `allow`.
    pub fn new(differences: Vec<String>, allow: &AllowList) -> Report {
        let mut used = vec![false; allow.entries.len()];
        let differences = differences
            .into_iter()
            .map(|key| {
                let hit = allow.entries.iter().position(|e| e.matches(&key));
                if let Some(i) = hit {
                    used[i] = true;
                }
                (key, hit.map(|i| allow.entries[i].clone()))
            })
            .collect();
        let stale = allow
            .entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(e, _)| e.clone())
            .collect();
        Report { differences, stale }
    }

    /// The differences no entry allows.
    pub fn unallowed(&self) -> impl Iterator<Item = &str> {
        self.differences
            .iter()
            .filter(|(_, e)| e.is_none())
            .map(|(k, _)| k.as_str())
    }

    /// No unallowed difference and no stale entry.
    pub fn passed(&self) -> bool {
        self.unallowed().next().is_none() && self.stale.is_empty()
    }
}
