//! Dynamis mint credits: the DYN token's only minter. Supply grows only through
//! capacity-coupled proposals that pass seven guardrails (seed 000):
//!
//! - G1 `amount ≤ f(capacity_delta, reputation_weight)`, Δ measured by attestations of final
//!   epochs, and never more units than the beneficiary's verifier bond backs;
//! - G2 announce → challenge window → activate; a challenge suspends, the resolver decides
//!   before a deadline (then the default: cancelled, deposit back);
//! - G3 only reputable, bonded accounts propose, for beneficiaries that consented; governance
//!   never does; an upheld challenge slashes the proposer's bond;
//! - G4 activation mints into locked, non-transferable credits released per fulfilled final
//!   epoch, obligations of a beneficiary's credits adding up;
//! - G5 failed obligations burn what is locked;
//! - G6 per-regime lifetime ceilings and scarcity curves fixed at instantiation;
//! - G7 governance tunes delays, N, K and f's coefficients inside hard bounds, nothing else.
//!
//! Phases 0–1 refuse every proposal; phase 2 opens signals B–E at a fraction of the bound;
//! phase 3 opens signal A. `advance_phase` moves forward on final capacity only.
#![cfg_attr(not(feature = "std"), no_std, no_main)]

pub mod params;
pub mod rules;

pub use params::{Params, Tunables, DAY, DEFAULT_PARAMS, DEFAULT_TUNABLES, MAX_EVIDENCE, ONE_DYN};
pub use rules::{
    Activated, Challenge, ChallengeResolved, Challenged, ConsentSet, Credit, CreditBurned, Failure,
    MintError, MintEvent, Phase, PhaseAdvanced, Proposal, ProposalExpired, ProposalState, Proposed,
    Released, Signal, Totals, TunablesSet,
};

#[ink::contract]
mod mint_credits {
    use crate::{
        params::{Params, Tunables, DEFAULT_PARAMS, DEFAULT_TUNABLES},
        rules::{
            Credit, Credits, Effect, Failure, MintError, Outcome, Phase, Proposal, Signal, Totals,
            World,
        },
    };
    use dynamis_proofs::Regime;
    use dynamis_shared::{
        call::{read, settle},
        Action, Attested, Bonding, BondingError, Capacity, PSP22Burnable, PSP22Mintable,
        Reputation, Role, TransferData, PSP22,
    };
    use ink::{codegen::TraitCallBuilder, prelude::vec::Vec};

    #[ink(storage)]
    pub struct MintCredits {
        token: AccountId,
        attestations: AccountId,
        reputation: AccountId,
        bonding: AccountId,
        credits: Credits,
    }

    /// The suite's other contracts, read through their public traits.
    struct Links {
        attestations: AccountId,
        reputation: AccountId,
        bonding: AccountId,
    }

    impl Links {
        fn registry(&self) -> ink::contract_ref!(Capacity) {
            self.attestations.into()
        }

        fn bonds(&self) -> ink::contract_ref!(Bonding) {
            self.bonding.into()
        }

        fn reputation(&self) -> ink::contract_ref!(Reputation) {
            self.reputation.into()
        }
    }

    impl World for Links {
        fn epoch(&self) -> Result<u32, MintError> {
            read(self.registry().call().current_epoch().try_invoke())
        }

        fn newest_closed(&self) -> Result<Option<u32>, MintError> {
            read(self.registry().call().newest_closed_epoch().try_invoke())
        }

        fn capacity(
            &self,
            account: AccountId,
            epoch: u32,
            regime: Regime,
        ) -> Result<Option<u128>, MintError> {
            let registry = self.registry();
            let call = registry.call().capacity(account, epoch, regime.index());
            read(call.try_invoke())
        }

        fn epoch_capacity(&self, epoch: u32) -> Result<Option<u128>, MintError> {
            read(self.registry().call().epoch_capacity(epoch).try_invoke())
        }

        fn attested(&self, id: u64) -> Result<Option<Attested>, MintError> {
            read(self.registry().call().attested(id).try_invoke())
        }

        fn score(&self, account: AccountId) -> Result<u32, MintError> {
            read(self.reputation().call().score(account).try_invoke())
        }

        fn authority(&self, account: AccountId, action: Action) -> Result<bool, MintError> {
            read(
                self.reputation()
                    .call()
                    .authority(account, action)
                    .try_invoke(),
            )
        }

        fn stake(&self, account: AccountId, role: Role) -> Result<Option<u128>, MintError> {
            read(self.bonds().call().bonded_stake(account, role).try_invoke())
        }
    }

    impl MintCredits {
        /// The minter of `token`, reading capacity from `attestations`, reputation from
        /// `reputation` and bonds from `bonding` (which must list this contract as a slash
        /// reporter: an upheld challenge and a reported failure slash bonds); `governance`
        /// tunes within `params`' bounds, `resolver` decides challenges and reports archival
        /// and misreporting failures.
        #[allow(clippy::too_many_arguments)]
        #[ink(constructor)]
        pub fn new(
            token: AccountId,
            attestations: AccountId,
            reputation: AccountId,
            bonding: AccountId,
            governance: AccountId,
            resolver: AccountId,
            params: Params,
            tunables: Tunables,
        ) -> Result<Self, MintError> {
            Ok(Self {
                token,
                attestations,
                reputation,
                bonding,
                credits: Credits::new(params, tunables, governance, resolver)?,
            })
        }

        /// [`Self::new`] with the default parameters and tunables (see `params.rs`).
        #[ink(constructor)]
        pub fn with_defaults(
            token: AccountId,
            attestations: AccountId,
            reputation: AccountId,
            bonding: AccountId,
            governance: AccountId,
            resolver: AccountId,
        ) -> Result<Self, MintError> {
            Self::new(
                token,
                attestations,
                reputation,
                bonding,
                governance,
                resolver,
                DEFAULT_PARAMS,
                DEFAULT_TUNABLES,
            )
        }

        fn now(&self) -> u32 {
            self.env().block_number()
        }

        fn links(&self) -> Links {
            Links {
                attestations: self.attestations,
                reputation: self.reputation,
                bonding: self.bonding,
            }
        }

        /// Carries out the effects, then emits the events; any failure reverts the message.
        fn finish(&mut self, (events, effects): Outcome) -> Result<(), MintError> {
            let mut token: ink::contract_ref!(PSP22) = self.token.into();
            let mut minter: ink::contract_ref!(PSP22Mintable) = self.token.into();
            let mut burner: ink::contract_ref!(PSP22Burnable) = self.token.into();
            let mut bonding: ink::contract_ref!(Bonding) = self.bonding.into();
            let me = self.env().account_id();
            for effect in effects {
                match effect {
                    Effect::Mint(amount) => settle(
                        minter.call_mut().mint(amount).try_invoke(),
                        MintError::Token,
                    )?,
                    Effect::Pay { amount: 0, .. } | Effect::Burn(0) => {}
                    Effect::Pay { to, amount } => settle(
                        token
                            .call_mut()
                            .transfer(to, amount, TransferData)
                            .try_invoke(),
                        MintError::Token,
                    )?,
                    Effect::Pull { from, amount } => settle(
                        token
                            .call_mut()
                            .transfer_from(from, me, amount, TransferData)
                            .try_invoke(),
                        MintError::Token,
                    )?,
                    Effect::Burn(amount) => settle(
                        burner.call_mut().burn(amount).try_invoke(),
                        MintError::Token,
                    )?,
                    Effect::Slash {
                        offender,
                        role,
                        class,
                        evidence,
                        beneficiary,
                    } => {
                        let reported = settle(
                            bonding
                                .call_mut()
                                .report_slash(offender, role, class, evidence, beneficiary)
                                .try_invoke(),
                            MintError::Bonding,
                        );
                        // An offender with nothing bonded in the role has nothing to slash.
                        match reported {
                            Ok(_) | Err(MintError::Bonding(BondingError::NothingBonded)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
            }
            events.into_iter().for_each(|e| e.emit());
            Ok(())
        }

        /// Moves the rollout one phase forward if its measured condition holds (see the
        /// rules); `epoch` and `verifiers` witness leaving phase 0 and are unused after.
        #[ink(message)]
        pub fn advance_phase(
            &mut self,
            epoch: u32,
            verifiers: Vec<AccountId>,
        ) -> Result<(), MintError> {
            let links = self.links();
            let events = self.credits.advance_phase(&links, epoch, &verifiers)?;
            self.finish((events, Vec::new()))
        }

        /// Announces a mint of `amount` to `beneficiary` on `signal`, citing final
        /// attestations `cited` (signals B–E) and naming `document`. Returns the proposal id.
        #[ink(message)]
        pub fn propose(
            &mut self,
            signal: Signal,
            beneficiary: AccountId,
            amount: u128,
            cited: Vec<u64>,
            document: [u8; 32],
        ) -> Result<u64, MintError> {
            let (links, caller, now) = (self.links(), self.env().caller(), self.now());
            let (id, events) = self.credits.propose(
                &links,
                caller,
                signal,
                beneficiary,
                amount,
                &cited,
                document,
                now,
            )?;
            self.finish((events, Vec::new()))?;
            Ok(id)
        }

        /// The caller allows (or stops allowing) `proposer` to name it as a beneficiary.
        #[ink(message)]
        pub fn consent(&mut self, proposer: AccountId, allowed: bool) -> Result<(), MintError> {
            let events = self.credits.consent(self.env().caller(), proposer, allowed);
            self.finish((events, Vec::new()))
        }

        /// Challenges proposal `id` with `evidence`, pulling the challenge deposit (approve
        /// this contract first).
        #[ink(message)]
        pub fn challenge(&mut self, id: u64, evidence: [u8; 32]) -> Result<(), MintError> {
            let (links, caller, now) = (self.links(), self.env().caller(), self.now());
            let outcome = self.credits.challenge(&links, caller, id, evidence, now)?;
            self.finish(outcome)
        }

        /// The resolver upholds or rejects the challenge of proposal `id`.
        #[ink(message)]
        pub fn resolve(&mut self, id: u64, upheld: bool) -> Result<(), MintError> {
            let (caller, now) = (self.env().caller(), self.now());
            let outcome = self.credits.resolve(caller, id, upheld, now)?;
            self.finish(outcome)
        }

        /// Anyone applies the default to a challenge past the resolver's deadline: the proposal
        /// is cancelled and the deposit returned.
        #[ink(message)]
        pub fn expire_challenge(&mut self, id: u64) -> Result<(), MintError> {
            let outcome = self.credits.expire_challenge(id, self.now())?;
            self.finish(outcome)
        }

        /// Anyone marks proposal `id` expired once it can no longer activate.
        #[ink(message)]
        pub fn expire(&mut self, id: u64) -> Result<(), MintError> {
            let events = self.credits.expire(id, self.now())?;
            self.finish((events, Vec::new()))
        }

        /// Activates proposal `id` after its delay: mints into a locked credit.
        #[ink(message)]
        pub fn activate(&mut self, id: u64) -> Result<(), MintError> {
            let (links, now) = (self.links(), self.now());
            let outcome = self.credits.activate(&links, id, now)?;
            self.finish(outcome)
        }

        /// Pays the beneficiary of credit `id` the tranches its fulfilled epochs allow.
        #[ink(message)]
        pub fn release(&mut self, id: u64) -> Result<(), MintError> {
            let links = self.links();
            let outcome = self.credits.release(&links, id)?;
            self.finish(outcome)
        }

        /// Burns credit `id`'s locked remainder when its next obligation epoch closed below
        /// the floor.
        #[ink(message)]
        pub fn burn_on_drop(&mut self, id: u64) -> Result<(), MintError> {
            let links = self.links();
            let outcome = self.credits.burn_on_drop(&links, id)?;
            self.finish(outcome)
        }

        /// The resolver reports an archival failure or misreporting behind credit `id`.
        #[ink(message)]
        pub fn report_failure(
            &mut self,
            id: u64,
            failure: Failure,
            evidence: [u8; 32],
        ) -> Result<(), MintError> {
            let (links, caller) = (self.links(), self.env().caller());
            let outcome = self
                .credits
                .report_failure(&links, caller, id, failure, evidence)?;
            self.finish(outcome)
        }

        /// Governance sets the tunables inside their hard bounds.
        #[ink(message)]
        pub fn set_tunables(&mut self, tunables: Tunables) -> Result<(), MintError> {
            let events = self.credits.set_tunables(self.env().caller(), tunables)?;
            self.finish((events, Vec::new()))
        }

        /// f(Δ, w) now for `signal`'s regime, `delta` capacity units and a beneficiary of
        /// `score`.
        #[ink(message)]
        pub fn bound(&self, signal: Signal, delta: u128, score: u32) -> u128 {
            self.credits.bound(signal.regime(), delta, score)
        }

        /// (phase, the epoch it began).
        #[ink(message)]
        pub fn phase(&self) -> (Phase, u32) {
            self.credits.phase()
        }

        #[ink(message)]
        pub fn proposal(&self, id: u64) -> Option<Proposal> {
            self.credits.proposal(id)
        }

        #[ink(message)]
        pub fn credit(&self, id: u64) -> Option<Credit> {
            self.credits.credit(id)
        }

        #[ink(message)]
        pub fn totals(&self) -> Totals {
            self.credits.totals()
        }

        /// What is fixed at instantiation.
        #[ink(message)]
        pub fn params(&self) -> Params {
            self.credits.params()
        }

        /// What governance tunes.
        #[ink(message)]
        pub fn tunables(&self) -> Tunables {
            self.credits.tunables()
        }

        /// (token, attestations, reputation, bonding, governance, resolver).
        #[ink(message)]
        pub fn wired(
            &self,
        ) -> (
            AccountId,
            AccountId,
            AccountId,
            AccountId,
            AccountId,
            AccountId,
        ) {
            let (governance, resolver) = self.credits.roles();
            (
                self.token,
                self.attestations,
                self.reputation,
                self.bonding,
                governance,
                resolver,
            )
        }

        /// Whether `beneficiary`'s share of attestation `id` already backs a proposal.
        #[ink(message)]
        pub fn is_cited(&self, id: u64, beneficiary: AccountId) -> bool {
            self.credits.is_cited(id, beneficiary)
        }

        /// Capacity units of `regime` (index) `beneficiary` has minted against so far.
        #[ink(message)]
        pub fn claimed(&self, beneficiary: AccountId, regime: u8) -> u128 {
            self.credits.claimed(beneficiary, regime)
        }

        /// What `beneficiary`'s credits of `regime` (index) oblige in `epoch`.
        #[ink(message)]
        pub fn owed(&self, beneficiary: AccountId, regime: u8, epoch: u32) -> u128 {
            self.credits.owed(beneficiary, regime, epoch)
        }

        /// Whether `beneficiary` consented to proposals by `proposer`.
        #[ink(message)]
        pub fn consents(&self, beneficiary: AccountId, proposer: AccountId) -> bool {
            self.credits.consents(beneficiary, proposer)
        }
    }
}
