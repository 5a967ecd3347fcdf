//! Checks shared by the sandbox and node deployment tests.

use dyn_token::MinterState;
use dynamis_deploy::{
    backend::Backend,
    calls::{self, call_data},
    suite::CONTRACTS,
    tx::account_of,
    Manifest, Plan,
};
use dynamis_shared::{wiring::Wiring, ReputationError};
use scale::Decode;
use sp_core::sr25519;

pub fn query<R: Decode>(
    b: &mut dyn Backend,
    contract: [u8; 32],
    selector: [u8; 4],
    args: impl scale::Encode,
) -> R {
    let raw = b.query(contract, call_data(selector, args)).expect("query");
    calls::decode(&raw).expect("decodes")
}

/// Everything instantiated, wired and locked as the manifest says, from the chain itself.
pub fn assert_deployed(
    backend: &mut dyn Backend,
    manifest: &Manifest,
    plan: &Plan,
    alice: &sr25519::Pair,
) {
    let names: Vec<&str> = manifest.contracts.keys().map(String::as_str).collect();
    let mut expected = CONTRACTS.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected);
    assert_eq!(
        manifest.attestation_params.challenge_window_blocks,
        plan.attestations.challenge_window_blocks
    );
    assert_eq!(manifest.roles.admin, account_of(alice));
    let token = manifest.address("dyn_token").expect("token");
    let reputation = manifest.address("reputation").expect("reputation");
    let bonding = manifest.address("bonding").expect("bonding");
    let attestations = manifest.address("attestations").expect("attestations");

    // The genesis supply went to the genesis holder.
    let supply: u128 = query(backend, token, calls::token::TOTAL_SUPPLY, ());
    let held: u128 = query(
        backend,
        token,
        calls::token::BALANCE_OF,
        calls::account(plan.genesis),
    );
    assert_eq!((supply, held), (dyn_token::GENESIS_SUPPLY, supply));
    let mint_credits = manifest.address("mint_credits").expect("mint_credits");
    // The token's one minter is mint_credits, locked for good.
    let minter: MinterState = query(backend, token, calls::token::MINTER_STATE, ());
    assert_eq!(
        (minter.admin, minter.minter),
        (None, Some(calls::account(mint_credits)))
    );
    // mint_credits reads the suite it was given and starts in phase 0.
    type Wired = [[u8; 32]; 6];
    let wired: Wired = query(backend, mint_credits, calls::mint_credits::WIRED, ());
    let governance = manifest.address("governance").expect("governance");
    let roles = [governance, plan.resolver];
    assert_eq!(
        wired,
        [token, attestations, reputation, bonding, roles[0], roles[1]]
    );
    let phase: (mint_credits::Phase, u32) =
        query(backend, mint_credits, calls::mint_credits::PHASE, ());
    assert_eq!(phase, (mint_credits::Phase::Fixed, 0));
    // attestations takes its deposits in DYN and its contests to the resolver.
    let wired: [[u8; 32]; 4] = query(backend, attestations, calls::attestations::WIRED, ());
    assert_eq!(wired, [token, bonding, reputation, plan.resolver]);
    // Reputation writers and bonding reporters are wired (mint_credits writes no score: its
    // penalties are slashes), and both wirings are locked.
    for (writer, expected) in [(bonding, true), (attestations, true), (mint_credits, false)] {
        let is: bool = query(
            backend,
            reputation,
            calls::reputation::IS_WRITER,
            calls::account(writer),
        );
        assert_eq!(is, expected);
    }
    for reporter in [attestations, mint_credits] {
        let is: bool = query(
            backend,
            bonding,
            calls::bonding::IS_REPORTER,
            calls::account(reporter),
        );
        assert!(is);
    }
    // Power/Flux hears of work from attestations alone, which names it.
    let power_flux = manifest.address("power_flux").expect("power_flux");
    let admin = account_of(alice);
    for (reporter, expected) in [(attestations, true), (mint_credits, false), (admin, false)] {
        let is: bool = query(
            backend,
            power_flux,
            calls::power_flux::IS_REPORTER,
            calls::account(reporter),
        );
        assert_eq!(is, expected);
    }
    let told: Option<[u8; 32]> = query(backend, attestations, calls::attestations::POWER_FLUX, ());
    assert_eq!(told, Some(power_flux));
    for contract in [reputation, bonding, governance, power_flux] {
        let wiring: Wiring = query(backend, contract, calls::reputation::WIRING, ());
        assert!(wiring.is_locked());
    }
    // Governance holds reputation's governance role, acts on the suite, and has the
    // council the plan names.
    for contract in [reputation, bonding, attestations, power_flux] {
        let governor: [u8; 32] = query(backend, contract, calls::common::GOVERNANCE, ());
        assert_eq!(governor, governance);
    }
    // Each founder the plan names proposes in governance from the start, and no more.
    for founder in &plan.founders {
        for (action, expected) in [
            (dynamis_shared::Action::ProposeGovernance, true),
            (dynamis_shared::Action::ProposeMint, false),
        ] {
            let may: bool = query(
                backend,
                reputation,
                calls::reputation::AUTHORITY,
                (calls::account(*founder), action),
            );
            assert_eq!(may, expected, "{action:?}");
        }
    }
    let targets: Option<governance::Targets> =
        query(backend, governance, calls::governance::TARGETS, ());
    let t = targets.expect("wired");
    assert_eq!(
        [t.token, t.reputation, t.bonding, t.mint_credits, t.attestations, t.power_flux]
            .map(|a| calls::raw(&a)),
        [token, reputation, bonding, mint_credits, attestations, power_flux]
    );
    let council: [u8; 32] = query(backend, governance, calls::governance::COUNCIL, ());
    assert_eq!(council, plan.council);
    // So the admin can no longer add a writer: included, reverted, and the receipt says why.
    let receipt = backend
        .call(
            alice,
            reputation,
            call_data(calls::reputation::ADD_WRITER, calls::account([9; 32])),
        )
        .expect("included");
    assert!(receipt.reverted, "{receipt:?}");
    let refused: Result<(), ReputationError> = calls::decode(&receipt.data).expect("decodes");
    assert!(refused.is_err());
    // The code hashes are those of the built artifacts.
    for (name, contract) in &manifest.contracts {
        let wasm = std::fs::read(plan.artifacts.join(name).join(format!("{name}.wasm")))
            .expect("artifact");
        assert_eq!(
            contract.code_hash,
            sp_core::hashing::blake2_256(&wasm),
            "{name}"
        );
    }
    let founders = plan.founders.len();
    assert_eq!(manifest.wiring.len(), 10 + founders, "{:?}", manifest.wiring);

    let path = std::env::temp_dir().join(format!(
        "dynamis-manifest-{}-{}.json",
        manifest.chain.kind,
        std::process::id()
    ));
    manifest.save(&path).expect("saved");
    assert_eq!(Manifest::load(&path).expect("loaded"), *manifest);
    let _ = std::fs::remove_file(path);
}
