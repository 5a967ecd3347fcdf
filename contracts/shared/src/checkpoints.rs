//! Per-account history of one value (a balance, a bond), kept as `(block, value)` checkpoints:
//! the value an account had at the end of any past block is read back by binary search. The
//! governance contract reads voting power at a proposal's snapshot block from these, never
//! from live balances (so moving tokens after the snapshot changes nothing).
//!
//! A value written twice in one block keeps only the last write: a reader asking for block
//! `b` sees the value at the end of `b`. Reads at a block that has not ended yet (the current
//! one) are the caller's mistake to avoid: governance snapshots at `created − 1`.

use ink::{primitives::AccountId, storage::Mapping};

/// One checkpoint: from the end of `block` on, the value was `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Checkpoint {
    pub block: u32,
    pub value: u128,
}

/// Checkpoints per account, oldest first.
#[ink::storage_item]
#[derive(Debug, Default)]
pub struct Checkpoints {
    count: Mapping<AccountId, u32>,
    entries: Mapping<(AccountId, u32), Checkpoint>,
}

impl Checkpoints {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of checkpoints of `account`.
    pub fn len(&self, account: AccountId) -> u32 {
        self.count.get(account).unwrap_or(0)
    }

    /// Whether `account` has no history.
    pub fn is_empty(&self, account: AccountId) -> bool {
        self.len(account) == 0
    }

    fn at(&self, account: AccountId, index: u32) -> Checkpoint {
        self.entries.get((account, index)).unwrap_or_default()
    }

    /// The latest checkpoint, if any.
    pub fn last(&self, account: AccountId) -> Option<Checkpoint> {
        let n = self.len(account);
        n.checked_sub(1).map(|i| self.at(account, i))
    }

    /// The value now (0 without history).
    pub fn latest(&self, account: AccountId) -> u128 {
        self.last(account).map(|c| c.value).unwrap_or(0)
    }

    /// Records that `account`'s value is `value` from block `block` on. A second write in
    /// the same block overwrites the first; a write for an earlier block than the last one
    /// is a caller error and is recorded at the last block instead (time only moves on).
    pub fn record(&mut self, account: AccountId, block: u32, value: u128) {
        let n = self.len(account);
        match n.checked_sub(1).map(|i| (i, self.at(account, i))) {
            Some((i, last)) if last.block >= block => {
                self.entries.insert(
                    (account, i),
                    &Checkpoint {
                        block: last.block,
                        value,
                    },
                );
            }
            Some((_, last)) if last.value == value => {}
            _ => {
                self.entries
                    .insert((account, n), &Checkpoint { block, value });
                self.count.insert(account, &n.saturating_add(1));
            }
        }
    }

    /// `account`'s value at the end of `block`: the value of the latest checkpoint at or
    /// before it (0 before the first). O(log n) reads.
    pub fn value_at(&self, account: AccountId, block: u32) -> u128 {
        // Find the number of checkpoints with `block <= block` (they are sorted by block).
        let (mut lo, mut hi) = (0u32, self.len(account));
        while lo < hi {
            // lo < hi: the midpoint does not overflow and lies in [lo, hi).
            let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
            if self.at(account, mid).block <= block {
                lo = mid.saturating_add(1);
            } else {
                hi = mid;
            }
        }
        match lo.checked_sub(1) {
            Some(i) => self.at(account, i).value,
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    #[ink::test]
    fn values_are_read_back_at_any_past_block() {
        let mut c = Checkpoints::new();
        assert_eq!(c.value_at(acc(1), 100), 0);
        c.record(acc(1), 10, 5);
        c.record(acc(1), 20, 7);
        c.record(acc(1), 20, 9); // same block: last write wins
        c.record(acc(1), 30, 0);
        c.record(acc(1), 31, 0); // unchanged: no new checkpoint
        assert_eq!(c.len(acc(1)), 3);
        for (block, value) in [
            (0, 0),
            (9, 0),
            (10, 5),
            (19, 5),
            (20, 9),
            (29, 9),
            (30, 0),
            (99, 0),
        ] {
            assert_eq!(c.value_at(acc(1), block), value, "block {block}");
        }
        assert_eq!(c.latest(acc(1)), 0);
        assert_eq!(c.value_at(acc(2), 20), 0);
        // A write for an earlier block lands on the last checkpoint's block.
        c.record(acc(1), 5, 4);
        assert_eq!(c.value_at(acc(1), 29), 9);
        assert_eq!(c.value_at(acc(1), 30), 4);
    }

    #[ink::test]
    fn many_checkpoints_are_searched_exactly() {
        let mut c = Checkpoints::new();
        for i in 1..=200u32 {
            c.record(acc(3), i * 3, u128::from(i));
        }
        for block in 0..=620u32 {
            assert_eq!(c.value_at(acc(3), block), u128::from((block / 3).min(200)));
        }
    }
}
