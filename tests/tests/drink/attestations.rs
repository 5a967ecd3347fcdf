//! The attestation registry on the compiled contracts, fed by the off-chain verifier's own
//! code (batch tree, co-signatures, proofs): stake-weighted acceptance and shares, every way a
//! submission is wrong, fraud proofs (false items and false counts), contests decided before a
//! deadline, data requests answered or not, finality, keys and their weights.

use attestations::{
    AttestationError, ContestResolved, Contested, DataWithheld, Finalized, FraudProven,
    ItemAnswered, ItemRequested, Params, Status, Submitted, DEFAULT_PARAMS, MAX_OPEN_REQUESTS,
};
use bonding::{SlashReported, SlashSettled, ONE_DYN};
use dynamis_proofs::{Attestation, Item, Kind, Regime, Verdict};
use dynamis_shared::{
    BondingError, PSP22Error, PowerFluxError, ReputationError, Role, SlashClass, DAY,
};
use power_flux::{EpochClosed, PowerSpent, CATCH_UP};
use dynamis_tests::{
    account, all, AccountId,
    attest::{AttResult, Verifier, VERIFIER_BOND},
    bundle, call_data, only,
    suite::{done, everyone, selector, who, Suite},
    BundleProvider,
};
use dynamis_verifier::{batch::canonical_order, gen::Generator, Batch};
use std::collections::BTreeSet;

const WINDOW: u32 = DEFAULT_PARAMS.challenge_window_blocks;
const EPOCH: u32 = DEFAULT_PARAMS.epoch_blocks;
const ANSWER: u32 = DEFAULT_PARAMS.answer_window_blocks;
const DECIDE: u32 = DEFAULT_PARAMS.decide_window_blocks;

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
        NotGovernance => "NotGovernance",
        ParamOutOfBounds => "ParamOutOfBounds",
        InvalidBounds => "InvalidBounds",
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
        NoFraud => "NoFraud",
        NotCheckableOnChain => "NotCheckableOnChain",
        CheckableOnChain => "CheckableOnChain",
        NotVerifier => "NotVerifier",
        NotContested => "NotContested",
        NotResolver => "NotResolver",
        DecisionClosed => "DecisionClosed",
        DecisionOpen => "DecisionOpen",
        IndexOutOfRange => "IndexOutOfRange",
        AlreadyRequested => "AlreadyRequested",
        TooManyRequests => "TooManyRequests",
        NoRequest => "NoRequest",
        AnswerClosed => "AnswerClosed",
        AnswerOpen => "AnswerOpen",
        WrongSlot => "WrongSlot",
        RequestsOpen => "RequestsOpen",
        // Only a broken accounting state reaches it: the registry's unit test
        // `a_total_below_zero_reverts_instead_of_saturating` does.
        Arithmetic => "Arithmetic",
        Token(_) => "Token",
        Bonding(_) => "Bonding",
        Reputation(_) => "Reputation",
        Power(_) => "Power",
        CallFailed => "CallFailed",
    }
}

/// Every variant but `Arithmetic` (see above) is reached on the compiled contract.
const REACHED_ON_CHAIN: usize = 46;

/// A verified batch of generated items (a `bad` share of them bad) with honest verdicts, in
/// the canonical order.
fn honest(seed: u64, kinds: &[Kind], bad: f64, n: u64) -> Batch {
    let made = Generator::new(seed, kinds, bad).items(0..n, &|| {});
    Batch::verify(made.into_iter().map(|(i, _)| i).collect())
}

/// A batch whose bad items are all marked valid (in kind order, as valid items stand), and
/// the index of one bad item per kind.
fn fraudulent(seed: u64, kinds: &[Kind], n: u64) -> (Batch, Vec<(Kind, u64)>) {
    let made = Generator::new(seed, kinds, 0.3).items(0..n, &|| {});
    let items: Vec<Item> = made.iter().map(|(i, _)| i.clone()).collect();
    let verdicts = vec![Verdict::Valid; items.len()];
    let order = canonical_order(&items, &verdicts);
    let items: Vec<Item> = order.iter().map(|&i| items[i].clone()).collect();
    let mut bad_of_kind = Vec::new();
    for (position, &input) in order.iter().enumerate() {
        let kind = items[position].kind();
        if made[input].1 && !bad_of_kind.iter().any(|(k, _)| *k == kind) {
            bad_of_kind.push((kind, position as u64));
        }
    }
    (Batch::with_verdicts(items, verdicts), bad_of_kind)
}

fn setup() -> (Suite, Vec<Verifier>) {
    let mut s = Suite::new();
    let v = s.verifiers(3);
    (s, v)
}

/// Submits `batch`'s attestation for the current epoch signed by `signers`; returns its id.
fn attested(s: &mut Suite, batch: &Batch, signers: &[&Verifier]) -> (u64, Attestation) {
    let attestation = batch.attestation(s.current_epoch(), Regime::Anchored);
    let sigs = s.signatures(&attestation, signers);
    let id = done(s.submit(who::user(9), &attestation, &sigs)).value;
    (id, attestation)
}

#[test]
fn a_stake_weighted_attestation_is_accepted_and_credited_in_shares() {
    let (mut s, v) = setup();
    assert_eq!(s.registered(), 3);
    assert_eq!(s.total_weight(), 3 * VERIFIER_BOND);
    // ⌈2/3 of the stake⌉: two of three equal stakes carry it, one does not.
    let need = s.required_weight();
    assert_eq!(need, (3 * VERIFIER_BOND * 666_666_666).div_ceil(1_000_000_000));
    assert!(2 * VERIFIER_BOND >= need && VERIFIER_BOND < need);
    let batch = honest(1, &[], 0.05, 200);
    let attestation = batch.attestation(s.current_epoch(), Regime::Anchored);
    let sigs = s.signatures(&attestation, &[&v[0], &v[1]]);
    let called = done(s.submit(who::user(9), &attestation, &sigs));
    let id = called.value;
    let event: Submitted = only(&called.events);
    assert_eq!((event.id, event.root, event.items), (id, batch.root(), 200));
    assert_eq!(event.signers, vec![v[0].account, v[1].account]);
    assert_eq!(event.weight, 2 * VERIFIER_BOND);
    assert_eq!(event.challenge_until, s.chain.block() + WINDOW);
    // The capacity is the contract's own sum of the counts, the same as the verifier's.
    let units = batch.capacity();
    assert_eq!(event.capacity, units);
    assert_eq!(attestation.capacity(), Some(units));
    let record = s.attestation(id).expect("recorded");
    assert_eq!(record.status, Status::Pending);
    assert_eq!((record.valid, record.capacity), (batch.valid_per_kind(), units));
    assert_eq!(record.regime(), Regime::Anchored);
    // Each co-signer is credited its share at once (the first the odd unit), readable only
    // once the epoch is final.
    let epoch = attestation.epoch;
    let (first, second) = (units.div_ceil(2), units / 2);
    let shares = [
        s.credited(v[0].account, epoch, Regime::Anchored),
        s.credited(v[1].account, epoch, Regime::Anchored),
        s.credited(v[2].account, epoch, Regime::Anchored),
    ];
    assert_eq!(shares, [u128::from(first), u128::from(second), 0]);
    assert_eq!(s.capacity(v[0].account, epoch, Regime::Anchored), None);
    assert_eq!(s.epoch_capacity(epoch), None);
    s.close_epoch(epoch);
    assert!(s.is_final(epoch));
    assert_eq!(
        s.capacity(v[0].account, epoch, Regime::Anchored),
        Some(u128::from(first))
    );
    assert_eq!(s.capacity(v[0].account, epoch, Regime::Session), Some(0));
    assert_eq!(s.epoch_capacity(epoch), Some(u128::from(units)));
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
    for (bad, expected) in [
        (
            Attestation {
                items: 0,
                valid: [0; 5],
                ..a.clone()
            },
            AttestationError::EmptyBatch,
        ),
        (
            Attestation {
                valid: [a.items, 0, 0, 1, 0],
                ..a.clone()
            },
            AttestationError::InconsistentCounts,
        ),
        (
            // Counts whose capacity overflows.
            Attestation {
                items: u64::MAX,
                valid: [0, 0, u64::MAX / 2 + 1, 0, 0],
                ..a.clone()
            },
            AttestationError::InconsistentCounts,
        ),
        (
            Attestation {
                epoch: epoch + 1,
                ..a.clone()
            },
            AttestationError::FutureEpoch,
        ),
    ] {
        let sigs = s.signatures(&bad, &[&v[0], &v[1]]);
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

/// `challenger` proves attestation `id` false at `index` of `batch`; checks the rejection,
/// the shares taken back and every co-signer's 10 % reserved for the challenger.
fn prove(s: &mut Suite, v: &[Verifier], id: u64, batch: &Batch, index: u64) -> FraudProven {
    let challenger = who::user(7);
    let proof = batch.proof(index).expect("proof");
    let item = batch.items[index as usize].clone();
    let record = s.attestation(id).expect("record");
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
    assert_eq!(slashes.len(), 2);
    for (slash, (signer, before)) in slashes.iter().zip(v[..2].iter().zip(stakes_before)) {
        assert_eq!(slash.offender, signer.account);
        assert_eq!(slash.class, SlashClass::AttestationFailure);
        assert_eq!(slash.beneficiary, challenger);
        assert_eq!(slash.evidence, fraud.evidence);
        assert_eq!(
            s.stake(signer.account, Role::Verifier).active,
            before - before / 10
        );
        assert_eq!(s.credited(signer.account, record.epoch, record.regime()), 0);
    }
    assert_eq!(s.attestation(id).expect("record").status, Status::Rejected);
    assert_eq!(s.epoch_totals(record.epoch).capacity, 0);
    fraud
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
        let good_item = batch.items[good as usize].clone();
        refused(
            s.challenge(challenger, id, &good_item, good, &good_proof.path)
                .value,
            AttestationError::NoFraud,
            seen,
        );
        // The false item at a wrong index, or with a wrong path, is not in the batch.
        refused(
            s.challenge(challenger, id, &item, index ^ 1, &proof.path)
                .value,
            AttestationError::InvalidProof,
            seen,
        );
        prove(&mut s, &v, id, &batch, index);
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
        let first = s.next_slash() - 2;
        s.chain.advance(window);
        let paid_before = s.balance(challenger);
        let mut reward = 0;
        for slash in first..first + 2 {
            let settled: SlashSettled = only(&done(s.settle(who::user(8), slash)).events);
            assert_eq!(settled.beneficiary, challenger);
            reward += settled.reward;
        }
        assert_eq!(s.balance(challenger), paid_before + reward);
        assert!(reward > 0);
        // Top the co-signers back up for the next round.
        s.top_up(&v[..2]);
    }
    // A signature item the chain cannot check is not proven but contested.
    let (batch, bad) = fraudulent(13, &[Kind::Ed25519], 20);
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let index = bad[0].1;
    let proof = batch.proof(index).expect("proof");
    refused(
        s.challenge(challenger, id, &batch.items[index as usize], index, &proof.path)
            .value,
        AttestationError::NotCheckableOnChain,
        seen,
    );
}

/// The off-chain verifier's verdicts on the kinds the chain can check are the compiled
/// contract's: every item `Batch::verify` marks valid or invalid stands against a challenge of
/// an honest attestation, and every item it marks invalid, attested alone as valid, is proven
/// false on-chain.
#[test]
fn the_verifiers_verdicts_on_hash_checkable_items_are_the_chains() {
    let (mut s, v) = setup();
    let challenger = who::user(7);
    let made = Generator::new(21, &[Kind::Ecdsa, Kind::Inclusion, Kind::HashChain], 0.3)
        .items(0..30, &|| {});
    let batch = Batch::verify(made.into_iter().map(|(i, _)| i).collect());
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let mut invalid = Vec::new();
    for index in 0..batch.len() {
        let item = batch.items[index as usize].clone();
        let proof = batch.proof(index).expect("proof");
        assert_eq!(
            s.challenge(challenger, id, &item, index, &proof.path).value,
            Err(AttestationError::NoFraud),
            "item {index}, {:?}",
            batch.verdicts[index as usize]
        );
        if batch.verdicts[index as usize] == Verdict::Invalid {
            invalid.push(item);
        }
    }
    assert!(invalid.len() >= 5, "{} invalid", invalid.len());
    assert_eq!(s.attestation(id).expect("record").status, Status::Pending);
    for item in invalid {
        let lie = Batch::with_verdicts(vec![item.clone()], vec![Verdict::Valid]);
        let (lie_id, _) = attested(&mut s, &lie, &[&v[0], &v[1]]);
        let proof = lie.proof(0).expect("proof");
        let called = done(s.challenge(challenger, lie_id, &item, 0, &proof.path));
        let fraud: FraudProven = only(&called.events);
        assert_eq!((fraud.id, fraud.index), (lie_id, 0));
        assert_eq!(
            s.attestation(lie_id).expect("record").status,
            Status::Rejected
        );
        s.top_up(&v[..2]);
    }
}

#[test]
fn a_false_hash_checkable_item_marked_valid_is_proven_and_every_co_signer_slashed() {
    fraud_proofs(&mut Seen::new());
}

/// One leaf proves false counts: an item of one kind where the counts say another kind
/// stands, an item marked invalid inside the valid items, one marked valid past them.
#[test]
fn one_leaf_where_the_counts_say_another_must_stand_proves_the_counts_false() {
    let (mut s, v) = setup();
    // Four valid ed25519 items claimed as ECDSA: twice the capacity.
    let batch = honest(14, &[Kind::Ed25519], 0.0, 4);
    let mut claim = batch.attestation(s.current_epoch(), Regime::Anchored);
    claim.valid = [0, 0, 4, 0, 0];
    assert_eq!(claim.capacity(), Some(8));
    let sigs = s.signatures(&claim, &[&v[0], &v[1]]);
    let id = done(s.submit(who::user(9), &claim, &sigs)).value;
    prove(&mut s, &v, id, &batch, 0);
    s.top_up(&v[..2]);
    // An invalid item counted as valid: it stands marked invalid where a valid one must.
    let batch = honest(15, &[Kind::HashChain], 0.5, 12);
    let valid = batch.valid_per_kind()[Kind::HashChain.index()];
    assert!(valid > 0 && valid < 12);
    let mut claim = batch.attestation(s.current_epoch(), Regime::Anchored);
    claim.valid[Kind::HashChain.index()] = valid + 1;
    let sigs = s.signatures(&claim, &[&v[0], &v[1]]);
    let id = done(s.submit(who::user(9), &claim, &sigs)).value;
    prove(&mut s, &v, id, &batch, valid);
    s.top_up(&v[..2]);
    // A valid item left out of the counts: it stands marked valid in the invalid tail.
    let batch = honest(16, &[Kind::Inclusion], 0.0, 6);
    let mut claim = batch.attestation(s.current_epoch(), Regime::Anchored);
    claim.valid = [0, 0, 0, 5, 0];
    let sigs = s.signatures(&claim, &[&v[0], &v[1]]);
    let id = done(s.submit(who::user(9), &claim, &sigs)).value;
    prove(&mut s, &v, id, &batch, 5);
}

fn contests(seen: &mut Seen) {
    let (mut s, v) = setup();
    let (batch, bad) = fraudulent(20, &[Kind::Ed25519, Kind::Sr25519], 40);
    let (id, a) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let (_, index) = bad[0];
    let proof = batch.proof(index).expect("proof");
    let item = &batch.items[index as usize];
    let deposit = DEFAULT_PARAMS.contest_deposit;
    // Only a registered verifier with its bond at the floor contests.
    refused(
        s.contest(who::user(7), id, item, index, &proof.path).value,
        AttestationError::NotVerifier,
        seen,
    );
    // v[2] contests; without an allowance the token refuses the deposit.
    let c = v[2].account;
    refused(
        s.contest(c, id, item, index, &proof.path).value,
        AttestationError::Token(PSP22Error::InsufficientAllowance),
        seen,
    );
    s.allow_attestations(c, 3 * deposit);
    // An item the chain can check is proven, not contested.
    let (checkable, bad2) = fraudulent(21, &[Kind::HashChain], 10);
    let (other, _) = attested(&mut s, &checkable, &[&v[0], &v[1]]);
    let p2 = checkable.proof(bad2[0].1).expect("proof");
    refused(
        s.contest(c, other, &checkable.items[bad2[0].1 as usize], bad2[0].1, &p2.path)
            .value,
        AttestationError::CheckableOnChain,
        seen,
    );
    refused(
        s.resolve_contest(who::resolver(), id, true).value,
        AttestationError::NotContested,
        seen,
    );
    let stakes: Vec<u128> = v[..2]
        .iter()
        .map(|x| s.stake(x.account, Role::Verifier).active)
        .collect();
    let held = s.balance(c);
    let called = done(s.contest(c, id, item, index, &proof.path));
    let contested: Contested = only(&called.events);
    assert_eq!(
        (contested.id, contested.challenger, contested.deposit),
        (id, c, deposit)
    );
    assert_eq!(contested.decide_until, s.chain.block() + DECIDE);
    assert_eq!(s.balance(c), held - deposit);
    // Nothing is reserved from anyone before the resolver decides, and the epoch waits.
    let now: Vec<u128> = v[..2]
        .iter()
        .map(|x| s.stake(x.account, Role::Verifier).active)
        .collect();
    assert_eq!(now, stakes);
    assert!(all::<SlashReported>(&called.events).is_empty());
    assert_eq!(s.attestation(id).expect("record").status, Status::Contested);
    assert_eq!(s.epoch_totals(a.epoch).open_disputes, 1);
    refused(
        s.finalize(who::user(7), id).value,
        AttestationError::NotPending,
        seen,
    );
    for caller in everyone(&s)
        .into_iter()
        .filter(|x| *x != who::resolver())
    {
        refused(
            s.resolve_contest(caller, id, true).value,
            AttestationError::NotResolver,
            seen,
        );
    }
    // Upheld: rejected, every co-signer's 10 % reserved for the contester, deposit back.
    let credited = s.credited(v[0].account, a.epoch, Regime::Anchored);
    let share = s.attestation(id).expect("record").capacity.div_ceil(2);
    let called = done(s.resolve_contest(who::resolver(), id, true));
    let resolved: ContestResolved = only(&called.events);
    assert!(resolved.upheld && !resolved.by_default);
    let slashes: Vec<SlashReported> = all(&called.events);
    assert_eq!(
        slashes.iter().map(|x| (x.offender, x.beneficiary)).collect::<Vec<_>>(),
        vec![(v[0].account, c), (v[1].account, c)]
    );
    assert_eq!(s.balance(c), held);
    assert_eq!(s.attestation(id).expect("record").status, Status::Rejected);
    assert_eq!(s.epoch_totals(a.epoch).open_disputes, 0);
    assert_eq!(
        s.credited(v[0].account, a.epoch, Regime::Anchored),
        credited - u128::from(share)
    );
    s.top_up(&v[..2]);

    // Not upheld: back on its path to final, the deposit burned.
    let (batch, bad) = fraudulent(22, &[Kind::Sr25519], 10);
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let index = bad[0].1;
    let proof = batch.proof(index).expect("proof");
    let item = batch.items[index as usize].clone();
    done(s.contest(c, id, &item, index, &proof.path));
    let supply = s.supply();
    let called = done(s.resolve_contest(who::resolver(), id, false));
    let resolved: ContestResolved = only(&called.events);
    assert!(!resolved.upheld && !resolved.by_default);
    assert_eq!(s.supply(), supply - deposit);
    assert_eq!(s.attestation(id).expect("record").status, Status::Pending);
    s.chain.advance(WINDOW);
    done(s.finalize(who::user(7), id));

    // Undecided by the deadline: the default. Until anyone applies it the contest stays open
    // and holds its epoch back; then the attestation stands and the deposit returns.
    let epoch = s.current_epoch();
    let (batch, bad) = fraudulent(23, &[Kind::Ed25519], 10);
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let index = bad[0].1;
    let proof = batch.proof(index).expect("proof");
    let item = batch.items[index as usize].clone();
    done(s.contest(c, id, &item, index, &proof.path));
    s.chain.advance(DECIDE - 1);
    refused(
        s.expire_contest(who::user(5), id).value,
        AttestationError::DecisionOpen,
        seen,
    );
    s.close_epoch(epoch);
    assert!(!s.is_final(epoch), "an open contest holds the epoch back");
    refused(
        s.resolve_contest(who::resolver(), id, true).value,
        AttestationError::DecisionClosed,
        seen,
    );
    let held = s.balance(c);
    let called = done(s.expire_contest(who::user(5), id));
    let resolved: ContestResolved = only(&called.events);
    assert!(!resolved.upheld && resolved.by_default);
    assert_eq!(s.balance(c), held + deposit);
    assert_eq!(s.attestation(id).expect("record").status, Status::Pending);
    assert!(s.is_final(epoch));
    // Its window is over: it can only be finalised now, and no one was slashed.
    refused(
        s.contest(c, id, &item, index, &proof.path).value,
        AttestationError::WindowClosed,
        seen,
    );
    done(s.finalize(who::user(7), id));
}

#[test]
fn a_contest_costs_a_bond_and_a_deposit_and_the_resolver_decides_by_a_deadline() {
    contests(&mut Seen::new());
}

fn data_requests(seen: &mut Seen) {
    let (mut s, v) = setup();
    let batch = honest(30, &[], 0.2, 24);
    let (id, a) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let r = who::user(6);
    let deposit = DEFAULT_PARAMS.request_deposit;
    s.allow_attestations(r, 20 * deposit);
    refused(
        s.request_item(r, id, batch.len()).value,
        AttestationError::IndexOutOfRange,
        seen,
    );
    let called = done(s.request_item(r, id, 3));
    let requested: ItemRequested = only(&called.events);
    assert_eq!((requested.index, requested.deposit), (3, deposit));
    assert_eq!(requested.answer_until, s.chain.block() + ANSWER);
    refused(
        s.request_item(r, id, 3).value,
        AttestationError::AlreadyRequested,
        seen,
    );
    refused(
        s.claim_unanswered(who::user(5), id, 3).value,
        AttestationError::AnswerOpen,
        seen,
    );
    // Answers: a wrong path, the item with the wrong verdict, then the item where it stands.
    let proof = batch.proof(3).expect("proof");
    let item = batch.items[3].clone();
    let valid = proof.valid;
    refused(
        s.answer(v[0].account, id, 3, &item, valid, &batch.proof(4).expect("p").path)
            .value,
        AttestationError::InvalidProof,
        seen,
    );
    // The item with the other verdict is not what stands there.
    refused(
        s.answer(v[0].account, id, 3, &item, !valid, &proof.path).value,
        AttestationError::WrongSlot,
        seen,
    );
    let supply = s.supply();
    let called = done(s.answer(v[0].account, id, 3, &item, valid, &proof.path));
    let answered: ItemAnswered = only(&called.events);
    assert_eq!((answered.index, answered.valid), (3, valid));
    assert_eq!(s.supply(), supply - deposit, "an answered request's deposit burns");
    refused(
        s.answer(v[0].account, id, 3, &item, valid, &proof.path).value,
        AttestationError::NoRequest,
        seen,
    );
    // At most eight open at once.
    for index in 0..u64::from(MAX_OPEN_REQUESTS) {
        done(s.request_item(r, id, 10 + index));
    }
    refused(
        s.request_item(r, id, 9).value,
        AttestationError::TooManyRequests,
        seen,
    );
    // Open requests hold finalisation and the epoch back.
    s.chain.advance(WINDOW);
    refused(
        s.finalize(who::user(7), id).value,
        AttestationError::RequestsOpen,
        seen,
    );
    s.close_epoch(a.epoch);
    assert!(!s.is_final(a.epoch));
    // The answer period is over: too late to answer, time to claim.
    let p10 = batch.proof(10).expect("proof");
    refused(
        s.answer(v[0].account, id, 10, &batch.items[10], p10.valid, &p10.path)
            .value,
        AttestationError::AnswerClosed,
        seen,
    );
    let held = s.balance(r);
    let called = done(s.claim_unanswered(who::user(5), id, 10));
    let withheld: DataWithheld = only(&called.events);
    assert_eq!((withheld.index, withheld.challenger), (10, r));
    let slashes: Vec<SlashReported> = all(&called.events);
    assert_eq!(
        slashes.iter().map(|x| (x.offender, x.beneficiary)).collect::<Vec<_>>(),
        vec![(v[0].account, r), (v[1].account, r)]
    );
    // Every open request refunded; the attestation rejected; the epoch final.
    assert_eq!(s.balance(r), held + u128::from(MAX_OPEN_REQUESTS) * deposit);
    assert_eq!(s.attestation(id).expect("record").status, Status::Rejected);
    assert!(s.is_final(a.epoch));
    assert_eq!(s.epoch_capacity(a.epoch), Some(0));
    refused(
        s.claim_unanswered(who::user(5), id, 11).value,
        AttestationError::NoRequest,
        seen,
    );
    refused(
        s.request_item(r, id, 1).value,
        AttestationError::NotPending,
        seen,
    );
    // Counts that lie cannot be answered: the true leaf is not where they say it stands.
    s.top_up(&v[..2]);
    let batch = honest(33, &[Kind::Ed25519], 0.0, 4);
    let mut claim = batch.attestation(s.current_epoch(), Regime::Anchored);
    claim.valid = [0, 4, 0, 0, 0];
    let sigs = s.signatures(&claim, &[&v[0], &v[1]]);
    let id = done(s.submit(who::user(9), &claim, &sigs)).value;
    done(s.request_item(r, id, 2));
    let proof = batch.proof(2).expect("proof");
    refused(
        s.answer(v[0].account, id, 2, &batch.items[2], true, &proof.path)
            .value,
        AttestationError::WrongSlot,
        seen,
    );
}

#[test]
fn data_requests_are_answered_with_the_item_or_reject_the_attestation() {
    data_requests(&mut Seen::new());
}

/// A batch of one item: its leaf is the root, and a request for it must be answered too.
#[test]
fn withheld_data_is_challenged_and_an_unanswered_request_rejects() {
    let (mut s, v) = setup();
    let batch = honest(31, &[Kind::Ecdsa], 0.0, 1);
    assert_eq!(batch.tree.leaf(0), Some(batch.root()));
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let r = who::user(6);
    s.allow_attestations(r, 100 * ONE_DYN);
    done(s.request_item(r, id, 0));
    let claimed = s.claim_unanswered(who::user(5), id, 0).value;
    assert_eq!(claimed, Err(AttestationError::AnswerOpen));
    let proof = batch.proof(0).expect("proof");
    assert!(proof.path.is_empty());
    done(s.answer(who::user(4), id, 0, &batch.items[0], true, &proof.path));
    // Withheld: nobody answers the second request in time.
    let other = honest(32, &[Kind::Ecdsa], 0.0, 1);
    let (id, _) = attested(&mut s, &other, &[&v[0], &v[1]]);
    done(s.request_item(r, id, 0));
    s.chain.advance(ANSWER);
    done(s.claim_unanswered(who::user(5), id, 0));
    assert_eq!(s.attestation(id).expect("record").status, Status::Rejected);
}

fn finalisation(seen: &mut Seen) {
    let (mut s, v) = setup();
    let batch = honest(40, &[], 0.1, 120);
    let (id, a) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let (second, _) = attested(&mut s, &honest(41, &[], 0.0, 8), &[&v[1], &v[2]]);
    let score_before = s.score(v[0].account);
    s.chain.advance(WINDOW - 1);
    refused(
        s.finalize(who::user(7), id).value,
        AttestationError::WindowOpen,
        seen,
    );
    s.chain.advance(1);
    let called = done(s.finalize(who::user(7), id));
    let event: Finalized = only(&called.events);
    assert_eq!((event.id, event.capacity), (id, batch.capacity()));
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
    // Past its window, the second can no longer be challenged; it is never finalised, and
    // its capacity counts all the same once the epoch is final.
    let b2 = honest(41, &[], 0.0, 8);
    let proof = b2.proof(0).expect("proof");
    refused(
        s.challenge(who::user(7), second, &b2.items[0], 0, &proof.path)
            .value,
        AttestationError::WindowClosed,
        seen,
    );
    s.close_epoch(a.epoch);
    let totals = s.epoch_totals(a.epoch);
    assert_eq!(
        (totals.attestations, totals.items, totals.open_disputes),
        (2, batch.len() + 8, 0)
    );
    assert_eq!(
        s.epoch_capacity(a.epoch),
        Some(u128::from(batch.capacity() + b2.capacity()))
    );
    assert_eq!(s.attestation(second).expect("record").status, Status::Pending);
}

/// Every co-signer of a final attestation is reported to Power/Flux with the work the
/// registry saw, and nothing before: compute of the batch's items, performance one, validity
/// valid ÷ items. 200 items: A = 0.15 × 200 ∕ 10⁶ = 3·10⁻⁵, so ΔP = 10,000 Power × A = 0.3 Power
/// (300,000 µPower); Q = 0.4 + 0.4 × valid ∕ 200 + 0.2 × score ∕ 10⁶; Flux = κ × ΔP × Q with
/// κ = 10¹² base units per µPower.
///
/// Then the attacks on it. A stranger finalises at the very block Power/Flux's epoch ends,
/// before anyone closed it: the report closes the ended epochs itself (in the same
/// transaction) and books the work to the new one, so no timing makes a co-signer lose its
/// Power. After more than `CATCH_UP` ended epochs no one closed, finalising is refused
/// (`Power(EpochNotClosed)`) and the attestation waits, pending, until anyone closes the
/// backlog; then it goes final with its reports.
fn power_reports(seen: &mut Seen) {
    let (mut s, v) = setup();
    let batch = honest(50, &[], 0.1, 200);
    let valid: u64 = batch.valid_per_kind().iter().sum();
    let (id, _) = attested(&mut s, &batch, &[&v[0], &v[1]]);
    let (late, _) = attested(&mut s, &honest(51, &[], 0.0, 64), &[&v[1], &v[2]]);
    assert_eq!(s.flux_meter(v[0].account).p_used, 0);
    // The first block of Power/Flux's next epoch at or after the window's end.
    let due = s.chain.block() + WINDOW;
    let boundary = due.div_ceil(DAY) * DAY;
    assert!(boundary / DAY <= CATCH_UP, "{boundary}");
    let now = s.chain.block();
    s.chain.advance(boundary - now);
    assert_eq!(s.flux_epoch(), 0);
    let called = done(s.finalize(who::user(7), id));
    let closed: Vec<EpochClosed> = all(&called.events);
    assert_eq!(closed.len(), usize::try_from(boundary / DAY).unwrap_or(0));
    assert_eq!(s.flux_epoch(), boundary / DAY);
    let spent: Vec<PowerSpent> = all(&called.events);
    assert_eq!(spent.len(), 2);
    for (event, signer) in spent.iter().zip(&v[..2]) {
        let score = u128::from(s.score(signer.account));
        let q = 400_000_000 + u128::from(valid) * 2_000_000 + score * 200;
        assert_eq!(
            (event.id, event.reporter, event.epoch, event.power),
            (signer.account, s.attestations, boundary / DAY, 300_000)
        );
        assert_eq!(event.flux, 300_000_000 * q);
        assert_eq!(s.flux_balance(signer.account), event.flux);
        assert_eq!(s.flux_meter(signer.account).p_used, 300_000);
    }
    // The third verifier signed nothing final: no Power spent, no Flux.
    assert_eq!(s.flux_meter(v[2].account).p_used, 0);

    // A backlog of CATCH_UP + 1 ended epochs that no one closed.
    s.chain.advance((CATCH_UP + 1) * DAY);
    refused(
        s.finalize(who::user(7), late).value,
        AttestationError::Power(PowerFluxError::EpochNotClosed),
        seen,
    );
    assert_eq!(s.attestation(late).expect("record").status, Status::Pending);
    done(s.close_flux_epoch(who::user(8)));
    let called = done(s.finalize(who::user(7), late));
    assert_eq!(all::<PowerSpent>(&called.events).len(), 2);
    let closes = usize::try_from(CATCH_UP).unwrap_or(0);
    assert_eq!(all::<EpochClosed>(&called.events).len(), closes);
    assert_eq!(s.attestation(late).expect("record").status, Status::Final);
    // 64 items each: 0.15 × 64 ∕ 10⁶ of 10,000 Power = 96,000 µPower.
    assert_eq!(s.flux_meter(v[2].account).p_used, 96_000);
}

#[test]
fn final_attestations_report_their_co_signers_work_and_no_timing_loses_it() {
    power_reports(&mut Seen::new());
}

#[test]
fn capacity_counts_from_submission_and_is_read_once_the_epoch_is_final() {
    finalisation(&mut Seen::new());
}

/// An epoch is final once its submissions, windows and answer periods are over: with time,
/// whatever anyone calls or does not call; an open dispute holds it until it is closed.
#[test]
fn epochs_become_final_with_time_and_open_disputes_delay_them() {
    let (mut s, v) = setup();
    let epoch = s.current_epoch();
    let (id, _) = attested(&mut s, &honest(42, &[], 0.0, 10), &[&v[0], &v[1]]);
    // Submissions for the epoch are accepted through the next one; the last window and answer
    // period after that.
    let closes = s.closes_at(epoch);
    assert_eq!(closes, (epoch + 2) * EPOCH + WINDOW + ANSWER);
    let now = s.chain.block();
    s.chain.advance(closes - 1 - now);
    assert!(!s.is_final(epoch));
    assert_eq!(s.newest_closed_epoch(), epoch.checked_sub(1));
    s.chain.advance(1);
    assert!(s.is_final(epoch), "final without anyone finalising");
    assert_eq!(s.newest_closed_epoch(), Some(epoch));
    assert_eq!(s.attestation(id).expect("record").status, Status::Pending);
    // The next epoch with a request left open past its answer period: closed, not final,
    // until anyone claims it.
    let epoch = s.current_epoch();
    let (id, _) = attested(&mut s, &honest(43, &[], 0.0, 10), &[&v[0], &v[1]]);
    let r = who::user(6);
    s.allow_attestations(r, 100 * ONE_DYN);
    done(s.request_item(r, id, 2));
    s.close_epoch(epoch);
    assert_eq!(s.newest_closed_epoch(), Some(epoch));
    assert!(!s.is_final(epoch));
    done(s.claim_unanswered(who::user(1), id, 2));
    assert!(s.is_final(epoch));
}

fn registration(seen: &mut Seen) {
    let (mut s, v) = setup();
    let newcomer = Verifier::new(4);
    refused(
        s.register(&newcomer).value,
        AttestationError::NotBonded,
        seen,
    );
    s.bond_new(newcomer.account, Role::Verifier, 3 * VERIFIER_BOND);
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
    assert_eq!(s.weight_of(newcomer.account), 3 * VERIFIER_BOND);
    assert_eq!(s.total_weight(), 6 * VERIFIER_BOND);
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
    assert_eq!(s.total_weight(), 6 * VERIFIER_BOND);
    let a = honest(50, &[], 0.0, 5).attestation(s.current_epoch(), Regime::Session);
    let sigs = s.signatures(&a, &[&v[0], &newcomer]);
    refused(
        s.submit(who::user(9), &a, &sigs).value,
        AttestationError::UnknownSigner,
        seen,
    );
    // The newcomer's half of the stake and one more verifier carry two thirds.
    let sigs = s.signatures(&a, &[&rotated, &newcomer]);
    done(s.submit(who::user(9), &a, &sigs));
    // A bond that grew counts once synced; one that fell below the floor removes the key.
    s.bond_new(v[1].account, Role::Verifier, VERIFIER_BOND);
    assert_eq!(s.weight_of(v[1].account), VERIFIER_BOND);
    done(s.sync_weight(who::user(3), v[1].account));
    assert_eq!(s.weight_of(v[1].account), 2 * VERIFIER_BOND);
    assert_eq!(s.total_weight(), 7 * VERIFIER_BOND);
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
    done(s.unbond(v[1].account, Role::Verifier, 2 * VERIFIER_BOND));
    done(s.sync_weight(who::user(7), v[1].account));
    refused(
        s.remove_key(who::user(7), v[1].account).value,
        AttestationError::NotRegistered,
        seen,
    );
    refused(
        s.sync_weight(who::user(7), v[1].account).value,
        AttestationError::NotRegistered,
        seen,
    );
    assert_eq!(s.registered(), 2);
    assert_eq!(s.key_of(v[1].account), None);
    assert_eq!(s.total_weight(), 4 * VERIFIER_BOND);
}

#[test]
fn keys_are_registered_by_bonded_holders_weigh_their_stake_and_are_removed() {
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
    let (batch, bad) = fraudulent(60, &[Kind::HashChain], 20);
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
        Params {
            epoch_blocks: 0,
            ..DEFAULT_PARAMS
        },
        Params {
            threshold_ppb: 1_000_000_001,
            ..DEFAULT_PARAMS
        },
        Params {
            answer_window_blocks: 0,
            ..DEFAULT_PARAMS
        },
        Params {
            contest_deposit: 0,
            ..DEFAULT_PARAMS
        },
    ] {
        let links = (
            (s.token.address, s.bonding, s.reputation),
            None::<AccountId>,
            who::governance(),
        );
        let bounds = attestations::Bounds::around(&params);
        let data = call_data(selector::NEW, (links, who::resolver(), bounds, params));
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
    let mut swapped = attestations::DEFAULT_BOUNDS;
    swapped.min.request_deposit = swapped.max.request_deposit + 1;
    let links = (
        (s.token.address, s.bonding, s.reputation),
        None::<AccountId>,
        who::governance(),
    );
    let data = call_data(
        selector::NEW,
        (links, who::resolver(), swapped, DEFAULT_PARAMS),
    );
    let result = s
        .chain
        .deploy_fallible::<AttestationError>(&wasm, who::admin(), data, vec![3])
        .expect("deploy");
    refused(
        result.map(|c| c.value),
        AttestationError::InvalidBounds,
        seen,
    );
    // The setters: governance only, inside the bounds.
    let moved = Params {
        threshold_ppb: 800_000_000,
        ..DEFAULT_PARAMS
    };
    let r: AttResult<()> = s.att_call(who::user(3), selector::SET_PARAMS, moved).value;
    refused(r, AttestationError::NotGovernance, seen);
    let faster = Params {
        challenge_window_blocks: WINDOW - 1,
        ..DEFAULT_PARAMS
    };
    let r: AttResult<()> = s
        .att_call(who::governance(), selector::SET_PARAMS, faster)
        .value;
    refused(r, AttestationError::ParamOutOfBounds, seen);
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
    data_requests(&mut seen);
    finalisation(&mut seen);
    registration(&mut seen);
    wiring_failures(&mut seen);
    power_reports(&mut seen);
    assert_eq!(seen.len(), REACHED_ON_CHAIN, "reached: {seen:?}");
    assert!(!seen.contains("Arithmetic"));
}

/// `submit` costs the same for 10, 10,000 and 1,000,000 items: its work is per signature.
/// (The co-signers sign the payload; the chain never sees the items.) For each size, one batch
/// whose signatures' `s` begin below 0x7f and one with an `s` that begins with 0x7f, the half
/// order's own first byte (a comparison that stops early would cost more there): no
/// signature's bytes change the cost either.
#[test]
fn submit_costs_the_same_for_ten_ten_thousand_and_a_million_items() {
    let (mut s, v) = setup();
    let mut gas = Vec::new();
    let mut roots = 0u32..;
    // The first attestation of an epoch and regime creates its totals and shares; the ones
    // after update them. Measured after a first.
    let sizes = [10u64].into_iter().chain([10, 10_000, 1_000_000].into_iter().flat_map(|n| [n; 2]));
    for (round, n) in sizes.enumerate() {
        let late = round % 2 == 0;
        let (a, sigs) = roots
            .by_ref()
            .map(|r| {
                let mut root = [0u8; 32];
                root[..4].copy_from_slice(&r.to_le_bytes());
                let a = Attestation {
                    epoch: s.current_epoch(),
                    root,
                    items: n,
                    valid: [0, 0, 0, 0, n],
                    regime: Regime::Permanent,
                };
                let sigs = s.signatures(&a, &[&v[0], &v[1]]);
                (a, sigs)
            })
            .find(|(_, sigs)| sigs.iter().any(|sig| sig[32] == 0x7f) == late)
            .expect("a root of each kind within the u32 range");
        let called = done(s.submit(who::user(9), &a, &sigs));
        let event: Submitted = only(&called.events);
        assert_eq!((event.items, event.capacity), (n, n));
        gas.push(called.gas);
    }
    assert_eq!(gas.len(), 7);
    let gas = &gas[1..];
    for g in &gas[1..] {
        assert_eq!(g.ref_time(), gas[0].ref_time());
        assert_eq!(g.proof_size(), gas[0].proof_size());
    }
}
