//! The registry's parameters, fixed at instantiation.

use dynamis_shared::math::PPB;
pub use dynamis_shared::{DAY, ONE_DYN};

/// The most signatures one attestation may carry: bounds the cost of `submit`.
pub const MAX_SIGNERS: u32 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Params {
    /// Blocks per epoch.
    pub epoch_blocks: u32,
    /// Blocks after submission during which anyone may challenge, contest or request data.
    pub challenge_window_blocks: u32,
    /// Blocks the co-signers have to show a requested item.
    pub answer_window_blocks: u32,
    /// Blocks the resolver has to decide a contest; then anyone applies the default.
    pub decide_window_blocks: u32,
    /// Share of the registered verifiers' stake that must co-sign, in parts per billion
    /// (rounded up).
    pub threshold_ppb: u32,
    /// Distinct co-signers required whatever their stake.
    pub min_signers: u32,
    /// Co-signatures accepted at most (≤ [`MAX_SIGNERS`]).
    pub max_signers: u32,
    /// How many epochs back an attestation may still be submitted (0: current epoch only).
    pub max_epoch_age: u32,
    /// Reputation gain recorded per co-signer when an attestation is finalised.
    pub success_gain: u32,
    /// DYN a data request puts up: burned when answered, returned when not.
    pub request_deposit: u128,
    /// DYN a contest puts up: returned if upheld or undecided, burned if rejected.
    pub contest_deposit: u128,
}

impl Params {
    /// Whether the parameters are consistent.
    pub fn valid(&self) -> bool {
        self.epoch_blocks > 0
            && self.challenge_window_blocks > 0
            && self.answer_window_blocks > 0
            && self.decide_window_blocks > 0
            && self.threshold_ppb > 0
            && self.threshold_ppb <= PPB
            && self.min_signers > 0
            && self.min_signers <= self.max_signers
            && self.max_signers <= MAX_SIGNERS
            && self.request_deposit > 0
            && self.contest_deposit > 0
    }

    /// Blocks from the first block at which no submission for an epoch is accepted to the
    /// block at which the epoch is closed: every window and answer period over.
    pub fn settle_blocks(&self) -> u32 {
        self.challenge_window_blocks
            .saturating_add(self.answer_window_blocks)
    }
}

/// The defaults, and why:
/// - epochs of a day, the unit the reputation registry also counts in;
/// - a one-day challenge window: long enough for any watcher to re-check a sampled batch,
///   well inside bonding's 7-day dispute window and 14-day unbonding delay, so co-signers'
///   stake is still there when fraud is proven;
/// - six hours to answer a data request: the co-signers hold the batch, posting one item and
///   its path is one transaction;
/// - two days for the resolver to decide a contest (an epoch with an open contest is not
///   final, so this bounds how long a contest can hold an epoch back);
/// - two thirds of the registered verifiers' stake (the Byzantine bound, counted in stake so
///   that keys at the bond floor buy nothing), written 666,666,666 ppb, at least one signer;
/// - 64 signatures at most (the cost of `submit` grows with signers, never with items);
/// - yesterday's batches may still be posted (a batch closing at midnight);
/// - 5,000 reputation per final attestation: the registry's per-success cap;
/// - a data request puts up 10 DYN (cheap enough to sample, a cost to spam co-signers), a
///   contest 100 DYN (the verifier bond floor: it freezes an attestation for up to two days).
pub const DEFAULT_PARAMS: Params = Params {
    epoch_blocks: DAY,
    challenge_window_blocks: DAY,
    answer_window_blocks: DAY / 4,
    decide_window_blocks: 2 * DAY,
    threshold_ppb: 666_666_666,
    min_signers: 1,
    max_signers: MAX_SIGNERS,
    max_epoch_age: 1,
    success_gain: 5_000,
    request_deposit: 10 * ONE_DYN,
    contest_deposit: 100 * ONE_DYN,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_each_inconsistency_is_caught() {
        assert!(DEFAULT_PARAMS.valid());
        let cases: [fn(&mut Params); 11] = [
            |p| p.epoch_blocks = 0,
            |p| p.challenge_window_blocks = 0,
            |p| p.answer_window_blocks = 0,
            |p| p.decide_window_blocks = 0,
            |p| p.threshold_ppb = 0,
            |p| p.threshold_ppb = PPB + 1,
            |p| p.min_signers = 0,
            |p| (p.min_signers, p.max_signers) = (5, 4),
            |p| p.max_signers = MAX_SIGNERS + 1,
            |p| p.request_deposit = 0,
            |p| p.contest_deposit = 0,
        ];
        for (i, break_it) in cases.iter().enumerate() {
            let mut p = DEFAULT_PARAMS;
            break_it(&mut p);
            assert!(!p.valid(), "case {i}: {p:?}");
        }
    }
}
