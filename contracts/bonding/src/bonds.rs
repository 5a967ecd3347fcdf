//! The bonding rules as plain Rust. Methods take the caller and the current block explicitly,
//! change the state, and return the events to emit and the token/reputation effects the
//! contract must then carry out (all in the same transaction: if an effect fails, everything
//! reverts).

use crate::params::{Params, MAX_UNBONDING_CHUNKS};
use dynamis_shared::{
    math::{minus, mul_ppb, plus, PPB},
    BondingError, FaultClass, Role, SlashClass, WiredSet, Wiring, SCORE_MAX,
};
use ink::{
    prelude::{vec, vec::Vec},
    primitives::AccountId,
    storage::Mapping,
};

/// Stake on its way out: withdrawable from `unlock_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Chunk {
    pub amount: u128,
    pub unlock_at: u32,
}

/// One account's bond for one role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Stake {
    /// Actively bonded: counts for weight, slashable.
    pub active: u128,
    /// Amount-weighted block the active bond dates from (for the duration multiplier).
    pub since: u32,
    /// Unbonding, oldest first: no weight, still slashable.
    pub unbonding: Vec<Chunk>,
}

impl Slash {
    /// The part of the amount taken from unbonding chunks.
    pub fn from_unbonding(&self) -> u128 {
        self.amount.saturating_sub(self.from_active)
    }
}

impl Stake {
    /// Everything a slash can reach: active plus unbonding.
    pub fn bonded(&self) -> u128 {
        self.unbonding
            .iter()
            .fold(self.active, |sum, c| sum.saturating_add(c.amount))
    }

    /// Adds `amount` dating from `since` to the active bond; the bond's age becomes the
    /// amount-weighted mean of both parts' ages at block `now`.
    fn add_active(&mut self, amount: u128, since: u32, now: u32) {
        let active = self.active.saturating_add(amount);
        let old_age = u128::from(now.saturating_sub(self.since));
        let new_age = u128::from(now.saturating_sub(since));
        let age = old_age
            .saturating_mul(self.active)
            .saturating_add(new_age.saturating_mul(amount))
            .checked_div(active)
            .unwrap_or(0);
        self.since = now.saturating_sub(u32::try_from(age).unwrap_or(u32::MAX));
        self.active = active;
    }

    fn is_empty(&self) -> bool {
        self.active == 0 && self.unbonding.is_empty()
    }
}

/// Where a slash stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum SlashStatus {
    /// Reported; disputable until the window closes, settles after it.
    Pending,
    /// Disputed; waits for the resolver.
    Disputed,
    /// The resolver rejected the dispute; settles after the window.
    DisputeRejected,
}

/// A reported slash. Its amount is reserved at once (taken out of the stake), so nothing the
/// offender does meanwhile can put it out of reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Slash {
    pub offender: AccountId,
    pub role: Role,
    pub class: SlashClass,
    pub reporter: AccountId,
    /// Who receives the reporter's share when the slash settles (the reporter itself, or
    /// the challenger whose proof the reporter relayed).
    pub beneficiary: AccountId,
    pub evidence: [u8; 32],
    pub reported_at: u32,
    /// The age reference of the active bond it took from (restored if it is cancelled).
    pub since: u32,
    /// Total reserved: `from_active + from_unbonding`.
    pub amount: u128,
    pub from_active: u128,
    /// The latest unlock block among the chunks it took from (where a cancelled slash puts
    /// that part back).
    pub unbonding_unlock_at: u32,
    /// The dispute deposit held, once disputed.
    pub deposit: u128,
    /// When it was disputed (the resolver's deadline runs from here).
    pub disputed_at: Option<u32>,
    pub status: SlashStatus,
}

/// DYN the contract holds, by purpose. Their sum equals the contract's DYN balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Holdings {
    pub active: u128,
    pub unbonding: u128,
    pub pending_slash: u128,
    pub deposits: u128,
}

impl Holdings {
    /// Everything held, or `None` if the parts overflow (they never do while the accounting
    /// holds: they are parts of DYN's supply).
    pub fn sum(&self) -> Option<u128> {
        self.active
            .checked_add(self.unbonding)?
            .checked_add(self.pending_slash)?
            .checked_add(self.deposits)
    }
}

/// What the contract must do outside its own storage after a rule ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Pull `amount` DYN from `from` with `transfer_from` (needs its allowance).
    Pull { from: AccountId, amount: u128 },
    /// Pay `amount` DYN to `to`.
    Pay { to: AccountId, amount: u128 },
    /// Burn `amount` of the contract's DYN.
    Burn { amount: u128 },
    /// Record a reputation fault.
    Fault {
        account: AccountId,
        class: FaultClass,
    },
}

dynamis_shared::contract_events! {
    enum BondingEvent;
    /// DYN was bonded for a role.
    Bonded { #[ink(topic)] account: AccountId, role: Role, amount: u128, active: u128 }
    /// Active bond started unbonding.
    Unbonded { #[ink(topic)] account: AccountId, role: Role, amount: u128, unlock_at: u32 }
    /// Unlocked unbonding stake was paid out.
    Withdrawn { #[ink(topic)] account: AccountId, role: Role, amount: u128 }
    /// A reporter was authorised.
    ReporterAdded { #[ink(topic)] reporter: AccountId }
    /// The reporters were fixed for good.
    WiringLocked { admin: AccountId }
    /// A slash was reported and its amount reserved.
    SlashReported {
        #[ink(topic)] id: u64,
        #[ink(topic)] offender: AccountId,
        role: Role,
        class: SlashClass,
        amount: u128,
        reporter: AccountId,
        beneficiary: AccountId,
        evidence: [u8; 32],
        dispute_until: u32,
    }
    /// The offender disputed a slash.
    SlashDisputed { #[ink(topic)] id: u64, #[ink(topic)] offender: AccountId, deposit: u128 }
    /// A dispute was decided: upheld returns the slash and deposit, rejected burns the
    /// deposit. `by_default`: nobody decided by the deadline, so the slash stands and the
    /// deposit returned.
    DisputeResolved {
        #[ink(topic)] id: u64,
        #[ink(topic)] offender: AccountId,
        upheld: bool,
        by_default: bool,
        /// Stake returned to the offender (upheld).
        returned: u128,
        /// Deposit burned (rejected).
        deposit_burned: u128,
    }
    /// A slash settled: `burned` destroyed, `reward` paid to the beneficiary, reputation cut.
    SlashSettled {
        #[ink(topic)] id: u64,
        #[ink(topic)] offender: AccountId,
        burned: u128,
        beneficiary: AccountId,
        reward: u128,
    }
}

/// The rules' result: events to emit and effects to carry out.
pub type Outcome = (Vec<BondingEvent>, Vec<Effect>);

/// The bonding contract's state.
#[ink::storage_item]
#[derive(Debug)]
pub struct Bonds {
    resolver: AccountId,
    params: Params,
    holdings: Holdings,
    next_slash: u64,
    reporters: WiredSet,
    stakes: Mapping<(AccountId, Role), Stake>,
    slashes: Mapping<u64, Slash>,
}

impl Bonds {
    /// Bonds with `params`, disputes decided by `resolver`, wired by `admin`.
    pub fn new(
        admin: AccountId,
        resolver: AccountId,
        params: Params,
    ) -> Result<Self, BondingError> {
        params.validate()?;
        Ok(Self {
            resolver,
            params,
            holdings: Holdings::default(),
            next_slash: 0,
            reporters: WiredSet::open(admin),
            stakes: Mapping::new(),
            slashes: Mapping::new(),
        })
    }

    pub fn params(&self) -> Params {
        self.params
    }

    pub fn resolver(&self) -> AccountId {
        self.resolver
    }

    pub fn wiring(&self) -> Wiring {
        self.reporters.wiring()
    }

    pub fn holdings(&self) -> Holdings {
        self.holdings
    }

    /// The id the next reported slash gets (ids below it were used).
    pub fn next_slash(&self) -> u64 {
        self.next_slash
    }

    pub fn is_reporter(&self, account: AccountId) -> bool {
        self.reporters.contains(account)
    }

    pub fn stake(&self, account: AccountId, role: Role) -> Stake {
        self.stakes.get((account, role)).unwrap_or_default()
    }

    pub fn slash(&self, id: u64) -> Option<Slash> {
        self.slashes.get(id)
    }

    pub fn active_bond(&self, account: AccountId, role: Role) -> u128 {
        self.stake(account, role).active
    }

    pub fn is_bonded(&self, account: AccountId, role: Role) -> bool {
        self.bonded_stake(account, role).is_some()
    }

    /// The active bond if it meets the role's minimum (every minimum is above zero, checked
    /// at instantiation).
    pub fn bonded_stake(&self, account: AccountId, role: Role) -> Option<u128> {
        let active = self.active_bond(account, role);
        (active >= self.params.min_bond(role)).then_some(active)
    }

    fn store(&mut self, account: AccountId, role: Role, stake: &Stake) {
        if stake.is_empty() {
            self.stakes.remove((account, role));
        } else {
            self.stakes.insert((account, role), stake);
        }
    }

    /// The wiring admin authorises a slash reporter.
    pub fn add_reporter(
        &mut self,
        caller: AccountId,
        reporter: AccountId,
    ) -> Result<Vec<BondingEvent>, BondingError> {
        self.reporters.add(caller, reporter)?;
        Ok(vec![BondingEvent::ReporterAdded(ReporterAdded { reporter })])
    }

    /// The wiring admin fixes the reporters for good.
    pub fn lock_wiring(&mut self, caller: AccountId) -> Result<Vec<BondingEvent>, BondingError> {
        let admin = self.reporters.lock(caller)?;
        Ok(vec![BondingEvent::WiringLocked(WiringLocked { admin })])
    }

    /// `caller` bonds `amount` more for `role`.
    pub fn bond(
        &mut self,
        caller: AccountId,
        role: Role,
        amount: u128,
        now: u32,
    ) -> Result<Outcome, BondingError> {
        if amount == 0 {
            return Err(BondingError::ZeroAmount);
        }
        let mut stake = self.stake(caller, role);
        let active = plus(stake.active, amount)?;
        if active < self.params.min_bond(role) {
            return Err(BondingError::BelowMinimum);
        }
        stake.add_active(amount, now, now);
        self.store(caller, role, &stake);
        self.holdings.active = plus(self.holdings.active, amount)?;
        let event = Bonded {
            account: caller,
            role,
            amount,
            active,
        };
        Ok((
            vec![BondingEvent::Bonded(event)],
            vec![Effect::Pull {
                from: caller,
                amount,
            }],
        ))
    }

    /// `caller` starts unbonding `amount` of its active bond for `role`.
    pub fn unbond(
        &mut self,
        caller: AccountId,
        role: Role,
        amount: u128,
        now: u32,
    ) -> Result<Vec<BondingEvent>, BondingError> {
        if amount == 0 {
            return Err(BondingError::ZeroAmount);
        }
        let mut stake = self.stake(caller, role);
        let remaining = stake
            .active
            .checked_sub(amount)
            .ok_or(BondingError::InsufficientBond)?;
        if remaining > 0 && remaining < self.params.min_bond(role) {
            return Err(BondingError::BelowMinimum);
        }
        let unlock_at = now.saturating_add(self.params.unbonding_blocks);
        let full = stake.unbonding.len() >= MAX_UNBONDING_CHUNKS;
        match stake.unbonding.last_mut() {
            Some(last) if last.unlock_at == unlock_at => last.amount = plus(last.amount, amount)?,
            _ if full => return Err(BondingError::TooManyUnbondingChunks),
            _ => stake.unbonding.push(Chunk { amount, unlock_at }),
        }
        stake.active = remaining;
        self.store(caller, role, &stake);
        self.holdings.active = minus(self.holdings.active, amount)?;
        self.holdings.unbonding = plus(self.holdings.unbonding, amount)?;
        Ok(vec![BondingEvent::Unbonded(Unbonded {
            account: caller,
            role,
            amount,
            unlock_at,
        })])
    }

    /// `caller` takes out every unbonding chunk of `role` that has unlocked.
    pub fn withdraw(
        &mut self,
        caller: AccountId,
        role: Role,
        now: u32,
    ) -> Result<Outcome, BondingError> {
        let mut stake = self.stake(caller, role);
        let mut amount: u128 = 0;
        for chunk in stake.unbonding.iter().filter(|c| c.unlock_at <= now) {
            amount = plus(amount, chunk.amount)?;
        }
        stake.unbonding.retain(|chunk| chunk.unlock_at > now);
        if amount == 0 {
            return Err(BondingError::NothingToWithdraw);
        }
        self.store(caller, role, &stake);
        self.holdings.unbonding = minus(self.holdings.unbonding, amount)?;
        let event = Withdrawn {
            account: caller,
            role,
            amount,
        };
        Ok((
            vec![BondingEvent::Withdrawn(event)],
            vec![Effect::Pay { to: caller, amount }],
        ))
    }

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
        self.store(offender, role, &stake);
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
        self.store(offender, slash.role, &stake);
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

    /// The weight of `account`'s active `role` bond at block `now` given its reputation
    /// `score`: amount × duration multiplier (1× growing to 2× over the ramp) × tier
    /// multiplier × (1 + score / SCORE_MAX).
    pub fn role_weight(&self, account: AccountId, role: Role, now: u32, score: u32) -> u128 {
        let stake = self.stake(account, role);
        let ramp = self.params.duration_ramp_blocks;
        let age = now.saturating_sub(stake.since).min(ramp);
        let growth = u64::from(age)
            .saturating_mul(u64::from(PPB))
            .checked_div(u64::from(ramp))
            .unwrap_or(0);
        let duration_ppb = PPB.saturating_add(u32::try_from(growth).unwrap_or(PPB));
        // score is in millionths: × 1000 gives billionths.
        let reputation_ppb = PPB.saturating_add(score.min(SCORE_MAX).saturating_mul(1_000));
        let weight = mul_ppb(stake.active, duration_ppb);
        let weight = mul_ppb(weight, self.params.tier_ppb(role));
        mul_ppb(weight, reputation_ppb)
    }

    /// The weight of all of `account`'s active bonds.
    pub fn weight(&self, account: AccountId, now: u32, score: u32) -> u128 {
        Role::ALL.iter().fold(0u128, |sum, role| {
            sum.saturating_add(self.role_weight(account, *role, now, score))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::{DAY, DEFAULT_PARAMS, ONE_DYN};

    fn acc(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    const ADMIN: u8 = 1;
    const RESOLVER: u8 = 2;
    const REPORTER: u8 = 3;
    const ALICE: u8 = 10;

    fn bonds() -> Bonds {
        let mut b = Bonds::new(acc(ADMIN), acc(RESOLVER), DEFAULT_PARAMS)
            .unwrap_or_else(|e| panic!("{e:?}"));
        b.add_reporter(acc(ADMIN), acc(REPORTER))
            .unwrap_or_else(|e| panic!("{e:?}"));
        b
    }

    fn ok<T>(r: Result<T, BondingError>) -> T {
        r.unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[ink::test]
    fn weight_is_amount_times_duration_tier_and_reputation() {
        let mut b = bonds();
        ok(b.bond(acc(ALICE), Role::Verifier, 1_000 * ONE_DYN, 0));
        let ramp = DEFAULT_PARAMS.duration_ramp_blocks;
        // Fresh, no reputation: amount × 1 × 1.5 × 1.
        assert_eq!(b.weight(acc(ALICE), 0, 0), 1_500 * ONE_DYN);
        // Half the ramp, half reputation: × 1.5 × 1.5 × 1.5.
        assert_eq!(
            b.weight(acc(ALICE), ramp / 2, SCORE_MAX / 2),
            1_000 * ONE_DYN * 3375 / 1000
        );
        // The ramp caps at 2×, reputation at 2×.
        assert_eq!(
            b.weight(acc(ALICE), 10 * ramp, u32::MAX),
            1_000 * ONE_DYN * 2 * 3 / 2 * 2
        );
        // Adding the same amount again halves the age (amount-weighted).
        ok(b.bond(acc(ALICE), Role::Verifier, 1_000 * ONE_DYN, ramp / 2));
        assert_eq!(b.stake(acc(ALICE), Role::Verifier).since, ramp / 4);
        // Roles add up; unbonding stake has no weight.
        ok(b.bond(acc(ALICE), Role::Sentry, 400 * ONE_DYN, ramp / 2));
        ok(b.unbond(acc(ALICE), Role::Sentry, 200 * ONE_DYN, ramp / 2));
        assert_eq!(
            b.weight(acc(ALICE), ramp / 2, 0),
            b.role_weight(acc(ALICE), Role::Verifier, ramp / 2, 0) + 200 * ONE_DYN * 3 / 4
        );
    }

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
        assert_eq!(b.expire_dispute(id, until - 1), Err(BondingError::DecisionOpen));
        assert_eq!(
            b.resolve_dispute(acc(RESOLVER), id, true, until),
            Err(BondingError::DecisionClosed)
        );
        let (_, effects) = ok(b.expire_dispute(id, until));
        let deposit = DEFAULT_PARAMS.dispute_deposit;
        assert_eq!(effects, vec![Effect::Pay { to: alice, amount: deposit }]);
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
