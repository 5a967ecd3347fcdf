//! Dynamis Power/Flux (seed 001, DESIGN.md item 6), as plain Rust rules first: per-ID Power
//! (21 M for life, spent only by attested activity, clipped at the end) and the Flux it mints
//! (`power.rs`), and the per-epoch controller that moves κ (Flux minted per unit of
//! quality-weighted Power) and β (the Flux tax per epoch) toward E[Mint] ≈ E[Burn]
//! (`controller.rs`). The contract shell (reporters, the Flux token, burning by use and the
//! lazy tax) builds on these rules (issue 18).
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod controller;
pub mod power;
pub mod rules;
pub mod tunables;

pub use controller::{Controller, ControllerError, ControllerParams, EpochRecord};
pub use power::{Activity, Meter, Quality, Rates, Spent, DEFAULT_RATES, POWER_UNIT, P_MAX};
pub use rules::{
    BurnMode, Config, EpochClosed, FluxTaxed, FluxTunablesSet, FluxUsed, PowerFlux, PowerFluxError,
    PowerFluxEvent, PowerReporterAdded, PowerReportersLocked, PowerSpent, Totals, CATCH_UP,
    INDEX_ONE,
};
pub use tunables::{Bounds, Tunables};

/// Decimals of Flux.
pub const DECIMALS: u8 = 18;
/// Flux base units per Flux.
pub const ONE_FLUX: u128 = 1_000_000_000_000_000_000;

/// The defaults (see `power.rs` and `controller.rs` for why): one epoch a day; μ = 1 Flux per
/// task; κ starts at 1 Flux per Power, β at 1 % per epoch.
pub fn default_config(mode: BurnMode) -> Config {
    Config {
        rates: DEFAULT_RATES,
        mu: ONE_FLUX,
        mode,
        epoch_blocks: dynamis_shared::DAY,
    }
}

/// κ at instantiation by default: 1 Flux per Power (10¹² base units per µPower).
pub const DEFAULT_KAPPA: u128 = 1_000_000_000_000;
/// β at instantiation by default: 1 % per epoch.
pub const DEFAULT_BETA_PPB: u32 = 10_000_000;

#[ink::contract]
mod power_flux {
    use crate::{
        controller::{Controller, ControllerParams, EpochRecord, DEFAULT_PARAMS},
        power::{Activity, Meter, Quality},
        rules::{BurnMode, Config, Outcome, PowerFlux, PowerFluxError, Totals},
        tunables::{Bounds, Tunables},
        DECIMALS, DEFAULT_BETA_PPB, DEFAULT_KAPPA,
    };
    use dynamis_shared::{
        call::read, PSP22Error, PSP22Metadata, PowerReport, Psp22Event, Reputation, TransferData,
        Wiring, PSP22,
    };
    use ink::{codegen::TraitCallBuilder, prelude::string::String, prelude::vec::Vec};

    #[ink(storage)]
    pub struct PowerFluxContract {
        /// Read for each report's Q (the ID's score).
        reputation: AccountId,
        rules: PowerFlux,
    }

    impl PowerFluxContract {
        /// Power/Flux reading scores from `reputation`, with `config`, the controller's
        /// constants `params` and κ and β to start from, tuned by `governance` inside `bounds`
        /// (fixed for good). The caller becomes the wiring admin that wires the reporters and
        /// locks them.
        #[ink(constructor)]
        pub fn new(
            reputation: AccountId,
            governance: AccountId,
            config: Config,
            params: ControllerParams,
            start: (u128, u32),
            bounds: Bounds,
        ) -> Result<Self, PowerFluxError> {
            let (kappa, beta_ppb) = start;
            let controller = Controller::new(params, kappa, beta_ppb)?;
            let caller = Self::env().caller();
            let rules = PowerFlux::new(caller, governance, config, controller, bounds)?;
            Ok(Self { reputation, rules })
        }

        /// [`Self::new`] with the defaults, burning in `mode`, inside [`Bounds::around`] them.
        #[ink(constructor)]
        pub fn with_defaults(
            reputation: AccountId,
            governance: AccountId,
            mode: BurnMode,
        ) -> Result<Self, PowerFluxError> {
            let config = crate::default_config(mode);
            let bounds = Bounds::around(&Tunables::of(config.mu, &DEFAULT_PARAMS));
            Self::new(
                reputation,
                governance,
                config,
                DEFAULT_PARAMS,
                (DEFAULT_KAPPA, DEFAULT_BETA_PPB),
                bounds,
            )
        }

        /// Governance sets the tunables inside their hard bounds.
        #[ink(message)]
        pub fn set_tunables(&mut self, tunables: Tunables) -> Result<(), PowerFluxError> {
            let events = self.rules.set_tunables(self.env().caller(), tunables)?;
            self.emit((events, Vec::new()));
            Ok(())
        }

        #[ink(message)]
        pub fn tunables(&self) -> Tunables {
            self.rules.tunables()
        }

        #[ink(message)]
        pub fn bounds(&self) -> Bounds {
            self.rules.bounds()
        }

        #[ink(message)]
        pub fn governance(&self) -> AccountId {
            self.rules.governance()
        }

        fn emit(&self, (events, transfers): Outcome) {
            events.into_iter().for_each(|e| e.emit());
            for t in transfers {
                match t {
                    Psp22Event::Approval(e) => self.env().emit_event(e),
                    Psp22Event::Transfer(e) => self.env().emit_event(e),
                }
            }
        }

        fn now(&self) -> u32 {
            self.env().block_number()
        }

        /// The wiring admin wires a reporter (until the wiring is locked).
        #[ink(message)]
        pub fn add_reporter(&mut self, reporter: AccountId) -> Result<(), PowerFluxError> {
            let events = self.rules.add_reporter(self.env().caller(), reporter)?;
            self.emit((events, Vec::new()));
            Ok(())
        }

        /// The wiring admin fixes the reporters for good.
        #[ink(message)]
        pub fn lock_wiring(&mut self) -> Result<(), PowerFluxError> {
            let events = self.rules.lock_wiring(self.env().caller())?;
            self.emit((events, Vec::new()));
            Ok(())
        }

        /// The caller uses `tasks` tasks and burns μ Flux for each (per-use variant).
        #[ink(message)]
        pub fn use_flux(&mut self, tasks: u32) -> Result<(), PowerFluxError> {
            let outcome = self
                .rules
                .use_flux(self.env().caller(), tasks, self.now())?;
            self.emit(outcome);
            Ok(())
        }

        /// Anyone settles `account` to the tax index.
        #[ink(message)]
        pub fn settle(&mut self, account: AccountId) -> Result<(), PowerFluxError> {
            let outcome = self.rules.settle(account)?;
            self.emit(outcome);
            Ok(())
        }

        /// Anyone closes the open epoch once it has ended.
        #[ink(message)]
        pub fn close_epoch(&mut self) -> Result<EpochRecord, PowerFluxError> {
            let (record, events) = self.rules.close_epoch(self.now())?;
            self.emit((events, Vec::new()));
            Ok(record)
        }

        #[ink(message)]
        pub fn meter(&self, id: AccountId) -> Meter {
            self.rules.meter(id)
        }

        #[ink(message)]
        pub fn totals(&self) -> Totals {
            self.rules.totals()
        }

        #[ink(message)]
        pub fn controller(&self) -> Controller {
            self.rules.controller()
        }

        #[ink(message)]
        pub fn config(&self) -> Config {
            self.rules.config()
        }

        /// The open epoch.
        #[ink(message)]
        pub fn epoch(&self) -> u32 {
            self.rules.epoch()
        }

        /// The supply after every accrued tax, and the tax index.
        #[ink(message)]
        pub fn effective_supply(&self) -> (u128, u128) {
            (self.rules.effective_supply(), self.rules.tax_index())
        }

        #[ink(message)]
        pub fn wiring(&self) -> Wiring {
            self.rules.wiring()
        }

        #[ink(message)]
        pub fn is_reporter(&self, account: AccountId) -> bool {
            self.rules.is_reporter(account)
        }

        /// The reputation registry read for quality.
        #[ink(message)]
        pub fn reputation(&self) -> AccountId {
            self.reputation
        }
    }

    /// Flux is PSP22 with the standard selectors. `balance_of` is the balance as it stands
    /// (settled to the tax index); `total_supply` is what the ledger holds, which still counts
    /// tax accrued on balances not yet touched (so it is never below the sum of the balances).
    impl PowerReport for PowerFluxContract {
        /// A wired reporter reports `id`'s attested activity and its quality; the Power is
        /// spent and the Flux minted to `id` (an ended epoch is closed first).
        #[ink(message)]
        fn report(
            &mut self,
            id: AccountId,
            activity: Activity,
            quality: Quality,
        ) -> Result<(), PowerFluxError> {
            let caller = self.env().caller();
            if !self.rules.is_reporter(caller) {
                return Err(PowerFluxError::NotReporter);
            }
            let registry: ink::contract_ref!(Reputation) = self.reputation.into();
            let score: u32 = read::<u32, PowerFluxError>(registry.call().score(id).try_invoke())?;
            let now = self.now();
            let outcome = self
                .rules
                .report(caller, id, &activity, &quality, score, now)?;
            self.emit(outcome);
            Ok(())
        }
    }

    impl PSP22 for PowerFluxContract {
        #[ink(message)]
        fn total_supply(&self) -> u128 {
            self.rules.ledger().total_supply()
        }

        #[ink(message)]
        fn balance_of(&self, owner: AccountId) -> u128 {
            self.rules.balance_of(owner)
        }

        #[ink(message)]
        fn allowance(&self, owner: AccountId, spender: AccountId) -> u128 {
            self.rules.ledger().allowance(owner, spender)
        }

        #[ink(message)]
        fn transfer(
            &mut self,
            to: AccountId,
            value: u128,
            _data: TransferData,
        ) -> Result<(), PSP22Error> {
            let outcome = self
                .rules
                .transfer(self.env().caller(), to, value)
                .map_err(into_psp22)?;
            self.emit(outcome);
            Ok(())
        }

        #[ink(message)]
        fn transfer_from(
            &mut self,
            from: AccountId,
            to: AccountId,
            value: u128,
            _data: TransferData,
        ) -> Result<(), PSP22Error> {
            let outcome = self
                .rules
                .transfer_from(self.env().caller(), from, to, value)
                .map_err(into_psp22)?;
            self.emit(outcome);
            Ok(())
        }

        #[ink(message)]
        fn approve(&mut self, spender: AccountId, value: u128) -> Result<(), PSP22Error> {
            let caller = self.env().caller();
            let events = self.rules.ledger_mut().approve(caller, spender, value);
            self.emit((Vec::new(), events));
            Ok(())
        }

        #[ink(message)]
        fn increase_allowance(
            &mut self,
            spender: AccountId,
            delta_value: u128,
        ) -> Result<(), PSP22Error> {
            let caller = self.env().caller();
            let events = self
                .rules
                .ledger_mut()
                .increase_allowance(caller, spender, delta_value);
            self.emit((Vec::new(), events));
            Ok(())
        }

        #[ink(message)]
        fn decrease_allowance(
            &mut self,
            spender: AccountId,
            delta_value: u128,
        ) -> Result<(), PSP22Error> {
            let caller = self.env().caller();
            let events =
                self.rules
                    .ledger_mut()
                    .decrease_allowance(caller, spender, delta_value)?;
            self.emit((Vec::new(), events));
            Ok(())
        }
    }

    impl PSP22Metadata for PowerFluxContract {
        #[ink(message)]
        fn token_name(&self) -> Option<String> {
            Some(String::from("Dynamis Flux"))
        }

        #[ink(message)]
        fn token_symbol(&self) -> Option<String> {
            Some(String::from("FLUX"))
        }

        #[ink(message)]
        fn token_decimals(&self) -> u8 {
            DECIMALS
        }
    }

    /// A PSP22 message's error: the ledger's own, or a custom one naming the rule.
    fn into_psp22(e: PowerFluxError) -> PSP22Error {
        match e {
            PowerFluxError::Flux(e) => e,
            other => PSP22Error::Custom(ink::prelude::format!("{other:?}")),
        }
    }
}
