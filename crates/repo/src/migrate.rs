//! Store migrations: a store written by an older atomic is rewritten in place, in one
//! batch, the first time a newer atomic opens it.
//!
//! Schema 1 → 2: op log entries keep ref edits instead of every ref before and after;
//! events and sessions take the shared vocabulary (`session_id`, `change_id`, `path`) and
//! sessions record their last activity; overlay entries record their size and time; claims
//! are keyed by path first (`touched` becomes `claims`). Contents are unchanged. Stored verify reports are dropped (they
//! are recomputed by the next `session verify`).

use std::collections::{BTreeMap, BTreeSet};

use atomic_core::{ChangeId, GitId};
use atomic_session::tables::{BLOBS, CLAIMS, EVENTS, OVERLAY, SESSIONS};
use atomic_session::{Event, EventKind, OverlayEntry, Session, SessionMode};
use atomic_store::{Bytes, OPLOG, Operation, Store, Table, cf, ref_edits};
use serde::{Deserialize, Serialize};

use crate::Result;

#[derive(Serialize, Deserialize)]
struct OperationV1 {
    seq: u64,
    time_seconds: i64,
    description: String,
    refs_before: BTreeMap<String, GitId>,
    refs_after: BTreeMap<String, GitId>,
}

#[derive(Serialize, Deserialize)]
struct EventV1 {
    seq: u64,
    change: String,
    commit: String,
    session: Option<String>,
    agent: Option<String>,
    file: String,
    symbol: String,
    kind: String,
    time_seconds: i64,
}

#[derive(Serialize, Deserialize)]
enum OverlayEntryV1 {
    Written {
        mode: atomic_core::FileMode,
        content_hash: String,
    },
    Deleted,
}

#[derive(Serialize, Deserialize)]
struct SessionV1 {
    id: String,
    agent: String,
    intent: Option<String>,
    branch: String,
    base_commit: GitId,
    base_change: ChangeId,
    mode: SessionMode,
    token_hash: String,
    created_seconds: i64,
}

const OPLOG_V1: Table<u64, OperationV1> = Table::new(cf::OPLOG);
const EVENTS_V1: Table<u64, EventV1> = Table::new(cf::EVENTS);
const SESSIONS_V1: Table<String, SessionV1> = Table::new(cf::SESSIONS);
const TOUCHED_V1: Table<(String, String), BTreeSet<String>> = Table::new(cf::LEGACY_TOUCHED);
const OVERLAY_V1: Table<(String, String), OverlayEntryV1> = Table::new(cf::OVERLAY);
const META_RAW: Table<String, Bytes> = Table::new(cf::META);

/// Rewrites a schema 1 store as schema 2, in one batch, then sets the version.
pub(crate) fn v1_to_v2(store: &Store) -> Result<()> {
    let mut batch = store.batch();
    for (seq, op) in store.list(OPLOG_V1, b"")? {
        let new = Operation {
            seq,
            time_seconds: op.time_seconds,
            description: op.description,
            refs: ref_edits(&op.refs_before, &op.refs_after),
            session_id: None,
        };
        batch.put(OPLOG, &seq, &new);
    }
    for (seq, e) in store.list(EVENTS_V1, b"")? {
        let kind = match e.kind.as_str() {
            "added" => EventKind::Added,
            "deleted" => EventKind::Deleted,
            "renamed" => EventKind::Renamed,
            _ => EventKind::Modified,
        };
        let new = Event {
            seq,
            change_id: e.change,
            commit: e.commit,
            session_id: e.session,
            agent: e.agent,
            path: e.file,
            symbol: e.symbol,
            kind,
            time_seconds: e.time_seconds,
        };
        batch.put(EVENTS, &seq, &new);
    }
    for (id, s) in store.list(SESSIONS_V1, b"")? {
        let new = Session {
            id: s.id,
            agent: s.agent,
            intent: s.intent,
            branch: s.branch,
            base_commit: s.base_commit,
            base_change: s.base_change,
            mode: s.mode,
            token_hash: s.token_hash,
            created_seconds: s.created_seconds,
            active_seconds: s.created_seconds,
            based_seconds: s.created_seconds,
            last_submit: None,
            ended: false,
            mount: None,
        };
        batch.put(SESSIONS, &id, &new);
    }
    for (key, entry) in store.list(OVERLAY_V1, b"")? {
        let new = match entry {
            OverlayEntryV1::Deleted => OverlayEntry::Deleted,
            OverlayEntryV1::Written { mode, content_hash } => {
                let size = store
                    .get(BLOBS, &content_hash)?
                    .map_or(0, |b| b.0.len() as u64);
                OverlayEntry::Written {
                    mode,
                    content_hash,
                    size,
                    time_ns: 0,
                }
            }
        };
        batch.put(OVERLAY, &key, &new);
    }
    for ((session, path), symbols) in store.list(TOUCHED_V1, b"")? {
        batch.put(CLAIMS, &(path.clone(), session.clone()), &symbols);
        batch.delete(TOUCHED_V1, &(session, path));
    }
    let mut reports = Vec::new();
    store.scan_keys_from(META_RAW, b"verify.", |key: String| {
        let more = key.starts_with("verify.");
        if more {
            reports.push(key);
        }
        more
    })?;
    for key in reports {
        batch.delete(META_RAW, &key);
    }
    store.write(batch)?;
    store.set_schema_version(2)?;
    Ok(())
}
