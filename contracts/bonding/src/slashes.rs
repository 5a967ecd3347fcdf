//! Slashes: SLASHING → DISPUTE → SETTLE. A reported slash reserves its share of what is bonded
//! at once; the offender may dispute it inside the window; the resolver decides before a
//! deadline, after which anyone applies the default (the slash stands, the deposit returns);
//! after the window anyone settles it.

use crate::bonds::{
    BondingEvent, Bonds, Chunk, DisputeResolved, Effect, Outcome, Slash, SlashDisputed,
    SlashReported, SlashSettled, SlashStatus,
};
use crate::params::MAX_UNBONDING_CHUNKS;
use dynamis_shared::{
    math::{minus, mul_ppb, plus},
    BondingError, Role, SlashClass,
};
use ink::{prelude::vec, prelude::vec::Vec, primitives::AccountId};

impl Bonds {
    /// An authorised reporter reports a slash of `offender`'s `role` bond. The class's share
    /// of what is bonded (active + unbonding) is reserved at once: from the active bond
    /// first, then from the unbonding chunks that unlock last. `beneficiary` gets the
    /// reporter's share on settlement.
    #[allow(clippy::too_many_arguments)]
    pub fn report_slash(
        &mut self,
        caller: AccountId,
        offender: AccountId,
        role: Role,
        class: SlashClass,
        evidence: [u8; 32],
        beneficiary: AccountId,
        now: u32,
    ) -> Result<(u64, Vec<BondingEvent>), BondingError> {
        if !self.is_reporter(caller) {
            return Err(BondingError::NotReporter);
        }
        let ppb = class.ppb().ok_or(BondingError::InvalidSlaPercent)?;
        let mut stake = self.stake(offender, role);
        let bonded = stake.bonded();
        if bonded == 0 {
            return Err(BondingError::NothingBonded);
        }
        // ppb ≤ 10⁹, so the amount never exceeds what is bonded.
        let amount = mul_ppb(bonded, ppb);
        let from_active = amount.min(stake.active);
        stake.active = minus(stake.active, from_active)?;
        let mut left = minus(amount, from_active)?;
        let mut unbonding_unlock_at = 0;
        for chunk in stake.unbonding.iter_mut().rev() {
            if left == 0 {
                break;
            }
            let take = left.min(chunk.amount);
            chunk.amount = chunk.amount.saturating_sub(take);
            left = left.saturating_sub(take);
            unbonding_unlock_at = unbonding_unlock_at.max(chunk.unlock_at);
        }
        stake.unbonding.retain(|chunk| chunk.amount > 0);
        let from_unbonding = minus(amount, from_active)?;
        self.store(offender, role, &stake, now)?;
        self.holdings.active = minus(self.holdings.active, from_active)?;
        self.holdings.unbonding = minus(self.holdings.unbonding, from_unbonding)?;
        self.holdings.pending_slash = plus(self.holdings.pending_slash, amount)?;

        let id = self.next_slash;
        self.next_slash = id.saturating_add(1);
        self.slashes.insert(
            id,
            &Slash {
                offender,
                role,
                class,
                reporter: caller,
                beneficiary,
                evidence,
                reported_at: now,
                since: stake.since,
                amount,
                from_active,
                unbonding_unlock_at,
                deposit: 0,
                disputed_at: None,
                status: SlashStatus::Pending,
            },
        );
        let event = SlashReported {
            id,
            offender,
            role,
            class,
            amount,
            reporter: caller,
            beneficiary,
            evidence,
            dispute_until: now.saturating_add(self.params.dispute_window_blocks),
        };
        Ok((id, vec![BondingEvent::SlashReported(event)]))
    }

    fn window_end(&self, slash: &Slash) -> u32 {
        slash
            .reported_at
            .saturating_add(self.params.dispute_window_blocks)
    }

    /// The offender disputes a pending slash inside its window, paying the deposit.
    pub fn dispute_slash(
        &mut self,
        caller: AccountId,
        id: u64,
        now: u32,
    ) -> Result<Outcome, BondingError> {
        let mut slash = self.slash(id).ok_or(BondingError::UnknownSlash)?;
        if caller != slash.offender {
            return Err(BondingError::NotOffender);
        }
        if slash.status != SlashStatus::Pending {
            return Err(BondingError::NotPending);
        }
        if now >= self.window_end(&slash) {
            return Err(BondingError::DisputeWindowClosed);
        }
        let deposit = self.params.dispute_deposit;
        slash.status = SlashStatus::Disputed;
        slash.deposit = deposit;
        slash.disputed_at = Some(now);
        self.slashes.insert(id, &slash);
        self.holdings.deposits = plus(self.holdings.deposits, deposit)?;
        let event = SlashDisputed {
            id,
            offender: caller,
            deposit,
        };
        Ok((
            vec![BondingEvent::SlashDisputed(event)],
            vec![Effect::Pull {
                from: caller,
                amount: deposit,
            }],
        ))
    }

    /// Until when the resolver may decide a disputed slash.
    fn decide_until(&self, slash: &Slash) -> Option<u32> {
        slash
            .disputed_at
            .map(|at| at.saturating_add(self.params.decide_window_blocks))
    }

    /// The disputed slash `id`, and its deadline.
    fn disputed(&self, id: u64) -> Result<(Slash, u32), BondingError> {
        let slash = self.slash(id).ok_or(BondingError::UnknownSlash)?;
        match (slash.status, self.decide_until(&slash)) {
            (SlashStatus::Disputed, Some(until)) => Ok((slash, until)),
            _ => Err(BondingError::NotDisputed),
        }
    }

    /// The dispute of `slash` (`id`) closes as rejected: the slash settles after its window.
    /// Decided by the resolver, the deposit burns; by default (nobody decided in time), it
    /// returns to the offender.
    fn reject_dispute(
        &mut self,
        id: u64,
        mut slash: Slash,
        by_default: bool,
    ) -> Result<Outcome, BondingError> {
        let deposit = slash.deposit;
        self.holdings.deposits = minus(self.holdings.deposits, deposit)?;
        slash.status = SlashStatus::DisputeRejected;
        slash.deposit = 0;
        self.slashes.insert(id, &slash);
        let (deposit_burned, effect) = if by_default {
            let back = Effect::Pay {
                to: slash.offender,
                amount: deposit,
            };
            (0, back)
        } else {
            (deposit, Effect::Burn { amount: deposit })
        };
        let event = DisputeResolved {
            id,
            offender: slash.offender,
            upheld: false,
            by_default,
            returned: 0,
            deposit_burned,
        };
        Ok((vec![BondingEvent::DisputeResolved(event)], vec![effect]))
    }

    /// The resolver decides a dispute before its deadline. Upheld: the slash is cancelled and
    /// the reserved stake and the deposit return to the offender in full. Rejected: the
    /// deposit burns and the slash settles after its window.
    pub fn resolve_dispute(
        &mut self,
        caller: AccountId,
        id: u64,
        upheld: bool,
        now: u32,
    ) -> Result<Outcome, BondingError> {
        if caller != self.resolver {
            return Err(BondingError::NotResolver);
        }
        let (slash, until) = self.disputed(id)?;
        if now >= until {
            return Err(BondingError::DecisionClosed);
        }
        if !upheld {
            return self.reject_dispute(id, slash, false);
        }
        let deposit = slash.deposit;
        self.holdings.deposits = minus(self.holdings.deposits, deposit)?;
        let offender = slash.offender;
        let mut stake = self.stake(offender, slash.role);
        stake.add_active(slash.from_active, slash.since, now);
        let from_unbonding = slash.from_unbonding();
        if from_unbonding > 0 {
            let back = Chunk {
                amount: from_unbonding,
                unlock_at: slash.unbonding_unlock_at,
            };
            let same = stake
                .unbonding
                .iter_mut()
                .find(|c| c.unlock_at == back.unlock_at);
            if let Some(same) = same {
                same.amount = plus(same.amount, back.amount)?;
            } else if stake.unbonding.len() < MAX_UNBONDING_CHUNKS {
                // Keep chunks ordered by unlock block.
                let at = stake
                    .unbonding
                    .iter()
                    .position(|c| c.unlock_at > back.unlock_at)
                    .unwrap_or(stake.unbonding.len());
                stake.unbonding.insert(at, back);
            } else if let Some(last) = stake.unbonding.last_mut() {
                // Full: fold it into the last chunk, which never unlocks earlier than it.
                last.amount = plus(last.amount, back.amount)?;
                last.unlock_at = last.unlock_at.max(back.unlock_at);
            }
        }
        self.store(offender, slash.role, &stake, now)?;
        self.slashes.remove(id);
        self.holdings.active = plus(self.holdings.active, slash.from_active)?;
        self.holdings.unbonding = plus(self.holdings.unbonding, from_unbonding)?;
        self.holdings.pending_slash = minus(self.holdings.pending_slash, slash.amount)?;
        let event = DisputeResolved {
            id,
            offender,
            upheld,
            by_default: false,
            returned: slash.amount,
            deposit_burned: 0,
        };
        Ok((
            vec![BondingEvent::DisputeResolved(event)],
            vec![Effect::Pay {
                to: offender,
                amount: deposit,
            }],
        ))
    }

    /// Anyone applies the default to a dispute the resolver left undecided past its deadline:
    /// the slash stands (it came with a proof or a decision) and the deposit returns.
    pub fn expire_dispute(&mut self, id: u64, now: u32) -> Result<Outcome, BondingError> {
        let (slash, until) = self.disputed(id)?;
        if now < until {
            return Err(BondingError::DecisionOpen);
        }
        self.reject_dispute(id, slash, true)
    }

    /// Anyone settles a slash once its dispute window has closed and no dispute is open:
    /// the reporter's share is paid to the beneficiary, the rest burned, and the offender's
    /// reputation cut.
    pub fn settle_slash(&mut self, id: u64, now: u32) -> Result<Outcome, BondingError> {
        let slash = self.slash(id).ok_or(BondingError::UnknownSlash)?;
        if slash.status == SlashStatus::Disputed {
            return Err(BondingError::DisputeUnresolved);
        }
        if now < self.window_end(&slash) {
            return Err(BondingError::DisputeWindowOpen);
        }
        self.slashes.remove(id);
        self.holdings.pending_slash = minus(self.holdings.pending_slash, slash.amount)?;
        // The share is at most 10⁹ ppb (checked at instantiation).
        let reward = mul_ppb(slash.amount, self.params.reporter_share_ppb);
        let burned = minus(slash.amount, reward)?;
        let event = SlashSettled {
            id,
            offender: slash.offender,
            burned,
            beneficiary: slash.beneficiary,
            reward,
        };
        Ok((
            vec![BondingEvent::SlashSettled(event)],
            vec![
                Effect::Burn { amount: burned },
                Effect::Pay {
                    to: slash.beneficiary,
                    amount: reward,
                },
                Effect::Fault {
                    account: slash.offender,
                    class: slash.class.fault(),
                },
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bonds::tests::{acc, bonds, ok, ALICE, REPORTER, RESOLVER};
    use crate::params::{DAY, DEFAULT_PARAMS, ONE_DYN};

    #[ink::test]
    fn a_slash_reserves_from_active_first_then_the_latest_chunks_and_upheld_restores_all() {
        let mut b = bonds();
        let alice = acc(ALICE);
        ok(b.bond(alice, Role::Archival, 1_000 * ONE_DYN, 0));
        ok(b.unbond(alice, Role::Archival, 300 * ONE_DYN, DAY));
        ok(b.unbond(alice, Role::Archival, 600 * ONE_DYN, 2 * DAY));
        let before = b.stake(alice, Role::Archival);
        assert_eq!(before.active, 100 * ONE_DYN);
        // Malicious takes everything; an attestation failure 10 %.
        let (id, _) = ok(b.report_slash(
            acc(REPORTER),
            alice,
            Role::Archival,
            SlashClass::AttestationFailure,
            [7; 32],
            acc(REPORTER),
            3 * DAY,
        ));
        let slash = b.slash(id).unwrap_or_else(|| panic!("no slash"));
        assert_eq!(slash.amount, 100 * ONE_DYN);
        assert_eq!(slash.from_active, 100 * ONE_DYN);
        let (id2, _) = ok(b.report_slash(
            acc(REPORTER),
            alice,
            Role::Archival,
            SlashClass::Sla(5),
            [8; 32],
            acc(REPORTER),
            3 * DAY,
        ));
        let slash2 = b.slash(id2).unwrap_or_else(|| panic!("no slash"));
        // 5 % of the 900 left, all from the chunk that unlocks last.
        assert_eq!(slash2.amount, 45 * ONE_DYN);
        assert_eq!(slash2.from_unbonding(), 45 * ONE_DYN);
        let after = b.stake(alice, Role::Archival);
        assert_eq!(after.unbonding[0], before.unbonding[0]);
        assert_eq!(after.unbonding[1].amount, 555 * ONE_DYN);
        assert_eq!(b.holdings().pending_slash, 145 * ONE_DYN);
        // Upheld disputes put back exactly what was taken.
        for id in [id2, id] {
            ok(b.dispute_slash(alice, id, 3 * DAY));
            ok(b.resolve_dispute(acc(RESOLVER), id, true, 3 * DAY));
        }
        assert_eq!(b.stake(alice, Role::Archival), before);
        assert_eq!(b.holdings().pending_slash, 0);
        assert_eq!(b.holdings().deposits, 0);
    }

    #[ink::test]
    fn an_undecided_dispute_takes_the_default_and_a_broken_total_reverts() {
        let mut b = bonds();
        let alice = acc(ALICE);
        ok(b.bond(alice, Role::Verifier, 1_000 * ONE_DYN, 0));
        let (id, _) = ok(b.report_slash(
            acc(REPORTER),
            alice,
            Role::Verifier,
            SlashClass::AttestationFailure,
            [1; 32],
            acc(REPORTER),
            0,
        ));
        ok(b.dispute_slash(alice, id, 10));
        let until = 10 + DEFAULT_PARAMS.decide_window_blocks;
        assert_eq!(
            b.expire_dispute(id, until - 1),
            Err(BondingError::DecisionOpen)
        );
        assert_eq!(
            b.resolve_dispute(acc(RESOLVER), id, true, until),
            Err(BondingError::DecisionClosed)
        );
        let (_, effects) = ok(b.expire_dispute(id, until));
        let deposit = DEFAULT_PARAMS.dispute_deposit;
        assert_eq!(
            effects,
            vec![Effect::Pay {
                to: alice,
                amount: deposit
            }]
        );
        let slash = b.slash(id).unwrap_or_else(|| panic!("the slash stands"));
        assert_eq!(slash.status, SlashStatus::DisputeRejected);
        assert_eq!(b.holdings().deposits, 0);
        assert_eq!(b.expire_dispute(id, until), Err(BondingError::NotDisputed));
        // A total that would go below zero reverts the call instead of saturating.
        b.holdings.active = 0;
        assert_eq!(
            b.unbond(alice, Role::Verifier, 100 * ONE_DYN, until),
            Err(BondingError::Arithmetic)
        );
    }
}
