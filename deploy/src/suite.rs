//! Deploying the suite: every contract built so far uploaded, instantiated in dependency
//! order, wired, and locked. A later contract adds its step here; nothing deploys by hand.

use crate::{
    backend::{Backend, Error},
    calls::{self, call_data},
    manifest::{AttestationParams, Contract, Manifest, Roles},
    tx::{account_of, Receipt},
};
use dyn_token::TokenError;
use dynamis_shared::{BondingError, ReputationError};
use scale::{Decode, Encode};
use sp_core::sr25519;
use std::{collections::BTreeMap, fmt::Debug, path::PathBuf};

/// The contracts, in the order they are deployed.
pub const CONTRACTS: [&str; 7] = [
    "governance",
    "dyn_token",
    "reputation",
    "bonding",
    "power_flux",
    "attestations",
    "mint_credits",
];

/// Where `cargo contract build` leaves the contracts of this repository.
pub fn default_artifacts() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/ink"))
}

/// What to deploy with whom.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Directory holding `<name>/<name>.wasm` for every contract.
    pub artifacts: PathBuf,
    pub genesis: [u8; 32],
    /// The governance contract's council (cancels spam proposals; replaced by a council
    /// proposal).
    pub council: [u8; 32],
    pub resolver: [u8; 32],
    /// Seeded with governance's proposing reputation before the wiring is locked (none by
    /// default: `--founder`).
    pub founders: Vec<[u8; 32]>,
    pub attestations: attestations::Params,
    /// Instantiation salt (a node keeps earlier deployments: the same code, deployer and salt
    /// would give the same addresses).
    pub salt: Vec<u8>,
}

impl Plan {
    /// Every role held by the deployer, default attestation parameters (a development chain;
    /// `dynamis-deploy --genesis --council --resolver` and the demo give them to others).
    pub fn dev(admin: &sr25519::Pair) -> Self {
        let me = account_of(admin);
        Self {
            artifacts: default_artifacts(),
            genesis: me,
            council: me,
            resolver: me,
            founders: Vec::new(),
            attestations: attestations::DEFAULT_PARAMS,
            salt: Vec::new(),
        }
    }
}

fn wasm_of(plan: &Plan, name: &str) -> Result<Vec<u8>, Error> {
    let path = plan.artifacts.join(name).join(format!("{name}.wasm"));
    std::fs::read(&path).map_err(|e| Error::Artifact {
        path: path.display().to_string(),
        why: format!("{e} (build the contracts first: scripts/setup)"),
    })
}

/// Fails unless the call was included, did not revert and returned `Ok(())`.
fn ok_unit<E: Decode + Debug>(what: &str, receipt: Receipt) -> Result<(), Error> {
    let refused = |why: String| Error::Refused {
        what: what.to_string(),
        why,
    };
    match receipt.value::<Result<(), E>>() {
        Ok(Ok(())) if !receipt.reverted => Ok(()),
        Ok(Ok(())) => Err(refused("reverted with Ok".into())),
        Ok(Err(e)) => Err(refused(format!("{e:?}"))),
        Err(e) => Err(refused(e)),
    }
}

struct Deployer<'a> {
    backend: &'a mut dyn Backend,
    admin: &'a sr25519::Pair,
    plan: &'a Plan,
    contracts: BTreeMap<String, Contract>,
    wiring: Vec<String>,
}

/// Uploads contract `name` from the plan's artifacts and instantiates it from `admin` with
/// `constructor` and the plan's salt.
pub fn instantiate(
    backend: &mut dyn Backend,
    admin: &sr25519::Pair,
    plan: &Plan,
    name: &str,
    constructor: Vec<u8>,
) -> Result<Contract, Error> {
    let wasm = wasm_of(plan, name)?;
    let code_hash = backend.upload(admin, wasm)?;
    let address = backend.instantiate(admin, code_hash, constructor, plan.salt.clone())?;
    tracing::info!(contract = name, address = %crate::hex::encode(address), "instantiated");
    Ok(Contract { address, code_hash })
}

impl Deployer<'_> {
    fn instantiate(&mut self, name: &str, constructor: Vec<u8>) -> Result<[u8; 32], Error> {
        let contract = instantiate(self.backend, self.admin, self.plan, name, constructor)?;
        let address = contract.address;
        self.contracts.insert(name.to_string(), contract);
        Ok(address)
    }

    fn call<E: Decode + Debug>(
        &mut self,
        what: String,
        contract: [u8; 32],
        selector: [u8; 4],
        args: impl Encode,
    ) -> Result<(), Error> {
        let receipt = self
            .backend
            .call(self.admin, contract, call_data(selector, args))?;
        ok_unit::<E>(&what, receipt)?;
        self.wiring.push(what);
        Ok(())
    }
}

/// Deploys, wires and locks the suite from `admin`; the manifest of what it did.
pub fn deploy_suite(
    backend: &mut dyn Backend,
    admin: &sr25519::Pair,
    plan: &Plan,
) -> Result<Manifest, Error> {
    let mut d = Deployer {
        backend,
        admin,
        plan,
        contracts: BTreeMap::new(),
        wiring: Vec::new(),
    };
    let acct = calls::account;
    // Governance first: its address is the governance role of reputation, bonding,
    // Power/Flux, attestations and mint_credits, and no account ever holds that role.
    let governance = d.instantiate(
        "governance",
        call_data(calls::governance::WITH_DEFAULTS, acct(plan.council)),
    )?;
    let token = d.instantiate(
        "dyn_token",
        call_data(calls::token::NEW, acct(plan.genesis)),
    )?;
    let reputation = d.instantiate(
        "reputation",
        call_data(calls::reputation::WITH_DEFAULTS, acct(governance)),
    )?;
    let bonding = d.instantiate(
        "bonding",
        call_data(
            calls::bonding::WITH_DEFAULTS,
            (
                acct(token),
                acct(reputation),
                acct(governance),
                acct(plan.resolver),
            ),
        ),
    )?;
    // Power/Flux reads scores from reputation and hears of work from attestations alone; it
    // burns Flux per use (the tax variant is an instantiation choice, not a deployment one).
    let power_flux = d.instantiate(
        "power_flux",
        call_data(
            calls::power_flux::WITH_DEFAULTS,
            (
                acct(reputation),
                acct(governance),
                power_flux::BurnMode::PerUse,
            ),
        ),
    )?;
    let attestations = d.instantiate(
        "attestations",
        call_data(
            calls::attestations::NEW,
            (
                acct(token),
                acct(bonding),
                acct(reputation),
                Some(acct(power_flux)),
                acct(governance),
                acct(plan.resolver),
                attestations::Bounds::around(&plan.attestations),
                plan.attestations,
            ),
        ),
    )?;
    let mint_credits = d.instantiate(
        "mint_credits",
        call_data(
            calls::mint_credits::WITH_DEFAULTS,
            (
                acct(token),
                acct(attestations),
                acct(reputation),
                acct(bonding),
                acct(governance),
                acct(plan.resolver),
            ),
        ),
    )?;
    // mint_credits writes no score (its penalties are slashes, which bonding records).
    for (name, writer) in [("bonding", bonding), ("attestations", attestations)] {
        d.call::<ReputationError>(
            format!("reputation.writer += {name}"),
            reputation,
            calls::reputation::ADD_WRITER,
            acct(writer),
        )?;
    }
    for founder in &plan.founders {
        d.call::<ReputationError>(
            format!("reputation.founder seeded: {}", crate::hex::encode(founder)),
            reputation,
            calls::reputation::SEED_FOUNDER,
            acct(*founder),
        )?;
    }
    d.call::<ReputationError>(
        "reputation.wiring locked".into(),
        reputation,
        calls::reputation::LOCK_WIRING,
        (),
    )?;
    for (name, reporter) in [
        ("attestations", attestations),
        ("mint_credits", mint_credits),
    ] {
        d.call::<BondingError>(
            format!("bonding.reporter += {name}"),
            bonding,
            calls::bonding::ADD_REPORTER,
            acct(reporter),
        )?;
    }
    d.call::<BondingError>(
        "bonding.wiring locked".into(),
        bonding,
        calls::bonding::LOCK_WIRING,
        (),
    )?;
    d.call::<dynamis_shared::PowerFluxError>(
        "power_flux.reporter += attestations".into(),
        power_flux,
        calls::power_flux::ADD_REPORTER,
        acct(attestations),
    )?;
    d.call::<dynamis_shared::PowerFluxError>(
        "power_flux.wiring locked".into(),
        power_flux,
        calls::power_flux::LOCK_WIRING,
        (),
    )?;
    // The token's one minter, fixed for good: from here on DYN's supply grows only through
    // mint_credits' guardrails.
    d.call::<TokenError>(
        "dyn_token.minter locked to mint_credits".into(),
        token,
        calls::token::LOCK_MINTER,
        Some(acct(mint_credits)),
    )?;
    // Governance learns the contracts it acts on, once; its wiring locks with it.
    let targets = governance::Targets {
        token: acct(token),
        reputation: acct(reputation),
        bonding: acct(bonding),
        mint_credits: acct(mint_credits),
        attestations: acct(attestations),
        power_flux: acct(power_flux),
    };
    d.call::<governance::GovernanceError>(
        "governance.wired to the suite (locked)".into(),
        governance,
        calls::governance::WIRE,
        targets,
    )?;
    // Read back what the registry was instantiated with.
    let raw = d
        .backend
        .query(attestations, call_data(calls::attestations::PARAMS, ()))?;
    let p: attestations::Params = calls::decode(&raw).map_err(|e| Error::Refused {
        what: "attestations.params".into(),
        why: e.to_string(),
    })?;
    let block = d.backend.block()?;
    let me = account_of(admin);
    Ok(Manifest {
        chain: d.backend.chain(),
        block,
        roles: Roles {
            admin: me,
            genesis: plan.genesis,
            council: plan.council,
            governance,
            resolver: plan.resolver,
            founders: plan.founders.clone(),
        },
        contracts: d.contracts,
        attestation_params: AttestationParams::from(p),
        wiring: d.wiring,
    })
}
