//! The registry's parameters and the hard bounds fixed around them at instantiation:
//! governance moves the parameters inside the bounds, and a field whose bounds are equal never
//! moves.

use dynamis_shared::math::{inside, max128, max32, min128, min32, ordered, PPB};
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

/// Number of scalar fields in [`Params`].
pub const FIELDS: usize = 11;

impl Params {
    /// The fields as one width, in declaration order, for the bounds check and governance's
    /// step cap.
    pub fn fields(&self) -> [u128; FIELDS] {
        [
            u128::from(self.epoch_blocks),
            u128::from(self.challenge_window_blocks),
            u128::from(self.answer_window_blocks),
            u128::from(self.decide_window_blocks),
            u128::from(self.threshold_ppb),
            u128::from(self.min_signers),
            u128::from(self.max_signers),
            u128::from(self.max_epoch_age),
            u128::from(self.success_gain),
            self.request_deposit,
            self.contest_deposit,
        ]
    }

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

/// Hard bounds on every parameter, fixed at instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Bounds {
    pub min: Params,
    pub max: Params,
}

impl Bounds {
    /// The default hard bounds around `p`, and why. Tunable, each range widened to include
    /// `p`'s value: the stake threshold (two thirds to 90 %: never below the Byzantine bound),
    /// the signer counts (1 to 16 required, up to 64 accepted), the reputation gain (0 to
    /// 50,000), the request deposit (1 to 100 DYN), the contest deposit (10 to 1,000 DYN) and
    /// the resolver's decision window (1 to 7 days: each contest keeps the deadline it was
    /// opened with). Fixed (min = max = `p`'s value): the epoch length, which numbers every
    /// epoch; the challenge and answer windows and the accepted epoch age, which decide at each
    /// call when an attestation and an epoch are final (a change would shorten a window already
    /// running, or finalise an epoch early).
    pub const fn around(p: &Params) -> Bounds {
        Bounds {
            min: Params {
                decide_window_blocks: min32(DECIDE_RANGE.0, p.decide_window_blocks),
                threshold_ppb: min32(THRESHOLD_RANGE.0, p.threshold_ppb),
                min_signers: 1,
                max_signers: 1,
                success_gain: 0,
                request_deposit: min128(REQUEST_RANGE.0, p.request_deposit),
                contest_deposit: min128(CONTEST_RANGE.0, p.contest_deposit),
                ..*p
            },
            max: Params {
                decide_window_blocks: max32(DECIDE_RANGE.1, p.decide_window_blocks),
                threshold_ppb: max32(THRESHOLD_RANGE.1, p.threshold_ppb),
                min_signers: max32(MIN_SIGNERS_MAX, p.min_signers),
                max_signers: MAX_SIGNERS,
                success_gain: max32(SUCCESS_GAIN_MAX, p.success_gain),
                request_deposit: max128(REQUEST_RANGE.1, p.request_deposit),
                contest_deposit: max128(CONTEST_RANGE.1, p.contest_deposit),
                ..*p
            },
        }
    }

    /// Whether every min is at most its max.
    pub fn valid(&self) -> bool {
        ordered(&self.min.fields(), &self.max.fields())
    }

    /// Whether `params` lies inside the bounds, field by field.
    pub fn contains(&self, params: &Params) -> bool {
        inside(&params.fields(), &self.min.fields(), &self.max.fields())
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

/// The default ranges of the tunable fields (see [`Bounds::around`]).
const DECIDE_RANGE: (u32, u32) = (DAY, 7 * DAY);
const THRESHOLD_RANGE: (u32, u32) = (666_666_666, 900_000_000);
const MIN_SIGNERS_MAX: u32 = 16;
const SUCCESS_GAIN_MAX: u32 = 50_000;
const REQUEST_RANGE: (u128, u128) = (ONE_DYN, 100 * ONE_DYN);
const CONTEST_RANGE: (u128, u128) = (10 * ONE_DYN, 1_000 * ONE_DYN);

/// The default hard bounds: [`Bounds::around`] the defaults.
pub const DEFAULT_BOUNDS: Bounds = Bounds::around(&DEFAULT_PARAMS);

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

    #[test]
    fn the_defaults_lie_inside_the_default_bounds_and_the_finality_clock_is_fixed() {
        assert!(DEFAULT_BOUNDS.valid());
        for p in [DEFAULT_PARAMS, DEFAULT_BOUNDS.max] {
            assert!(DEFAULT_BOUNDS.contains(&p) && p.valid(), "{p:?}");
        }
        let cases: [fn(&mut Params); 5] = [
            |p| p.epoch_blocks += 1,
            |p| p.challenge_window_blocks -= 1,
            |p| p.answer_window_blocks -= 1,
            |p| p.max_epoch_age += 1,
            |p| p.threshold_ppb = 600_000_000,
        ];
        for (i, move_it) in cases.iter().enumerate() {
            let mut p = DEFAULT_PARAMS;
            move_it(&mut p);
            assert!(!DEFAULT_BOUNDS.contains(&p), "case {i}");
        }
        let mut swapped = DEFAULT_BOUNDS;
        swapped.min.success_gain = swapped.max.success_gain + 1;
        assert!(!swapped.valid());
    }
}
