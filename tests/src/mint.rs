//! Typed calls to mint_credits, and a [`Network`] of verifiers that produces measured capacity
//! epoch by epoch (real co-signed attestations, finalised after their window).

use crate::{
    attest::Verifier,
    call_data,
    suite::{done, ok, who, Suite},
    AccountId, Called,
};
use dynamis_proofs::{Attestation, Regime};
use mint_credits::{Credit, Failure, MintError, Proposal, Signal, Totals, Tunables, DAY};
use scale::{Decode, Encode};

pub use dynamis_deploy::calls::mint_credits as selector;

pub type MintResult<T = ()> = Result<T, MintError>;

/// The attestation challenge window of the suite's (default) registry.
const WINDOW: u32 = attestations::DEFAULT_PARAMS.challenge_window_blocks;

impl Suite {
    pub fn mint_call<R: Decode>(
        &mut self,
        caller: AccountId,
        selector: [u8; 4],
        args: impl Encode,
    ) -> Called<R> {
        let address = self.mint_credits;
        ok(
            self.chain.call(address, caller, call_data(selector, args)),
            "mint_credits",
        )
    }

    /// Deploys another mint_credits (defaults) over this suite but reading capacity from
    /// `attestations`, wired into nothing: neither the token's minter nor a reputation writer.
    pub fn deploy_mint_credits(&mut self, attestations: AccountId, salt: Vec<u8>) -> AccountId {
        let args = (
            self.token.address,
            attestations,
            self.reputation,
            self.bonding,
            who::governance(),
            who::resolver(),
        );
        let data = call_data(selector::WITH_DEFAULTS, args);
        let wasm = crate::bundle(crate::BundleProvider::MintCredits).wasm;
        ok(self.chain.deploy(&wasm, who::admin(), data, salt), "deploy").value
    }

    pub fn mint_query<R: Decode>(&mut self, selector: [u8; 4], args: impl Encode) -> R {
        let address = self.mint_credits;
        ok(
            self.chain.query(address, call_data(selector, args)),
            "mint_credits query",
        )
    }

    pub fn advance_phase(
        &mut self,
        caller: AccountId,
        epoch: u32,
        verifiers: &[AccountId],
    ) -> Called<MintResult> {
        self.mint_call(caller, selector::ADVANCE_PHASE, (epoch, verifiers.to_vec()))
    }

    pub fn propose(
        &mut self,
        caller: AccountId,
        signal: Signal,
        beneficiary: AccountId,
        amount: u128,
        cited: &[u64],
    ) -> Called<MintResult<u64>> {
        self.mint_call(
            caller,
            selector::PROPOSE,
            (signal, beneficiary, amount, cited.to_vec(), [0u8; 32]),
        )
    }

    pub fn challenge_mint(&mut self, caller: AccountId, id: u64) -> Called<MintResult> {
        self.mint_call(caller, selector::CHALLENGE, (id, [7u8; 32]))
    }

    pub fn resolve_mint(&mut self, caller: AccountId, id: u64, upheld: bool) -> Called<MintResult> {
        self.mint_call(caller, selector::RESOLVE, (id, upheld))
    }

    pub fn activate(&mut self, caller: AccountId, id: u64) -> Called<MintResult> {
        self.mint_call(caller, selector::ACTIVATE, id)
    }

    pub fn release(&mut self, caller: AccountId, id: u64) -> Called<MintResult> {
        self.mint_call(caller, selector::RELEASE, id)
    }

    pub fn burn_on_drop(&mut self, caller: AccountId, id: u64) -> Called<MintResult> {
        self.mint_call(caller, selector::BURN_ON_DROP, id)
    }

    pub fn report_failure(
        &mut self,
        caller: AccountId,
        id: u64,
        failure: Failure,
    ) -> Called<MintResult> {
        self.mint_call(caller, selector::REPORT_FAILURE, (id, failure, [9u8; 32]))
    }

    pub fn set_tunables(&mut self, caller: AccountId, tunables: Tunables) -> Called<MintResult> {
        self.mint_call(caller, selector::SET_TUNABLES, tunables)
    }

    pub fn tunables(&mut self) -> Tunables {
        self.mint_query(selector::PARAMS, ())
    }

    pub fn phase(&mut self) -> (u8, u32) {
        self.mint_query(selector::PHASE, ())
    }

    pub fn proposal(&mut self, id: u64) -> Option<Proposal> {
        self.mint_query(selector::PROPOSAL, id)
    }

    pub fn credit(&mut self, id: u64) -> Option<Credit> {
        self.mint_query(selector::CREDIT, id)
    }

    pub fn mint_totals(&mut self) -> Totals {
        self.mint_query(selector::TOTALS, ())
    }

    pub fn bound(&mut self, signal: Signal, delta: u128, score: u32) -> u128 {
        self.mint_query(selector::BOUND, (signal, delta, score))
    }

    /// `owner` allows mint_credits to pull `amount` more DYN (a challenge deposit).
    pub fn allow_mint(&mut self, owner: AccountId, amount: u128) {
        let (token, spender) = (self.token, self.mint_credits);
        assert_eq!(
            token
                .increase_allowance(&mut self.chain, owner, spender, amount)
                .value,
            Ok(())
        );
    }

    /// `owner` sets mint_credits' allowance to exactly `amount`.
    pub fn approve_mint(&mut self, owner: AccountId, amount: u128) {
        let (token, spender) = (self.token, self.mint_credits);
        assert_eq!(
            token.approve(&mut self.chain, owner, spender, amount).value,
            Ok(())
        );
    }

    /// Tops `account`'s score up to exactly `target` (from [`who::writer`], within the
    /// epoch's gain cap); false if the cap leaves too little room.
    pub fn score_to(&mut self, account: AccountId, target: u32) -> bool {
        let mut score = self.score(account);
        while score < target {
            let gain = (target - score).min(5_000);
            let now = done(self.record_success(who::writer(), account, gain)).value;
            if now == score {
                return false;
            }
            score = now;
        }
        score == target
    }
}

/// Verifiers that co-sign one attestation of chosen capacity per epoch: submitted at the start
/// of the epoch, finalised one epoch later when its window has closed.
pub struct Network {
    pub verifiers: Vec<Verifier>,
    /// Further mint_credits contracts whose phases the keeper advances too.
    pub keep: Vec<AccountId>,
    pending: Vec<u64>,
    roots: u64,
}

impl Network {
    /// `n` verifiers bonded at the minimum and registered.
    pub fn new(s: &mut Suite, n: u8) -> Self {
        Self {
            verifiers: s.verifiers(n),
            keep: Vec::new(),
            pending: Vec::new(),
            roots: 0,
        }
    }

    pub fn accounts(&self) -> Vec<AccountId> {
        self.verifiers.iter().map(|v| v.account).collect()
    }

    /// Finalises what waits, then posts an attestation of `capacity` units in `regime` for the
    /// current epoch, co-signed by every verifier. Returns its id.
    pub fn attest(&mut self, s: &mut Suite, capacity: u64, regime: Regime) -> u64 {
        self.finalize(s);
        self.roots += 1;
        let mut root = [0xAB; 32];
        root[..8].copy_from_slice(&self.roots.to_le_bytes());
        let attestation = Attestation {
            epoch: s.current_epoch(),
            root,
            items: capacity.max(1),
            valid: capacity.max(1),
            capacity,
            regime,
        };
        let signers: Vec<&Verifier> = self.verifiers.iter().collect();
        let sigs = s.signatures(&attestation, &signers);
        let submitter = self.verifiers[0].account;
        let id = done(s.submit(submitter, &attestation, &sigs)).value;
        self.pending.push(id);
        id
    }

    /// Finalises every attestation whose window has closed.
    pub fn finalize(&mut self, s: &mut Suite) {
        let now = s.chain.block();
        let mut waiting = Vec::new();
        for id in std::mem::take(&mut self.pending) {
            let ready = s
                .attestation(id)
                .is_some_and(|r| now >= r.submitted_at + WINDOW);
            if ready {
                done(s.finalize(who::user(0), id));
            } else {
                waiting.push(id);
            }
        }
        self.pending = waiting;
    }

    /// Runs `epochs` epochs at `units` each, a keeper advancing the phase whenever it can,
    /// and tops `builder`'s reputation up each epoch towards (never above) `ceiling`.
    pub fn run(
        &mut self,
        s: &mut Suite,
        epochs: u32,
        units: u64,
        builder: AccountId,
        ceiling: u32,
    ) {
        let accounts = self.accounts();
        for _ in 0..epochs {
            self.attest(s, units, Regime::Ephemeral);
            let closed = s.current_epoch().saturating_sub(1);
            let keeper = call_data(selector::ADVANCE_PHASE, (closed, accounts.clone()));
            for contract in std::iter::once(s.mint_credits).chain(self.keep.iter().copied()) {
                let _ = s.chain.call_raw(contract, who::user(1), keeper.clone());
            }
            let target = ceiling.min(s.score(builder).saturating_add(15_000));
            s.score_to(builder, target);
            s.chain.advance(DAY);
        }
    }

    /// The README's worked example up to its proposal: epochs 0–29 at 1,000 units (the
    /// first verifier's score topped up to 560,000), 30–36 at 1,500, and epoch 37's
    /// attestation posted; the rollout is in phase 3.
    pub fn example(s: &mut Suite) -> Self {
        let mut net = Self::new(s, 3);
        net.run_example(s);
        net
    }

    /// [`Self::example`] with these verifiers (and contracts to keep).
    pub fn run_example(&mut self, s: &mut Suite) {
        let v = self.verifiers[0].account;
        self.run(s, 30, 1_000, v, 560_000);
        self.run(s, 7, 1_500, v, 0);
        self.attest(s, 1_500, Regime::Ephemeral);
    }

    /// One epoch of work at `capacity` units, then on to the next epoch.
    pub fn epoch(&mut self, s: &mut Suite, capacity: u64) {
        self.attest(s, capacity, Regime::Ephemeral);
        s.chain.advance(DAY);
    }
}
