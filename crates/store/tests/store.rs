//! Store tests against a real RocksDB in a temporary directory.

use std::collections::BTreeMap;
use std::time::Duration;

use atomic_core::{Change, GitId, Origin, Signature};
use atomic_store::{
    CHANGES, IMPORT_STATE, IMPORT_STATE_KEY, ImportState, OPLOG, Operation, REFS, Store,
    StoreError, ref_edits,
};

fn sig() -> Signature {
    Signature {
        name: "T".into(),
        email: "t@example.com".into(),
        time_seconds: 1_700_000_000,
        offset_seconds: 3600,
    }
}

fn change(n: u8, parents: Vec<atomic_core::ChangeId>) -> Change {
    Change::new(
        parents,
        GitId([n; 20]),
        sig(),
        sig(),
        format!("change {n}"),
        Origin::Imported,
        vec![],
    )
}

fn operation(seq: u64, description: &str) -> Operation {
    Operation {
        seq,
        time_seconds: 5,
        description: description.into(),
        refs: BTreeMap::new(),
        session_id: None,
    }
}

#[test]
fn changes_refs_and_ops_survive_reopen() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("store");
    let a = change(1, vec![]);
    let b = change(2, vec![a.id]);
    {
        let store = Store::create(&path, Duration::ZERO)?;
        let mut lock = store.lock();
        let mut tx = lock.transaction();
        tx.put_change(&a);
        tx.put_change(&b);
        tx.put(REFS, &"refs/heads/main".to_owned(), &b.git_commit);
        tx.put(
            IMPORT_STATE,
            &IMPORT_STATE_KEY.to_owned(),
            &ImportState::Complete,
        );
        let before = BTreeMap::new();
        let after = BTreeMap::from([("refs/heads/main".to_owned(), b.git_commit)]);
        let seq = tx.append_with(OPLOG, |seq| Operation {
            refs: ref_edits(&before, &after),
            ..operation(seq, "import")
        })?;
        assert_eq!(seq, 1);
        tx.commit()?;
    }
    let store = Store::open(&path, Duration::ZERO)?;
    assert_eq!(store.change(&b.id)?, Some(b.clone()));
    assert_eq!(store.change_by_commit(&a.git_commit)?, Some(a.id));
    assert_eq!(store.refs()?["refs/heads/main"], b.git_commit);
    assert_eq!(store.import_state()?, Some(ImportState::Complete));
    assert_eq!(store.count(CHANGES)?, 2);
    let mut lock = store.lock();
    let mut tx = lock.transaction();
    assert_eq!(tx.append_with(OPLOG, |seq| operation(seq, "second"))?, 2);
    assert_eq!(tx.append_with(OPLOG, |seq| operation(seq, "third"))?, 3);
    tx.commit()?;
    // A transaction dropped without commit takes no numbers.
    let mut tx = lock.transaction();
    assert_eq!(tx.append_with(OPLOG, |seq| operation(seq, "dropped"))?, 4);
    drop(tx);
    let mut tx = lock.transaction();
    assert_eq!(tx.append_with(OPLOG, |seq| operation(seq, "fourth"))?, 4);
    tx.commit()?;
    drop(lock);
    let ops = store.operations()?;
    assert_eq!(
        ops.iter().map(|o| o.seq).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    assert_eq!(ops[0].refs["refs/heads/main"].after, Some(b.git_commit));
    Ok(())
}

#[test]
fn transactions_from_many_threads_number_the_log_without_gaps() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::create(&dir.path().join("s"), Duration::ZERO)?;
    std::thread::scope(|scope| {
        for t in 0..8 {
            let store = &store;
            scope.spawn(move || {
                for i in 0..25 {
                    let mut lock = store.lock();
                    let mut tx = lock.transaction();
                    tx.append_with(OPLOG, |seq| operation(seq, &format!("{t}.{i}")))
                        .expect("appends");
                    tx.commit().expect("commits");
                }
            });
        }
    });
    let seqs: Vec<u64> = store.operations()?.iter().map(|o| o.seq).collect();
    assert_eq!(seqs, (1..=200).collect::<Vec<u64>>());
    Ok(())
}

#[test]
fn prefixes_resolve_or_say_why_not() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::create(&dir.path().join("s"), Duration::ZERO)?;
    let changes: Vec<Change> = (0..40).map(|n| change(n, vec![])).collect();
    let mut batch = store.batch();
    changes.iter().for_each(|c| batch.put_change(c));
    store.write(batch)?;
    for c in &changes {
        assert_eq!(store.resolve_change_prefix(&c.id.short())?, c.id);
        assert_eq!(store.resolve_change_prefix(&c.id.to_hex())?, c.id);
    }
    assert!(matches!(
        store.resolve_change_prefix(""),
        Err(StoreError::UnknownChange { .. })
    ));
    assert!(matches!(
        store.resolve_change_prefix("zz"),
        Err(StoreError::UnknownChange { .. })
    ));
    // 40 ids over 16 first digits: some single digit is shared.
    let shared = (0..16)
        .map(|d| format!("{d:x}"))
        .find(|d| {
            changes
                .iter()
                .filter(|c| c.id.to_hex().starts_with(d))
                .count()
                > 1
        })
        .expect("pigeonhole");
    assert!(matches!(
        store.resolve_change_prefix(&shared),
        Err(StoreError::AmbiguousChange { .. })
    ));
    Ok(())
}

#[test]
fn a_second_opener_waits_then_gets_a_lock_error() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s");
    let _held = Store::create(&path, Duration::ZERO)?;
    let started = std::time::Instant::now();
    let err = Store::open(&path, Duration::from_millis(200))
        .err()
        .expect("the lock is held");
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(200));
    Ok(())
}

#[test]
fn create_refuses_an_existing_store_and_open_a_missing_one() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s");
    assert!(matches!(
        Store::open(&path, Duration::ZERO),
        Err(StoreError::Missing { .. })
    ));
    drop(Store::create(&path, Duration::ZERO)?);
    assert!(matches!(
        Store::create(&path, Duration::ZERO),
        Err(StoreError::AlreadyExists { .. })
    ));
    Ok(())
}
