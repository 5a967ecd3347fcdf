//! The bonding rules as plain Rust. Methods take the caller and the current block explicitly,
//! change the state, and return the events to emit and the token/reputation effects the
//! contract must then carry out (all in the same transaction: if an effect fails, everything
//! reverts).
//!
//! This file: stakes, bonding, unbonding, withdrawing and weight. Slashes (report, dispute,
//! decision, default, settlement): `slashes.rs`.

use crate::params::{Bounds, Params, MAX_UNBONDING_CHUNKS};
use dynamis_shared::{
    math::{minus, mul_ppb, plus, PPB},
    BondingError, Checkpoints, FaultClass, Role, SlashClass, WiredSet, Wiring, SCORE_MAX,
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
    pub(crate) fn add_active(&mut self, amount: u128, since: u32, now: u32) {
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
    ReportersLocked { admin: AccountId }
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
    /// Governance moved the parameters (inside the bounds).
    BondingParamsUpdated { params: Params }
    /// Governance named a new resolver (it decides disputes from now on, including open ones).
    DisputeResolverChanged { resolver: AccountId }
}

/// The rules' result: events to emit and effects to carry out.
pub type Outcome = (Vec<BondingEvent>, Vec<Effect>);

/// The bonding contract's state.
#[ink::storage_item]
#[derive(Debug)]
pub struct Bonds {
    pub(crate) resolver: AccountId,
    governance: AccountId,
    pub(crate) params: Params,
    bounds: Bounds,
    pub(crate) holdings: Holdings,
    pub(crate) next_slash: u64,
    reporters: WiredSet,
    pub(crate) stakes: Mapping<(AccountId, Role), Stake>,
    pub(crate) slashes: Mapping<u64, Slash>,
    /// Each account's total active bond over all roles, per block it changed.
    active_history: Checkpoints,
}

impl Bonds {
    /// Bonds with `params` inside `bounds` (tuned by `governance`), disputes decided by
    /// `resolver`, wired by `admin`.
    pub fn new(
        admin: AccountId,
        governance: AccountId,
        resolver: AccountId,
        bounds: Bounds,
        params: Params,
    ) -> Result<Self, BondingError> {
        bounds.validate()?;
        bounds.check(&params)?;
        params.validate()?;
        Ok(Self {
            resolver,
            governance,
            params,
            bounds,
            holdings: Holdings::default(),
            next_slash: 0,
            reporters: WiredSet::open(admin),
            stakes: Mapping::new(),
            slashes: Mapping::new(),
            active_history: Checkpoints::new(),
        })
    }

    pub fn params(&self) -> Params {
        self.params
    }

    pub fn resolver(&self) -> AccountId {
        self.resolver
    }

    pub fn governance(&self) -> AccountId {
        self.governance
    }

    pub fn bounds(&self) -> Bounds {
        self.bounds
    }

    /// Governance sets new parameters: each inside its hard bounds, consistent together.
    pub fn set_params(
        &mut self,
        caller: AccountId,
        params: Params,
    ) -> Result<Vec<BondingEvent>, BondingError> {
        if caller != self.governance {
            return Err(BondingError::NotGovernance);
        }
        self.bounds.check(&params)?;
        params.validate()?;
        self.params = params;
        Ok(vec![BondingParamsUpdated { params }.into()])
    }

    /// Governance names a new resolver.
    pub fn set_resolver(
        &mut self,
        caller: AccountId,
        resolver: AccountId,
    ) -> Result<Vec<BondingEvent>, BondingError> {
        if caller != self.governance {
            return Err(BondingError::NotGovernance);
        }
        self.resolver = resolver;
        Ok(vec![DisputeResolverChanged { resolver }.into()])
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

    /// Writes `account`'s `role` stake and, when its active bond changed, the checkpoint of the
    /// account's total active bond over all roles at block `now` (read by governance at a
    /// proposal's snapshot through `active_at`).
    pub(crate) fn store(
        &mut self,
        account: AccountId,
        role: Role,
        stake: &Stake,
        now: u32,
    ) -> Result<(), BondingError> {
        let old = self.active_bond(account, role);
        if old != stake.active {
            let total = plus(
                minus(self.active_history.latest(account), old)?,
                stake.active,
            )?;
            self.active_history.record(account, now, total);
        }
        if stake.is_empty() {
            self.stakes.remove((account, role));
        } else {
            self.stakes.insert((account, role), stake);
        }
        Ok(())
    }

    /// `account`'s active bond over all roles at the end of block `block` (`block` must have
    /// ended for the answer to be final).
    pub fn active_at(&self, account: AccountId, block: u32) -> u128 {
        self.active_history.value_at(account, block)
    }

    /// The wiring admin authorises a slash reporter.
    pub fn add_reporter(
        &mut self,
        caller: AccountId,
        reporter: AccountId,
    ) -> Result<Vec<BondingEvent>, BondingError> {
        self.reporters.add(caller, reporter)?;
        Ok(vec![BondingEvent::ReporterAdded(ReporterAdded {
            reporter,
        })])
    }

    /// The wiring admin fixes the reporters for good.
    pub fn lock_wiring(&mut self, caller: AccountId) -> Result<Vec<BondingEvent>, BondingError> {
        let admin = self.reporters.lock(caller)?;
        Ok(vec![BondingEvent::ReportersLocked(ReportersLocked {
            admin,
        })])
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
        self.store(caller, role, &stake, now)?;
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
        self.store(caller, role, &stake, now)?;
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
        self.store(caller, role, &stake, now)?;
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
pub(crate) mod tests {
    use super::*;
    use crate::params::{DEFAULT_BOUNDS, DEFAULT_PARAMS, ONE_DYN};

    pub(crate) fn acc(n: u8) -> AccountId {
        AccountId::from([n; 32])
    }

    pub(crate) const ADMIN: u8 = 1;
    pub(crate) const RESOLVER: u8 = 2;
    pub(crate) const REPORTER: u8 = 3;
    pub(crate) const GOVERNANCE: u8 = 4;
    pub(crate) const ALICE: u8 = 10;

    /// Bonds with the default parameters and one reporter wired.
    pub(crate) fn bonds() -> Bonds {
        let mut b = Bonds::new(
            acc(ADMIN),
            acc(GOVERNANCE),
            acc(RESOLVER),
            DEFAULT_BOUNDS,
            DEFAULT_PARAMS,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        b.add_reporter(acc(ADMIN), acc(REPORTER))
            .unwrap_or_else(|e| panic!("{e:?}"));
        b
    }

    pub(crate) fn ok<T>(r: Result<T, BondingError>) -> T {
        r.unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[ink::test]
    fn only_governance_moves_the_parameters_inside_the_bounds_and_names_the_resolver() {
        let mut b = bonds();
        let mut p = DEFAULT_PARAMS;
        p.min_bond[4] = 500 * ONE_DYN;
        for who in [ADMIN, RESOLVER, REPORTER, ALICE] {
            assert_eq!(b.set_params(acc(who), p), Err(BondingError::NotGovernance));
            assert_eq!(
                b.set_resolver(acc(who), acc(who)),
                Err(BondingError::NotGovernance)
            );
        }
        let mut out = p;
        out.dispute_window_blocks += 1;
        assert_eq!(
            b.set_params(acc(GOVERNANCE), out),
            Err(BondingError::ParamOutOfBounds)
        );
        ok(b.set_params(acc(GOVERNANCE), p));
        assert_eq!(b.params(), p);
        ok(b.set_resolver(acc(GOVERNANCE), acc(ALICE)));
        assert_eq!(b.resolver(), acc(ALICE));
        let made = Bonds::new(
            acc(ADMIN),
            acc(GOVERNANCE),
            acc(RESOLVER),
            DEFAULT_BOUNDS,
            out,
        );
        assert_eq!(made.map(|_| ()), Err(BondingError::ParamOutOfBounds));
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
    fn active_at_reads_the_total_active_bond_at_any_past_block() {
        let mut b = bonds();
        let (alice, v, s) = (acc(ALICE), Role::Verifier, Role::Sentry);
        ok(b.bond(alice, v, 1_000 * ONE_DYN, 10));
        ok(b.bond(alice, s, 500 * ONE_DYN, 20));
        ok(b.unbond(alice, v, 400 * ONE_DYN, 30));
        ok(b.report_slash(
            acc(REPORTER),
            alice,
            s,
            SlashClass::Malicious,
            [0; 32],
            acc(REPORTER),
            40,
        ));
        for (block, total) in [
            (9, 0),
            (10, 1_000),
            (19, 1_000),
            (20, 1_500),
            (30, 1_100),
            (39, 1_100),
            (40, 600),
        ] {
            assert_eq!(b.active_at(alice, block), total * ONE_DYN, "block {block}");
        }
        // Unbonding stake does not count; another account's history is its own.
        assert_eq!(b.active_at(acc(ALICE + 1), 40), 0);
    }
}
