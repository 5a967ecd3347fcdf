//! G4 and G5: a credit's tranches are paid for final epochs in which the beneficiary met what
//! the credit requires, and what is still locked burns when an obligation fails.

use super::{
    ensure, keeps_archives, Credit, CreditBurned, Credits, Effect, Failure, Hash, MintError,
    MintEvent, Outcome, Released, World,
};
use dynamis_shared::{
    math::{minus, plus},
    Role, SlashClass,
};
use ink::{prelude::vec, primitives::AccountId};

/// The SLA slash (percent) of a beneficiary's archival bond for an archival failure.
pub const ARCHIVAL_SLA_PERCENT: u8 = 5;

impl Credits {
    fn open_credit(&self, id: u64) -> Result<Credit, MintError> {
        let c = self.credits.get(id).ok_or(MintError::NoCredit)?;
        ensure(!c.is_closed(), MintError::CreditClosed)?;
        Ok(c)
    }

    /// Whether `c`'s beneficiary met tranche `i`'s obligation: `None` while that epoch is not
    /// final.
    fn met(world: &dyn World, c: &Credit, i: u32) -> Result<Option<bool>, MintError> {
        let (epoch, required) = c.obligation(i).ok_or(MintError::NoCredit)?;
        let capacity = world.capacity(c.beneficiary, epoch, c.regime())?;
        Ok(capacity.map(|units| units >= required))
    }

    /// Anyone releases credit `id`: one tranche to the beneficiary for each obligation epoch,
    /// in order, that is final with the beneficiary's capacity at or above what the credit
    /// requires (and, for anchored and permanent credits, with an archival bond held).
    pub fn release(&mut self, world: &dyn World, id: u64) -> Result<Outcome, MintError> {
        let mut c = self.open_credit(id)?;
        if keeps_archives(c.regime()) {
            let held = world.stake(c.beneficiary, Role::Archival)?.is_some();
            ensure(held, MintError::ArchivesNotHeld)?;
        }
        let before = c.paid;
        while c.paid < c.tranches && Self::met(world, &c, c.paid)? == Some(true) {
            c.paid = plus(c.paid, 1)?;
        }
        ensure(c.paid > before, MintError::NothingToRelease)?;
        let amount = minus(c.cumulative(c.paid), c.cumulative(before))?;
        c.released = plus(c.released, amount)?;
        self.credits.insert(id, &c);
        self.totals.locked = minus(self.totals.locked, amount)?;
        let event = Released {
            id,
            beneficiary: c.beneficiary,
            amount,
            paid: c.paid,
            locked: c.locked(),
        };
        Ok((
            vec![MintEvent::Released(event)],
            vec![Effect::Pay {
                to: c.beneficiary,
                amount,
            }],
        ))
    }

    /// Burns what credit `c` still has locked; its obligations for epochs that have not begun
    /// (`now` is the current epoch) no longer weigh on credits activated later.
    #[allow(clippy::too_many_arguments)]
    fn burn(
        &mut self,
        id: u64,
        mut c: Credit,
        reason: Failure,
        epoch: Option<u32>,
        evidence: Hash,
        now: u32,
    ) -> Result<Outcome, MintError> {
        let amount = c.locked();
        c.burned = plus(c.burned, amount)?;
        for i in c.paid..c.tranches {
            let (e, _) = c.obligation(i).ok_or(MintError::NoCredit)?;
            if e > now {
                let key = (c.beneficiary, c.regime, e);
                let owed = minus(self.owed.get(key).unwrap_or(0), c.floor)?;
                self.owed.insert(key, &owed);
            }
        }
        self.credits.insert(id, &c);
        self.totals.locked = minus(self.totals.locked, amount)?;
        let r = usize::from(c.regime);
        let burned = self.totals.burned.get(r).copied().unwrap_or(0);
        if let Some(b) = self.totals.burned.get_mut(r) {
            *b = plus(burned, amount)?;
        }
        let event = CreditBurned {
            id,
            beneficiary: c.beneficiary,
            reason,
            epoch,
            evidence,
            amount,
        };
        Ok((
            vec![MintEvent::CreditBurned(event)],
            vec![Effect::Burn(amount)],
        ))
    }

    /// Anyone proves that the beneficiary of credit `id` fell below what the credit requires in
    /// the next unpaid obligation epoch, now final: the locked remainder burns (G5). (Fulfilled
    /// epochs before it are released first: `release` stops at the first unmet one.)
    pub fn burn_on_drop(&mut self, world: &dyn World, id: u64) -> Result<Outcome, MintError> {
        let c = self.open_credit(id)?;
        let (epoch, _) = c.obligation(c.paid).ok_or(MintError::NoCredit)?;
        match Self::met(world, &c, c.paid)? {
            None => Err(MintError::EpochNotFinal),
            Some(true) => Err(MintError::ObligationMet),
            Some(false) => {
                let now = world.epoch()?;
                self.burn(id, c, Failure::CapacityDrop, Some(epoch), [0; 32], now)
            }
        }
    }

    /// The resolver reports a failure of an obligation credit `id` has: archives not held (an
    /// anchored or permanent credit: the beneficiary's archival bond is slashed 5 %) or the
    /// throughput behind it misreported (the proposer's bond is slashed at the
    /// attestation-failure class). The locked remainder burns (G5). The slash's reporter share
    /// goes to governance (the treasury's account), not to the resolver: reporting earns the
    /// resolver nothing.
    pub fn report_failure(
        &mut self,
        world: &dyn World,
        caller: AccountId,
        id: u64,
        failure: Failure,
        evidence: Hash,
    ) -> Result<Outcome, MintError> {
        ensure(caller == self.resolver, MintError::NotResolver)?;
        ensure(failure != Failure::CapacityDrop, MintError::MeasuredOnChain)?;
        let c = self.open_credit(id)?;
        let archival = failure == Failure::Archival;
        ensure(
            !archival || keeps_archives(c.regime()),
            MintError::NoSuchObligation,
        )?;
        let proposal = self.proposals.get(id).ok_or(MintError::UnknownProposal)?;
        let slash = if archival {
            Effect::Slash {
                offender: c.beneficiary,
                role: Role::Archival,
                class: SlashClass::Sla(ARCHIVAL_SLA_PERCENT),
                evidence,
                beneficiary: self.governance,
            }
        } else {
            Effect::Slash {
                offender: proposal.proposer,
                role: proposal.proposer_role,
                class: SlashClass::AttestationFailure,
                evidence,
                beneficiary: self.governance,
            }
        };
        let now = world.epoch()?;
        let (events, mut effects) = self.burn(id, c, failure, None, evidence, now)?;
        effects.push(slash);
        Ok((events, effects))
    }
}
