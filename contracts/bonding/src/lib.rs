//! Dynamis trust bonding: DYN bonded per role, an unbonding delay during which stake stays
//! slashable, and slashes that go SLASHING → DISPUTE → SETTLE.
//!
//! - `bond(role, amount)` pulls DYN with PSP22 `transfer_from` (approve this contract first).
//! - `unbond` starts the delay; `withdraw` pays out what has unlocked.
//! - An authorised reporter reports a slash (class + evidence hash); its amount is reserved
//!   at once. The offender may dispute it (with a deposit) inside the dispute window, which is
//!   strictly shorter than the unbonding delay; the resolver upholds (everything returned) or
//!   rejects (deposit burned) before its deadline; after the deadline anyone applies the
//!   default (the slash stands, the deposit returns). After the window anyone settles it:
//!   the reporter's share is paid, the rest burned, and the reputation registry records the
//!   fault.
//! - `weight(account)` = Σ roles: amount × duration × tier × (1 + reputation).
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod bonds;
pub mod params;
pub mod slashes;

pub use bonds::{
    Bonded, BondingEvent, BondingParamsUpdated, Chunk, DisputeResolved, DisputeResolverChanged,
    Effect, Holdings, ReporterAdded, ReportersLocked, Slash, SlashDisputed, SlashReported,
    SlashSettled, SlashStatus, Stake, Unbonded, Withdrawn,
};
pub use params::{
    Bounds, Params, DAY, DEFAULT_BOUNDS, DEFAULT_PARAMS, MAX_UNBONDING_CHUNKS, ONE_DYN,
};

#[ink::contract]
mod bonding {
    use crate::{
        bonds::{Bonds, Effect, Holdings, Outcome, Slash, Stake},
        params::{Bounds, Params, DEFAULT_BOUNDS, DEFAULT_PARAMS},
    };
    use dynamis_shared::{
        call::settle, Bonding, BondingError, PSP22Burnable, Reputation, Role, SlashClass,
        TransferData, Wiring, PSP22,
    };
    use ink::codegen::TraitCallBuilder;

    #[ink(storage)]
    pub struct BondingContract {
        token: AccountId,
        reputation: AccountId,
        bonds: Bonds,
    }

    impl BondingContract {
        /// Bonding in DYN at `token`, reporting faults to `reputation`, with disputes decided
        /// by `resolver`, tuned by `governance` inside `bounds` (fixed for good). The caller
        /// becomes the wiring admin that authorises reporters.
        #[ink(constructor)]
        pub fn new(
            token: AccountId,
            reputation: AccountId,
            governance: AccountId,
            resolver: AccountId,
            bounds: Bounds,
            params: Params,
        ) -> Result<Self, BondingError> {
            let bonds = Bonds::new(Self::env().caller(), governance, resolver, bounds, params)?;
            Ok(Self {
                token,
                reputation,
                bonds,
            })
        }

        /// [`Self::new`] with the default bounds and parameters (see `params.rs` for why).
        #[ink(constructor)]
        pub fn with_defaults(
            token: AccountId,
            reputation: AccountId,
            governance: AccountId,
            resolver: AccountId,
        ) -> Result<Self, BondingError> {
            Self::new(
                token,
                reputation,
                governance,
                resolver,
                DEFAULT_BOUNDS,
                DEFAULT_PARAMS,
            )
        }

        /// Governance moves the parameters, each inside its hard bounds.
        #[ink(message)]
        pub fn set_params(&mut self, params: Params) -> Result<(), BondingError> {
            let events = self.bonds.set_params(self.env().caller(), params)?;
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        /// Governance names a new resolver.
        #[ink(message)]
        pub fn set_resolver(&mut self, resolver: AccountId) -> Result<(), BondingError> {
            let events = self.bonds.set_resolver(self.env().caller(), resolver)?;
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        fn now(&self) -> u32 {
            self.env().block_number()
        }

        /// Carries out the effects, then emits the events; any failure reverts the message.
        fn finish(&mut self, (events, effects): Outcome) -> Result<(), BondingError> {
            let mut token: ink::contract_ref!(PSP22) = self.token.into();
            let mut burner: ink::contract_ref!(PSP22Burnable) = self.token.into();
            let mut reputation: ink::contract_ref!(Reputation) = self.reputation.into();
            let me = self.env().account_id();
            for effect in effects {
                match effect {
                    Effect::Pull { from, amount } => settle(
                        token
                            .call_mut()
                            .transfer_from(from, me, amount, TransferData)
                            .try_invoke(),
                        BondingError::Token,
                    )?,
                    Effect::Pay { amount: 0, .. } | Effect::Burn { amount: 0 } => {}
                    Effect::Pay { to, amount } => settle(
                        token
                            .call_mut()
                            .transfer(to, amount, TransferData)
                            .try_invoke(),
                        BondingError::Token,
                    )?,
                    Effect::Burn { amount } => settle(
                        burner.call_mut().burn(amount).try_invoke(),
                        BondingError::Token,
                    )?,
                    Effect::Fault { account, class } => {
                        settle(
                            reputation
                                .call_mut()
                                .record_fault(account, class)
                                .try_invoke(),
                            BondingError::Reputation,
                        )?;
                    }
                }
            }
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        /// Bonds `amount` DYN more for `role`, pulled from the caller (approve it first).
        #[ink(message)]
        pub fn bond(&mut self, role: Role, amount: Balance) -> Result<(), BondingError> {
            let outcome = self
                .bonds
                .bond(self.env().caller(), role, amount, self.now())?;
            self.finish(outcome)
        }

        /// Starts unbonding `amount` of the caller's active `role` bond.
        #[ink(message)]
        pub fn unbond(&mut self, role: Role, amount: Balance) -> Result<(), BondingError> {
            let events = self
                .bonds
                .unbond(self.env().caller(), role, amount, self.now())?;
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        /// Pays the caller every unbonding chunk of `role` that has unlocked.
        #[ink(message)]
        pub fn withdraw(&mut self, role: Role) -> Result<(), BondingError> {
            let outcome = self.bonds.withdraw(self.env().caller(), role, self.now())?;
            self.finish(outcome)
        }

        /// The offender disputes slash `id` inside its window, paying the dispute deposit.
        #[ink(message)]
        pub fn dispute_slash(&mut self, id: u64) -> Result<(), BondingError> {
            let outcome = self
                .bonds
                .dispute_slash(self.env().caller(), id, self.now())?;
            self.finish(outcome)
        }

        /// The resolver decides the dispute of slash `id`.
        #[ink(message)]
        pub fn resolve_dispute(&mut self, id: u64, upheld: bool) -> Result<(), BondingError> {
            let outcome =
                self.bonds
                    .resolve_dispute(self.env().caller(), id, upheld, self.now())?;
            self.finish(outcome)
        }

        /// Anyone applies the default to the dispute of slash `id` once the resolver's
        /// deadline has passed: the slash stands and the deposit returns.
        #[ink(message)]
        pub fn expire_dispute(&mut self, id: u64) -> Result<(), BondingError> {
            let outcome = self.bonds.expire_dispute(id, self.now())?;
            self.finish(outcome)
        }

        /// Anyone settles slash `id` after its dispute window.
        #[ink(message)]
        pub fn settle_slash(&mut self, id: u64) -> Result<(), BondingError> {
            let outcome = self.bonds.settle_slash(id, self.now())?;
            self.finish(outcome)
        }

        /// The wiring admin authorises a slash reporter (until the wiring is locked).
        #[ink(message)]
        pub fn add_reporter(&mut self, reporter: AccountId) -> Result<(), BondingError> {
            let events = self.bonds.add_reporter(self.env().caller(), reporter)?;
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        /// The wiring admin fixes the reporters for good.
        #[ink(message)]
        pub fn lock_wiring(&mut self) -> Result<(), BondingError> {
            let events = self.bonds.lock_wiring(self.env().caller())?;
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        #[ink(message)]
        pub fn stake(&self, account: AccountId, role: Role) -> Stake {
            self.bonds.stake(account, role)
        }

        #[ink(message)]
        pub fn slash(&self, id: u64) -> Option<Slash> {
            self.bonds.slash(id)
        }

        /// The id the next reported slash gets.
        #[ink(message)]
        pub fn next_slash(&self) -> u64 {
            self.bonds.next_slash()
        }

        /// DYN held, by purpose; the parts sum to this contract's DYN balance.
        #[ink(message)]
        pub fn holdings(&self) -> Holdings {
            self.bonds.holdings()
        }

        #[ink(message)]
        pub fn params(&self) -> Params {
            self.bonds.params()
        }

        #[ink(message)]
        pub fn bounds(&self) -> Bounds {
            self.bonds.bounds()
        }

        #[ink(message)]
        pub fn governance(&self) -> AccountId {
            self.bonds.governance()
        }

        /// The token, the reputation registry and the resolver.
        #[ink(message)]
        pub fn wired(&self) -> (AccountId, AccountId, AccountId) {
            (self.token, self.reputation, self.bonds.resolver())
        }

        #[ink(message)]
        pub fn wiring(&self) -> Wiring {
            self.bonds.wiring()
        }

        #[ink(message)]
        pub fn is_reporter(&self, account: AccountId) -> bool {
            self.bonds.is_reporter(account)
        }

        /// `account`'s active bond over all roles at the end of block `block` (a block that
        /// has ended: governance reads it at a proposal's snapshot, one block before it).
        #[ink(message)]
        pub fn active_at(&self, account: AccountId, block: u32) -> u128 {
            self.bonds.active_at(account, block)
        }

        /// The weight of `account`'s active `role` bond.
        #[ink(message)]
        pub fn role_weight(&self, account: AccountId, role: Role) -> u128 {
            let score = self.score(account);
            self.bonds.role_weight(account, role, self.now(), score)
        }

        fn score(&self, account: AccountId) -> u32 {
            let reputation: ink::contract_ref!(Reputation) = self.reputation.into();
            // No reputation readable (a broken registry) counts as no reputation.
            reputation
                .call()
                .score(account)
                .try_invoke()
                .ok()
                .and_then(|r| r.ok())
                .unwrap_or(0)
        }
    }

    impl Bonding for BondingContract {
        #[ink(message)]
        fn active_bond(&self, account: AccountId, role: Role) -> u128 {
            self.bonds.active_bond(account, role)
        }

        #[ink(message)]
        fn is_bonded(&self, account: AccountId, role: Role) -> bool {
            self.bonds.is_bonded(account, role)
        }

        #[ink(message)]
        fn bonded_stake(&self, account: AccountId, role: Role) -> Option<u128> {
            self.bonds.bonded_stake(account, role)
        }

        #[ink(message)]
        fn weight(&self, account: AccountId) -> u128 {
            let score = self.score(account);
            self.bonds.weight(account, self.now(), score)
        }

        #[ink(message)]
        fn report_slash(
            &mut self,
            offender: AccountId,
            role: Role,
            class: SlashClass,
            evidence: [u8; 32],
            beneficiary: AccountId,
        ) -> Result<u64, BondingError> {
            let (id, events) = self.bonds.report_slash(
                self.env().caller(),
                offender,
                role,
                class,
                evidence,
                beneficiary,
                self.now(),
            )?;
            events.into_iter().for_each(|e| e.emit());
            Ok(id)
        }
    }
}
