//! DYN on its compiled Wasm, in a drink sandbox: every PSP22 behaviour, the minter lock,
//! burns, the standard selectors, and no upgrade path.

use dyn_token::{MinterState, TokenError, GENESIS_SUPPLY, ONE_DYN};
use dynamis_shared::{Approval, PSP22Error, Transfer};
use dynamis_tests::{
    account,
    psp22::{selector, Psp22, Psp22Result},
    AccountId, BundleProvider, Called, RawEvent, Runtime,
};

const DEPLOYER: u8 = 1;
const GENESIS: u8 = 2;

struct Setup {
    chain: Runtime,
    token: Psp22,
    deployer: AccountId,
    genesis: AccountId,
    deploy_events: Vec<RawEvent>,
}

fn wasm() -> Vec<u8> {
    dynamis_tests::bundle(BundleProvider::DynToken).wasm
}

fn setup() -> Setup {
    let mut chain = Runtime::new();
    let (deployer, genesis) = (account(DEPLOYER), account(GENESIS));
    let deployed = Psp22::deploy_dyn(&mut chain, &wasm(), deployer, genesis);
    Setup {
        chain,
        token: deployed.value,
        deployer,
        genesis,
        deploy_events: deployed.events,
    }
}

/// DYN with its minter locked to `minter` by the deployer.
fn setup_locked_to(minter: AccountId) -> Setup {
    let mut s = setup();
    let locked = s.token.lock_minter(&mut s.chain, s.deployer, Some(minter));
    assert_eq!(locked.value, Ok(()));
    s
}

fn transfers(events: &[RawEvent]) -> Vec<Transfer> {
    events
        .iter()
        .filter_map(RawEvent::decode_as::<Transfer>)
        .collect()
}

fn approvals(events: &[RawEvent]) -> Vec<Approval> {
    events
        .iter()
        .filter_map(RawEvent::decode_as::<Approval>)
        .collect()
}

/// Asserts a call succeeded, did not revert, and emitted exactly `events` PSP22 events.
fn assert_ok(called: &Called<Psp22Result>, events: usize) {
    assert_eq!(called.value, Ok(()));
    assert!(!called.reverted);
    assert_eq!(called.events.len(), events, "events: {:?}", called.events);
}

/// Asserts a call failed with `error`, reverted, and emitted nothing.
fn assert_err(called: &Called<Psp22Result>, error: PSP22Error) {
    assert_eq!(called.value, Err(error));
    assert!(
        called.reverted,
        "a failed message must revert its state changes"
    );
    assert!(called.events.is_empty());
}

#[test]
fn genesis_supply_is_one_billion_dyn_to_the_genesis_account() {
    let mut s = setup();
    assert_eq!(GENESIS_SUPPLY, 1_000_000_000 * 10u128.pow(18));
    assert_eq!(s.token.total_supply(&mut s.chain), GENESIS_SUPPLY);
    assert_eq!(s.token.balance_of(&mut s.chain, s.genesis), GENESIS_SUPPLY);
    assert_eq!(s.token.balance_of(&mut s.chain, s.deployer), 0);
    assert_eq!(
        transfers(&s.deploy_events),
        vec![Transfer {
            from: None,
            to: Some(s.genesis),
            value: GENESIS_SUPPLY
        }]
    );
}

#[test]
fn metadata_is_dynamis_dyn_with_18_decimals() {
    let mut s = setup();
    assert_eq!(s.token.token_name(&mut s.chain).as_deref(), Some("Dynamis"));
    assert_eq!(s.token.token_symbol(&mut s.chain).as_deref(), Some("DYN"));
    assert_eq!(s.token.token_decimals(&mut s.chain), 18);
}

#[test]
fn psp22_messages_have_the_standard_selectors() {
    // The published PSP22 selectors (no trait namespace).
    let expected: [(&str, [u8; 4]); 11] = [
        ("PSP22::total_supply", [0x16, 0x2d, 0xf8, 0xc2]),
        ("PSP22::balance_of", [0x65, 0x68, 0x38, 0x2f]),
        ("PSP22::allowance", [0x4d, 0x47, 0xd9, 0x21]),
        ("PSP22::transfer", [0xdb, 0x20, 0xf9, 0xf5]),
        ("PSP22::transfer_from", [0x54, 0xb3, 0xc7, 0x6e]),
        ("PSP22::approve", [0xb2, 0x0f, 0x1b, 0xbd]),
        ("PSP22::increase_allowance", [0x96, 0xd6, 0xb5, 0x7a]),
        ("PSP22::decrease_allowance", [0xfe, 0xcb, 0x57, 0xd5]),
        ("PSP22Metadata::token_name", [0x3d, 0x26, 0x1b, 0xd4]),
        ("PSP22Metadata::token_symbol", [0x34, 0x20, 0x5b, 0xe5]),
        ("PSP22Metadata::token_decimals", [0x72, 0x71, 0xb7, 0x82]),
    ];
    let bundle = dynamis_tests::bundle(BundleProvider::DynToken);
    let metadata = bundle.transcoder.metadata();
    let in_contract = |label: &str| {
        metadata
            .spec()
            .messages()
            .iter()
            .find(|m| m.label() == label)
            .map(|m| m.selector().to_bytes().to_vec())
    };
    for (label, bytes) in expected {
        assert_eq!(in_contract(label), Some(bytes.to_vec()), "{label}");
    }
    assert_eq!(selector::TRANSFER, [0xdb, 0x20, 0xf9, 0xf5]);
    assert_eq!(
        in_contract("PSP22Burnable::burn"),
        Some(selector::BURN.to_vec())
    );
    assert_eq!(
        in_contract("PSP22Mintable::mint"),
        Some(selector::MINT.to_vec())
    );
}

#[test]
fn there_is_no_upgrade_path() {
    // No contract of the suite can replace its code or run another's in its own storage: none
    // imports the host functions that would (read from each Wasm's import section), so no
    // message of it can reach them.
    for contract in [
        BundleProvider::DynToken,
        BundleProvider::Reputation,
        BundleProvider::Bonding,
        BundleProvider::Attestations,
        BundleProvider::MintCredits,
        BundleProvider::PowerFlux,
    ] {
        let wasm = dynamis_tests::bundle(contract).wasm;
        let imports = dynamis_tests::wasm_imports(&wasm);
        assert!(
            imports.iter().any(|(_, name)| name.contains("return")),
            "{contract:?}: the import section was read ({imports:?})"
        );
        for (module, name) in &imports {
            assert!(
                !name.contains("set_code_hash") && !name.contains("delegate_call"),
                "{contract:?} imports {module}::{name}"
            );
        }
        let labels = dynamis_tests::message_signatures(&dynamis_tests::bundle(contract));
        assert!(
            labels
                .iter()
                .all(|(l, _)| !l.contains("code") && !l.contains("upgrade")),
            "{contract:?}: {labels:?}"
        );
    }
    let bundle = dynamis_tests::bundle(BundleProvider::DynToken);
    // And the token's full message list is the token's, nothing more.
    let mut labels: Vec<String> = bundle
        .transcoder
        .metadata()
        .spec()
        .messages()
        .iter()
        .map(|m| m.label().to_string())
        .collect();
    labels.sort();
    let mut expected = vec![
        "PSP22::total_supply",
        "PSP22::balance_of",
        "PSP22::allowance",
        "PSP22::transfer",
        "PSP22::transfer_from",
        "PSP22::approve",
        "PSP22::increase_allowance",
        "PSP22::decrease_allowance",
        "PSP22Metadata::token_name",
        "PSP22Metadata::token_symbol",
        "PSP22Metadata::token_decimals",
        "PSP22Burnable::burn",
        "PSP22Mintable::mint",
        "lock_minter",
        "minter_state",
    ];
    expected.sort();
    assert_eq!(labels, expected);
}

#[test]
fn transfer_moves_tokens_and_emits_transfer() {
    let mut s = setup();
    let bob = account(20);
    let called = s.token.transfer(&mut s.chain, s.genesis, bob, 5 * ONE_DYN);
    assert_ok(&called, 1);
    assert_eq!(
        transfers(&called.events),
        vec![Transfer {
            from: Some(s.genesis),
            to: Some(bob),
            value: 5 * ONE_DYN
        }]
    );
    assert_eq!(s.token.balance_of(&mut s.chain, bob), 5 * ONE_DYN);
    assert_eq!(
        s.token.balance_of(&mut s.chain, s.genesis),
        GENESIS_SUPPLY - 5 * ONE_DYN
    );
    assert_eq!(s.token.total_supply(&mut s.chain), GENESIS_SUPPLY);
}

#[test]
fn transfer_of_the_whole_balance_empties_the_sender() {
    let mut s = setup();
    let (bob, carol) = (account(20), account(21));
    assert_ok(&s.token.transfer(&mut s.chain, s.genesis, bob, 7), 1);
    assert_ok(&s.token.transfer(&mut s.chain, bob, carol, 7), 1);
    assert_eq!(s.token.balance_of(&mut s.chain, bob), 0);
    assert_eq!(s.token.balance_of(&mut s.chain, carol), 7);
    // An emptied account can receive again.
    assert_ok(&s.token.transfer(&mut s.chain, carol, bob, 3), 1);
    assert_eq!(s.token.balance_of(&mut s.chain, bob), 3);
}

#[test]
fn zero_transfers_succeed_change_nothing_and_emit_nothing() {
    let mut s = setup();
    let (bob, nobody) = (account(20), account(30));
    assert_ok(&s.token.transfer(&mut s.chain, s.genesis, bob, 0), 0);
    // Even from an account with no tokens at all.
    assert_ok(&s.token.transfer(&mut s.chain, nobody, bob, 0), 0);
    assert_ok(
        &s.token
            .transfer_from(&mut s.chain, nobody, s.genesis, bob, 0),
        0,
    );
    assert_eq!(s.token.balance_of(&mut s.chain, bob), 0);
    assert_eq!(s.token.balance_of(&mut s.chain, s.genesis), GENESIS_SUPPLY);
}

#[test]
fn self_transfers_succeed_change_nothing_and_emit_nothing() {
    let mut s = setup();
    let g = s.genesis;
    assert_ok(&s.token.transfer(&mut s.chain, g, g, 10), 0);
    // Even for more than the balance: nothing moves, so nothing can be short.
    assert_ok(&s.token.transfer(&mut s.chain, g, g, GENESIS_SUPPLY + 1), 0);
    // transfer_from with from == to needs no allowance either.
    let spender = account(22);
    assert_ok(&s.token.transfer_from(&mut s.chain, spender, g, g, 10), 0);
    assert_eq!(s.token.balance_of(&mut s.chain, g), GENESIS_SUPPLY);
}

#[test]
fn transfer_beyond_balance_fails_and_changes_nothing() {
    let mut s = setup();
    let (bob, carol) = (account(20), account(21));
    assert_ok(&s.token.transfer(&mut s.chain, s.genesis, bob, 100), 1);
    let called = s.token.transfer(&mut s.chain, bob, carol, 101);
    assert_err(&called, PSP22Error::InsufficientBalance);
    assert_eq!(s.token.balance_of(&mut s.chain, bob), 100);
    assert_eq!(s.token.balance_of(&mut s.chain, carol), 0);
    let called = s.token.transfer(&mut s.chain, carol, bob, 1);
    assert_err(&called, PSP22Error::InsufficientBalance);
}

#[test]
fn approve_sets_and_overwrites_the_allowance() {
    let mut s = setup();
    let spender = account(22);
    let called = s.token.approve(&mut s.chain, s.genesis, spender, 50);
    assert_ok(&called, 1);
    assert_eq!(
        approvals(&called.events),
        vec![Approval {
            owner: s.genesis,
            spender,
            amount: 50
        }]
    );
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 50);
    assert_ok(&s.token.approve(&mut s.chain, s.genesis, spender, 7), 1);
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 7);
    assert_ok(&s.token.approve(&mut s.chain, s.genesis, spender, 0), 1);
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 0);
    // An allowance may exceed the balance: it is a limit, not a reservation.
    assert_ok(
        &s.token.approve(&mut s.chain, spender, s.genesis, u128::MAX),
        1,
    );
    assert_eq!(
        s.token.allowance(&mut s.chain, spender, s.genesis),
        u128::MAX
    );
}

#[test]
fn approving_oneself_is_a_silent_no_op() {
    let mut s = setup();
    let g = s.genesis;
    assert_ok(&s.token.approve(&mut s.chain, g, g, 50), 0);
    assert_ok(&s.token.increase_allowance(&mut s.chain, g, g, 50), 0);
    assert_ok(&s.token.decrease_allowance(&mut s.chain, g, g, 50), 0);
    assert_eq!(s.token.allowance(&mut s.chain, g, g), 0);
}

#[test]
fn increase_and_decrease_allowance() {
    let mut s = setup();
    let spender = account(22);
    let called = s
        .token
        .increase_allowance(&mut s.chain, s.genesis, spender, 30);
    assert_ok(&called, 1);
    assert_eq!(approvals(&called.events)[0].amount, 30);
    assert_ok(
        &s.token
            .increase_allowance(&mut s.chain, s.genesis, spender, 12),
        1,
    );
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 42);
    let called = s
        .token
        .decrease_allowance(&mut s.chain, s.genesis, spender, 40);
    assert_ok(&called, 1);
    assert_eq!(approvals(&called.events)[0].amount, 2);
    // Zero deltas change nothing and emit nothing.
    assert_ok(
        &s.token
            .increase_allowance(&mut s.chain, s.genesis, spender, 0),
        0,
    );
    assert_ok(
        &s.token
            .decrease_allowance(&mut s.chain, s.genesis, spender, 0),
        0,
    );
    // Below zero is an error, and the allowance stays.
    let called = s
        .token
        .decrease_allowance(&mut s.chain, s.genesis, spender, 3);
    assert_err(&called, PSP22Error::InsufficientAllowance);
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 2);
    // Increasing saturates at u128::MAX rather than overflowing.
    assert_ok(
        &s.token
            .increase_allowance(&mut s.chain, s.genesis, spender, u128::MAX),
        1,
    );
    assert_eq!(
        s.token.allowance(&mut s.chain, s.genesis, spender),
        u128::MAX
    );
}

#[test]
fn transfer_from_spends_the_allowance_and_emits_approval_then_transfer() {
    let mut s = setup();
    let (spender, carol) = (account(22), account(21));
    assert_ok(&s.token.approve(&mut s.chain, s.genesis, spender, 100), 1);
    let called = s
        .token
        .transfer_from(&mut s.chain, spender, s.genesis, carol, 60);
    assert_ok(&called, 2);
    assert_eq!(
        called.events[0].decode_as::<Approval>(),
        Some(Approval {
            owner: s.genesis,
            spender,
            amount: 40
        })
    );
    assert_eq!(
        called.events[1].decode_as::<Transfer>(),
        Some(Transfer {
            from: Some(s.genesis),
            to: Some(carol),
            value: 60
        })
    );
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 40);
    assert_eq!(s.token.balance_of(&mut s.chain, carol), 60);
    // Spending the exact rest leaves a zero allowance.
    assert_ok(
        &s.token
            .transfer_from(&mut s.chain, spender, s.genesis, carol, 40),
        2,
    );
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 0);
}

#[test]
fn transfer_from_beyond_the_allowance_fails_and_changes_nothing() {
    let mut s = setup();
    let (spender, carol) = (account(22), account(21));
    // No allowance at all.
    let called = s
        .token
        .transfer_from(&mut s.chain, spender, s.genesis, carol, 1);
    assert_err(&called, PSP22Error::InsufficientAllowance);
    assert_ok(&s.token.approve(&mut s.chain, s.genesis, spender, 10), 1);
    let called = s
        .token
        .transfer_from(&mut s.chain, spender, s.genesis, carol, 11);
    assert_err(&called, PSP22Error::InsufficientAllowance);
    assert_eq!(s.token.allowance(&mut s.chain, s.genesis, spender), 10);
    assert_eq!(s.token.balance_of(&mut s.chain, carol), 0);
}

#[test]
fn transfer_from_beyond_the_balance_fails_and_keeps_the_allowance() {
    let mut s = setup();
    let (owner, spender, carol) = (account(20), account(22), account(21));
    assert_ok(&s.token.transfer(&mut s.chain, s.genesis, owner, 5), 1);
    assert_ok(&s.token.approve(&mut s.chain, owner, spender, 1_000), 1);
    let called = s
        .token
        .transfer_from(&mut s.chain, spender, owner, carol, 6);
    assert_err(&called, PSP22Error::InsufficientBalance);
    assert_eq!(s.token.allowance(&mut s.chain, owner, spender), 1_000);
    assert_eq!(s.token.balance_of(&mut s.chain, owner), 5);
}

#[test]
fn transfer_from_by_the_owner_needs_no_allowance() {
    let mut s = setup();
    let carol = account(21);
    let called = s
        .token
        .transfer_from(&mut s.chain, s.genesis, s.genesis, carol, 9);
    assert_ok(&called, 1);
    assert_eq!(
        transfers(&called.events),
        vec![Transfer {
            from: Some(s.genesis),
            to: Some(carol),
            value: 9
        }]
    );
    assert_eq!(s.token.balance_of(&mut s.chain, carol), 9);
}

#[test]
fn burn_lowers_balance_and_supply_and_emits_transfer_to_none() {
    let mut s = setup();
    let called = s.token.burn(&mut s.chain, s.genesis, 250 * ONE_DYN);
    assert_ok(&called, 1);
    assert_eq!(
        transfers(&called.events),
        vec![Transfer {
            from: Some(s.genesis),
            to: None,
            value: 250 * ONE_DYN
        }]
    );
    assert_eq!(
        s.token.total_supply(&mut s.chain),
        GENESIS_SUPPLY - 250 * ONE_DYN
    );
    assert_eq!(
        s.token.balance_of(&mut s.chain, s.genesis),
        GENESIS_SUPPLY - 250 * ONE_DYN
    );
    assert_ok(&s.token.burn(&mut s.chain, s.genesis, 0), 0);
    let bob = account(20);
    assert_err(
        &s.token.burn(&mut s.chain, bob, 1),
        PSP22Error::InsufficientBalance,
    );
    // The whole remaining balance can go.
    let rest = s.token.balance_of(&mut s.chain, s.genesis);
    assert_ok(&s.token.burn(&mut s.chain, s.genesis, rest), 1);
    assert_eq!(s.token.total_supply(&mut s.chain), 0);
}

fn not_minter() -> PSP22Error {
    PSP22Error::Custom(TokenError::NOT_MINTER.to_string())
}

/// Everyone a test knows about, including the deployer, the genesis holder and the minter.
fn everyone(s: &Setup) -> Vec<AccountId> {
    let mut all: Vec<AccountId> = (20..40).map(account).collect();
    all.extend([s.deployer, s.genesis, s.token.address, account(0)]);
    all
}

#[test]
fn nobody_can_mint_before_the_minter_is_locked() {
    let mut s = setup();
    assert_eq!(
        s.token.minter_state(&mut s.chain),
        MinterState::unlocked(s.deployer)
    );
    for who in everyone(&s) {
        assert_err(&s.token.mint(&mut s.chain, who, 1), not_minter());
    }
    assert_eq!(s.token.total_supply(&mut s.chain), GENESIS_SUPPLY);
}

#[test]
fn only_the_deployer_can_lock_the_minter() {
    let mut s = setup();
    let minter = account(50);
    for who in everyone(&s).into_iter().filter(|w| *w != s.deployer) {
        let called = s.token.lock_minter(&mut s.chain, who, Some(who));
        assert_eq!(called.value, Err(TokenError::NotWiringAdmin));
        assert!(called.reverted);
    }
    let called = s.token.lock_minter(&mut s.chain, s.deployer, Some(minter));
    assert_eq!(called.value, Ok(()));
    assert_eq!(called.events.len(), 1, "MinterLocked is emitted");
    assert_eq!(
        s.token.minter_state(&mut s.chain),
        MinterState {
            admin: None,
            minter: Some(minter)
        }
    );
}

#[test]
fn only_the_locked_minter_can_mint() {
    let minter = account(50);
    let mut s = setup_locked_to(minter);
    for who in everyone(&s) {
        assert_err(&s.token.mint(&mut s.chain, who, 1), not_minter());
    }
    let called = s.token.mint(&mut s.chain, minter, 77 * ONE_DYN);
    assert_ok(&called, 1);
    assert_eq!(
        transfers(&called.events),
        vec![Transfer {
            from: None,
            to: Some(minter),
            value: 77 * ONE_DYN
        }]
    );
    assert_eq!(s.token.balance_of(&mut s.chain, minter), 77 * ONE_DYN);
    assert_eq!(
        s.token.total_supply(&mut s.chain),
        GENESIS_SUPPLY + 77 * ONE_DYN
    );
    // Zero mints succeed without an event.
    assert_ok(&s.token.mint(&mut s.chain, minter, 0), 0);
    // Minting past u128::MAX is refused with the ledger's error.
    let called = s.token.mint(&mut s.chain, minter, u128::MAX);
    assert_err(&called, PSP22Error::Custom("SupplyOverflow".to_string()));
}

#[test]
fn the_minter_lock_cannot_be_reopened_by_anyone() {
    let minter = account(50);
    let mut s = setup_locked_to(minter);
    let mut callers = everyone(&s);
    callers.push(minter);
    for who in callers {
        for target in [Some(who), Some(minter), None] {
            let called = s.token.lock_minter(&mut s.chain, who, target);
            assert_eq!(
                called.value,
                Err(TokenError::MinterAlreadyLocked),
                "{who:?}"
            );
            assert!(called.reverted);
        }
    }
    assert_eq!(
        s.token.minter_state(&mut s.chain),
        MinterState {
            admin: None,
            minter: Some(minter)
        }
    );
    assert_ok(&s.token.mint(&mut s.chain, minter, 1), 1);
}

#[test]
fn locking_with_no_minter_fixes_the_supply_forever() {
    let mut s = setup();
    assert_eq!(
        s.token.lock_minter(&mut s.chain, s.deployer, None).value,
        Ok(())
    );
    for who in everyone(&s) {
        assert_err(&s.token.mint(&mut s.chain, who, 1), not_minter());
        assert_eq!(
            s.token.lock_minter(&mut s.chain, who, Some(who)).value,
            Err(TokenError::MinterAlreadyLocked)
        );
    }
    assert_eq!(s.token.total_supply(&mut s.chain), GENESIS_SUPPLY);
}

#[test]
fn transfer_accepts_arbitrary_data_exactly_as_a_vec_u8() {
    let mut s = setup();
    let bob = account(20);
    // Callers send `data: Vec<u8>`; the token skips it and transfers (ink!'s 16 KiB input
    // buffer bounds the whole call, for the reference as for DYN).
    for len in [0usize, 1, 33, 1_000, 10_000] {
        let data = dynamis_tests::call_data(selector::TRANSFER, (bob, 1u128, vec![7u8; len]));
        let called: Called<Psp22Result> = s
            .chain
            .call(s.token.address, s.genesis, data)
            .unwrap_or_else(|e| panic!("len {len}: {e:?}"));
        assert_ok(&called, 1);
    }
    assert_eq!(s.token.balance_of(&mut s.chain, bob), 5);
    // The ABI describes the argument as `Vec<u8>`: the metadata's transcoder encodes a byte list
    // into exactly the bytes a PSP22 caller sends.
    let bundle = dynamis_tests::bundle(BundleProvider::DynToken);
    let bob_ss58 = {
        use drink::Ss58Codec;
        let raw: [u8; 32] = *bob.as_ref();
        drink::AccountId32::new(raw).to_ss58check()
    };
    let by_metadata = bundle
        .transcoder
        .encode("PSP22::transfer", [bob_ss58.as_str(), "5", "[1, 2, 3]"])
        .unwrap_or_else(|e| panic!("{e:?}"));
    let by_hand = dynamis_tests::call_data(selector::TRANSFER, (bob, 5u128, vec![1u8, 2, 3]));
    assert_eq!(by_metadata, by_hand);
}
