//! Measured verification capacity, as the attestations contract publishes it to the
//! contracts that depend on it (mint-credits, later Power/Flux, settlement, governance).
//!
//! Two words fix what a dependent may read. An epoch is *closed* once no submission for it
//! can arrive and every challenge window and answer period of its attestations is over (a
//! time, the same for every epoch). It is *final* once it is closed and no contest or data
//! request of its attestations is still open. Capacity is only ever read for final epochs:
//! the reads below answer `None` for any other.

use ink::{prelude::vec::Vec, primitives::AccountId};

/// One attestation as a dependent contract sees it: what it measured and who stands behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
pub struct Attested {
    pub epoch: u32,
    /// Capacity units the batch measured (computed on-chain from its per-kind counts).
    pub capacity: u64,
    /// Index into `dynamis_proofs::Regime::ALL`.
    pub regime: u8,
    /// The co-signers, in signature order: the only accounts that vouch for it (the
    /// submitter is a relay).
    pub signers: Vec<AccountId>,
    /// Whether its epoch is final and it was not rejected: its capacity counts.
    pub is_final: bool,
}

impl Attested {
    /// `account`'s share of the capacity, if it co-signed.
    pub fn share_of(&self, account: AccountId) -> Option<u64> {
        let position = self.signers.iter().position(|s| *s == account)?;
        share(self.capacity, self.signers.len(), position)
    }
}

/// The share of `units` credited to the co-signer at `position` of `signers` co-signers: the
/// units split evenly, the remainder one unit each to the first co-signers, so the shares sum
/// to `units` exactly and the network's capacity is counted once. `None` outside the signers.
pub fn share(units: u64, signers: usize, position: usize) -> Option<u64> {
    if position >= signers {
        return None;
    }
    let n = u64::try_from(signers).ok()?;
    let base = units.checked_div(n)?;
    let extra = units.checked_rem(n)?;
    let position = u64::try_from(position).ok()?;
    Some(if position < extra {
        base.saturating_add(1)
    } else {
        base
    })
}

/// Capacity credited by attestations, read only for final epochs.
#[ink::trait_definition]
pub trait Capacity {
    /// The epoch the chain is in now.
    #[ink(message)]
    fn current_epoch(&self) -> u32;

    /// The newest closed epoch (see the module docs), if any has closed yet.
    #[ink(message)]
    fn newest_closed_epoch(&self) -> Option<u32>;

    /// Whether `epoch` is final: closed, with no contest or data request open.
    #[ink(message)]
    fn is_final(&self, epoch: u32) -> bool;

    /// Capacity units of `regime` (index into `Regime::ALL`) credited to `verifier` for
    /// `epoch`: its shares of the attestations that were not rejected. `None` unless the epoch
    /// is final.
    #[ink(message)]
    fn capacity(&self, verifier: AccountId, epoch: u32, regime: u8) -> Option<u128>;

    /// Capacity units of all attestations of `epoch` that were not rejected, every regime,
    /// each batch counted once. `None` unless the epoch is final.
    #[ink(message)]
    fn epoch_capacity(&self, epoch: u32) -> Option<u128>;

    /// Attestation `id`, if there is one.
    #[ink(message)]
    fn attested(&self, id: u64) -> Option<Attested>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_the_units_and_differ_by_at_most_one() {
        for units in [0u64, 1, 2, 3, 10, 1_000, 1_001, u64::MAX] {
            for n in 1..=7usize {
                let shares: Vec<u64> = (0..n).map(|i| share(units, n, i).unwrap_or(0)).collect();
                let sum: u128 = shares.iter().map(|s| u128::from(*s)).sum();
                assert_eq!(sum, u128::from(units), "{units} over {n}");
                let (lo, hi) = (shares.iter().min(), shares.iter().max());
                assert!(hi.zip(lo).is_some_and(|(h, l)| h - l <= 1));
                assert_eq!(share(units, n, n), None);
            }
        }
        assert_eq!(share(5, 0, 0), None);
    }
}
