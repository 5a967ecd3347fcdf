//! Typed calls to mint_credits, and a [`Network`] of verifiers that produces measured capacity
//! epoch by epoch (real co-signed attestations, finalised after their window; an epoch's
//! capacity is read once the registry says it is final, a bit over three epochs later).

use crate::{
    attest::{Verifier, VERIFIER_BOND},
    call_data,
    suite::{done, ok, who, Suite},
    AccountId, Called,
};
use attestations::Status;
use dynamis_proofs::{Attestation, Crypto, Item, Kind, Regime, Verdict};
use dynamis_verifier::{gen::Generator, Batch, Native};
use mint_credits::{
    Credit, Failure, MintError, Phase, Proposal, Signal, Totals, Tunables, DAY, ONE_DYN,
};
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

    pub fn consent(&mut self, caller: AccountId, proposer: AccountId, allowed: bool) -> Called<MintResult> {
        self.mint_call(caller, selector::CONSENT, (proposer, allowed))
    }

    pub fn expire_challenge(&mut self, caller: AccountId, id: u64) -> Called<MintResult> {
        self.mint_call(caller, selector::EXPIRE_CHALLENGE, id)
    }

    pub fn expire(&mut self, caller: AccountId, id: u64) -> Called<MintResult> {
        self.mint_call(caller, selector::EXPIRE, id)
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
        self.mint_query(selector::TUNABLES, ())
    }

    pub fn mint_params(&mut self) -> mint_credits::Params {
        self.mint_query(selector::PARAMS, ())
    }

    pub fn phase(&mut self) -> (Phase, u32) {
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

    /// mint_credits' links and roles: (token, attestations, reputation, bonding, governance,
    /// resolver).
    pub fn mint_wired(&mut self) -> [AccountId; 6] {
        let (a, b, c, d, e, f) = self.mint_query(selector::WIRED, ());
        [a, b, c, d, e, f]
    }

    pub fn bound(&mut self, signal: Signal, delta: u128, score: u32) -> u128 {
        self.mint_query(selector::BOUND, (signal, delta, score))
    }

    /// Capacity units of `regime` `beneficiary` has minted against so far.
    pub fn claimed(&mut self, beneficiary: AccountId, regime: Regime) -> u128 {
        self.mint_query(selector::CLAIMED, (beneficiary, regime.index()))
    }

    pub fn is_cited(&mut self, attestation: u64, beneficiary: AccountId) -> bool {
        self.mint_query(selector::IS_CITED, (attestation, beneficiary))
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

    /// Gives `who` challenge authority (a score of at least 200,000, built a day at a time if
    /// the epoch's gain cap says so) and 10,000 DYN approved to mint_credits for deposits.
    pub fn make_challenger(&mut self, who: AccountId) {
        let target = self.score(who).max(200_000);
        while !self.score_to(who, target) {
            self.chain.advance(DAY);
        }
        assert!(self.authority(who, dynamis_shared::Action::Challenge));
        self.give(who, 10_000 * ONE_DYN);
        self.allow_mint(who, 10_000 * ONE_DYN);
    }

    /// Reputation governance lowers the proposers' thresholds to their floor (score 150,000,
    /// one active epoch), so that phase 2 can be reached with a proposer in it.
    pub fn lenient_proposers(&mut self) {
        let mut p = self.rep_params();
        let i = dynamis_shared::Action::ProposeMint.index();
        p.min_score[i] = 150_000;
        p.min_active_epochs[i] = 1;
        let set = self.rep_call::<Result<(), dynamis_shared::ReputationError>>(
            who::governance(),
            crate::suite::selector::SET_PARAMS,
            p,
        );
        done(set);
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
    /// Further accounts whose reputation `run` builds alongside its builder's.
    pub also_build: Vec<AccountId>,
    pending: Vec<u64>,
    roots: u64,
    /// With real batches (see [`Network::with_data`]): each attestation's batch, by id.
    batches: Option<std::collections::BTreeMap<u64, Batch>>,
}

/// How many ed25519 items lead each real batch (see [`Network::with_data`]).
pub const SIGNED_ITEMS: u64 = 16;

/// The first verifier's bond in the worked example: 20,000 DYN backs 2,000 capacity units at
/// the default 10 DYN per unit.
pub const EXAMPLE_BOND: u128 = 20_000 * ONE_DYN;

impl Network {
    /// `n` verifiers bonded at the minimum and registered.
    pub fn new(s: &mut Suite, n: u8) -> Self {
        Self::from(s.verifiers(n))
    }

    /// Verifiers bonded with `bonds` and registered.
    pub fn with_bonds(s: &mut Suite, bonds: &[u128]) -> Self {
        Self::from(s.verifiers_bonded(bonds))
    }

    fn from(verifiers: Vec<Verifier>) -> Self {
        Self {
            verifiers,
            keep: Vec::new(),
            also_build: Vec::new(),
            pending: Vec::new(),
            roots: 0,
            batches: None,
        }
    }

    /// Attestations of real batches from here on (a few ed25519 signatures and one-step
    /// hash-chain segments, one unit each), kept so that the network can answer data requests.
    pub fn with_data(mut self) -> Self {
        self.batches = Some(Default::default());
        self
    }

    /// The batch behind attestation `id`, if the network keeps data.
    pub fn batch(&self, id: u64) -> Option<&Batch> {
        self.batches.as_ref()?.get(&id)
    }

    /// A real batch measuring `capacity` units: up to [`SIGNED_ITEMS`] valid ed25519
    /// signatures (which only a contest can dispute) and one-step hash chains for the rest, in
    /// the canonical order (one invalid item for 0).
    fn real_batch(&self, capacity: u64) -> Batch {
        let chain = |i: u64| {
            let start = Native::sha256(&(self.roots, i).encode());
            Item::HashChain {
                start,
                count: 1,
                end: Native::sha256(&start),
            }
        };
        if capacity == 0 {
            let mut item = chain(0);
            if let Item::HashChain { end, .. } = &mut item {
                end[0] ^= 1;
            }
            return Batch::with_verdicts(vec![item], vec![Verdict::Invalid]);
        }
        let signed = capacity.min(SIGNED_ITEMS);
        let generator = Generator::new(self.roots, &[Kind::Ed25519], 0.0);
        let mut items: Vec<Item> = (0..signed).map(|n| generator.item(n).0).collect();
        items.extend((signed..capacity).map(chain));
        Batch::with_verdicts(items, vec![Verdict::Valid; capacity as usize])
    }

    pub fn accounts(&self) -> Vec<AccountId> {
        self.verifiers.iter().map(|v| v.account).collect()
    }

    /// An attestation for the current epoch measuring `capacity` units in `regime`: as many
    /// valid inclusion claims (one unit each; one invalid item when `capacity` is 0).
    pub fn attestation(&mut self, s: &mut Suite, capacity: u64, regime: Regime) -> Attestation {
        self.roots += 1;
        let mut root = [0xAB; 32];
        root[..8].copy_from_slice(&self.roots.to_le_bytes());
        Attestation {
            epoch: s.current_epoch(),
            root,
            items: capacity.max(1),
            valid: [0, 0, 0, capacity, 0],
            regime,
        }
    }

    /// The attestation to post next and, with data, its batch.
    fn next(&mut self, s: &mut Suite, capacity: u64, regime: Regime) -> (Attestation, Option<Batch>) {
        if self.batches.is_none() {
            return (self.attestation(s, capacity, regime), None);
        }
        self.roots += 1;
        let batch = self.real_batch(capacity);
        (batch.attestation(s.current_epoch(), regime), Some(batch))
    }

    /// Finalises what waits, then posts an attestation of `capacity` units in `regime` for the
    /// current epoch, co-signed by every verifier (each credited its share). Returns its id.
    pub fn attest(&mut self, s: &mut Suite, capacity: u64, regime: Regime) -> u64 {
        self.finalize(s);
        let (attestation, batch) = self.next(s, capacity, regime);
        let signers: Vec<&Verifier> = self.verifiers.iter().collect();
        let sigs = s.signatures(&attestation, &signers);
        let submitter = self.verifiers[0].account;
        let id = done(s.submit(submitter, &attestation, &sigs)).value;
        if let (Some(kept), Some(batch)) = (self.batches.as_mut(), batch) {
            kept.insert(id, batch);
        }
        self.pending.push(id);
        id
    }

    /// The network answers the data request at `index` of its attestation `id` (anyone may
    /// post the answer; the network holds the data). Whether it could.
    pub fn answer(&self, s: &mut Suite, id: u64, index: u64) -> bool {
        let Some(proof) = self.batch(id).and_then(|b| b.proof(index)) else {
            return false;
        };
        let item = self.batch(id).map(|b| b.items[index as usize].clone());
        let Some(item) = item else { return false };
        let submitter = self.verifiers[0].account;
        s.answer(submitter, id, index, &item, proof.valid, &proof.path)
            .value
            .is_ok()
    }

    /// Finalises every attestation whose window has closed.
    pub fn finalize(&mut self, s: &mut Suite) {
        let now = s.chain.block();
        let mut waiting = Vec::new();
        for id in std::mem::take(&mut self.pending) {
            let ready = s
                .attestation(id)
                .is_some_and(|r| now >= r.submitted_at + WINDOW && r.requests.is_empty());
            let pending = s.attestation(id).is_some_and(|r| r.status == Status::Pending);
            if ready && pending {
                done(s.finalize(who::user(0), id));
            } else if pending || s.attestation(id).is_some_and(|r| r.status == Status::Contested) {
                waiting.push(id);
            }
        }
        self.pending = waiting;
    }

    /// Runs `epochs` epochs at `units` each, a keeper advancing the phase whenever it can
    /// (phase 0 witnessed by the newest closed epoch), and tops `builder`'s reputation (and
    /// [`Self::also_build`]'s) up each epoch towards (never above) `ceiling`.
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
            self.keep_phases(s, &accounts);
            for who in std::iter::once(builder).chain(self.also_build.iter().copied()) {
                let target = ceiling.min(s.score(who).saturating_add(15_000));
                s.score_to(who, target);
            }
            s.chain.advance(DAY);
        }
    }

    /// A keeper moves every kept contract's phase on if it can.
    pub fn keep_phases(&self, s: &mut Suite, accounts: &[AccountId]) {
        let Some(closed) = s.newest_closed_epoch() else {
            return;
        };
        let keeper = call_data(selector::ADVANCE_PHASE, (closed, accounts.to_vec()));
        for contract in std::iter::once(s.mint_credits).chain(self.keep.iter().copied()) {
            let _ = s.chain.call_raw(contract, who::user(1), keeper.clone());
        }
    }

    /// The README's worked example up to its proposal: verifier 1 bonded with
    /// [`EXAMPLE_BOND`], the others at the floor; epochs 0–29 at 3,000 units (1,000 for each
    /// co-signer; verifier 1's score topped up to 560,000), 30–39 at 4,500 (1,500 each), and
    /// epoch 40's attestation posted; the rollout is in phase 3.
    pub fn example(s: &mut Suite) -> Self {
        let bonds = [EXAMPLE_BOND, VERIFIER_BOND, VERIFIER_BOND];
        let mut net = Self::with_bonds(s, &bonds);
        net.run_example(s);
        net
    }

    /// [`Self::example`] with these verifiers (and contracts to keep).
    pub fn run_example(&mut self, s: &mut Suite) {
        let v = self.verifiers[0].account;
        self.run(s, 30, 3_000, v, 560_000);
        self.run(s, 10, 4_500, v, 0);
        self.attest(s, 4_500, Regime::Ephemeral);
    }

    /// The worked example up to an activated 400-DYN credit (first obligation epoch 44): the
    /// network, its first verifier (the beneficiary) and the credit's id.
    pub fn activated(s: &mut Suite) -> (Self, AccountId, u64) {
        let mut net = Self::example(s);
        let v = net.verifiers[0].account;
        assert!(s.score_to(v, 600_000));
        let id = done(s.propose(v, Signal::CapacityExpansion, v, 400 * ONE_DYN, &[])).value;
        s.chain.advance(DAY);
        for _ in 0..2 {
            net.attest(s, 4_500, Regime::Ephemeral);
            s.chain.advance(DAY);
        }
        net.attest(s, 4_500, Regime::Ephemeral);
        done(s.activate(who::user(1), id));
        (net, v, id)
    }

    /// One epoch of work at `capacity` units, then on to the next epoch.
    pub fn epoch(&mut self, s: &mut Suite, capacity: u64) {
        self.attest(s, capacity, Regime::Ephemeral);
        s.chain.advance(DAY);
    }

    /// Posts an attestation of `capacity` units for the current epoch, co-signed by every
    /// verifier, and never finalises it (a beneficiary holding back finalisation).
    pub fn attest_unfinalised(&mut self, s: &mut Suite, capacity: u64, regime: Regime) -> u64 {
        let id = self.attest(s, capacity, regime);
        self.pending.retain(|p| *p != id);
        id
    }
}
