//! What a proposal may mint against (G1's Δ): signal A's sustained increase of the
//! beneficiary's own ephemeral capacity, or B–E's shares of cited final attestations; in both
//! cases never more units than the beneficiary's verifier bond backs.

use super::{ensure, Credits, MintError, Reads, Signal, World};
use crate::params::MAX_EVIDENCE;
use dynamis_proofs::Regime;
use dynamis_shared::{math::plus, Role};
use ink::{prelude::vec::Vec, primitives::AccountId};

/// What the evidence backs: the increase to mint against and the per-epoch level its
/// obligations are measured against.
pub(crate) struct Backing {
    pub delta: u128,
    pub level: u128,
}

impl Credits {
    /// Capacity units of any regime `beneficiary`'s verifier bond backs in all.
    fn backed(&self, world: &dyn World, beneficiary: AccountId) -> Result<u128, MintError> {
        let bond = world.stake(beneficiary, Role::Verifier)?.unwrap_or(0);
        Ok(bond.checked_div(self.params.bond_per_unit).unwrap_or(0))
    }

    /// Signal A: with `c` the newest closed epoch, the minimum of the beneficiary's ephemeral
    /// capacity over the last N final epochs minus the maximum over the N before (and above
    /// any level already claimed), each capped at what its bond backs.
    pub(crate) fn measured_delta(
        &self,
        world: &dyn World,
        beneficiary: AccountId,
    ) -> Result<Backing, MintError> {
        let n = self.tunables.sustain_epochs;
        let newest = world.newest_closed()?.ok_or(MintError::NotEnoughHistory)?;
        let start = newest
            .checked_add(1)
            .and_then(|e| e.checked_sub(n.saturating_mul(2)))
            .ok_or(MintError::NotEnoughHistory)?;
        let split = start.saturating_add(n);
        let eph = Regime::Ephemeral;
        let mut prior_max = 0u128;
        for e in start..split {
            prior_max = prior_max.max(world.final_capacity(beneficiary, e, eph)?);
        }
        let mut window_min = u128::MAX;
        for e in split..=newest {
            window_min = window_min.min(world.final_capacity(beneficiary, e, eph)?);
        }
        let cap = self.backed(world, beneficiary)?;
        let claimed = self.claimed(beneficiary, eph.index());
        let level = window_min.min(cap);
        let base = prior_max.min(cap).max(claimed);
        let delta = level.saturating_sub(base);
        if delta == 0 {
            // A real increase the bond cannot back is a different refusal from none at all.
            let rose = window_min > prior_max.max(claimed);
            return Err(if rose {
                MintError::NotBacked
            } else {
                MintError::NoCapacityDelta
            });
        }
        Ok(Backing { delta, level })
    }

    /// Signals B–E: the beneficiary's shares of cited final attestations of the signal's
    /// regime, all of one epoch, each share never cited before; at most what its bond backs
    /// beyond what it has minted against in the regime.
    pub(crate) fn cited_delta(
        &self,
        world: &dyn World,
        signal: Signal,
        beneficiary: AccountId,
        cited: &[u64],
    ) -> Result<Backing, MintError> {
        ensure(!cited.is_empty(), MintError::EvidenceEmpty)?;
        ensure(
            cited.len() <= usize::try_from(MAX_EVIDENCE).unwrap_or(0),
            MintError::EvidenceTooLong,
        )?;
        let regime = signal.regime();
        let mut epoch = None;
        let mut units = 0u128;
        let mut seen: Vec<u64> = Vec::with_capacity(cited.len());
        for id in cited {
            ensure(
                !seen.contains(id) && !self.is_cited(*id, beneficiary),
                MintError::EvidenceUsed,
            )?;
            seen.push(*id);
            let a = world
                .attested(*id)?
                .filter(|a| a.is_final)
                .ok_or(MintError::EvidenceNotFinal)?;
            ensure(a.regime == regime.index(), MintError::EvidenceRegime)?;
            let share = a.share_of(beneficiary).ok_or(MintError::EvidenceNotOwn)?;
            ensure(
                *epoch.get_or_insert(a.epoch) == a.epoch,
                MintError::EvidenceEpochs,
            )?;
            units = plus(units, u128::from(share))?;
        }
        let room = self
            .backed(world, beneficiary)?
            .saturating_sub(self.claimed(beneficiary, regime.index()));
        let delta = units.min(room);
        ensure(delta > 0 || units == 0, MintError::NotBacked)?;
        ensure(delta > 0, MintError::NoCapacityDelta)?;
        Ok(Backing {
            delta,
            level: delta,
        })
    }
}
