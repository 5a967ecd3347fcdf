//! The attestation registry on the compiled contracts, fed by the off-chain verifier's own
//! code (batch tree, co-signatures, proofs): acceptance, every way a submission is wrong,
//! challenges that prove fraud and ones that fail, finalisation after the window only.

use attestations::{
    AttestParams, AttestationError, Contested, Finalized, FraudProven, Status, Submitted,
    DEFAULT_PARAMS,
};
use bonding::{SlashReported, SlashSettled, ONE_DYN};
use dynamis_proofs::{Attestation, Item, Kind, Regime, Verdict};
use dynamis_shared::{BondingError, ReputationError, Role, SlashClass};
use dynamis_tests::{
    account, all,
    attest::{AttResult, Verifier, VERIFIER_BOND},
    bundle, call_data, only,
    suite::{done, everyone, selector, who, Suite},
    BundleProvider,
};
use dynamis_verifier::{gen::Generator, Batch};
use std::collections::BTreeSet;

const WINDOW: u32 = DEFAULT_PARAMS.challenge_window_blocks;
const EPOCH: u32 = DEFAULT_PARAMS.epoch_blocks;

/// Error variants reached, by name.
type Seen = BTreeSet<&'static str>;

fn refused<T: std::fmt::Debug + PartialEq>(r: AttResult<T>, e: AttestationError, seen: &mut Seen) {
    assert_eq!(r, Err(e.clone()));
    seen.insert(variant(&e));
}

/// Names of the variants, exhaustively: a new variant fails to compile here until a test
/// reaches it.
fn variant(e: &AttestationError) -> &'static str {
    use AttestationError::*;
    match e {
        InvalidParams => "InvalidParams",
        NotBonded => "NotBonded",
        BadKeyProof => "BadKeyProof",
        KeyTaken => "KeyTaken",
        NotRegistered => "NotRegistered",
        StillBonded => "StillBonded",
        FutureEpoch => "FutureEpoch",
        StaleEpoch => "StaleEpoch",
        EmptyBatch => "EmptyBatch",
        InconsistentCounts => "InconsistentCounts",
        DuplicateBatch => "DuplicateBatch",
        TooManySignatures => "TooManySignatures",
        InvalidSignature => "InvalidSignature",
        UnknownSigner => "UnknownSigner",
        DuplicateSigner => "DuplicateSigner",
        UnbondedSigner => "UnbondedSigner",
        TooFewSignatures => "TooFewSignatures",
        UnknownAttestation => "UnknownAttestation",
        NotPending => "NotPending",
        WindowClosed => "WindowClosed",
        WindowOpen => "WindowOpen",
        InvalidProof => "InvalidProof",
        ItemValid => "ItemValid",
        NotVerifier => "NotVerifier",
        Bonding(_) => "Bonding",
        Reputation(_) => "Reputation",
        CallFailed => "CallFailed",
    }
}

const ALL_VARIANTS: usize = 27;

/// A verified batch of generated items (a `bad` share of them bad) with honest verdicts.
fn honest(seed: u64, kinds: &[Kind], bad: f64, n: u64) -> Batch {
    let made = Generator::new(seed, kinds, bad).items(0..n, &|| {});
    Batch::verify(made.into_iter().map(|(i, _)| i).collect())
}

/// A batch whose bad items are all marked valid, and the index of one bad item per kind.
fn fraudulent(seed: u64, kinds: &[Kind], n: u64) -> (Batch, Vec<(Kind, u64)>) {
    let made = Generator::new(seed, kinds, 0.3).items(0..n, &|| {});
    let mut bad_of_kind = Vec::new();
    for (i, (item, bad)) in made.iter().enumerate() {
        if *bad && !bad_of_kind.iter().any(|(k, _)| *k == item.kind()) {
            bad_of_kind.push((item.kind(), i as u64));
        }
    }
    let items: Vec<Item> = made.into_iter().map(|(i, _)| i).collect();
    let verdicts = vec![Verdict::Valid; items.len()];
    (Batch::with_verdicts(items, verdicts), bad_of_kind)
}

fn setup() -> (Suite, Vec<Verifier>) {
    let mut s = Suite::new();
    let v = s.verifiers(3);
    (s, v)
}

/// Submits `batch`'s attestation for the current epoch signed by `signers`; returns its id.
fn attested(s: &mut Suite, batch: &Batch, signers: &[&Verifier]) -> (u64, Attestation) {
    let epoch = s.current_epoch();
    let attestation = batch.attestation(epoch, Regime::Anchored);
    let sigs = s.signatures(&attestation, signers);
    let id = done(s.submit(who::user(9), &attestation, &sigs)).value;
    (id, attestation)
}

#[test]
fn a_threshold_co_signed_attestation_is_accepted_and_recorded() {
    let (mut s, v) = setup();
    assert_eq!(s.registered(), 3);
    // ⌈3 × 2/3⌉ = 2.
    assert_eq!(s.required_signatures(), 2);
    let batch = honest(1, &[], 0.05, 200);
    let attestation = batch.attestation(s.current_epoch(), Regime::Anchored);
    let sigs = s.signatures(&attestation, &[&v[0], &v[1]]);
    let called = done(s.submit(who::user(9), &attestation, &sigs));
    let id = called.value;
    let event: Submitted = only(&called.events);
    assert_eq!((event.id, event.root, event.items), (id, batch.root(), 200));
    assert_eq!(event.signers, vec![v[0].account, v[1].account]);
    assert_eq!(event.challenge_until, s.chain.block() + WINDOW);
    let record = s.attestation(id).expect("recorded");
    assert_eq!(record.status, Status::Pending);
    assert_eq!(
        (record.valid, record.capacity),
        (batch.valid(), batch.capacity())
    );
    assert_eq!(record.regime(), Regime::Anchored);
    // All three may sign too.
    let other = honest(2, &[], 0.0, 10).attestation(s.current_epoch(), Regime::Session);
    let sigs = s.signatures(&other, &[&v[2], &v[0], &v[1]]);
    assert_eq!(done(s.submit(who::user(9), &other, &sigs)).value, id + 1);
}

fn submit_refusals(seen: &mut Seen) {
    let (mut s, v) = setup();
    let submitter = who::user(9);
    let epoch = s.current_epoch();
    let batch = honest(3, &[], 0.0, 50);
    let a = batch.attestation(epoch, Regime::Ephemeral);
    let sig = |s: &Suite, a: &Attestation, who: &Verifier| s.signatures(a, &[who])[0];
    let (s1, s2) = (sig(&s, &a, &v[0]), sig(&s, &a, &v[1]));

    refused(
        s.submit(submitter, &a, &[s1]).value,
        AttestationError::TooFewSignatures,
        seen,
    );
    refused(
        s.submit(submitter, &a, &[s1, s1]).value,
        AttestationError::DuplicateSigner,
        seen,
    );
    let stranger = Verifier::new(9);
    let s9 = sig(&s, &a, &stranger);
    refused(
        s.submit(submitter, &a, &[s1, s9]).value,
        AttestationError::UnknownSigner,
        seen,
    );
    // Signed for another contract (another domain): recovers a key nobody registered.
    let elsewhere = v[1].sign(s.bonding, &a);
    refused(
        s.submit(submitter, &a, &[s1, elsewhere]).value,
        AttestationError::UnknownSigner,
        seen,
    );
    // The malleated twin of a valid signature (n − s, recovery id flipped).
    let twin = dynamis_verifier::attest::malleated(&s2);
    refused(
        s.submit(submitter, &a, &[s1, twin]).value,
        AttestationError::InvalidSignature,
        seen,
    );
    refused(
        s.submit(submitter, &a, &vec![s1; 65]).value,
        AttestationError::TooManySignatures,
        seen,
    );
    for bad in [
        Attestation {
            items: 0,
            valid: 0,
            ..a.clone()
        },
        Attestation {
            valid: a.items + 1,
            ..a.clone()
        },
        Attestation {
            epoch: epoch + 1,
            ..a.clone()
        },
    ] {
        let sigs = s.signatures(&bad, &[&v[0], &v[1]]);
        let expected = if bad.items == 0 {
            AttestationError::EmptyBatch
        } else if bad.valid > bad.items {
            AttestationError::InconsistentCounts
        } else {
            AttestationError::FutureEpoch
        };
        refused(s.submit(submitter, &bad, &sigs).value, expected, seen);
    }
    // A verifier that unbonded can no longer co-sign.
    done(s.unbond(v[2].account, Role::Verifier, VERIFIER_BOND));
    let s3 = sig(&s, &a, &v[2]);
    refused(
        s.submit(submitter, &a, &[s1, s3]).value,
        AttestationError::UnbondedSigner,
        seen,
    );
    // Nothing refused left a record.
    assert_eq!(s.attestation(0), None);

    done(s.submit(submitter, &a, &[s1, s2]));
    // The same attestation again, by anyone: a replay.
    refused(
        s.submit(who::user(8), &a, &[s2, s1]).value,
        AttestationError::DuplicateBatch,
        seen,
    );
    // The same signatures on the payload moved to another epoch recover other keys.
    s.chain.advance(EPOCH);
    let moved = Attestation {
        epoch: epoch + 1,
        root: [7; 32],
        ..a.clone()
    };
    refused(
        s.submit(submitter, &moved, &[s1, s2]).value,
        AttestationError::UnknownSigner,
        seen,
    );
    // Yesterday's batch is still accepted, the day before's is stale.
    s.chain.advance(EPOCH);
    let stale = honest(4, &[], 0.0, 5).attestation(epoch, Regime::Ephemeral);
    let sigs = s.signatures(&stale, &[&v[0], &v[1]]);
    refused(
        s.submit(submitter, &stale, &sigs).value,
        AttestationError::StaleEpoch,
        seen,
    );
    let yesterday = Attestation {
        epoch: s.current_epoch() - 1,
        ..stale
    };
    let sigs = s.signatures(&yesterday, &[&v[0], &v[1]]);
    done(s.submit(submitter, &yesterday, &sigs));
}

#[test]
fn submit_is_refused_for_every_way_it_can_be_wrong() {
    submit_refusals(&mut Seen::new());
}

fn fraud_proofs(seen: &mut Seen) {
    let (mut s, v) = setup();
    let challenger = who::user(7);
    for (seed, kind) in [
        (10, Kind::HashChain),
        (11, Kind::Inclusion),
        (12, Kind::Ecdsa),
    ] {
        let (batch, bad) = fraudulent(seed, &[kind], 40);
        let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
        let (_, index) = bad[0];
        let proof = batch.proof(index).expect("proof");
        let item = batch.items[index as usize].clone();
        // A true item of the same batch proves nothing.
        let good = (0..batch.len())
            .find(|&i| {
                dynamis_proofs::check::<dynamis_verifier::Native>(&batch.items[i as usize])
                    == dynamis_proofs::Check::Valid
            })
            .expect("a true item");
        let good_proof = batch.proof(good).expect("proof");
        refused(
            s.challenge(
                challenger,
                id,
                &batch.items[good as usize],
                good,
                &good_proof.path,
            )
            .value,
            AttestationError::ItemValid,
            seen,
        );
        // The false item at a wrong index, or with a wrong path, is not in the batch.
        refused(
            s.challenge(challenger, id, &item, index ^ 1, &proof.path)
                .value,
            AttestationError::InvalidProof,
            seen,
        );
        let stakes_before: Vec<u128> = v[..2]
            .iter()
            .map(|x| s.stake(x.account, Role::Verifier).active)
            .collect();
        let called = done(s.challenge(challenger, id, &item, index, &proof.path));
        let fraud: FraudProven = only(&called.events);
        assert_eq!(
            (fraud.id, fraud.challenger, fraud.index),
            (id, challenger, index)
        );
        let slashes: Vec<SlashReported> = all(&called.events);
        assert_eq!(slashes.len(), 2, "{kind:?}");
        for (slash, (signer, before)) in slashes.iter().zip(v[..2].iter().zip(stakes_before)) {
            assert_eq!(slash.offender, signer.account);
            assert_eq!(slash.class, SlashClass::AttestationFailure);
            assert_eq!(slash.beneficiary, challenger);
            assert_eq!(slash.evidence, fraud.evidence);
            assert_eq!(
                s.stake(signer.account, Role::Verifier).active,
                before - before / 10
            );
        }
        assert_eq!(s.attestation(id).expect("record").status, Status::Rejected);
        refused(
            s.challenge(challenger, id, &item, index, &proof.path).value,
            AttestationError::NotPending,
            seen,
        );
        s.chain.advance(WINDOW);
        refused(
            s.finalize(challenger, id).value,
            AttestationError::NotPending,
            seen,
        );
        // The co-signers have nothing to dispute; after bonding's window the challenger is paid.
        let window = s.bond_params().dispute_window_blocks;
        s.chain.advance(window);
        let paid_before = s.balance(challenger);
        for slash in &slashes {
            let settled: SlashSettled = only(&done(s.settle(who::user(8), slash.id)).events);
            assert_eq!(settled.beneficiary, challenger);
        }
        let reward: u128 = slashes.iter().map(|x| x.amount / 10).sum();
        assert_eq!(s.balance(challenger), paid_before + reward);
        // Top the co-signers back up for the next round.
        s.top_up(&v[..2]);
    }
}

#[test]
fn a_false_hash_checkable_item_marked_valid_is_proven_and_every_co_signer_slashed() {
    fraud_proofs(&mut Seen::new());
}

fn contests(seen: &mut Seen) {
    let (mut s, v) = setup();
    let (batch, bad) = fraudulent(20, &[Kind::Ed25519, Kind::Sr25519], 40);
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let (_, index) = bad[0];
    let proof = batch.proof(index).expect("proof");
    let item = &batch.items[index as usize];
    // The chain cannot check ed25519 or sr25519: only a registered verifier may contest.
    refused(
        s.challenge(who::user(7), id, item, index, &proof.path)
            .value,
        AttestationError::NotVerifier,
        seen,
    );
    let called = done(s.challenge(v[2].account, id, item, index, &proof.path));
    let contested: Contested = only(&called.events);
    assert_eq!((contested.id, contested.challenger), (id, v[2].account));
    let slashes: Vec<SlashReported> = all(&called.events);
    assert_eq!(
        slashes.iter().map(|x| x.offender).collect::<Vec<_>>(),
        vec![v[0].account, v[1].account]
    );
    assert_eq!(s.attestation(id).expect("record").status, Status::Contested);
    // Each co-signer disputes its own slash in bonding.
    s.give(v[0].account, 10 * ONE_DYN);
    s.allow(v[0].account, 10 * ONE_DYN);
    done(s.dispute(v[0].account, slashes[0].id));
    s.chain.advance(WINDOW);
    refused(
        s.finalize(who::user(7), id).value,
        AttestationError::NotPending,
        seen,
    );
}

#[test]
fn a_signature_item_is_contested_by_a_verifier_and_disputed_in_bonding() {
    contests(&mut Seen::new());
}

fn finalisation(seen: &mut Seen) {
    let (mut s, v) = setup();
    let batch = honest(30, &[], 0.1, 120);
    let (id, a) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let (second, _) = attested(&mut s, &honest(31, &[], 0.0, 8), &[&v[1], &v[2]]);
    let score_before = s.score(v[0].account);
    s.chain.advance(WINDOW - 1);
    refused(
        s.finalize(who::user(7), id).value,
        AttestationError::WindowOpen,
        seen,
    );
    assert_eq!(s.capacity(v[0].account, a.epoch), 0);
    assert_eq!(s.epoch_capacity(a.epoch), 0);
    s.chain.advance(1);
    let called = done(s.finalize(who::user(7), id));
    let event: Finalized = only(&called.events);
    assert_eq!((event.id, event.capacity), (id, batch.capacity()));
    let units = u128::from(batch.capacity());
    assert!(units > 0);
    assert_eq!(s.capacity(v[0].account, a.epoch), units);
    assert_eq!(s.capacity(v[1].account, a.epoch), units);
    assert_eq!(s.capacity(v[2].account, a.epoch), 0);
    assert_eq!(s.epoch_capacity(a.epoch), units);
    let totals = s.epoch_totals(a.epoch);
    assert_eq!(
        (totals.attestations, totals.items, totals.valid),
        (1, batch.len(), batch.valid())
    );
    assert_eq!(s.attestation(id).expect("record").status, Status::Final);
    assert!(s.score(v[0].account) > score_before);
    refused(
        s.finalize(who::user(7), id).value,
        AttestationError::NotPending,
        seen,
    );
    refused(
        s.finalize(who::user(7), 99).value,
        AttestationError::UnknownAttestation,
        seen,
    );
    // Past its window, the second can no longer be challenged, only finalised.
    let b2 = honest(31, &[], 0.0, 8);
    let proof = b2.proof(0).expect("proof");
    refused(
        s.challenge(who::user(7), second, &b2.items[0], 0, &proof.path)
            .value,
        AttestationError::WindowClosed,
        seen,
    );
    done(s.finalize(who::user(7), second));
    assert_eq!(
        s.capacity(v[1].account, a.epoch),
        units + u128::from(b2.capacity())
    );
    assert_eq!(s.epoch_capacity(a.epoch), units + u128::from(b2.capacity()));
}

#[test]
fn finalisation_credits_capacity_only_after_the_window() {
    finalisation(&mut Seen::new());
}

fn registration(seen: &mut Seen) {
    let (mut s, v) = setup();
    let newcomer = Verifier::new(4);
    refused(
        s.register(&newcomer).value,
        AttestationError::NotBonded,
        seen,
    );
    s.bond_new(newcomer.account, Role::Verifier, VERIFIER_BOND);
    // A proof made for another account.
    let proof = dynamis_verifier::attest::registration_proof(
        &newcomer.pair,
        s.attestations.as_ref(),
        v[0].account.as_ref(),
    );
    refused(
        s.register_key(newcomer.account, newcomer.key(), proof)
            .value,
        AttestationError::BadKeyProof,
        seen,
    );
    // Somebody else's key, even with that key's own proof for this account.
    let stolen = dynamis_verifier::attest::registration_proof(
        &v[0].pair,
        s.attestations.as_ref(),
        newcomer.account.as_ref(),
    );
    refused(
        s.register_key(newcomer.account, v[0].key(), stolen).value,
        AttestationError::KeyTaken,
        seen,
    );
    done(s.register(&newcomer));
    assert_eq!(s.registered(), 4);
    assert_eq!(s.required_signatures(), 3);
    // Rotation: verifier 1 moves to a new key; the old one no longer signs.
    let rotated = Verifier {
        account: v[0].account,
        pair: Verifier::new(5).pair,
    };
    done(s.register(&rotated));
    assert_eq!(
        (s.registered(), s.key_of(v[0].account)),
        (4, Some(rotated.key()))
    );
    let a = honest(40, &[], 0.0, 5).attestation(s.current_epoch(), Regime::Session);
    let sigs = s.signatures(&a, &[&v[0], &v[1], &v[2]]);
    refused(
        s.submit(who::user(9), &a, &sigs).value,
        AttestationError::UnknownSigner,
        seen,
    );
    let sigs = s.signatures(&a, &[&rotated, &v[1], &v[2]]);
    done(s.submit(who::user(9), &a, &sigs));
    // Only the verifier removes its own key while bonded (every other account of the suite
    // is refused); anyone once it is not.
    for caller in everyone(&s).into_iter().chain(v.iter().map(|x| x.account)) {
        if caller != v[1].account {
            refused(
                s.remove_key(caller, v[1].account).value,
                AttestationError::StillBonded,
                seen,
            );
        }
    }
    done(s.remove_key(v[2].account, v[2].account));
    done(s.unbond(v[1].account, Role::Verifier, VERIFIER_BOND));
    done(s.remove_key(who::user(7), v[1].account));
    refused(
        s.remove_key(who::user(7), v[1].account).value,
        AttestationError::NotRegistered,
        seen,
    );
    assert_eq!(s.registered(), 2);
    assert_eq!(s.key_of(v[1].account), None);
}

#[test]
fn keys_are_registered_by_bonded_holders_rotated_and_removed() {
    registration(&mut Seen::new());
}

fn wiring_failures(seen: &mut Seen) {
    let (mut s, v) = setup();
    // A second registry wired into neither bonding nor reputation.
    let unwired = s.deploy_attestations(s.bonding);
    let main = std::mem::replace(&mut s.attestations, unwired);
    for x in &v[..2] {
        done(s.register(x));
    }
    let (batch, bad) = fraudulent(50, &[Kind::HashChain], 20);
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let proof = batch.proof(bad[0].1).expect("proof");
    refused(
        s.challenge(
            who::user(7),
            id,
            &batch.items[bad[0].1 as usize],
            bad[0].1,
            &proof.path,
        )
        .value,
        AttestationError::Bonding(BondingError::NotReporter),
        seen,
    );
    s.chain.advance(WINDOW);
    refused(
        s.finalize(who::user(7), id).value,
        AttestationError::Reputation(ReputationError::NotWriter),
        seen,
    );
    s.attestations = main;

    // A registry pointed at an account that is not a bonding contract.
    let broken = s.deploy_attestations(account(77));
    let main = std::mem::replace(&mut s.attestations, broken);
    refused(s.register(&v[0]).value, AttestationError::CallFailed, seen);
    s.attestations = main;

    // Inconsistent parameters are refused at instantiation.
    let wasm = bundle(BundleProvider::Attestations).wasm;
    for params in [
        AttestParams {
            epoch_blocks: 0,
            ..DEFAULT_PARAMS
        },
        AttestParams {
            threshold_ppb: 1_000_000_001,
            ..DEFAULT_PARAMS
        },
        AttestParams {
            min_signers: 0,
            ..DEFAULT_PARAMS
        },
        AttestParams {
            max_signers: 65,
            ..DEFAULT_PARAMS
        },
    ] {
        let data = call_data(selector::NEW, (s.bonding, s.reputation, params));
        let result = s
            .chain
            .deploy_fallible::<AttestationError>(&wasm, who::admin(), data, vec![2])
            .expect("deploy");
        refused(
            result.map(|c| c.value),
            AttestationError::InvalidParams,
            seen,
        );
    }
}

#[test]
fn missing_wiring_and_broken_calls_are_typed_errors() {
    wiring_failures(&mut Seen::new());
}

#[test]
fn every_error_variant_is_reached() {
    let mut seen = Seen::new();
    submit_refusals(&mut seen);
    fraud_proofs(&mut seen);
    contests(&mut seen);
    finalisation(&mut seen);
    registration(&mut seen);
    wiring_failures(&mut seen);
    assert_eq!(seen.len(), ALL_VARIANTS, "reached: {seen:?}");
}

#[test]
fn submit_costs_the_same_for_ten_and_ten_thousand_items() {
    let (mut s, v) = setup();
    let mut gas = Vec::new();
    for (seed, n) in [(60, 10), (61, 10_000)] {
        let batch = honest(seed, &[Kind::HashChain], 0.0, n);
        let a = batch.attestation(s.current_epoch(), Regime::Permanent);
        let sigs = s.signatures(&a, &[&v[0], &v[1]]);
        gas.push(done(s.submit(who::user(9), &a, &sigs)).gas);
    }
    assert_eq!(gas[0].ref_time(), gas[1].ref_time());
    assert_eq!(gas[0].proof_size(), gas[1].proof_size());
}
