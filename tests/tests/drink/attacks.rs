//! Issue 15's findings as attacks on the compiled contracts: each test performs the attack and
//! shows that it fails to do harm. Written first against the contracts of e5334bf, where each
//! of them failed (the attack succeeded); the threat model (docs/threat-model.md) names the
//! rule each one exercises.

use attestations::{AttestationError, Status};
use bonding::{SlashReported, SlashStatus};
use dynamis_proofs::{Attestation, Kind, Regime};
use dynamis_shared::{Action, PSP22Error, Role, SlashClass};
use dynamis_tests::{
    all,
    attest::{Verifier, VERIFIER_BOND},
    mint::{MintResult, Network, EXAMPLE_BOND},
    suite::{done, who, Suite},
    AccountId,
};
use dynamis_verifier::{gen::Generator, Batch};
use mint_credits::{Failure, MintError, ProposalState, Signal, DAY, DEFAULT_PARAMS, ONE_DYN};

/// Finding 1: at the first block after an obligation epoch in which the verifier did all its
/// work, a stranger's `burn_on_drop` burns nothing; once the epoch is final, the work meets
/// the obligation.
#[test]
fn a_stranger_cannot_burn_a_credit_before_its_obligation_epoch_is_final() {
    let mut s = Suite::new();
    let (mut net, v, id) = Network::activated(&mut s);
    let first = s.credit(id).expect("credit").first_epoch;
    s.chain.advance(DAY);
    assert_eq!(s.current_epoch(), first);
    net.attest(&mut s, 4_500, Regime::Ephemeral);
    // The first block of the next epoch: the epoch's attestation is still in its window and
    // batches of it may still arrive.
    let now = s.chain.block();
    s.chain.advance((first + 1) * DAY - now);
    let locked = s.credit(id).expect("credit").locked();
    assert_eq!(
        s.burn_on_drop(who::user(7), id).value,
        Err(MintError::EpochNotFinal)
    );
    assert_eq!(s.credit(id).expect("credit").locked(), locked);
    // Once it is final, the work done is what counts.
    s.close_epoch(first);
    assert_eq!(s.capacity(v, first, Regime::Ephemeral), Some(1_500));
    assert_eq!(
        s.burn_on_drop(who::user(7), id).value,
        Err(MintError::ObligationMet)
    );
    done(s.release(who::user(7), id));
}

/// Finding 2: a batch of one item cannot claim a million capacity units. The capacity is the
/// contract's sum of the counts; counts beyond the items are refused; a size the co-signers
/// cannot back with data is rejected by a data request nobody can answer.
#[test]
fn a_one_item_attestation_cannot_claim_a_million_units() {
    let mut s = Suite::new();
    let v = s.verifiers(3);
    let made = Generator::new(1, &[Kind::Ecdsa], 0.0).items(0..1, &|| {});
    let batch = Batch::verify(made.into_iter().map(|(i, _)| i).collect());
    let honest = batch.attestation(s.current_epoch(), Regime::Ephemeral);
    assert_eq!(honest.capacity(), Some(2), "one ECDSA item is two units");
    // A million units need a million valid items: not in a batch of one.
    let inflated = Attestation {
        valid: [0, 0, 500_000, 0, 0],
        ..honest.clone()
    };
    let sigs = s.signatures(&inflated, &[&v[0], &v[1]]);
    assert_eq!(
        s.submit(who::user(9), &inflated, &sigs).value,
        Err(AttestationError::InconsistentCounts)
    );
    // A claimed size of a million over the one item's leaf: accepted, then disproven by the
    // first index anyone asks for.
    let sized = Attestation {
        items: 500_000,
        valid: [0, 0, 500_000, 0, 0],
        ..honest
    };
    let sigs = s.signatures(&sized, &[&v[0], &v[1]]);
    let id = done(s.submit(who::user(9), &sized, &sigs)).value;
    assert_eq!(s.attestation(id).expect("record").capacity, 1_000_000);
    let r = who::user(6);
    s.allow_attestations(r, 100 * ONE_DYN);
    done(s.request_item(r, id, 123_456));
    s.chain.advance(attestations::DEFAULT_PARAMS.answer_window_blocks);
    let called = done(s.claim_unanswered(who::user(5), id, 123_456));
    let slashes: Vec<SlashReported> = all(&called.events);
    assert_eq!(slashes.len(), 2);
    assert_eq!(s.attestation(id).expect("record").status, Status::Rejected);
    let epoch = s.attestation(id).expect("record").epoch;
    s.close_epoch(epoch);
    assert_eq!(s.epoch_capacity(epoch), Some(0));
    assert_eq!(s.capacity(v[0].account, epoch, Regime::Ephemeral), Some(0));
}

/// Finding 3: one network increase, co-signed by three verifiers, is minted once: each
/// co-signer's share of it, not the whole three times.
#[test]
fn one_capacity_increase_is_minted_once_not_once_per_co_signer() {
    let mut s = Suite::new();
    let mut net = Network::with_bonds(&mut s, &[EXAMPLE_BOND; 3]);
    net.also_build = net.accounts()[1..].to_vec();
    net.run_example(&mut s);
    // The network rose from 3,000 to 4,500 units an epoch: 1,500 units, once.
    let mut claimed = 0;
    for v in net.accounts() {
        assert!(s.score_to(v, 600_000));
        let id = done(s.propose(v, Signal::CapacityExpansion, v, ONE_DYN, &[])).value;
        claimed += s.proposal(id).expect("proposal").delta;
    }
    assert_eq!(claimed, 1_500);
}

/// Finding 4: a beneficiary that holds back finalisation of its earlier attestations does not
/// lower its prior maximum.
#[test]
fn holding_back_finalisation_does_not_inflate_the_delta() {
    let mut s = Suite::new();
    let bonds = [EXAMPLE_BOND, VERIFIER_BOND, VERIFIER_BOND];
    let mut net = Network::with_bonds(&mut s, &bonds);
    let v = net.verifiers[0].account;
    net.run(&mut s, 23, 3_000, v, 560_000);
    // Epochs 23–29, the prior window of the proposal: never finalised.
    for _ in 0..7 {
        net.attest_unfinalised(&mut s, 3_000, Regime::Ephemeral);
        let target = s.score(v) + 20_000;
        s.score_to(v, target);
        s.chain.advance(DAY);
    }
    net.run(&mut s, 10, 4_500, v, 0);
    net.attest(&mut s, 4_500, Regime::Ephemeral);
    assert!(s.authority(v, Action::ProposeMint));
    let id = done(s.propose(v, Signal::CapacityExpansion, v, ONE_DYN, &[])).value;
    assert_eq!(s.proposal(id).expect("proposal").delta, 500);
}

/// Finding 5: a contest costs a bond and a deposit; nothing is reserved before the resolver
/// decides; a rejected contest burns the deposit and the attestation resumes.
#[test]
fn an_unbonded_key_cannot_contest_for_free() {
    let mut s = Suite::new();
    let v = s.verifiers(4);
    let made = Generator::new(2, &[Kind::Ed25519], 0.0).items(0..8, &|| {});
    let batch = Batch::verify(made.into_iter().map(|(i, _)| i).collect());
    let a = batch.attestation(s.current_epoch(), Regime::Session);
    let sigs = s.signatures(&a, &[&v[0], &v[1], &v[2]]);
    let id = done(s.submit(who::user(9), &a, &sigs)).value;
    // Verifier 4 unbonds everything but keeps its key, then contests a valid item.
    done(s.unbond(v[3].account, Role::Verifier, VERIFIER_BOND));
    let proof = batch.proof(0).expect("proof");
    let item = batch.items[0].clone();
    assert_eq!(
        s.contest(v[3].account, id, &item, 0, &proof.path).value,
        Err(AttestationError::NotBonded)
    );
    assert_eq!(s.attestation(id).expect("record").status, Status::Pending);
    // A bonded verifier pays the deposit; the co-signers at the floor stay in the set.
    let griefer = Verifier::new(5);
    s.bond_new(griefer.account, Role::Verifier, VERIFIER_BOND);
    done(s.register(&griefer));
    assert_eq!(
        s.contest(griefer.account, id, &item, 0, &proof.path).value,
        Err(AttestationError::Token(PSP22Error::InsufficientAllowance))
    );
    let deposit = attestations::DEFAULT_PARAMS.contest_deposit;
    s.allow_attestations(griefer.account, deposit);
    done(s.contest(griefer.account, id, &item, 0, &proof.path));
    for x in &v[..3] {
        assert!(s.is_bonded(x.account, Role::Verifier));
        assert_eq!(s.stake(x.account, Role::Verifier).active, VERIFIER_BOND);
    }
    // The resolver finds the item valid: the deposit burns and the attestation resumes.
    let supply = s.supply();
    done(s.resolve_contest(who::resolver(), id, false));
    assert_eq!(s.supply(), supply - deposit);
    assert_eq!(s.balance(griefer.account), 0);
    assert_eq!(s.attestation(id).expect("record").status, Status::Pending);
    s.chain.advance(attestations::DEFAULT_PARAMS.challenge_window_blocks);
    done(s.finalize(who::user(1), id));
}

/// Finding 6: an upheld challenge of a mint proposal slashes the proposer's bond in full, and
/// the beneficiary's verifier bond when it co-signed the cited evidence.
#[test]
fn an_upheld_mint_challenge_slashes_the_proposers_bond() {
    let mut s = Suite::new();
    s.lenient_proposers();
    let bonds = [EXAMPLE_BOND, VERIFIER_BOND, VERIFIER_BOND];
    let mut net = Network::with_bonds(&mut s, &bonds);
    let (beneficiary, c) = (net.verifiers[0].account, net.verifiers[1].account);
    let proposer = who::user(3);
    net.also_build = vec![proposer];
    net.run(&mut s, 12, 3_000, beneficiary, 300_000);
    s.bond_new(proposer, Role::Sentry, 500 * ONE_DYN);
    done(s.consent(beneficiary, proposer, true));
    s.make_challenger(c);
    let cited = net.attest(&mut s, 3_000, Regime::Session);
    let epoch = s.current_epoch();
    s.close_epoch(epoch);
    net.attest(&mut s, 3_000, Regime::Ephemeral);
    let id = done(s.propose(proposer, Signal::TemporalExpansion, beneficiary, ONE_DYN, &[cited])).value;
    done(s.challenge_mint(c, id));
    let called = s.resolve_mint(who::resolver(), id, true);
    let slashes: Vec<SlashReported> = all(&called.events);
    done(called);
    let slashed: Vec<(AccountId, Role, SlashClass, u128)> = slashes
        .iter()
        .map(|x| (x.offender, x.role, x.class, x.amount))
        .collect();
    assert_eq!(
        slashed,
        vec![
            (proposer, Role::Sentry, SlashClass::Malicious, 500 * ONE_DYN),
            (beneficiary, Role::Verifier, SlashClass::Malicious, EXAMPLE_BOND),
        ]
    );
    assert!(slashes.iter().all(|x| x.beneficiary == c));
    assert_eq!(s.stake(proposer, Role::Sentry).active, 0);
}

/// Finding 7a: a front-runner that relays the leader's batch first cannot cite it.
#[test]
fn a_front_runner_cannot_cite_a_batch_it_only_relayed() {
    let mut s = Suite::new();
    s.lenient_proposers();
    let mut net = Network::new(&mut s, 3);
    let thief = who::user(3);
    net.run(&mut s, 12, 3_000, thief, 300_000);
    assert_eq!(s.phase().0, mint_credits::Phase::Conditional);
    s.bond_new(thief, Role::Verifier, 1_000 * ONE_DYN);
    // The thief submits the verifiers' co-signed permanent batch before their leader does.
    let a = net.attestation(&mut s, 1_000, Regime::Permanent);
    let signers: Vec<&Verifier> = net.verifiers.iter().collect();
    let sigs = s.signatures(&a, &signers);
    let cited = done(s.submit(thief, &a, &sigs)).value;
    assert_eq!(s.attestation(cited).expect("record").submitter, thief);
    s.close_epoch(a.epoch);
    let r = s
        .propose(thief, Signal::PermanentLiability, thief, ONE_DYN, &[cited])
        .value;
    assert_eq!(r, Err(MintError::EvidenceNotOwn));
}

/// Finding 7b: nobody names a beneficiary without its consent (and so burns its claim).
#[test]
fn a_proposer_cannot_name_a_beneficiary_without_its_consent() {
    let mut s = Suite::new();
    let mut net = Network::with_bonds(&mut s, &[EXAMPLE_BOND; 3]);
    net.also_build = net.accounts()[1..].to_vec();
    net.run_example(&mut s);
    let (victim, griefer) = (net.verifiers[1].account, net.verifiers[0].account);
    let r = s
        .propose(griefer, Signal::CapacityExpansion, victim, 1, &[])
        .value;
    assert_eq!(r, Err(MintError::NoConsent));
    assert_eq!(s.claimed(victim, Regime::Ephemeral), 0, "the victim's claim is untouched");
    // With the victim's consent the same proposal goes through.
    done(s.consent(victim, griefer, true));
    done(s.propose(griefer, Signal::CapacityExpansion, victim, 1, &[]));
    assert_eq!(s.claimed(victim, Regime::Ephemeral), 1_500);
}

/// Finding 8: one epoch's capacity does not meet the obligations of two credits at once.
#[test]
fn obligations_of_two_credits_add_up() {
    let mut s = Suite::new();
    s.lenient_proposers();
    let mut net = Network::with_bonds(&mut s, &[EXAMPLE_BOND, VERIFIER_BOND, VERIFIER_BOND]);
    let v = net.verifiers[0].account;
    net.run(&mut s, 12, 3_000, v, 300_000);
    // Two session batches: verifier 1's share of each is 1,000 units.
    let first = net.attest(&mut s, 3_000, Regime::Session);
    let second = net.attest(&mut s, 3_000, Regime::Session);
    let epoch = s.current_epoch();
    s.close_epoch(epoch);
    let mut ids = Vec::new();
    for cited in [first, second] {
        ids.push(done(s.propose(v, Signal::TemporalExpansion, v, ONE_DYN, &[cited])).value);
    }
    s.chain.advance(3 * DAY);
    for id in &ids {
        done(s.activate(who::user(1), *id));
    }
    let older = s.credit(ids[0]).expect("credit");
    let newer = s.credit(ids[1]).expect("credit");
    assert_eq!((older.required[0], newer.required[0]), (800, 1_600));
    // The beneficiary's share is 1,000 session units an epoch: one floor of 800, not two.
    for _ in 0..5 {
        s.chain.advance(DAY);
        net.attest(&mut s, 3_000, Regime::Session);
    }
    assert!(s.is_final(older.first_epoch));
    done(s.release(who::user(1), ids[0]));
    assert_eq!(
        s.release(who::user(1), ids[1]).value,
        Err(MintError::NothingToRelease)
    );
    done(s.burn_on_drop(who::user(2), ids[1]));
}

/// Finding 9a: the resolver cannot freeze a challenged proposal (and its deposit) forever.
#[test]
fn a_silent_resolver_cannot_freeze_a_challenge() {
    let mut s = Suite::new();
    let net = Network::example(&mut s);
    let (v, c) = (net.verifiers[0].account, net.verifiers[1].account);
    let id = done(s.propose(v, Signal::CapacityExpansion, v, 300 * ONE_DYN, &[])).value;
    s.make_challenger(c);
    let held = s.balance(c);
    done(s.challenge_mint(c, id));
    s.chain.advance(DEFAULT_PARAMS.decide_blocks - 1);
    assert_eq!(
        s.expire_challenge(who::user(5), id).value,
        Err(MintError::DecisionOpen)
    );
    s.chain.advance(1);
    assert_eq!(
        s.resolve_mint(who::resolver(), id, true).value,
        Err(MintError::DecisionClosed)
    );
    done(s.expire_challenge(who::user(5), id));
    assert_eq!(
        s.proposal(id).map(|p| p.state),
        Some(ProposalState::Cancelled)
    );
    assert_eq!(s.balance(c), held, "the deposit returned");
    assert_eq!(s.stake(v, Role::Verifier).active, EXAMPLE_BOND, "nobody slashed");
    assert_eq!(s.mint_totals().minted, [0; 4]);
}

/// Finding 9b: the resolver cannot freeze a disputed slash (the stake and the deposit).
#[test]
fn a_silent_resolver_cannot_freeze_a_dispute() {
    let mut s = Suite::new();
    let offender = who::user(2);
    s.bond_new(offender, Role::Verifier, 1_000 * ONE_DYN);
    let id = s.reported(offender, Role::Verifier, SlashClass::AttestationFailure);
    s.give(offender, 10 * ONE_DYN);
    s.allow(offender, 10 * ONE_DYN);
    done(s.dispute(offender, id));
    let decide = s.bond_params().decide_window_blocks;
    s.chain.advance(decide - 1);
    assert_eq!(
        s.expire_dispute(who::user(5), id).value,
        Err(dynamis_shared::BondingError::DecisionOpen)
    );
    s.chain.advance(1);
    assert_eq!(
        s.resolve(who::resolver(), id, true).value,
        Err(dynamis_shared::BondingError::DecisionClosed)
    );
    done(s.expire_dispute(who::user(5), id));
    assert_eq!(s.balance(offender), 10 * ONE_DYN, "the deposit returned");
    assert_eq!(
        s.slash(id).map(|x| x.status),
        Some(SlashStatus::DisputeRejected),
        "the slash stands"
    );
    // And settles once its window closes.
    let window = s.bond_params().dispute_window_blocks;
    s.chain.advance(window);
    done(s.settle(who::user(5), id));
}

/// Finding 9c: an archival failure cannot be reported against an ephemeral credit.
#[test]
fn an_archival_failure_cannot_burn_an_ephemeral_credit() {
    let mut s = Suite::new();
    let (_, _, id) = Network::activated(&mut s);
    let r: MintResult = s.report_failure(who::resolver(), id, Failure::Archival).value;
    assert_eq!(r, Err(MintError::NoSuchObligation));
    assert_eq!(s.credit(id).expect("credit").burned, 0);
}

/// Finding 10: a proposal left alone expires.
#[test]
fn a_proposal_left_alone_expires() {
    let mut s = Suite::new();
    let net = Network::example(&mut s);
    let v = net.verifiers[0].account;
    let id = done(s.propose(v, Signal::CapacityExpansion, v, 300 * ONE_DYN, &[])).value;
    let p = s.proposal(id).expect("proposal");
    let now = s.chain.block();
    s.chain.advance(p.activates_at + DEFAULT_PARAMS.expiry_blocks - now);
    assert_eq!(
        s.activate(who::user(1), id).value,
        Err(MintError::ProposalExpired)
    );
    done(s.expire(who::user(1), id));
    assert_eq!(s.proposal(id).map(|p| p.state), Some(ProposalState::Expired));
    assert_eq!(s.supply(), dyn_token::GENESIS_SUPPLY);
}

/// Finding 11: five keys at the bond floor cannot outvote two verifiers holding forty times
/// their stake, and cannot stall them.
#[test]
fn a_sybil_swarm_below_the_stake_threshold_cannot_attest() {
    let mut s = Suite::new();
    let honest = s.verifiers_bonded(&[10_000 * ONE_DYN; 2]);
    let swarm: Vec<Verifier> = (3..=7).map(Verifier::new).collect();
    for v in &swarm {
        s.bond_new(v.account, Role::Verifier, VERIFIER_BOND);
        done(s.register(v));
    }
    assert_eq!(s.registered(), 7);
    let a = Network::new(&mut s, 0).attestation(&mut s, 10, Regime::Ephemeral);
    let sybils: Vec<&Verifier> = swarm.iter().collect();
    let sigs = s.signatures(&a, &sybils);
    assert_eq!(
        s.submit(who::user(9), &a, &sigs).value,
        Err(AttestationError::TooFewSignatures)
    );
    // And the two holding the stake attest without them.
    let sigs = s.signatures(&a, &[&honest[0], &honest[1]]);
    done(s.submit(who::user(9), &a, &sigs));
}

/// Finding 11, stalling: a coalition that unbonds while its keys stay registered would keep
/// the total stake inflated; anyone's `sync_weight` drops it and the honest stake attests.
#[test]
fn a_coalition_that_unbonds_cannot_stall_attestation() {
    let mut s = Suite::new();
    let honest = s.verifiers_bonded(&[1_000 * ONE_DYN; 2]);
    let coalition: Vec<Verifier> = (3..=5).map(Verifier::new).collect();
    for v in &coalition {
        s.bond_new(v.account, Role::Verifier, 400 * ONE_DYN);
        done(s.register(v));
    }
    // 2,000 of 3,200: short of two thirds while the coalition's stake is bonded.
    let a = Network::new(&mut s, 0).attestation(&mut s, 10, Regime::Ephemeral);
    let sigs = s.signatures(&a, &[&honest[0], &honest[1]]);
    assert_eq!(
        s.submit(who::user(9), &a, &sigs).value,
        Err(AttestationError::TooFewSignatures)
    );
    // The coalition unbonds but keeps its keys: the registered total stays at 3,200…
    for v in &coalition {
        done(s.unbond(v.account, Role::Verifier, 400 * ONE_DYN));
    }
    assert_eq!(s.total_weight(), 3_200 * ONE_DYN);
    // …until anyone syncs them away.
    for v in &coalition {
        done(s.sync_weight(who::user(8), v.account));
    }
    assert_eq!(s.total_weight(), 2_000 * ONE_DYN);
    done(s.submit(who::user(9), &a, &sigs));
}

/// Finding 12: three keys at the bond floor farming a million units an epoch mint against no
/// more units than their bond backs (100 DYN backs 10 units).
#[test]
fn farmed_capacity_mints_no_more_than_the_bond_allows() {
    let mut s = Suite::new();
    let mut net = Network::new(&mut s, 3);
    let v = net.verifiers[0].account;
    net.run(&mut s, 30, 3_000, v, 560_000);
    net.run(&mut s, 10, 3_000_000, v, 0);
    net.attest(&mut s, 3_000_000, Regime::Ephemeral);
    assert!(s.score_to(v, 600_000));
    assert_eq!(s.capacity(v, 36, Regime::Ephemeral), Some(1_000_000));
    let bond = s.stake(v, Role::Verifier).active;
    assert_eq!(bond / DEFAULT_PARAMS.bond_per_unit, 10);
    let r = s.propose(v, Signal::CapacityExpansion, v, ONE_DYN, &[]).value;
    assert_eq!(r, Err(MintError::NotBacked));
    // Bonding 100,000 DYN more backs 10,010 units: the rise from 1,000 counts up to there.
    s.bond_new(v, Role::Verifier, 100_000 * ONE_DYN);
    let id = done(s.propose(v, Signal::CapacityExpansion, v, ONE_DYN, &[])).value;
    let p = s.proposal(id).expect("proposal");
    assert_eq!((p.delta, p.level), (9_010, 10_010));
}
