//! Dynamis governance: DAO members vote bounded parameter changes, treasury payments, the
//! council seat and governance's own code — and nothing else. It holds the governance role of
//! reputation and mint_credits; there is no action that mints, and no contract of the minting
//! path has an upgrade path it could use.
//!
//! - Proposals (reputation's `ProposeGovernance` authority and a deposit) carry up to 8
//!   actions from a whitelist ([`Action`]); each parameter action stays inside its target's
//!   hard bounds and moves at most a step (25 % of the range by default), checked at proposing
//!   and again at execution.
//! - Classes (seed 003): parameters 51 % / 3 days, treasury and council 60 % / 7 days,
//!   upgrades and governance's own rules 75 % / 14 days; each with a quorum, a timelock and a
//!   grace period, all copied into the proposal when it is made (frozen).
//! - Voting power √(DYN locked here) + 2·√(DYN bonded in bonding), both read at the block
//!   before the proposal, for accounts that had at least the bond floor bonded then and the
//!   bond age before it.
//! - Lifecycle as OpenZeppelin Governor: pending → active → defeated | succeeded → queued →
//!   executed, cancelled, expired.
//! - The treasury is this contract's DYN less what is locked and deposited; only treasury
//!   proposals move it, capped per proposal and per epoch.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod config;
pub mod rules;
pub mod types;

pub use config::{Bounds, Class, ClassRules, Config, DAY_MS, DEFAULT_BOUNDS, DEFAULT_CONFIG};
pub use types::*;

// The constructor's arguments (two configurations of bounds) make ink!'s generated
// constructor decoder enum large; it lives only while one call is decoded.
#[allow(clippy::large_enum_variant)]
#[ink::contract]
mod governance {
    use crate::{
        config::{Bounds, Config, DEFAULT_BOUNDS, DEFAULT_CONFIG},
        rules::{Effect, Outcome, Rules, TunablesInBounds, World},
        types::*,
    };
    use dynamis_shared::{
        call::{read, settle},
        Action as RepAction, TransferData, Wiring, PSP22,
    };
    use ink::scale::{Decode, Encode};
    use ink::{
        codegen::TraitCallBuilder,
        env::{
            call::{build_call, ExecutionInput, Selector},
            DefaultEnvironment,
        },
        prelude::vec::Vec,
    };

    #[ink(storage)]
    pub struct Governance {
        rules: Rules,
    }

    /// The other contracts, read by the rules.
    struct Chain {
        targets: Targets,
        me: AccountId,
    }

    fn query<A: Encode, R: Decode>(
        target: AccountId,
        selector: [u8; 4],
        args: A,
    ) -> Result<R, GovernanceError> {
        read(
            build_call::<DefaultEnvironment>()
                .call(target)
                .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(args))
                .returns::<R>()
                .try_invoke(),
        )
    }

    /// A setter of another contract: Ok, or the action at `index` failed.
    fn set<A: Encode, E: Decode>(
        target: AccountId,
        selector: [u8; 4],
        args: A,
        index: u8,
    ) -> Result<(), GovernanceError> {
        let result = build_call::<DefaultEnvironment>()
            .call(target)
            .exec_input(ExecutionInput::new(Selector::new(selector)).push_arg(args))
            .returns::<Result<(), E>>()
            .try_invoke();
        match result {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(_))) => Err(GovernanceError::ActionFailed(index)),
            _ => Err(GovernanceError::CallFailed),
        }
    }

    impl World for Chain {
        fn authority(&self, who: AccountId) -> Result<bool, GovernanceError> {
            query(
                self.targets.reputation,
                ink::selector_bytes!("Reputation::authority"),
                (who, RepAction::ProposeGovernance),
            )
        }

        fn bonded_at(&self, who: AccountId, block: u32) -> Result<u128, GovernanceError> {
            query(
                self.targets.bonding,
                ink::selector_bytes!("active_at"),
                (who, block),
            )
        }

        fn reputation(&self) -> Result<(reputation::Params, reputation::Bounds), GovernanceError> {
            let params = query(self.targets.reputation, ink::selector_bytes!("params"), ())?;
            let bounds = query(self.targets.reputation, ink::selector_bytes!("bounds"), ())?;
            Ok((params, bounds))
        }

        fn tunables(&self) -> Result<TunablesInBounds, GovernanceError> {
            let now = query(
                self.targets.mint_credits,
                ink::selector_bytes!("tunables"),
                (),
            )?;
            let params: mint_credits::Params = query(
                self.targets.mint_credits,
                ink::selector_bytes!("params"),
                (),
            )?;
            Ok((now, params.min, params.max))
        }

        fn bonding(&self) -> Result<(bonding::Params, bonding::Bounds), GovernanceError> {
            let params = query(self.targets.bonding, ink::selector_bytes!("params"), ())?;
            let bounds = query(self.targets.bonding, ink::selector_bytes!("bounds"), ())?;
            Ok((params, bounds))
        }

        fn attestations(
            &self,
        ) -> Result<(attestations::Params, attestations::Bounds), GovernanceError> {
            let target = self.targets.attestations;
            let params = query(target, ink::selector_bytes!("params"), ())?;
            let bounds = query(target, ink::selector_bytes!("bounds"), ())?;
            Ok((params, bounds))
        }

        fn power_flux(
            &self,
        ) -> Result<(power_flux::Tunables, power_flux::Bounds), GovernanceError> {
            let target = self.targets.power_flux;
            let tunables = query(target, ink::selector_bytes!("tunables"), ())?;
            let bounds = query(target, ink::selector_bytes!("bounds"), ())?;
            Ok((tunables, bounds))
        }

        fn balance(&self) -> Result<u128, GovernanceError> {
            let token: ink::contract_ref!(PSP22) = self.targets.token.into();
            read(token.call().balance_of(self.me).try_invoke())
        }
    }

    impl Governance {
        /// Governance with `council`, starting at `config` inside `bounds` (fixed for good).
        /// The caller becomes the wiring admin that names the targets once.
        #[ink(constructor)]
        pub fn new(
            council: AccountId,
            bounds: Bounds,
            config: Config,
        ) -> Result<Self, GovernanceError> {
            let rules = Rules::new(Self::env().caller(), council, bounds, config)?;
            Ok(Self { rules })
        }

        /// [`Self::new`] with the default bounds and rules (see `config.rs` for why).
        #[ink(constructor)]
        pub fn with_defaults(council: AccountId) -> Result<Self, GovernanceError> {
            Self::new(council, DEFAULT_BOUNDS, DEFAULT_CONFIG)
        }

        fn chain(&self) -> Result<Chain, GovernanceError> {
            Ok(Chain {
                targets: self.rules.targets()?,
                me: self.env().account_id(),
            })
        }

        fn block(&self) -> u32 {
            self.env().block_number()
        }

        fn now(&self) -> u64 {
            self.env().block_timestamp()
        }

        fn emit(events: Vec<GovernanceEvent>) {
            events.into_iter().for_each(|e| e.emit());
        }

        /// Carries out the effects, then emits the events; any failure reverts the message.
        fn finish(&mut self, (events, effects): Outcome) -> Result<(), GovernanceError> {
            let targets = self.rules.targets()?;
            let mut token: ink::contract_ref!(PSP22) = targets.token.into();
            let me = self.env().account_id();
            for effect in effects {
                match effect {
                    Effect::Pull { amount: 0, .. } | Effect::Pay { amount: 0, .. } => {}
                    Effect::Pull { from, amount } => settle(
                        token
                            .call_mut()
                            .transfer_from(from, me, amount, TransferData)
                            .try_invoke(),
                        GovernanceError::Token,
                    )?,
                    Effect::Pay { to, amount } => settle(
                        token
                            .call_mut()
                            .transfer(to, amount, TransferData)
                            .try_invoke(),
                        GovernanceError::Token,
                    )?,
                    Effect::SetReputation { index, params } => {
                        set::<_, dynamis_shared::ReputationError>(
                            targets.reputation,
                            ink::selector_bytes!("set_params"),
                            params,
                            index,
                        )?
                    }
                    Effect::SetTunables { index, tunables } => set::<_, mint_credits::MintError>(
                        targets.mint_credits,
                        ink::selector_bytes!("set_tunables"),
                        tunables,
                        index,
                    )?,
                    Effect::SetBonding { index, params } => set::<_, dynamis_shared::BondingError>(
                        targets.bonding,
                        ink::selector_bytes!("set_params"),
                        params,
                        index,
                    )?,
                    Effect::SetAttestations { index, params } => {
                        set::<_, attestations::AttestationError>(
                            targets.attestations,
                            ink::selector_bytes!("set_params"),
                            params,
                            index,
                        )?
                    }
                    Effect::SetPowerFlux { index, tunables } => {
                        set::<_, dynamis_shared::PowerFluxError>(
                            targets.power_flux,
                            ink::selector_bytes!("set_tunables"),
                            tunables,
                            index,
                        )?
                    }
                    Effect::SetResolver { index, resolver } => {
                        set::<_, dynamis_shared::BondingError>(
                            targets.bonding,
                            ink::selector_bytes!("set_resolver"),
                            resolver,
                            index,
                        )?;
                        set::<_, attestations::AttestationError>(
                            targets.attestations,
                            ink::selector_bytes!("set_resolver"),
                            resolver,
                            index,
                        )?
                    }
                    Effect::SetCode { index, code_hash } => self
                        .env()
                        .set_code_hash(&Hash::from(code_hash))
                        .map_err(|_| GovernanceError::ActionFailed(index))?,
                }
            }
            Self::emit(events);
            Ok(())
        }

        /// The wiring admin names the contracts governance acts on; once, for good.
        #[ink(message)]
        pub fn wire(&mut self, targets: Targets) -> Result<(), GovernanceError> {
            let events = self.rules.wire(self.env().caller(), targets)?;
            Self::emit(events);
            Ok(())
        }

        /// Locks `amount` DYN of the caller's for voting (approve this contract first).
        #[ink(message)]
        pub fn lock(&mut self, amount: Balance) -> Result<(), GovernanceError> {
            let outcome = self.rules.lock(self.env().caller(), amount, self.block())?;
            self.finish(outcome)
        }

        /// Returns `amount` of the caller's locked DYN.
        #[ink(message)]
        pub fn unlock(&mut self, amount: Balance) -> Result<(), GovernanceError> {
            let outcome = self
                .rules
                .unlock(self.env().caller(), amount, self.block())?;
            self.finish(outcome)
        }

        /// Proposes `actions` (described off-chain by the text hashing to `description`);
        /// pulls the deposit (approve it first). Returns the proposal's id.
        #[ink(message)]
        pub fn propose(
            &mut self,
            actions: Vec<Action>,
            description: [u8; 32],
        ) -> Result<u32, GovernanceError> {
            let chain = self.chain()?;
            let (id, outcome) = self.rules.propose(
                &chain,
                self.env().caller(),
                actions,
                description,
                self.block(),
                self.now(),
            )?;
            self.finish(outcome)?;
            Ok(id)
        }

        #[ink(message)]
        pub fn vote(&mut self, id: u32, support: Support) -> Result<(), GovernanceError> {
            let chain = self.chain()?;
            let events = self
                .rules
                .vote(&chain, self.env().caller(), id, support, self.now())?;
            Self::emit(events);
            Ok(())
        }

        /// Anyone queues a succeeded proposal.
        #[ink(message)]
        pub fn queue(&mut self, id: u32) -> Result<(), GovernanceError> {
            let events = self.rules.queue(id, self.now())?;
            Self::emit(events);
            Ok(())
        }

        /// Anyone executes a queued proposal after its timelock.
        #[ink(message)]
        pub fn execute(&mut self, id: u32) -> Result<(), GovernanceError> {
            let chain = self.chain()?;
            let outcome = self.rules.execute(&chain, id, self.now())?;
            self.finish(outcome)
        }

        /// The proposer (while pending) or the council (as spam) cancels a proposal.
        #[ink(message)]
        pub fn cancel(&mut self, id: u32) -> Result<(), GovernanceError> {
            let events = self.rules.cancel(self.env().caller(), id, self.now())?;
            Self::emit(events);
            Ok(())
        }

        /// Anyone settles a finished proposal's deposit.
        #[ink(message)]
        pub fn settle_deposit(&mut self, id: u32) -> Result<(), GovernanceError> {
            let outcome = self.rules.settle_deposit(id, self.now())?;
            self.finish(outcome)
        }

        #[ink(message)]
        pub fn proposal(&self, id: u32) -> Option<Proposal> {
            self.rules.proposal(id)
        }

        #[ink(message)]
        pub fn actions(&self, id: u32) -> Vec<Action> {
            self.rules.actions(id)
        }

        #[ink(message)]
        pub fn state(&self, id: u32) -> Option<State> {
            self.rules.state(id, self.now()).ok()
        }

        #[ink(message)]
        pub fn vote_of(&self, id: u32, voter: AccountId) -> Option<(Support, u128)> {
            self.rules.vote_of(id, voter)
        }

        /// `account`'s power on proposal `id` (zero if it fails the gate).
        #[ink(message)]
        pub fn power(&self, id: u32, account: AccountId) -> Result<u128, GovernanceError> {
            let p = self
                .rules
                .proposal(id)
                .ok_or(GovernanceError::UnknownProposal)?;
            self.rules.power(
                &self.chain()?,
                account,
                p.snapshot,
                p.bond_floor,
                p.bond_age_blocks,
            )
        }

        #[ink(message)]
        pub fn locked(&self, account: AccountId) -> u128 {
            self.rules.locked(account)
        }

        #[ink(message)]
        pub fn locked_at(&self, account: AccountId, block: u32) -> u128 {
            self.rules.locked_at(account, block)
        }

        /// The treasury's DYN.
        #[ink(message)]
        pub fn treasury(&self) -> Result<u128, GovernanceError> {
            let balance = self.chain()?.balance()?;
            self.rules.treasury(balance)
        }

        /// DYN locked by voters and held as deposits.
        #[ink(message)]
        pub fn held(&self) -> (u128, u128) {
            self.rules.held()
        }

        #[ink(message)]
        pub fn next_id(&self) -> u32 {
            self.rules.next_id()
        }

        #[ink(message)]
        pub fn config(&self) -> Config {
            self.rules.config()
        }

        #[ink(message)]
        pub fn bounds(&self) -> Bounds {
            self.rules.bounds()
        }

        #[ink(message)]
        pub fn council(&self) -> AccountId {
            self.rules.council()
        }

        #[ink(message)]
        pub fn wiring(&self) -> Wiring {
            self.rules.wiring()
        }

        #[ink(message)]
        pub fn targets(&self) -> Option<Targets> {
            self.rules.targets().ok()
        }
    }
}
