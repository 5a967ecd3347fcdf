//! The registry's parameters, fixed at instantiation.

use dynamis_shared::math::PPB;

/// Blocks per day at 6-second blocks.
pub const DAY: u32 = 14_400;
/// The most signatures one attestation may carry: bounds the cost of `submit`.
pub const MAX_SIGNERS: u32 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct AttestParams {
    /// Blocks per epoch.
    pub epoch_blocks: u32,
    /// Blocks after submission during which anyone may challenge.
    pub challenge_window_blocks: u32,
    /// Share of the registered verifiers that must co-sign, in parts per billion (rounded up).
    pub threshold_ppb: u32,
    /// Co-signatures required whatever the share gives.
    pub min_signers: u32,
    /// Co-signatures accepted at most (≤ [`MAX_SIGNERS`]).
    pub max_signers: u32,
    /// How many epochs back an attestation may still be submitted (0: current epoch only).
    pub max_epoch_age: u32,
    /// Reputation gain recorded per co-signer when an attestation becomes final.
    pub success_gain: u32,
}

impl AttestParams {
    /// Whether the parameters are consistent.
    pub fn valid(&self) -> bool {
        self.epoch_blocks > 0
            && self.challenge_window_blocks > 0
            && self.threshold_ppb > 0
            && self.threshold_ppb <= PPB
            && self.min_signers > 0
            && self.min_signers <= self.max_signers
            && self.max_signers <= MAX_SIGNERS
    }
}

/// The defaults, and why:
/// - epochs of a day, the unit the reputation registry also counts in;
/// - a one-day challenge window: long enough for any watcher to re-check a sampled batch,
///   well inside bonding's 7-day dispute window and 14-day unbonding delay, so co-signers'
///   stake is still there when fraud is proven;
/// - two thirds of the registered verifiers (the Byzantine bound), at least one; written
///   666,666,666 ppb (just under 2/3) so that ⌈n × threshold⌉ is exactly ⌈2n/3⌉;
/// - 64 signatures at most (the cost of `submit` grows with signers, never with items);
/// - yesterday's batches may still be posted (a batch closing at midnight);
/// - 5,000 reputation per final attestation: the registry's per-success cap.
pub const DEFAULT_PARAMS: AttestParams = AttestParams {
    epoch_blocks: DAY,
    challenge_window_blocks: DAY,
    threshold_ppb: 666_666_666,
    min_signers: 1,
    max_signers: MAX_SIGNERS,
    max_epoch_age: 1,
    success_gain: 5_000,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_each_inconsistency_is_caught() {
        assert!(DEFAULT_PARAMS.valid());
        let broken = [
            AttestParams {
                epoch_blocks: 0,
                ..DEFAULT_PARAMS
            },
            AttestParams {
                challenge_window_blocks: 0,
                ..DEFAULT_PARAMS
            },
            AttestParams {
                threshold_ppb: 0,
                ..DEFAULT_PARAMS
            },
            AttestParams {
                threshold_ppb: PPB + 1,
                ..DEFAULT_PARAMS
            },
            AttestParams {
                min_signers: 0,
                ..DEFAULT_PARAMS
            },
            AttestParams {
                min_signers: 5,
                max_signers: 4,
                ..DEFAULT_PARAMS
            },
            AttestParams {
                max_signers: MAX_SIGNERS + 1,
                ..DEFAULT_PARAMS
            },
        ];
        for p in broken {
            assert!(!p.valid(), "{p:?}");
        }
    }
}
