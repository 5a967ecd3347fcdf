use super::*;

/// An empty store in a directory of its own (dynamis-`name`-pid): the directory, the
/// store's path, the store.
fn fresh_store(name: &str) -> (std::path::PathBuf, std::path::PathBuf, Store) {
    let dir = std::env::temp_dir().join(format!("dynamis-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("store.redb");
    let _ = std::fs::remove_file(&path);
    let store = Store::open(&path).expect("open");
    (dir, path, store)
}

/// The items per state, counted the slow way: every batch read.
fn scanned(store: &Store, batches: u64) -> [u64; 6] {
    let mut n = [0u64; 6];
    for id in 0..batches {
        let row = store.batch(id).expect("read").expect("batch");
        let slot = match row.state {
            BatchState::Verified => 0,
            BatchState::Sent { .. } => 1,
            BatchState::Attested { .. } => 2,
            BatchState::Final { .. } => 3,
            BatchState::Rejected { .. } => 4,
            BatchState::Failed { .. } => 5,
            BatchState::Requeued { .. } => continue,
        };
        n[slot] += row.items;
    }
    n
}

fn kept(s: &Stats) -> [u64; 6] {
    [
        s.verified, s.sent, s.attested, s.r#final, s.rejected, s.failed,
    ]
}

#[test]
fn the_kept_counts_are_the_batches_counted_one_by_one_after_every_move() {
    let (dir, path, store) = fresh_store("counts");
    let mut rng = 7u64;
    let mut next = || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        rng >> 33
    };
    let mut batches = 0u64;
    for step in 0..300u64 {
        match next() % 4 {
            0 | 1 => {
                let items = 1 + next() % 50;
                let row = BatchRow {
                    root: [step as u8; 32],
                    items,
                    valid: [0; 5],
                    regime: dynamis_proofs::Regime::Session,
                    created_ms: 0,
                    state: BatchState::Verified,
                };
                let digests: Vec<[u8; 32]> = (0..items)
                    .map(|i| {
                        let mut d = [0u8; 32];
                        d[..8].copy_from_slice(&step.to_le_bytes());
                        d[8..16].copy_from_slice(&i.to_le_bytes());
                        d
                    })
                    .collect();
                let batch_items = BatchItems {
                    valid: vec![true; digests.len()],
                    received_ms: vec![0; digests.len()],
                    digests,
                };
                let levels = crate::batch::levels_of(&batch_items.digests, &batch_items.valid);
                store
                    .commit_batch(&[], &row, &batch_items, &levels)
                    .expect("batch");
                batches += 1;
            }
            2 if batches > 0 => {
                let id = next() % batches;
                let state = match next() % 5 {
                    0 => BatchState::Attested {
                        id,
                        block: 1,
                        tx: [0; 32],
                    },
                    1 => BatchState::Final { id },
                    2 => BatchState::Rejected { id },
                    3 => BatchState::Failed {
                        reason: "test".into(),
                    },
                    _ => BatchState::Verified,
                };
                store.set_state(id, state).expect("move");
            }
            _ => {
                store.requeue_failed().expect("requeue");
            }
        }
        assert_eq!(
            kept(&store.stats().expect("stats")),
            scanned(&store, batches),
            "step {step}"
        );
    }
    // A store whose counts were never kept (older than them) is counted once on opening.
    {
        let w = store.db.begin_write().expect("write");
        w.delete_table(COUNTS).expect("drop counts");
        w.open_table(META)
            .expect("meta")
            .insert(COUNTS_READY, 0)
            .expect("reset");
        w.commit().expect("commit");
    }
    drop(store);
    let store = Store::open(&path).expect("reopen");
    assert_eq!(
        kept(&store.stats().expect("stats")),
        scanned(&store, batches)
    );
    assert!(kept(&store.stats().expect("stats")).iter().sum::<u64>() > 0);
    std::fs::remove_dir_all(&dir).expect("clean");
}

#[test]
fn accept_keeps_arrival_order_in_the_queue_and_the_first_of_a_repeated_digest() {
    let (dir, _, store) = fresh_store("accept");
    store.accept(&[([5; 32], vec![5])], 1).expect("accept");
    // Digests out of order, one already stored (5), one given twice (3).
    let keyed: Vec<([u8; 32], Vec<u8>)> = [9u8, 3, 5, 1, 3, 7]
        .iter()
        .map(|&d| ([d; 32], vec![d, d]))
        .collect();
    let fresh = store.accept(&keyed, 2).expect("accept");
    assert_eq!(fresh, vec![true, true, false, true, false, true]);
    let queued: Vec<u8> = store
        .peek_queue(100, usize::MAX)
        .expect("peek")
        .items
        .iter()
        .map(|(_, digest, _)| digest[0])
        .collect();
    assert_eq!(queued, vec![5, 9, 3, 1, 7]);
    // The row written without building an `ItemRow` decodes as one.
    assert_eq!(
        store.item(&[9; 32]).expect("read"),
        Some(ItemRow {
            item: vec![9, 9],
            received_ms: 2
        })
    );
    assert_eq!(
        store.item(&[5; 32]).expect("read").map(|r| r.received_ms),
        Some(1)
    );
    std::fs::remove_dir_all(&dir).expect("clean");
}

#[test]
fn pruning_drops_finished_batches_items_in_order_and_waits_at_a_failed_one() {
    let (dir, _, store) = fresh_store("prune");
    // Five batches of three items, created at 0, 10, 20, 30, 40 ms.
    let mut digests = Vec::new();
    for b in 0..5u8 {
        let keyed: Vec<([u8; 32], Vec<u8>)> =
            (0..3u8).map(|i| ([b * 10 + i; 32], vec![b, i])).collect();
        store.accept(&keyed, 0).expect("accept");
        let seqs: Vec<u64> = store
            .peek_queue(3, usize::MAX)
            .expect("peek")
            .items
            .iter()
            .map(|e| e.0)
            .collect();
        let row = BatchRow {
            root: [100 + b; 32],
            items: 3,
            valid: [0; 5],
            regime: dynamis_proofs::Regime::Session,
            created_ms: u64::from(b) * 10,
            state: BatchState::Verified,
        };
        let list = BatchItems {
            digests: keyed.iter().map(|(d, _)| *d).collect(),
            valid: vec![true; 3],
            received_ms: vec![0; 3],
        };
        let levels = crate::batch::levels_of(&list.digests, &list.valid);
        let id = store
            .commit_batch(&seqs, &row, &list, &levels)
            .expect("batch");
        digests.push(list.digests);
        let state = match b {
            0 => BatchState::Final { id: 0 },
            1 => BatchState::Rejected { id: 1 },
            2 => BatchState::Failed {
                reason: "test".into(),
            },
            _ => BatchState::Final { id: u64::from(b) },
        };
        store.set_state(id, state).expect("state");
    }
    // Co-signatures given at 5, 34 and 36 ms.
    let given = |root: u8| -> bool {
        let r = store.db.begin_read().expect("read");
        let table = r.open_table(COSIGNED).expect("table");
        let found = table.get([root; 32].as_slice()).expect("get").is_some();
        found
    };
    for (root, signed_ms) in [(7u8, 5u64), (8, 34), (9, 36)] {
        let attestation = dynamis_proofs::Attestation {
            epoch: 0,
            root: [root; 32],
            items: 1,
            valid: [0; 5],
            regime: dynamis_proofs::Regime::Session,
        };
        store
            .cosigned(&CoSigned {
                attestation,
                signed_ms,
            })
            .expect("cosigned");
    }
    let before = store.stats().expect("stats");
    assert_eq!(before.cosigned, 3);
    // Everything older than 35 ms may go: batches 0 and 1 do, the failed batch 2 stops
    // the pruner (3 waits behind it although it is old enough); the co-signatures of 5 and
    // 34 ms go, the one of 36 ms stays, and the count of those given stays 3.
    assert_eq!(store.prune(35, 100).expect("prune"), (2, 6));
    assert_eq!((given(7), given(8), given(9)), (false, false, true));
    for d in digests[0].iter().chain(&digests[1]) {
        assert_eq!(store.item(d).expect("read"), None);
        assert_eq!(store.place(d).expect("read"), None);
    }
    assert_eq!(store.batch_items(0).expect("read"), None);
    assert_eq!(store.batch_of_root(&[100; 32]).expect("read"), None);
    // The pruned batches' tree levels went with them; a kept batch's stay.
    for id in [0, 1] {
        assert_eq!(store.path(id, 0, 3, &[100; 32]).expect("read"), None);
    }
    assert!(store.path(3, 2, 3, &[103; 32]).expect("read").is_some());
    assert!(store.item(&digests[3][0]).expect("read").is_some());
    // Counts and rows stay.
    assert_eq!(store.stats().expect("stats"), before);
    assert!(store.batch(0).expect("read").is_some());
    // Nothing more while batch 2 waits for the operator.
    assert_eq!(store.prune(35, 100).expect("prune"), (0, 0));
    // Requeued, its list goes; batch 3 (30 ms) follows; batch 4 (40 ms) is too new. Batch
    // 2's items live on in the queue.
    assert_eq!(store.requeue_failed().expect("requeue").len(), 1);
    assert_eq!(store.prune(35, 100).expect("prune"), (2, 3));
    assert!(store.item(&digests[2][0]).expect("read").is_some());
    assert_eq!(store.item(&digests[3][0]).expect("read"), None);
    assert!(store.item(&digests[4][0]).expect("read").is_some());
    // At most `max` per call.
    assert_eq!(store.prune(u64::MAX, 0).expect("prune"), (0, 0));
    // A pruned item submitted again is a new item.
    assert_eq!(
        store
            .accept(&[(digests[0][0], vec![0, 0])], 99)
            .expect("accept"),
        vec![true]
    );
    std::fs::remove_dir_all(&dir).expect("clean");
}

#[test]
fn a_kept_path_is_the_trees_own_for_every_item_of_every_size() {
    let (dir, _, store) = fresh_store("paths");
    // Past one chunk (64 hashes) at the leaves (70, 129) and one level up (300).
    for n in (1..=70u64).chain([129, 300]) {
        let digests: Vec<[u8; 32]> = (0..n)
            .map(|i| {
                let mut d = [0u8; 32];
                d[..8].copy_from_slice(&(n * 1_000 + i).to_le_bytes());
                d
            })
            .collect();
        let valid: Vec<bool> = (0..n).map(|i| (i * 7 + n) % 3 != 0).collect();
        let verdicts: Vec<dynamis_proofs::Verdict> = valid
            .iter()
            .map(|v| dynamis_proofs::Verdict::of(*v))
            .collect();
        let tree = crate::batch::tree_of(&digests, &verdicts);
        let row = BatchRow {
            root: tree.root(),
            items: n,
            valid: [0; 5],
            regime: dynamis_proofs::Regime::Session,
            created_ms: 0,
            state: BatchState::Verified,
        };
        let list = BatchItems {
            digests: digests.clone(),
            valid: valid.clone(),
            received_ms: vec![0; digests.len()],
        };
        let levels = crate::batch::levels_of(&list.digests, &list.valid);
        let id = store
            .commit_batch(&[], &row, &list, &levels)
            .expect("batch");
        for index in 0..n {
            let (leaf, kept) = store
                .path(id, index, n, &row.root)
                .expect("read")
                .expect("kept");
            assert_eq!(Some(leaf), tree.leaf(index), "n {n} index {index}");
            assert_eq!(Some(kept), tree.proof(index), "n {n} index {index}");
        }
        assert_eq!(store.path(id, n, n, &row.root).expect("read"), None);
    }
    std::fs::remove_dir_all(&dir).expect("clean");
}
