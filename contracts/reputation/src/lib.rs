//! Dynamis reputation: one non-transferable score per account.
//!
//! - Slow to build: a success adds a bounded amount, capped per epoch.
//! - Fast to lose: a fault multiplies the score down by its class's factor (malicious → zero).
//! - Decays toward a floor: the part above the floor halves every half-life.
//! - Keeps operational history: first seen, active epochs, last fault.
//! - Only writer contracts registered by the wiring admin (then locked) change scores; anyone
//!   reads `score` and `authority`. No message moves, delegates or sells a score.
//! - Parameters lie in hard bounds fixed at instantiation; the governance address may move them
//!   inside those bounds and do nothing else.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod params;
pub mod scores;

pub use params::{Bounds, Params, DAY, DEFAULT_BOUNDS, DEFAULT_PARAMS};
pub use scores::{
    decay, Fault, FounderSeeded, History, ParamsUpdated, ReputationEvent, ScoreCut, ScoreRaised,
    WiringLocked, WriterAdded,
};

#[ink::contract]
mod reputation {
    use crate::{
        params::{Bounds, Params, DEFAULT_BOUNDS, DEFAULT_PARAMS},
        scores::{History, ReputationEvent, Scores},
    };
    use dynamis_shared::{Action, FaultClass, Reputation, ReputationError, Wiring};
    use ink::prelude::vec::Vec;

    #[ink(storage)]
    pub struct ReputationRegistry {
        scores: Scores,
    }

    impl ReputationRegistry {
        /// A registry tuned by `governance` inside `bounds`, starting at `params`. The caller
        /// becomes the wiring admin that registers the writer contracts and locks them.
        #[ink(constructor)]
        pub fn new(
            governance: AccountId,
            bounds: Bounds,
            params: Params,
        ) -> Result<Self, ReputationError> {
            let scores = Scores::new(Self::env().caller(), governance, bounds, params)?;
            Ok(Self { scores })
        }

        /// [`Self::new`] with the default bounds and parameters (see `params.rs` for why).
        #[ink(constructor)]
        pub fn with_defaults(governance: AccountId) -> Result<Self, ReputationError> {
            Self::new(governance, DEFAULT_BOUNDS, DEFAULT_PARAMS)
        }

        fn emit(&self, events: Vec<ReputationEvent>) {
            events.into_iter().for_each(|e| e.emit());
        }

        /// The wiring admin registers a writer contract (until the wiring is locked).
        #[ink(message)]
        pub fn add_writer(&mut self, writer: AccountId) -> Result<(), ReputationError> {
            let events = self.scores.add_writer(self.env().caller(), writer)?;
            self.emit(events);
            Ok(())
        }

        /// The wiring admin seeds a founder (governance's bootstrap) before the lock.
        #[ink(message)]
        pub fn seed_founder(&mut self, account: AccountId) -> Result<(), ReputationError> {
            let events = self.scores.seed_founder(
                self.env().caller(),
                account,
                self.env().block_number(),
            )?;
            self.emit(events);
            Ok(())
        }

        /// The wiring admin fixes the writers for good.
        #[ink(message)]
        pub fn lock_wiring(&mut self) -> Result<(), ReputationError> {
            let events = self.scores.lock_wiring(self.env().caller())?;
            self.emit(events);
            Ok(())
        }

        /// Governance moves the parameters, each inside its hard bounds.
        #[ink(message)]
        pub fn set_params(&mut self, params: Params) -> Result<(), ReputationError> {
            let events = self.scores.set_params(self.env().caller(), params)?;
            self.emit(events);
            Ok(())
        }

        #[ink(message)]
        pub fn params(&self) -> Params {
            self.scores.params()
        }

        #[ink(message)]
        pub fn bounds(&self) -> Bounds {
            self.scores.bounds()
        }

        #[ink(message)]
        pub fn governance(&self) -> AccountId {
            self.scores.governance()
        }

        /// The wiring admin while writers may still be added.
        #[ink(message)]
        pub fn wiring(&self) -> Wiring {
            self.scores.wiring()
        }

        #[ink(message)]
        pub fn is_writer(&self, account: AccountId) -> bool {
            self.scores.is_writer(account)
        }

        /// `account`'s score (decayed to now) and operational history.
        #[ink(message)]
        pub fn history(&self, account: AccountId) -> Option<History> {
            self.scores.history(account, self.env().block_number())
        }
    }

    impl Reputation for ReputationRegistry {
        #[ink(message)]
        fn score(&self, account: AccountId) -> u32 {
            self.scores.score(account, self.env().block_number())
        }

        #[ink(message)]
        fn authority(&self, account: AccountId, action: Action) -> bool {
            self.scores
                .authority(account, action, self.env().block_number())
        }

        #[ink(message)]
        fn record_success(
            &mut self,
            account: AccountId,
            gain: u32,
        ) -> Result<u32, ReputationError> {
            let (score, events) = self.scores.record_success(
                self.env().caller(),
                account,
                gain,
                self.env().block_number(),
            )?;
            self.emit(events);
            Ok(score)
        }

        #[ink(message)]
        fn record_fault(
            &mut self,
            account: AccountId,
            class: FaultClass,
        ) -> Result<u32, ReputationError> {
            let (score, events) = self.scores.record_fault(
                self.env().caller(),
                account,
                class,
                self.env().block_number(),
            )?;
            self.emit(events);
            Ok(score)
        }
    }
}
