//! The rollout: phases move forward only, and only on capacity of final epochs.

use super::{ensure, Credits, MintError, MintEvent, Phase, PhaseAdvanced, Reads, World};
use crate::params::MAX_EVIDENCE;
use dynamis_proofs::Regime;
use ink::{prelude::vec, prelude::vec::Vec, primitives::AccountId};

impl Credits {
    /// Whether `verifier` was credited capacity of any regime in the final `epoch`.
    fn credited_in(world: &dyn World, verifier: AccountId, epoch: u32) -> Result<bool, MintError> {
        for regime in Regime::ALL {
            if world.final_capacity(verifier, epoch, regime)? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Moves the rollout one phase forward if the measured condition holds: leaving phase 0,
    /// `verifiers` (distinct, at least `min_verifiers`) were all credited capacity in the
    /// final `epoch`; leaving phases 1 and 2, N epochs spent in the phase and network capacity
    /// at or above the phase's floor in each of the last N closed epochs, all final (`epoch`
    /// and `verifiers` are then unused). Anyone may call it; nothing moves a phase back.
    pub fn advance_phase(
        &mut self,
        world: &dyn World,
        epoch: u32,
        verifiers: &[AccountId],
    ) -> Result<Vec<MintEvent>, MintError> {
        let now = world.epoch()?;
        let from = self.phase;
        let to = from.next().ok_or(MintError::PhaseFinal)?;
        match from {
            Phase::Fixed => {
                ensure(
                    verifiers.len() <= usize::try_from(MAX_EVIDENCE).unwrap_or(0),
                    MintError::EvidenceTooLong,
                )?;
                let mut seen: Vec<AccountId> = Vec::new();
                for v in verifiers {
                    if !seen.contains(v) && Self::credited_in(world, *v, epoch)? {
                        seen.push(*v);
                    }
                }
                ensure(
                    u32::try_from(seen.len()).unwrap_or(0) >= self.params.min_verifiers,
                    MintError::PhaseConditionUnmet,
                )?;
            }
            _ => {
                let n = self.tunables.sustain_epochs;
                ensure(
                    now.saturating_sub(self.phase_since) >= n,
                    MintError::PhaseConditionUnmet,
                )?;
                let floor = self
                    .params
                    .phase_floors
                    .get(usize::from(from.number().saturating_sub(1)))
                    .copied()
                    .unwrap_or(u128::MAX);
                let newest = world
                    .newest_closed()?
                    .ok_or(MintError::PhaseConditionUnmet)?;
                let first = newest
                    .checked_add(1)
                    .and_then(|e| e.checked_sub(n))
                    .ok_or(MintError::PhaseConditionUnmet)?;
                for e in first..=newest {
                    let capacity = world.epoch_capacity(e)?.ok_or(MintError::EpochNotFinal)?;
                    ensure(capacity >= floor, MintError::PhaseConditionUnmet)?;
                }
            }
        }
        self.phase = to;
        self.phase_since = now;
        Ok(vec![MintEvent::PhaseAdvanced(PhaseAdvanced {
            from: from.number(),
            to: to.number(),
            epoch: now,
        })])
    }
}
