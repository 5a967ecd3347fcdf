//! The contract's state and rules as plain Rust: the wired reporters, each ID's meter, the Flux
//! ledger, burning by use or by a lazy tax, and the epoch close that runs the controller.
//! Methods take the caller and the block explicitly and return the events to emit.
//!
//! - **Per use** (`BurnMode::PerUse`): an ID burns μ Flux of its own per task it uses
//!   (`use_flux`); the epoch's burn is what was burned.
//! - **Tax** (`BurnMode::Tax`): each epoch close takes β of the effective supply. Nothing loops
//!   over IDs: a cumulative index (the product of every closed epoch's 1 − β) falls, and each
//!   account's balance is settled to it lazily, on its next touch (a report, a transfer, a
//!   read shows it already settled). The ledger's supply is what it holds; what a settlement
//!   takes is burned then.

use crate::{
    controller::{Controller, ControllerError, EpochRecord},
    power::{Activity, Meter, Quality, Rates},
    tunables::{Bounds, Tunables},
};
pub use dynamis_shared::PowerFluxError;
use dynamis_shared::{
    math::{minus, mul_ppb, plus, Overflow, PPB},
    Psp22Events, Psp22Ledger, WiredSet, Wiring,
};
use ink::{
    prelude::{vec, vec::Vec},
    primitives::AccountId,
    storage::Mapping,
};

/// Ended epochs a report or a use closes itself before it is booked (see `catch_up`): two
/// months of daily epochs, at about 2.3 G ref_time each on the compiled contract.
pub const CATCH_UP: u32 = 64;

/// The tax index at the start: 10¹⁸ (one).
pub const INDEX_ONE: u128 = 1_000_000_000_000_000_000;

/// How Flux is burned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub enum BurnMode {
    /// μ per task used.
    PerUse,
    /// β of the supply per epoch.
    Tax,
}

/// What the contract is instantiated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Config {
    pub rates: Rates,
    /// μ: Flux base units burned per task (per-use variant).
    pub mu: u128,
    pub mode: BurnMode,
    /// Blocks per epoch.
    pub epoch_blocks: u32,
}

impl From<ControllerError> for PowerFluxError {
    fn from(_: ControllerError) -> Self {
        PowerFluxError::InvalidConfig
    }
}

dynamis_shared::contract_events! {
    enum PowerFluxEvent;
    /// A reporter was wired.
    PowerReporterAdded { #[ink(topic)] reporter: AccountId }
    /// The reporters were fixed for good.
    PowerReportersLocked { admin: AccountId }
    /// A report spent `power` µPower of `id` and minted `flux` to it.
    PowerSpent {
        #[ink(topic)] id: AccountId,
        reporter: AccountId,
        epoch: u32,
        power: u128,
        flux: u128,
        p_used: u128,
    }
    /// `id` used `tasks` tasks and burned `burned` Flux for them.
    FluxUsed { #[ink(topic)] id: AccountId, tasks: u32, burned: u128 }
    /// `id`'s balance was settled to the tax index: `amount` burned.
    FluxTaxed { #[ink(topic)] id: AccountId, amount: u128 }
    /// Governance moved the tunables (inside the bounds).
    FluxTunablesSet { tunables: Tunables }
    /// An epoch was closed: what it minted and burned, the supply after it, and κ and β for
    /// the next one.
    EpochClosed {
        #[ink(topic)] epoch: u32,
        mint: u128,
        burn: u128,
        supply: u128,
        kappa: u128,
        beta_ppb: u32,
    }
}

/// Events of the contract and of its Flux ledger, in order.
pub type Outcome = (Vec<PowerFluxEvent>, Psp22Events);

/// Lifetime totals (the invariants read them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[ink::scale_derive(Encode, Decode, TypeInfo)]
#[cfg_attr(feature = "std", derive(ink::storage::traits::StorageLayout))]
pub struct Totals {
    /// IDs that have spent any Power.
    pub ids: u32,
    /// Σ p_used over all IDs.
    pub p_used: u128,
    pub minted: u128,
    /// Burned by use and by settled tax.
    pub burned: u128,
}

/// `value × index / mark` for `index ≤ mark`, without overflow.
fn scaled(value: u128, index: u128, mark: u128) -> u128 {
    if mark == 0 {
        return value;
    }
    let whole = value.checked_div(mark).unwrap_or(0).saturating_mul(index);
    let part = value
        .checked_rem(mark)
        .unwrap_or(0)
        .saturating_mul(index)
        .checked_div(mark)
        .unwrap_or(0);
    whole.saturating_add(part)
}

#[ink::storage_item]
#[derive(Debug)]
pub struct PowerFlux {
    reporters: WiredSet,
    governance: AccountId,
    bounds: Bounds,
    config: Config,
    controller: Controller,
    /// The open epoch and what it has minted and burned so far.
    epoch: u32,
    epoch_mint: u128,
    epoch_burn: u128,
    meters: Mapping<AccountId, Meter>,
    totals: Totals,
    flux: Psp22Ledger,
    /// Π (1 − β) over the closed epochs (tax variant), from [`INDEX_ONE`].
    tax_index: u128,
    /// Each account's index at its last settlement.
    marks: Mapping<AccountId, u128>,
    /// The supply after every accrued tax (≤ the ledger's supply, which still holds what is
    /// accrued but not yet settled).
    effective_supply: u128,
}

impl PowerFlux {
    /// Reporters wired by `admin`; `controller` starts κ and β; `governance` tunes inside
    /// `bounds`.
    pub fn new(
        admin: AccountId,
        governance: AccountId,
        config: Config,
        controller: Controller,
        bounds: Bounds,
    ) -> Result<Self, PowerFluxError> {
        config
            .rates
            .validate()
            .map_err(|_| PowerFluxError::InvalidConfig)?;
        controller.params.validate()?;
        if config.epoch_blocks == 0 || !bounds.valid() {
            return Err(PowerFluxError::InvalidConfig);
        }
        if !bounds.contains(&Tunables::of(config.mu, &controller.params)) {
            return Err(PowerFluxError::ParamOutOfBounds);
        }
        Ok(Self {
            reporters: WiredSet::open(admin),
            governance,
            bounds,
            config,
            controller,
            epoch: 0,
            epoch_mint: 0,
            epoch_burn: 0,
            meters: Mapping::new(),
            totals: Totals::default(),
            flux: Psp22Ledger::default(),
            tax_index: INDEX_ONE,
            marks: Mapping::new(),
            effective_supply: 0,
        })
    }

    pub fn governance(&self) -> AccountId {
        self.governance
    }
    pub fn bounds(&self) -> Bounds {
        self.bounds
    }
    pub fn tunables(&self) -> Tunables {
        Tunables::of(self.config.mu, &self.controller.params)
    }

    /// Governance sets the tunables, each inside its hard bounds and consistent together; κ
    /// and β are pulled inside their new floors and ceilings.
    pub fn set_tunables(
        &mut self,
        caller: AccountId,
        tunables: Tunables,
    ) -> Result<Vec<PowerFluxEvent>, PowerFluxError> {
        if caller != self.governance {
            return Err(PowerFluxError::NotGovernance);
        }
        if !self.bounds.contains(&tunables) {
            return Err(PowerFluxError::ParamOutOfBounds);
        }
        let params = tunables.apply(&self.controller.params);
        params.validate()?;
        self.config.mu = tunables.mu;
        self.controller.params = params;
        self.controller.kappa = self
            .controller
            .kappa
            .clamp(params.kappa_min, params.kappa_max);
        self.controller.beta_ppb = self
            .controller
            .beta_ppb
            .clamp(params.beta_min_ppb, params.beta_max_ppb);
        Ok(vec![FluxTunablesSet { tunables }.into()])
    }

    pub fn config(&self) -> Config {
        self.config
    }
    pub fn controller(&self) -> Controller {
        self.controller
    }
    pub fn totals(&self) -> Totals {
        self.totals
    }
    pub fn epoch(&self) -> u32 {
        self.epoch
    }
    pub fn meter(&self, id: AccountId) -> Meter {
        self.meters.get(id).unwrap_or_default()
    }
    pub fn wiring(&self) -> Wiring {
        self.reporters.wiring()
    }
    pub fn is_reporter(&self, account: AccountId) -> bool {
        self.reporters.contains(account)
    }
    pub fn ledger(&self) -> &Psp22Ledger {
        &self.flux
    }
    pub fn ledger_mut(&mut self) -> &mut Psp22Ledger {
        &mut self.flux
    }
    pub fn effective_supply(&self) -> u128 {
        self.effective_supply
    }
    /// Π (1 − β) over the closed epochs, in units of [`INDEX_ONE`]. Settling to it rounds: an
    /// epoch's close can leave the balances as they stand up to `effective_supply / index + 1`
    /// base units away from the effective supply (at 10⁹ Flux and an index near one, a
    /// billionth of a Flux).
    pub fn tax_index(&self) -> u128 {
        self.tax_index
    }

    /// `account`'s Flux as it stands: its stored balance settled to the tax index.
    pub fn balance_of(&self, account: AccountId) -> u128 {
        let stored = self.flux.balance_of(account);
        let mark = self.marks.get(account).unwrap_or(self.tax_index);
        scaled(stored, self.tax_index, mark)
    }

    pub fn add_reporter(
        &mut self,
        caller: AccountId,
        reporter: AccountId,
    ) -> Result<Vec<PowerFluxEvent>, PowerFluxError> {
        self.reporters.add(caller, reporter)?;
        Ok(vec![PowerReporterAdded { reporter }.into()])
    }

    pub fn lock_wiring(
        &mut self,
        caller: AccountId,
    ) -> Result<Vec<PowerFluxEvent>, PowerFluxError> {
        let admin = self.reporters.lock(caller)?;
        Ok(vec![PowerReportersLocked { admin }.into()])
    }

    /// Closes the epochs that have ended by block `now`, oldest first, so that what follows is
    /// booked to the epoch `now` lies in: a report or a use at an epoch's end never waits for
    /// someone else's `close_epoch` (and a stranger cannot time a call to make it fail). At
    /// most [`CATCH_UP`] closes, each of constant cost; an older backlog is closed by
    /// `close_epoch` calls first.
    fn catch_up(&mut self, now: u32) -> Result<Vec<PowerFluxEvent>, PowerFluxError> {
        let current = now.checked_div(self.config.epoch_blocks).unwrap_or(0);
        if current.saturating_sub(self.epoch) > CATCH_UP {
            return Err(PowerFluxError::EpochNotClosed);
        }
        let mut events = Vec::new();
        while self.epoch < current {
            let (_, closed) = self.close_epoch(now)?;
            events.extend(closed);
        }
        Ok(events)
    }

    /// Settles `account` to the tax index: burns what the tax took since its last touch.
    pub fn settle(&mut self, account: AccountId) -> Result<Outcome, PowerFluxError> {
        let mark = self.marks.get(account).unwrap_or(self.tax_index);
        self.marks.insert(account, &self.tax_index);
        let stored = self.flux.balance_of(account);
        let due = stored.saturating_sub(scaled(stored, self.tax_index, mark));
        if due == 0 {
            return Ok((Vec::new(), Vec::new()));
        }
        let transfers = self.flux.burn(account, due)?;
        self.totals.burned = plus(self.totals.burned, due)?;
        Ok((
            vec![FluxTaxed {
                id: account,
                amount: due,
            }
            .into()],
            transfers,
        ))
    }

    /// A wired reporter reports `id`'s attested `activity` of quality `quality` (the ID's
    /// reputation `score` read by the shell) at block `now`: the Power it asks for is spent,
    /// clipped to the epoch's and the lifetime's room, and κ × ΔP × Q Flux minted to `id`.
    pub fn report(
        &mut self,
        caller: AccountId,
        id: AccountId,
        activity: &Activity,
        quality: &Quality,
        score: u32,
        now: u32,
    ) -> Result<Outcome, PowerFluxError> {
        if !self.reporters.contains(caller) {
            return Err(PowerFluxError::NotReporter);
        }
        let mut events = self.catch_up(now)?;
        let (settled, mut transfers) = self.settle(id)?;
        events.extend(settled);
        let rates = self.config.rates;
        let q = rates.quality_ppb(quality, score);
        let before = self.meter(id);
        let spent = before.spend(&rates, activity, self.epoch, self.controller.kappa, q)?;
        if before.p_used == 0 && spent.power > 0 {
            self.totals.ids = plus(self.totals.ids, 1)?;
        }
        self.meters.insert(id, &spent.meter);
        self.totals.p_used = plus(self.totals.p_used, spent.power)?;
        self.totals.minted = plus(self.totals.minted, spent.flux)?;
        self.epoch_mint = plus(self.epoch_mint, spent.flux)?;
        self.effective_supply = plus(self.effective_supply, spent.flux)?;
        transfers.extend(self.flux.mint(id, spent.flux)?);
        events.push(
            PowerSpent {
                id,
                reporter: caller,
                epoch: self.epoch,
                power: spent.power,
                flux: spent.flux,
                p_used: spent.meter.p_used,
            }
            .into(),
        );
        Ok((events, transfers))
    }

    /// `caller` uses `tasks` tasks at block `now` and burns μ Flux of its own for each
    /// (per-use variant).
    pub fn use_flux(
        &mut self,
        caller: AccountId,
        tasks: u32,
        now: u32,
    ) -> Result<Outcome, PowerFluxError> {
        if self.config.mode != BurnMode::PerUse {
            return Err(PowerFluxError::WrongMode);
        }
        if tasks == 0 {
            return Err(PowerFluxError::ZeroTasks);
        }
        let closed = self.catch_up(now)?;
        let burned = self
            .config
            .mu
            .checked_mul(u128::from(tasks))
            .ok_or(Overflow)?;
        let transfers = self.flux.burn(caller, burned)?;
        self.totals.burned = plus(self.totals.burned, burned)?;
        self.epoch_burn = plus(self.epoch_burn, burned)?;
        self.effective_supply = minus(self.effective_supply, burned)?;
        let mut events = closed;
        events.push(
            FluxUsed {
                id: caller,
                tasks,
                burned,
            }
            .into(),
        );
        Ok((events, transfers))
    }

    /// `caller` sends `value` Flux to `to`, both settled to the tax index first.
    pub fn transfer(
        &mut self,
        caller: AccountId,
        to: AccountId,
        value: u128,
    ) -> Result<Outcome, PowerFluxError> {
        let (mut events, mut transfers) = self.settle(caller)?;
        let (more, burns) = self.settle(to)?;
        events.extend(more);
        transfers.extend(burns);
        transfers.extend(self.flux.transfer(caller, to, value)?);
        Ok((events, transfers))
    }

    /// `caller` moves `value` Flux from `from` to `to` on `from`'s allowance, both settled to
    /// the tax index first.
    pub fn transfer_from(
        &mut self,
        caller: AccountId,
        from: AccountId,
        to: AccountId,
        value: u128,
    ) -> Result<Outcome, PowerFluxError> {
        let (mut events, mut transfers) = self.settle(from)?;
        let (more, burns) = self.settle(to)?;
        events.extend(more);
        transfers.extend(burns);
        transfers.extend(self.flux.transfer_from(caller, from, to, value)?);
        Ok((events, transfers))
    }

    /// Anyone closes the open epoch once block `now` is past its end: the tax (if it runs)
    /// accrues on the effective supply, the controller moves κ and β from the epoch's mint and
    /// burn, and the next epoch opens. Constant work, whatever the number of IDs.
    pub fn close_epoch(
        &mut self,
        now: u32,
    ) -> Result<(EpochRecord, Vec<PowerFluxEvent>), PowerFluxError> {
        let current = now.checked_div(self.config.epoch_blocks).unwrap_or(0);
        if current <= self.epoch {
            return Err(PowerFluxError::EpochNotOver);
        }
        let tax = self.config.mode == BurnMode::Tax;
        if tax {
            let beta = self.controller.beta_ppb;
            let accrued = mul_ppb(self.effective_supply, beta);
            self.effective_supply = minus(self.effective_supply, accrued)?;
            self.epoch_burn = plus(self.epoch_burn, accrued)?;
            self.tax_index = mul_ppb(self.tax_index, PPB.saturating_sub(beta)).max(1);
        }
        let record = self.controller.close(self.epoch_mint, self.epoch_burn, tax);
        let event = EpochClosed {
            epoch: self.epoch,
            mint: self.epoch_mint,
            burn: self.epoch_burn,
            supply: self.effective_supply,
            kappa: record.kappa,
            beta_ppb: record.beta_ppb,
        };
        self.epoch = plus(self.epoch, 1)?;
        self.epoch_mint = 0;
        self.epoch_burn = 0;
        Ok((record, vec![event.into()]))
    }
}

#[cfg(test)]
mod tests;
